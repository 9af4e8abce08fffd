// The executor: runs a Plan over a loaded Dataset. Each table is read once; derived columns
// (previous/next, lookups) are computed once per table; then every indicator that reads the
// table is evaluated for every period asked, a batch of rows at a time, with filters as masks
// over whole batches. Figures are accumulated in integers and turned into exact rationals once
// per indicator and period. Nothing here writes to the plan or the data.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lang/base/value.hpp"
#include "lang/plan/plan.hpp"
#include "runtime/calendar/period.hpp"
#include "runtime/column/column.hpp"
#include "runtime/column/dataset.hpp"
#include "runtime/column/issue.hpp"
#include "runtime/exec/derived/row_order.hpp"
#include "runtime/exec/derived/rows.hpp"
#include "runtime/result/result.hpp"

namespace tally::runtime {

// What runs over one dataset keep for one another, owned by the caller: the row orders of
// previous/next (shared by every indicator and every run, as compare and sweep make) and the
// constant texts that no cell holds. The dataset itself is never written to: two runs at once
// over one dataset need a cache each. Caches used with another dataset start again.
struct ExecCaches {
  SortCache sorts;
  RowIndexCache row_indexes;  // another table's rows by a column, for `exists(from T per c)`
  StringPool constant_texts;
  // The first and last known dates of a (table, column): how far the data reach (coverage).
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::optional<std::pair<Day, Day>>> date_reach;
  const Dataset* data = nullptr;  // the dataset these were made for
};

// How long one table took to evaluate, for TALLY_TIMING: its derived columns (previous/next,
// lookups) and then its indicators' rows.
struct TableTiming {
  std::string table;
  double derive_seconds = 0;
  double evaluate_seconds = 0;
};

struct RunRequest {
  calendar::PeriodArg period;
  std::string period_label;
  int history = 0;                              // periods shown; 0 = default (2)
  std::vector<Constant> params;                 // one value per plan parameter
  std::vector<std::uint32_t> indicators;        // plan indicator indices to run; empty = default
  unsigned threads = 0;                         // threads to evaluate on; 0 = one per core
  std::vector<TableTiming>* timings = nullptr;  // filled in when given
  std::optional<Day> as_at;  // the extract's date: the data reach no further, whatever they hold
  std::optional<std::string> group;  // explain: only the rows of this group of the breakdown
  // By plan parameter: 1 where --set, a scenario or a sweep gave the value, which then holds on
  // every date (the parameter's dated values are set aside).
  std::vector<std::uint8_t> params_replaced;
  // `--as-is[=DATE]`: every period reads the dated parameters' values in force on this day.
  // Otherwise each period reads those in force on its last day ("as was").
  std::optional<Day> params_as_is;
};

RunResult execute(const plan::Plan& plan, const Dataset& data, ExecCaches& caches,
                  const RunRequest& request, std::vector<Issue>& errors);

// A sweep of one parameter over `values`: one result per value. Where every selected indicator
// either ignores the parameter or reads it only as the threshold of one comparison in its
// numerator (`gap <= cp_visit_days`), the rows are evaluated once and each threshold is answered
// from the sorted quantities; otherwise nullopt (run each value instead).
std::optional<std::vector<RunResult>> execute_sweep(const plan::Plan& plan, const Dataset& data,
                                                    ExecCaches& caches, const RunRequest& request,
                                                    std::uint32_t param,
                                                    const std::vector<Constant>& values,
                                                    std::vector<Issue>& errors);

// The rows behind one indicator's figure in one period.
struct ExplainRow {
  std::int64_t line = 0;
  bool in_numerator = false;
  std::vector<std::pair<std::string, std::string>> values;  // column or let, shown value
  std::string reason;
};

struct ExplainResult {
  std::string indicator;
  std::string period_label;
  std::string table;
  std::vector<ExplainRow> rows;  // denominator rows (value indicators: the rows aggregated)
  std::string group;             // the group the rows were restricted to, when one was asked
};

enum class ExplainRows { failing, passing, all };

// `source` gives the text of a span, to name expressions in reasons ("gap 13 days > ...").
ExplainResult explain(const plan::Plan& plan, const Dataset& data, ExecCaches& caches,
                      const RunRequest& request, std::uint32_t indicator, ExplainRows rows,
                      std::size_t limit, const std::function<std::string(Span)>& source,
                      std::vector<Issue>& errors);

// Periods shown for an indicator, oldest first.
std::vector<calendar::Period> shown_periods(const plan::IndicatorPlan& ind,
                                            const RunRequest& request);

}  // namespace tally::runtime
