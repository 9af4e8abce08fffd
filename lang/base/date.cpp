#include "lang/base/date.hpp"

#include <fmt/format.h>

#include <cstring>

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

// The value of the two digits at s[0, 2), or -1.
int two_digits(const char* s) {
  const unsigned a = static_cast<unsigned char>(s[0]) - '0';
  const unsigned b = static_cast<unsigned char>(s[1]) - '0';
  return a <= 9 && b <= 9 ? static_cast<int>(a * 10 + b) : -1;
}

// The day number of a date known to be valid, years 0 to 9999: days_from_civil without the eras.
Day days_from_valid(int year, int month, int day) {
  static constexpr int kBefore[] = {306, 337, 0, 31, 61, 92, 122, 153, 184, 214, 245, 275};
  const int y = year - (month <= 2 ? 1 : 0) + 400;  // from 400 years earlier, so never negative
  const int doe = y * 365 + y / 4 - y / 100 + y / 400 + kBefore[month - 1] + day - 1;
  return static_cast<Day>(doe - 146097 - 719468);
}

// A date's day number into `out`; false when the month or the day does not exist, or the year
// is out of range.
bool checked_day(int year, int month, int day, Day& out) {
  if (year < kMinYear || year > kMaxYear || month < 1 || month > 12 || day < 1) return false;
  if (day > 28 && day > days_in_month(year, month)) return false;
  out = days_from_valid(year, month, day);
  return true;
}

// Whether the eight bytes at `s` are all ASCII digits.
bool eight_digits(const char* s) {
  std::uint64_t word;
  std::memcpy(&word, s, 8);
  // Each byte minus '0' must lie in 0..9: no borrow below '0', nothing at or above 10.
  const std::uint64_t low = word - 0x3030303030303030u;
  const std::uint64_t high = word + 0x4646464646464646u;  // carries into bit 7 from '9' + 1 on
  return ((word | low | high) & 0x8080808080808080u) == 0;
}
}  // namespace

std::optional<Day> DateFormat::read(std::string_view text) const {
  const char* const s = text.data();
  const std::size_t n = text.size();
  // The common ten-character layouts: two-digit day and month, four-digit year, two separators.
  if (n == 10 && pieces_.size() == 5 && pieces_[1].part == Part::literal &&
      pieces_[3].part == Part::literal) {
    const Part first = pieces_[0].part, middle = pieces_[2].part, last = pieces_[4].part;
    char digits[8];
    int year = 0, month = 0, day = 0;
    bool fixed = true;
    if (first == Part::year4 && middle == Part::month2 && last == Part::day2) {
      if (s[4] != pieces_[1].literal || s[7] != pieces_[3].literal) return std::nullopt;
      std::memcpy(digits, s, 4);
      std::memcpy(digits + 4, s + 5, 2);
      std::memcpy(digits + 6, s + 8, 2);
      if (!eight_digits(digits)) return std::nullopt;
      year = two_digits(s) * 100 + two_digits(s + 2);
      month = two_digits(s + 5);
      day = two_digits(s + 8);
    } else if ((first == Part::day2 || first == Part::month2) && middle != first &&
               (middle == Part::day2 || middle == Part::month2) && last == Part::year4) {
      if (s[2] != pieces_[1].literal || s[5] != pieces_[3].literal) return std::nullopt;
      std::memcpy(digits, s, 2);
      std::memcpy(digits + 2, s + 3, 2);
      std::memcpy(digits + 4, s + 6, 4);
      if (!eight_digits(digits)) return std::nullopt;
      const int a = two_digits(s), b = two_digits(s + 3);
      year = two_digits(s + 6) * 100 + two_digits(s + 8);
      day = first == Part::day2 ? a : b;
      month = first == Part::day2 ? b : a;
    } else {
      fixed = false;
    }
    if (fixed) {
      Day out = 0;
      if (!checked_day(year, month, day, out)) return std::nullopt;
      return out;
    }
  }

  int day = 0, month = 0, year = 0;
  if (!fields(text, year, month, day)) return std::nullopt;
  Day out = 0;
  if (!checked_day(year, month, day, out)) return std::nullopt;
  return out;
}

bool DateFormat::year_out_of_range(std::string_view text) const {
  int day = 0, month = 0, year = 0;
  if (!fields(text, year, month, day) || year >= kMinYear) return false;
  return month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

bool DateFormat::fields(std::string_view text, int& year, int& month, int& day) const {
  const char* const s = text.data();
  const std::size_t n = text.size();
  std::size_t pos = 0;
  // One or two digits; the second only when it is a digit.
  const auto short_number = [&](int& out) {
    if (pos >= n || !is_digit(s[pos])) return false;
    out = s[pos++] - '0';
    if (pos < n && is_digit(s[pos])) out = out * 10 + (s[pos++] - '0');
    return true;
  };
  for (const Piece& p : pieces_) {
    switch (p.part) {
      case Part::literal:
        if (pos >= n || s[pos] != p.literal) return false;
        ++pos;
        break;
      case Part::day2:
      case Part::month2: {
        if (pos + 2 > n) return false;
        const int v = two_digits(s + pos);
        if (v < 0) return false;
        (p.part == Part::day2 ? day : month) = v;
        pos += 2;
        break;
      }
      case Part::year4: {
        if (pos + 4 > n) return false;
        const int hi = two_digits(s + pos), lo = two_digits(s + pos + 2);
        if (hi < 0 || lo < 0) return false;
        year = hi * 100 + lo;
        pos += 4;
        break;
      }
      case Part::day1:
        if (!short_number(day)) return false;
        break;
      case Part::month1:
        if (!short_number(month)) return false;
        break;
    }
  }
  return pos == n;
}

std::string format_iso(Day day) {
  const Ymd ymd = civil_from_days(day);
  return fmt::format("{:04}-{:02}-{:02}", ymd.year, ymd.month, ymd.day);
}

std::optional<Day> parse_iso(std::string_view text) { return DateFormat::iso().read(text); }

}  // namespace tally
