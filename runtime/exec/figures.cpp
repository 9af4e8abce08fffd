#include "runtime/exec/figures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <utility>

namespace tally::runtime {

namespace {

Rational abs_r(const Rational& r) { return r < 0 ? Rational(-r) : r; }

// One indicator-level expression (target, rag rule, benchmark) in the evaluator's frame.
std::optional<Rational> scalar(Evaluator& eval, NodeId id) {
  if (id == kNone) return std::nullopt;
  const Vec& v = eval.eval(id);
  if (!v.known[0]) return std::nullopt;
  return v.number(0);
}

bool holds(Evaluator& eval, NodeId id) {
  const Vec& v = eval.eval(id);
  return v.known[0] && v.v[0];
}

// An aggregate's figure in the job's frame: a headcount is its rows' active days over the
// window's days.
std::optional<Rational> figure_of(Aggregate& agg, const Frame& frame) {
  std::optional<Rational> v = agg.finalize();
  if (agg.op() == AggregateOp::headcount && v)
    v = Rational(*v / (std::int64_t{frame.window_end} - frame.window_start + 1));
  return v;
}

// A measure's figure: a count (and a headcount) of no rows is 0, any other aggregate of no
// values is missing, as a `value` is.
std::optional<Rational> measure_of(Aggregate& agg, const Frame& frame) {
  const AggregateOp op = agg.op();
  if (op == AggregateOp::count || op == AggregateOp::count_distinct ||
      op == AggregateOp::headcount || !agg.empty())
    return figure_of(agg, frame);
  return std::nullopt;
}

// The exact number in cell i of a number column.
Rational cell_number(const Column& c, std::size_t i) {
  return Rational(BigInt(c.data[i]), pow10(c.scale));
}

// The indicator's lookups of another table by an indicator-level key, into the job's frame;
// a note says which key no row has.
void lookups_of(const RunState& run, const plan::IndicatorPlan& ind, Job& job, Evaluator& eval,
                std::string& note) {
  job.frame.lookups.assign(ind.lookups.size(), std::nullopt);
  for (std::size_t k = 0; k < ind.lookups.size(); ++k) {
    const plan::TableLookup& l = ind.lookups[k];
    eval.start_batch(nullptr, 0, 1);
    eval.set_frame(&job.frame);
    const Vec& key = eval.eval(l.key);
    const std::string& table_name = run.plan.tables[l.table].schema.name;
    const Table* table = l.table < run.data.tables.size() && run.data.tables[l.table]
                             ? &*run.data.tables[l.table]
                             : nullptr;
    if (!key.known[0] || !table) {
      if (note.empty()) note = fmt::format("`{}` has no key in this period", l.text);
      continue;
    }
    const Column& keys = table->columns[l.key_column];
    const Column& values = table->columns[l.column];
    const bool number = key.kind == Kind::number;
    const std::optional<Rational> wanted =
        number ? std::optional<Rational>(key.number(0)) : std::nullopt;
    std::optional<std::size_t> row;
    for (std::size_t i = 0; i < keys.data.size() && !row; ++i) {
      if (!keys.validity.known(i)) continue;
      if (number ? cell_number(keys, i) == *wanted : keys.data[i] == key.v[0]) row = i;
    }
    if (!row) {
      if (note.empty())
        note = fmt::format("no row of `{}` has the key {} (for `{}`)", table_name,
                           number ? format_exact(*wanted) : std::string("of this period"), l.text);
      continue;
    }
    if (values.validity.known(*row) &&
        (values.type == ColumnType::integer || values.type == ColumnType::decimal)) {
      job.frame.lookups[k] = cell_number(values, *row);
    } else if (note.empty()) {
      note = fmt::format("the row of `{}` for `{}` has no value", table_name, l.text);
    }
  }
}

// Numerator, denominator or value written as arithmetic of measures: the measures' figures and
// the lookups go into the frame, and each expression is evaluated exactly over them.
void measure_figures(const RunState& run, const plan::IndicatorPlan& ind, Job& job,
                     std::vector<Aggregate>& measures, Evaluator& eval, PeriodResult& r) {
  job.frame.measures.clear();
  bool any_missing = false;
  for (Aggregate& m : measures) {
    job.frame.measures.push_back(measure_of(m, job.frame));
    any_missing = any_missing || !job.frame.measures.back();
  }
  std::string lookup_note;
  lookups_of(run, ind, job, eval, lookup_note);
  eval.start_batch(nullptr, 0, 1);
  eval.set_frame(&job.frame);
  auto missing_note = [&](const char* what) {
    if (!lookup_note.empty()) return lookup_note;
    if (any_missing) return std::string("a measure has no rows with a value in this period");
    return fmt::format("the {} divides by 0 in this period", what);
  };
  if (ind.ratio) {
    r.numerator = scalar(eval, ind.numerator_expr);
    r.denominator = scalar(eval, ind.denominator_expr);
    if (r.denominator && *r.denominator == 0) {
      r.note = "the denominator is 0 in this period";
    } else if (!r.denominator) {
      r.note = missing_note("denominator");
    } else if (!r.numerator) {
      r.note = missing_note("numerator");
    } else {
      r.value = Rational(*r.numerator / *r.denominator * ind.multiplier);
    }
  } else {
    r.value = scalar(eval, ind.value_expr);
    if (!r.value) r.note = missing_note("value");
  }
}

// The figures of one job (or one group of it, from its aggregates and measures): numerator,
// denominator, value, target, benchmarks and colour.
PeriodResult aggregate_figures(const RunState& run, const plan::IndicatorPlan& ind, Job& job,
                               Aggregate& den, Aggregate& num, Aggregate& value,
                               std::vector<Aggregate>& measures, Evaluator& eval) {
  PeriodResult r;
  r.period = job.period;
  if (ind.numerator_expr != kNone || ind.value_expr != kNone) {
    measure_figures(run, ind, job, measures, eval, r);
  } else if (ind.ratio) {
    r.numerator = figure_of(num, job.frame);
    r.denominator = figure_of(den, job.frame);
    if (!r.denominator || *r.denominator == 0) {
      r.note = "the denominator is 0: no rows to measure in this period";
    } else if (r.numerator) {
      r.value = Rational(*r.numerator / *r.denominator * ind.multiplier);
    }
  } else {
    // A value over no rows is missing, as SQL's SUM and AVG are; a count of no rows is 0.
    const bool counts = value.op() == AggregateOp::count ||
                        value.op() == AggregateOp::count_distinct ||
                        value.op() == AggregateOp::headcount;
    if (counts || !value.empty()) r.value = figure_of(value, job.frame);
    if (!r.value) r.note = "no rows with a value in this period";
  }
  eval.start_batch(nullptr, 0, 1);
  job.frame.value = r.value;
  eval.set_frame(&job.frame);
  r.target = scalar(eval, ind.target);
  r.target_low = scalar(eval, ind.target_low);
  r.target_high = scalar(eval, ind.target_high);
  job.frame.target = r.target;
  for (const plan::Benchmark& b : ind.benchmarks) r.benchmarks.push_back(scalar(eval, b.value));
  job.frame.benchmarks = r.benchmarks;
  if (r.value) {
    eval.start_batch(nullptr, 0, 1);
    for (const plan::RagRule& rule : ind.rag) {
      if (rule.when == kNone || holds(eval, rule.when)) {
        r.rag = rule.colour == plan::Colour::red     ? Rag::red
                : rule.colour == plan::Colour::amber ? Rag::amber
                                                     : Rag::green;
        break;
      }
    }
  }
  return r;
}

// The figures of one job, with its groups in the order they are shown.
PeriodResult job_figures(const RunState& run, const plan::IndicatorPlan& ind, Job& job,
                         Evaluator& eval) {
  const TextCodes& texts = run.texts;
  std::vector<std::pair<GroupKey, GroupResult>> groups;
  for (std::uint32_t g = 0; g < job.groups.size(); ++g) {
    GroupAggs& a = job.groups[g];
    if (a.rows == 0) continue;  // met only on rows outside the denominator
    GroupResult gr;
    const GroupKey& key = job.index->keys()[g];
    gr.label = group_label(key, texts);
    gr.kind = key.kind;
    gr.missing = key.missing;
    gr.figures = aggregate_figures(run, ind, job, a.den, a.num, a.value, a.measures, eval);
    groups.emplace_back(key, std::move(gr));
  }
  std::sort(groups.begin(), groups.end(),
            [&](const auto& a, const auto& b) { return shown_before(a.first, b.first, texts); });
  // The total last, so that the frame holds its value and target.
  PeriodResult r =
      aggregate_figures(run, ind, job, job.den, job.num, job.value, job.measures, eval);
  for (auto& [key, gr] : groups) r.groups.push_back(std::move(gr));
  return r;
}

// The direction of travel from `before` to `r` (both with values).
Trend trend_of(const plan::IndicatorPlan& ind, const PeriodResult& r, const PeriodResult& before,
               const Rational& change, Evaluator& eval) {
  Rational tolerance = 0;
  eval.start_batch(nullptr, 0, 1);
  if (auto t = scalar(eval, ind.stable_within)) tolerance = abs_r(*t);
  if (ind.polarity == plan::Polarity::range && r.target_low && r.target_high) {
    auto distance = [&](const Rational& v) -> Rational {
      if (v < *r.target_low) return *r.target_low - v;
      if (v > *r.target_high) return v - *r.target_high;
      return 0;
    };
    const Rational d_now = distance(*r.value), d_before = distance(*before.value);
    if (abs_r(change) <= tolerance || d_now == d_before) return Trend::stable;
    return d_now < d_before ? Trend::improving : Trend::deteriorating;
  }
  if (abs_r(change) <= tolerance) return Trend::stable;
  if (ind.polarity == plan::Polarity::neutral) return change > 0 ? Trend::up : Trend::down;
  const bool up = change > 0;
  return up == (ind.polarity != plan::Polarity::lower) ? Trend::improving : Trend::deteriorating;
}

// The date column that places the indicator's rows in periods: a condition `C in period` (or
// `C in window`) among its filters, C a date column of its table. None when no such test decides.
struct Deciding {
  bool found = false;
  std::uint32_t column = 0;
  bool window = false;
};
Deciding deciding_column(const RunState& run, const plan::IndicatorPlan& ind) {
  std::vector<NodeId> all;
  run.conjuncts(ind.where, all);
  run.conjuncts(ind.ratio ? ind.denominator_where : ind.value_where, all);
  for (NodeId c : all) {
    const plan::Node& r = run.node(c);
    if (r.op != NodeOp::in_range) continue;
    const plan::Node& a = run.node(r.a);
    if (a.op != NodeOp::column || a.type.kind != Kind::date) continue;
    const NodeOp lo = run.node(r.b).op, hi = run.node(r.c).op;
    if (lo == NodeOp::period_start && hi == NodeOp::period_end)
      return Deciding{true, a.payload, false};
    if (lo == NodeOp::window_start && hi == NodeOp::window_end)
      return Deciding{true, a.payload, true};
  }
  return Deciding{};
}

// The first and last known dates of a column, worked out once per column and dataset (the
// caller's caches keep them for every run over the same data).
std::optional<std::pair<Day, Day>> date_reach(const RunState& run, std::uint32_t table,
                                              std::uint32_t column) {
  auto [it, added] = run.caches.date_reach.try_emplace({table, column});
  if (!added) return it->second;
  const Column& c = run.data.tables[table]->columns[column];
  std::optional<std::pair<Day, Day>>& r = it->second;
  for (std::size_t i = 0; i < c.data.size(); ++i) {
    if (!c.validity.known(i)) continue;
    const Day d = static_cast<Day>(c.data[i]);
    if (!r) r = std::make_pair(d, d);
    r->first = std::min(r->first, d);
    r->second = std::max(r->second, d);
  }
  return r;
}

// The coverage of [from, to] by data reaching over `reach` and no later than `as_at`; none when
// they cover it all.
std::optional<Coverage> coverage_of(Day from, Day to, std::optional<std::pair<Day, Day>> reach,
                                    std::optional<Day> as_at) {
  Coverage c;
  c.from = from;
  c.to = to;
  c.days = to - from + 1;
  if (reach) {
    c.first = reach->first;
    c.last = reach->second;
  }
  // The data reach from their first date to their last, or to the extract's date when it is
  // given: an extract taken on 5 July covers June even when its last visit fell on 27 June.
  const Day first = reach ? reach->first : to + 1;
  const Day last = as_at ? *as_at : reach ? reach->second : from - 1;
  if (first <= from && last >= to) return std::nullopt;
  c.covered_days = std::max<std::int64_t>(0, std::min(last, to) - std::max(first, from) + 1);
  return c;
}

// Every parameter with dated values for the run that the indicator reads, in its clauses or the
// derived columns they use, in plan order.
std::vector<std::uint32_t> dated_params_read(const RunState& run, const plan::IndicatorPlan& ind) {
  std::vector<std::uint8_t> reads(run.plan.params.size(), 0);
  bool any = false;
  for (const auto& d : run.dated) any = any || !d.empty();
  if (!any) return {};
  std::vector<std::uint8_t> seen(run.plan.nodes.size(), 0);
  std::vector<NodeId> todo = {ind.where,
                              ind.denominator_where,
                              ind.denominator.operand,
                              ind.numerator_where,
                              ind.numerator.operand,
                              ind.value_where,
                              ind.value.operand,
                              ind.target,
                              ind.target_low,
                              ind.target_high,
                              ind.stable_within};
  for (const plan::Let& l : ind.lets) todo.push_back(l.node);
  for (const plan::Measure& m : ind.measures) {
    todo.push_back(m.where);
    todo.push_back(m.agg.operand);
  }
  for (const plan::TableLookup& l : ind.lookups) todo.push_back(l.key);
  for (NodeId e : {ind.numerator_expr, ind.denominator_expr, ind.value_expr, ind.by})
    todo.push_back(e);
  for (const plan::RagRule& r : ind.rag) todo.push_back(r.when);
  for (const plan::Benchmark& b : ind.benchmarks) todo.push_back(b.value);
  while (!todo.empty()) {
    const NodeId id = todo.back();
    todo.pop_back();
    if (id == kNone || seen[static_cast<std::size_t>(id)]) continue;
    seen[static_cast<std::size_t>(id)] = 1;
    const plan::Node& n = run.node(id);
    if (n.op == NodeOp::param && !run.dated[n.payload].empty()) reads[n.payload] = 1;
    if (n.op == NodeOp::derived) {
      const plan::Derived& d = run.plan.derived[n.payload];
      for (NodeId c : {d.value, d.key, d.order, d.where, d.link}) todo.push_back(c);
      for (NodeId c : d.orders) todo.push_back(c);
    }
    for (NodeId c : {n.a, n.b, n.c}) todo.push_back(c);
  }
  std::vector<std::uint32_t> out;
  for (std::uint32_t i = 0; i < reads.size(); ++i)
    if (reads[i]) out.push_back(i);
  return out;
}

// The values of `params` that applied to a period ending on `end`.
std::vector<AppliedParam> applied(const plan::Plan& plan, const std::vector<std::uint32_t>& params,
                                  Day end, const RunRequest& request) {
  std::vector<AppliedParam> out;
  const Day day = request.params_as_is ? *request.params_as_is : end;
  for (std::uint32_t i : params) {
    const plan::ParamSlot& p = plan.params[i];
    AppliedParam a{p.name, constant_display(p.declared), std::nullopt, ""};
    for (const DatedConstant& d : p.dated) {
      if (d.from > day) break;
      a = AppliedParam{p.name, constant_display(d.value), d.from, d.decision};
    }
    out.push_back(std::move(a));
  }
  std::sort(out.begin(), out.end(),
            [](const AppliedParam& x, const AppliedParam& y) { return x.name < y.name; });
  return out;
}

}  // namespace

RunResult figures(const RunState& run, const RunRequest& request, Evaluator& eval, JobSet& set) {
  const plan::Plan& plan = run.plan;
  std::vector<PeriodResult> per_job;
  per_job.reserve(set.jobs.size());
  for (Job& job : set.jobs)
    per_job.push_back(job_figures(run, plan.indicators[job.indicator], job, eval));

  RunResult result;
  result.period_label = request.period_label;
  for (std::uint32_t i : set.chosen) {
    const plan::IndicatorPlan& ind = plan.indicators[i];
    IndicatorResult ir;
    ir.plan = &ind;
    ir.by = ind.by_text;
    const Deciding deciding = run.data.tables[ind.table] ? deciding_column(run, ind) : Deciding{};
    const std::vector<std::uint32_t> dated = dated_params_read(run, ind);
    for (const calendar::Period& p : shown_periods(ind, request)) {
      const std::size_t j = set.job_of.at({i, p.start});
      PeriodResult r = per_job[j];
      if (deciding.found) {
        const Frame& f = set.jobs[j].frame;
        r.coverage = coverage_of(deciding.window ? f.window_start : f.period_start,
                                 deciding.window ? f.window_end : f.period_end,
                                 date_reach(run, ind.table, deciding.column), request.as_at);
        if (r.coverage) {
          r.coverage->table = plan.tables[ind.table].schema.name;
          r.coverage->column = plan.tables[ind.table].columns[deciding.column];
        }
      }
      if (!dated.empty())
        r.parameters = applied(plan, dated, set.jobs[j].frame.period_end, request);
      if (ind.has_trend) {
        // The tolerance is the one in force for this period.
        eval.set_frame(&set.jobs[j].frame);
        const calendar::Period c = comparator(ind, p);
        const PeriodResult& before = per_job[set.job_of.at({i, c.start})];
        if (r.value && before.value) {
          const Rational change = *r.value - *before.value;
          r.change = change;
          r.before = BeforeFigures{before.numerator, before.denominator, before.value};
          r.trend = trend_of(ind, r, before, change, eval);
        }
        // Each group against the same group in the comparator period.
        for (GroupResult& g : r.groups) {
          const PeriodResult* then = nullptr;
          for (const GroupResult& b : before.groups)
            if (b.missing == g.missing && b.label == g.label) then = &b.figures;
          if (!then || !g.figures.value || !then->value) continue;
          const Rational change = *g.figures.value - *then->value;
          g.figures.change = change;
          g.figures.before = BeforeFigures{then->numerator, then->denominator, then->value};
          g.figures.trend = trend_of(ind, g.figures, *then, change, eval);
        }
      }
      ir.results.push_back(std::move(r));
    }
    result.indicators.push_back(std::move(ir));
  }
  const Dataset& data = run.data;
  for (std::size_t t = 0; t < plan.tables.size(); ++t) {
    if (!data.tables[t]) continue;
    result.tables.push_back(
        TableInfo{plan.tables[t].schema.name, data.tables[t]->rows(), data.tables[t]->rejected});
  }
  std::sort(result.tables.begin(), result.tables.end(),
            [](const TableInfo& a, const TableInfo& b) { return a.name < b.name; });
  return result;
}

}  // namespace tally::runtime
