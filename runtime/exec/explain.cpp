// explain: the rows behind one indicator's figure in one period, each with its cells, its lets
// and why the numerator took or left it ("gap 13 days > 10 days").
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "runtime/exec/comparison.hpp"
#include "runtime/exec/evaluator.hpp"
#include "runtime/exec/executor.hpp"
#include "runtime/exec/groups.hpp"
#include "runtime/exec/in_parts.hpp"
#include "runtime/exec/jobs.hpp"
#include "runtime/exec/run_state.hpp"

namespace tally::runtime {

namespace {

// A cell as text for explanations: numbers in their unit ("13 days"), dates ISO, text as is.
std::string cell_text(const Vec& x, std::size_t i, const Type& type, const TextCodes& texts) {
  const std::size_t k = at(x, i);
  if (!x.known[k]) return "missing";
  switch (x.kind) {
    case Kind::boolean:
      return x.v[k] ? "true" : "false";
    case Kind::date:
      return format_iso(static_cast<Day>(x.v[k]));
    case Kind::text:
      return std::string(texts.text(x.v[k]));
    case Kind::number: {
      const Rational shown = x.number(k) / unit_factor(type.unit);
      std::string text = format_exact(shown);
      if (type.unit == Unit::percent) return text + "%";
      if (type.unit != Unit::none) {
        std::string unit = unit_text(type.unit);
        if (shown == 1) unit.pop_back();
        text += " " + unit;
      }
      return text;
    }
    default:
      return "?";
  }
}

struct Explainer {
  const plan::Plan& plan;
  Evaluator& eval;
  const TextCodes& texts;
  const std::function<std::string(Span)>& source;
  std::map<NodeId, std::string> let_names;  // a let's node is named by the let

  std::string src(NodeId id) const {
    if (auto it = let_names.find(id); it != let_names.end()) return it->second;
    return source(plan.nodes[static_cast<std::size_t>(id)].span);
  }
  std::string val(NodeId id, std::size_t i) {
    return cell_text(eval.eval(id), i, plan.nodes[static_cast<std::size_t>(id)].type, texts);
  }
  // Whether the condition holds for row i: 1 true, 0 false, -1 missing.
  int state(NodeId id, std::size_t i) {
    const Vec& v = eval.eval(id);
    const std::size_t k = at(v, i);
    if (!v.known[k]) return -1;
    if (v.rational) return v.r[k] != 0 ? 1 : 0;
    return v.v[k] ? 1 : 0;
  }
  bool is_leaf_value(NodeId id) const {
    const NodeOp op = plan.nodes[static_cast<std::size_t>(id)].op;
    return op == NodeOp::constant;
  }
  // "gap 13 days" or, for a literal, "10 days".
  std::string named(NodeId id, std::size_t i) {
    const std::string v = val(id, i);
    if (is_leaf_value(id)) return v;
    const std::string s = src(id);
    return s == v ? s : s + " " + v;
  }

  // Why condition `id` decided row i the way it did.
  std::string reason(NodeId id, std::size_t i) {
    const plan::Node& n = plan.nodes[static_cast<std::size_t>(id)];
    const int st = state(id, i);
    switch (n.op) {
      case NodeOp::and_: {
        if (st == 1) return reason(n.a, i) + " and " + reason(n.b, i);
        if (state(n.a, i) != 1) return reason(n.a, i);
        return reason(n.b, i);
      }
      case NodeOp::or_: {
        if (st == 1) return state(n.a, i) == 1 ? reason(n.a, i) : reason(n.b, i);
        return reason(n.a, i) + " and " + reason(n.b, i);
      }
      case NodeOp::eq:
      case NodeOp::ne:
      case NodeOp::lt:
      case NodeOp::le:
      case NodeOp::gt:
      case NodeOp::ge: {
        if (st == -1) return missing_side(n, i);
        // As it held: `gap 13 days > 10 days` for a row where `gap <= 10 days` did not.
        const Comparison c = *comparison_of(n.op);
        return fmt::format("{} {} {}", named(n.a, i), info(st == 1 ? c : info(c).opposite).text,
                           named(n.b, i));
      }
      case NodeOp::in_range:
        if (st == -1) return missing_side(n, i);
        if (plan.nodes[static_cast<std::size_t>(n.b)].op == NodeOp::period_start ||
            plan.nodes[static_cast<std::size_t>(n.b)].op == NodeOp::window_start)
          return fmt::format("{} is {} the {}", named(n.a, i), st == 1 ? "in" : "not in",
                             plan.nodes[static_cast<std::size_t>(n.b)].op == NodeOp::period_start
                                 ? "period"
                                 : "window");
        return fmt::format("{} is {} {} and {}", named(n.a, i), st == 1 ? "between" : "not between",
                           val(n.b, i), val(n.c, i));
      case NodeOp::in_list:
      case NodeOp::not_in_list: {
        if (st == -1) return missing_side(n, i);
        const bool inside = (st == 1) == (n.op == NodeOp::in_list);
        return fmt::format("{} is {} {}", named(n.a, i), inside ? "in" : "not in", src(n.b));
      }
      case NodeOp::is_known:
      case NodeOp::is_missing: {
        const Vec& operand = eval.eval(n.a);  // any value, exact numbers among them
        const bool known = operand.known[at(operand, i)] != 0;
        return fmt::format("{} is {}", src(n.a), known ? "known" : "missing");
      }
      case NodeOp::not_:
        if (st == -1) return reason(n.a, i);
        return fmt::format("not ({})", reason(n.a, i));
      case NodeOp::if_: {
        // Which branch decided, and why: a missing condition takes the else branch.
        const int c = state(n.a, i);
        const std::string why = c == -1 ? fmt::format("{} is missing", src(n.a)) : reason(n.a, i);
        return fmt::format("{}, so {}", why, reason(c == 1 ? n.b : n.c, i));
      }
      case NodeOp::matches:
      case NodeOp::starts_with:
      case NodeOp::ends_with:
      case NodeOp::contains: {
        // `UPN O068405655286 does not match "..."`, after the let's name when it is one.
        if (st == -1) return missing_side(n, i);
        const bool yes = st == 1;
        const char* verb = n.op == NodeOp::matches ? (yes ? "matches" : "does not match")
                           : n.op == NodeOp::starts_with
                               ? (yes ? "begins with" : "does not begin with")
                           : n.op == NodeOp::ends_with ? (yes ? "ends with" : "does not end with")
                                                       : (yes ? "contains" : "does not contain");
        const std::string said = fmt::format("{} {} {}", named(n.a, i), verb, src(n.b));
        if (auto it = let_names.find(id); it != let_names.end())
          return fmt::format("{}: {}", it->second, said);
        return said;
      }
      default:
        if (st == -1) return fmt::format("{} is missing", src(id));
        return fmt::format("{} is {}", src(id), st == 1 ? "true" : "false");
    }
  }

  std::string missing_side(const plan::Node& n, std::size_t i) {
    for (NodeId side : {n.a, n.b, n.c}) {
      if (side == kNone) continue;
      const Vec& v = eval.eval(side);
      if (!v.known[at(v, i)]) return fmt::format("{} is missing", src(side));
    }
    return fmt::format("{} is missing", source(n.span));
  }
};

// The measures an indicator-level expression names (their indexes set in `out`).
void measures_named(const plan::Plan& plan, NodeId id, std::vector<std::uint8_t>& out) {
  if (id == kNone) return;
  const plan::Node& n = plan.nodes[static_cast<std::size_t>(id)];
  if (n.op == NodeOp::ind_measure && n.payload < out.size()) out[n.payload] = 1;
  for (NodeId c : {n.a, n.b, n.c}) measures_named(plan, c, out);
}

}  // namespace

ExplainResult explain(const plan::Plan& plan, const Dataset& data, ExecCaches& caches,
                      const RunRequest& request, std::uint32_t indicator, ExplainRows which,
                      std::size_t limit, const std::function<std::string(Span)>& source,
                      std::vector<Issue>& errors) {
  RunState run(plan, data, caches, request, errors);
  Evaluator eval(run.inputs(), errors);
  const plan::IndicatorPlan& ind = plan.indicators[indicator];
  const calendar::Period period = shown_periods(ind, request).back();
  ExplainResult out;
  out.indicator = ind.name;
  out.period_label = calendar::label(period);
  out.table = plan.tables[ind.table].schema.name;
  if (!data.tables[ind.table]) return out;

  Job job = make_job(plan, indicator, period, 0);
  run.frames.push_back(&job.frame);
  // Derived columns of every table this indicator reads.
  for (std::uint32_t t = 0; t < plan.tables.size(); ++t)
    if (data.tables[t]) run.derive(t, eval);

  const Table& table = *data.tables[ind.table];
  Explainer ex{plan, eval, run.texts, source, {}};
  for (const plan::Let& let : ind.lets) ex.let_names.emplace(let.node, let.name);
  std::vector<ExplainRow> failing, passing;
  std::vector<std::uint8_t> base, den, num;
  // A breakdown: each row's group is shown, and --group keeps only that group's rows.
  GroupIndex groups;
  if (request.group) out.group = *request.group;
  std::set<std::string> met;  // the groups of the denominator's rows
  // An indicator of measures: a row is listed when it counts in a measure, and passes when it
  // counts in one the numerator (or the value) names; its reason says which measures it is in.
  const bool of_measures = ind.numerator_expr != kNone || ind.value_expr != kNone;
  std::vector<std::uint8_t> named(ind.measures.size(), 0);
  measures_named(plan, ind.ratio ? ind.numerator_expr : ind.value_expr, named);
  std::vector<std::vector<std::uint8_t>> in_measure(ind.measures.size());
  for (std::size_t begin = 0; begin < table.rows(); begin += kBatch) {
    const std::size_t n = std::min(kBatch, table.rows() - begin);
    eval.start_batch(&table, begin, n);
    eval.set_frame(&job.frame);
    base.assign(n, 1);
    eval.mask(ind.where, base);
    if (of_measures) {
      for (std::size_t k = 0; k < ind.measures.size(); ++k) {
        in_measure[k] = base;
        eval.mask(ind.measures[k].where, in_measure[k]);
      }
      for (std::size_t i = 0; i < n; ++i) {
        std::vector<std::string> in, out_of;
        bool listed = false, passes = false;
        for (std::size_t k = 0; k < ind.measures.size(); ++k) {
          (in_measure[k][i] ? in : out_of).push_back(ind.measures[k].name);
          listed = listed || in_measure[k][i];
          passes = passes || (in_measure[k][i] && named[k]);
        }
        if (!listed) continue;
        ExplainRow row;
        row.line = table.lines[begin + i];
        row.in_numerator = passes;
        for (std::size_t c = 0; c < table.columns.size(); ++c) {
          const Column& col = table.columns[c];
          Vec cell = column_slice(col, begin + i, 1);
          row.values.emplace_back(col.name, cell_text(cell, 0, Type{cell.kind}, run.texts));
        }
        for (const plan::Let& let : ind.lets)
          row.values.emplace_back(let.name, ex.val(let.node, i));
        row.reason = fmt::format("in {}", fmt::join(in, ", "));
        if (!out_of.empty()) row.reason += fmt::format("; not in {}", fmt::join(out_of, ", "));
        (row.in_numerator ? passing : failing).push_back(std::move(row));
      }
      continue;
    }
    den = base;
    eval.mask(ind.ratio ? ind.denominator_where : ind.value_where, den);
    num = den;
    if (ind.ratio) eval.mask(ind.numerator_where, num);
    const NodeId operand = ind.ratio ? ind.numerator.operand : ind.value.operand;
    const std::vector<std::uint32_t>* group =
        ind.by == kNone ? nullptr : &groups.assign(eval.eval(ind.by), n, GroupIndex::kAlways);
    for (std::size_t i = 0; i < n; ++i) {
      if (!den[i]) continue;
      std::string label;
      if (group) {
        label = group_label(groups.keys()[(*group)[i]], run.texts);
        met.insert(label);
      }
      if (request.group && label != *request.group) continue;
      if (!ind.ratio && operand != kNone && !eval.eval(operand).known[at(eval.eval(operand), i)])
        continue;
      ExplainRow row;
      row.line = table.lines[begin + i];
      row.in_numerator = num[i] != 0;
      for (std::size_t c = 0; c < table.columns.size(); ++c) {
        const Column& col = table.columns[c];
        Vec cell = column_slice(col, begin + i, 1);
        row.values.emplace_back(col.name, cell_text(cell, 0, Type{cell.kind}, run.texts));
      }
      for (const plan::Let& let : ind.lets) row.values.emplace_back(let.name, ex.val(let.node, i));
      if (group) row.values.emplace_back("by " + ind.by_text, label);
      if (!ind.ratio && operand != kNone)
        row.values.emplace_back(ex.src(operand), ex.val(operand, i));
      if (ind.ratio && ind.numerator_where != kNone) row.reason = ex.reason(ind.numerator_where, i);
      (row.in_numerator ? passing : failing).push_back(std::move(row));
    }
  }
  // A group no row of the period is in is most likely a misspelt one: say which there are.
  if (request.group && ind.by != kNone && !met.empty() && !met.count(*request.group)) {
    Issue e;
    e.message = fmt::format("no row of `{}` in {} is in the group `{}` of `by {}`", ind.name,
                            request.period_label, *request.group, ind.by_text);
    e.hint = fmt::format("the groups in this period are: {}", fmt::join(met, ", "));
    e.span = plan.nodes[static_cast<std::size_t>(ind.by)].span;  // the breakdown it names
    errors.push_back(std::move(e));
  }
  if (which != ExplainRows::passing)
    for (auto& r : failing) out.rows.push_back(std::move(r));
  if (which != ExplainRows::failing)
    for (auto& r : passing) out.rows.push_back(std::move(r));
  if (!ind.ratio && which == ExplainRows::failing) out.rows = std::move(passing);  // value rows
  if (limit > 0 && out.rows.size() > limit) out.rows.resize(limit);
  return out;
}

}  // namespace tally::runtime
