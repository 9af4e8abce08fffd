#include "runtime/exec/derived/key_index.hpp"

#include <algorithm>

namespace tally::runtime {

KeyIndex::KeyIndex(const Column& keys, bool numeric) : numeric_(numeric) {
  const std::size_t rows = keys.data.size();
  if (numeric_) {
    for (std::size_t r = 0; r < rows; ++r)
      if (keys.validity.known(r))
        exact_.emplace(Rational(keys.data[r]) / pow10_i64(keys.scale),
                       static_cast<std::int64_t>(r));
    return;
  }
  std::int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (std::size_t r = 0; r < rows; ++r) {
    if (!keys.validity.known(r)) continue;
    lo = std::min(lo, keys.data[r]);
    hi = std::max(hi, keys.data[r]);
  }
  if (lo > hi) return;
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  // Rows are numbered in 32 bits in the table by key: half the memory of 64, which the lookups
  // of a table in no particular order reach all over.
  if (span < std::max<std::uint64_t>(4 * rows, 1u << 16) && rows < (std::size_t{1} << 31)) {
    lo_ = lo;
    direct_.assign(span + 1, -1);
    for (std::size_t r = 0; r < rows; ++r) {
      if (!keys.validity.known(r)) continue;
      std::int32_t& slot = direct_[static_cast<std::size_t>(keys.data[r] - lo)];
      if (slot < 0) slot = static_cast<std::int32_t>(r);
    }
    return;
  }
  hashed_.reserve(rows);
  for (std::size_t r = 0; r < rows; ++r)
    if (keys.validity.known(r)) hashed_.emplace(keys.data[r], static_cast<std::int64_t>(r));
}

}  // namespace tally::runtime
