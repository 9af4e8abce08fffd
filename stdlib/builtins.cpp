#include "stdlib/builtins.hpp"

namespace tally::stdlib {

namespace {
constexpr BuiltinInfo kBuiltins[] = {
    {Builtin::days, "days", "days(a: date, b: date) -> days",
     "calendar days from a to b (negative when b is before a)", 2},
    {Builtin::working_days, "working_days", "working_days(a: date, b: date) -> working days",
     "Monday-Friday days after a up to and including b, less England and Wales bank holidays", 2},
    {Builtin::weeks, "weeks", "weeks(a: date, b: date) -> weeks", "whole weeks from a to b", 2},
    {Builtin::months, "months", "months(a: date, b: date) -> months",
     "whole months from a to b; a month counts once its day of the month is reached", 2},
    {Builtin::age, "age", "age(dob: date, at: date) -> years",
     "age in whole years at the date `at`", 2},
    {Builtin::active, "active", "active(start: date, end: date, at: date) -> bool",
     "start <= at and (end is missing or end > at): open on the date `at`", 3},
    {Builtin::coalesce, "coalesce", "coalesce(a: T, b: T) -> T", "a when it is known, otherwise b",
     2},
    {Builtin::abs, "abs", "abs(x: number) -> number", "x without its sign", 1},
};
}  // namespace

std::span<const BuiltinInfo> builtins() { return kBuiltins; }

const BuiltinInfo* find_builtin(std::string_view name) {
  for (const BuiltinInfo& b : kBuiltins)
    if (name == b.name) return &b;
  return nullptr;
}

}  // namespace tally::stdlib
