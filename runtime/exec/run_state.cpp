#include "runtime/exec/run_state.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <thread>

#include "runtime/exec/derived/materialize.hpp"

namespace tally::runtime {

namespace {

ExecCaches& caches_for(ExecCaches& caches, const Dataset& data) {
  if (caches.data != &data) {
    caches = ExecCaches{};
    caches.data = &data;
  }
  return caches;
}

}  // namespace

RunState::RunState(const plan::Plan& plan_, const Dataset& data_, ExecCaches& caches_,
                   const RunRequest& request_, std::vector<Issue>& errors_)
    : plan(plan_),
      data(data_),
      request(request_),
      sorts(caches_for(caches_, data_).sorts),
      caches(caches_),
      errors(errors_),
      texts(data_.pool, caches_.constant_texts) {
  for (const Constant& c : plan.constants) constants.push_back(constant_vec(c, texts));
  for (std::size_t i = 0; i < plan.params.size(); ++i) {
    const Constant& c = i < request.params.size() ? request.params[i] : plan.params[i].declared;
    params.push_back(constant_vec(c, texts));
    params_key += "|" + constant_source(c);
  }
  dated.resize(plan.params.size());
  for (std::size_t i = 0; i < plan.params.size(); ++i) {
    const bool replaced = i < request.params_replaced.size() && request.params_replaced[i] != 0;
    if (plan.params[i].dated.empty() || replaced) continue;
    dated[i].emplace_back(std::numeric_limits<Day>::min(), params[i]);
    for (const DatedConstant& d : plan.params[i].dated) {
      dated[i].emplace_back(d.from, constant_vec(d.value, texts));
      params_key += fmt::format("|{} from {}", constant_source(d.value), d.from);
    }
  }
  if (request.params_as_is) params_key += fmt::format("|as is on {}", *request.params_as_is);
  derived.resize(plan.derived.size());
  derived_by_frame.resize(plan.derived.size());
}

unsigned RunState::threads() const {
  if (request.threads > 0) return request.threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

std::vector<std::uint32_t> RunState::selected() const {
  std::vector<std::uint32_t> out = request.indicators;
  if (out.empty())
    for (std::uint32_t i = 0; i < plan.indicators.size(); ++i)
      if (plan.indicators[i].selected_by_default) out.push_back(i);
  return out;
}

void RunState::conjuncts(NodeId id, std::vector<NodeId>& out) const {
  if (id == kNone) return;
  if (node(id).op == NodeOp::and_) {
    conjuncts(node(id).a, out);
    conjuncts(node(id).b, out);
  } else {
    out.push_back(id);
  }
}

void RunState::derive(std::uint32_t t, Evaluator& eval) {
  materialize(plan, data, sorts, caches.row_indexes, t, eval, derived, derived_by_frame, frames,
              params_key, threads());
}

}  // namespace tally::runtime
