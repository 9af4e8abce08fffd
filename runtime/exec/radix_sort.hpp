// A stable least-significant-digit radix sort of 64-bit words on a range of their bits, used to
// order rows for previous/next: each row is packed as (key, order, row number) in one word.
#pragma once

#include <cstdint>
#include <vector>


namespace tally::runtime {

// Sorts `words` by bits [low, high) of each word (low inclusive, high exclusive), keeping the
// order of words that agree on those bits. Many words are first spread by their top digit over
// buckets small enough to stay in cache, and each bucket is then sorted digit by digit from the
// lowest; digits are at most 12 bits wide, and a digit every word shares costs no pass. With
// `threads` above 1 and enough words, the work is shared between that many threads.
void radix_sort_bits(std::vector<std::uint64_t>& words, int low, int high, unsigned threads);

}  // namespace tally::runtime
