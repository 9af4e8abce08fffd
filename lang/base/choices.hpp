// The choices an indicator declares (cadence, window, unit, polarity, colours, trend), one
// vocabulary shared by the syntax tree, the plan, the calendar and the renderers, with their names
// as written in the language.
#pragma once

#include <cstdint>

namespace tally {

enum class Cadence : std::uint8_t { month, quarter, year };
enum class WindowKind : std::uint8_t { period, rolling_months, year_to_date };
enum class UnitKind : std::uint8_t { percent, rate, ratio, count, days, number };
// neutral: neither direction is better; trends say only up, down or stable.
enum class Polarity : std::uint8_t { higher, lower, range, neutral };
enum class Colour : std::uint8_t { red, amber, green };
enum class TrendKind : std::uint8_t { previous_period, same_period_last_year };

// "quarter", "percent", "higher", "amber".
const char* cadence_name(Cadence cadence);
const char* unit_name(UnitKind unit);
const char* polarity_name(Polarity polarity);
const char* colour_name(Colour colour);

}  // namespace tally
