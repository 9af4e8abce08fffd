// Measures and the functions that come with them, worked out by hand: headcount(START, END) is
// exact over windows of 365 and 366 days, with rows open at either end; financial_year and year
// at their edges; an expression of measures whose denominator is 0 is missing, with a note.
#include <gtest/gtest.h>

#include <string>

#include "lang/check/front.hpp"
#include "lang/plan/compiler.hpp"
#include "runtime/exec/executor.hpp"
#include "temp_folder.hpp"

namespace tally {
namespace {

using test_support::TempFolderTest;

class MeasuresTest : public TempFolderTest {
 protected:
  // Runs `definitions` over the files written under data/, for `period` and the one before.
  runtime::RunResult run(const std::string& definitions, const std::string& period,
                         const std::string& label, unsigned threads = 1) {
    const auto defs = write("defs.tally", definitions);
    front_ = check::load_definitions({defs.string()});
    for (const auto& d : front_->diags.items()) ADD_FAILURE() << d.message;
    plan_ = plan::compile(front_->program, {});
    data_ = runtime::load_dataset(plan_, dir_ / "data", runtime::LoadOptions{});
    for (const auto& e : data_.errors) ADD_FAILURE() << e.render("error");
    runtime::RunRequest r;
    r.period = *calendar::parse_period_arg(period);
    r.period_label = label;
    r.history = 2;
    r.threads = threads;
    std::vector<runtime::Issue> errors;
    runtime::ExecCaches caches;
    runtime::RunResult result = runtime::execute(plan_, data_, caches, r, errors);
    EXPECT_TRUE(errors.empty());
    return result;
  }

  std::unique_ptr<check::Frontend> front_;
  plan::Plan plan_;
  runtime::Dataset data_;
};

TEST_F(MeasuresTest, HeadcountIsExactOverWindowsOf365And366Days) {
  std::filesystem::create_directories(dir_ / "data");
  // 2018-19 has 365 days; 2019-20 has 366 (29 February 2020).
  write("data/staff.csv",
        "id,start_date,leave_date\n"
        "R1,2010-01-01,\n"              // open at both ends: every day of both years
        "R2,2019-10-01,\n"              // 2019-10-01 .. 2020-03-31: 183 days of 2019-20
        "R3,2018-01-01,2019-04-02\n"    // all of 2018-19; 2019-04-01 only in 2019-20
        "R4,2020-03-31,2030-01-01\n"    // the last day of 2019-20
        "R5,,2019-06-01\n"              // no start: active on no day
        "R6,2015-01-01,2025-01-01\n"    // starts before and ends after both years
        "R7,2019-05-01,2019-05-01\n");  // leaves the day it starts: no day
  const auto result = run(
      "table staff { id text key  start_date date?  leave_date date? }\n"
      "indicator average { from staff  period year  value headcount(start_date, leave_date) }\n",
      "2019-20", "2019-20");
  ASSERT_EQ(result.indicators.size(), 1u);
  const auto& r = result.indicators[0].results;
  ASSERT_EQ(r.size(), 2u);
  // 2018-19: R1 365 + R3 365 + R6 365 = 1095 days over 365: 3.
  ASSERT_TRUE(r[0].value);
  EXPECT_EQ(*r[0].value, Rational(3));
  // 2019-20: R1 366 + R2 183 + R3 1 + R4 1 + R6 366 = 917 days over 366.
  ASSERT_TRUE(r[1].value);
  EXPECT_EQ(*r[1].value, Rational(917, 366));
}

TEST_F(MeasuresTest, HeadcountOfNoRowsIsZero) {
  std::filesystem::create_directories(dir_ / "data");
  write("data/staff.csv", "id,start_date,leave_date\nR1,2030-01-01,\n");
  const auto result = run(
      "table staff { id text key  start_date date  leave_date date? }\n"
      "indicator average { from staff  period month  value headcount(start_date, leave_date) }\n",
      "2019-02", "2019-02");
  const auto& r = result.indicators.at(0).results;
  ASSERT_TRUE(r.back().value);
  EXPECT_EQ(*r.back().value, Rational(0));
}

TEST_F(MeasuresTest, FinancialYearAndYearAtTheirEdges) {
  std::filesystem::create_directories(dir_ / "data");
  write("data/days.csv",
        "id,d\n"
        "A,2017-03-31\n"    // financial year 2016, year 2017
        "B,2017-04-01\n"    // financial year 2017
        "C,2018-03-31\n"    // financial year 2017, year 2018
        "D,2018-04-01\n"    // financial year 2018, year 2018
        "E,2020-02-29\n"    // financial year 2019, year 2020
        "F,2019-12-31\n");  // financial year 2019, year 2019
  const auto result = run(
      "table days { id text key  d date }\n"
      "indicator fy2016 { from days  period year  value count where financial_year(d) = 2016 }\n"
      "indicator fy2017 { from days  period year  value count where financial_year(d) = 2017 }\n"
      "indicator fy2019 { from days  period year  value count where financial_year(d) = 2019 }\n"
      "indicator y2018 { from days  period year  value count where year(d) = 2018 }\n"
      "indicator fy_sum { from days  period year  value sum financial_year(d) }\n",
      "2017-18", "2017-18");
  ASSERT_EQ(result.indicators.size(), 5u);
  auto value = [&](std::size_t k) { return *result.indicators[k].results.back().value; };
  EXPECT_EQ(value(0), Rational(1));
  EXPECT_EQ(value(1), Rational(2));
  EXPECT_EQ(value(2), Rational(2));
  EXPECT_EQ(value(3), Rational(2));
  EXPECT_EQ(value(4), Rational(2016 + 2017 + 2017 + 2018 + 2019 + 2019));
}

TEST_F(MeasuresTest, ADenominatorOfMeasuresThatIsZeroGivesAMissingValueWithANote) {
  std::filesystem::create_directories(dir_ / "data");
  write("data/cases.csv",
        "id,d,open\n"
        "A,2017-04-02,true\n"
        "B,2017-05-02,false\n"
        "C,2017-06-02,true\n");
  const auto result =
      run("table cases { id text key  d date  open bool }\n"
          "indicator share {\n"
          "  from cases  period quarter\n"
          "  measure opened = count where d in period and open\n"
          "  measure all = count where d in period\n"
          "  numerator opened\n"
          "  denominator all - all\n"
          "}\n"
          "indicator ratio_value {\n"
          "  from cases  period quarter\n"
          "  measure opened = count where d in period and open\n"
          "  measure closed = count where d in period and not open\n"
          "  value opened / (closed - closed)\n"
          "}\n"
          "indicator fine {\n"
          "  from cases  period quarter\n"
          "  measure opened = count where d in period and open\n"
          "  measure all = count where d in period\n"
          "  numerator opened\n"
          "  denominator (all + 1) / 2\n"
          "}\n",
          "2017-18Q1", "2017-18 Q1");
  ASSERT_EQ(result.indicators.size(), 3u);
  const auto& share = result.indicators[0].results.back();
  EXPECT_FALSE(share.value);
  ASSERT_TRUE(share.denominator);
  EXPECT_EQ(*share.denominator, Rational(0));
  EXPECT_EQ(*share.numerator, Rational(2));
  EXPECT_EQ(share.note, "the denominator is 0 in this period");
  const auto& ratio_value = result.indicators[1].results.back();
  EXPECT_FALSE(ratio_value.value);
  EXPECT_EQ(ratio_value.note, "the value divides by 0 in this period");
  // 2 / ((3 + 1) / 2) = 1, as a percentage 100.
  const auto& fine = result.indicators[2].results.back();
  ASSERT_TRUE(fine.value);
  EXPECT_EQ(*fine.value, Rational(100));
  EXPECT_EQ(*fine.denominator, Rational(2));
  EXPECT_TRUE(fine.note.empty());
}

TEST_F(MeasuresTest, MeasuresAndHeadcountAgreeOnOneAndTwoThreads) {
  std::filesystem::create_directories(dir_ / "data");
  std::string csv = "id,role,start_date,leave_date\n";
  std::uint64_t state = 99;
  auto next = [&state](std::uint64_t below) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % below;
  };
  // More rows than kParallelRows, so that two threads take a stretch each and merge.
  for (int r = 0; r < 70000; ++r) {
    const Day start = days_from_civil(2014, 1, 1) + static_cast<Day>(next(2000));
    csv += "S" + std::to_string(r) + (next(3) == 0 ? ",manager," : ",worker,") + format_iso(start) +
           ",";
    if (next(2) == 0) csv += format_iso(start + static_cast<Day>(next(900)));
    csv += "\n";
  }
  write("data/staff.csv", csv);
  const std::string defs =
      "table staff { id text key  role text  start_date date  leave_date date? }\n"
      "indicator turnover {\n"
      "  from staff  period quarter  window rolling 12 months\n"
      "  measure leavers = count where leave_date in window\n"
      "  measure average = headcount(start_date, leave_date) where role = \"worker\"\n"
      "  numerator leavers\n"
      "  denominator average * 2\n"
      "}\n";
  const auto one = run(defs, "2017-18Q1", "2017-18 Q1", 1);
  const auto two = run(defs, "2017-18Q1", "2017-18 Q1", 2);
  const auto& a = one.indicators.at(0).results;
  const auto& b = two.indicators.at(0).results;
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    ASSERT_TRUE(a[k].numerator && a[k].denominator && a[k].value);
    EXPECT_GT(*a[k].numerator, 0);
    EXPECT_EQ(*a[k].numerator, *b[k].numerator);
    EXPECT_EQ(*a[k].denominator, *b[k].denominator);
    EXPECT_EQ(*a[k].value, *b[k].value);
  }
}

}  // namespace
}  // namespace tally
