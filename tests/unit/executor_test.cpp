// The executor's short cuts against its general path. Conditions of the usual shapes (a
// comparison, `is known`, `in (...)`) go straight into the row mask, and counts by a date in
// period are added up day by day; the same conditions written so that they are evaluated as
// values (`or` a condition that is known never to hold), and sums of a column of ones instead of
// counts, take the general path. Both must give the same figures, over rows with missing cells,
// many batches and both threads. Runs at once over one dataset give the figures of one alone.
#include "runtime/exec/executor.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <thread>

#include "lang/check/front.hpp"
#include "lang/plan/compiler.hpp"
#include "lang/plan/plan.hpp"
#include "temp_folder.hpp"

namespace tally {
namespace {

using test_support::TempFolderTest;

class ExecutorPathsTest : public TempFolderTest {
 protected:
  // Writes `rows` visits of 3,000 children with missing cells in every column but `one`.
  void write_visits(std::size_t rows) {
    std::uint64_t state = 12345;
    auto next = [&state](std::uint64_t below) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      return (state >> 33) % below;
    };
    std::ostringstream csv;
    csv << "child,day,x,t,one\n";
    const char* texts[] = {"a", "b", "c", "d", "e", "f"};
    for (std::size_t r = 0; r < rows; ++r) {
      csv << "C" << next(3000) << ",";
      if (next(100) >= 3)
        csv << format_iso(days_from_civil(2014, 1, 1) + static_cast<Day>(next(2400)));
      csv << ",";
      if (next(100) >= 10) csv << next(21);
      csv << ",";
      if (next(100) >= 10) csv << texts[next(6)];
      csv << ",1\n";
    }
    std::filesystem::create_directories(dir_ / "data");
    write("data/visits.csv", csv.str());
  }

  runtime::RunResult run(const std::string& definitions, unsigned threads) {
    const auto defs = write("defs.tally", definitions);
    front_ = check::load_definitions({defs.string()});
    EXPECT_FALSE(front_->diags.has_errors());
    plan_ = plan::compile(front_->program, {});
    data_ = runtime::load_dataset(plan_, dir_ / "data", runtime::LoadOptions{});
    for (const auto& e : data_.errors) ADD_FAILURE() << e.render("error");
    std::vector<runtime::Issue> errors;
    runtime::ExecCaches caches;
    runtime::RunResult result = runtime::execute(plan_, data_, caches, request(threads), errors);
    EXPECT_TRUE(errors.empty());
    return result;
  }

  runtime::RunRequest request(unsigned threads) const {
    runtime::RunRequest r;
    r.period = *calendar::parse_period_arg("2019-20Q4");
    r.period_label = "2019-20 Q4";
    r.history = 12;
    r.threads = threads;
    for (const auto& p : front_->program.params) r.params.push_back(p.value);
    return r;
  }

  static void expect_same_figures(const runtime::RunResult& a, const runtime::RunResult& b) {
    ASSERT_EQ(a.indicators.size(), b.indicators.size());
    for (std::size_t k = 0; k < a.indicators.size(); ++k) {
      ASSERT_EQ(a.indicators[k].results.size(), b.indicators[k].results.size());
      for (std::size_t p = 0; p < a.indicators[k].results.size(); ++p) {
        const runtime::PeriodResult& x = a.indicators[k].results[p];
        const runtime::PeriodResult& y = b.indicators[k].results[p];
        EXPECT_EQ(x.numerator, y.numerator) << k << " " << p;
        EXPECT_EQ(x.denominator, y.denominator) << k << " " << p;
        EXPECT_EQ(x.value, y.value) << k << " " << p;
      }
    }
  }

  // Every period of indicators 2k and 2k + 1 must have the same numerator and denominator.
  static void expect_pairs_agree(const runtime::RunResult& result) {
    ASSERT_EQ(result.indicators.size() % 2, 0u);
    for (std::size_t k = 0; k < result.indicators.size(); k += 2) {
      const auto& fast = result.indicators[k].results;
      const auto& general = result.indicators[k + 1].results;
      ASSERT_EQ(fast.size(), general.size());
      for (std::size_t p = 0; p < fast.size(); ++p) {
        SCOPED_TRACE("pair " + std::to_string(k / 2) + ", period " + std::to_string(p));
        ASSERT_TRUE(fast[p].denominator && general[p].denominator);
        EXPECT_EQ(*fast[p].denominator, *general[p].denominator);
        EXPECT_GT(*fast[p].denominator, 0);
        ASSERT_EQ(fast[p].numerator.has_value(), general[p].numerator.has_value());
        if (fast[p].numerator) {
          EXPECT_EQ(*fast[p].numerator, *general[p].numerator);
        }
      }
    }
  }

  std::unique_ptr<check::Frontend> front_;
  plan::Plan plan_;
  runtime::Dataset data_;
};

// Each pair: the usual shape first, then the same figure by the general path.
constexpr const char* kDefinitions = R"tally(
table visits { child text  day date?  x int?  t text?  one int }
param short_gap = 9 days

indicator gaps_fast {
  from        visits
  period      quarter
  let gap     = days(previous(day per child), day)
  denominator count where day in period and gap is known
  numerator   count where gap <= short_gap and x > 3
}
indicator gaps_general {
  from        visits
  period      quarter
  let gap     = days(previous(day per child), day)
  denominator sum one where day in period and (gap is known or (gap is missing and gap is known))
  numerator   sum one where (gap <= short_gap or (gap is missing and gap is known))
                        and (x > 3 or (x is missing and x is known))
}

indicator lists_fast {
  from        visits
  period      quarter
  denominator count where day in period and t not in ("c", "zz")
  numerator   count where t in ("a", "b", "f") and x is missing
}
indicator lists_general {
  from        visits
  period      quarter
  denominator sum one where day in period
                        and ((t != "c" and t != "zz") or (t is missing and t is known))
  numerator   sum one where (t = "a" or t = "b" or t = "f" or (t is missing and t is known))
                        and (x is missing or (x is missing and x is known))
}

indicator missing_fast {
  from        visits
  period      quarter
  denominator count where day in period and x != 7
  numerator   count where t is missing
}
indicator missing_general {
  from        visits
  period      quarter
  denominator sum one where day in period and (x != 7 or (x is missing and x is known))
  numerator   sum one where t is missing or (t is missing and t is known)
}
)tally";

TEST_F(ExecutorPathsTest, ShortCutsGiveTheGeneralPathsFigures) {
  write_visits(150'000);  // several batches per thread, the last one short
  expect_pairs_agree(run(kDefinitions, 2));
}

TEST_F(ExecutorPathsTest, ShortCutsGiveTheGeneralPathsFiguresOnOneThread) {
  write_visits(20'000);
  expect_pairs_agree(run(kDefinitions, 1));
}

// Execution reads its dataset only: two runs at once over one dataset, each with its own caches,
// give the figures of a run alone, and the data's string pool does not learn the constants no
// cell holds ("zz").
TEST_F(ExecutorPathsTest, RunsAtOnceOverOneDatasetAgreeAndLeaveItAsItWas) {
  write_visits(150'000);
  const runtime::RunResult alone = run(kDefinitions, 1);
  const std::size_t texts = data_.pool.size();
  const runtime::Dataset& data = data_;
  const runtime::RunRequest req = request(1);
  runtime::RunResult first, second;
  std::vector<runtime::Issue> first_errors, second_errors;
  runtime::ExecCaches first_caches, second_caches;
  std::thread other(
      [&] { first = runtime::execute(plan_, data, first_caches, req, first_errors); });
  second = runtime::execute(plan_, data, second_caches, req, second_errors);
  other.join();
  EXPECT_TRUE(first_errors.empty() && second_errors.empty());
  expect_same_figures(alone, first);
  expect_same_figures(alone, second);
  EXPECT_EQ(data_.pool.size(), texts);
  EXPECT_EQ(data_.pool.find("zz"), -1);
}

// A table of no rows: an expression over its (no) cells is a vector of no cells, not one cell
// standing for all, so nothing is read past the end.
TEST_F(ExecutorPathsTest, ATableOfNoRows) {
  std::filesystem::create_directories(dir_ / "data");
  write("data/visits.csv", "child,day,x,t,one\n");
  const runtime::RunResult result = run(R"tally(
table visits { child text  day date?  x int?  t text?  one int }
indicator previous_x {
  from        visits
  period      quarter
  let earlier = previous(x + 1 per child order by day)
  denominator count where day in period
  numerator   count where earlier > 3 and t < "b"
}
)tally",
                                        1);
  ASSERT_EQ(result.indicators.size(), 1u);
  for (const runtime::PeriodResult& r : result.indicators[0].results) {
    EXPECT_EQ(r.denominator, Rational(0));
    EXPECT_EQ(r.numerator, Rational(0));
  }
}

}  // namespace
}  // namespace tally
