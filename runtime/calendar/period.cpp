#include "runtime/calendar/period.hpp"

#include <fmt/format.h>

namespace tally::calendar {

namespace {

constexpr int kFirstMonthOfYear = 4;  // the financial year starts 1 April

int months_per_step(Cadence cadence) {
  switch (cadence) {
    case Cadence::month:
      return 1;
    case Cadence::quarter:
      return 3;
    case Cadence::year:
      return 12;
  }
  return 1;
}

// The calendar year in which the financial year holding `ymd` starts.
int financial_year(const Ymd& ymd) {
  return ymd.month >= kFirstMonthOfYear ? ymd.year : ymd.year - 1;
}

Day financial_year_start(int year) { return days_from_civil(year, kFirstMonthOfYear, 1); }

// 1..4, Q1 being April to June.
int financial_quarter(const Ymd& ymd) { return (ymd.month - kFirstMonthOfYear + 12) % 12 / 3 + 1; }

Period period_from(Cadence cadence, Day start) {
  return {cadence, start, add_months(start, months_per_step(cadence)) - 1};
}

std::string year_label(int year) { return fmt::format("{:04}-{:02}", year, (year + 1) % 100); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The number written in text[pos, pos + count), all digits; -1 otherwise.
int read_digits(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::string label(const Period& period) {
  const Ymd ymd = civil_from_days(period.start);
  switch (period.cadence) {
    case Cadence::month:
      return fmt::format("{:04}-{:02}", ymd.year, ymd.month);
    case Cadence::quarter:
      return fmt::format("{} Q{}", year_label(financial_year(ymd)), financial_quarter(ymd));
    case Cadence::year:
      return year_label(financial_year(ymd));
  }
  return {};
}

Period period_containing(Cadence cadence, Day day) {
  const Ymd ymd = civil_from_days(day);
  switch (cadence) {
    case Cadence::month:
      return period_from(cadence, days_from_civil(ymd.year, ymd.month, 1));
    case Cadence::quarter:
      return period_from(cadence, add_months(financial_year_start(financial_year(ymd)),
                                             (financial_quarter(ymd) - 1) * 3));
    case Cadence::year:
      return period_from(cadence, financial_year_start(financial_year(ymd)));
  }
  return {};
}

Period shift(const Period& period, int n) {
  return period_from(period.cadence, add_months(period.start, n * months_per_step(period.cadence)));
}

Period same_period_last_year(const Period& period) {
  return shift(period, -12 / months_per_step(period.cadence));
}

std::optional<PeriodArg> parse_period_arg(std::string_view text) {
  // Every form opens with four digits of a year, a dash and two more digits.
  const int year = read_digits(text, 0, 4);
  const int second = read_digits(text, 5, 2);
  if (year < kMinYear || second < 0 || text[4] != '-') return std::nullopt;
  const bool follows = second == (year + 1) % 100;
  if (follows && year == kMaxYear) return std::nullopt;  // the financial year 9999-00 ends in 10000

  if (text.size() == 7) {
    // "2017-18" names a financial year; otherwise "2017-06" names a month. Where both readings
    // fit ("2011-12") the financial year wins.
    if (follows) return PeriodArg{Cadence::year, financial_year_start(year)};
    if (second < 1 || second > 12) return std::nullopt;
    return PeriodArg{Cadence::month, days_from_civil(year, second, 1)};
  }
  if (text.size() == 10 && text[7] == '-') {
    const auto day = parse_iso(text);
    if (!day) return std::nullopt;
    return PeriodArg{std::nullopt, *day};
  }
  // "2017-18Q1" or "2017-18 Q1".
  std::size_t pos = 7;
  if (pos < text.size() && text[pos] == ' ') ++pos;
  if (!follows || pos + 2 != text.size() || (text[pos] != 'Q' && text[pos] != 'q'))
    return std::nullopt;
  const int quarter = read_digits(text, pos + 1, 1);
  if (quarter < 1 || quarter > 4) return std::nullopt;
  return PeriodArg{Cadence::quarter, add_months(financial_year_start(year), (quarter - 1) * 3)};
}

Period resolve(const PeriodArg& arg, Cadence cadence) {
  return period_containing(cadence, arg.day);
}

Window rolling_months(const Period& period, int months) {
  return {add_months(period.end + 1, -months), period.end};
}

Window year_to_date(const Period& period) {
  const Day start = financial_year_start(financial_year(civil_from_days(period.start)));
  return {start, period.end};
}

}  // namespace tally::calendar
