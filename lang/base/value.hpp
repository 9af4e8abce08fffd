// Values of the language and their types: kinds, units of numbers, and constants (literals,
// parameter values, the plan's folded constants). Shared by the checker, the plan and the runtime,
// as numbers and dates are, because a literal means the same in each.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lang/base/date.hpp"
#include "lang/base/number.hpp"

namespace tally {

enum class Kind : std::uint8_t { error, boolean, number, text, date, list };

// Units of numbers. Weeks are counted in days and years in months, so `6 weeks` compares with
// days and `1 year` with months; calendar days, working days and months never mix.
enum class Unit : std::uint8_t { none, days, working_days, weeks, months, years, percent };

enum class Dimension : std::uint8_t { none, days, working_days, months, percent };
Dimension dimension(Unit unit);
// How many base units (days, working days, months) one of `unit` is: 7 for weeks, 12 for years.
int unit_factor(Unit unit);
const char* unit_text(Unit unit);  // "days", "working days", "percent", ...

struct Type {
  Kind kind = Kind::error;
  Unit unit = Unit::none;
  // A plain number written as a literal (or a parameter declared so): it takes the unit of the
  // value it meets, so `gap <= 10` means 10 days when gap is days.
  bool adaptive = false;
  Kind element = Kind::error;  // for lists
  Unit element_unit = Unit::none;

  static Type error() { return {}; }
  static Type boolean() { return {Kind::boolean}; }
  static Type text() { return {Kind::text}; }
  static Type date() { return {Kind::date}; }
  static Type number(Unit unit = Unit::none, bool adaptive = false) {
    return {Kind::number, unit, adaptive};
  }
  bool is_error() const { return kind == Kind::error; }
  bool operator==(const Type&) const = default;
};

// "days", "working days", "a date", "text", "true/false", "a number", "a percentage", "a list".
std::string describe(const Type& type);

// A literal value: the value of a parameter or of an override. Numbers are exact and held in the
// base unit of their dimension (`6 weeks` holds 42, `1 year` holds 12).
struct Constant {
  Type type;
  Rational number;
  Day date = 0;
  std::string text;
  bool boolean = false;
  std::vector<Constant> items;
};

// A parameter's value in force from a date on (`from 2019-04-01 = 15 days "Committee ..."`),
// until the next such value; the value declared first holds before the first of them.
struct DatedConstant {
  Day from = 0;
  Constant value;
  std::string decision;  // the decision that set it, empty when none is given
};

// As tally source: `10 days`, `90%`, `2017-04-01`, `"E11"`, `("V3", "V4")`.
std::string constant_source(const Constant& c);
// As shown in reports: like constant_source, but text unquoted and lists joined with ", ".
std::string constant_display(const Constant& c);
// Text as a tally string literal: in double quotes, with `"` and `\` escaped.
std::string quoted(const std::string& text);

}  // namespace tally
