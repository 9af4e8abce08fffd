// Unit tests for exact numbers: decimal parsing, half-away-from-zero display rounding, exact echo
// and scaled 64-bit decimal cells.
#include "lang/base/number.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace tally {
namespace {

Rational dec(const char* text) {
  const auto value = parse_decimal(text);
  EXPECT_TRUE(value) << text;
  return value.value_or(Rational(0));
}

TEST(Number, ParseDecimal) {
  EXPECT_EQ(parse_decimal("12"), Rational(12));
  EXPECT_EQ(parse_decimal("-12"), Rational(-12));
  EXPECT_EQ(parse_decimal("12.50"), Rational(25, 2));
  EXPECT_EQ(parse_decimal("+0.5"), Rational(1, 2));
  EXPECT_EQ(parse_decimal(".5"), Rational(1, 2));
  EXPECT_EQ(parse_decimal("-.25"), Rational(-1, 4));
  EXPECT_EQ(parse_decimal("-0.05"), Rational(-1, 20));
  EXPECT_EQ(parse_decimal("0"), Rational(0));
  EXPECT_EQ(parse_decimal("-0"), Rational(0));
  EXPECT_EQ(parse_decimal("007.10"), Rational(71, 10));
  EXPECT_EQ(parse_decimal("123456789012345678901234567890.5"),
            Rational(BigInt("1234567890123456789012345678905"), 10));
}

TEST(Number, ParseDecimalRejects) {
  for (const char* text : {"", "-", "+", ".", "5.", "-.", "1e5", "1E5", "1,000", " 1", "1 ",
                           "1.2.3", "--1", "+-1", "0x10", "abc", "12a"}) {
    EXPECT_FALSE(parse_decimal(text)) << text;
  }
}

TEST(Number, ParseDecimalIsExact) {
  EXPECT_EQ(dec("0.1") + dec("0.2"), dec("0.3"));
  EXPECT_EQ(dec("0.1") * 3, dec("0.3"));
  EXPECT_EQ(Rational(1799, 2000) * 100, dec("89.95"));
}

TEST(Number, FormatDecimalRoundsHalfAwayFromZero) {
  EXPECT_EQ(format_decimal(dec("89.95"), 1), "90.0");
  EXPECT_EQ(format_decimal(dec("89.94"), 1), "89.9");
  EXPECT_EQ(format_decimal(dec("-89.95"), 1), "-90.0");
  EXPECT_EQ(format_decimal(dec("0.05"), 1), "0.1");
  EXPECT_EQ(format_decimal(dec("-0.05"), 1), "-0.1");
  EXPECT_EQ(format_decimal(dec("0.04"), 1), "0.0");
  EXPECT_EQ(format_decimal(dec("-0.04"), 1), "0.0");
  EXPECT_EQ(format_decimal(dec("2.5"), 0), "3");
  EXPECT_EQ(format_decimal(dec("-2.5"), 0), "-3");
  EXPECT_EQ(format_decimal(dec("3.5"), 0), "4");
  EXPECT_EQ(format_decimal(dec("-0.4"), 0), "0");
  EXPECT_EQ(format_decimal(dec("0.005"), 2), "0.01");
  EXPECT_EQ(format_decimal(dec("0.0049999"), 2), "0.00");
  EXPECT_EQ(format_decimal(dec("0"), 0), "0");
  EXPECT_EQ(format_decimal(dec("0"), 3), "0.000");
  EXPECT_EQ(format_decimal(dec("123"), 2), "123.00");
  EXPECT_EQ(format_decimal(dec("1234567.891"), 2), "1234567.89");
  EXPECT_EQ(format_decimal(dec("-0.125"), 2), "-0.13");
  EXPECT_EQ(format_decimal(dec("99999999999999999999.95"), 1), "100000000000000000000.0");
}

TEST(Number, FormatDecimalOfRatios) {
  // 1799 of 2000 as a percentage is exactly 89.95: a double would hold 89.9499... and print 89.9.
  EXPECT_EQ(format_decimal(Rational(1799, 2000) * 100, 1), "90.0");
  EXPECT_EQ(format_decimal(Rational(375, 402) * 100, 1), "93.3");
  EXPECT_EQ(format_decimal(Rational(1, 3), 2), "0.33");
  EXPECT_EQ(format_decimal(Rational(2, 3), 2), "0.67");
  EXPECT_EQ(format_decimal(Rational(-2, 3), 2), "-0.67");
  EXPECT_EQ(format_decimal(Rational(1, 6), 0), "0");
  EXPECT_EQ(format_decimal(Rational(-1, 6), 0), "0");
}

TEST(Number, RoundHalfAway) {
  EXPECT_EQ(round_half_away(Rational(1, 8), 2), Rational(13, 100));
  EXPECT_EQ(round_half_away(Rational(-1, 8), 2), Rational(-13, 100));
  EXPECT_EQ(round_half_away(Rational(1, 3), 1), Rational(3, 10));
  EXPECT_EQ(round_half_away(dec("89.95"), 1), Rational(90));
  EXPECT_EQ(round_half_away(dec("12.5"), 0), Rational(13));
  EXPECT_EQ(round_half_away(dec("12.34"), 5), dec("12.34"));
}

TEST(Number, FormatExact) {
  EXPECT_EQ(format_exact(dec("12.5")), "12.5");
  EXPECT_EQ(format_exact(dec("12.50")), "12.5");
  EXPECT_EQ(format_exact(Rational(90)), "90");
  EXPECT_EQ(format_exact(Rational(0)), "0");
  EXPECT_EQ(format_exact(Rational(-3)), "-3");
  EXPECT_EQ(format_exact(Rational(1, 8)), "0.125");
  EXPECT_EQ(format_exact(Rational(1, 20)), "0.05");
  EXPECT_EQ(format_exact(Rational(-7, 4)), "-1.75");
  EXPECT_EQ(format_exact(Rational(1, 1000)), "0.001");
  EXPECT_EQ(format_exact(Rational(1, 1024)), "0.0009765625");
  EXPECT_EQ(format_exact(Rational(1, 3)), "0.3333333333...");
  EXPECT_EQ(format_exact(Rational(2, 3)), "0.6666666667...");
  EXPECT_EQ(format_exact(Rational(-1, 7)), "-0.1428571429...");
}

TEST(Number, Pow10) {
  EXPECT_EQ(pow10(0), BigInt(1));
  EXPECT_EQ(pow10(3), BigInt(1000));
  EXPECT_EQ(pow10(20), BigInt("100000000000000000000"));
}

TEST(Number, ParseScaled) {
  EXPECT_EQ(parse_scaled("12.5", 2), 1250);
  EXPECT_EQ(parse_scaled("12.50", 2), 1250);
  EXPECT_EQ(parse_scaled("12", 0), 12);
  EXPECT_EQ(parse_scaled("12", 3), 12000);
  EXPECT_EQ(parse_scaled("-0.5", 1), -5);
  EXPECT_EQ(parse_scaled(".5", 1), 5);
  EXPECT_EQ(parse_scaled("+7", 0), 7);
  EXPECT_FALSE(parse_scaled("12.345", 2));
  EXPECT_FALSE(parse_scaled("12.5", 0));
  EXPECT_FALSE(parse_scaled("abc", 2));
  EXPECT_FALSE(parse_scaled("", 0));
  EXPECT_FALSE(parse_scaled("1e3", 0));
}

TEST(Number, ParseScaledDetectsOverflow) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(parse_scaled("9223372036854775807", 0), kMax);
  EXPECT_EQ(parse_scaled("-9223372036854775807", 0), -kMax);
  EXPECT_EQ(parse_scaled("92233720368547758.07", 2), kMax);
  EXPECT_FALSE(parse_scaled("9223372036854775808", 0));
  EXPECT_FALSE(parse_scaled("92233720368547758.08", 2));
  EXPECT_FALSE(parse_scaled("922337203685477580.8", 1));
  // Fits before scaling, overflows once padded to the column's places.
  EXPECT_FALSE(parse_scaled("92233720368547758.07", 3));
  EXPECT_FALSE(parse_scaled("10000000000000000000", 0));
  EXPECT_FALSE(parse_scaled("99999999999999999999999999", 0));
}

TEST(Number, DecimalPlaces) {
  EXPECT_EQ(decimal_places("12"), 0);
  EXPECT_EQ(decimal_places("12.50"), 2);
  EXPECT_EQ(decimal_places(".5"), 1);
  EXPECT_EQ(decimal_places("-3.125"), 3);
  EXPECT_EQ(decimal_places("+0.0"), 1);
  EXPECT_EQ(decimal_places("x"), -1);
  EXPECT_EQ(decimal_places("1."), -1);
  EXPECT_EQ(decimal_places(""), -1);
}

}  // namespace
}  // namespace tally
