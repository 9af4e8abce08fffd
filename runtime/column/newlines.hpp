// Counting line feeds in a block of bytes, eight at a time: how a file read in parts knows the
// line each part starts on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace tally::runtime {

// The number of '\n' bytes in data[0, n).
inline std::uint64_t count_newlines(const char* data, std::size_t n) {
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Fu;
  constexpr std::uint64_t kNewlines = 0x0A0A0A0A0A0A0A0Au;
  std::uint64_t count = 0;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, data + i, 8);
    const std::uint64_t x = word ^ kNewlines;  // zero bytes where the newlines are
    // High bit of each byte set exactly where the byte of x is not zero.
    const std::uint64_t nonzero = ((x & kLow7) + kLow7) | x;
    // One per newline byte, added up in the top byte.
    const std::uint64_t ones = (~nonzero & ~kLow7) >> 7;
    count += (ones * 0x0101010101010101u) >> 56;
  }
  for (; i < n; ++i) count += data[i] == '\n';
  return count;
}

}  // namespace tally::runtime
