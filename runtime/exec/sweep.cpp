// execute_sweep, and the quantities a sweep answers its thresholds from.
#include "runtime/exec/sweep.hpp"

#include <algorithm>
#include <map>

#include "runtime/exec/evaluator.hpp"
#include "runtime/exec/executor.hpp"
#include "runtime/exec/figures.hpp"
#include "runtime/exec/jobs.hpp"
#include "runtime/exec/run_state.hpp"
#include "runtime/exec/scan.hpp"

namespace tally::runtime {

void Quantities::collect(const Vec& x, std::size_t i) {
  const std::size_t k = at(x, i);
  if (!x.known[k]) return;
  if (x.rational || !exact_.empty() || (!whole_.empty() && x.scale != scale_)) {
    make_exact();
    exact_.push_back(x.number(k));
    return;
  }
  scale_ = x.scale;
  whole_.push_back(x.v[k]);
}

void Quantities::merge(Quantities&& o) {
  if (o.whole_.empty() && o.exact_.empty()) return;
  if (whole_.empty() && exact_.empty()) {
    *this = std::move(o);
    return;
  }
  if (exact_.empty() && o.exact_.empty() && scale_ == o.scale_) {
    whole_.insert(whole_.end(), o.whole_.begin(), o.whole_.end());
    return;
  }
  make_exact();
  o.make_exact();
  exact_.insert(exact_.end(), o.exact_.begin(), o.exact_.end());
}

void Quantities::sort() {
  std::sort(whole_.begin(), whole_.end());
  std::sort(exact_.begin(), exact_.end());
}

void Quantities::make_exact() {
  for (std::int64_t q : whole_) exact_.push_back(Rational(q) / pow10_i64(scale_));
  whole_.clear();
}

std::int64_t Quantities::count_meeting(Comparison op, const Rational& limit) const {
  std::size_t n, below, not_above;
  if (!exact_.empty()) {
    n = exact_.size();
    below = static_cast<std::size_t>(std::lower_bound(exact_.begin(), exact_.end(), limit) -
                                     exact_.begin());
    not_above = static_cast<std::size_t>(std::upper_bound(exact_.begin(), exact_.end(), limit) -
                                         exact_.begin());
  } else {
    n = whole_.size();
    const std::int64_t d = pow10_i64(scale_);
    below = static_cast<std::size_t>(
        std::partition_point(whole_.begin(), whole_.end(),
                             [&](std::int64_t q) { return Rational(q, d) < limit; }) -
        whole_.begin());
    not_above = static_cast<std::size_t>(
        std::partition_point(whole_.begin(), whole_.end(),
                             [&](std::int64_t q) { return !(limit < Rational(q, d)); }) -
        whole_.begin());
  }
  // Those below the limit, equal to it and above it, as the comparison takes them.
  const ComparisonInfo& c = info(op);
  return static_cast<std::int64_t>((c.below ? below : 0) + (c.equal ? not_above - below : 0) +
                                   (c.above ? n - not_above : 0));
}

namespace {

bool reads_param(const plan::Plan& plan, NodeId id, std::uint32_t param,
                 std::map<NodeId, bool>& memo) {
  if (id == kNone) return false;
  if (auto it = memo.find(id); it != memo.end()) return it->second;
  const plan::Node& n = plan.nodes[static_cast<std::size_t>(id)];
  bool r = n.op == NodeOp::param && n.payload == param;
  if (n.op == NodeOp::derived) {
    const plan::Derived& d = plan.derived[n.payload];
    for (NodeId c : {d.value, d.key, d.order, d.where}) r = r || reads_param(plan, c, param, memo);
  }
  for (NodeId c : {n.a, n.b, n.c}) r = r || reads_param(plan, c, param, memo);
  memo[id] = r;
  return r;
}

// True when the node reads nothing of a row or a period: a constant or parameter expression.
bool row_free(const plan::Plan& plan, NodeId id) {
  if (id == kNone) return true;
  const plan::Node& n = plan.nodes[static_cast<std::size_t>(id)];
  switch (n.op) {
    case NodeOp::constant:
    case NodeOp::param:
      return true;
    case NodeOp::column:
    case NodeOp::derived:
    case NodeOp::period_start:
    case NodeOp::period_end:
    case NodeOp::window_start:
    case NodeOp::window_end:
    case NodeOp::ind_value:
    case NodeOp::ind_target:
    case NodeOp::ind_benchmark:
    case NodeOp::ind_measure:
    case NodeOp::ind_lookup:
      return false;
    default:
      return row_free(plan, n.a) && row_free(plan, n.b) && row_free(plan, n.c);
  }
}

// The thresholds of the chosen indicators (by plan indicator), or nullopt when one reads the
// parameter anywhere but as the limit of one comparison of a counted numerator.
std::optional<std::vector<Threshold>> find_thresholds(const RunState& run,
                                                      const std::vector<std::uint32_t>& chosen,
                                                      std::uint32_t param,
                                                      std::vector<std::uint8_t>& has) {
  const plan::Plan& plan = run.plan;
  std::vector<Threshold> thresholds(plan.indicators.size());
  has.assign(plan.indicators.size(), 0);
  std::map<NodeId, bool> memo;
  auto reads = [&](NodeId id) { return reads_param(plan, id, param, memo); };
  for (std::uint32_t i : chosen) {
    const plan::IndicatorPlan& ind = plan.indicators[i];
    std::vector<NodeId> elsewhere = {ind.where,
                                     ind.denominator_where,
                                     ind.denominator.operand,
                                     ind.numerator.operand,
                                     ind.value_where,
                                     ind.value.operand,
                                     ind.target,
                                     ind.target_low,
                                     ind.target_high,
                                     ind.stable_within,
                                     ind.by};
    for (const plan::RagRule& r : ind.rag) elsewhere.push_back(r.when);
    for (const plan::Benchmark& b : ind.benchmarks) elsewhere.push_back(b.value);
    for (const plan::Measure& m : ind.measures) {
      elsewhere.push_back(m.where);
      elsewhere.push_back(m.agg.operand);
    }
    for (const plan::TableLookup& l : ind.lookups) elsewhere.push_back(l.key);
    for (NodeId id : {ind.numerator_expr, ind.denominator_expr, ind.value_expr})
      elsewhere.push_back(id);
    for (NodeId id : elsewhere)
      if (reads(id)) return std::nullopt;
    if (!reads(ind.numerator_where)) continue;
    // A breakdown's groups are counted as a run counts them.
    if (ind.by != kNone) return std::nullopt;
    if (!ind.ratio || ind.numerator.op != AggregateOp::count) return std::nullopt;
    std::vector<NodeId> parts;
    run.conjuncts(ind.numerator_where, parts);
    Threshold& th = thresholds[i];
    for (NodeId c : parts) {
      if (!reads(c)) {
        th.others.push_back(c);
        continue;
      }
      const plan::Node& n = run.node(c);
      const std::optional<Comparison> op = comparison_of(n.op);
      if (!op || th.limit != kNone) return std::nullopt;
      if (!reads(n.a) && row_free(plan, n.b)) {
        th.quantity = n.a;
        th.limit = n.b;
        th.op = *op;
      } else if (!reads(n.b) && row_free(plan, n.a)) {
        th.quantity = n.b;
        th.limit = n.a;
        th.op = info(*op).mirror;
      } else {
        return std::nullopt;
      }
      const Kind quantity = run.node(th.quantity).type.kind;
      if (quantity != Kind::number && quantity != Kind::date) return std::nullopt;
    }
    has[i] = 1;
  }
  return thresholds;
}

}  // namespace

std::optional<std::vector<RunResult>> execute_sweep(const plan::Plan& plan, const Dataset& data,
                                                    ExecCaches& caches, const RunRequest& request,
                                                    std::uint32_t param,
                                                    const std::vector<Constant>& values,
                                                    std::vector<Issue>& errors) {
  // The swept parameter takes each value on every date.
  RunRequest base = request;
  base.params_replaced.resize(plan.params.size(), 0);
  base.params_replaced[param] = 1;
  RunState run(plan, data, caches, base, errors);
  const std::vector<std::uint32_t> chosen = run.selected();
  // Each indicator either ignores the parameter or reads it only as one threshold of its
  // numerator; otherwise every value needs a run of its own.
  std::vector<std::uint8_t> has;
  const std::optional<std::vector<Threshold>> thresholds = find_thresholds(run, chosen, param, has);
  if (!thresholds) return std::nullopt;
  run.thresholds.assign(plan.indicators.size(), nullptr);
  for (std::size_t i = 0; i < has.size(); ++i)
    if (has[i]) run.thresholds[i] = &(*thresholds)[i];

  Evaluator eval(run.inputs(), errors);
  JobSet set = plan_jobs(plan, request, chosen);
  scan_tables(run, set.jobs, eval);
  for (Job& job : set.jobs) job.quantities.sort();
  std::vector<RunResult> out;
  for (const Constant& value : values) {
    RunRequest one = base;
    one.params[param] = value;
    run.params[param] = constant_vec(value, run.texts);
    // Only the numerators of threshold indicators change from one value to the next.
    for (Job& job : set.jobs) {
      const Threshold* th = run.threshold(job.indicator);
      if (!th) continue;
      eval.start_batch(nullptr, 0, 1);
      eval.set_frame(&job.frame);
      const Vec& limit = eval.eval(th->limit);
      job.num = Aggregate(AggregateOp::count);
      if (limit.known[0]) {
        const Rational t = limit.kind == Kind::date ? Rational(limit.v[0]) : limit.number(0);
        job.num.add_counted(job.quantities.count_meeting(th->op, t));
      }
    }
    out.push_back(figures(run, one, eval, set));
  }
  return out;
}

}  // namespace tally::runtime
