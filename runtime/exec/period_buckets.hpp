// Period buckets: when an indicator's rows fall into periods by one date (`X in period`, `in
// window`, or `active(S, E, P)` with P a bound of the period or window, among conditions that do
// not depend on the period), its rows are evaluated once per batch and each is added to every
// period that holds it, instead of evaluating every condition once per period.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "lang/base/date.hpp"
#include "runtime/exec/jobs.hpp"
#include "runtime/exec/run_state.hpp"

namespace tally::runtime {

// std::lower_bound (or upper_bound) of a day in sorted days, looked up in a table by day: rows
// are placed in their periods without a search. Days spread over more than 2^22 fall back to
// searching.
class Ranks {
 public:
  Ranks() = default;
  Ranks(const std::vector<Day>& days, bool upper);
  std::size_t operator()(Day d) const {
    if (at_.empty()) return search(d);
    if (d < from_) return 0;
    const auto i = static_cast<std::size_t>(d - from_);
    return i < at_.size() ? at_[i] : days_.size();
  }

 private:
  std::size_t search(Day d) const {
    const auto it = upper_ ? std::upper_bound(days_.begin(), days_.end(), d)
                           : std::lower_bound(days_.begin(), days_.end(), d);
    return static_cast<std::size_t>(it - days_.begin());
  }
  std::vector<Day> days_;
  bool upper_ = false;
  Day from_ = 0;
  std::vector<std::uint32_t> at_;
};

// The jobs of one indicator placed by one date. With `in`, a row goes to the periods whose
// bounds hold X; with `active`, to every job whose P lies in [S, E), or from S on when E is
// missing.
struct Buckets {
  bool ok = false;
  bool active = false;
  NodeId anchor = kNone;          // the date that places a row: X of `in`, S of `active`
  NodeId until = kNone;           // E of `active`
  std::vector<NodeId> rest;       // the other conditions of where and denominator/value where
  std::vector<std::size_t> jobs;  // sorted by lower bound (`active`: by P)
  std::vector<Day> lo, hi;        // `in`: each job's bounds; `active`: P in lo
  Ranks lo_lower, lo_upper, hi_lower;

  // `in`: each day from `first_day` (the least lower bound) to the greatest upper bound, with the
  // positions of the jobs that hold it, [span_first, span_last); a day outside is in none.
  Day first_day = 0;
  std::vector<std::uint32_t> span_first, span_last;

  void rank();

  // The jobs, as positions in `jobs`, that a row with anchor d (and `active`'s end, when known)
  // falls in.
  std::pair<std::size_t, std::size_t> span(Day d, const std::optional<Day>& end) const {
    if (active) {
      const std::size_t first = lo_lower(d);
      return {first, end ? std::max(first, lo_lower(*end)) : lo.size()};
    }
    if (!span_first.empty()) {
      const auto k = static_cast<std::uint64_t>(static_cast<std::int64_t>(d) - first_day);
      if (k >= span_first.size()) return {0, 0};  // before the first period or after the last
      return {span_first[k], span_last[k]};
    }
    // The first job whose upper bound reaches d, to the last whose lower bound does.
    const std::size_t first = hi_lower(d);
    return {first, std::max(first, lo_upper(d))};
  }
};

// The buckets of `indicator`'s jobs (`mine`: their indices into `jobs`), or buckets that are not
// `ok` when its conditions do not have the shape.
Buckets buckets_for(const RunState& run, std::uint32_t indicator, const std::vector<Job>& jobs,
                    const std::vector<std::size_t>& mine);

// The usual count over count by a date in period (`in`, with `span_first` made): for each of
// rows [0, n) in the denominator (`in_den`) whose day is known, one more in den[q] and in_num[i]
// more in num[q] for every position q of the jobs holding its day. A loop of its own.
void count_by_day(const Buckets& b, const Vec& day, const std::uint8_t* in_den,
                  const std::uint8_t* in_num, std::size_t n, std::int64_t* den, std::int64_t* num);

// count_by_day for a breakdown: row i counts for group[i], at [group[i] * positions + q].
void count_by_day_grouped(const Buckets& b, const Vec& day, const std::uint8_t* in_den,
                          const std::uint8_t* in_num, const std::uint32_t* group, std::size_t n,
                          std::size_t positions, std::int64_t* den, std::int64_t* num);

}  // namespace tally::runtime
