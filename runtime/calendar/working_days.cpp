#include "runtime/calendar/working_days.hpp"

#include <algorithm>

#include "stdlib/bank_holidays.hpp"

namespace tally::calendar {

const WorkingDays& WorkingDays::england_and_wales() {
  static const WorkingDays table;
  return table;
}

WorkingDays::WorkingDays()
    : first_(days_from_civil(stdlib::kBankHolidayFirstYear, 1, 1)),
      last_(days_from_civil(stdlib::kBankHolidayLastYear, 12, 31)) {
  const auto size = static_cast<std::size_t>(last_ - first_) + 1;
  std::vector<bool> holiday(size, false);
  for (const stdlib::BankHoliday& h : stdlib::england_wales_bank_holidays()) {
    const Day day = days_from_civil(h.year, h.month, h.day);
    if (covers(day)) holiday[static_cast<std::size_t>(day - first_)] = true;
  }
  running_.resize(size);
  std::int32_t count = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const Day day = first_ + static_cast<Day>(i);
    if (weekday(day) < 5 && !holiday[i]) ++count;
    running_[i] = count;
  }
}

bool WorkingDays::is_working_day(Day day) const {
  const auto i = static_cast<std::size_t>(day - first_);
  return running_[i] != (i == 0 ? 0 : running_[i - 1]);
}

std::optional<std::int64_t> WorkingDays::between(Day a, Day b) const {
  if (!covers(a) || !covers(b)) return std::nullopt;
  return static_cast<std::int64_t>(running_[static_cast<std::size_t>(b - first_)]) -
         running_[static_cast<std::size_t>(a - first_)];
}

std::optional<Day> WorkingDays::add(Day day, std::int64_t n) const {
  if (!covers(day)) return std::nullopt;
  const std::int64_t total = running_.back();
  if (n > total || n < -total) return std::nullopt;
  const auto i = static_cast<std::size_t>(day - first_);
  // Working days in [first_, day - 1], then the running count the answer must carry: it is the
  // first day whose running count reaches that number, which is always a working day.
  const std::int64_t before = i == 0 ? 0 : running_[i - 1];
  std::int64_t target = 0;
  if (n > 0) {
    target = running_[i] + n;
  } else if (n < 0) {
    target = before + n + 1;
  } else {
    return day;
  }
  if (target < 1 || target > total) return std::nullopt;
  const auto it = std::lower_bound(running_.begin(), running_.end(), target);
  return first_ + static_cast<Day>(it - running_.begin());
}

}  // namespace tally::calendar
