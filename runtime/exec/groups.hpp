// Breakdowns: each row's group is the value of its indicator's `by` expression. A GroupIndex
// numbers the keys one stretch of rows meets, in the order met; the jobs of one indicator in one
// stretch share it, so a row's key is looked up once per batch, not once per period. Keys are
// kept canonical (decimals without trailing zeros), so equal values are one group at any scale.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runtime/exec/aggregate.hpp"
#include "runtime/exec/texts.hpp"
#include "runtime/exec/vector.hpp"
#include "runtime/result/result.hpp"

namespace tally::runtime {

struct GroupKey {
  bool missing = false;
  Kind kind = Kind::text;
  bool rational = false;  // a number that is no decimal of 64 bits: `r`
  std::int64_t v = 0;     // text code, 0/1, or the number scaled by 10^scale
  int scale = 0;
  Rational r = 0;
};

// A total order of canonical keys, for finding them again (not the order groups are shown in).
bool operator<(const GroupKey& a, const GroupKey& b);

class GroupIndex {
 public:
  // The group of each of rows [0, n) of `by`'s values. With `batch` the same as the last call's
  // (a key that does not depend on the period), the groups found then are given again.
  const std::vector<std::uint32_t>& assign(const Vec& by, std::size_t n, std::uint64_t batch);
  std::uint32_t find_or_add(const GroupKey& key);
  const std::vector<GroupKey>& keys() const { return keys_; }
  std::size_t size() const { return keys_.size(); }

  static constexpr std::uint64_t kAlways = ~std::uint64_t{0};  // a batch never reused

 private:
  std::uint32_t of_row(const Vec& by, std::size_t k);
  std::uint32_t add(const GroupKey& key);

  std::vector<GroupKey> keys_;
  std::vector<std::uint32_t> small_;  // whole keys below 2^20 (text codes, bools): group + 1
  std::unordered_map<std::int64_t, std::uint32_t> whole_;         // other whole keys
  std::map<std::pair<int, std::int64_t>, std::uint32_t> scaled_;  // numbers as met
  std::map<GroupKey, std::uint32_t> canonical_;
  std::optional<std::uint32_t> missing_;
  std::vector<std::uint32_t> rows_;
  std::uint64_t batch_ = kAlways;
};

// What one group of one job gathers: its rows (of the denominator, or aggregated for a value)
// and the job's aggregates over them.
struct GroupAggs {
  std::int64_t rows = 0;
  Aggregate den, num, value;
  std::vector<Aggregate> measures;  // one per measure of the indicator

  void merge(GroupAggs&& o) {
    rows += o.rows;
    den.merge(std::move(o.den));
    num.merge(std::move(o.num));
    value.merge(std::move(o.value));
    for (std::size_t k = 0; k < measures.size() && k < o.measures.size(); ++k)
      measures[k].merge(std::move(o.measures[k]));
  }
};

// The shown form of a key: text as it is, numbers exactly, true/false, "(missing)".
std::string group_label(const GroupKey& key, const TextCodes& texts);

// The order groups are shown in: numbers by value, text by bytes, false before true, the
// missing group last.
bool shown_before(const GroupKey& a, const GroupKey& b, const TextCodes& texts);

}  // namespace tally::runtime
