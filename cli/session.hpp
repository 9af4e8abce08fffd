// What every evaluating command shares: definitions loaded and checked, parameters resolved
// from scenarios and --set, the period parsed, the plan compiled and the data loaded once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "lang/check/front.hpp"
#include "lang/plan/compiler.hpp"
#include "runtime/exec/executor.hpp"

namespace tally::cli {

struct Session {
  std::unique_ptr<check::Frontend> front;
  plan::Plan plan;
  runtime::Dataset data;
  runtime::ExecCaches caches;   // what the runs over `data` keep for one another
  runtime::RunRequest request;  // period, history, indicators, parameters of the base run
};

// Loads everything for `o`. On failure prints why and returns the exit status.
std::optional<int> open_session(const RunOptions& o, Session& s);

// A public output (--public, or a suppression declared `always`): marks the small numbers of
// `result` that renderers show as the declared text. Nothing when the output is not public.
void apply_suppression(const Session& s, const RunOptions& o, runtime::RunResult& result);
// Reads the definitions again with `--by` in place of the `by` clause of the indicators chosen
// (every one named on the command line when none is); on an error prints it and returns 1.
std::optional<int> reload_with_breakdown(const RunOptions& o,
                                         const std::vector<std::uint32_t>& chosen, Session& s);

// Applies scenarios (in order) then NAME=VALUE overrides to the declared parameter values;
// `replaced`, when given, marks each parameter they set (one per parameter), whose dated values
// are then set aside. On failure prints why and returns the exit status (2).
std::optional<int> resolve_params(check::Frontend& front, const std::vector<std::string>& scenarios,
                                  const std::vector<std::string>& sets, std::vector<Constant>& out,
                                  std::vector<std::uint8_t>* replaced = nullptr);

// "as was", "as is on 2026-12-03", or "" when the plan has no parameter with dated values.
std::string parameters_as(const plan::Plan& plan, const runtime::RunRequest& request);

// The names of `items` (declarations, runs: anything with a `name`), in order.
template <typename T>
std::vector<std::string> names_of(const std::vector<T>& items) {
  std::vector<std::string> names;
  for (const T& item : items) names.push_back(item.name);
  return names;
}

// The indicators named by --indicator, in the order named; an unknown name is a usage error.
std::optional<int> select_indicators(const check::Program& program,
                                     const std::vector<std::string>& names,
                                     std::vector<std::uint32_t>& chosen);

// Prints evaluation faults; returns true if there were any.
bool report_exec_errors(const std::vector<runtime::Issue>& errors, const SourceManager& sources,
                        const std::string& format);

void print_diagnostics(const Diagnostics& diags, const SourceManager& sources,
                       const std::string& format);
void print_diagnostics_if_any(const check::Frontend& front, const std::string& format);
int usage_error(const std::string& message, const std::string& hint);
// A usage error for `name`, which the definitions do not declare: the hint suggests the closest
// of `declared`, or is `otherwise` when none is close.
int unknown_name_error(const std::string& message, const std::string& name,
                       const std::vector<std::string>& declared, const std::string& otherwise);
bool write_output(const std::string& text, const std::string& path);
// The last step of a command that loaded data: writes `text` as write_output does and ends the
// process, with status 0 (1 when the text could not be written), once standard output and error
// are flushed, without freeing the data piece by piece: the system takes all of it back at once,
// where handing back hundreds of megabytes of columns one vector at a time takes tens of
// milliseconds.
[[noreturn]] void finish(const std::string& text, const std::string& path);
bool stdout_color();
// --format, or when it is not given: the table at a terminal, the stable JSON anywhere else.
std::string output_format(const RunOptions& o);
// compare --against prints a listing, not a page: markdown and html are refused (exit 2) rather
// than given as text under the wrong name.
std::optional<int> refuse_page_formats(const RunOptions& o, const char* command);
bool stdout_is_terminal();
// xlsx is a binary workbook: written to a terminal it would be noise. Refused there (exit 2).
std::optional<int> refuse_xlsx_to_terminal(const RunOptions& o);
bool stderr_color();

}  // namespace tally::cli
