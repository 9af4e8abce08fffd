// Calendar dates as day numbers (days since 1970-01-01), with the conversions, formats and
// month arithmetic the language promises. Shared by the checker (date literals) and the runtime.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tally {

using Day = std::int32_t;  // days since 1970-01-01; negative before

struct Ymd {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

Day days_from_civil(int year, int month, int day);
Ymd civil_from_days(Day day);
bool is_leap_year(int year);
int days_in_month(int year, int month);
// 0 = Monday ... 6 = Sunday.
int weekday(Day day);

// Adds whole months; the day of month clamps to the end of the target month
// (31 Jan + 1 month = 28 or 29 Feb).
Day add_months(Day day, int months);
// Whole months from a to b (negative when b < a), counting a month only once its day is reached.
int whole_months(Day a, Day b);
// Whole years of age at `at` for someone born on `dob` (a 29 Feb birthday ages on 1 Mar).
int age_years(Day dob, Day at);

// The years a date written in a layout or given on the command line may have.
constexpr int kMinYear = 1000;
constexpr int kMaxYear = 9999;

// A date layout such as "dd/mm/yyyy", "yyyy-mm-dd", "d/m/yyyy" or "dd.mm.yy"(not two-digit
// years). `dd`/`mm` require two digits, `d`/`m` accept one or two; `yyyy` four digits, and the
// year must lie within kMinYear..kMaxYear.
class DateFormat {
 public:
  // Returns nullopt when the text is not a layout of d, m, yyyy and separators.
  static std::optional<DateFormat> parse(std::string_view layout);
  static const DateFormat& iso();

  // Parses `text` exactly in this layout; nullopt if it does not match or is not a real date.
  std::optional<Day> read(std::string_view text) const;
  // Whether `text` would be a real date in this layout but for its year, before kMinYear.
  bool year_out_of_range(std::string_view text) const;
  const std::string& layout() const { return layout_; }

 private:
  enum class Part : std::uint8_t { day1, day2, month1, month2, year4, literal };
  struct Piece {
    Part part;
    char literal;
  };
  // The numbers of `text` when it is written in this layout, whatever their values.
  bool fields(std::string_view text, int& year, int& month, int& day) const;
  std::string layout_;
  std::vector<Piece> pieces_;
};

std::string format_iso(Day day);
// Parses yyyy-mm-dd exactly.
std::optional<Day> parse_iso(std::string_view text);

}  // namespace tally
