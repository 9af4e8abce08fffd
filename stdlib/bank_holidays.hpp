// England and Wales bank holidays, 1995 to 2035, kept as data: the regular days with their
// substitute days, and the one-off days proclaimed for royal and national events.
#pragma once

#include <span>

#include "lang/base/date.hpp"

namespace tally::stdlib {

struct BankHoliday {
  int year, month, day;
  const char* name;
};

// Every bank holiday from 1995-01-01 to 2035-12-31, in date order.
std::span<const BankHoliday> england_wales_bank_holidays();
constexpr int kBankHolidayFirstYear = 1995;
constexpr int kBankHolidayLastYear = 2035;

}  // namespace tally::stdlib
