// Parameters with dated values: each period reads the value in force on its last day (a change
// on that day counts, one the day after does not), `--as-is` reads one day's values for every
// period, and a replaced parameter (--set, a scenario) holds on every date. Each period lists the
// dated values that applied.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "lang/check/front.hpp"
#include "lang/plan/compiler.hpp"
#include "runtime/exec/executor.hpp"
#include "temp_folder.hpp"

namespace tally {
namespace {

using test_support::TempFolderTest;

// `limit` is 1, then 5 from 2019-02-01 (inside February), 7 from 2019-03-31 (March's last day)
// and 9 from 2019-05-01 (the day after April ends). Every month holds 11 rows, x = 0 .. 10, so
// `x <= limit` counts limit + 1 of them.
constexpr const char* kDefinitions = R"(
table rows {
  day date
  x   int
}

param limit = 1  "The largest x counted"
  from 2019-02-01 = 5
  from 2019-03-31 = 7  "Cabinet 2019-03-20"
  from 2019-05-01 = 9

indicator small {
  from        rows
  period      month
  denominator count where day in period
  numerator   count where x <= limit
  unit        percent
}
)";

class DatedParamsTest : public TempFolderTest {
 protected:
  void SetUp() override {
    TempFolderTest::SetUp();
    std::ostringstream csv;
    csv << "day,x\n";
    for (int month = 1; month <= 5; ++month)
      for (int x = 0; x <= 10; ++x)
        csv << format_iso(days_from_civil(2019, month, 10)) << "," << x << "\n";
    std::filesystem::create_directories(dir_ / "data");
    write("data/rows.csv", csv.str());
    const auto defs = write("defs.tally", kDefinitions);
    front_ = check::load_definitions({defs.string()});
    ASSERT_FALSE(front_->diags.has_errors());
    plan_ = plan::compile(front_->program, {});
    data_ = runtime::load_dataset(plan_, dir_ / "data", runtime::LoadOptions{});
    ASSERT_TRUE(data_.errors.empty());
  }

  runtime::RunRequest request() const {
    runtime::RunRequest r;
    r.period = *calendar::parse_period_arg("2019-05");
    r.period_label = "2019-05";
    r.history = 5;
    r.threads = 1;
    for (const auto& p : front_->program.params) r.params.push_back(p.value);
    return r;
  }

  // The numerators of January to May 2019.
  std::vector<std::int64_t> numerators(const runtime::RunRequest& r) {
    std::vector<runtime::Issue> errors;
    runtime::ExecCaches caches;
    result_ = runtime::execute(plan_, data_, caches, r, errors);
    EXPECT_TRUE(errors.empty());
    std::vector<std::int64_t> out;
    for (const runtime::PeriodResult& p : result_.indicators.at(0).results)
      out.push_back(p.numerator ? static_cast<std::int64_t>(*p.numerator) : -1);
    return out;
  }

  std::unique_ptr<check::Frontend> front_;
  plan::Plan plan_;
  runtime::Dataset data_;
  runtime::RunResult result_;
};

TEST_F(DatedParamsTest, CheckerKeepsTheDatedValuesInOrder) {
  const check::Param& p = front_->program.params.at(0);
  ASSERT_EQ(p.dated.size(), 3u);
  EXPECT_EQ(p.dated[0].from, days_from_civil(2019, 2, 1));
  EXPECT_EQ(p.dated[1].from, days_from_civil(2019, 3, 31));
  EXPECT_EQ(p.dated[1].decision, "Cabinet 2019-03-20");
  EXPECT_EQ(p.dated[2].value.number, Rational(9));
  ASSERT_EQ(plan_.params.at(0).dated.size(), 3u);
}

TEST_F(DatedParamsTest, EachPeriodTakesTheValueInForceOnItsLastDay) {
  // January 1; February 5 (from the 1st); March 7 (from its last day); April 7 (9 comes the day
  // after it ends); May 9.
  EXPECT_EQ(numerators(request()), (std::vector<std::int64_t>{2, 6, 8, 8, 10}));
}

TEST_F(DatedParamsTest, EachPeriodListsTheValueThatApplied) {
  numerators(request());
  const auto& results = result_.indicators.at(0).results;
  ASSERT_EQ(results.size(), 5u);
  ASSERT_EQ(results[0].parameters.size(), 1u);
  EXPECT_EQ(results[0].parameters[0].name, "limit");
  EXPECT_EQ(results[0].parameters[0].value, "1");
  EXPECT_FALSE(results[0].parameters[0].from.has_value());
  ASSERT_EQ(results[2].parameters.size(), 1u);
  EXPECT_EQ(results[2].parameters[0].value, "7");
  EXPECT_EQ(results[2].parameters[0].from, days_from_civil(2019, 3, 31));
  EXPECT_EQ(results[2].parameters[0].decision, "Cabinet 2019-03-20");
  EXPECT_EQ(results[3].parameters[0].value, "7");
  EXPECT_EQ(results[4].parameters[0].value, "9");
}

TEST_F(DatedParamsTest, AsIsReadsOneDaysValuesForEveryPeriod) {
  runtime::RunRequest r = request();
  r.params_as_is = days_from_civil(2019, 3, 31);
  EXPECT_EQ(numerators(r), (std::vector<std::int64_t>{8, 8, 8, 8, 8}));
  EXPECT_EQ(result_.indicators.at(0).results[0].parameters.at(0).value, "7");
  r.params_as_is = days_from_civil(2019, 3, 30);
  EXPECT_EQ(numerators(r), (std::vector<std::int64_t>{6, 6, 6, 6, 6}));
}

TEST_F(DatedParamsTest, AsIsBeforeTheFirstChangeReadsTheFirstValue) {
  runtime::RunRequest r = request();
  r.params_as_is = days_from_civil(2019, 1, 15);
  EXPECT_EQ(numerators(r), (std::vector<std::int64_t>{2, 2, 2, 2, 2}));
  const runtime::AppliedParam& a = result_.indicators.at(0).results[4].parameters.at(0);
  EXPECT_EQ(a.value, "1");
  EXPECT_FALSE(a.from.has_value());
  EXPECT_EQ(a.decision, "");
}

TEST_F(DatedParamsTest, AReplacedParameterHoldsOnEveryDate) {
  runtime::RunRequest r = request();
  r.params[0].number = 3;
  r.params_replaced = {1};
  EXPECT_EQ(numerators(r), (std::vector<std::int64_t>{4, 4, 4, 4, 4}));
  EXPECT_TRUE(result_.indicators.at(0).results[0].parameters.empty());
}

TEST_F(DatedParamsTest, ASweepOfTheParameterReplacesItOnEveryDate) {
  runtime::RunRequest r = request();
  std::vector<runtime::Issue> errors;
  runtime::ExecCaches caches;
  Constant two = r.params[0], ten = r.params[0];
  two.number = 2;
  ten.number = 10;
  auto runs = runtime::execute_sweep(plan_, data_, caches, r, 0, {two, ten}, errors);
  ASSERT_TRUE(runs.has_value());
  ASSERT_EQ(runs->size(), 2u);
  for (const runtime::PeriodResult& p : (*runs)[0].indicators.at(0).results)
    EXPECT_EQ(p.numerator, Rational(3));
  for (const runtime::PeriodResult& p : (*runs)[1].indicators.at(0).results)
    EXPECT_EQ(p.numerator, Rational(11));
}

}  // namespace
}  // namespace tally
