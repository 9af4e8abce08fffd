#include "lang/base/date.hpp"

#include <fmt/format.h>

namespace tally {

// Civil-calendar conversions after the well-known era-based algorithm (proleptic Gregorian).
Day days_from_civil(int year, int month, int day) {
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int mp = (month + 9) % 12;
  const int doy = (153 * mp + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<Day>(era * 146097 + doe - 719468);
}

Ymd civil_from_days(Day z0) {
  const long z = static_cast<long>(z0) + 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
  return {y, m, d};
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

int weekday(Day day) {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  const int w = static_cast<int>((static_cast<long>(day) + 3) % 7);
  return w < 0 ? w + 7 : w;
}

Day add_months(Day day, int months) {
  const Ymd ymd = civil_from_days(day);
  const long total = static_cast<long>(ymd.year) * 12 + (ymd.month - 1) + months;
  const int year = static_cast<int>(total >= 0 ? total / 12 : (total - 11) / 12);
  const int month = static_cast<int>(total - static_cast<long>(year) * 12) + 1;
  const int dim = days_in_month(year, month);
  return days_from_civil(year, month, ymd.day > dim ? dim : ymd.day);
}

int whole_months(Day a, Day b) {
  if (b < a) return -whole_months(b, a);
  const Ymd x = civil_from_days(a);
  const Ymd y = civil_from_days(b);
  int months = (y.year - x.year) * 12 + (y.month - x.month);
  if (months > 0 && add_months(a, months) > b) --months;
  return months;
}

int age_years(Day dob, Day at) {
  const Ymd birth = civil_from_days(dob);
  const Ymd now = civil_from_days(at);
  int years = now.year - birth.year;
  const bool before_birthday =
      now.month < birth.month || (now.month == birth.month && now.day < birth.day);
  if (before_birthday) --years;
  return years;
}

std::optional<DateFormat> DateFormat::parse(std::string_view layout) {
  DateFormat f;
  f.layout_ = std::string(layout);
  bool has_day = false, has_month = false, has_year = false;
  std::size_t i = 0;
  while (i < layout.size()) {
    const char c = layout[i];
    std::size_t run = 1;
    while (i + run < layout.size() && layout[i + run] == c) ++run;
    if (c == 'd' || c == 'm') {
      if (run > 2) return std::nullopt;
      bool& seen = c == 'd' ? has_day : has_month;
      if (seen) return std::nullopt;
      seen = true;
      const Part part = c == 'd' ? (run == 1 ? Part::day1 : Part::day2)
                                 : (run == 1 ? Part::month1 : Part::month2);
      f.pieces_.push_back({part, 0});
    } else if (c == 'y') {
      if (run != 4 || has_year) return std::nullopt;
      has_year = true;
      f.pieces_.push_back({Part::year4, 0});
    } else if (c == '/' || c == '-' || c == '.' || c == ' ') {
      for (std::size_t k = 0; k < run; ++k) f.pieces_.push_back({Part::literal, c});
    } else {
      return std::nullopt;
    }
    i += run;
  }
  if (!has_day || !has_month || !has_year) return std::nullopt;
  return f;
}

const DateFormat& DateFormat::iso() {
  static const DateFormat f = *DateFormat::parse("yyyy-mm-dd");
  return f;
}

namespace {
bool is_digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

std::optional<Day> DateFormat::read(std::string_view text) const {
  int day = 0, month = 0, year = 0;
  std::size_t pos = 0;
  auto digits = [&](std::size_t min, std::size_t max, int& out) {
    std::size_t n = 0;
    int v = 0;
    while (n < max && pos < text.size() && is_digit(text[pos])) {
      v = v * 10 + (text[pos] - '0');
      ++pos;
      ++n;
    }
    out = v;
    return n >= min;
  };
  for (const Piece& p : pieces_) {
    bool ok = true;
    switch (p.part) {
      case Part::day1: ok = digits(1, 2, day); break;
      case Part::day2: ok = digits(2, 2, day); break;
      case Part::month1: ok = digits(1, 2, month); break;
      case Part::month2: ok = digits(2, 2, month); break;
      case Part::year4: ok = digits(4, 4, year); break;
      case Part::literal: ok = pos < text.size() && text[pos] == p.literal; ++pos; break;
    }
    if (!ok) return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  return days_from_civil(year, month, day);
}

std::string format_iso(Day day) {
  const Ymd ymd = civil_from_days(day);
  return fmt::format("{:04}-{:02}-{:02}", ymd.year, ymd.month, ymd.day);
}

std::optional<Day> parse_iso(std::string_view text) { return DateFormat::iso().read(text); }

}  // namespace tally
