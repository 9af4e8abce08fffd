// Whether rows come grouped by key and in order within each key, as a previous/next walks them:
// checked per stretch of rows (one per thread) with a bitmap of the keys met, then across the
// stretches. Rows that are grouped already are walked in place, or their packed words left
// unsorted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/column/column.hpp"
#include "runtime/exec/derived/radix_sort.hpp"

namespace tally::runtime {

// Keys of more than 2^28 values are not checked for grouping.
constexpr int kGroupCheckBits = 28;

// Whether one stretch of rows comes grouped by key and in order within each key, noted row by row
// with a bitmap of the keys met (0 and up, of `key_bits` bits); it is known not to be at the
// first key met again after another.
struct GroupCheck {
  std::vector<std::uint64_t> seen;
  bool grouped = true, any = false;
  std::uint64_t first_key = 0, last_key = 0;
  std::int64_t first_order = 0, last_order = 0;

  GroupCheck() = default;
  explicit GroupCheck(int key_bits) : seen((std::size_t{1} << key_bits) / 64 + 1, 0) {}
  // Marks `key` as met; false when it had been met already.
  bool first_time(std::uint64_t key) {
    std::uint64_t& bits = seen[key >> 6];
    const std::uint64_t bit = std::uint64_t{1} << (key & 63);
    const bool fresh = (bits & bit) == 0;
    bits |= bit;
    return fresh;
  }
  // False once the stretch is known not to be grouped.
  bool note(std::uint64_t key, std::int64_t order) {
    if (!any) {
      first_key = key;
      first_order = order;
    }
    if (any && key == last_key) {
      if (order < last_order) grouped = false;
    } else if (!first_time(key)) {
      grouped = false;  // the key came before, with other keys since
    }
    any = true;
    last_key = key;
    last_order = order;
    return grouped;
  }
};

// One thread's stretch of rows in packing: the ranges of its keys and orders, and how many rows
// have both known.
struct Stretch {
  std::int64_t klo = INT64_MAX, khi = INT64_MIN, olo = INT64_MAX, ohi = INT64_MIN;
  std::size_t known = 0;
  // Whether its rows come by (key, order), the first and last.
  bool sorted = true;
  std::int64_t first_key = 0, first_order = 0, last_key = 0, last_order = 0;
  // Whether they come grouped by key, when the keys' bounds are known before the pass.
  GroupCheck group;
};

// Whether stretches of rows, one after another, are grouped together: each on its own, and no
// two sharing a key but for one that runs on, in order, from the end of a stretch into the next.
bool all_grouped(const std::vector<GroupCheck>& stretches);

// Whether packed words in row order already walk as sorted ones would: each key's rows together
// and in order, though the keys themselves come in any order (rows sorted by child id, say, whose
// text codes follow the order the texts were first met).
bool grouped(const Words& words, int key_shift, int row_bits, int key_bits);

// Whether each key's rows of the two columns lie together and in order (rows whose key or order
// is missing aside), the keys being `klo` and up, of `key_bits` bits; checked on `parts`
// threads, a stretch of rows each.
bool grouped_in_place(const Column& keys, const Column& orders, std::int64_t klo, int key_bits,
                      unsigned parts);

// The first pass of pack_rows over rows [from, to) of a key and an order column whose cells are
// all known (the usual case): the same stretch as pack_rows' own pass, in a loop that looks at
// the keys' bounds and the grouping bitmap only where the key changes.
Stretch plain_stretch(const std::int64_t* key, const std::int64_t* order, std::size_t from,
                      std::size_t to, bool check_groups, int group_bits);

}  // namespace tally::runtime
