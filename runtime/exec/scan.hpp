// The scan: one pass over each table a run reads. A table's derived columns are computed first;
// then its rows are evaluated a batch at a time for every job that reads it. A big table is cut
// into one stretch of rows per thread, each with its own evaluator and aggregates, and the
// stretches are merged in row order, so the figures do not depend on the number of threads.
#pragma once

#include <vector>

#include "runtime/exec/evaluator.hpp"
#include "runtime/exec/jobs.hpp"
#include "runtime/exec/run_state.hpp"

namespace tally::runtime {

// Fills `jobs` from every table that one of them (or a lookup) reads; `eval` evaluates on this
// thread.
void scan_tables(RunState& run, std::vector<Job>& jobs, Evaluator& eval);

}  // namespace tally::runtime
