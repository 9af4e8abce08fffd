// Aggregates: one small state type per aggregate, each with add (one known value), merge (what
// another stretch of rows of the same job gathered, added after these in row order) and
// finalize (the exact figure; it may be asked for again, as a sweep does). Aggregate holds the
// state the plan's operation names. Integer sums are kept in 128 bits and become rationals once.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <variant>
#include <vector>

#include "lang/base/number.hpp"
#include "runtime/exec/plan_terms.hpp"
#include "runtime/exec/vector.hpp"

namespace tally::runtime {

__extension__ typedef __int128 Int128;

// `count`: the rows selected, whatever their operand holds.
struct CountState {
  std::int64_t rows = 0;

  void add(const Vec&, std::size_t) { ++rows; }
  void merge(CountState&& o) { rows += o.rows; }
  std::optional<Rational> finalize() const { return Rational(rows); }
  bool empty() const { return rows == 0; }
};

// `sum`: scaled integers summed in 128 bits at one scale at a time, flushed to an exact rational
// when the scale changes and at the end; rationals summed exactly.
struct SumState {
  std::int64_t values = 0;
  Int128 units = 0;
  int scale = -1;      // of `units`; -1 before the first integer
  Rational exact = 0;  // sums of rationals, and flushed integer sums

  void add(const Vec& x, std::size_t k) {
    ++values;
    if (x.rational) {
      exact += x.r[k];
      return;
    }
    if (scale != x.scale) {
      flush();
      scale = x.scale;
    }
    units += x.v[k];
  }
  void merge(SumState&& o);
  // Moves `units` into `exact`.
  void flush();
  std::optional<Rational> finalize();
  bool empty() const { return values == 0; }
};

// `mean`: the sum over the number of values; missing over no values.
struct MeanState : SumState {
  void merge(MeanState&& o) { SumState::merge(std::move(o)); }
  std::optional<Rational> finalize();
};

// `count distinct`: whole values (text codes, day numbers, whole numbers) gathered, then made
// unique when counted (and whenever the repeats would double what was kept), which costs less
// than a hash set; other numbers in an ordered set of exact values.
struct DistinctState {
  std::vector<std::int64_t> whole;
  std::size_t kept = 0;  // values of `whole` already unique
  std::set<Rational> exact;

  void add(const Vec& x, std::size_t k) {
    if (x.rational)
      exact.insert(x.r[k]);
    else if (x.kind == Kind::number && x.scale != 0)
      exact.insert(x.number(k));
    else
      add_whole(x.v[k]);
  }
  void add_whole(std::int64_t v) {
    whole.push_back(v);
    if (whole.size() >= std::max<std::size_t>(2 * kept, 1u << 16)) make_unique();
  }
  void merge(DistinctState&& o);
  std::optional<Rational> finalize();
  bool empty() const { return whole.empty() && exact.empty(); }

  // How many different values `whole` holds, without rewriting them when a bitmap counts them.
  std::size_t count_unique();
  // Sorts `whole` and drops repeats.
  void make_unique();
};

// `median`: every value, sorted once at the end.
struct MedianState {
  std::vector<Rational> values;

  void add(const Vec& x, std::size_t k) { values.push_back(x.number(k)); }
  void merge(MedianState&& o);
  std::optional<Rational> finalize();
  bool empty() const { return values.empty(); }
};

// `min` and `max`: the least or greatest value met.
struct ExtremeState {
  bool greatest = false;  // max; else min
  std::optional<Rational> best;

  bool better(const Rational& v) const { return !best || (greatest ? v > *best : v < *best); }
  void add(const Vec& x, std::size_t k) {
    const Rational v = x.number(k);
    if (better(v)) best = v;
  }
  void merge(ExtremeState&& o) {
    if (o.best && better(*o.best)) best = std::move(o.best);
  }
  std::optional<Rational> finalize() const { return best; }
  bool empty() const { return !best; }
};

// One aggregate of one job. Missing values are skipped, as SQL's aggregates skip NULL.
class Aggregate {
 public:
  explicit Aggregate(AggregateOp op = AggregateOp::count);

  AggregateOp op() const { return op_; }
  // Adds rows [0, n) of a batch whose mask is set: their operand's values, or for a count the
  // rows themselves.
  void add(const Vec* operand, const std::vector<std::uint8_t>& mask, std::size_t n);
  // Adds row i of a batch.
  void add_row(const Vec* operand, std::size_t i) {
    if (auto* count = std::get_if<CountState>(&state_)) {
      ++count->rows;
      return;
    }
    const std::size_t k = at(*operand, i);
    if (!operand->known[k]) return;
    std::visit([&](auto& s) { s.add(*operand, k); }, state_);
  }
  // Adds `rows` rows counted elsewhere to a count.
  void add_counted(std::int64_t rows);
  // Adds what an aggregate of the same operation gathered over the rows after these.
  void merge(Aggregate&& other);
  std::optional<Rational> finalize();
  // Whether no value was added (a count: no row).
  bool empty() const;

 private:
  AggregateOp op_;
  std::variant<CountState, SumState, MeanState, DistinctState, MedianState, ExtremeState> state_;
};

}  // namespace tally::runtime
