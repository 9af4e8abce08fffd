#include "runtime/exec/groups.hpp"

#include <limits>
#include <tuple>

namespace tally::runtime {

namespace {

constexpr std::int64_t kSmall = std::int64_t{1} << 20;

// A number's key: scaled without trailing zeros, or a rational when it is no decimal of 64 bits.
GroupKey number_key(const Rational& r) {
  GroupKey key;
  key.kind = Kind::number;
  for (int s = 0; s <= 18; ++s) {
    const Rational x = r * Rational(pow10_i64(s));
    if (boost::multiprecision::denominator(x) != 1) continue;
    const BigInt top = boost::multiprecision::numerator(x);
    if (top > std::numeric_limits<std::int64_t>::max() ||
        top < std::numeric_limits<std::int64_t>::min())
      break;
    key.v = static_cast<std::int64_t>(top);
    key.scale = s;
    return key;
  }
  key.rational = true;
  key.r = r;
  return key;
}

GroupKey scaled_key(std::int64_t v, int scale) {
  GroupKey key;
  key.kind = Kind::number;
  while (scale > 0 && v % 10 == 0) {
    v /= 10;
    --scale;
  }
  key.v = v;
  key.scale = scale;
  return key;
}

Rational value_of(const GroupKey& k) {
  return k.rational ? k.r : Rational(k.v) / Rational(pow10_i64(k.scale));
}

}  // namespace

bool operator<(const GroupKey& a, const GroupKey& b) {
  if (a.missing != b.missing) return b.missing;
  if (a.missing) return false;
  if (a.kind != b.kind) return a.kind < b.kind;
  if (a.rational != b.rational) return b.rational;
  if (a.rational) return a.r < b.r;
  return std::tie(a.scale, a.v) < std::tie(b.scale, b.v);
}

std::uint32_t GroupIndex::add(const GroupKey& key) {
  auto [it, added] = canonical_.emplace(key, static_cast<std::uint32_t>(keys_.size()));
  if (added) keys_.push_back(key);
  return it->second;
}

std::uint32_t GroupIndex::find_or_add(const GroupKey& key) {
  if (key.missing) {
    if (!missing_) {
      missing_ = static_cast<std::uint32_t>(keys_.size());
      keys_.push_back(key);
    }
    return *missing_;
  }
  return add(key);
}

std::uint32_t GroupIndex::of_row(const Vec& by, std::size_t k) {
  if (!by.known[k]) {
    GroupKey missing;
    missing.missing = true;
    return find_or_add(missing);
  }
  if (by.kind == Kind::number) {
    if (by.rational) return add(number_key(by.r[k]));
    const auto raw = std::make_pair(by.scale, by.v[k]);
    auto it = scaled_.find(raw);
    if (it != scaled_.end()) return it->second;
    const std::uint32_t g = add(scaled_key(by.v[k], by.scale));
    scaled_.emplace(raw, g);
    return g;
  }
  const std::int64_t v = by.v[k];
  if (v >= 0 && v < kSmall) {
    const auto at = static_cast<std::size_t>(v);
    if (at < small_.size() && small_[at] != 0) return small_[at] - 1;
    GroupKey key;
    key.kind = by.kind;
    key.v = v;
    const std::uint32_t g = add(key);
    if (at >= small_.size()) small_.resize(at + 1, 0);
    small_[at] = g + 1;
    return g;
  }
  auto it = whole_.find(v);
  if (it != whole_.end()) return it->second;
  GroupKey key;
  key.kind = by.kind;
  key.v = v;
  const std::uint32_t g = add(key);
  whole_.emplace(v, g);
  return g;
}

const std::vector<std::uint32_t>& GroupIndex::assign(const Vec& by, std::size_t n,
                                                     std::uint64_t batch) {
  if (batch != kAlways && batch == batch_ && rows_.size() == n) return rows_;
  batch_ = batch;
  rows_.resize(n);
  if (by.one()) {
    const std::uint32_t g = of_row(by, 0);
    std::fill(rows_.begin(), rows_.end(), g);
    return rows_;
  }
  // Whole keys (text codes, truth values) met before are read from a table by value.
  if (!by.rational && by.kind != Kind::number) {
    const std::int64_t* v = by.v.data();
    const std::uint8_t* known = by.known.data();
    for (std::size_t i = 0; i < n; ++i) {
      const auto at = static_cast<std::uint64_t>(v[i]);
      if (known[i] && at < small_.size() && small_[at] != 0)
        rows_[i] = small_[at] - 1;
      else
        rows_[i] = of_row(by, i);
    }
    return rows_;
  }
  for (std::size_t i = 0; i < n; ++i) rows_[i] = of_row(by, i);
  return rows_;
}

std::string group_label(const GroupKey& key, const TextCodes& texts) {
  if (key.missing) return "(missing)";
  switch (key.kind) {
    case Kind::text:
      return std::string(texts.text(key.v));
    case Kind::boolean:
      return key.v ? "true" : "false";
    default:
      return format_exact(value_of(key));
  }
}

bool shown_before(const GroupKey& a, const GroupKey& b, const TextCodes& texts) {
  if (a.missing != b.missing) return b.missing;
  if (a.missing) return false;
  if (a.kind == Kind::text && b.kind == Kind::text) {
    if (a.v == b.v) return false;
    return texts.text(a.v) < texts.text(b.v);
  }
  if (a.kind == Kind::number && b.kind == Kind::number) return value_of(a) < value_of(b);
  if (a.kind != b.kind) return a.kind < b.kind;
  return a.v < b.v;
}

}  // namespace tally::runtime
