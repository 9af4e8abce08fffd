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

// The figures of a period that a public output shows as the suppression's text instead
// (runtime/result/suppress.hpp). The exact figures stay in the result: the colour and the arrow are
// judged from them and stay shown.
struct Hidden {
  bool numerator = false, denominator = false, value = false, change = false;
  std::string text;  // shown in place of each hidden figure
  bool any() const { return numerator || denominator || value || change; }
};

// The figures of the period a change was taken from (the comparator), kept so that a public output
// can tell whether the change would give away a figure hidden in that period.
struct BeforeFigures {
  std::optional<Rational> numerator, denominator, value;
};
struct GroupResult;

// A dated parameter an indicator reads, with the value that applied to a period: shown as text,
// the date it is in force from (none for the value declared first) and the decision that set it.
struct AppliedParam {
  std::string name, value;
  std::optional<Day> from;
  std::string decision;
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
  Hidden hidden;                        // marked only for a public output
  std::optional<BeforeFigures> before;  // when there is a change
  // The dated parameters the indicator reads, by name, with the values that applied (none when
  // it reads none, or when --set or a scenario replaced them).
  std::vector<AppliedParam> parameters;
  // A breakdown's groups (the total is the figures above), in the order of their keys: numbers by
  // value, text by bytes, false before true, the missing group last. Empty without a breakdown.
  std::vector<GroupResult> groups;
};

// One group of a breakdown: its key and the same figures as a total (colour from the same rules
// with the group's value; trend against the same group in the comparator period). Its `groups`
// stay empty.
struct GroupResult {
  std::string label;       // the key as shown: North, 12, true; "(missing)" for the missing group
  Kind kind = Kind::text;  // of the key: text, boolean or number
  bool missing = false;    // the rows whose key is missing
  PeriodResult figures;
};

struct IndicatorResult {
  const plan::IndicatorPlan* plan = nullptr;
  std::string by;                     // the breakdown's expression as written, when broken down
  std::vector<PeriodResult> results;  // oldest first; the last is the period asked for
};

// Whether group a is shown before group b: numbers by value, text by bytes, false before true,
// the missing group last.
bool group_before(const GroupResult& a, const GroupResult& b);
// The groups met in any of `results`, once each, in the order they are shown.
std::vector<const GroupResult*> groups_met(const std::vector<PeriodResult>& results);
// The group of `r` with the key of `like`, if it has one.
const GroupResult* find_group(const PeriodResult& r, const GroupResult& like);

struct TableInfo {
  std::string name;
  std::size_t rows = 0;
  std::size_t rejected = 0;
};

struct RunResult {
  std::string period_label;  // the period asked for, as a label
  std::vector<IndicatorResult> indicators;
  std::vector<TableInfo> tables;
  // A public output: small numbers are marked in each result's `hidden`, and no renderer shows an
  // exact figure that is marked.
  bool is_public = false;

  // Colours of the period asked for: red, amber, green, none.
  std::array<int, 4> summary() const;
};

}  // namespace tally::runtime
