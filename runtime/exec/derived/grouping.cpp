#include "runtime/exec/derived/grouping.hpp"

#include <algorithm>

#include "runtime/exec/derived/row_order.hpp"
#include "runtime/exec/in_parts.hpp"

namespace tally::runtime {

bool all_grouped(const std::vector<GroupCheck>& stretches) {
  if (stretches.empty()) return true;
  std::size_t words = 0;
  for (const GroupCheck& s : stretches) words = std::max(words, s.seen.size());
  std::vector<std::uint64_t> met(words, 0);  // keys of the stretches so far
  const GroupCheck* before = nullptr;        // the last of them with rows
  for (const GroupCheck& s : stretches) {
    if (!s.grouped) return false;
    if (!s.any) continue;
    const bool runs_on = before && before->last_key == s.first_key;
    if (runs_on && s.first_order < before->last_order) return false;
    for (std::size_t w = 0; w < s.seen.size(); ++w) {
      std::uint64_t shared = met[w] & s.seen[w];
      if (runs_on && w == (s.first_key >> 6)) shared &= ~(std::uint64_t{1} << (s.first_key & 63));
      if (shared != 0) return false;
      met[w] |= s.seen[w];
    }
    before = &s;
  }
  return true;
}

bool grouped(const Words& words, int key_shift, int row_bits, int key_bits) {
  if (key_bits > kGroupCheckBits || words.empty()) return false;
  GroupCheck check(key_bits);
  const std::uint64_t order_mask = low_bits(key_shift - row_bits);
  for (const std::uint64_t w : words)
    if (!check.note(shift_right(w, key_shift),
                    static_cast<std::int64_t>(shift_right(w, row_bits) & order_mask)))
      return false;
  return true;
}

bool grouped_in_place(const Column& keys, const Column& orders, std::int64_t klo, int key_bits,
                      unsigned parts) {
  if (key_bits > kGroupCheckBits) return false;
  // Each stretch has a bitmap of every possible key: no more stretches than 64 MiB of them hold.
  constexpr std::size_t kBitmapBytes = std::size_t{64} << 20;
  const std::size_t bitmap = (std::size_t{1} << key_bits) / 8 + 8;
  parts = static_cast<unsigned>(std::clamp<std::size_t>(kBitmapBytes / bitmap, 1, parts));
  const std::size_t n = keys.data.size();
  std::vector<GroupCheck> stretch(parts);
  const bool all_known = keys.validity.all_known() && orders.validity.all_known();
  in_parts(parts, [&](unsigned p) {
    GroupCheck s(key_bits);  // a local, kept in registers row to row
    const std::int64_t* key = keys.data.data();
    const std::int64_t* order = orders.data.data();
    const auto base = static_cast<std::uint64_t>(klo);
    for (std::size_t r = n * p / parts; r < n * (p + 1) / parts; ++r) {
      if (!all_known && (!keys.validity.known(r) || !orders.validity.known(r))) continue;
      if (!s.note(static_cast<std::uint64_t>(key[r]) - base, order[r])) break;
    }
    stretch[p] = std::move(s);
  });
  return all_grouped(stretch);
}

Stretch plain_stretch(const std::int64_t* key, const std::int64_t* order, std::size_t from,
                      std::size_t to, bool check_groups, int group_bits) {
  Stretch s;
  if (check_groups)
    s.group = GroupCheck(group_bits);  // an empty stretch too: all_grouped reads its bitmap
  if (from >= to) return s;
  std::int64_t last_key = key[from], last_order = order[from];
  std::int64_t klo = last_key, khi = last_key, olo = last_order, ohi = last_order;
  bool rising = true;    // keys rise where they change
  bool in_order = true;  // orders do not fall within a key
  bool apart = true;     // no key comes back after another
  if (check_groups) s.group.first_time(static_cast<std::uint64_t>(last_key));
  // The least order is a key's first or one that falls below the order before it; the greatest
  // is a key's last or one that the next falls below. Within a key in order (the usual case)
  // a row costs two comparisons.
  for (std::size_t r = from + 1; r < to; ++r) {
    const std::int64_t k = key[r], o = order[r];
    if (k == last_key) {
      if (o < last_order) {
        in_order = false;
        olo = std::min(olo, o);
        ohi = std::max(ohi, last_order);
      }
    } else {
      rising &= k > last_key;
      klo = std::min(klo, k);
      khi = std::max(khi, k);
      olo = std::min(olo, o);
      ohi = std::max(ohi, last_order);
      // Once a key comes back, the rows are not grouped: no more to note.
      if (check_groups && apart) apart = s.group.first_time(static_cast<std::uint64_t>(k));
    }
    last_key = k;
    last_order = o;
  }
  ohi = std::max(ohi, last_order);
  s.klo = klo;
  s.khi = khi;
  s.olo = olo;
  s.ohi = ohi;
  s.known = to - from;
  s.sorted = rising && in_order;
  s.first_key = key[from];
  s.first_order = order[from];
  s.last_key = last_key;
  s.last_order = last_order;
  if (check_groups) {
    GroupCheck& g = s.group;
    g.grouped = apart && in_order;
    g.any = true;
    g.first_key = static_cast<std::uint64_t>(s.first_key);
    g.first_order = s.first_order;
    g.last_key = static_cast<std::uint64_t>(last_key);
    g.last_order = last_order;
  }
  return s;
}

}  // namespace tally::runtime
