// The compiler: the checked program lowered to a plan (lang/plan/plan.hpp). The only part of
// lang/plan that reads the syntax tree and the checker's side tables.
#pragma once

#include <cstdint>
#include <vector>

#include "lang/check/program.hpp"
#include "lang/plan/plan.hpp"

namespace tally::plan {

// Lowers the checked program. Only indicators in `selected` (indices into the program's
// indicators) are compiled; empty means those named on the command line.
Plan compile(const check::Program& program, const std::vector<std::uint32_t>& selected);

}  // namespace tally::plan
