// Unit tests for the UK financial calendar (periods, labels, `--period`, windows), the England and
// Wales bank holiday table and working-day arithmetic.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>

#include "runtime/calendar/period.hpp"
#include "runtime/calendar/working_days.hpp"
#include "stdlib/bank_holidays.hpp"

namespace tally::calendar {
namespace {

Day ymd(int year, int month, int day) { return days_from_civil(year, month, day); }

Period period(Cadence cadence, int year, int month, int day) {
  return period_containing(cadence, ymd(year, month, day));
}

// --- Periods and labels ---

TEST(Period, CadenceNames) {
  EXPECT_STREQ(cadence_name(Cadence::month), "month");
  EXPECT_STREQ(cadence_name(Cadence::quarter), "quarter");
  EXPECT_STREQ(cadence_name(Cadence::year), "year");
}

TEST(Period, Months) {
  const Period june = period(Cadence::month, 2017, 6, 15);
  EXPECT_EQ(june, (Period{Cadence::month, ymd(2017, 6, 1), ymd(2017, 6, 30)}));
  EXPECT_EQ(label(june), "2017-06");
  const Period feb = period(Cadence::month, 2016, 2, 29);
  EXPECT_EQ(feb, (Period{Cadence::month, ymd(2016, 2, 1), ymd(2016, 2, 29)}));
  EXPECT_EQ(label(feb), "2016-02");
  EXPECT_EQ(period(Cadence::month, 2017, 12, 31).end, ymd(2017, 12, 31));
}

TEST(Period, FinancialQuarters) {
  struct Case {
    Day day;
    const char* label;
    Day start, end;
  };
  const Case cases[] = {
      {ymd(2017, 4, 1), "2017-18 Q1", ymd(2017, 4, 1), ymd(2017, 6, 30)},
      {ymd(2017, 6, 30), "2017-18 Q1", ymd(2017, 4, 1), ymd(2017, 6, 30)},
      {ymd(2017, 7, 1), "2017-18 Q2", ymd(2017, 7, 1), ymd(2017, 9, 30)},
      {ymd(2017, 10, 15), "2017-18 Q3", ymd(2017, 10, 1), ymd(2017, 12, 31)},
      {ymd(2017, 12, 31), "2017-18 Q3", ymd(2017, 10, 1), ymd(2017, 12, 31)},
      {ymd(2018, 1, 1), "2017-18 Q4", ymd(2018, 1, 1), ymd(2018, 3, 31)},
      {ymd(2018, 3, 31), "2017-18 Q4", ymd(2018, 1, 1), ymd(2018, 3, 31)},
      {ymd(2018, 4, 1), "2018-19 Q1", ymd(2018, 4, 1), ymd(2018, 6, 30)},
      {ymd(2000, 2, 29), "1999-00 Q4", ymd(2000, 1, 1), ymd(2000, 3, 31)},
  };
  for (const Case& c : cases) {
    const Period p = period_containing(Cadence::quarter, c.day);
    EXPECT_EQ(p.cadence, Cadence::quarter);
    EXPECT_EQ(label(p), c.label) << format_iso(c.day);
    EXPECT_EQ(p.start, c.start) << format_iso(c.day);
    EXPECT_EQ(p.end, c.end) << format_iso(c.day);
  }
}

TEST(Period, FinancialYears) {
  const Period y = period(Cadence::year, 2017, 4, 1);
  EXPECT_EQ(y, (Period{Cadence::year, ymd(2017, 4, 1), ymd(2018, 3, 31)}));
  EXPECT_EQ(label(y), "2017-18");
  EXPECT_EQ(period(Cadence::year, 2018, 3, 31), y);
  EXPECT_EQ(label(period(Cadence::year, 1999, 4, 1)), "1999-00");
  EXPECT_EQ(label(period(Cadence::year, 2000, 3, 31)), "1999-00");
  EXPECT_EQ(period(Cadence::year, 2000, 3, 31).end, ymd(2000, 3, 31));
  EXPECT_EQ(label(period(Cadence::year, 2009, 5, 1)), "2009-10");
  EXPECT_EQ(label(period(Cadence::year, 2000, 4, 1)), "2000-01");
}

// --- --period ---

TEST(PeriodArg, Quarters) {
  const auto a = parse_period_arg("2017-18Q1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->cadence, Cadence::quarter);
  EXPECT_EQ(a->day, ymd(2017, 4, 1));
  const auto b = parse_period_arg("2017-18 Q1");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->cadence, Cadence::quarter);
  EXPECT_EQ(b->day, ymd(2017, 4, 1));
  EXPECT_EQ(parse_period_arg("2017-18 Q2")->day, ymd(2017, 7, 1));
  EXPECT_EQ(parse_period_arg("2017-18 Q3")->day, ymd(2017, 10, 1));
  EXPECT_EQ(parse_period_arg("2017-18Q4")->day, ymd(2018, 1, 1));
  EXPECT_EQ(parse_period_arg("1999-00 Q4")->day, ymd(2000, 1, 1));
}

TEST(PeriodArg, YearsMonthsAndDates) {
  const auto year = parse_period_arg("2017-18");
  ASSERT_TRUE(year);
  EXPECT_EQ(year->cadence, Cadence::year);
  EXPECT_EQ(year->day, ymd(2017, 4, 1));
  const auto millennium = parse_period_arg("1999-00");
  ASSERT_TRUE(millennium);
  EXPECT_EQ(millennium->cadence, Cadence::year);
  EXPECT_EQ(millennium->day, ymd(1999, 4, 1));

  const auto month = parse_period_arg("2017-06");
  ASSERT_TRUE(month);
  EXPECT_EQ(month->cadence, Cadence::month);
  EXPECT_EQ(month->day, ymd(2017, 6, 1));
  EXPECT_EQ(parse_period_arg("2017-12")->cadence, Cadence::month);
  EXPECT_EQ(parse_period_arg("2018-01")->day, ymd(2018, 1, 1));

  const auto date = parse_period_arg("2017-06-30");
  ASSERT_TRUE(date);
  EXPECT_FALSE(date->cadence);
  EXPECT_EQ(date->day, ymd(2017, 6, 30));
  EXPECT_EQ(parse_period_arg("2016-02-29")->day, ymd(2016, 2, 29));
}

TEST(PeriodArg, AYearLabelThatIsAlsoAMonthNamesTheYear) {
  const auto a = parse_period_arg("2011-12");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->cadence, Cadence::year);
  EXPECT_EQ(a->day, ymd(2011, 4, 1));
}

TEST(PeriodArg, Rejects) {
  for (const char* text :
       {"",           "2017",       "2017-",       "2017-1",    "2017-19",     "2016-18",
        "2017-13",    "2017-00",    "2017-6",      "17-18",     "2017/18",     "2017-2018",
        "2017-18 Q5", "2017-18 Q0", "2017-18Q",    "2017-18 Q", "2017-18 Q12", "2017-18  Q1",
        "2017-18-Q1", "2017-19 Q1", "2017-18 Q1 ", " 2017-18",  "2017-18x",    "2017-06x",
        "2017-06-31", "2017-02-29", "2017-06-30x", "2017-06-3", "2017-6-30",   "30/06/2017",
        "+017-18",    "2017-18 H1"}) {
    EXPECT_FALSE(parse_period_arg(text)) << '"' << text << '"';
  }
}

TEST(PeriodArg, YearsOutside1000To9999) {
  for (const char* text : {"0000-01-01", "0000-01", "0999-00", "0999-00Q4", "0999-12-31", "0001-02",
                           "9999-00", "9999-00 Q1"}) {
    EXPECT_FALSE(parse_period_arg(text)) << '"' << text << '"';
  }
  EXPECT_EQ(parse_period_arg("1000-01-01")->day, ymd(1000, 1, 1));
  EXPECT_EQ(parse_period_arg("1000-01")->cadence, Cadence::year);
  EXPECT_EQ(parse_period_arg("9999-12-31")->day, ymd(9999, 12, 31));
  EXPECT_EQ(parse_period_arg("9999-12")->cadence, Cadence::month);
}

TEST(PeriodArg, Resolve) {
  const PeriodArg date = *parse_period_arg("2017-06-30");
  EXPECT_EQ(label(resolve(date, Cadence::month)), "2017-06");
  EXPECT_EQ(label(resolve(date, Cadence::quarter)), "2017-18 Q1");
  EXPECT_EQ(label(resolve(date, Cadence::year)), "2017-18");
  const PeriodArg q3 = *parse_period_arg("2017-18 Q3");
  EXPECT_EQ(resolve(q3, Cadence::quarter),
            (Period{Cadence::quarter, ymd(2017, 10, 1), ymd(2017, 12, 31)}));
  EXPECT_EQ(label(resolve(q3, Cadence::month)), "2017-10");
  EXPECT_EQ(label(resolve(q3, Cadence::year)), "2017-18");
  const PeriodArg year = *parse_period_arg("2017-18");
  EXPECT_EQ(label(resolve(year, Cadence::year)), "2017-18");
  EXPECT_EQ(label(resolve(year, Cadence::quarter)), "2017-18 Q1");
  const PeriodArg february = *parse_period_arg("2018-02");
  EXPECT_EQ(label(resolve(february, Cadence::quarter)), "2017-18 Q4");
  EXPECT_EQ(resolve(february, Cadence::month).end, ymd(2018, 2, 28));
}

// --- Shifting ---

TEST(Shift, QuartersAcrossYearBoundaries) {
  const Period q4 = period(Cadence::quarter, 2018, 2, 1);
  EXPECT_EQ(label(shift(q4, 1)), "2018-19 Q1");
  EXPECT_EQ(label(shift(q4, -1)), "2017-18 Q3");
  EXPECT_EQ(shift(q4, 0), q4);
  const Period q1 = period(Cadence::quarter, 2017, 5, 1);
  EXPECT_EQ(shift(q1, -1), (Period{Cadence::quarter, ymd(2017, 1, 1), ymd(2017, 3, 31)}));
  EXPECT_EQ(label(shift(q1, -1)), "2016-17 Q4");
  EXPECT_EQ(label(shift(q1, -5)), "2015-16 Q4");
  EXPECT_EQ(label(shift(q1, 7)), "2018-19 Q4");
  EXPECT_EQ(label(shift(q1, 8)), "2019-20 Q1");
  EXPECT_EQ(shift(shift(q1, 9), -9), q1);
}

TEST(Shift, MonthsAndYears) {
  const Period dec = period(Cadence::month, 2017, 12, 5);
  EXPECT_EQ(shift(dec, 1), (Period{Cadence::month, ymd(2018, 1, 1), ymd(2018, 1, 31)}));
  EXPECT_EQ(shift(shift(dec, 1), -1), dec);
  EXPECT_EQ(shift(dec, 2), (Period{Cadence::month, ymd(2018, 2, 1), ymd(2018, 2, 28)}));
  EXPECT_EQ(shift(dec, -10).end, ymd(2017, 2, 28));
  EXPECT_EQ(label(shift(dec, -23)), "2016-01");
  const Period year = period(Cadence::year, 2017, 4, 1);
  EXPECT_EQ(shift(year, 1), (Period{Cadence::year, ymd(2018, 4, 1), ymd(2019, 3, 31)}));
  EXPECT_EQ(label(shift(year, -18)), "1999-00");
}

TEST(Shift, SamePeriodLastYear) {
  EXPECT_EQ(label(same_period_last_year(period(Cadence::quarter, 2017, 4, 1))), "2016-17 Q1");
  EXPECT_EQ(label(same_period_last_year(period(Cadence::quarter, 2018, 3, 1))), "2016-17 Q4");
  EXPECT_EQ(same_period_last_year(period(Cadence::month, 2016, 2, 10)),
            (Period{Cadence::month, ymd(2015, 2, 1), ymd(2015, 2, 28)}));
  EXPECT_EQ(label(same_period_last_year(period(Cadence::month, 2017, 6, 1))), "2016-06");
  EXPECT_EQ(same_period_last_year(period(Cadence::year, 2017, 4, 1)),
            (Period{Cadence::year, ymd(2016, 4, 1), ymd(2017, 3, 31)}));
}

// --- Windows ---

TEST(Window, RollingMonths) {
  const Period q1 = period(Cadence::quarter, 2017, 4, 1);
  Window w = rolling_months(q1, 12);
  EXPECT_EQ(w.start, ymd(2016, 7, 1));
  EXPECT_EQ(w.end, ymd(2017, 6, 30));
  w = rolling_months(q1, 3);
  EXPECT_EQ(w.start, q1.start);
  EXPECT_EQ(w.end, q1.end);
  w = rolling_months(period(Cadence::quarter, 2017, 12, 1), 6);
  EXPECT_EQ(w.start, ymd(2017, 7, 1));
  EXPECT_EQ(w.end, ymd(2017, 12, 31));
  w = rolling_months(period(Cadence::month, 2017, 2, 1), 1);
  EXPECT_EQ(w.start, ymd(2017, 2, 1));
  EXPECT_EQ(w.end, ymd(2017, 2, 28));
  w = rolling_months(period(Cadence::month, 2016, 2, 1), 12);
  EXPECT_EQ(w.start, ymd(2015, 3, 1));
  EXPECT_EQ(w.end, ymd(2016, 2, 29));
  w = rolling_months(period(Cadence::year, 2017, 4, 1), 24);
  EXPECT_EQ(w.start, ymd(2016, 4, 1));
  EXPECT_EQ(w.end, ymd(2018, 3, 31));
}

TEST(Window, YearToDate) {
  Window w = year_to_date(period(Cadence::quarter, 2017, 11, 1));
  EXPECT_EQ(w.start, ymd(2017, 4, 1));
  EXPECT_EQ(w.end, ymd(2017, 12, 31));
  w = year_to_date(period(Cadence::quarter, 2018, 3, 31));
  EXPECT_EQ(w.start, ymd(2017, 4, 1));
  EXPECT_EQ(w.end, ymd(2018, 3, 31));
  w = year_to_date(period(Cadence::quarter, 2017, 4, 1));
  EXPECT_EQ(w.start, ymd(2017, 4, 1));
  EXPECT_EQ(w.end, ymd(2017, 6, 30));
  w = year_to_date(period(Cadence::month, 2016, 2, 1));
  EXPECT_EQ(w.start, ymd(2015, 4, 1));
  EXPECT_EQ(w.end, ymd(2016, 2, 29));
  w = year_to_date(period(Cadence::month, 2017, 4, 1));
  EXPECT_EQ(w.start, ymd(2017, 4, 1));
  EXPECT_EQ(w.end, ymd(2017, 4, 30));
  w = year_to_date(period(Cadence::year, 2017, 4, 1));
  EXPECT_EQ(w.start, ymd(2017, 4, 1));
  EXPECT_EQ(w.end, ymd(2018, 3, 31));
}

// --- Bank holidays ---

std::set<Day> holiday_days() {
  std::set<Day> days;
  for (const stdlib::BankHoliday& h : stdlib::england_wales_bank_holidays()) {
    days.insert(ymd(h.year, h.month, h.day));
  }
  return days;
}

bool is_holiday(int year, int month, int day) {
  static const std::set<Day> days = holiday_days();
  return days.count(ymd(year, month, day)) == 1;
}

TEST(BankHolidays, SortedUniqueRealWeekdaysInRange) {
  const auto table = stdlib::england_wales_bank_holidays();
  ASSERT_FALSE(table.empty());
  Day previous = ymd(stdlib::kBankHolidayFirstYear, 1, 1) - 1;
  for (const stdlib::BankHoliday& h : table) {
    ASSERT_GE(h.month, 1);
    ASSERT_LE(h.month, 12);
    ASSERT_GE(h.day, 1);
    ASSERT_LE(h.day, days_in_month(h.year, h.month));
    const Day day = ymd(h.year, h.month, h.day);
    EXPECT_GT(day, previous) << format_iso(day);
    EXPECT_LT(weekday(day), 5) << format_iso(day);
    ASSERT_NE(h.name, nullptr);
    EXPECT_NE(std::string(h.name), "");
    previous = day;
  }
  EXPECT_EQ(table.front().year, stdlib::kBankHolidayFirstYear);
  EXPECT_EQ(table.back().year, stdlib::kBankHolidayLastYear);
}

TEST(BankHolidays, EightAYearExceptWhereProclaimed) {
  int per_year[stdlib::kBankHolidayLastYear + 1] = {};
  for (const stdlib::BankHoliday& h : stdlib::england_wales_bank_holidays()) ++per_year[h.year];
  for (int year = stdlib::kBankHolidayFirstYear; year <= stdlib::kBankHolidayLastYear; ++year) {
    const int extra = year == 1999 || year == 2002 || year == 2011 || year == 2012 || year == 2023
                          ? 1
                          : (year == 2022 ? 2 : 0);
    EXPECT_EQ(per_year[year], 8 + extra) << year;
  }
}

TEST(BankHolidays, EasterFromTheComputus) {
  // Easter Sunday 2017-04-16, 2019-04-21, 2024-03-31, 2000-04-23, 2035-03-25.
  EXPECT_TRUE(is_holiday(2017, 4, 14));
  EXPECT_TRUE(is_holiday(2017, 4, 17));
  EXPECT_TRUE(is_holiday(2019, 4, 19));
  EXPECT_TRUE(is_holiday(2019, 4, 22));
  EXPECT_TRUE(is_holiday(2024, 3, 29));
  EXPECT_TRUE(is_holiday(2024, 4, 1));
  EXPECT_TRUE(is_holiday(2000, 4, 21));
  EXPECT_TRUE(is_holiday(2000, 4, 24));
  EXPECT_TRUE(is_holiday(2035, 3, 23));
  EXPECT_TRUE(is_holiday(2035, 3, 26));
  EXPECT_TRUE(is_holiday(2008, 3, 21));  // an early Easter: Sunday 23 March
  EXPECT_TRUE(is_holiday(2011, 4, 25));  // a late one: Sunday 24 April
}

TEST(BankHolidays, OneOffChanges) {
  // 1995: early May holiday moved to VE day.
  EXPECT_TRUE(is_holiday(1995, 5, 8));
  EXPECT_FALSE(is_holiday(1995, 5, 1));
  // Millennium.
  EXPECT_TRUE(is_holiday(1999, 12, 31));
  EXPECT_TRUE(is_holiday(2000, 1, 3));
  // 2002: Golden Jubilee.
  EXPECT_TRUE(is_holiday(2002, 6, 3));
  EXPECT_TRUE(is_holiday(2002, 6, 4));
  EXPECT_FALSE(is_holiday(2002, 5, 27));
  // 2011: royal wedding.
  EXPECT_TRUE(is_holiday(2011, 4, 29));
  // 2012: Diamond Jubilee.
  EXPECT_TRUE(is_holiday(2012, 6, 4));
  EXPECT_TRUE(is_holiday(2012, 6, 5));
  EXPECT_FALSE(is_holiday(2012, 5, 28));
  // 2020: early May holiday moved to Friday 8 May.
  EXPECT_TRUE(is_holiday(2020, 5, 8));
  EXPECT_FALSE(is_holiday(2020, 5, 4));
  // 2022: Platinum Jubilee and the state funeral.
  EXPECT_TRUE(is_holiday(2022, 6, 2));
  EXPECT_TRUE(is_holiday(2022, 6, 3));
  EXPECT_FALSE(is_holiday(2022, 5, 30));
  EXPECT_TRUE(is_holiday(2022, 9, 19));
  // 2023: coronation, beside the regular early May holiday.
  EXPECT_TRUE(is_holiday(2023, 5, 1));
  EXPECT_TRUE(is_holiday(2023, 5, 8));
}

TEST(BankHolidays, SubstituteDays) {
  // Christmas on a Saturday: Monday 27 and Tuesday 28.
  EXPECT_TRUE(is_holiday(2010, 12, 27));
  EXPECT_TRUE(is_holiday(2010, 12, 28));
  EXPECT_TRUE(is_holiday(2021, 12, 27));
  EXPECT_TRUE(is_holiday(2021, 12, 28));
  EXPECT_FALSE(is_holiday(2021, 12, 25));
  // Christmas on a Sunday: Boxing Day Monday 26, Christmas substitute Tuesday 27.
  EXPECT_TRUE(is_holiday(2016, 12, 26));
  EXPECT_TRUE(is_holiday(2016, 12, 27));
  EXPECT_FALSE(is_holiday(2016, 12, 25));
  EXPECT_TRUE(is_holiday(2022, 12, 26));
  EXPECT_TRUE(is_holiday(2022, 12, 27));
  // Boxing Day on a Saturday: Monday 28.
  EXPECT_TRUE(is_holiday(2020, 12, 25));
  EXPECT_TRUE(is_holiday(2020, 12, 28));
  EXPECT_FALSE(is_holiday(2020, 12, 26));
  // New Year's Day at a weekend: the Monday after.
  EXPECT_TRUE(is_holiday(2022, 1, 3));  // Saturday 1st
  EXPECT_TRUE(is_holiday(2017, 1, 2));  // Sunday 1st
  EXPECT_TRUE(is_holiday(2011, 1, 3));
  EXPECT_FALSE(is_holiday(2022, 1, 1));
  EXPECT_FALSE(is_holiday(2017, 1, 1));
}

TEST(BankHolidays, RegularMondays) {
  EXPECT_TRUE(is_holiday(2017, 5, 1));   // first Monday in May
  EXPECT_TRUE(is_holiday(2017, 5, 29));  // last Monday in May
  EXPECT_TRUE(is_holiday(2017, 8, 28));  // last Monday in August
  EXPECT_TRUE(is_holiday(2021, 5, 31));
  EXPECT_TRUE(is_holiday(2021, 8, 30));
  EXPECT_TRUE(is_holiday(2035, 5, 7));
  EXPECT_FALSE(is_holiday(2017, 5, 8));
}

// --- Working days ---

const WorkingDays& wd() { return WorkingDays::england_and_wales(); }

TEST(WorkingDays, Range) {
  EXPECT_EQ(wd().first_day(), ymd(1995, 1, 1));
  EXPECT_EQ(wd().last_day(), ymd(2035, 12, 31));
  EXPECT_TRUE(wd().covers(ymd(1995, 1, 1)));
  EXPECT_TRUE(wd().covers(ymd(2035, 12, 31)));
  EXPECT_FALSE(wd().covers(ymd(1994, 12, 31)));
  EXPECT_FALSE(wd().covers(ymd(2036, 1, 1)));
  EXPECT_TRUE(wd().between(ymd(1995, 1, 1), ymd(2035, 12, 31)));
}

TEST(WorkingDays, IsWorkingDay) {
  EXPECT_TRUE(wd().is_working_day(ymd(2017, 4, 13)));
  EXPECT_FALSE(wd().is_working_day(ymd(2017, 4, 14)));
  EXPECT_FALSE(wd().is_working_day(ymd(2017, 4, 15)));
  EXPECT_FALSE(wd().is_working_day(ymd(2017, 4, 16)));
  EXPECT_FALSE(wd().is_working_day(ymd(2017, 4, 17)));
  EXPECT_TRUE(wd().is_working_day(ymd(2017, 4, 18)));
  EXPECT_FALSE(wd().is_working_day(ymd(2022, 9, 19)));
  EXPECT_FALSE(wd().is_working_day(ymd(1995, 1, 1)));  // Sunday, the table's first day
  EXPECT_FALSE(wd().is_working_day(ymd(1995, 1, 2)));
  EXPECT_TRUE(wd().is_working_day(ymd(1995, 1, 3)));
  EXPECT_TRUE(wd().is_working_day(ymd(2035, 12, 31)));  // Monday, the table's last day
}

TEST(WorkingDays, Between) {
  // Good Friday 14th, the weekend and Easter Monday 17th are skipped; the 18th counts.
  EXPECT_EQ(wd().between(ymd(2017, 4, 13), ymd(2017, 4, 18)), 1);
  EXPECT_EQ(wd().between(ymd(2017, 4, 18), ymd(2017, 4, 13)), -1);
  EXPECT_EQ(wd().between(ymd(2017, 4, 13), ymd(2017, 4, 17)), 0);
  EXPECT_EQ(wd().between(ymd(2017, 4, 13), ymd(2017, 4, 13)), 0);
  EXPECT_EQ(wd().between(ymd(2017, 6, 2), ymd(2017, 6, 5)), 1);   // Friday to Monday
  EXPECT_EQ(wd().between(ymd(2017, 6, 3), ymd(2017, 6, 4)), 0);   // Saturday to Sunday
  EXPECT_EQ(wd().between(ymd(2017, 6, 5), ymd(2017, 6, 12)), 5);  // Monday to Monday
  EXPECT_EQ(wd().between(ymd(2022, 12, 23), ymd(2022, 12, 28)), 1);
  EXPECT_EQ(wd().between(ymd(2022, 5, 27), ymd(2022, 6, 6)), 4);  // Jubilee Thursday and Friday
  // 2017: 260 weekdays, 8 of them bank holidays.
  EXPECT_EQ(wd().between(ymd(2016, 12, 31), ymd(2017, 12, 31)), 252);
  // The table's first day itself is never counted, being `a`.
  EXPECT_EQ(wd().between(ymd(1995, 1, 1), ymd(1995, 1, 3)), 1);
}

TEST(WorkingDays, BetweenOutsideTheTable) {
  EXPECT_FALSE(wd().between(ymd(1994, 12, 31), ymd(2017, 1, 1)));
  EXPECT_FALSE(wd().between(ymd(2017, 1, 1), ymd(2036, 1, 1)));
  EXPECT_FALSE(wd().between(ymd(2036, 1, 1), ymd(2017, 1, 1)));
  EXPECT_FALSE(wd().between(ymd(1970, 1, 1), ymd(1970, 1, 5)));
}

TEST(WorkingDays, BetweenMatchesCountingDayByDay) {
  const std::set<Day> holidays = holiday_days();
  const auto naive = [&](Day a, Day b) {
    std::int64_t n = 0;
    for (Day d = a + 1; d <= b; ++d) {
      if (weekday(d) < 5 && holidays.count(d) == 0) ++n;
    }
    return n;
  };
  std::uint32_t state = 12345;
  const auto next = [&](Day span) {
    state = state * 1664525u + 1013904223u;
    return static_cast<Day>(state % static_cast<std::uint32_t>(span));
  };
  const Day first = wd().first_day();
  const Day span = wd().last_day() - first + 1;
  for (int i = 0; i < 2000; ++i) {
    const Day a = first + next(span);
    const Day b = a + next(400) - 200;
    if (!wd().covers(b)) continue;
    const std::int64_t expected = a <= b ? naive(a, b) : -naive(b, a);
    ASSERT_EQ(wd().between(a, b), expected) << format_iso(a) << " " << format_iso(b);
  }
}

TEST(WorkingDays, Add) {
  EXPECT_EQ(wd().add(ymd(2017, 4, 13), 1), ymd(2017, 4, 18));
  EXPECT_EQ(wd().add(ymd(2017, 4, 18), -1), ymd(2017, 4, 13));
  EXPECT_EQ(wd().add(ymd(2017, 4, 15), 1), ymd(2017, 4, 18));  // from a Saturday
  EXPECT_EQ(wd().add(ymd(2017, 6, 3), -1), ymd(2017, 6, 2));   // back from a Saturday
  EXPECT_EQ(wd().add(ymd(2017, 6, 5), 5), ymd(2017, 6, 12));
  EXPECT_EQ(wd().add(ymd(2017, 6, 12), -5), ymd(2017, 6, 5));
  EXPECT_EQ(wd().add(ymd(2017, 12, 22), 1), ymd(2017, 12, 27));
  EXPECT_EQ(wd().add(ymd(2017, 4, 15), 0), ymd(2017, 4, 15));
  EXPECT_EQ(wd().add(ymd(1995, 1, 1), 1), ymd(1995, 1, 3));
  EXPECT_EQ(wd().add(ymd(2035, 12, 31), -1), ymd(2035, 12, 28));
}

TEST(WorkingDays, AddOutsideTheTable) {
  EXPECT_FALSE(wd().add(ymd(2035, 12, 31), 1));
  EXPECT_FALSE(wd().add(ymd(1995, 1, 3), -1));
  EXPECT_FALSE(wd().add(ymd(1994, 12, 31), 0));
  EXPECT_FALSE(wd().add(ymd(2036, 1, 1), -1));
  EXPECT_FALSE(wd().add(ymd(2017, 1, 1), INT64_MAX));
  EXPECT_FALSE(wd().add(ymd(2017, 1, 1), INT64_MIN));
}

TEST(WorkingDays, AddAndBetweenAgree) {
  for (Day d = ymd(2016, 12, 1); d <= ymd(2018, 1, 31); ++d) {
    for (std::int64_t n = 1; n <= 25; ++n) {
      const auto forward = wd().add(d, n);
      ASSERT_TRUE(forward);
      EXPECT_TRUE(wd().is_working_day(*forward));
      EXPECT_EQ(wd().between(d, *forward), n) << format_iso(d) << " + " << n;
      EXPECT_EQ(wd().between(d, *forward - 1), n - 1) << format_iso(d) << " + " << n;
      const auto back = wd().add(d, -n);
      ASSERT_TRUE(back);
      EXPECT_TRUE(wd().is_working_day(*back));
      // Counting back from `d` reaches `back` on the nth working day before `d`.
      EXPECT_EQ(wd().between(*back, d - 1), n - 1) << format_iso(d) << " - " << n;
    }
  }
}

}  // namespace
}  // namespace tally::calendar
