#include "runtime/exec/scan.hpp"

#include <chrono>
#include <memory>

#include "runtime/exec/in_parts.hpp"
#include "runtime/exec/period_buckets.hpp"

namespace tally::runtime {

namespace {

double seconds_between(std::chrono::steady_clock::time_point a,
                       std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// The masks of one batch, kept from batch to batch.
struct Masks {
  std::vector<std::uint8_t> base, den, num;
};

// Adds rows [0, n) of the denominator (`den`; of a value indicator, the rows aggregated) to their
// groups of `job`, and those of them in the numerator (`num`) to their groups' numerators.
void add_groups(Job& job, bool ratio, const std::vector<std::uint32_t>& group,
                const std::vector<std::uint8_t>& den, const std::vector<std::uint8_t>& num,
                const Vec* den_operand, const Vec* num_operand, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (!den[i]) continue;
    GroupAggs& g = job.group(group[i]);
    ++g.rows;
    if (!ratio) {
      g.value.add_row(den_operand, i);
      continue;
    }
    g.den.add_row(den_operand, i);
    if (num[i]) g.num.add_row(num_operand, i);
  }
}

// Adds the rows of `jobs`' bucketed indicators in one batch (see period_buckets.hpp).
struct BucketScan {
  const RunState& run;
  std::vector<Job>& jobs;
  const std::vector<Buckets>& bucketed;
  // Bucketed indicators that only count rows (the usual `count where ...` over `count where
  // ...`) add to plain counters per period, and to their jobs once at the end.
  std::vector<std::vector<std::int64_t>> den_counts, num_counts;
  std::vector<std::uint8_t> counting;
  // Their breakdowns' counters: group g of the job at position q at [g * jobs + q].
  std::vector<std::vector<std::int64_t>> group_den_counts, group_num_counts;

  BucketScan(const RunState& r, std::vector<Job>& j, const std::vector<Buckets>& b)
      : run(r),
        jobs(j),
        bucketed(b),
        den_counts(b.size()),
        num_counts(b.size()),
        counting(b.size()),
        group_den_counts(b.size()),
        group_num_counts(b.size()) {
    for (std::size_t bi = 0; bi < bucketed.size(); ++bi) {
      const std::uint32_t indicator = jobs[bucketed[bi].jobs.front()].indicator;
      const plan::IndicatorPlan& ind = run.plan.indicators[indicator];
      counting[bi] = ind.ratio
                         ? ind.denominator.op == AggregateOp::count &&
                               ind.numerator.op == AggregateOp::count && !run.threshold(indicator)
                         : ind.value.op == AggregateOp::count;
      if (!counting[bi]) continue;
      den_counts[bi].assign(bucketed[bi].jobs.size(), 0);
      num_counts[bi].assign(bucketed[bi].jobs.size(), 0);
    }
  }

  void batch(Evaluator& eval, std::size_t n, Masks& masks, std::uint64_t batch_id) {
    static const Frame none_frame;
    std::vector<std::uint8_t>& den = masks.den;
    std::vector<std::uint8_t>& num = masks.num;
    for (std::size_t bi = 0; bi < bucketed.size(); ++bi) {
      const Buckets& b = bucketed[bi];
      const std::uint32_t indicator = jobs[b.jobs.front()].indicator;
      const plan::IndicatorPlan& ind = run.plan.indicators[indicator];
      eval.set_frame(&none_frame);
      den.assign(n, 1);
      for (NodeId c : b.rest) eval.mask(c, den);
      // A breakdown's key does not depend on the period here (buckets_for sees to it).
      const std::vector<std::uint32_t>* group =
          ind.by == kNone ? nullptr
                          : &jobs[b.jobs.front()].index->assign(eval.eval(ind.by), n, batch_id);
      const Vec& anchor = eval.eval(b.anchor);
      const Vec* until = b.active ? &eval.eval(b.until) : nullptr;
      num = den;
      const Vec* den_operand = nullptr;
      const Vec* num_operand = nullptr;
      const Threshold* th = run.threshold(indicator);
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
      // Calls f(i, first, last) for each row of the denominator with the positions in b.jobs of
      // the periods that hold it.
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
      if (counting[bi] && group) {
        const std::size_t positions = b.jobs.size();
        const std::size_t need = jobs[b.jobs.front()].index->size() * positions;
        std::vector<std::int64_t>& gd = group_den_counts[bi];
        std::vector<std::int64_t>& gn = group_num_counts[bi];
        if (gd.size() < need) {
          gd.resize(need, 0);
          gn.resize(need, 0);
        }
        if (!b.span_first.empty() && !anchor.one()) {
          count_by_day_grouped(b, anchor, den.data(), num.data(), group->data(), n, positions,
                               gd.data(), gn.data());
        } else {
          each_placed([&](std::size_t i, std::size_t first, std::size_t last) {
            const std::size_t row = (*group)[i] * positions;
            for (std::size_t q = first; q < last; ++q) {
              ++gd[row + q];
              gn[row + q] += num[i];
            }
          });
        }
        continue;  // every row has a group: the totals are the groups' sums (finish)
      }
      if (counting[bi] && !b.span_first.empty() && !anchor.one()) {
        count_by_day(b, anchor, den.data(), num.data(), n, den_counts[bi].data(),
                     num_counts[bi].data());
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
          if (group) {
            GroupAggs& g = job.group((*group)[i]);
            ++g.rows;
            if (!ind.ratio) {
              g.value.add_row(den_operand, i);
            } else {
              g.den.add_row(den_operand, i);
              if (num[i]) g.num.add_row(num_operand, i);
            }
          }
          if (ind.ratio) {
            job.den.add_row(den_operand, i);
            if (quantity) {
              if (num[i]) job.quantities.collect(*quantity, i);
            } else if (num[i]) {
              job.num.add_row(num_operand, i);
            }
          } else {
            job.value.add_row(den_operand, i);
          }
        }
      });
    }
  }

  // Adds the counters to their jobs.
  void finish() {
    for (std::size_t bi = 0; bi < bucketed.size(); ++bi) {
      if (!counting[bi]) continue;
      // A breakdown's counts sum to the totals, which were not counted apart.
      const std::size_t positions = bucketed[bi].jobs.size();
      const std::vector<std::int64_t>& gd = group_den_counts[bi];
      const std::vector<std::int64_t>& gn = group_num_counts[bi];
      for (std::size_t k = 0; k < gd.size(); ++k) {
        den_counts[bi][k % positions] += gd[k];
        num_counts[bi][k % positions] += gn[k];
      }
      for (std::size_t q = 0; q < bucketed[bi].jobs.size(); ++q) {
        Job& job = jobs[bucketed[bi].jobs[q]];
        if (run.plan.indicators[job.indicator].ratio) {
          job.den.add_counted(den_counts[bi][q]);
          job.num.add_counted(num_counts[bi][q]);
        } else {
          job.value.add_counted(den_counts[bi][q]);
        }
      }
      for (std::size_t k = 0; k < gd.size(); ++k) {
        if (gd[k] == 0) continue;
        Job& job = jobs[bucketed[bi].jobs[k % positions]];
        GroupAggs& g = job.group(static_cast<std::uint32_t>(k / positions));
        g.rows += gd[k];
        if (run.plan.indicators[job.indicator].ratio) {
          g.den.add_counted(gd[k]);
          g.num.add_counted(gn[k]);
        } else {
          g.value.add_counted(gd[k]);
        }
      }
    }
  }
};

// Adds one batch of table t to the jobs that read it period by period.
void scan_jobs(const RunState& run, std::uint32_t t, std::vector<Job>& jobs, Evaluator& eval,
               const std::vector<std::uint8_t>& in_bucket, std::size_t n, Masks& masks,
               std::uint64_t batch_id) {
  std::vector<std::uint8_t>& base = masks.base;
  std::vector<std::uint8_t>& den = masks.den;
  std::vector<std::uint8_t>& num = masks.num;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    Job& job = jobs[j];
    const plan::IndicatorPlan& ind = run.plan.indicators[job.indicator];
    if (ind.table != t || in_bucket[j]) continue;
    eval.set_frame(&job.frame);
    // A breakdown's key, looked up once per batch unless it depends on the period.
    const std::vector<std::uint32_t>* group =
        ind.by == kNone
            ? nullptr
            : &job.index->assign(eval.eval(ind.by), n,
                                 run.node(ind.by).uses_period ? GroupIndex::kAlways : batch_id);
    base.assign(n, 1);
    eval.mask(ind.where, base);
    // A breakdown of measures: each row of the indicator makes its group, and each measure adds
    // its rows to their groups' measures as well as to the total's.
    if (group && !ind.measures.empty())
      for (std::size_t i = 0; i < n; ++i)
        if (base[i]) ++job.group((*group)[i]).rows;
    for (std::size_t k = 0; k < ind.measures.size(); ++k) {
      const plan::Measure& m = ind.measures[k];
      den = base;
      eval.mask(m.where, den);
      const Vec* operand = m.agg.operand != kNone ? &eval.eval(m.agg.operand) : nullptr;
      job.measures[k].add(operand, den, n);
      if (group)
        for (std::size_t i = 0; i < n; ++i)
          if (den[i]) job.group((*group)[i]).measures[k].add_row(operand, i);
    }
    if (ind.numerator_expr != kNone || ind.value_expr != kNone) continue;  // measures only
    if (ind.ratio) {
      den = base;
      eval.mask(ind.denominator_where, den);
      job.den.add(ind.denominator.operand != kNone ? &eval.eval(ind.denominator.operand) : nullptr,
                  den, n);
      num = den;
      if (const Threshold* th = run.threshold(job.indicator)) {
        for (NodeId c : th->others) eval.mask(c, num);
        const Vec& quantity = eval.eval(th->quantity);
        for (std::size_t i = 0; i < n; ++i)
          if (num[i]) job.quantities.collect(quantity, i);
      } else {
        eval.mask(ind.numerator_where, num);
        job.num.add(ind.numerator.operand != kNone ? &eval.eval(ind.numerator.operand) : nullptr,
                    num, n);
      }
      if (group)
        add_groups(job, true, *group, den, num,
                   ind.denominator.operand != kNone ? &eval.eval(ind.denominator.operand) : nullptr,
                   ind.numerator.operand != kNone ? &eval.eval(ind.numerator.operand) : nullptr, n);
    } else {
      eval.mask(ind.value_where, base);
      job.value.add(ind.value.operand != kNone ? &eval.eval(ind.value.operand) : nullptr, base, n);
      if (group)
        add_groups(job, false, *group, base, base,
                   ind.value.operand != kNone ? &eval.eval(ind.value.operand) : nullptr, nullptr,
                   n);
    }
  }
}

// Adds rows [from, to) of table t to the jobs that read it.
void scan_rows(const RunState& run, std::uint32_t t, std::size_t from, std::size_t to,
               std::vector<Job>& jobs, Evaluator& eval, const std::vector<Buckets>& bucketed,
               const std::vector<std::uint8_t>& in_bucket) {
  const Table& table = *run.data.tables[t];
  BucketScan buckets(run, jobs, bucketed);
  Masks masks;
  for (std::size_t begin = from; begin < to; begin += kBatch) {
    const std::size_t n = std::min(kBatch, to - begin);
    eval.start_batch(&table, begin, n);
    buckets.batch(eval, n, masks, begin);
    scan_jobs(run, t, jobs, eval, in_bucket, n, masks, begin);
  }
  buckets.finish();
}

// Adds every row of table t to the jobs that read it, in one stretch of rows per thread for a
// big table.
void scan_table(RunState& run, std::uint32_t t, std::vector<Job>& jobs, Evaluator& eval) {
  const plan::Plan& plan = run.plan;
  const Table& table = *run.data.tables[t];
  // Indicators evaluated by buckets, and the jobs left to evaluate period by period.
  std::vector<Buckets> bucketed;
  std::vector<std::uint8_t> in_bucket(jobs.size(), 0);
  // Each indicator's jobs, found in one pass (not one pass per indicator: a run may hold
  // thousands of indicators).
  std::vector<std::vector<std::size_t>> jobs_of(plan.indicators.size());
  for (std::size_t j = 0; j < jobs.size(); ++j)
    if (plan.indicators[jobs[j].indicator].table == t) jobs_of[jobs[j].indicator].push_back(j);
  for (std::uint32_t i = 0; i < jobs_of.size(); ++i) {
    if (jobs_of[i].empty()) continue;
    Buckets b = buckets_for(run, i, jobs, jobs_of[i]);
    if (!b.ok) continue;
    for (std::size_t j : b.jobs) in_bucket[j] = 1;
    bucketed.push_back(std::move(b));
  }
  // The later stretches' jobs are added to the first's in row order, which gives the figures one
  // pass would.
  const std::size_t rows = table.rows();
  const unsigned parts = parts_for(rows, run.threads());
  if (parts == 1) {
    scan_rows(run, t, 0, rows, jobs, eval, bucketed, in_bucket);
    return;
  }
  std::vector<std::size_t> bounds(parts + 1, rows);
  for (unsigned p = 0; p < parts; ++p) bounds[p] = batch_boundary(rows * p / parts, rows);
  std::vector<std::vector<Job>> other_jobs(parts - 1);
  std::vector<std::vector<Issue>> other_errors(parts - 1);
  std::vector<std::unique_ptr<Evaluator>> other_evals;
  for (unsigned p = 1; p < parts; ++p) {
    for (const Job& job : jobs) other_jobs[p - 1].push_back(job.fresh());
    link_group_indexes(plan, other_jobs[p - 1]);
    other_evals.push_back(std::make_unique<Evaluator>(run.inputs(), other_errors[p - 1]));
  }
  in_parts(parts, [&](unsigned p) {
    if (p == 0)
      scan_rows(run, t, bounds[0], bounds[1], jobs, eval, bucketed, in_bucket);
    else
      scan_rows(run, t, bounds[p], bounds[p + 1], other_jobs[p - 1], *other_evals[p - 1], bucketed,
                in_bucket);
  });
  for (unsigned p = 1; p < parts; ++p) {
    for (std::size_t j = 0; j < jobs.size(); ++j) jobs[j].merge(std::move(other_jobs[p - 1][j]));
    for (Issue& e : other_errors[p - 1]) {
      bool seen_span = false;
      for (const Issue& have : run.errors) seen_span = seen_span || have.span == e.span;
      if (!seen_span) run.errors.push_back(std::move(e));
    }
  }
}

}  // namespace

void scan_tables(RunState& run, std::vector<Job>& jobs, Evaluator& eval) {
  const plan::Plan& plan = run.plan;
  for (std::uint32_t t = 0; t < plan.tables.size(); ++t) {
    if (!run.data.tables[t]) continue;
    bool wanted = false;
    for (const Job& j : jobs) wanted = wanted || plan.indicators[j.indicator].table == t;
    bool needed_by_lookup = false;
    for (const plan::Derived& d : plan.derived) needed_by_lookup = needed_by_lookup || d.table == t;
    if (!wanted && !needed_by_lookup) continue;
    const auto derive_start = std::chrono::steady_clock::now();
    if (run.frames.empty())
      for (const Job& j : jobs) run.frames.push_back(&j.frame);
    run.derive(t, eval);
    const auto evaluate_start = std::chrono::steady_clock::now();
    if (!wanted) continue;
    scan_table(run, t, jobs, eval);
    if (run.request.timings)
      run.request.timings->push_back(
          TableTiming{plan.tables[t].schema.name, seconds_between(derive_start, evaluate_start),
                      seconds_between(evaluate_start, std::chrono::steady_clock::now())});
  }
}

}  // namespace tally::runtime
