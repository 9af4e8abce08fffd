// A stable least-significant-digit radix sort of 64-bit words on a range of their bits, used to
// order rows for previous/next: each row is packed as (key, order, row number) in one word.
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace tally::runtime {

// Leaves new elements of a vector uninitialised: for large buffers whose every element is written
// before it is read, so that they cost no pass of zeros and their pages are first touched by the
// threads that fill them.
template <typename T>
struct UninitialisedAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitialisedAllocator<U>;
  };
  UninitialisedAllocator() = default;
  template <typename U>
  UninitialisedAllocator(const UninitialisedAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

// Packed rows to sort (see SortedRows).
using Words = std::vector<std::uint64_t, UninitialisedAllocator<std::uint64_t>>;

// Sorts `words` by bits [low, high) of each word (low inclusive, high exclusive), keeping the
// order of words that agree on those bits. Many words are first spread by their top digit over
// buckets small enough to stay in cache, and each bucket is then sorted digit by digit from the
// lowest; digits are at most 12 bits wide, and a digit every word shares costs no pass. With
// `threads` above 1 and enough words, the work is shared between that many threads.
void radix_sort_bits(Words& words, int low, int high, unsigned threads);

}  // namespace tally::runtime
