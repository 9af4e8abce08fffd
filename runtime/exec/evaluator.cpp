#include "runtime/exec/evaluator.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "runtime/exec/kernels.hpp"

namespace tally::runtime {

namespace {

bool is_indicator_level(NodeOp op) {
  return op == NodeOp::ind_value || op == NodeOp::ind_target || op == NodeOp::ind_benchmark ||
         op == NodeOp::ind_measure || op == NodeOp::ind_lookup;
}

}  // namespace

Evaluator::Evaluator(const EvalInputs& in, std::vector<Issue>& errors)
    : in_(in), errors_(errors), memo_(in.plan.nodes.size()), same_(in.plan.nodes.size()) {
  // Nodes that read the same column (or derived column, or bound of the period or window)
  // compute the same values in a batch, which holds the rows of one table: they share one memo
  // entry.
  std::map<std::pair<NodeOp, std::uint32_t>, NodeId> first;
  for (std::size_t id = 0; id < in.plan.nodes.size(); ++id) {
    const plan::Node& node = in.plan.nodes[id];
    same_[id] = static_cast<NodeId>(id);
    if (node.a != kNone || node.b != kNone || node.c != kNone) continue;
    if (node.op == NodeOp::column || node.op == NodeOp::derived ||
        node.op == NodeOp::period_start || node.op == NodeOp::period_end ||
        node.op == NodeOp::window_start || node.op == NodeOp::window_end)
      same_[id] = first.try_emplace({node.op, node.payload}, static_cast<NodeId>(id)).first->second;
  }
}

const Vec& Evaluator::eval(NodeId id) {
  id = same_[static_cast<std::size_t>(id)];
  Entry& e = memo_[static_cast<std::size_t>(id)];
  const plan::Node& node = in_.plan.nodes[static_cast<std::size_t>(id)];
  const std::size_t frame_id = node.uses_period || is_indicator_level(node.op) ? frame_->id + 1 : 0;
  if (e.batch == batch_ && e.frame == frame_id) return e.value;
  e.value = compute(node);
  e.batch = batch_;
  e.frame = frame_id;
  return e.value;
}

void Evaluator::mask(NodeId id, std::vector<std::uint8_t>& out) {
  if (id == kNone) return;
  const plan::Node& node = in_.plan.nodes[static_cast<std::size_t>(id)];
  if (node.op == NodeOp::and_) {
    // `a and b` holds where both hold: each goes into the mask in turn.
    mask(node.a, out);
    mask(node.b, out);
    return;
  }
  if (node.op == NodeOp::is_known || node.op == NodeOp::is_missing) {
    // `x is known` holds where x is known: its operand's flags, with no vector of its own.
    const Vec& x = eval(node.a);
    if (x.one()) {
      if ((x.known[0] != 0) != (node.op == NodeOp::is_known)) std::fill_n(out.data(), n_, 0);
      return;
    }
    and_known(out.data(), x.known.data(), node.op == NodeOp::is_missing, n_);
    return;
  }
  if (const auto c = comparison_of(node.op)) {
    // A comparison of whole values (day numbers, counts of one scale, text codes compared for
    // equality) goes straight into the mask, with no vector of its own.
    const Vec& a = eval(node.a);
    const Vec& b = eval(node.b);
    const bool text_order = a.kind == Kind::text && orders(*c);
    if (!a.rational && !b.rational && !text_order && a.scale == b.scale && a.kind != Kind::list &&
        b.kind != Kind::list && (!a.one() || !b.one())) {
      and_compare(*c, a, b, out.data(), n_);
      return;
    }
  }
  const Vec& c = eval(id);
  if (c.one()) {
    if (!(c.known[0] && c.v[0])) std::fill_n(out.data(), n_, 0);
    return;
  }
  and_holds(out.data(), c.known.data(), c.v.data(), n_);
}

const Vec& Evaluator::param(std::uint32_t index) const {
  if (!in_.dated || (*in_.dated)[index].empty() || (!frame_ && !in_.as_is))
    return in_.params[index];
  const auto& values = (*in_.dated)[index];
  const Day day = in_.as_is ? *in_.as_is : frame_->period_end;
  // The last value in force from that day or earlier; the first holds before every later one.
  auto it = std::upper_bound(values.begin() + 1, values.end(), day,
                             [](Day d, const std::pair<Day, Vec>& v) { return d < v.first; });
  return std::prev(it)->second;
}

void Evaluator::release() {
  for (Entry& e : memo_) e = Entry{};
}

void Evaluator::fault(const plan::Node& node, std::string message, std::string hint) {
  for (const Issue& e : errors_)
    if (e.span == node.span) return;
  errors_.push_back(Issue::in_expression(node.span, std::move(message), std::move(hint)));
}

Vec Evaluator::compute(const plan::Node& node) {
  switch (node.op) {
    case NodeOp::constant:
      return in_.constants[node.payload];
    case NodeOp::param:
      return param(node.payload);
    case NodeOp::column:
      return column_slice(table_->columns[node.payload], begin_, n_);
    case NodeOp::derived:
      if (in_.plan.derived[node.payload].per_period) return per_frame(node);
      return slice(in_.derived[node.payload], begin_, n_);
    case NodeOp::period_start:
      return date_vec(frame_->period_start);
    case NodeOp::period_end:
      return date_vec(frame_->period_end);
    case NodeOp::window_start:
      return date_vec(frame_->window_start);
    case NodeOp::window_end:
      return date_vec(frame_->window_end);
    case NodeOp::ind_value:
      return rational_vec(frame_->value);
    case NodeOp::ind_target:
      return rational_vec(frame_->target);
    case NodeOp::ind_benchmark:
      return rational_vec(frame_->benchmarks.at(node.payload));
    case NodeOp::ind_measure:
      return rational_vec(node.payload < frame_->measures.size() ? frame_->measures[node.payload]
                                                                 : std::nullopt);
    case NodeOp::ind_lookup:
      return rational_vec(node.payload < frame_->lookups.size() ? frame_->lookups[node.payload]
                                                                : std::nullopt);
    case NodeOp::neg:
      return negate(eval(node.a));
    case NodeOp::abs:
      return absolute(eval(node.a));
    case NodeOp::add:
    case NodeOp::sub:
    case NodeOp::mul:
    case NodeOp::div:
      return arithmetic(node.op, eval(node.a), eval(node.b));
    case NodeOp::eq:
    case NodeOp::ne:
    case NodeOp::lt:
    case NodeOp::le:
    case NodeOp::gt:
    case NodeOp::ge:
      return compare(*comparison_of(node.op), eval(node.a), eval(node.b));
    case NodeOp::and_:
    case NodeOp::or_:
      return logic(node.op, eval(node.a), eval(node.b));
    case NodeOp::not_:
      return negation(eval(node.a));
    case NodeOp::is_known:
    case NodeOp::is_missing:
      return known_test(node.op, eval(node.a));
    case NodeOp::in_range: {
      Vec fast;
      if (fast_range(eval(node.a), eval(node.b), eval(node.c), fast)) return fast;
      Vec lo = compare(Comparison::ge, eval(node.a), eval(node.b));
      Vec hi = compare(Comparison::le, eval(node.a), eval(node.c));
      return logic(NodeOp::and_, lo, hi);
    }
    case NodeOp::in_list:
    case NodeOp::not_in_list:
      return in_list(node, eval(node.a), eval(node.b));
    case NodeOp::date_add_days:
    case NodeOp::date_add_working_days:
    case NodeOp::date_add_months:
      return date_add(node, eval(node.a), eval(node.b));
    case NodeOp::days:
    case NodeOp::working_days:
    case NodeOp::weeks:
    case NodeOp::months:
    case NodeOp::age:
      return between_dates(node, eval(node.a), eval(node.b));
    case NodeOp::active:
      return active(eval(node.a), eval(node.b), eval(node.c));
    case NodeOp::year:
    case NodeOp::financial_year:
      return year_of(node, eval(node.a));
    case NodeOp::coalesce:
      return coalesce(eval(node.a), eval(node.b));
    case NodeOp::if_:
      return choose(eval(node.a), eval(node.b), eval(node.c));
    case NodeOp::least:
    case NodeOp::greatest:
      return extreme(node.op, eval(node.a), eval(node.b));
    case NodeOp::length:
    case NodeOp::upper:
    case NodeOp::lower:
    case NodeOp::trim:
    case NodeOp::starts_with:
    case NodeOp::ends_with:
    case NodeOp::contains:
    case NodeOp::substring:
    case NodeOp::matches:
      return text_function(node);
  }
  return missing_vec(Kind::error);
}

Vec Evaluator::per_frame(const plan::Node& node) {
  if (in_.derived_by_frame && frame_) {
    const auto& columns = (*in_.derived_by_frame)[node.payload];
    if (auto it = columns.find(frame_->id); it != columns.end())
      return slice(it->second, begin_, n_);
  }
  Vec out;
  out.kind = node.type.kind;
  out.resize(n_);
  return out;
}

}  // namespace tally::runtime
