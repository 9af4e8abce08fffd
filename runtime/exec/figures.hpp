// Figures once per indicator and period, from the jobs' aggregates: numerator, denominator and
// value, then target, benchmarks and rag rules evaluated over a one-row batch, then trends
// against the comparator periods. All exact.
#pragma once

#include "runtime/exec/evaluator.hpp"
#include "runtime/exec/jobs.hpp"
#include "runtime/exec/run_state.hpp"
#include "runtime/result/result.hpp"

namespace tally::runtime {

// The result of `request` from the jobs of `set`, filled by a scan. The jobs' aggregates are read,
// not used up: a sweep asks again after changing a numerator.
RunResult figures(const RunState& run, const RunRequest& request, Evaluator& eval, JobSet& set);

}  // namespace tally::runtime
