// The validation commands: compare, sweep and explain.
#include <fmt/format.h>

#include <iostream>

#include "cli/render.hpp"
#include "cli/session.hpp"

namespace tally::cli {

int compare_command(const RunOptions&) { return usage_error("compare is not available yet", ""); }
int sweep_command(const RunOptions&) { return usage_error("sweep is not available yet", ""); }
int explain_command(const RunOptions&) { return usage_error("explain is not available yet", ""); }

}  // namespace tally::cli
