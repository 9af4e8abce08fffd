// What an evaluation produces: for each indicator, one result per period with its exact figures,
// colour and direction of travel. Renderers (cli/) turn these into tables, JSON, CSV and HTML.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "lang/base/number.hpp"
#include "lang/plan/plan.hpp"
#include "runtime/calendar/period.hpp"

namespace tally::runtime {

enum class Rag { none, red, amber, green };
// up and down: the direction of a neutral indicator, which is neither better nor worse.
enum class Trend { none, improving, deteriorating, stable, up, down };

const char* rag_name(Rag rag);
const char* trend_name(Trend trend);

// How far the data reach over a period (or window) they do not fill: the table and date column
// that place rows in periods, the first and last dates they hold (both absent when no cell holds
// one), and the days of the period (or window) they cover out of its days.
struct Coverage {
  std::string table, column;
  std::optional<Day> first, last;
  Day from = 0, to = 0;  // the period or window
  std::int64_t covered_days = 0, days = 0;
};

struct PeriodResult {
  calendar::Period period;
  std::optional<Rational> numerator, denominator;  // ratio indicators
  std::optional<Rational> value;                   // missing when it cannot be computed
  std::optional<Rational> target, target_low, target_high;
  Rag rag = Rag::none;
  Trend trend = Trend::none;
  std::optional<Rational> change;  // value minus the comparator's value
  std::vector<std::optional<Rational>> benchmarks;
  std::string note;  // why the value is missing
  // Present when the data that place rows in periods begin after the period (or window) starts or
  // end before it ends, or after --as-at: the figure is of part of it.
  std::optional<Coverage> coverage;
};

struct IndicatorResult {
  const plan::IndicatorPlan* plan = nullptr;
  std::vector<PeriodResult> results;  // oldest first; the last is the period asked for
};

struct TableInfo {
  std::string name;
  std::size_t rows = 0;
  std::size_t rejected = 0;
};

struct RunResult {
  std::string period_label;  // the period asked for, as a label
  std::vector<IndicatorResult> indicators;
  std::vector<TableInfo> tables;

  // Colours of the period asked for: red, amber, green, none.
  std::array<int, 4> summary() const;
};

}  // namespace tally::runtime
