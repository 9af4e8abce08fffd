// Working days: Monday to Friday, less England and Wales bank holidays (stdlib/bank_holidays).
// Answers in constant time from a table of running counts built once.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "lang/base/date.hpp"

namespace tally::calendar {

class WorkingDays {
 public:
  static const WorkingDays& england_and_wales();

  // First and last days the holiday table covers (1995-01-01 .. 2035-12-31).
  Day first_day() const { return first_; }
  Day last_day() const { return last_; }
  bool covers(Day day) const { return day >= first_ && day <= last_; }

  bool is_working_day(Day day) const;  // requires covers(day)
  // Working days after `a` up to and including `b`; negative (the same count, negated) when
  // b < a. nullopt when either date is outside the table.
  std::optional<std::int64_t> between(Day a, Day b) const;
  // The day `n` working days after `day` (before it when n < 0); nullopt outside the table.
  std::optional<Day> add(Day day, std::int64_t n) const;

 private:
  WorkingDays();
  Day first_ = 0, last_ = 0;
  std::vector<std::int32_t> running_;  // running_[i] = working days in [first_, first_ + i]
};

}  // namespace tally::calendar
