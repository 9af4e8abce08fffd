// A column computed over a whole table before its rows are evaluated: previous/next values and
// lookups. Previous/next values that are whole numbers within 2^31 of each other (day numbers,
// text codes) are kept as offsets from `base`: 16-bit ones when they lie within 2^15 (day numbers
// over a few decades), all bits set where missing, or else 32-bit ones, negative where missing.
// The walk that fills them then writes one small cell per row, in shuffled row order, instead of
// a value and a flag.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/exec/derived/radix_sort.hpp"
#include "runtime/exec/vector.hpp"

namespace tally::runtime {

inline constexpr std::uint16_t kMissing16 = 0xFFFF;

struct DerivedColumn {
  Vec wide;
  std::vector<std::uint16_t, UninitialisedAllocator<std::uint16_t>> narrow16;
  std::vector<std::int32_t, UninitialisedAllocator<std::int32_t>> narrow32;
  std::int64_t base = 0;
  bool is_narrow = false;
};

// Rows [begin, begin + n) as a flat vector.
Vec slice(const DerivedColumn& d, std::size_t begin, std::size_t n);

}  // namespace tally::runtime
