#include "runtime/exec/jobs.hpp"

namespace tally::runtime {

namespace {

calendar::Window window_of(const plan::IndicatorPlan& ind, const calendar::Period& p) {
  switch (ind.window) {
    case plan::WindowKind::rolling_months:
      return calendar::rolling_months(p, ind.window_months);
    case plan::WindowKind::year_to_date:
      return calendar::year_to_date(p);
    case plan::WindowKind::period:
      break;
  }
  return calendar::Window{p.start, p.end};
}

}  // namespace

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
  for (const plan::Measure& m : ind.measures) job.measures.emplace_back(m.agg.op);
  return job;
}

Job Job::fresh() const {
  Job job;
  job.indicator = indicator;
  job.frame = frame;
  job.period = period;
  job.den = Aggregate(den.op());
  job.num = Aggregate(num.op());
  job.value = Aggregate(value.op());
  for (const Aggregate& m : measures) job.measures.emplace_back(m.op());
  return job;
}

void Job::merge(Job&& o) {
  den.merge(std::move(o.den));
  num.merge(std::move(o.num));
  value.merge(std::move(o.value));
  for (std::size_t k = 0; k < measures.size() && k < o.measures.size(); ++k)
    measures[k].merge(std::move(o.measures[k]));
  quantities.merge(std::move(o.quantities));
  for (std::size_t g = 0; g < o.groups.size(); ++g)
    group(index->find_or_add(o.index->keys()[g])).merge(std::move(o.groups[g]));
}

void link_group_indexes(const plan::Plan& plan, std::vector<Job>& jobs) {
  std::map<std::uint32_t, std::shared_ptr<GroupIndex>> shared;
  for (Job& job : jobs) {
    if (plan.indicators[job.indicator].by == kNone) continue;
    std::shared_ptr<GroupIndex>& index = shared[job.indicator];
    if (!index) index = std::make_shared<GroupIndex>();
    job.index = index;
  }
}

std::vector<calendar::Period> shown_periods(const plan::IndicatorPlan& ind,
                                            const RunRequest& request) {
  const calendar::Cadence cadence = ind.cadence;
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

calendar::Period comparator(const plan::IndicatorPlan& ind, const calendar::Period& p) {
  return ind.trend == plan::TrendKind::previous_period ? calendar::shift(p, -1)
                                                       : calendar::same_period_last_year(p);
}

JobSet plan_jobs(const plan::Plan& plan, const RunRequest& request,
                 std::vector<std::uint32_t> chosen) {
  JobSet set;
  set.chosen = std::move(chosen);
  auto want = [&](std::uint32_t i, const calendar::Period& p) {
    const auto key = std::make_pair(i, p.start);
    if (set.job_of.count(key)) return;
    set.job_of[key] = set.jobs.size();
    set.jobs.push_back(make_job(plan, i, p, set.jobs.size()));
  };
  for (std::uint32_t i : set.chosen) {
    const plan::IndicatorPlan& ind = plan.indicators[i];
    for (const calendar::Period& p : shown_periods(ind, request)) {
      want(i, p);
      if (ind.has_trend) want(i, comparator(ind, p));
    }
  }
  link_group_indexes(plan, set.jobs);
  return set;
}

}  // namespace tally::runtime
