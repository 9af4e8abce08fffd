// What a report shows beside the figures, read from files beside the definitions: the service's
// commentary per indicator and period (`commentary/2017-18Q1/VP8.md`), the council and the
// report's title (`commentary/report.txt`), and each indicator's service area (its file).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/render.hpp"
#include "cli/session.hpp"

namespace tally::cli {

// The commentary folder: --commentary when given; otherwise the first folder named `commentary`
// inside a folder of DEFS (or the folder of a file named), or beside it (in its parent folder).
std::optional<std::filesystem::path> commentary_folder(const RunOptions& o);

// A --commentary that names no folder is a usage error (exit 2): printed, and the status returned.
std::optional<int> check_commentary_option(const RunOptions& o);

// The folder name of a period's commentary: its label without blanks ("2017-18Q1").
std::string period_folder(const std::string& period_label);

// The commentary of one indicator for one period: PERIOD/CODE.md, or PERIOD/NAME.md for an
// indicator whose code cannot be a file name; "" when there is none. At most 64 KiB is read.
std::string read_commentary(const std::filesystem::path& folder, const std::string& period_label,
                            const plan::IndicatorPlan& ind);

// Fills the report's parts of `ctx` for `result`: commentary of the period asked, areas,
// benchmark labels, council and title (options first, then report.txt), the scenario applied.
void fill_report_context(const Session& s, const RunOptions& o, const runtime::RunResult& result,
                         RenderContext& ctx);

// "child_protection" -> "Child protection".
std::string area_title(const std::string& stem);

}  // namespace tally::cli
