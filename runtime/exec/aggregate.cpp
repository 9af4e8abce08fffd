#include "runtime/exec/aggregate.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <utility>

namespace tally::runtime {

void SumState::merge(SumState&& o) {
  values += o.values;
  o.flush();
  flush();
  exact += o.exact;
}

void SumState::flush() {
  // Boost's integer converts from a 128-bit one itself (BOOST_HAS_INT128).
  if (scale >= 0 && units != 0) exact += Rational(BigInt(units), pow10(scale));
  units = 0;
}

std::optional<Rational> SumState::finalize() {
  flush();
  return exact;
}

std::optional<Rational> MeanState::finalize() {
  flush();
  if (values == 0) return std::nullopt;
  return Rational(exact / values);
}

namespace {

// The values of `whole` as a bitmap of their range, from `lo`, when its words are not many more
// than the values (text codes, day numbers); `different` counts the bits set, as they are first
// set (a popcount is a call on plain x86-64). False, leaving all as it was, otherwise.
bool bitmap_of(const std::vector<std::int64_t>& whole, std::vector<std::uint64_t>& bits,
               std::uint64_t& lo, std::size_t& different) {
  if (whole.size() < 2) return false;
  const auto [lo_it, hi_it] = std::minmax_element(whole.begin(), whole.end());
  lo = static_cast<std::uint64_t>(*lo_it);
  const std::uint64_t span = static_cast<std::uint64_t>(*hi_it) - lo;
  if (span >= (std::uint64_t{1} << 32) || span / 64 >= 4 * whole.size()) return false;
  bits.assign(static_cast<std::size_t>(span / 64) + 1, 0);
  different = 0;
  for (const std::int64_t v : whole) {
    const std::uint64_t off = static_cast<std::uint64_t>(v) - lo;
    std::uint64_t& word = bits[static_cast<std::size_t>(off >> 6)];
    const std::uint64_t bit = std::uint64_t{1} << (off & 63);
    different += (word & bit) == 0;
    word |= bit;
  }
  return true;
}

}  // namespace

void DistinctState::merge(DistinctState&& o) {
  whole.insert(whole.end(), o.whole.begin(), o.whole.end());
  exact.merge(o.exact);
}

std::size_t DistinctState::count_unique() {
  std::vector<std::uint64_t> bits;
  std::uint64_t lo = 0;
  std::size_t different = 0;
  if (bitmap_of(whole, bits, lo, different)) return different;
  make_unique();
  return whole.size();
}

void DistinctState::make_unique() {
  std::vector<std::uint64_t> bits;
  std::uint64_t lo = 0;
  std::size_t different = 0;
  if (bitmap_of(whole, bits, lo, different)) {
    whole.clear();
    for (std::size_t w = 0; w < bits.size(); ++w)
      for (std::uint64_t word = bits[w]; word != 0; word &= word - 1)
        whole.push_back(
            static_cast<std::int64_t>(lo + w * 64 + static_cast<unsigned>(std::countr_zero(word))));
  } else if (whole.size() > 1) {
    std::sort(whole.begin(), whole.end());
    whole.erase(std::unique(whole.begin(), whole.end()), whole.end());
  }
  kept = whole.size();
}

std::optional<Rational> DistinctState::finalize() {
  return Rational(static_cast<std::int64_t>(count_unique() + exact.size()));
}

void MedianState::merge(MedianState&& o) {
  values.insert(values.end(), std::make_move_iterator(o.values.begin()),
                std::make_move_iterator(o.values.end()));
}

std::optional<Rational> MedianState::finalize() {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  if (values.size() % 2 == 1) return values[mid];
  return Rational((values[mid - 1] + values[mid]) / 2);
}

Aggregate::Aggregate(AggregateOp op) : op_(op) {
  switch (op) {
    case AggregateOp::count:
      state_ = CountState{};
      break;
    case AggregateOp::sum:
    case AggregateOp::headcount:
      state_ = SumState{};
      break;
    case AggregateOp::mean:
      state_ = MeanState{};
      break;
    case AggregateOp::count_distinct:
      state_ = DistinctState{};
      break;
    case AggregateOp::median:
      state_ = MedianState{};
      break;
    case AggregateOp::min:
      state_ = ExtremeState{false, std::nullopt};
      break;
    case AggregateOp::max:
      state_ = ExtremeState{true, std::nullopt};
      break;
    default:
      throw std::logic_error("an aggregate of an operation that is not one");
  }
}

void Aggregate::add(const Vec* operand, const std::vector<std::uint8_t>& mask, std::size_t n) {
  if (auto* count = std::get_if<CountState>(&state_)) {
    for (std::size_t i = 0; i < n; ++i) count->rows += mask[i];
    return;
  }
  std::visit(
      [&](auto& s) {
        const Vec& x = *operand;
        for (std::size_t i = 0; i < n; ++i) {
          if (!mask[i]) continue;
          const std::size_t k = at(x, i);
          if (x.known[k]) s.add(x, k);
        }
      },
      state_);
}

void Aggregate::add_counted(std::int64_t rows) { std::get<CountState>(state_).rows += rows; }

void Aggregate::merge(Aggregate&& other) {
  std::visit(
      [&](auto& s) {
        using State = std::decay_t<decltype(s)>;
        s.merge(std::get<State>(std::move(other.state_)));
      },
      state_);
}

std::optional<Rational> Aggregate::finalize() {
  return std::visit([](auto& s) { return s.finalize(); }, state_);
}

bool Aggregate::empty() const {
  return std::visit([](const auto& s) { return s.empty(); }, state_);
}

}  // namespace tally::runtime
