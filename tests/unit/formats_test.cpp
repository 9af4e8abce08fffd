// The small rules of the Excel reader: serial numbers as days (the 1900 and 1904 systems),
// numbers as Excel writes them, headers and sheet names written as names; and the census
// reader's tables.
#include <gtest/gtest.h>

#include "lang/base/date.hpp"
#include "runtime/column/xlsx_reader.hpp"
#include "runtime/column/xml_census.hpp"

namespace tally::runtime {
namespace {

std::string day_of(std::string_view serial, bool date1904 = false) {
  const auto day = excel_serial_day(serial, date1904);
  return day ? format_iso(*day) : "none";
}

TEST(ExcelSerial, NineteenHundredSystem) {
  EXPECT_EQ(day_of("1"), "1900-01-01");
  EXPECT_EQ(day_of("59"), "1900-02-28");
  EXPECT_EQ(day_of("60"), "none");  // 29 February 1900, which Excel counts and which never was
  EXPECT_EQ(day_of("61"), "1900-03-01");
  EXPECT_EQ(day_of("25569"), "1970-01-01");
  EXPECT_EQ(day_of("42828"), "2017-04-03");
  EXPECT_EQ(day_of("42828.75"), "2017-04-03");  // a time of day is dropped
  EXPECT_EQ(day_of("4.2828E4"), "2017-04-03");
  EXPECT_EQ(day_of("0"), "none");
  EXPECT_EQ(day_of("-1"), "none");
  EXPECT_EQ(day_of("abc"), "none");
  EXPECT_EQ(day_of("2958465"), "9999-12-31");
  EXPECT_EQ(day_of("2958466"), "none");
}

TEST(ExcelSerial, NineteenOhFourSystem) {
  EXPECT_EQ(day_of("0", true), "1904-01-01");
  EXPECT_EQ(day_of("60", true), "1904-03-01");
  EXPECT_EQ(day_of("41366", true), "2017-04-03");  // 1462 days less than in the 1900 system
}

TEST(PlainNumber, AsExcelWritesThem) {
  EXPECT_EQ(plain_number("42"), "42");
  EXPECT_EQ(plain_number("-0.25"), "-0.25");
  EXPECT_EQ(plain_number("1.5E-3"), "0.0015");
  EXPECT_EQ(plain_number("1E-3"), "0.001");
  EXPECT_EQ(plain_number("1.5E+3"), "1500");
  EXPECT_EQ(plain_number("1.2345e2"), "123.45");
  EXPECT_EQ(plain_number("-2.5E1"), "-25");
  EXPECT_EQ(plain_number("1E+41"), std::nullopt);
  EXPECT_EQ(plain_number("1.2.3"), std::nullopt);
  EXPECT_EQ(plain_number("E5"), std::nullopt);
  EXPECT_EQ(plain_number("1E"), std::nullopt);
  EXPECT_EQ(plain_number(""), std::nullopt);
}

TEST(Names, HeadersAndSheets) {
  EXPECT_EQ(as_name("Child Unique ID"), "child_unique_id");
  EXPECT_EQ(as_name("Age of Child (Years)"), "age_of_child_years");
  EXPECT_EQ(as_name("  Was the child seen alone?  "), "was_the_child_seen_alone");
  EXPECT_EQ(as_name("List 3 - Referrals"), "list_3_referrals");
  EXPECT_TRUE(sheet_holds("List 3 - Referrals", "list_3"));
  EXPECT_TRUE(sheet_holds("List 3", "list_3"));
  EXPECT_TRUE(sheet_holds("referrals", "referrals"));
  EXPECT_FALSE(sheet_holds("List 10", "list_1"));
  EXPECT_FALSE(sheet_holds("List 1", "list_10"));
  EXPECT_FALSE(sheet_holds("Sheet1", "visits"));
}

TEST(Census, Tables) {
  EXPECT_TRUE(is_census_table("referrals"));
  EXPECT_TRUE(is_census_table("cp_reviews"));
  EXPECT_FALSE(is_census_table("children"));
  const auto columns = census_columns("referrals");
  ASSERT_FALSE(columns.empty());
  EXPECT_EQ(columns.front(), "referral_id");
  EXPECT_NE(std::find(columns.begin(), columns.end(), "referral_date (CINreferralDate)"),
            columns.end());
}

}  // namespace
}  // namespace tally::runtime
