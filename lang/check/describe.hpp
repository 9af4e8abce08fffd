// Plain-words renderings of indicators ("Of the child protection visits where ... the
// percentage where gap is at most cp_visit_days (10 days). ..."), for `tally describe`, report
// footnotes and comparisons of two versions of a definition.
#pragma once

#include <string>
#include <vector>

#include "lang/check/program.hpp"

namespace tally::check {

// The line above an indicator's sentences: its code, title and name ("VP8 Visits on time
// (cp_visits_on_time)"), or only its name when it has neither code nor title.
std::string describe_heading(const Program& program, std::uint32_t indicator);

// The indicator as sentences, with parameters shown at the values in `params` (one per
// program parameter; the declared values when empty). A parameter with dated values shows them
// all ("10 days; 15 days from 2019-04-01") unless `replaced` marks it (given by --set or a
// scenario, which replace every date).
std::string describe_indicator(const Program& program, std::uint32_t indicator,
                               const std::vector<Constant>& params,
                               const std::vector<std::uint8_t>& replaced = {});

// A parameter's values with the dates they are in force from: "10 days; 15 days from 2019-04-01".
std::string dated_words(const Param& param);

}  // namespace tally::check
