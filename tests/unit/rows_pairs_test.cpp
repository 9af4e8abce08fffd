// Questions about another table's rows that compare them with this row's values
// (`exists(from episodes per child where decom <= missing.start)`): a small case worked by hand,
// and random rows with missing cells against the same figures worked out pair by pair in plain
// C++, on one thread and on two.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "lang/check/front.hpp"
#include "lang/plan/compiler.hpp"
#include "runtime/exec/executor.hpp"
#include "temp_folder.hpp"

namespace tally {
namespace {

using test_support::TempFolderTest;

constexpr const char* kDefinitions = R"tally(
table episodes { child text  decom date  dec date? }
table missing { child text  start date? }
indicator outside {
  from   missing
  period year
  let in_care = exists(from episodes per child
                       where decom <= missing.start and (dec is missing or dec >= missing.start))
  value  count where not in_care
  unit   count
}
indicator begun {
  from   missing
  period year
  let s = start
  let n = count(from episodes per child where decom <= missing.s)
  value  sum n
  unit   number
}
indicator days_before {
  from   missing
  period year
  let d = sum(days(decom, dec) from episodes per child where decom < missing.start)
  value  sum d
  unit   days
}
)tally";

class RowsPairsTest : public TempFolderTest {
 protected:
  // Loads the definitions over the two CSV texts.
  void load(const std::string& episodes, const std::string& missing) {
    std::filesystem::create_directories(dir_ / "data");
    write("data/episodes.csv", episodes);
    write("data/missing.csv", missing);
    const auto defs = write("defs.tally", kDefinitions);
    front_ = check::load_definitions({defs.string()});
    ASSERT_FALSE(front_->diags.has_errors());
    plan_ = plan::compile(front_->program, {});
    data_ = runtime::load_dataset(plan_, dir_ / "data", runtime::LoadOptions{});
    for (const auto& e : data_.errors) ADD_FAILURE() << e.render("error");
  }

  // The three figures for 2017-18.
  std::vector<Rational> figures(unsigned threads) {
    runtime::RunRequest r;
    r.period = *calendar::parse_period_arg("2017-18");
    r.period_label = "2017-18";
    r.history = 1;
    r.threads = threads;
    std::vector<runtime::Issue> errors;
    runtime::ExecCaches caches;
    const runtime::RunResult result = runtime::execute(plan_, data_, caches, r, errors);
    EXPECT_TRUE(errors.empty());
    std::vector<Rational> out;
    for (const auto& ind : result.indicators) {
      EXPECT_EQ(ind.results.size(), 1u);
      if (ind.results.empty() || !ind.results[0].value) {
        ADD_FAILURE() << "an indicator has no figure";
        out.push_back(Rational(-1));
        continue;
      }
      out.push_back(*ind.results[0].value);
    }
    return out;
  }

  std::unique_ptr<check::Frontend> front_;
  plan::Plan plan_;
  runtime::Dataset data_;
};

TEST_F(RowsPairsTest, ASmallCaseWorkedByHand) {
  // A 07-15: one episode ended before it, the other began after it: outside. Episodes begun by
  // then: 1; their days: 180 (1 January to 30 June).
  // A 09-01: the episode from 1 August is still open: in care; begun 2; days 180 (the open
  // episode's are missing).
  // A 06-30: the first episode ends that day: in care; begun 1; days 180.
  // B 06-15: its one episode ended on 31 May: outside; begun 1; days 30.
  // D: no episodes: outside; begun 0; no days (missing).
  // C: no start, so the condition is missing for its episode, which does not count: outside.
  load(
      "child,decom,dec\nA,2017-01-01,2017-06-30\nA,2017-08-01,\nB,2017-05-01,2017-05-31\n"
      "C,2017-03-01,2017-12-31\n",
      "child,start\nA,2017-07-15\nA,2017-09-01\nA,2017-06-30\nB,2017-06-15\nD,2017-06-15\nC,\n");
  for (unsigned threads : {1u, 2u}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    EXPECT_EQ(figures(threads), (std::vector<Rational>{4, 5, 570}));
  }
}

TEST_F(RowsPairsTest, RandomRowsAgreeWithEachPairWorkedOut) {
  struct Episode {
    int child;
    Day decom;
    std::optional<Day> dec;
  };
  std::uint64_t state = 12345;
  auto next = [&state](std::uint64_t below) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % below;
  };
  const Day base = days_from_civil(2016, 1, 1);
  std::vector<Episode> episodes;
  std::ostringstream ecsv, mcsv;
  ecsv << "child,decom,dec\n";
  for (int r = 0; r < 20'000; ++r) {
    Episode e{static_cast<int>(next(3000)), base + static_cast<Day>(next(900)), std::nullopt};
    if (next(100) >= 20) e.dec = e.decom + static_cast<Day>(next(200));
    ecsv << "C" << e.child << "," << format_iso(e.decom) << "," << (e.dec ? format_iso(*e.dec) : "")
         << "\n";
    episodes.push_back(e);
  }
  std::map<int, std::vector<const Episode*>> of_child;
  for (const Episode& e : episodes) of_child[e.child].push_back(&e);
  std::int64_t outside = 0, begun = 0, days = 0;
  mcsv << "child,start\n";
  for (int r = 0; r < 10'000; ++r) {
    const int child = static_cast<int>(next(3500));
    std::optional<Day> start;
    if (next(100) >= 5) start = base + static_cast<Day>(next(1000));
    mcsv << "C" << child << "," << (start ? format_iso(*start) : "") << "\n";
    bool in_care = false;
    for (const Episode* e : of_child[child]) {
      if (!start) continue;  // every comparison with the start is missing
      if (e->decom <= *start && (!e->dec || *e->dec >= *start)) in_care = true;
      if (e->decom <= *start) ++begun;
      if (e->decom < *start && e->dec) days += *e->dec - e->decom;
    }
    if (!in_care) ++outside;
  }
  load(ecsv.str(), mcsv.str());
  ASSERT_GT(outside, 0);
  ASSERT_GT(begun, 0);
  for (unsigned threads : {1u, 2u}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    EXPECT_EQ(figures(threads), (std::vector<Rational>{outside, begun, days}));
  }
}

}  // namespace
}  // namespace tally
