// Dates: adding days, working days or months; the days, working days, weeks, months or years
// between two dates; `active(start, end, at)`; the calendar or financial year of a date.
// Working days read the bank holiday table, and a date outside it is a fault of the expression.
#include <fmt/format.h>

#include <algorithm>

#include "runtime/calendar/working_days.hpp"
#include "runtime/exec/evaluator.hpp"
#include "runtime/exec/kernels.hpp"

namespace tally::runtime {

namespace {

// Days a months table may hold: years 1 to 9999, within which add_months is exact.
constexpr std::int64_t kMinTableDay = -719162, kMaxTableDay = 2932896;

// The whole-number value of amount cell i, or nullopt when it has a fraction.
std::optional<std::int64_t> whole(const Vec& amount, std::size_t i) {
  if (amount.rational) {
    const Rational& r = amount.r[i];
    if (boost::multiprecision::denominator(r) != 1) return std::nullopt;
    return static_cast<std::int64_t>(boost::multiprecision::numerator(r));
  }
  const std::int64_t f = pow10_i64(amount.scale);
  if (amount.v[i] % f != 0) return std::nullopt;
  return amount.v[i] / f;
}

}  // namespace

Vec Evaluator::date_add(const plan::Node& node, const Vec& date, const Vec& amount) {
  Vec x = result_of(Kind::date, {&date, &amount});
  const std::size_t n = x.size();
  if (node.op == NodeOp::date_add_months && amount.one() && amount.known[0] && !date.one()) {
    // Whole months added to many dates: each day's answer is looked up in a table of the days
    // met, kept from batch to batch, instead of converting every date to a calendar date.
    const auto k = whole(amount, 0);
    if (k && *k <= 100000 && *k >= -100000 && months_table(static_cast<int>(*k), date)) {
      const Day* to = months_.to.data();
      const Day from = months_.from;
      for (std::size_t i = 0; i < n; ++i) {
        if (!date.known[i]) continue;
        x.v[i] = to[date.v[i] - from];
        x.known[i] = 1;
      }
      return x;
    }
  }
  const auto& wd = calendar::WorkingDays::england_and_wales();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t id = at(date, i), ia = at(amount, i);
    if (!date.known[id] || !amount.known[ia]) continue;
    const auto k = whole(amount, ia);
    if (!k || *k > 100000 || *k < -100000) continue;
    const Day d = static_cast<Day>(date.v[id]);
    switch (node.op) {
      case NodeOp::date_add_days:
        x.v[i] = d + *k;
        x.known[i] = 1;
        break;
      case NodeOp::date_add_months:
        x.v[i] = add_months(d, static_cast<int>(*k));
        x.known[i] = 1;
        break;
      default: {
        auto r = wd.add(d, *k);
        if (!r) {
          outside_holidays(node, d);
          continue;
        }
        x.v[i] = *r;
        x.known[i] = 1;
      }
    }
  }
  return x;
}

// Whether months_ holds `months` added to every known day of `dates`, built or widened for them
// when their days span less than 2^16; false otherwise.
bool Evaluator::months_table(int months, const Vec& dates) {
  std::int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (std::size_t i = 0; i < dates.size(); ++i) {
    if (!dates.known[i]) continue;
    lo = std::min(lo, dates.v[i]);
    hi = std::max(hi, dates.v[i]);
  }
  if (lo > hi) return true;  // no known day
  const auto held = static_cast<std::int64_t>(months_.to.size());
  const bool have = !months_.to.empty() && months_.months == months;
  if (have && lo >= months_.from && hi < months_.from + held) return true;
  if (have) {
    lo = std::min<std::int64_t>(lo, months_.from);
    hi = std::max<std::int64_t>(hi, months_.from + held - 1);
  }
  if (hi - lo >= (std::int64_t{1} << 16) || lo < kMinTableDay || hi > kMaxTableDay) return false;
  months_.months = months;
  months_.from = static_cast<Day>(lo);
  months_.to.resize(static_cast<std::size_t>(hi - lo) + 1);
  for (std::size_t k = 0; k < months_.to.size(); ++k)
    months_.to[k] = add_months(months_.from + static_cast<Day>(k), months);
  return true;
}

void Evaluator::outside_holidays(const plan::Node& node, Day d) {
  const auto& wd = calendar::WorkingDays::england_and_wales();
  fault(node,
        fmt::format("working days cannot be counted for {}: the bank holiday table covers {} to {}",
                    format_iso(d), format_iso(wd.first_day()), format_iso(wd.last_day())),
        "check the dates in the data, or limit the rows with `where`");
}

Vec Evaluator::between_dates(const plan::Node& node, const Vec& a, const Vec& b) {
  Vec x = result_of(Kind::number, {&a, &b});
  const std::size_t n = x.size();
  if (node.op == NodeOp::days) {
    // Whole days: a loop of its own, with no test per row.
    days_cells(a, b, x);
    return x;
  }
  const auto& wd = calendar::WorkingDays::england_and_wales();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t ia = at(a, i), ib = at(b, i);
    if (!a.known[ia] || !b.known[ib]) continue;
    const Day from = static_cast<Day>(a.v[ia]), to = static_cast<Day>(b.v[ib]);
    x.known[i] = 1;
    switch (node.op) {
      case NodeOp::weeks:
        x.v[i] = (to - from) / 7 * 7;
        break;
      case NodeOp::months:
        x.v[i] = whole_months(from, to);
        break;
      case NodeOp::age:
        x.v[i] = static_cast<std::int64_t>(age_years(from, to)) * 12;
        break;
      default: {
        auto r = wd.between(from, to);
        if (!r) {
          x.known[i] = 0;
          outside_holidays(node, wd.covers(from) ? to : from);
          continue;
        }
        x.v[i] = *r;
      }
    }
  }
  return x;
}

Vec Evaluator::active(const Vec& start, const Vec& end, const Vec& when) {
  Vec x = result_of(Kind::boolean, {&start, &end, &when});
  const std::size_t n = x.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t is = at(start, i), ie = at(end, i), iw = at(when, i);
    if (!start.known[is] || !when.known[iw]) {
      // start <= at is missing; `false and missing` could still decide it, but only when the end
      // part is false: end known and end <= at.
      if (end.known[ie] && when.known[iw] && end.v[ie] <= when.v[iw]) x.known[i] = 1;
      continue;
    }
    x.known[i] = 1;
    x.v[i] = start.v[is] <= when.v[iw] && (!end.known[ie] || end.v[ie] > when.v[iw]) ? 1 : 0;
  }
  return x;
}

Vec Evaluator::year_of(const plan::Node& node, const Vec& date) {
  Vec x = result_of(Kind::number, {&date});
  x.scale = 0;
  const std::size_t n = x.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t id = at(date, i);
    if (!date.known[id]) continue;
    const Ymd ymd = civil_from_days(static_cast<Day>(date.v[id]));
    x.v[i] = node.op == NodeOp::financial_year && ymd.month < 4 ? ymd.year - 1 : ymd.year;
    x.known[i] = 1;
  }
  return x;
}

}  // namespace tally::runtime
