// The order in which a previous/next walks a table's rows: by (key, order), ties in file order.
// Rows are packed into 64-bit words (key, order, row number) and radix sorted, or walked as they
// are when they come in that order already, or, for keys and orders that do not pack (text
// orders, rationals), sorted by exact comparison.
#pragma once

#include <bit>
#include <cstdint>
#include <map>
#include <string>

#include "lang/plan/plan.hpp"
#include "runtime/column/column.hpp"
#include "runtime/exec/derived/radix_sort.hpp"

namespace tally::runtime {

class Evaluator;

// The rows of a table in the order a previous/next walks them: sorted by (key, order), ties in
// file order. Each row is one word: its key's rank, then (when `order_in_word`) its order value
// less `order_min`, then its row number in the low `row_bits`. Rows whose key or order is missing
// are left out.
struct SortedRows {
  Words words;
  int row_bits = 0;
  int order_bits = 0;
  bool order_in_word = false;
  std::int64_t order_min = 0;
  int order_scale = 0;  // of a number order: value = (bits + order_min) / 10^order_scale
  // The rows walk as they are (each key's rows together, in order, as in a file sorted by key
  // and date): `words` is empty and the walk reads the key and order columns in place.
  bool in_place = false;
  std::size_t key_column = 0, order_column = 0;
};

// Row orders by table and what they sort on, kept between runs over the same data.
using SortCache = std::map<std::string, SortedRows>;

// `x << s`, and 0 when s is 64 (a part of a packed word that takes no bits).
inline std::uint64_t shift_left(std::uint64_t x, int s) { return s >= 64 ? 0 : x << s; }
inline std::uint64_t shift_right(std::uint64_t x, int s) { return s >= 64 ? 0 : x >> s; }
inline std::uint64_t low_bits(int bits) {
  return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
}

// The bits needed for 0 .. hi - lo.
inline int bits_between(std::int64_t lo, std::int64_t hi) {
  return std::bit_width(static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo));
}

// Sorts the rows of `table` for a previous/next on (d.key, d.order). When the key, the order
// and the row number fit in one 64-bit word together, each row is packed and the words are radix
// sorted (or left as they are when the rows already come in order). Key and order columns are
// read in place, half the rows on each of two threads; other expressions are evaluated a batch
// at a time, so the table is never copied whole. Otherwise rows are compared exactly.
// `data_codes` is the number of the data's text codes: a text key column's codes lie below it.
SortedRows sort_rows(const plan::Plan& plan, const plan::Derived& d, const Table& table,
                     Evaluator& eval, std::size_t data_codes, unsigned threads);

}  // namespace tally::runtime
