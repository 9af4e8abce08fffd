// Decimal scales: a decimal cell or constant is held as a 64-bit integer of units of 10^-scale.
// The largest scale and the powers of ten that move a value from one scale to another, shared by
// the loader and the executor.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace tally {

// 10^18 is the largest power of ten a signed 64-bit integer holds.
inline constexpr int kMaxScale = 18;

inline constexpr std::array<std::int64_t, kMaxScale + 1> kPow10 = [] {
  std::array<std::int64_t, kMaxScale + 1> p{};
  p[0] = 1;
  for (std::size_t k = 1; k < p.size(); ++k) p[k] = p[k - 1] * 10;
  return p;
}();

// 10^scale, for a scale from 0 to kMaxScale.
constexpr std::int64_t pow10_i64(int scale) { return kPow10[static_cast<std::size_t>(scale)]; }

}  // namespace tally
