// Row aggregates (`sum(x per child)`, `run_number(...)`, `exists(from other per child ...)`)
// against the same figures worked out here row by row in plain C++, over random rows with missing
// cells, several batches, one and two threads; and one that depends on the period against its
// figure for each period shown.
#include <gtest/gtest.h>

#include <algorithm>
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

struct Row {
  int child = 0;
  std::optional<Day> day;
  std::optional<std::int64_t> x;
  std::optional<std::string> t;
};

constexpr const char* kDefinitions = R"tally(
table visits { child text  day date?  x int?  t text? }
table other { child text  flag bool }
indicator sums {
  from   visits
  period year
  let s = sum(x per child)
  value  sum s where day in period
  unit   number
}
indicator counts {
  from   visits
  period year
  let c = count(per child where t = "a")
  value  sum c where day in period
  unit   number
}
indicator firsts {
  from   visits
  period year
  value  count where day in period and day = min(day per child)
  unit   count
}
indicator flagged {
  from   visits
  period year
  value  count where day in period and exists(from other per child where flag)
  unit   count
}
indicator runs {
  from   visits
  period year
  let pd = previous(day per child order by day)
  let rn = run_number(per child order by day while day <= pd + 30 days)
  value  sum rn where day in period
  unit   number
}
indicator means {
  from   visits
  period year
  let m = mean(x per child where t is known)
  value  sum m where day in period
  unit   number
}
indicator in_year {
  from   visits
  period year
  let n = count(per child where day in period)
  value  count where day in period and n > 1
  unit   count
}
)tally";

class RowsTest : public TempFolderTest {
 protected:
  void SetUp() override {
    TempFolderTest::SetUp();
    std::uint64_t state = 987654321;
    auto next = [&state](std::uint64_t below) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      return (state >> 33) % below;
    };
    const char* texts[] = {"a", "b", "c"};
    std::ostringstream csv, other;
    csv << "child,day,x,t\n";
    for (std::size_t r = 0; r < 30'000; ++r) {
      Row row;
      row.child = static_cast<int>(next(2000));
      if (next(100) >= 5) row.day = days_from_civil(2017, 1, 1) + static_cast<Day>(next(1500));
      if (next(100) >= 10) row.x = static_cast<std::int64_t>(next(50));
      if (next(100) >= 10) row.t = texts[next(3)];
      csv << "C" << row.child << "," << (row.day ? format_iso(*row.day) : "") << ","
          << (row.x ? std::to_string(*row.x) : "") << "," << (row.t ? *row.t : "") << "\n";
      rows_.push_back(row);
    }
    other << "child,flag\n";
    for (int c = 0; c < 2500; c += 3) {
      const bool flag = next(2) == 0;
      other << "C" << c << "," << (flag ? "1" : "0") << "\n";
      if (flag) flagged_.insert({c, true});
    }
    std::filesystem::create_directories(dir_ / "data");
    write("data/visits.csv", csv.str());
    write("data/other.csv", other.str());
    const auto defs = write("defs.tally", kDefinitions);
    front_ = check::load_definitions({defs.string()});
    EXPECT_FALSE(front_->diags.has_errors());
    plan_ = plan::compile(front_->program, {});
    data_ = runtime::load_dataset(plan_, dir_ / "data", runtime::LoadOptions{});
    for (const auto& e : data_.errors) ADD_FAILURE() << e.render("error");
  }

  runtime::RunResult run(unsigned threads) {
    runtime::RunRequest r;
    r.period = *calendar::parse_period_arg("2019-20");
    r.period_label = "2019-20";
    r.history = 3;
    r.threads = threads;
    std::vector<runtime::Issue> errors;
    runtime::ExecCaches caches;
    runtime::RunResult result = runtime::execute(plan_, data_, caches, r, errors);
    EXPECT_TRUE(errors.empty());
    return result;
  }

  // The figures worked out row by row, for the financial year starting on 1 April of `year`.
  std::vector<Rational> expected(int year) const {
    const Day from = days_from_civil(year, 4, 1), to = days_from_civil(year + 1, 3, 31);
    const auto in_year = [&](const Row& r) { return r.day && *r.day >= from && *r.day <= to; };
    std::map<int, std::vector<std::size_t>> by_child;
    for (std::size_t i = 0; i < rows_.size(); ++i) by_child[rows_[i].child].push_back(i);
    Rational sums = 0, counts = 0, firsts = 0, flagged = 0, runs = 0, means = 0, in_year_n = 0;
    for (const auto& [child, members] : by_child) {
      std::int64_t sum = 0, count_a = 0, known = 0, n_year = 0, mean_sum = 0, mean_n = 0;
      std::optional<Day> least;
      for (std::size_t i : members) {
        const Row& r = rows_[i];
        if (r.x) {
          sum += *r.x;
          ++known;
        }
        if (r.t && *r.t == "a") ++count_a;
        if (r.day && (!least || *r.day < *least)) least = r.day;
        if (in_year(r)) ++n_year;
        if (r.x && r.t) {
          mean_sum += *r.x;
          ++mean_n;
        }
      }
      // Runs: the child's rows with a day, by day then file order; a new run wherever a row
      // comes more than 30 days after the one before.
      std::vector<std::size_t> ordered;
      for (std::size_t i : members)
        if (rows_[i].day) ordered.push_back(i);
      std::stable_sort(ordered.begin(), ordered.end(),
                       [&](std::size_t a, std::size_t b) { return *rows_[a].day < *rows_[b].day; });
      std::map<std::size_t, std::int64_t> run_of;
      std::int64_t run = 0;
      for (std::size_t k = 0; k < ordered.size(); ++k) {
        if (k == 0 || *rows_[ordered[k]].day > *rows_[ordered[k - 1]].day + 30) ++run;
        run_of[ordered[k]] = run;
      }
      const bool has_flag = flagged_.count(child) > 0;
      for (std::size_t i : members) {
        const Row& r = rows_[i];
        if (!in_year(r)) continue;
        if (known > 0) sums += sum;
        counts += count_a;
        if (r.day == least) firsts += 1;
        if (has_flag) flagged += 1;
        runs += run_of.at(i);
        if (mean_n > 0) means += Rational(mean_sum) / mean_n;
        if (n_year > 1) in_year_n += 1;
      }
    }
    return {sums, counts, firsts, flagged, runs, means, in_year_n};
  }

  std::vector<Row> rows_;
  std::map<int, bool> flagged_;
  std::unique_ptr<check::Frontend> front_;
  plan::Plan plan_;
  runtime::Dataset data_;
};

TEST_F(RowsTest, FiguresAreThoseWorkedOutRowByRowOnOneAndTwoThreads) {
  for (unsigned threads : {1u, 2u}) {
    const runtime::RunResult result = run(threads);
    ASSERT_EQ(result.indicators.size(), 7u);
    for (std::size_t p = 0; p < 3; ++p) {
      const int year = 2017 + static_cast<int>(p);
      const std::vector<Rational> want = expected(year);
      for (std::size_t k = 0; k < want.size(); ++k) {
        SCOPED_TRACE("indicator " + std::to_string(k) + ", " + std::to_string(year) + ", threads " +
                     std::to_string(threads));
        const runtime::PeriodResult& got = result.indicators[k].results.at(p);
        ASSERT_TRUE(got.value.has_value());
        EXPECT_EQ(*got.value, want[k]);
      }
    }
  }
}

TEST_F(RowsTest, TheFiguresAreNotAllZero) {
  // Guards the comparison above against data that would make every figure trivially equal.
  const std::vector<Rational> want = expected(2018);
  for (const Rational& v : want) EXPECT_GT(v, 0);
}

}  // namespace
}  // namespace tally
