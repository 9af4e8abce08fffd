// The built-in functions, declared once as data: name, signature and a one-line description.
// The checker types calls from this list, the executor runs them by id, and docs/ lists them.
#pragma once

#include <span>
#include <string_view>

namespace tally::stdlib {

enum class Builtin {
  days,            // days(a, b): calendar days from a to b
  working_days,    // working_days(a, b): Monday-Friday days after a up to b, less bank holidays
  weeks,           // weeks(a, b): whole weeks from a to b
  months,          // months(a, b): whole months from a to b
  age,             // age(dob, at): whole years
  active,          // active(start, end, at): start <= at and (end is missing or end > at)
  coalesce,        // coalesce(a, b): a, or b when a is missing
  abs,             // abs(x): x without its sign
  least,           // least(a, b, ...): the smallest known argument
  greatest,        // greatest(a, b, ...): the largest known argument
  length,          // length(t): characters in t
  upper,           // upper(t): t in capitals (A-Z)
  lower,           // lower(t): t in small letters (a-z)
  trim,            // trim(t): t without spaces at either end
  starts_with,     // starts_with(t, p): t begins with p
  ends_with,       // ends_with(t, p): t ends with p
  contains,        // contains(t, p): p occurs in t
  substring,       // substring(t, start, length): characters from `start` (1 = the first)
  matches,         // matches(t, "pattern"): the whole of t matches the RE2 pattern
  year,            // year(d): the calendar year of d, a number
  financial_year,  // financial_year(d): the year the UK financial year holding d starts
};

struct BuiltinInfo {
  Builtin id;
  const char* name;
  const char* signature;
  const char* doc;
  int arity;  // kVariadic: two or more
};

inline constexpr int kVariadic = -1;

std::span<const BuiltinInfo> builtins();
const BuiltinInfo* find_builtin(std::string_view name);

}  // namespace tally::stdlib
