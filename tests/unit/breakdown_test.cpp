// Breakdowns (`by`): every group is computed in the same pass as the total, so the groups of a
// count or a sum add up to the total, in every period, by the bucketed counts and by the general
// path alike; the groups do not depend on the number of threads; they are shown in the order of
// their keys (numbers by value, text by bytes), the missing group last.
#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>

#include "lang/check/front.hpp"
#include "lang/plan/compiler.hpp"
#include "runtime/exec/executor.hpp"
#include "temp_folder.hpp"

namespace tally {
namespace {

using test_support::TempFolderTest;

class BreakdownTest : public TempFolderTest {
 protected:
  // Writes `rows` visits with a missing cell now and then in every column but `one`.
  void write_visits(std::size_t rows) {
    std::uint64_t state = 777;
    auto next = [&state](std::uint64_t below) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      return (state >> 33) % below;
    };
    std::ostringstream csv;
    csv << "child,day,x,t,one\n";
    const char* texts[] = {"b", "a", "f", "c", "e", "d"};
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

  runtime::RunResult run(unsigned threads) {
    const auto defs = write("defs.tally", kDefinitions);
    front_ = check::load_definitions({defs.string()});
    EXPECT_FALSE(front_->diags.has_errors());
    plan_ = plan::compile(front_->program, {});
    data_ = runtime::load_dataset(plan_, dir_ / "data", runtime::LoadOptions{});
    for (const auto& e : data_.errors) ADD_FAILURE() << e.render("error");
    runtime::RunRequest r;
    r.period = *calendar::parse_period_arg("2019-20Q4");
    r.period_label = "2019-20 Q4";
    r.history = 8;
    r.threads = threads;
    std::vector<runtime::Issue> errors;
    runtime::ExecCaches caches;
    runtime::RunResult result = runtime::execute(plan_, data_, caches, r, errors);
    EXPECT_TRUE(errors.empty());
    return result;
  }

  // Indicators 0 and 2 take the bucketed counts (a count by a date in the period); 1 and 3 the
  // general path (a `between` the checker cannot place by one date, a sum).
  static constexpr const char* kDefinitions = R"tally(
table visits { child text  day date?  x int?  t text?  one int }

indicator by_text_counted {
  from        visits
  period      quarter
  denominator count where day in period
  numerator   count where x >= 10
  trend       previous period
  by          t
}

indicator by_text_general {
  from        visits
  period      quarter
  denominator count where day between period.start and period.end or one = 2
  numerator   count where x >= 10
  by          t
}

indicator by_number_counted {
  from        visits
  period      quarter
  value       count where day in period
  by          x
}

indicator by_number_summed {
  from        visits
  period      quarter
  value       sum one where day in period
  by          x
}
)tally";

  std::unique_ptr<check::Frontend> front_;
  plan::Plan plan_;
  runtime::Dataset data_;
};

TEST_F(BreakdownTest, GroupsSumToTheTotalOnEveryPath) {
  write_visits(60'000);
  const runtime::RunResult result = run(2);
  ASSERT_EQ(result.indicators.size(), 4u);
  for (std::size_t k = 0; k < result.indicators.size(); ++k) {
    for (const runtime::PeriodResult& r : result.indicators[k].results) {
      SCOPED_TRACE("indicator " + std::to_string(k) + ", " + calendar::label(r.period));
      ASSERT_FALSE(r.groups.empty());
      Rational num = 0, den = 0, value = 0;
      for (const runtime::GroupResult& g : r.groups) {
        if (g.figures.numerator) num += *g.figures.numerator;
        if (g.figures.denominator) den += *g.figures.denominator;
        if (g.figures.value) value += *g.figures.value;
      }
      if (k < 2) {
        ASSERT_TRUE(r.numerator && r.denominator);
        EXPECT_GT(*r.denominator, 0);
        EXPECT_EQ(num, *r.numerator);
        EXPECT_EQ(den, *r.denominator);
      } else {
        ASSERT_TRUE(r.value);
        EXPECT_GT(*r.value, 0);
        EXPECT_EQ(value, *r.value);
      }
    }
  }
  // The counted and general paths agree group by group.
  const auto& counted = result.indicators[0].results.back().groups;
  const auto& general = result.indicators[1].results.back().groups;
  ASSERT_EQ(counted.size(), general.size());
  for (std::size_t g = 0; g < counted.size(); ++g) {
    EXPECT_EQ(counted[g].label, general[g].label);
    EXPECT_EQ(counted[g].figures.numerator, general[g].figures.numerator);
    EXPECT_EQ(counted[g].figures.denominator, general[g].figures.denominator);
  }
}

TEST_F(BreakdownTest, OneAndTwoThreadsGiveTheSameGroups) {
  write_visits(150'000);  // several batches per thread
  const runtime::RunResult one = run(1);
  const runtime::RunResult two = run(2);
  ASSERT_EQ(one.indicators.size(), two.indicators.size());
  for (std::size_t k = 0; k < one.indicators.size(); ++k) {
    ASSERT_EQ(one.indicators[k].results.size(), two.indicators[k].results.size());
    for (std::size_t p = 0; p < one.indicators[k].results.size(); ++p) {
      const auto& a = one.indicators[k].results[p].groups;
      const auto& b = two.indicators[k].results[p].groups;
      ASSERT_EQ(a.size(), b.size()) << k << " " << p;
      for (std::size_t g = 0; g < a.size(); ++g) {
        EXPECT_EQ(a[g].label, b[g].label);
        EXPECT_EQ(a[g].figures.numerator, b[g].figures.numerator);
        EXPECT_EQ(a[g].figures.denominator, b[g].figures.denominator);
        EXPECT_EQ(a[g].figures.value, b[g].figures.value);
        EXPECT_EQ(a[g].figures.rag, b[g].figures.rag);
        EXPECT_EQ(a[g].figures.trend, b[g].figures.trend);
      }
    }
  }
}

TEST_F(BreakdownTest, GroupsInKeyOrderWithTheMissingGroupLast) {
  write_visits(20'000);
  const runtime::RunResult result = run(2);
  std::vector<std::string> text;
  for (const auto& g : result.indicators[0].results.back().groups) text.push_back(g.label);
  EXPECT_EQ(text, (std::vector<std::string>{"a", "b", "c", "d", "e", "f", "(missing)"}));
  EXPECT_TRUE(result.indicators[0].results.back().groups.back().missing);
  // Numbers by value: 2 before 10, as text would not have it.
  std::vector<std::string> numbers;
  for (const auto& g : result.indicators[2].results.back().groups) numbers.push_back(g.label);
  ASSERT_EQ(numbers.size(), 22u);
  for (int x = 0; x <= 20; ++x) EXPECT_EQ(numbers[static_cast<std::size_t>(x)], std::to_string(x));
  EXPECT_EQ(numbers.back(), "(missing)");
  EXPECT_EQ(result.indicators[0].by, "t");
}

}  // namespace
}  // namespace tally
