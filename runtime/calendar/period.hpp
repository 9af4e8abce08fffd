// Reporting periods on the UK financial calendar: months, quarters (Q1 = April to June) and years
// starting 1 April, their labels ("2017-06", "2017-18 Q1", "2017-18"), the windows that `in
// window` means, and the `--period` argument.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "lang/base/choices.hpp"
#include "lang/base/date.hpp"

namespace tally::calendar {

using ::tally::Cadence;
using ::tally::cadence_name;

struct Period {
  Cadence cadence = Cadence::quarter;
  Day start = 0;  // first day
  Day end = 0;    // last day, inclusive

  bool operator==(const Period&) const = default;
};

// "2017-06", "2017-18 Q1", "2017-18" (1999-00 for the year starting April 1999).
std::string label(const Period& period);
Period period_containing(Cadence cadence, Day day);
// The period `n` steps after `period` (before it when n < 0), at the same cadence.
Period shift(const Period& period, int n);
Period same_period_last_year(const Period& period);

// What `--period` named: a period of a given cadence, or a bare date meaning "the period holding
// this date, at each indicator's own cadence".
struct PeriodArg {
  std::optional<Cadence> cadence;  // empty for a bare date
  Day day = 0;                     // a day inside the period (its start), or the bare date
};
// Accepts "2017-18Q1", "2017-18 Q1", "2017-18", "2017-06", "2017-06-30". The second half of a
// financial year must follow the first ("2017-19" is refused). nullopt when unparsable.
std::optional<PeriodArg> parse_period_arg(std::string_view text);
// The period `arg` names at `cadence`.
Period resolve(const PeriodArg& arg, Cadence cadence);

struct Window {
  Day start = 0;
  Day end = 0;  // inclusive
};
// The N whole months ending with the period's last day.
Window rolling_months(const Period& period, int months);
// From the start of the financial year holding the period to the period's last day.
Window year_to_date(const Period& period);

}  // namespace tally::calendar
