// The loops over a batch of rows that every evaluation runs through: masks, comparisons of
// whole values, logic, differences of days, narrow derived cells widened. Each works on plain
// arrays that never overlap; kernels.cpp says how they are built.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/exec/comparison.hpp"
#include "runtime/exec/vector.hpp"

namespace tally::runtime {

// out[i] stays 1 where condition i holds: known and true.
void and_holds(std::uint8_t* out, const std::uint8_t* known, const std::int64_t* v, std::size_t n);

// out[i] stays 1 where known[i] is set (or, when `missing`, where it is not).
void and_known(std::uint8_t* out, const std::uint8_t* known, bool missing, std::size_t n);

// out[i] stays 1 where `a c b` holds for row i, both known: whole values of one scale.
void and_compare(Comparison c, const Vec& a, const Vec& b, std::uint8_t* out, std::size_t n);

// hit[i] becomes 1 where v[i] is c.
void or_equal(std::int64_t* hit, const std::int64_t* v, std::int64_t c, std::size_t n);

// v[i] becomes its flag (or, when `negated`, the flag's opposite) where known[i] is set, and 0
// where it is not.
void flag_known(std::int64_t* v, const std::uint8_t* known, bool negated, std::size_t n);

// v[i] becomes 1 where known[i] is set (or, when `missing`, where it is not), else 0.
void known_flags(std::int64_t* v, const std::uint8_t* known, bool missing, std::size_t n);

// x's cells (x.size() of them, x flat or constant as a and b are) from the cells of a and b,
// whole values of one scale:
// `a c b`, known where both are;
void compare_cells(Comparison c, const Vec& a, const Vec& b, Vec& x);
// `a and b`: false where either is false, true where both are true, otherwise missing;
void and_cells(const Vec& a, const Vec& b, Vec& x);
// `a or b`: true where either is true, false where both are false, otherwise missing;
void or_cells(const Vec& a, const Vec& b, Vec& x);
// b - a, days from day a to day b, known where both are.
void days_cells(const Vec& a, const Vec& b, Vec& x);

// x[i] = lo <= a[i] <= hi, known where a[i] is.
void within(const std::int64_t* a, const std::uint8_t* a_known, std::int64_t lo, std::int64_t hi,
            std::int64_t* x, std::uint8_t* x_known, std::size_t n);

// Narrow cells of a derived column as values and flags: base + cell, or missing where the cell
// has every bit set (16 bits) or is negative (32 bits).
void widen(const std::uint16_t* from, std::int64_t base, std::size_t n, std::int64_t* v,
           std::uint8_t* known);
void widen(const std::int32_t* from, std::int64_t base, std::size_t n, std::int64_t* v,
           std::uint8_t* known);

}  // namespace tally::runtime
