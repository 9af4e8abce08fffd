// The batch vector: one value per row of a batch, or one value standing for every row (a
// constant, a period bound), with the shape said, not inferred from the length. Values are
// integers (bools 0/1, day numbers, text codes, numbers scaled by 10^scale) or, for numbers that
// are not exact decimals of 64 bits, rationals; `known` says which cells hold a value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "lang/base/date.hpp"
#include "lang/base/number.hpp"
#include "lang/base/scale.hpp"
#include "runtime/column/column.hpp"
#include "runtime/exec/plan_terms.hpp"
#include "runtime/exec/texts.hpp"

namespace tally::runtime {

enum class Shape : std::uint8_t {
  flat,      // one cell per row
  constant,  // one cell for every row
};

struct Vec {
  Kind kind = Kind::number;
  Shape shape = Shape::flat;
  bool rational = false;
  int scale = 0;
  std::vector<std::int64_t> v;
  std::vector<Rational> r;
  std::vector<std::uint8_t> known;
  std::shared_ptr<const std::vector<Vec>> items;  // a list constant's items (right side of `in`)

  std::size_t size() const { return known.size(); }
  bool one() const { return shape == Shape::constant; }
  void resize(std::size_t n) {
    known.assign(n, 0);
    if (rational)
      r.assign(n, Rational(0));
    else
      v.assign(n, 0);
  }
  Rational number(std::size_t i) const {
    if (rational) return r[i];
    return Rational(v[i]) / pow10_i64(scale);
  }
};

// The cell of x that row i reads.
inline std::size_t at(const Vec& x, std::size_t i) { return x.one() ? 0 : i; }

// Constant when every operand is; flat otherwise.
inline Shape shape_of(std::initializer_list<const Vec*> operands) {
  for (const Vec* x : operands)
    if (!x->one()) return Shape::flat;
  return Shape::constant;
}

// The number of cells a result of these operands has: one when all are constants.
inline std::size_t length_of(std::initializer_list<const Vec*> operands) {
  for (const Vec* x : operands)
    if (!x->one()) return x->size();
  return 1;
}

// A result of `operands`' shape and length, of `kind`, every cell 0 and missing.
Vec result_of(Kind kind, std::initializer_list<const Vec*> operands);

// Converts a scaled vector to rationals in place.
void to_rational(Vec& x);
// Rescales `x` to `scale` (>= x.scale); false on overflow.
bool rescale(Vec& x, int scale);
// Makes two numeric vectors comparable: one scale, or both rational.
void align(Vec& a, Vec& b);

// A constant. Text is coded by `texts`, so that equal text compares equal with the data's codes.
Vec constant_vec(const Constant& c, TextCodes& texts);
Vec missing_vec(Kind kind);
Vec rational_vec(const std::optional<Rational>& value);
Vec date_vec(Day d);

// Rows [begin, begin + n) of a column, or of a vector over a whole table.
Vec column_slice(const Column& c, std::size_t begin, std::size_t n);
Vec slice(const Vec& full, std::size_t begin, std::size_t n);

}  // namespace tally::runtime
