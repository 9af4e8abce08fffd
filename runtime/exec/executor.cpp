#include "runtime/exec/executor.hpp"

#include "runtime/exec/evaluator.hpp"
#include "runtime/exec/figures.hpp"
#include "runtime/exec/jobs.hpp"
#include "runtime/exec/run_state.hpp"
#include "runtime/exec/scan.hpp"

namespace tally::runtime {

// A run: the jobs of the indicators and periods asked for, one scan of every table they read
// (derived columns first), then the figures.
RunResult execute(const plan::Plan& plan, const Dataset& data, ExecCaches& caches,
                  const RunRequest& request, std::vector<Issue>& errors) {
  RunState run(plan, data, caches, request, errors);
  Evaluator eval(run.inputs(), errors);
  JobSet set = plan_jobs(plan, request, run.selected());
  scan_tables(run, set.jobs, eval);
  return figures(run, request, eval, set);
}

}  // namespace tally::runtime
