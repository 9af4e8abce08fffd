#include "runtime/exec/executor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <exception>
#include <functional>
#include <chrono>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <thread>
#include <unordered_map>

#include "lang/base/scale.hpp"
#include "runtime/calendar/working_days.hpp"
#include "runtime/column/parallel_load.hpp"
#include "runtime/exec/in_parts.hpp"
#include "runtime/exec/derived/radix_sort.hpp"
#include "runtime/exec/aggregate.hpp"
#include "runtime/exec/comparison.hpp"
#include "runtime/exec/evaluator.hpp"
#include "runtime/exec/kernels.hpp"
#include "runtime/exec/vector.hpp"
#include "runtime/exec/derived/materialize.hpp"

namespace tally::runtime {

namespace {

calendar::Cadence cadence_of(ast::Cadence c) {
  switch (c) {
    case ast::Cadence::month: return calendar::Cadence::month;
    case ast::Cadence::quarter: return calendar::Cadence::quarter;
    case ast::Cadence::year: return calendar::Cadence::year;
  }
  return calendar::Cadence::quarter;
}

// One (indicator, period) being accumulated.
struct Job {
  std::uint32_t indicator = 0;
  Frame frame;
  calendar::Period period;
  Aggregate den, num, value;
  // Sweeps: the compared quantity of every row that meets the numerator's other conditions,
  // sorted once; every threshold is then answered by a binary search.
  std::vector<std::int64_t> quantities;
  int quantity_scale = 0;
  std::vector<Rational> exact_quantities;

  // The same indicator and period with nothing accumulated yet.
  Job fresh() const {
    Job job;
    job.indicator = indicator;
    job.frame = frame;
    job.period = period;
    job.den = Aggregate(den.op());
    job.num = Aggregate(num.op());
    job.value = Aggregate(value.op());
    return job;
  }

  // Adds what `o` (a fresh() copy) accumulated over other rows.
  void merge(Job&& o) {
    den.merge(std::move(o.den));
    num.merge(std::move(o.num));
    value.merge(std::move(o.value));
    if (o.quantities.empty() && o.exact_quantities.empty()) return;
    if (quantities.empty() && exact_quantities.empty()) {
      quantities = std::move(o.quantities);
      quantity_scale = o.quantity_scale;
      exact_quantities = std::move(o.exact_quantities);
      return;
    }
    if (exact_quantities.empty() && o.exact_quantities.empty() && quantity_scale == o.quantity_scale) {
      quantities.insert(quantities.end(), o.quantities.begin(), o.quantities.end());
      return;
    }
    make_exact();
    o.make_exact();
    exact_quantities.insert(exact_quantities.end(), o.exact_quantities.begin(), o.exact_quantities.end());
  }

  void make_exact() {
    for (std::int64_t q : quantities) exact_quantities.push_back(Rational(q) / pow10_i64(quantity_scale));
    quantities.clear();
  }

  void collect(const Vec& x, std::size_t i) {
    const std::size_t k = at(x, i);
    if (!x.known[k]) return;  // a missing quantity meets no threshold
    if (x.rational || !exact_quantities.empty() ||
        (!quantities.empty() && x.scale != quantity_scale)) {
      make_exact();
      exact_quantities.push_back(x.number(k));
      return;
    }
    quantity_scale = x.scale;
    quantities.push_back(x.v[k]);
  }

  // How many collected quantities q satisfy `q op limit`.
  std::int64_t count_meeting(NodeOp op, const Rational& limit) const {
    std::size_t n, below, not_above;
    if (!exact_quantities.empty()) {
      n = exact_quantities.size();
      below = static_cast<std::size_t>(std::lower_bound(exact_quantities.begin(), exact_quantities.end(), limit) -
                                       exact_quantities.begin());
      not_above = static_cast<std::size_t>(std::upper_bound(exact_quantities.begin(), exact_quantities.end(), limit) -
                                           exact_quantities.begin());
    } else {
      n = quantities.size();
      const std::int64_t d = pow10_i64(quantity_scale);
      below = static_cast<std::size_t>(
          std::partition_point(quantities.begin(), quantities.end(),
                               [&](std::int64_t q) { return Rational(q, d) < limit; }) - quantities.begin());
      not_above = static_cast<std::size_t>(
          std::partition_point(quantities.begin(), quantities.end(),
                               [&](std::int64_t q) { return !(limit < Rational(q, d)); }) - quantities.begin());
    }
    switch (op) {
      case NodeOp::lt: return static_cast<std::int64_t>(below);
      case NodeOp::le: return static_cast<std::int64_t>(not_above);
      case NodeOp::gt: return static_cast<std::int64_t>(n - not_above);
      case NodeOp::ge: return static_cast<std::int64_t>(n - below);
      case NodeOp::eq: return static_cast<std::int64_t>(not_above - below);
      default: return static_cast<std::int64_t>(n - (not_above - below));
    }
  }
};

// A numerator condition `quantity op limit` where only `limit` reads the swept parameter.
struct Threshold {
  NodeId quantity = kNone;
  NodeId limit = kNone;
  NodeOp op = NodeOp::le;
  std::vector<NodeId> others;  // the numerator's other conditions
};

double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

Rational abs_r(const Rational& r) { return r < 0 ? Rational(-r) : r; }

}  // namespace

Dataset load_dataset(const plan::Plan& plan, const std::filesystem::path& data_dir,
                     const LoadOptions& options) {
  Dataset data;
  data.tables.resize(plan.tables.size());
  // The used tables, loaded at once; results, errors and warnings in table order.
  std::vector<TableRequest> requests;
  std::vector<std::size_t> table_of;
  for (std::size_t t = 0; t < plan.tables.size(); ++t) {
    const plan::TablePlan& tp = plan.tables[t];
    if (!tp.used) continue;
    requests.push_back({&tp.schema, tp.columns, data_dir / (tp.schema.name + ".csv")});
    table_of.push_back(t);
  }
  ParallelOptions parallel;
  parallel.threads = options.threads;
  std::vector<LoadResult> loaded = load_tables(requests, data.pool, options, parallel);
  for (std::size_t k = 0; k < loaded.size(); ++k) {
    LoadResult& r = loaded[k];
    for (auto& e : r.errors) data.errors.push_back(std::move(e));
    for (auto& w : r.warnings) data.warnings.push_back(std::move(w));
    if (r.table) data.tables[table_of[k]] = std::move(*r.table);
  }
  return data;
}

std::vector<calendar::Period> shown_periods(const plan::IndicatorPlan& ind, const RunRequest& request) {
  const calendar::Cadence cadence = cadence_of(ind.cadence);
  calendar::Period last;
  if (request.period.cadence) {
    // The period asked for, seen at this indicator's cadence: the one holding its last day.
    const calendar::Period asked = calendar::resolve(request.period, *request.period.cadence);
    last = calendar::period_containing(cadence, asked.end);
  } else {
    last = calendar::period_containing(cadence, request.period.day);
  }
  const int history = request.history > 0 ? request.history : 2;
  std::vector<calendar::Period> out;
  for (int k = history - 1; k >= 0; --k) out.push_back(calendar::shift(last, -k));
  return out;
}

namespace {

calendar::Window window_of(const plan::IndicatorPlan& ind, const calendar::Period& p) {
  switch (ind.window) {
    case ast::WindowKind::rolling_months: return calendar::rolling_months(p, ind.window_months);
    case ast::WindowKind::year_to_date: return calendar::year_to_date(p);
    case ast::WindowKind::period: break;
  }
  return calendar::Window{p.start, p.end};
}

calendar::Period comparator(const plan::IndicatorPlan& ind, const calendar::Period& p) {
  return ind.trend == ast::TrendKind::previous_period ? calendar::shift(p, -1)
                                                      : calendar::same_period_last_year(p);
}

struct Engine {
  const plan::Plan& plan;
  Dataset& data;
  const RunRequest& request;
  std::vector<Issue>& errors;
  StringPool constant_texts;  // constant texts no cell holds
  TextCodes texts;
  std::vector<Vec> params, constants;
  std::vector<DerivedColumn> derived;
  std::vector<const Threshold*> thresholds;  // by plan indicator, for sweeps

  EvalInputs inputs() const { return EvalInputs{plan, texts, params, constants, derived}; }

  unsigned threads() const {
    if (request.threads > 0) return request.threads;
    return std::max(1u, std::thread::hardware_concurrency());
  }

  const Threshold* threshold(std::uint32_t indicator) const {
    return indicator < thresholds.size() ? thresholds[indicator] : nullptr;
  }

  Engine(const plan::Plan& p, Dataset& d, const RunRequest& r, std::vector<Issue>& e)
      : plan(p), data(d), request(r), errors(e), texts(d.pool, constant_texts) {
    for (const check::Constant& c : plan.constants) constants.push_back(constant_vec(c, texts));
    for (std::size_t i = 0; i < plan.params.size(); ++i) {
      const check::Constant& c = i < request.params.size() ? request.params[i] : plan.params[i].declared;
      params.push_back(constant_vec(c, texts));
    }
    derived.resize(plan.derived.size());
  }

  std::vector<std::uint32_t> selected() const {
    std::vector<std::uint32_t> out = request.indicators;
    if (out.empty())
      for (std::uint32_t i = 0; i < plan.indicators.size(); ++i)
        if (plan.indicators[i].selected_by_default) out.push_back(i);
    return out;
  }

  // Evaluates one indicator-level expression (target, rag rule, benchmark) in a frame.
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

  // Fills jobs for every table in one pass over its rows.
  const plan::Node& node(NodeId id) const { return plan.nodes[static_cast<std::size_t>(id)]; }

  void conjuncts(NodeId id, std::vector<NodeId>& out) const {
    if (id == kNone) return;
    if (node(id).op == NodeOp::and_) {
      conjuncts(node(id).a, out);
      conjuncts(node(id).b, out);
    } else {
      out.push_back(id);
    }
  }

  // std::lower_bound (or upper_bound) of a day in sorted days, looked up in a table by day: rows
  // are placed in their periods without a search. Days spread over more than 2^22 fall back to
  // searching.
  class Ranks {
   public:
    Ranks() = default;
    Ranks(const std::vector<Day>& days, bool upper) : days_(days), upper_(upper) {
      if (days.empty() || days.back() - days.front() >= (1 << 22)) return;
      from_ = days.front();
      at_.resize(static_cast<std::size_t>(days.back() - days.front()) + 1);
      for (std::size_t i = 0; i < at_.size(); ++i) at_[i] = static_cast<std::uint32_t>(search(from_ + static_cast<Day>(i)));
    }
    std::size_t operator()(Day d) const {
      if (at_.empty()) return search(d);
      if (d < from_) return 0;
      const auto i = static_cast<std::size_t>(d - from_);
      return i < at_.size() ? at_[i] : days_.size();
    }

   private:
    std::size_t search(Day d) const {
      const auto it = upper_ ? std::upper_bound(days_.begin(), days_.end(), d)
                             : std::lower_bound(days_.begin(), days_.end(), d);
      return static_cast<std::size_t>(it - days_.begin());
    }
    std::vector<Day> days_;
    bool upper_ = false;
    Day from_ = 0;
    std::vector<std::uint32_t> at_;
  };

  // An indicator whose rows fall into periods by one date: `X in period` (or `in window`)
  // among conditions that do not depend on the period. Its rows are then evaluated once per
  // batch and each is added to the periods whose bounds hold its date, instead of evaluating
  // every condition once per period.
  //
  // Likewise `active(S, E, P)` where P is a bound of the period or window: a row then counts in
  // every job whose P lies in [S, E), or from S on when E is missing.
  struct Buckets {
    bool ok = false;
    bool active = false;
    NodeId anchor = kNone;      // the date that places a row: X of `in`, S of `active`
    NodeId until = kNone;       // E of `active`
    std::vector<NodeId> rest;   // the other conditions of where and denominator/value where
    std::vector<std::size_t> jobs;  // sorted by lower bound (`active`: by P)
    std::vector<Day> lo, hi;        // `in`: each job's bounds; `active`: P in lo
    Ranks lo_lower, lo_upper, hi_lower;

    // `in`: each day from `first_day` (the least lower bound) to the greatest upper bound, with
    // the positions of the jobs that hold it, [span_first, span_last); a day outside is in none.
    Day first_day = 0;
    std::vector<std::uint32_t> span_first, span_last;

    void rank() {
      lo_lower = Ranks(lo, false);
      lo_upper = Ranks(lo, true);
      hi_lower = Ranks(hi, false);
      if (active || lo.empty() || hi.back() - lo.front() >= (1 << 22)) return;
      const auto days = static_cast<std::size_t>(hi.back() - lo.front()) + 1;
      std::vector<std::uint32_t> firsts(days), lasts(days);
      for (std::size_t k = 0; k < days; ++k) {
        const auto [first, last] = span(lo.front() + static_cast<Day>(k), std::nullopt);
        firsts[k] = static_cast<std::uint32_t>(first);
        lasts[k] = static_cast<std::uint32_t>(last);
      }
      first_day = lo.front();
      span_first = std::move(firsts);
      span_last = std::move(lasts);
    }

    // The jobs, as positions in `jobs`, that a row with anchor d (and `active`'s end, when
    // known) falls in.
    std::pair<std::size_t, std::size_t> span(Day d, const std::optional<Day>& end) const {
      if (active) {
        const std::size_t first = lo_lower(d);
        return {first, end ? std::max(first, lo_lower(*end)) : lo.size()};
      }
      if (!span_first.empty()) {
        const auto k = static_cast<std::uint64_t>(static_cast<std::int64_t>(d) - first_day);
        if (k >= span_first.size()) return {0, 0};  // before the first period or after the last
        return {span_first[k], span_last[k]};
      }
      // The first job whose upper bound reaches d, to the last whose lower bound does.
      const std::size_t first = hi_lower(d);
      return {first, std::max(first, lo_upper(d))};
    }
  };

  // The period bound a node reads, when it is one.
  static std::optional<Day> bound_of(NodeOp op, const Frame& f) {
    switch (op) {
      case NodeOp::period_start: return f.period_start;
      case NodeOp::period_end: return f.period_end;
      case NodeOp::window_start: return f.window_start;
      case NodeOp::window_end: return f.window_end;
      default: return std::nullopt;
    }
  }

  Buckets buckets(std::uint32_t indicator, const std::vector<Job>& jobs) const {
    const plan::IndicatorPlan& ind = plan.indicators[indicator];
    Buckets b;
    std::vector<NodeId> all;
    conjuncts(ind.where, all);
    conjuncts(ind.ratio ? ind.denominator_where : ind.value_where, all);
    NodeId range = kNone;
    for (NodeId c : all) {
      if (!node(c).uses_period) {
        b.rest.push_back(c);
        continue;
      }
      if (range != kNone) return {};
      range = c;
    }
    if (range == kNone) return {};
    const plan::Node& r = node(range);
    for (NodeId other : {ind.numerator_where, ind.numerator.operand, ind.denominator.operand, ind.value.operand})
      if (other != kNone && node(other).uses_period) return {};
    if (r.op == NodeOp::active) {
      // active(S, E, P): S and E dates of the row, P a bound of the period.
      if (node(r.a).uses_period || node(r.b).uses_period || node(r.a).type.kind != Kind::date ||
          node(r.b).type.kind != Kind::date || !bound_of(node(r.c).op, Frame{}))
        return {};
      b.active = true;
      b.anchor = r.a;
      b.until = r.b;
      for (std::size_t j = 0; j < jobs.size(); ++j)
        if (jobs[j].indicator == indicator) b.jobs.push_back(j);
      const NodeOp at = node(r.c).op;
      auto point = [&](std::size_t j) { return *bound_of(at, jobs[j].frame); };
      std::sort(b.jobs.begin(), b.jobs.end(), [&](std::size_t x, std::size_t y) { return point(x) < point(y); });
      for (std::size_t j : b.jobs) b.lo.push_back(point(j));
      b.rank();
      b.ok = true;
      return b;
    }
    if (r.op != NodeOp::in_range || node(r.a).uses_period) return {};
    const NodeOp lo_op = node(r.b).op, hi_op = node(r.c).op;
    const bool period = lo_op == NodeOp::period_start && hi_op == NodeOp::period_end;
    const bool window = lo_op == NodeOp::window_start && hi_op == NodeOp::window_end;
    if (!period && !window) return {};
    if (node(r.a).type.kind != Kind::date) return {};
    b.anchor = r.a;
    for (std::size_t j = 0; j < jobs.size(); ++j)
      if (jobs[j].indicator == indicator) b.jobs.push_back(j);
    auto low = [&](std::size_t j) { return window ? jobs[j].frame.window_start : jobs[j].frame.period_start; };
    auto high = [&](std::size_t j) { return window ? jobs[j].frame.window_end : jobs[j].frame.period_end; };
    std::sort(b.jobs.begin(), b.jobs.end(), [&](std::size_t x, std::size_t y) { return low(x) < low(y); });
    for (std::size_t j : b.jobs) {
      b.lo.push_back(low(j));
      b.hi.push_back(high(j));
    }
    // Upper bounds must rise with lower bounds for the search below (equal-length windows).
    for (std::size_t k = 1; k < b.hi.size(); ++k)
      if (b.hi[k] < b.hi[k - 1]) return {};
    b.rank();
    b.ok = true;
    return b;
  }

  // Fills jobs for every table in one pass over its rows.
  void accumulate(std::vector<Job>& jobs, Evaluator& eval) {
    for (std::uint32_t t = 0; t < plan.tables.size(); ++t) {
      if (!data.tables[t]) continue;
      bool wanted = false;
      for (const Job& j : jobs) wanted = wanted || plan.indicators[j.indicator].table == t;
      bool needed_by_lookup = false;
      for (const plan::Derived& d : plan.derived) needed_by_lookup = needed_by_lookup || d.table == t;
      if (!wanted && !needed_by_lookup) continue;
      const auto derive_start = std::chrono::steady_clock::now();
      materialize(plan, data, data.sorts, t, eval, derived, request.params, threads());
      const auto evaluate_start = std::chrono::steady_clock::now();
      if (!wanted) continue;
      const Table& table = *data.tables[t];
      // Indicators evaluated by buckets, and the jobs left to evaluate period by period.
      std::vector<Buckets> bucketed;
      std::vector<std::uint8_t> in_bucket(jobs.size(), 0);
      std::vector<std::uint8_t> seen(plan.indicators.size(), 0);
      for (const Job& job : jobs) {
        if (plan.indicators[job.indicator].table != t || seen[job.indicator]) continue;
        seen[job.indicator] = 1;
        Buckets b = buckets(job.indicator, jobs);
        if (!b.ok) continue;
        for (std::size_t j : b.jobs) in_bucket[j] = 1;
        bucketed.push_back(std::move(b));
      }
      // Big tables in one stretch of rows per thread, each with its own evaluator and
      // accumulators; the later stretches' are then added to the first's in row order, which
      // gives the figures one pass would.
      const std::size_t rows = table.rows();
      const unsigned parts = rows < kParallelRows ? 1 : threads();
      if (parts == 1) {
        accumulate_rows(t, 0, rows, jobs, eval, bucketed, in_bucket);
      } else {
        std::vector<std::size_t> bounds(parts + 1, rows);
        for (unsigned p = 0; p < parts; ++p) bounds[p] = batch_boundary(rows * p / parts, rows);
        std::vector<std::vector<Job>> other_jobs(parts - 1);
        std::vector<std::vector<Issue>> other_errors(parts - 1);
        std::vector<std::unique_ptr<Evaluator>> other_evals;
        for (unsigned p = 1; p < parts; ++p) {
          for (const Job& job : jobs) other_jobs[p - 1].push_back(job.fresh());
          other_evals.push_back(std::make_unique<Evaluator>(inputs(), other_errors[p - 1]));
        }
        in_parts(parts, [&](unsigned p) {
          if (p == 0) accumulate_rows(t, bounds[0], bounds[1], jobs, eval, bucketed, in_bucket);
          else accumulate_rows(t, bounds[p], bounds[p + 1], other_jobs[p - 1], *other_evals[p - 1], bucketed, in_bucket);
        });
        for (unsigned p = 1; p < parts; ++p) {
          for (std::size_t j = 0; j < jobs.size(); ++j) jobs[j].merge(std::move(other_jobs[p - 1][j]));
          for (Issue& e : other_errors[p - 1]) {
            bool seen_span = false;
            for (const Issue& have : errors) seen_span = seen_span || have.span == e.span;
            if (!seen_span) errors.push_back(std::move(e));
          }
        }
      }
      if (request.timings)
        request.timings->push_back(TableTiming{
            plan.tables[t].schema.name, seconds_between(derive_start, evaluate_start),
            seconds_between(evaluate_start, std::chrono::steady_clock::now())});
    }
  }

  // Adds rows [from, to) of table t to the jobs that read it.
  void accumulate_rows(std::uint32_t t, std::size_t from, std::size_t to, std::vector<Job>& jobs,
                       Evaluator& eval, const std::vector<Buckets>& bucketed,
                       const std::vector<std::uint8_t>& in_bucket) {
    const Table& table = *data.tables[t];
    static const Frame none_frame;
    std::vector<std::uint8_t> base, den, num;
    // Bucketed indicators that only count rows (the usual `count where ...` over `count where
    // ...`) add to plain counters per period here, and to their jobs once at the end.
    std::vector<std::vector<std::int64_t>> den_counts(bucketed.size()), num_counts(bucketed.size());
    std::vector<std::uint8_t> counting(bucketed.size(), 0);
    for (std::size_t bi = 0; bi < bucketed.size(); ++bi) {
      const std::uint32_t indicator = jobs[bucketed[bi].jobs.front()].indicator;
      const plan::IndicatorPlan& ind = plan.indicators[indicator];
      counting[bi] = ind.ratio ? ind.denominator.op == ast::Op::count && ind.numerator.op == ast::Op::count &&
                                     !threshold(indicator)
                               : ind.value.op == ast::Op::count;
      if (!counting[bi]) continue;
      den_counts[bi].assign(bucketed[bi].jobs.size(), 0);
      num_counts[bi].assign(bucketed[bi].jobs.size(), 0);
    }
    for (std::size_t begin = from; begin < to; begin += kBatch) {
      const std::size_t n = std::min(kBatch, to - begin);
      eval.start_batch(&table, begin, n);
      for (std::size_t bi = 0; bi < bucketed.size(); ++bi) {
        const Buckets& b = bucketed[bi];
        const plan::IndicatorPlan& ind = plan.indicators[jobs[b.jobs.front()].indicator];
        eval.set_frame(&none_frame);
        den.assign(n, 1);
        for (NodeId c : b.rest) eval.mask(c, den);
        const Vec& anchor = eval.eval(b.anchor);
        const Vec* until = b.active ? &eval.eval(b.until) : nullptr;
        num = den;
        const Vec* den_operand = nullptr;
        const Vec* num_operand = nullptr;
        const Threshold* th = threshold(jobs[b.jobs.front()].indicator);
        const Vec* quantity = nullptr;
        if (th) {
          for (NodeId c : th->others) eval.mask(c, num);
          quantity = &eval.eval(th->quantity);
          if (ind.denominator.operand != kNone) den_operand = &eval.eval(ind.denominator.operand);
        } else if (ind.ratio) {
          eval.mask(ind.numerator_where, num);
          if (ind.denominator.operand != kNone) den_operand = &eval.eval(ind.denominator.operand);
          if (ind.numerator.operand != kNone) num_operand = &eval.eval(ind.numerator.operand);
        } else if (ind.value.operand != kNone) {
          den_operand = &eval.eval(ind.value.operand);
        }
        // Calls f(i, first, last) for each row of the denominator with the positions in b.jobs
        // of the periods that hold it.
        auto each_placed = [&](auto f) {
          for (std::size_t i = 0; i < n; ++i) {
            const std::size_t k = at(anchor, i);
            if (!den[i] || !anchor.known[k]) continue;
            std::optional<Day> end;
            if (until && until->known[at(*until, i)]) end = static_cast<Day>(until->v[at(*until, i)]);
            const auto [first, last] = b.span(static_cast<Day>(anchor.v[k]), end);
            f(i, first, last);
          }
        };
        if (counting[bi] && !b.span_first.empty() && !anchor.one()) {
          // The usual count over count by a date in period: a loop of its own over the rows,
          // with each day's periods looked up.
          std::int64_t* dc = den_counts[bi].data();
          std::int64_t* nc = num_counts[bi].data();
          const std::int64_t* day = anchor.v.data();
          const std::uint8_t* known = anchor.known.data();
          const std::uint8_t* in_den = den.data();
          const std::uint8_t* in_num = num.data();
          const std::uint32_t* first = b.span_first.data();
          const std::uint32_t* last = b.span_last.data();
          const std::uint64_t days = b.span_first.size();
          const std::int64_t first_day = b.first_day;
          for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t k = static_cast<std::uint64_t>(day[i] - first_day);
            if (!(in_den[i] & known[i]) || k >= days) continue;
            for (std::uint32_t q = first[k]; q < last[k]; ++q) {
              ++dc[q];
              nc[q] += in_num[i];
            }
          }
          continue;
        }
        if (counting[bi]) {
          std::int64_t* dc = den_counts[bi].data();
          std::int64_t* nc = num_counts[bi].data();
          each_placed([&](std::size_t i, std::size_t first, std::size_t last) {
            for (std::size_t q = first; q < last; ++q) {
              ++dc[q];
              nc[q] += num[i];
            }
          });
          continue;
        }
        each_placed([&](std::size_t i, std::size_t first, std::size_t last) {
          for (std::size_t q = first; q < last; ++q) {
            Job& job = jobs[b.jobs[q]];
            if (ind.ratio) {
              job.den.add_row(den_operand, i);
              if (quantity) {
                if (num[i]) job.collect(*quantity, i);
              } else if (num[i]) {
                job.num.add_row(num_operand, i);
              }
            } else {
              job.value.add_row(den_operand, i);
            }
          }
        });
      }
      for (std::size_t j = 0; j < jobs.size(); ++j) {
        Job& job = jobs[j];
        const plan::IndicatorPlan& ind = plan.indicators[job.indicator];
        if (ind.table != t || in_bucket[j]) continue;
        eval.set_frame(&job.frame);
        base.assign(n, 1);
        eval.mask(ind.where, base);
        if (ind.ratio) {
          den = base;
          eval.mask(ind.denominator_where, den);
          job.den.add(ind.denominator.operand != kNone ? &eval.eval(ind.denominator.operand) : nullptr, den, n);
          num = den;
          if (const Threshold* th = threshold(job.indicator)) {
            for (NodeId c : th->others) eval.mask(c, num);
            const Vec& quantity = eval.eval(th->quantity);
            for (std::size_t i = 0; i < n; ++i)
              if (num[i]) job.collect(quantity, i);
          } else {
            eval.mask(ind.numerator_where, num);
            job.num.add(ind.numerator.operand != kNone ? &eval.eval(ind.numerator.operand) : nullptr, num, n);
          }
        } else {
          eval.mask(ind.value_where, base);
          job.value.add(ind.value.operand != kNone ? &eval.eval(ind.value.operand) : nullptr, base, n);
        }
      }
    }
    for (std::size_t bi = 0; bi < bucketed.size(); ++bi) {
      if (!counting[bi]) continue;
      for (std::size_t q = 0; q < bucketed[bi].jobs.size(); ++q) {
        Job& job = jobs[bucketed[bi].jobs[q]];
        if (plan.indicators[job.indicator].ratio) {
          job.den.add_counted(den_counts[bi][q]);
          job.num.add_counted(num_counts[bi][q]);
        } else {
          job.value.add_counted(den_counts[bi][q]);
        }
      }
    }
  }
};

Job make_job(const plan::Plan& plan, std::uint32_t indicator, const calendar::Period& p,
             std::size_t frame_id) {
  const plan::IndicatorPlan& ind = plan.indicators[indicator];
  Job job;
  job.indicator = indicator;
  job.period = p;
  const calendar::Window w = window_of(ind, p);
  job.frame.id = frame_id;
  job.frame.period_start = p.start;
  job.frame.period_end = p.end;
  job.frame.window_start = w.start;
  job.frame.window_end = w.end;
  job.den = Aggregate(ind.denominator.op);
  job.num = Aggregate(ind.numerator.op);
  job.value = Aggregate(ind.value.op);
  return job;
}

}  // namespace

namespace {

// Every (indicator, period) to compute: the periods shown and their trend comparators.
struct JobSet {
  std::vector<std::uint32_t> chosen;
  std::vector<Job> jobs;
  std::map<std::pair<std::uint32_t, Day>, std::size_t> job_of;
};

JobSet plan_jobs(const plan::Plan& plan, const RunRequest& request, std::vector<std::uint32_t> chosen) {
  JobSet set;
  set.chosen = std::move(chosen);
  std::vector<Job>& jobs = set.jobs;
  auto& job_of = set.job_of;
  auto want = [&](std::uint32_t i, const calendar::Period& p) {
    const auto key = std::make_pair(i, p.start);
    if (job_of.count(key)) return;
    job_of[key] = jobs.size();
    jobs.push_back(make_job(plan, i, p, jobs.size()));
  };
  for (std::uint32_t i : set.chosen) {
    const plan::IndicatorPlan& ind = plan.indicators[i];
    for (const calendar::Period& p : shown_periods(ind, request)) {
      want(i, p);
      if (ind.has_trend) want(i, comparator(ind, p));
    }
  }
  return set;
}

// Figures, colours and trends from accumulated jobs.
RunResult finish(const plan::Plan& plan, Dataset& data, const RunRequest& request, Engine& engine,
                 Evaluator& eval, JobSet& set) {
  std::vector<Job>& jobs = set.jobs;
  const auto& job_of = set.job_of;
  const auto& chosen = set.chosen;
  // Figures, colours and trends, once per indicator and period.
  std::vector<PeriodResult> figures(jobs.size());
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    Job& job = jobs[j];
    const plan::IndicatorPlan& ind = plan.indicators[job.indicator];
    PeriodResult& r = figures[j];
    r.period = job.period;
    r.window = calendar::Window{job.frame.window_start, job.frame.window_end};
    if (ind.ratio) {
      r.numerator = job.num.finalize();
      r.denominator = job.den.finalize();
      if (!r.denominator || *r.denominator == 0) {
        r.note = "the denominator is 0: no rows to measure in this period";
      } else if (r.numerator) {
        r.value = Rational(*r.numerator / *r.denominator * ind.multiplier);
      }
    } else {
      // A value over no rows is missing, as SQL's SUM and AVG are; a count of no rows is 0.
      const bool counts = job.value.op() == AggregateOp::count || job.value.op() == AggregateOp::count_distinct;
      if (counts || !job.value.empty()) r.value = job.value.finalize();
      if (!r.value) r.note = "no rows with a value in this period";
    }
    eval.start_batch(nullptr, 0, 1);
    job.frame.value = r.value;
    eval.set_frame(&job.frame);
    r.target = engine.scalar(eval, ind.target);
    r.target_low = engine.scalar(eval, ind.target_low);
    r.target_high = engine.scalar(eval, ind.target_high);
    job.frame.target = r.target;
    for (const plan::Benchmark& b : ind.benchmarks) r.benchmarks.push_back(engine.scalar(eval, b.value));
    job.frame.benchmarks = r.benchmarks;
    if (r.value) {
      eval.start_batch(nullptr, 0, 1);
      for (const plan::RagRule& rule : ind.rag) {
        if (rule.when == kNone || engine.holds(eval, rule.when)) {
          r.rag = rule.colour == ast::Colour::red     ? Rag::red
                  : rule.colour == ast::Colour::amber ? Rag::amber
                                                      : Rag::green;
          break;
        }
      }
    }
  }

  RunResult result;
  result.period_label = request.period_label;
  for (std::uint32_t i : chosen) {
    const plan::IndicatorPlan& ind = plan.indicators[i];
    IndicatorResult ir;
    ir.plan = &ind;
    for (const calendar::Period& p : shown_periods(ind, request)) {
      PeriodResult r = figures[job_of.at({i, p.start})];
      if (ind.has_trend) {
        const calendar::Period c = comparator(ind, p);
        const PeriodResult& before = figures[job_of.at({i, c.start})];
        r.comparator = calendar::label(c);
        if (r.value && before.value) {
          const Rational change = *r.value - *before.value;
          r.change = change;
          Rational tolerance = 0;
          eval.start_batch(nullptr, 0, 1);
          if (auto t = engine.scalar(eval, ind.stable_within)) tolerance = abs_r(*t);
          if (ind.polarity == ast::Polarity::range && r.target_low && r.target_high) {
            auto distance = [&](const Rational& v) -> Rational {
              if (v < *r.target_low) return *r.target_low - v;
              if (v > *r.target_high) return v - *r.target_high;
              return 0;
            };
            const Rational d_now = distance(*r.value), d_before = distance(*before.value);
            if (abs_r(change) <= tolerance || d_now == d_before) r.trend = Trend::stable;
            else r.trend = d_now < d_before ? Trend::improving : Trend::deteriorating;
          } else if (abs_r(change) <= tolerance) {
            r.trend = Trend::stable;
          } else {
            const bool up = change > 0;
            r.trend = (up == (ind.polarity != ast::Polarity::lower)) ? Trend::improving
                                                                      : Trend::deteriorating;
          }
        }
      }
      ir.results.push_back(std::move(r));
    }
    result.indicators.push_back(std::move(ir));
  }
  for (std::size_t t = 0; t < plan.tables.size(); ++t) {
    if (!data.tables[t]) continue;
    result.tables.push_back(TableInfo{plan.tables[t].schema.name, data.tables[t]->file,
                                      data.tables[t]->rows(), data.tables[t]->rejected});
  }
  std::sort(result.tables.begin(), result.tables.end(),
            [](const TableInfo& a, const TableInfo& b) { return a.name < b.name; });
  return result;
}

}  // namespace

RunResult execute(const plan::Plan& plan, Dataset& data, const RunRequest& request,
                  std::vector<Issue>& errors) {
  Engine engine(plan, data, request, errors);
  Evaluator eval(engine.inputs(), errors);
  JobSet set = plan_jobs(plan, request, engine.selected());
  engine.accumulate(set.jobs, eval);
  return finish(plan, data, request, engine, eval, set);
}

namespace {

bool reads_param(const plan::Plan& plan, NodeId id, std::uint32_t param, std::map<NodeId, bool>& memo) {
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
    case NodeOp::param: return true;
    case NodeOp::column:
    case NodeOp::derived:
    case NodeOp::period_start:
    case NodeOp::period_end:
    case NodeOp::window_start:
    case NodeOp::window_end:
    case NodeOp::ind_value:
    case NodeOp::ind_target:
    case NodeOp::ind_benchmark: return false;
    default: return row_free(plan, n.a) && row_free(plan, n.b) && row_free(plan, n.c);
  }
}

NodeOp flipped(NodeOp op) {
  switch (op) {
    case NodeOp::lt: return NodeOp::gt;
    case NodeOp::le: return NodeOp::ge;
    case NodeOp::gt: return NodeOp::lt;
    case NodeOp::ge: return NodeOp::le;
    default: return op;
  }
}

}  // namespace

std::optional<std::vector<RunResult>> execute_sweep(const plan::Plan& plan, Dataset& data,
                                                    const RunRequest& request, std::uint32_t param,
                                                    const std::vector<check::Constant>& values,
                                                    std::vector<Issue>& errors) {
  Engine engine(plan, data, request, errors);
  const std::vector<std::uint32_t> chosen = engine.selected();
  // Each indicator either ignores the parameter or reads it only as one threshold of its
  // numerator; otherwise every value needs a run of its own.
  std::vector<Threshold> thresholds(plan.indicators.size());
  engine.thresholds.assign(plan.indicators.size(), nullptr);
  std::map<NodeId, bool> memo;
  auto reads = [&](NodeId id) { return reads_param(plan, id, param, memo); };
  for (std::uint32_t i : chosen) {
    const plan::IndicatorPlan& ind = plan.indicators[i];
    std::vector<NodeId> elsewhere = {ind.where, ind.denominator_where, ind.denominator.operand,
                                     ind.numerator.operand, ind.value_where, ind.value.operand,
                                     ind.target, ind.target_low, ind.target_high, ind.stable_within};
    for (const plan::RagRule& r : ind.rag) elsewhere.push_back(r.when);
    for (const plan::Benchmark& b : ind.benchmarks) elsewhere.push_back(b.value);
    for (NodeId id : elsewhere)
      if (reads(id)) return std::nullopt;
    if (!reads(ind.numerator_where)) continue;
    if (!ind.ratio || ind.numerator.op != ast::Op::count) return std::nullopt;
    std::vector<NodeId> parts;
    engine.conjuncts(ind.numerator_where, parts);
    Threshold& th = thresholds[i];
    for (NodeId c : parts) {
      if (!reads(c)) {
        th.others.push_back(c);
        continue;
      }
      const plan::Node& n = plan.nodes[static_cast<std::size_t>(c)];
      const bool comparison = n.op == NodeOp::lt || n.op == NodeOp::le || n.op == NodeOp::gt ||
                              n.op == NodeOp::ge || n.op == NodeOp::eq || n.op == NodeOp::ne;
      if (!comparison || th.limit != kNone) return std::nullopt;
      if (!reads(n.a) && row_free(plan, n.b)) {
        th.quantity = n.a;
        th.limit = n.b;
        th.op = n.op;
      } else if (!reads(n.b) && row_free(plan, n.a)) {
        th.quantity = n.b;
        th.limit = n.a;
        th.op = flipped(n.op);
      } else {
        return std::nullopt;
      }
      if (plan.nodes[static_cast<std::size_t>(th.quantity)].type.kind != Kind::number &&
          plan.nodes[static_cast<std::size_t>(th.quantity)].type.kind != Kind::date)
        return std::nullopt;
    }
    engine.thresholds[i] = &th;
  }

  Evaluator eval(engine.inputs(), errors);
  JobSet set = plan_jobs(plan, request, chosen);
  engine.accumulate(set.jobs, eval);
  for (Job& job : set.jobs) {
    std::sort(job.quantities.begin(), job.quantities.end());
    std::sort(job.exact_quantities.begin(), job.exact_quantities.end());
  }
  std::vector<RunResult> out;
  for (const check::Constant& value : values) {
    RunRequest one = request;
    one.params[param] = value;
    engine.params[param] = constant_vec(value, engine.texts);
    // Only the numerators of threshold indicators change from one value to the next.
    for (Job& job : set.jobs) {
      const Threshold* th = engine.threshold(job.indicator);
      if (!th) continue;
      eval.start_batch(nullptr, 0, 1);
      eval.set_frame(&job.frame);
      const Vec& limit = eval.eval(th->limit);
      job.num = Aggregate(AggregateOp::count);
      if (limit.known[0]) {
        const Rational t = limit.kind == Kind::date ? Rational(limit.v[0]) : limit.number(0);
        job.num.add_counted(job.count_meeting(th->op, t));
      }
    }
    out.push_back(finish(plan, data, one, engine, eval, set));
  }
  return out;
}

namespace {

// A cell as text for explanations: numbers in their unit ("13 days"), dates ISO, text as is.
std::string cell_text(const Vec& x, std::size_t i, const check::Type& type, const TextCodes& texts) {
  const std::size_t k = at(x, i);
  if (!x.known[k]) return "missing";
  switch (x.kind) {
    case Kind::boolean: return x.v[k] ? "true" : "false";
    case Kind::date: return format_iso(static_cast<Day>(x.v[k]));
    case Kind::text: return std::string(texts.text(x.v[k]));
    case Kind::number: {
      const Rational shown = x.number(k) / check::unit_factor(type.unit);
      std::string text = format_exact(shown);
      if (type.unit == check::Unit::percent) return text + "%";
      if (type.unit != check::Unit::none) {
        std::string unit = check::unit_text(type.unit);
        if (shown == 1) unit.pop_back();
        text += " " + unit;
      }
      return text;
    }
    default: return "?";
  }
}

const char* comparison_text(NodeOp op, bool holds) {
  switch (op) {
    case NodeOp::eq: return holds ? "=" : "!=";
    case NodeOp::ne: return holds ? "!=" : "=";
    case NodeOp::lt: return holds ? "<" : ">=";
    case NodeOp::le: return holds ? "<=" : ">";
    case NodeOp::gt: return holds ? ">" : "<=";
    case NodeOp::ge: return holds ? ">=" : "<";
    default: return "?";
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
      case NodeOp::ge:
        if (st == -1) return missing_side(n, i);
        return fmt::format("{} {} {}", named(n.a, i), comparison_text(n.op, st == 1), named(n.b, i));
      case NodeOp::in_range:
        if (st == -1) return missing_side(n, i);
        if (plan.nodes[static_cast<std::size_t>(n.b)].op == NodeOp::period_start ||
            plan.nodes[static_cast<std::size_t>(n.b)].op == NodeOp::window_start)
          return fmt::format("{} is {} the {}", named(n.a, i), st == 1 ? "in" : "not in",
                             plan.nodes[static_cast<std::size_t>(n.b)].op == NodeOp::period_start ? "period" : "window");
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

}  // namespace

ExplainResult explain(const plan::Plan& plan, Dataset& data, const RunRequest& request,
                      std::uint32_t indicator, ExplainRows which, std::size_t limit,
                      const std::function<std::string(Span)>& source, std::vector<Issue>& errors) {
  Engine engine(plan, data, request, errors);
  Evaluator eval(engine.inputs(), errors);
  const plan::IndicatorPlan& ind = plan.indicators[indicator];
  const calendar::Period period = shown_periods(ind, request).back();
  ExplainResult out;
  out.indicator = ind.name;
  out.period_label = calendar::label(period);
  out.table = plan.tables[ind.table].schema.name;
  if (!data.tables[ind.table]) return out;

  // Derived columns of every table this indicator reads.
  for (std::uint32_t t = 0; t < plan.tables.size(); ++t)
    if (data.tables[t]) materialize(plan, data, data.sorts, t, eval, engine.derived, request.params, engine.threads());

  Job job = make_job(plan, indicator, period, 0);
  const Table& table = *data.tables[ind.table];
  Explainer ex{plan, eval, engine.texts, source, {}};
  for (const plan::Let& let : ind.lets) ex.let_names.emplace(let.node, let.name);
  std::vector<ExplainRow> failing, passing;
  std::vector<std::uint8_t> base, den, num;
  for (std::size_t begin = 0; begin < table.rows(); begin += kBatch) {
    const std::size_t n = std::min(kBatch, table.rows() - begin);
    eval.start_batch(&table, begin, n);
    eval.set_frame(&job.frame);
    base.assign(n, 1);
    eval.mask(ind.where, base);
    den = base;
    eval.mask(ind.ratio ? ind.denominator_where : ind.value_where, den);
    num = den;
    if (ind.ratio) eval.mask(ind.numerator_where, num);
    const NodeId operand = ind.ratio ? ind.numerator.operand : ind.value.operand;
    for (std::size_t i = 0; i < n; ++i) {
      if (!den[i]) continue;
      if (!ind.ratio && operand != kNone && !eval.eval(operand).known[at(eval.eval(operand), i)]) continue;
      ExplainRow row;
      row.line = table.lines[begin + i];
      row.in_numerator = num[i] != 0;
      for (std::size_t c = 0; c < table.columns.size(); ++c) {
        const Column& col = table.columns[c];
        Vec cell = column_slice(col, begin + i, 1);
        row.values.emplace_back(col.name, cell_text(cell, 0, check::Type{cell.kind}, engine.texts));
      }
      for (const plan::Let& let : ind.lets)
        row.values.emplace_back(let.name, ex.val(let.node, i));
      if (!ind.ratio && operand != kNone) row.values.emplace_back(ex.src(operand), ex.val(operand, i));
      if (ind.ratio && ind.numerator_where != kNone) row.reason = ex.reason(ind.numerator_where, i);
      (row.in_numerator ? passing : failing).push_back(std::move(row));
    }
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
