// Derived columns: every previous/next and lookup of a table, computed over all its rows before
// the rows are evaluated for indicators.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "lang/plan/plan.hpp"
#include "runtime/exec/derived/derived_column.hpp"
#include "runtime/exec/derived/row_order.hpp"
#include "runtime/exec/derived/rows.hpp"

namespace tally::runtime {

class Evaluator;
struct Frame;
struct Dataset;

// Evaluates every derived column of table `t` into `derived` (by plan derived index). Row orders
// for previous/next and row aggregates come from `sorts`, or are made and kept there (a row
// aggregate that needs no order takes any sort on its key); indexes of other tables' rows come
// from `indexes` likewise; a sort on an expression that reads a parameter is kept per value of
// `params_key` (what the parameters are for the run). One that depends on the period is computed
// for each of `frames` into `derived_by_frame`.
void materialize(const plan::Plan& plan, const Dataset& data, SortCache& sorts,
                 RowIndexCache& indexes, std::uint32_t t, Evaluator& eval,
                 std::vector<DerivedColumn>& derived,
                 std::vector<std::map<std::size_t, DerivedColumn>>& derived_by_frame,
                 const std::vector<const Frame*>& frames, const std::string& params_key,
                 unsigned threads);

}  // namespace tally::runtime
