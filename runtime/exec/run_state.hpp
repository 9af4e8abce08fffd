// What one run shares between the rooms of runtime/exec: the plan, the data and the request it
// reads, the caller's caches it may add to, the constants and parameters as vectors, the derived
// columns, and (for a sweep) each indicator's threshold.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "runtime/column/issue.hpp"
#include "runtime/exec/derived/derived_column.hpp"
#include "runtime/exec/derived/row_order.hpp"
#include "runtime/exec/evaluator.hpp"
#include "runtime/exec/executor.hpp"
#include "runtime/exec/sweep.hpp"
#include "runtime/exec/texts.hpp"
#include "runtime/exec/vector.hpp"

namespace tally::runtime {

struct RunState {
  // Codes the constants and parameters, constant text through `caches`, which it takes for
  // `data` (dropping what they held for another dataset).
  RunState(const plan::Plan& plan, const Dataset& data, ExecCaches& caches,
           const RunRequest& request, std::vector<Issue>& errors);
  RunState(const RunState&) = delete;
  RunState& operator=(const RunState&) = delete;

  const plan::Plan& plan;
  const Dataset& data;
  const RunRequest& request;
  SortCache& sorts;
  ExecCaches& caches;  // the caller's, for what runs over the same data share (date reach)
  std::vector<Issue>& errors;
  TextCodes texts;
  std::vector<Vec> params, constants;
  // By parameter: its dated values for the run (EvalInputs::dated), empty for one value.
  std::vector<std::vector<std::pair<Day, Vec>>> dated;
  // What the parameters' values are for the run, as a key of the sorts that read them.
  std::string params_key;
  std::vector<DerivedColumn> derived;  // by plan derived index
  // Derived columns that depend on the period: by plan derived index, then frame id.
  std::vector<std::map<std::size_t, DerivedColumn>> derived_by_frame;
  std::vector<const Frame*> frames;          // the frames the run evaluates, for those
  std::vector<const Threshold*> thresholds;  // by plan indicator, for sweeps

  EvalInputs inputs() const {
    return EvalInputs{
        plan, texts, params, constants, derived, &derived_by_frame, &dated, request.params_as_is};
  }
  // Threads to evaluate on: as asked, or one per core.
  unsigned threads() const;
  const Threshold* threshold(std::uint32_t indicator) const {
    return indicator < thresholds.size() ? thresholds[indicator] : nullptr;
  }
  // The plan indicators to run: as asked, or those selected by default.
  std::vector<std::uint32_t> selected() const;
  const plan::Node& node(NodeId id) const { return plan.nodes[static_cast<std::size_t>(id)]; }
  // The conditions `id` joins with `and`, in order (`id` itself when it is no `and`).
  void conjuncts(NodeId id, std::vector<NodeId>& out) const;
  // Computes the derived columns of table t.
  void derive(std::uint32_t t, Evaluator& eval);
};

}  // namespace tally::runtime
