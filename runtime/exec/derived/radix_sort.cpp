#include "runtime/exec/derived/radix_sort.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

#include "runtime/exec/in_parts.hpp"

namespace tally::runtime {

namespace {

constexpr int kMaxDigitBits = 12;
// Below this many words a second thread costs more than it saves.
constexpr std::size_t kParallelWords = std::size_t{1} << 18;
// Words a bucket may hold and still be sorted within the processor's caches (128 KiB, within a
// core's second-level cache). Larger buckets mean a first pass over fewer of them, whose writes
// stream to fewer places at once (bench: radix_sort_visits).
constexpr std::size_t kCacheWords = std::size_t{1} << 14;

// A buffer of n words, the system asked first to back it with huge pages (2 MiB instead of
// 4 KiB) where it can (Linux): the first pass of the sort writes to a thousand places of it at
// once, and with small pages nearly every write misses the translation cache (bench:
// radix_sort_visits, about a seventh faster). The advice is only that; without huge pages, small
// ones serve.
Words large_buffer(std::size_t n) {
  Words words;
  words.reserve(n);
#ifdef MADV_HUGEPAGE
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  const auto begin = (reinterpret_cast<std::uintptr_t>(words.data()) + kHuge - 1) & ~(kHuge - 1);
  const auto end =
      (reinterpret_cast<std::uintptr_t>(words.data()) + n * sizeof(std::uint64_t)) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#endif
  words.resize(n);
  return words;
}

// Counts the digits of from[0, n) into slot: the digit is (word >> shift) & mask.
void count_digits(const std::uint64_t* __restrict from, std::size_t n, std::size_t* __restrict slot,
                  int shift, std::uint64_t mask) {
  for (std::size_t i = 0; i < n; ++i) ++slot[(from[i] >> shift) & mask];
}

// Moves each of from[0, n) to to[slot[its digit]++]. Like count_digits, its values are
// parameters, so that the loop keeps them in registers (words written through `to` could
// otherwise be the mask or the slots' address, as far as the compiler knows).
void scatter(const std::uint64_t* __restrict from, std::size_t n, std::uint64_t* __restrict to,
             std::size_t* __restrict slot, int shift, std::uint64_t mask) {
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t w = from[i];
    to[slot[(w >> shift) & mask]++] = w;
  }
}

// Sorts data[0, n) by bits [low, high), keeping ties in order, with tmp[0, n) as room; the
// sorted words end in data. One counting pass per digit of at most kMaxDigitBits bits; a digit
// that every word shares is skipped.
void lsd(std::uint64_t* data, std::uint64_t* tmp, std::size_t n, int low, int high,
         std::vector<std::size_t>& count) {
  if (high <= low || n < 2) return;
  const int bits = high - low;
  const int passes = (bits + kMaxDigitBits - 1) / kMaxDigitBits;
  const int width = (bits + passes - 1) / passes;
  std::uint64_t* from = data;
  std::uint64_t* to = tmp;
  for (int pass = 0; pass < passes; ++pass) {
    const int shift = low + pass * width;
    const int digit_bits = std::min(width, high - shift);
    const std::uint64_t mask = (std::uint64_t{1} << digit_bits) - 1;
    count.assign(std::size_t{1} << digit_bits, 0);
    std::size_t* slot = count.data();
    count_digits(from, n, slot, shift, mask);
    std::size_t sum = 0;
    bool one_bucket = false;
    for (std::size_t& c : count) {
      const std::size_t here = c;
      one_bucket = one_bucket || here == n;
      c = sum;
      sum += here;
    }
    if (one_bucket) continue;
    scatter(from, n, to, slot, shift, mask);
    std::swap(from, to);
  }
  if (from != data) std::memcpy(data, from, n * sizeof(std::uint64_t));
}

}  // namespace

void radix_sort_bits(Words& words, int low, int high, unsigned threads) {
  low = std::max(low, 0);
  high = std::min(high, 64);
  const std::size_t n = words.size();
  if (high <= low || n < 2) return;
  Words other = large_buffer(n);
  std::vector<std::size_t> count;
  if (high - low <= kMaxDigitBits || n <= kCacheWords) {
    lsd(words.data(), other.data(), n, low, high, count);
    return;
  }

  // One pass on the top digit spreads the words over buckets of about kCacheWords each, in
  // order of that digit; then each bucket is sorted on the bits below it while it is in cache.
  const int top = std::clamp(static_cast<int>(std::bit_width(n / kCacheWords)), 1,
                             std::min(kMaxDigitBits, high - low));
  const int shift = high - top;
  const std::size_t buckets = std::size_t{1} << top;
  const std::uint64_t mask = buckets - 1;
  const unsigned parts = n >= kParallelWords ? std::max(1u, threads) : 1u;
  std::vector<std::size_t> bounds(parts + 1);
  for (unsigned p = 0; p <= parts; ++p) bounds[p] = n * p / parts;
  std::vector<std::vector<std::size_t>> slots(parts, std::vector<std::size_t>(buckets));
  const std::uint64_t* from = words.data();
  std::uint64_t* to = other.data();
  in_parts(parts, [&](unsigned p) {
    count_digits(from + bounds[p], bounds[p + 1] - bounds[p], slots[p].data(), shift, mask);
  });
  // Where each part writes each bucket (buckets in order, parts in order within a bucket), and
  // where each bucket begins.
  std::vector<std::size_t> start(buckets + 1);
  std::size_t sum = 0;
  for (std::size_t b = 0; b < buckets; ++b) {
    start[b] = sum;
    for (unsigned p = 0; p < parts; ++p) {
      const std::size_t here = slots[p][b];
      slots[p][b] = sum;
      sum += here;
    }
  }
  start[buckets] = n;
  in_parts(parts, [&](unsigned p) {
    scatter(from + bounds[p], bounds[p + 1] - bounds[p], to, slots[p].data(), shift, mask);
  });
  // The buckets shared between the parts by words, each sorted in `other` with the same stretch
  // of `words` as room.
  std::vector<std::size_t> first(parts + 1, buckets);
  first[0] = 0;
  for (unsigned p = 1; p < parts; ++p)
    first[p] = static_cast<std::size_t>(
        std::lower_bound(start.begin(), start.end(), n * p / parts) - start.begin());
  in_parts(parts, [&](unsigned p) {
    std::vector<std::size_t> c;
    for (std::size_t b = first[p]; b < first[p + 1] && b < buckets; ++b)
      lsd(other.data() + start[b], words.data() + start[b], start[b + 1] - start[b], low, shift, c);
  });
  words.swap(other);
}

}  // namespace tally::runtime
