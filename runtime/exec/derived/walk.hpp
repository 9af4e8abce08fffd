// The previous/next walk: over the rows in the order of their key and order, each row gets the
// value of the last eligible row of the same key before it (or, for next, after it). Stretches
// that begin at a key are walked on threads of their own.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/column/column.hpp"
#include "runtime/exec/derived/derived_column.hpp"
#include "runtime/exec/derived/row_order.hpp"

namespace tally::runtime {

// Fills `out` with each row's previous (or next) eligible value of the same key, walking the
// sorted rows once and carrying the last eligible row's key and value.
void walk_sorted(const SortedRows& sorted, const Table& table, bool forward,
                 const std::vector<std::uint8_t>& eligible, const Vec* value, DerivedColumn& column,
                 unsigned threads);

}  // namespace tally::runtime
