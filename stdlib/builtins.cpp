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
    {Builtin::least, "least", "least(a: T, b: T, ...) -> T",
     "the smallest of the known arguments; missing only when all are (T a number or a date)",
     kVariadic},
    {Builtin::greatest, "greatest", "greatest(a: T, b: T, ...) -> T",
     "the largest of the known arguments; missing only when all are (T a number or a date)",
     kVariadic},
    {Builtin::length, "length", "length(t: text) -> number",
     "the number of characters in t (UTF-8 characters, not bytes)", 1},
    {Builtin::upper, "upper", "upper(t: text) -> text",
     "t with a-z written as A-Z (other characters as they are)", 1},
    {Builtin::lower, "lower", "lower(t: text) -> text",
     "t with A-Z written as a-z (other characters as they are)", 1},
    {Builtin::trim, "trim", "trim(t: text) -> text",
     "t without spaces, tabs and line breaks at either end", 1},
    {Builtin::starts_with, "starts_with", "starts_with(t: text, prefix: text) -> bool",
     "t begins with prefix", 2},
    {Builtin::ends_with, "ends_with", "ends_with(t: text, suffix: text) -> bool",
     "t ends with suffix", 2},
    {Builtin::contains, "contains", "contains(t: text, part: text) -> bool", "part occurs in t", 2},
    {Builtin::substring, "substring", "substring(t: text, start: number, length: number) -> text",
     "`length` characters of t from character `start`, the first being 1; shorter at the end", 3},
    {Builtin::matches, "matches", "matches(t: text, \"pattern\") -> bool",
     "the whole of t matches the RE2 pattern (a literal text, checked with the definitions)", 2},
    {Builtin::year, "year", "year(d: date) -> number", "the calendar year of d, as in 2017", 1},
    {Builtin::financial_year, "financial_year", "financial_year(d: date) -> number",
     "the year the UK financial year holding d starts: 2017 for 2017-04-01 to 2018-03-31", 1},
};
}  // namespace

std::span<const BuiltinInfo> builtins() { return kBuiltins; }

const BuiltinInfo* find_builtin(std::string_view name) {
  for (const BuiltinInfo& b : kBuiltins)
    if (name == b.name) return &b;
  return nullptr;
}

}  // namespace tally::stdlib
