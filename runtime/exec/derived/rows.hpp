// Aggregates over rows as values of each row: over the rows of the same key (`sum(x per k)`,
// walked in the one sort per (table, key, order) that previous/next share, split into runs where
// a link does not hold), and over another table's rows matching a value of this row (one index
// of rows per (table, column), shared by every question asked of it).
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "lang/plan/plan.hpp"
#include "runtime/column/column.hpp"
#include "runtime/exec/derived/derived_column.hpp"
#include "runtime/exec/derived/row_order.hpp"

namespace tally::runtime {

class Evaluator;
struct Dataset;

// The rows of a table grouped by the values of one of its columns: group g holds
// rows[starts[g] .. starts[g + 1]), in file order. Whole values (text codes, day numbers) find
// their group through a table by value when they lie close together, a hash map otherwise;
// numbers through their exact value.
struct RowIndex {
  std::vector<std::uint32_t> starts, rows;
  std::vector<std::int32_t> group_of_row;  // each row's group, -1 where its cell is missing
  std::int64_t lo = 0;
  std::vector<std::int32_t> direct;  // group by value - lo, or -1
  std::map<Rational, std::int32_t> exact;
  std::vector<std::pair<std::int64_t, std::int32_t>> sorted;  // (value, group), by value
  bool numeric = false;
  // The group of key cell k, or -1.
  std::int32_t find(const Vec& key, std::size_t k) const;
  // The group of a whole value (a text code, a day number), or -1; not for numeric indexes.
  std::int32_t find_whole(std::int64_t x) const;
};

// Indexes by (table, column), kept between runs over the same data.
using RowIndexCache = std::map<std::pair<std::uint32_t, std::uint32_t>, RowIndex>;

// The index of table t's column c, made once and kept in `indexes`.
const RowIndex& row_index(RowIndexCache& indexes, const Dataset& data, std::uint32_t t,
                          std::uint32_t c);

// Every row's `d.rows_op` over its key's rows (or its run's) in the order of `sorted`.
void derive_rows(const plan::Derived& d, const Table& table, const SortedRows& sorted,
                 Evaluator& eval, DerivedColumn& column, unsigned threads);

// Every row's `d.rows_op` over the rows sharing its key, a column of the table, taken as a set
// (no order, no runs): from the column's index, without a sort.
void derive_rows_by_index(const plan::Derived& d, const Table& table, const RowIndex& index,
                          Evaluator& eval, DerivedColumn& column, unsigned threads);

// Every row's `d.rows_op` over the rows of `d.target_table` whose `d.target_column` equals the
// row's `d.key`.
void derive_other_rows(const plan::Plan& plan, const plan::Derived& d, const Dataset& data,
                       RowIndexCache& indexes, Evaluator& eval, DerivedColumn& column,
                       unsigned threads);

// The whole table's values of `id`, and whether `id` holds on each row (missing: no).
Vec whole_column(Evaluator& eval, const Table& table, plan::NodeId id);
std::vector<std::uint8_t> whole_mask(Evaluator& eval, const Table& table, plan::NodeId id);

}  // namespace tally::runtime
