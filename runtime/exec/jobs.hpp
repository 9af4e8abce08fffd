// The jobs of a run: one per (indicator, period) to compute, for every period shown and every
// trend comparator, each with its frame (the period and window bounds) and its aggregates.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "runtime/calendar/period.hpp"
#include "runtime/exec/aggregate.hpp"
#include "runtime/exec/evaluator.hpp"
#include "runtime/exec/executor.hpp"
#include "runtime/exec/groups.hpp"
#include "runtime/exec/sweep.hpp"

namespace tally::runtime {

struct Job {
  std::uint32_t indicator = 0;
  Frame frame;
  calendar::Period period;
  Aggregate den, num, value;
  Quantities quantities;  // sweeps only
  // A breakdown's groups, by their number in `index` (shared by the indicator's jobs of one
  // stretch of rows; see link_group_indexes). Both empty without a breakdown.
  std::shared_ptr<GroupIndex> index;
  std::vector<GroupAggs> groups;
  std::vector<Aggregate> measures;  // one per measure of the indicator

  // The aggregates of group g, made when first met.
  GroupAggs& group(std::uint32_t g) {
    while (groups.size() <= g) {
      groups.push_back(
          GroupAggs{0, Aggregate(den.op()), Aggregate(num.op()), Aggregate(value.op()), {}});
      for (const Aggregate& m : measures) groups.back().measures.emplace_back(m.op());
    }
    return groups[g];
  }

  // The same indicator and period with nothing accumulated yet (and no group index).
  Job fresh() const;
  // Adds what `o` (a fresh() copy) accumulated over the rows after these, groups by their keys.
  void merge(Job&& o);
};

// Gives the jobs of each broken-down indicator one group index between them.
void link_group_indexes(const plan::Plan& plan, std::vector<Job>& jobs);

struct JobSet {
  std::vector<std::uint32_t> chosen;  // the indicators shown, in order
  std::vector<Job> jobs;
  std::map<std::pair<std::uint32_t, Day>, std::size_t> job_of;  // (indicator, period start)
};

// The job of one indicator in period p; `frame_id` tells its frame from every other's.
Job make_job(const plan::Plan& plan, std::uint32_t indicator, const calendar::Period& p,
             std::size_t frame_id);

// The jobs of the `chosen` indicators: the periods `request` shows and their comparators.
JobSet plan_jobs(const plan::Plan& plan, const RunRequest& request,
                 std::vector<std::uint32_t> chosen);

// The period a trend compares `p` with.
calendar::Period comparator(const plan::IndicatorPlan& ind, const calendar::Period& p);

}  // namespace tally::runtime
