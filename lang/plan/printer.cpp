#include <fmt/format.h>

#include "lang/plan/plan.hpp"

namespace tally::plan {

namespace {

// Whether node `id` reads a column slot at or past `loaded`.
bool reads_past(const Plan& plan, NodeId id, std::size_t loaded) {
  if (id == kNone) return false;
  const Node& n = plan.nodes[static_cast<std::size_t>(id)];
  if (n.op == NodeOp::column) return n.payload >= loaded;
  return reads_past(plan, n.a, loaded) || reads_past(plan, n.b, loaded) ||
         reads_past(plan, n.c, loaded);
}

}  // namespace

const char* node_op_name(NodeOp op) {
  switch (op) {
    case NodeOp::constant:
      return "const";
    case NodeOp::param:
      return "param";
    case NodeOp::column:
      return "column";
    case NodeOp::derived:
      return "derived";
    case NodeOp::period_start:
      return "period.start";
    case NodeOp::period_end:
      return "period.end";
    case NodeOp::window_start:
      return "window.start";
    case NodeOp::window_end:
      return "window.end";
    case NodeOp::ind_value:
      return "value";
    case NodeOp::ind_target:
      return "target";
    case NodeOp::ind_measure:
      return "measure";
    case NodeOp::ind_lookup:
      return "lookup";
    case NodeOp::ind_benchmark:
      return "benchmark";
    case NodeOp::neg:
      return "neg";
    case NodeOp::add:
      return "add";
    case NodeOp::sub:
      return "sub";
    case NodeOp::mul:
      return "mul";
    case NodeOp::div:
      return "div";
    case NodeOp::eq:
      return "eq";
    case NodeOp::ne:
      return "ne";
    case NodeOp::lt:
      return "lt";
    case NodeOp::le:
      return "le";
    case NodeOp::gt:
      return "gt";
    case NodeOp::ge:
      return "ge";
    case NodeOp::and_:
      return "and";
    case NodeOp::or_:
      return "or";
    case NodeOp::not_:
      return "not";
    case NodeOp::date_add_days:
      return "date_add_days";
    case NodeOp::date_add_working_days:
      return "date_add_working_days";
    case NodeOp::date_add_months:
      return "date_add_months";
    case NodeOp::in_list:
      return "in_list";
    case NodeOp::not_in_list:
      return "not_in_list";
    case NodeOp::in_range:
      return "in_range";
    case NodeOp::is_known:
      return "is_known";
    case NodeOp::is_missing:
      return "is_missing";
    case NodeOp::days:
      return "days";
    case NodeOp::working_days:
      return "working_days";
    case NodeOp::weeks:
      return "weeks";
    case NodeOp::months:
      return "months";
    case NodeOp::age:
      return "age";
    case NodeOp::active:
      return "active";
    case NodeOp::coalesce:
      return "coalesce";
    case NodeOp::year:
      return "year";
    case NodeOp::financial_year:
      return "financial_year";
    case NodeOp::abs:
      return "abs";
    case NodeOp::if_:
      return "if";
    case NodeOp::least:
      return "least";
    case NodeOp::greatest:
      return "greatest";
    case NodeOp::length:
      return "length";
    case NodeOp::upper:
      return "upper";
    case NodeOp::lower:
      return "lower";
    case NodeOp::trim:
      return "trim";
    case NodeOp::starts_with:
      return "starts_with";
    case NodeOp::ends_with:
      return "ends_with";
    case NodeOp::contains:
      return "contains";
    case NodeOp::substring:
      return "substring";
    case NodeOp::matches:
      return "matches";
  }
  return "?";
}

const char* agg_op_name(AggOp op) {
  switch (op) {
    case AggOp::count:
      return "count";
    case AggOp::count_distinct:
      return "count distinct";
    case AggOp::sum:
      return "sum";
    case AggOp::mean:
      return "mean";
    case AggOp::median:
      return "median";
    case AggOp::min:
      return "min";
    case AggOp::max:
      return "max";
    case AggOp::headcount:
      return "headcount";
  }
  return "?";
}

const char* rows_op_name(RowsOp op) {
  switch (op) {
    case RowsOp::count:
      return "count";
    case RowsOp::sum:
      return "sum";
    case RowsOp::mean:
      return "mean";
    case RowsOp::min:
      return "min";
    case RowsOp::max:
      return "max";
    case RowsOp::any:
      return "any";
    case RowsOp::exists:
      return "exists";
    case RowsOp::first:
      return "first";
    case RowsOp::last:
      return "last";
    case RowsOp::run_number:
      return "run_number";
  }
  return "?";
}

namespace {
std::string ref(NodeId id) {
  return id == kNone ? "-" : fmt::format("n{}", static_cast<std::int32_t>(id));
}
}  // namespace

std::string print(const Plan& plan) {
  std::string out;
  for (std::size_t t = 0; t < plan.tables.size(); ++t) {
    const TablePlan& tp = plan.tables[t];
    if (!tp.used) continue;
    out += fmt::format("table t{} {} reads {}.csv columns [{}]{}\n", t, tp.schema.name,
                       tp.schema.name, fmt::join(tp.columns, ", "),
                       tp.key ? fmt::format(" key {}", tp.columns[*tp.key]) : "");
  }
  for (std::size_t i = 0; i < plan.params.size(); ++i) {
    out += fmt::format("param p{} {} = {}\n", i, plan.params[i].name,
                       constant_source(plan.params[i].declared));
    for (const DatedConstant& d : plan.params[i].dated)
      out += fmt::format("  from {} = {}{}\n", format_iso(d.from), constant_source(d.value),
                         d.decision.empty() ? "" : " " + quoted(d.decision));
  }
  if (plan.suppression)
    out += fmt::format("suppress counts {} .. {} as \"{}\"{}\n",
                       format_exact(plan.suppression->low), format_exact(plan.suppression->high),
                       plan.suppression->text, plan.suppression->always ? " always" : "");
  // `order by A, B desc` as the derived column orders its rows.
  auto order_of = [&](const Derived& d) {
    if (d.orders.empty()) return ref(d.order);
    std::string order;
    for (std::size_t k = 0; k < d.orders.size(); ++k)
      order += fmt::format("{}{}{}", k ? ", " : "", ref(d.orders[k]),
                           k < d.directions.size() && d.directions[k] == 'd' ? " desc" : "");
    return order;
  };
  for (std::size_t i = 0; i < plan.derived.size(); ++i) {
    const Derived& d = plan.derived[i];
    const char* per_period = d.per_period ? " [per period]" : "";
    if (d.kind == Derived::Kind::rows) {
      const bool as_set = !d.order_given && d.link == kNone &&
                          plan.nodes[static_cast<std::size_t>(d.key)].op == NodeOp::column;
      if (as_set)
        out += fmt::format(
            "derived d{} on t{}: {} of {} per {} where {} (rows as a set: the key "
            "column's index){}\n",
            i, d.table, rows_op_name(d.rows_op), ref(d.value), ref(d.key), ref(d.where),
            per_period);
      else
        out += fmt::format(
            "derived d{} on t{}: {} of {} per {} order by {} while {} where {} "
            "(sort: {}){}\n",
            i, d.table, rows_op_name(d.rows_op), ref(d.value), ref(d.key), order_of(d), ref(d.link),
            ref(d.where), d.signature, per_period);
    } else if (d.kind == Derived::Kind::other_rows) {
      // A condition reading columns past the other table's: this row's, in the pairs of rows.
      const std::size_t theirs = plan.tables[d.target_table].columns.size();
      const std::string pairs =
          reads_past(plan, d.where, theirs)
              ? fmt::format(
                    ", the condition over each pair of this row and a matching row: "
                    "columns #{} on are this row's",
                    theirs)
              : std::string();
      out += fmt::format(
          "derived d{} on t{}: {} of {} over t{} rows whose column {} = {} where "
          "{} (index of t{} column {}{}){}\n",
          i, d.table, rows_op_name(d.rows_op), ref(d.value), d.target_table, d.target_column,
          ref(d.key), ref(d.where), d.target_table, d.target_column, pairs, per_period);
    } else if (d.kind == Derived::Kind::lookup) {
      out += fmt::format("derived d{} on t{}: lookup t{} column {} where key {} = {}\n", i, d.table,
                         d.target_table, d.target_column, d.target_key, ref(d.key));
    } else {
      out +=
          fmt::format("derived d{} on t{}: {} {} per {} order by {} where {} (sort: {}){}\n", i,
                      d.table, d.kind == Derived::Kind::previous ? "previous" : "next",
                      ref(d.value), ref(d.key), order_of(d), ref(d.where), d.signature, per_period);
    }
  }
  for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
    const Node& n = plan.nodes[i];
    std::string args;
    for (NodeId c : {n.a, n.b, n.c})
      if (c != kNone) args += (args.empty() ? "" : ", ") + ref(c);
    std::string extra;
    switch (n.op) {
      case NodeOp::constant:
        extra = " " + constant_source(plan.constants[n.payload]);
        break;
      case NodeOp::param:
        extra = " " + plan.params[n.payload].name;
        break;
      case NodeOp::column:
        extra = fmt::format(" #{}", n.payload);
        break;
      case NodeOp::derived:
        extra = fmt::format(" d{}", n.payload);
        break;
      case NodeOp::ind_benchmark:
      case NodeOp::ind_measure:
      case NodeOp::ind_lookup:
        extra = fmt::format(" #{}", n.payload);
        break;
      default:
        break;
    }
    out += fmt::format("n{} = {}{}{} : {}{}\n", i, node_op_name(n.op),
                       args.empty() ? "" : "(" + args + ")", extra, describe(n.type),
                       n.uses_period ? " [per period]" : "");
  }
  for (const IndicatorPlan& ip : plan.indicators) {
    out += fmt::format("indicator {} on t{} every {}", ip.name, ip.table, cadence_name(ip.cadence));
    if (ip.window == WindowKind::rolling_months)
      out += fmt::format(", window rolling {} months", ip.window_months);
    if (ip.window == WindowKind::year_to_date) out += ", window year to date";
    out += "\n";
    for (const Let& l : ip.lets) out += fmt::format("  let {} = {}\n", l.name, ref(l.node));
    if (ip.where != kNone) out += fmt::format("  where {}\n", ref(ip.where));
    auto agg = [&](const char* what, const AggSpec& a, NodeId where) {
      out += fmt::format("  {} {}({}) where {}\n", what, agg_op_name(a.op), ref(a.operand),
                         ref(where));
    };
    for (std::size_t k = 0; k < ip.measures.size(); ++k)
      agg(fmt::format("measure #{} {} =", k, ip.measures[k].name).c_str(), ip.measures[k].agg,
          ip.measures[k].where);
    for (std::size_t k = 0; k < ip.lookups.size(); ++k)
      out += fmt::format("  lookup #{} t{} column {} where key {} = {} ({})\n", k,
                         ip.lookups[k].table, ip.lookups[k].column, ip.lookups[k].key_column,
                         ref(ip.lookups[k].key), ip.lookups[k].text);
    if (ip.ratio && ip.numerator_expr != kNone) {
      out += fmt::format("  denominator {}\n", ref(ip.denominator_expr));
      out += fmt::format("  numerator {}\n", ref(ip.numerator_expr));
    } else if (ip.value_expr != kNone) {
      out += fmt::format("  value {}\n", ref(ip.value_expr));
    } else if (ip.ratio) {
      agg("denominator", ip.denominator, ip.denominator_where);
      agg("numerator", ip.numerator, ip.numerator_where);
    } else {
      agg("value", ip.value, ip.value_where);
    }
    out += fmt::format("  unit {} x{} decimals {} polarity {}\n", ip.unit_text,
                       format_exact(ip.multiplier), ip.decimals, polarity_name(ip.polarity));
    if (ip.target != kNone) out += fmt::format("  target {}\n", ref(ip.target));
    if (ip.target_low != kNone)
      out += fmt::format("  target {} .. {}\n", ref(ip.target_low), ref(ip.target_high));
    for (const RagRule& r : ip.rag)
      out += fmt::format("  rag {} {}\n", colour_name(r.colour),
                         r.when == kNone ? "otherwise" : "when " + ref(r.when));
    if (ip.has_trend)
      out += fmt::format(
          "  trend {} stable within {}\n",
          ip.trend == TrendKind::previous_period ? "previous period" : "same period last year",
          ref(ip.stable_within));
    for (const Benchmark& b : ip.benchmarks)
      out += fmt::format("  benchmark {} {}\n", b.name, ref(b.value));
    if (ip.by != kNone) out += fmt::format("  by {}\n", ref(ip.by));
  }
  return out;
}

}  // namespace tally::plan
