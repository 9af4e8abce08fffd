// Unit tests for calendar dates as day numbers: civil conversions, leap years, month arithmetic,
// ages and date layouts.
#include "lang/base/date.hpp"

#include <gtest/gtest.h>

namespace tally {
namespace {

Day ymd(int year, int month, int day) { return days_from_civil(year, month, day); }

TEST(Date, KnownDayNumbers) {
  EXPECT_EQ(ymd(1970, 1, 1), 0);
  EXPECT_EQ(ymd(1969, 12, 31), -1);
  EXPECT_EQ(ymd(2000, 3, 1), 11017);
  EXPECT_EQ(ymd(2017, 4, 1), 17257);
  EXPECT_EQ(ymd(1600, 1, 1), -135140);
  EXPECT_EQ(ymd(1900, 3, 1), -25508);
}

TEST(Date, CivilRoundTripOverEightCenturies) {
  Ymd previous = civil_from_days(ymd(1600, 1, 1) - 1);
  EXPECT_EQ(previous.year, 1599);
  EXPECT_EQ(previous.month, 12);
  EXPECT_EQ(previous.day, 31);
  for (Day d = ymd(1600, 1, 1); d <= ymd(2400, 12, 31); ++d) {
    const Ymd c = civil_from_days(d);
    ASSERT_EQ(days_from_civil(c.year, c.month, c.day), d) << format_iso(d);
    ASSERT_GE(c.month, 1);
    ASSERT_LE(c.month, 12);
    ASSERT_GE(c.day, 1);
    ASSERT_LE(c.day, days_in_month(c.year, c.month));
    // Each day follows the one before: the next day of the month, or the 1st of the next month.
    if (c.day > 1) {
      ASSERT_EQ(c.year, previous.year);
      ASSERT_EQ(c.month, previous.month);
      ASSERT_EQ(c.day, previous.day + 1);
    } else {
      ASSERT_EQ(previous.day, days_in_month(previous.year, previous.month));
      ASSERT_EQ(c.month, previous.month % 12 + 1);
      ASSERT_EQ(c.year, previous.year + (previous.month == 12 ? 1 : 0));
    }
    previous = c;
  }
}

TEST(Date, LeapYears) {
  EXPECT_FALSE(is_leap_year(1900));
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_TRUE(is_leap_year(2004));
  EXPECT_TRUE(is_leap_year(2016));
  EXPECT_FALSE(is_leap_year(2017));
  EXPECT_FALSE(is_leap_year(2100));
  EXPECT_EQ(days_in_month(1900, 2), 28);
  EXPECT_EQ(days_in_month(2000, 2), 29);
  EXPECT_EQ(days_in_month(2017, 2), 28);
  EXPECT_EQ(days_in_month(2017, 4), 30);
  EXPECT_EQ(days_in_month(2017, 12), 31);
  EXPECT_EQ(ymd(1900, 3, 1) - ymd(1900, 2, 28), 1);
  EXPECT_EQ(ymd(2000, 3, 1) - ymd(2000, 2, 28), 2);
  EXPECT_EQ(ymd(2001, 1, 1) - ymd(2000, 1, 1), 366);
  EXPECT_EQ(ymd(1901, 1, 1) - ymd(1900, 1, 1), 365);
}

TEST(Date, Weekday) {
  EXPECT_EQ(weekday(ymd(1970, 1, 1)), 3);    // Thursday
  EXPECT_EQ(weekday(ymd(1969, 12, 29)), 0);  // Monday, before day 0
  EXPECT_EQ(weekday(ymd(1600, 1, 1)), 5);    // Saturday
  EXPECT_EQ(weekday(ymd(2017, 4, 14)), 4);   // Friday
  EXPECT_EQ(weekday(ymd(2017, 4, 16)), 6);   // Sunday
  EXPECT_EQ(weekday(ymd(2017, 4, 17)), 0);   // Monday
}

TEST(Date, AddMonthsClampsToTheMonthsEnd) {
  EXPECT_EQ(add_months(ymd(2017, 1, 31), 1), ymd(2017, 2, 28));
  EXPECT_EQ(add_months(ymd(2016, 1, 31), 1), ymd(2016, 2, 29));
  EXPECT_EQ(add_months(ymd(2017, 3, 31), -1), ymd(2017, 2, 28));
  EXPECT_EQ(add_months(ymd(2017, 5, 31), 1), ymd(2017, 6, 30));
  EXPECT_EQ(add_months(ymd(2016, 2, 29), 12), ymd(2017, 2, 28));
  EXPECT_EQ(add_months(ymd(2016, 2, 29), 48), ymd(2020, 2, 29));
  EXPECT_EQ(add_months(ymd(2017, 12, 15), 1), ymd(2018, 1, 15));
  EXPECT_EQ(add_months(ymd(2017, 1, 15), -1), ymd(2016, 12, 15));
  EXPECT_EQ(add_months(ymd(2017, 1, 15), -13), ymd(2015, 12, 15));
  EXPECT_EQ(add_months(ymd(2017, 1, 15), -24), ymd(2015, 1, 15));
  EXPECT_EQ(add_months(ymd(2017, 1, 15), 0), ymd(2017, 1, 15));
  EXPECT_EQ(add_months(ymd(1970, 1, 1), -1), ymd(1969, 12, 1));
  EXPECT_EQ(add_months(ymd(1969, 1, 31), -13), ymd(1967, 12, 31));
}

TEST(Date, WholeMonths) {
  EXPECT_EQ(whole_months(ymd(2017, 1, 15), ymd(2017, 1, 15)), 0);
  EXPECT_EQ(whole_months(ymd(2017, 1, 15), ymd(2017, 2, 14)), 0);
  EXPECT_EQ(whole_months(ymd(2017, 1, 15), ymd(2017, 2, 15)), 1);
  EXPECT_EQ(whole_months(ymd(2017, 1, 15), ymd(2018, 1, 14)), 11);
  EXPECT_EQ(whole_months(ymd(2017, 1, 15), ymd(2018, 1, 15)), 12);
  EXPECT_EQ(whole_months(ymd(2017, 1, 31), ymd(2017, 2, 27)), 0);
  EXPECT_EQ(whole_months(ymd(2017, 1, 31), ymd(2017, 2, 28)), 1);  // as add_months clamps
  EXPECT_EQ(whole_months(ymd(2017, 1, 31), ymd(2017, 3, 30)), 1);
  EXPECT_EQ(whole_months(ymd(2017, 1, 31), ymd(2017, 3, 31)), 2);
  EXPECT_EQ(whole_months(ymd(2017, 2, 15), ymd(2017, 1, 15)), -1);
  EXPECT_EQ(whole_months(ymd(2017, 2, 15), ymd(2017, 1, 16)), 0);
  EXPECT_EQ(whole_months(ymd(2016, 2, 29), ymd(2017, 2, 28)), 12);
  EXPECT_EQ(whole_months(ymd(1969, 12, 31), ymd(1970, 1, 31)), 1);
}

TEST(Date, AgeYears) {
  EXPECT_EQ(age_years(ymd(2000, 6, 15), ymd(2017, 6, 14)), 16);
  EXPECT_EQ(age_years(ymd(2000, 6, 15), ymd(2017, 6, 15)), 17);
  EXPECT_EQ(age_years(ymd(2000, 6, 15), ymd(2000, 6, 15)), 0);
  EXPECT_EQ(age_years(ymd(1999, 12, 31), ymd(2017, 1, 1)), 17);
  // A 29 February birthday ages on 1 March in years without one.
  EXPECT_EQ(age_years(ymd(2004, 2, 29), ymd(2005, 2, 28)), 0);
  EXPECT_EQ(age_years(ymd(2004, 2, 29), ymd(2005, 3, 1)), 1);
  EXPECT_EQ(age_years(ymd(2004, 2, 29), ymd(2008, 2, 28)), 3);
  EXPECT_EQ(age_years(ymd(2004, 2, 29), ymd(2008, 2, 29)), 4);
  EXPECT_EQ(age_years(ymd(2004, 2, 29), ymd(2022, 3, 1)), 18);
}

TEST(DateFormat, RejectsBadLayouts) {
  EXPECT_FALSE(DateFormat::parse("dd/mm/yy"));
  EXPECT_FALSE(DateFormat::parse("dd/mm"));
  EXPECT_FALSE(DateFormat::parse("ddd/mm/yyyy"));
  EXPECT_FALSE(DateFormat::parse("dd/mm/yyyy/dd"));
  EXPECT_FALSE(DateFormat::parse("dd/mm/yyyyy"));
  EXPECT_FALSE(DateFormat::parse("dd_mm_yyyy"));
  EXPECT_FALSE(DateFormat::parse(""));
  ASSERT_TRUE(DateFormat::parse("dd.mm.yyyy"));
  EXPECT_EQ(DateFormat::parse("dd.mm.yyyy")->layout(), "dd.mm.yyyy");
}

TEST(DateFormat, TwoDigitDayAndMonth) {
  const auto f = DateFormat::parse("dd/mm/yyyy");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->read("14/04/2017"), ymd(2017, 4, 14));
  EXPECT_EQ(f->read("29/02/2016"), ymd(2016, 2, 29));
  EXPECT_EQ(f->read("31/12/1899"), ymd(1899, 12, 31));
  EXPECT_FALSE(f->read("31/02/2017"));
  EXPECT_FALSE(f->read("29/02/2017"));
  EXPECT_FALSE(f->read("29/02/1900"));
  EXPECT_FALSE(f->read("31/04/2017"));
  EXPECT_FALSE(f->read("00/04/2017"));
  EXPECT_FALSE(f->read("14/13/2017"));
  EXPECT_FALSE(f->read("14/00/2017"));
  EXPECT_FALSE(f->read("1/2/2017"));
  EXPECT_FALSE(f->read("01/2/2017"));
  EXPECT_FALSE(f->read("14/04/17"));
  EXPECT_FALSE(f->read("14-04-2017"));
  EXPECT_FALSE(f->read("14/04/2017 "));
  EXPECT_FALSE(f->read("14/04/2017x"));
  EXPECT_FALSE(f->read("14/04/20170"));
  EXPECT_FALSE(f->read(" 14/04/2017"));
  EXPECT_FALSE(f->read(""));
}

TEST(DateFormat, OneOrTwoDigitDayAndMonth) {
  const auto f = DateFormat::parse("d/m/yyyy");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->read("1/2/2017"), ymd(2017, 2, 1));
  EXPECT_EQ(f->read("01/02/2017"), ymd(2017, 2, 1));
  EXPECT_EQ(f->read("29/2/2016"), ymd(2016, 2, 29));
  EXPECT_EQ(f->read("31/12/2017"), ymd(2017, 12, 31));
  EXPECT_FALSE(f->read("29/2/2017"));
  EXPECT_FALSE(f->read("123/1/2017"));
  EXPECT_FALSE(f->read("/1/2017"));
  EXPECT_FALSE(f->read("1/2/2017/"));
}

TEST(DateFormat, Iso) {
  EXPECT_EQ(DateFormat::iso().layout(), "yyyy-mm-dd");
  EXPECT_EQ(parse_iso("2017-06-30"), ymd(2017, 6, 30));
  EXPECT_EQ(parse_iso("1970-01-01"), 0);
  EXPECT_FALSE(parse_iso("2017-6-30"));
  EXPECT_FALSE(parse_iso("2017-06-31"));
  EXPECT_FALSE(parse_iso("2017-06-30T00:00"));
  EXPECT_FALSE(parse_iso("30/06/2017"));
  // Years 1000 to 9999 only.
  EXPECT_FALSE(parse_iso("0000-01-01"));
  EXPECT_FALSE(parse_iso("0999-12-31"));
  EXPECT_EQ(parse_iso("1000-01-01"), ymd(1000, 1, 1));
  EXPECT_EQ(parse_iso("9999-12-31"), ymd(9999, 12, 31));
  EXPECT_TRUE(DateFormat::iso().year_out_of_range("0019-04-01"));
  EXPECT_TRUE(DateFormat::iso().year_out_of_range("0000-02-29"));  // year 0 is a leap year
  EXPECT_FALSE(DateFormat::iso().year_out_of_range("0019-02-29"));
  EXPECT_FALSE(DateFormat::iso().year_out_of_range("2019-04-01"));
  EXPECT_FALSE(DateFormat::iso().year_out_of_range("0019-4-01"));
  const auto uk = DateFormat::parse("d/m/yyyy");
  ASSERT_TRUE(uk);
  EXPECT_FALSE(uk->read("1/4/0999"));
  EXPECT_TRUE(uk->year_out_of_range("1/4/0999"));
  EXPECT_EQ(format_iso(0), "1970-01-01");
  EXPECT_EQ(format_iso(ymd(2017, 4, 1)), "2017-04-01");
  EXPECT_EQ(format_iso(ymd(1899, 12, 31)), "1899-12-31");
  for (Day d = ymd(1990, 1, 1); d <= ymd(2040, 1, 1); d += 7) {
    ASSERT_EQ(parse_iso(format_iso(d)), d);
  }
}

}  // namespace
}  // namespace tally
