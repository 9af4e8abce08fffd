#include "runtime/exec/vector.hpp"

#include <algorithm>
#include <limits>

namespace tally::runtime {

Vec result_of(Kind kind, std::initializer_list<const Vec*> operands) {
  Vec x;
  x.kind = kind;
  x.shape = shape_of(operands);
  const std::size_t n = length_of(operands);
  x.v.assign(n, 0);
  x.known.assign(n, 0);
  return x;
}

void to_rational(Vec& x) {
  if (x.rational) return;
  x.r.resize(x.v.size());
  const std::int64_t d = pow10_i64(x.scale);
  for (std::size_t i = 0; i < x.v.size(); ++i) x.r[i] = Rational(x.v[i], d);
  x.rational = true;
  x.v.clear();
  x.scale = 0;
}

bool rescale(Vec& x, int scale) {
  if (x.rational || scale == x.scale) return true;
  if (scale > kMaxScale) return false;
  const std::int64_t f = pow10_i64(scale - x.scale);
  for (std::size_t i = 0; i < x.v.size(); ++i) {
    std::int64_t out;
    if (__builtin_mul_overflow(x.v[i], f, &out)) return false;
    x.v[i] = out;
  }
  x.scale = scale;
  return true;
}

void align(Vec& a, Vec& b) {
  if (a.rational || b.rational) {
    to_rational(a);
    to_rational(b);
    return;
  }
  const int s = std::max(a.scale, b.scale);
  if (!rescale(a, s) || !rescale(b, s)) {
    to_rational(a);
    to_rational(b);
  }
}

namespace {

Vec constant_of_kind(Kind kind) {
  Vec x;
  x.kind = kind;
  x.shape = Shape::constant;
  x.known.assign(1, 1);
  return x;
}

}  // namespace

Vec constant_vec(const Constant& c, TextCodes& texts) {
  Vec x = constant_of_kind(c.type.kind);
  switch (c.type.kind) {
    case Kind::number: {
      // An exact decimal becomes a scaled integer when it fits; otherwise a rational.
      const BigInt den = boost::multiprecision::denominator(c.number);
      int scale = 0;
      BigInt d = den;
      while (d % 10 == 0 && scale <= kMaxScale) {
        d /= 10;
        ++scale;
      }
      BigInt units = 0;
      bool scaled = false;
      for (int s = scale; s <= kMaxScale; ++s) {
        const Rational u = c.number * pow10_i64(s);
        if (boost::multiprecision::denominator(u) == 1) {
          units = boost::multiprecision::numerator(u);
          scale = s;
          scaled = units <= std::numeric_limits<std::int64_t>::max() &&
                   units >= std::numeric_limits<std::int64_t>::min();
          break;
        }
      }
      if (scaled) {
        x.v.assign(1, static_cast<std::int64_t>(units));
        x.scale = scale;
      } else {
        x.rational = true;
        x.r.assign(1, c.number);
      }
      break;
    }
    case Kind::date:
      x.v.assign(1, c.date);
      break;
    case Kind::boolean:
      x.v.assign(1, c.boolean ? 1 : 0);
      break;
    case Kind::text:
      x.v.assign(1, texts.code(c.text));
      break;
    case Kind::list: {
      x.v.assign(1, 0);
      auto items = std::make_shared<std::vector<Vec>>();
      for (const Constant& item : c.items) items->push_back(constant_vec(item, texts));
      x.items = std::move(items);
      break;
    }
    case Kind::error:
      x.known.assign(1, 0);
      x.v.assign(1, 0);
      break;
  }
  return x;
}

Vec missing_vec(Kind kind) {
  Vec x = constant_of_kind(kind);
  x.v.assign(1, 0);
  x.known.assign(1, 0);
  return x;
}

Vec rational_vec(const std::optional<Rational>& value) {
  Vec x = constant_of_kind(Kind::number);
  x.rational = true;
  x.r.assign(1, value.value_or(Rational(0)));
  x.known.assign(1, value ? 1 : 0);
  return x;
}

Vec date_vec(Day d) {
  Vec x = constant_of_kind(Kind::date);
  x.v.assign(1, d);
  return x;
}

Vec column_slice(const Column& c, std::size_t begin, std::size_t n) {
  Vec x;
  switch (c.type) {
    case ColumnType::text:
      x.kind = Kind::text;
      break;
    case ColumnType::integer:
    case ColumnType::decimal:
      x.kind = Kind::number;
      break;
    case ColumnType::date:
      x.kind = Kind::date;
      break;
    case ColumnType::boolean:
      x.kind = Kind::boolean;
      break;
  }
  x.scale = c.scale;
  x.v.assign(c.data.begin() + static_cast<std::ptrdiff_t>(begin),
             c.data.begin() + static_cast<std::ptrdiff_t>(begin + n));
  x.known.resize(n);
  c.validity.expand(begin, n, x.known.data());
  return x;
}

Vec slice(const Vec& full, std::size_t begin, std::size_t n) {
  if (full.one()) return full;
  Vec x;
  x.kind = full.kind;
  x.rational = full.rational;
  x.scale = full.scale;
  x.items = full.items;
  if (full.rational)
    x.r.assign(full.r.begin() + static_cast<std::ptrdiff_t>(begin),
               full.r.begin() + static_cast<std::ptrdiff_t>(begin + n));
  else
    x.v.assign(full.v.begin() + static_cast<std::ptrdiff_t>(begin),
               full.v.begin() + static_cast<std::ptrdiff_t>(begin + n));
  x.known.assign(full.known.begin() + static_cast<std::ptrdiff_t>(begin),
                 full.known.begin() + static_cast<std::ptrdiff_t>(begin + n));
  return x;
}

}  // namespace tally::runtime
