#include "lang/base/number.hpp"

#include <limits>

namespace tally {

namespace {
bool is_digit(char c) { return c >= '0' && c <= '9'; }

struct DecimalParts {
  bool negative = false;
  std::string_view whole;
  std::string_view fraction;
};

std::optional<DecimalParts> split_decimal(std::string_view text) {
  DecimalParts parts;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    parts.negative = text[i] == '-';
    ++i;
  }
  const std::size_t whole_begin = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  parts.whole = text.substr(whole_begin, i - whole_begin);
  if (i < text.size() && text[i] == '.') {
    ++i;
    const std::size_t frac_begin = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    parts.fraction = text.substr(frac_begin, i - frac_begin);
    if (parts.fraction.empty()) return std::nullopt;
  }
  if (i != text.size() || (parts.whole.empty() && parts.fraction.empty())) return std::nullopt;
  return parts;
}
}  // namespace

BigInt pow10(int n) { return boost::multiprecision::pow(BigInt(10), static_cast<unsigned>(n)); }

std::optional<Rational> parse_decimal(std::string_view text) {
  const auto parts = split_decimal(text);
  if (!parts) return std::nullopt;
  BigInt units = 0;
  for (char c : parts->whole) units = units * 10 + (c - '0');
  for (char c : parts->fraction) units = units * 10 + (c - '0');
  Rational r(units, pow10(static_cast<int>(parts->fraction.size())));
  if (parts->negative) r = -r;
  return r;
}

Rational round_half_away(const Rational& value, int decimals) {
  const BigInt scale = pow10(decimals);
  const Rational scaled = Rational(value * scale);
  BigInt num = boost::multiprecision::numerator(scaled);
  const BigInt den = boost::multiprecision::denominator(scaled);
  const bool negative = num < 0;
  if (negative) num = -num;
  BigInt q = num / den;
  const BigInt rem = num - q * den;
  if (rem * 2 >= den) q += 1;
  if (negative) q = -q;
  return Rational(q, scale);
}

std::string format_decimal(const Rational& value, int decimals) {
  const Rational rounded = round_half_away(value, decimals);
  BigInt units = boost::multiprecision::numerator(Rational(rounded * pow10(decimals)));
  const bool negative = units < 0;
  if (negative) units = -units;
  std::string digits = units.str();
  if (decimals > 0) {
    if (static_cast<int>(digits.size()) <= decimals) {
      digits.insert(0, static_cast<std::size_t>(decimals) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<std::size_t>(decimals), 1, '.');
  }
  return negative && units != 0 ? "-" + digits : digits;
}

std::string format_exact(const Rational& value) {
  BigInt den = boost::multiprecision::denominator(value);
  int places = 0;
  while (den % 10 == 0 && den != 1) {
    den /= 10;
    ++places;
  }
  int twos = 0, fives = 0;
  while (den % 2 == 0) {
    den /= 2;
    ++twos;
  }
  while (den % 5 == 0) {
    den /= 5;
    ++fives;
  }
  if (den != 1) return format_decimal(value, 10) + "...";
  return format_decimal(value, places + std::max(twos, fives));
}

int decimal_places(std::string_view text) {
  const auto parts = split_decimal(text);
  if (!parts) return -1;
  return static_cast<int>(parts->fraction.size());
}

std::optional<std::int64_t> parse_scaled(std::string_view text, int scale) {
  const auto parts = split_decimal(text);
  if (!parts || static_cast<int>(parts->fraction.size()) > scale) return std::nullopt;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t units = 0;
  auto push = [&](int digit) {
    if (units > (kMax - digit) / 10) return false;
    units = units * 10 + digit;
    return true;
  };
  for (char c : parts->whole)
    if (!push(c - '0')) return std::nullopt;
  for (char c : parts->fraction)
    if (!push(c - '0')) return std::nullopt;
  for (int i = static_cast<int>(parts->fraction.size()); i < scale; ++i)
    if (!push(0)) return std::nullopt;
  return parts->negative ? -units : units;
}

}  // namespace tally
