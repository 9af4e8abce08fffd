// The row of each key in a lookup's target table, for `T[key].column`.
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include "lang/base/number.hpp"
#include "runtime/column/column.hpp"
#include "runtime/exec/vector.hpp"

namespace tally::runtime {

// The row of each key in a lookup's target table (the first, should a key repeat): a table
// indexed by the key itself when the keys are whole values (text codes, day numbers) spread over
// a range not much larger than the rows, a hash map when they are spread wider, and an ordered
// map of exact values for numbers, whose scales may differ from the looked-up key's.
class KeyIndex {
 public:
  // `numeric`: the keys are numbers, found by exact value.
  KeyIndex(const Column& keys, bool numeric);

  // The target row holding key cell k, or -1.
  std::int64_t find(const Vec& key, std::size_t k) const {
    if (numeric_) {
      auto it = exact_.find(key.number(k));
      return it == exact_.end() ? -1 : it->second;
    }
    if (!direct_.empty()) {
      const std::uint64_t off =
          static_cast<std::uint64_t>(key.v[k]) - static_cast<std::uint64_t>(lo_);
      return off < direct_.size() ? direct_[static_cast<std::size_t>(off)] : -1;
    }
    auto it = hashed_.find(key.v[k]);
    return it == hashed_.end() ? -1 : it->second;
  }

 private:
  bool numeric_;
  std::int64_t lo_ = 0;
  std::vector<std::int32_t> direct_;
  std::unordered_map<std::int64_t, std::int64_t> hashed_;
  std::map<Rational, std::int64_t> exact_;
};

}  // namespace tally::runtime
