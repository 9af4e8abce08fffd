// Exact numbers: every value, target, band and change is a rational (Boost.Multiprecision), parsed
// from decimal text without binary floating point and rounded only when displayed.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tally {

using Rational = boost::multiprecision::cpp_rational;
using BigInt = boost::multiprecision::cpp_int;

// Parses "-12", "12.50", "+0.5", ".5" exactly; nullopt for anything else (no exponents, no
// thousands separators).
std::optional<Rational> parse_decimal(std::string_view text);

// Rounds half away from zero to `decimals` places and prints with exactly that many places;
// "-0.0" is printed as "0.0".
std::string format_decimal(const Rational& value, int decimals);

// The exact value as decimal text when it terminates ("12.5", "90"), otherwise rounded to
// 10 places followed by "...": used where a value is echoed, not reported.
std::string format_exact(const Rational& value);

// Half-away-from-zero rounding to a multiple of 10^-decimals, kept exact.
Rational round_half_away(const Rational& value, int decimals);

// 10^n as an integer.
BigInt pow10(int n);

// Parses decimal text into units at exactly `scale` places; nullopt if it has more places,
// is not a decimal, or overflows 64 bits.
std::optional<std::int64_t> parse_scaled(std::string_view text, int scale);
// How many places after the point the text carries (0 for "12"); -1 if not a decimal.
int decimal_places(std::string_view text);

}  // namespace tally
