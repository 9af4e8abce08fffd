#include "runtime/exec/executor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <exception>
#include <functional>
#include <chrono>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <thread>
#include <unordered_map>

#include "lang/base/scale.hpp"
#include "runtime/calendar/working_days.hpp"
#include "runtime/column/parallel_load.hpp"
#include "runtime/exec/in_parts.hpp"
#include "runtime/exec/derived/radix_sort.hpp"
#include "runtime/exec/aggregate.hpp"
#include "runtime/exec/comparison.hpp"
#include "runtime/exec/evaluator.hpp"
#include "runtime/exec/kernels.hpp"
#include "runtime/exec/vector.hpp"

namespace tally::runtime {

namespace {

// Tables of at least this many rows are evaluated in one stretch of rows per thread.
constexpr std::size_t kParallelRows = std::size_t{1} << 16;

calendar::Cadence cadence_of(ast::Cadence c) {
  switch (c) {
    case ast::Cadence::month: return calendar::Cadence::month;
    case ast::Cadence::quarter: return calendar::Cadence::quarter;
    case ast::Cadence::year: return calendar::Cadence::year;
  }
  return calendar::Cadence::quarter;
}

// One (indicator, period) being accumulated.
struct Job {
  std::uint32_t indicator = 0;
  Frame frame;
  calendar::Period period;
  Aggregate den, num, value;
  // Sweeps: the compared quantity of every row that meets the numerator's other conditions,
  // sorted once; every threshold is then answered by a binary search.
  std::vector<std::int64_t> quantities;
  int quantity_scale = 0;
  std::vector<Rational> exact_quantities;

  // The same indicator and period with nothing accumulated yet.
  Job fresh() const {
    Job job;
    job.indicator = indicator;
    job.frame = frame;
    job.period = period;
    job.den = Aggregate(den.op());
    job.num = Aggregate(num.op());
    job.value = Aggregate(value.op());
    return job;
  }

  // Adds what `o` (a fresh() copy) accumulated over other rows.
  void merge(Job&& o) {
    den.merge(std::move(o.den));
    num.merge(std::move(o.num));
    value.merge(std::move(o.value));
    if (o.quantities.empty() && o.exact_quantities.empty()) return;
    if (quantities.empty() && exact_quantities.empty()) {
      quantities = std::move(o.quantities);
      quantity_scale = o.quantity_scale;
      exact_quantities = std::move(o.exact_quantities);
      return;
    }
    if (exact_quantities.empty() && o.exact_quantities.empty() && quantity_scale == o.quantity_scale) {
      quantities.insert(quantities.end(), o.quantities.begin(), o.quantities.end());
      return;
    }
    make_exact();
    o.make_exact();
    exact_quantities.insert(exact_quantities.end(), o.exact_quantities.begin(), o.exact_quantities.end());
  }

  void make_exact() {
    for (std::int64_t q : quantities) exact_quantities.push_back(Rational(q) / pow10_i64(quantity_scale));
    quantities.clear();
  }

  void collect(const Vec& x, std::size_t i) {
    const std::size_t k = at(x, i);
    if (!x.known[k]) return;  // a missing quantity meets no threshold
    if (x.rational || !exact_quantities.empty() ||
        (!quantities.empty() && x.scale != quantity_scale)) {
      make_exact();
      exact_quantities.push_back(x.number(k));
      return;
    }
    quantity_scale = x.scale;
    quantities.push_back(x.v[k]);
  }

  // How many collected quantities q satisfy `q op limit`.
  std::int64_t count_meeting(NodeOp op, const Rational& limit) const {
    std::size_t n, below, not_above;
    if (!exact_quantities.empty()) {
      n = exact_quantities.size();
      below = static_cast<std::size_t>(std::lower_bound(exact_quantities.begin(), exact_quantities.end(), limit) -
                                       exact_quantities.begin());
      not_above = static_cast<std::size_t>(std::upper_bound(exact_quantities.begin(), exact_quantities.end(), limit) -
                                           exact_quantities.begin());
    } else {
      n = quantities.size();
      const std::int64_t d = pow10_i64(quantity_scale);
      below = static_cast<std::size_t>(
          std::partition_point(quantities.begin(), quantities.end(),
                               [&](std::int64_t q) { return Rational(q, d) < limit; }) - quantities.begin());
      not_above = static_cast<std::size_t>(
          std::partition_point(quantities.begin(), quantities.end(),
                               [&](std::int64_t q) { return !(limit < Rational(q, d)); }) - quantities.begin());
    }
    switch (op) {
      case NodeOp::lt: return static_cast<std::int64_t>(below);
      case NodeOp::le: return static_cast<std::int64_t>(not_above);
      case NodeOp::gt: return static_cast<std::int64_t>(n - not_above);
      case NodeOp::ge: return static_cast<std::int64_t>(n - below);
      case NodeOp::eq: return static_cast<std::int64_t>(not_above - below);
      default: return static_cast<std::int64_t>(n - (not_above - below));
    }
  }
};

// A numerator condition `quantity op limit` where only `limit` reads the swept parameter.
struct Threshold {
  NodeId quantity = kNone;
  NodeId limit = kNone;
  NodeOp op = NodeOp::le;
  std::vector<NodeId> others;  // the numerator's other conditions
};

// `x << s`, and 0 when s is 64 (a part of a packed word that takes no bits).
std::uint64_t shift_left(std::uint64_t x, int s) { return s >= 64 ? 0 : x << s; }
std::uint64_t shift_right(std::uint64_t x, int s) { return s >= 64 ? 0 : x >> s; }
std::uint64_t low_bits(int bits) { return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1; }

// The bits needed for 0 .. hi - lo.
int bits_between(std::int64_t lo, std::int64_t hi) {
  return std::bit_width(static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo));
}

double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Whether a batch of keys or orders can be packed into a word: whole values (day numbers, text
// codes, numbers of one scale across batches); text orders compare as text, so they cannot.
bool packable(const Vec& x, bool is_order, int& scale) {
  if (x.rational || x.kind == Kind::list || (is_order && x.kind == Kind::text)) return false;
  if (scale < 0) scale = x.scale;
  return scale == x.scale;
}

// The general case: any key and order, compared exactly, ties in file order; each key's rows
// numbered by the key's rank.
SortedRows compared_order(Vec key, Vec order, std::size_t n, const TextCodes& texts) {
  std::vector<std::uint32_t> perm;
  perm.reserve(n);
  for (std::uint32_t r = 0; r < n; ++r)
    if (key.known[at(key, r)] && order.known[at(order, r)]) perm.push_back(r);
  if (order.kind == Kind::number) to_rational(order);
  if (key.kind == Kind::number) to_rational(key);
  auto key_less = [&](std::uint32_t x, std::uint32_t y) {
    if (key.rational) return key.r[at(key, x)] < key.r[at(key, y)];
    return key.v[at(key, x)] < key.v[at(key, y)];
  };
  std::stable_sort(perm.begin(), perm.end(), [&](std::uint32_t x, std::uint32_t y) {
    if (key_less(x, y)) return true;
    if (key_less(y, x)) return false;
    if (order.rational) return order.r[at(order, x)] < order.r[at(order, y)];
    if (order.kind == Kind::text) return texts.text(order.v[at(order, x)]) < texts.text(order.v[at(order, y)]);
    return order.v[at(order, x)] < order.v[at(order, y)];
  });
  SortedRows sorted;
  sorted.row_bits = n > 1 ? std::bit_width(n - 1) : 0;
  sorted.words.reserve(perm.size());
  std::uint64_t rank = 0;
  for (std::size_t i = 0; i < perm.size(); ++i) {
    if (i > 0 && key_less(perm[i - 1], perm[i])) ++rank;
    sorted.words.push_back(shift_left(rank, sorted.row_bits) | perm[i]);
  }
  return sorted;
}

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

// Whether stretches of rows, one after another, are grouped together: each on its own, and no
// two sharing a key but for one that runs on, in order, from the end of a stretch into the next.
bool all_grouped(const std::vector<GroupCheck>& stretches) {
  if (stretches.empty()) return true;
  std::size_t words = 0;
  for (const GroupCheck& s : stretches) words = std::max(words, s.seen.size());
  std::vector<std::uint64_t> met(words, 0);  // keys of the stretches so far
  const GroupCheck* before = nullptr;  // the last of them with rows
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

// Whether packed words in row order already walk as sorted ones would: each key's rows together
// and in order, though the keys themselves come in any order (rows sorted by child id, say, whose
// text codes follow the order the texts were first met).
bool grouped(const Words& words, int key_shift, int row_bits, int key_bits) {
  if (key_bits > kGroupCheckBits || words.empty()) return false;
  GroupCheck check(key_bits);
  const std::uint64_t order_mask = low_bits(key_shift - row_bits);
  for (const std::uint64_t w : words)
    if (!check.note(shift_right(w, key_shift), static_cast<std::int64_t>(shift_right(w, row_bits) & order_mask)))
      return false;
  return true;
}

// Whether each key's rows of the two columns lie together and in order (rows whose key or order
// is missing aside), the keys being `klo` and up, of `key_bits` bits; checked on `parts`
// threads, a stretch of rows each.
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

// The first batch boundary at or after `row`, at most `rows`: where a thread's stretch of rows
// begins, so that batches are the same whichever thread evaluates them.
std::size_t batch_boundary(std::size_t row, std::size_t rows) {
  return std::min((row + kBatch - 1) / kBatch * kBatch, rows);
}

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

// The first pass of pack_rows over rows [from, to) of a key and an order column whose cells are
// all known (the usual case): the same stretch as pack_rows' own pass, in a loop that looks at
// the keys' bounds and the grouping bitmap only where the key changes.
Stretch plain_stretch(const std::int64_t* key, const std::int64_t* order, std::size_t from, std::size_t to,
                      bool check_groups, int group_bits) {
  Stretch s;
  if (check_groups) s.group = GroupCheck(group_bits);  // an empty stretch too: all_grouped reads its bitmap
  if (from >= to) return s;
  std::int64_t last_key = key[from], last_order = order[from];
  std::int64_t klo = last_key, khi = last_key, olo = last_order, ohi = last_order;
  bool rising = true;     // keys rise where they change
  bool in_order = true;   // orders do not fall within a key
  bool apart = true;      // no key comes back after another
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

// Packs rows [0, n) into sorted words. `for_rows(from, to, part, f)` calls f(row, key, order) for
// each row in [from, to) whose key and order are known, in row order; it is called twice per
// part (ranges, then words), with `parts` parts at once. Before packing, `stay(sorted, grouped,
// klo, key_bits)` is asked whether the rows can be walked as they are, `sorted` telling whether
// they come by (key, order) already; when it says so, the result is `in_place`. When the keys
// are known to lie in [0, 2^group_bits) (text codes), the first pass also checks whether each
// key's rows lie together and in order, and `grouped` tells; otherwise it is nullopt. Empty when
// the three do not fit in 64 bits.
// `plain(from, to, check_groups, group_bits, stretch)` may do the first pass over a part itself,
// as plain_stretch does, and say so; otherwise pack_rows does it through for_rows.
template <typename ForRows, typename Stay, typename Plain>
std::optional<SortedRows> pack_rows(std::size_t n, unsigned parts, unsigned threads, int group_bits,
                                    ForRows for_rows, Stay stay, Plain plain) {
  std::vector<std::size_t> bounds(parts + 1);
  for (unsigned p = 0; p <= parts; ++p) bounds[p] = batch_boundary(n * p / parts, n);
  bounds[parts] = n;
  // The fused check's bitmaps, one per part, held to 64 MiB in all as grouped_in_place's are.
  const bool check_groups = group_bits > 0 && group_bits <= kGroupCheckBits &&
                            parts * ((std::size_t{1} << group_bits) / 8) <= (std::size_t{64} << 20);
  std::vector<Stretch> stretch(parts);
  in_parts(parts, [&](unsigned p) {
    if (plain(bounds[p], bounds[p + 1], check_groups, group_bits, stretch[p])) return;
    Stretch s;  // a local, kept in registers row to row
    if (check_groups) s.group = GroupCheck(group_bits);
    GroupCheck& group = s.group;
    bool checking = check_groups;
    for_rows(bounds[p], bounds[p + 1], p, [&s, &group, &checking](std::size_t, std::int64_t k, std::int64_t o) {
      if (checking) checking = group.note(static_cast<std::uint64_t>(k), o);
      if (s.known == 0) {
        s.first_key = k;
        s.first_order = o;
      } else {
        s.sorted = s.sorted && (k > s.last_key || (k == s.last_key && o >= s.last_order));
      }
      s.last_key = k;
      s.last_order = o;
      ++s.known;
      s.klo = std::min(s.klo, k);
      s.khi = std::max(s.khi, k);
      s.olo = std::min(s.olo, o);
      s.ohi = std::max(s.ohi, o);
    });
    stretch[p] = std::move(s);
  });
  Stretch all;
  bool rows_sorted = true;
  const Stretch* before = nullptr;  // the last stretch with rows
  for (const Stretch& s : stretch) {
    if (s.known == 0) continue;
    rows_sorted = rows_sorted && s.sorted &&
                  (!before || s.first_key > before->last_key ||
                   (s.first_key == before->last_key && s.first_order >= before->last_order));
    before = &s;
  }
  for (const Stretch& s : stretch) {
    all.known += s.known;
    all.klo = std::min(all.klo, s.klo);
    all.khi = std::max(all.khi, s.khi);
    all.olo = std::min(all.olo, s.olo);
    all.ohi = std::max(all.ohi, s.ohi);
  }
  std::optional<bool> grouped_rows;
  if (check_groups) {
    std::vector<GroupCheck> checks;
    for (Stretch& s : stretch) checks.push_back(std::move(s.group));
    grouped_rows = all_grouped(checks);
  }
  SortedRows sorted;
  sorted.row_bits = n > 1 ? std::bit_width(n - 1) : 0;
  sorted.order_in_word = true;
  if (all.known == 0) return sorted;
  sorted.order_bits = bits_between(all.olo, all.ohi);
  sorted.order_min = all.olo;
  if (stay(rows_sorted, grouped_rows, all.klo, bits_between(all.klo, all.khi))) {
    sorted.in_place = true;
    return sorted;
  }
  if (bits_between(all.klo, all.khi) + sorted.order_bits + sorted.row_bits > 64) return std::nullopt;
  const int rb = sorted.row_bits, kshift = sorted.row_bits + sorted.order_bits;
  const std::uint64_t klo = static_cast<std::uint64_t>(all.klo), olo = static_cast<std::uint64_t>(all.olo);
  Words& words = sorted.words;
  words.resize(all.known);
  std::vector<std::size_t> start(parts + 1, 0);
  for (unsigned p = 0; p < parts; ++p) start[p + 1] = start[p] + stretch[p].known;
  in_parts(parts, [&](unsigned p) {
    // Captured by value: words written through `out` could otherwise be the bases or shifts, as
    // far as the compiler knows, and be read again for every row.
    for_rows(bounds[p], bounds[p + 1], p,
             [out = words.data() + start[p], klo, olo, kshift, rb](std::size_t row, std::int64_t k,
                                                                    std::int64_t o) mutable {
               *out++ = shift_left(static_cast<std::uint64_t>(k) - klo, kshift) |
                        shift_left(static_cast<std::uint64_t>(o) - olo, rb) | row;
             });
  });
  const int key_bits = bits_between(all.klo, all.khi);
  // Only the bits below kshift + key_bits are ever set: sorting on more would put every word in
  // the first bucket of the top digit.
  // Rows by (key, order) give words in order already (ties in row order).
  if (!rows_sorted && !grouped(words, kshift, rb, key_bits)) radix_sort_bits(words, rb, kshift + key_bits, threads);
  return sorted;
}

// Sorts the rows of `table` for a previous/next on (d.key, d.order). When the key, the order
// and the row number fit in one 64-bit word together, each row is packed and the words are radix
// sorted (or left as they are when the rows already come in order). Key and order columns are
// read in place, half the rows on each of two threads; other expressions are evaluated a batch
// at a time, so the table is never copied whole. Otherwise rows are compared exactly.
SortedRows sort_rows(const plan::Plan& plan, const plan::Derived& d, const Table& table, Evaluator& eval,
                     const StringPool& pool, unsigned threads) {
  const std::size_t n = table.rows();
  const plan::Node& kn = plan.nodes[static_cast<std::size_t>(d.key)];
  const plan::Node& on = plan.nodes[static_cast<std::size_t>(d.order)];
  std::optional<SortedRows> packed;
  int order_scale = 0;
  if (kn.op == NodeOp::column && on.op == NodeOp::column &&
      table.columns[on.payload].type != plan::ColumnType::text) {
    const Column& kc = table.columns[kn.payload];
    const Column& oc = table.columns[on.payload];
    const unsigned parts = n >= kParallelRows ? threads : 1;
    order_scale = oc.scale;
    const bool all_known = kc.validity.all_known() && oc.validity.all_known();
    const auto for_rows = [&](std::size_t from, std::size_t to, unsigned, auto f) {
      const std::int64_t* kd = kc.data.data();
      const std::int64_t* od = oc.data.data();
      if (all_known) {
        for (std::size_t r = from; r < to; ++r) f(r, kd[r], od[r]);
        return;
      }
      for (std::size_t r = from; r < to; ++r)
        if (kc.validity.known(r) && oc.validity.known(r)) f(r, kd[r], od[r]);
    };
    // Rows already by (key, order), or each key's rows together and in order though the keys
    // come in any order (a file sorted by child id, whose text codes follow the order the texts
    // were first met in another table), are walked as they are.
    const auto stay = [&](bool rows_sorted, std::optional<bool> grouped, std::int64_t klo, int key_bits) {
      return rows_sorted || (grouped ? *grouped : grouped_in_place(kc, oc, klo, key_bits, parts));
    };
    // Text codes lie below the pool's size: their grouping is checked in the first pass.
    const int group_bits = kc.type == plan::ColumnType::text ? std::bit_width(pool.size()) : 0;
    const auto plain = [&](std::size_t from, std::size_t to, bool check, int bits, Stretch& out) {
      if (!all_known) return false;
      out = plain_stretch(kc.data.data(), oc.data.data(), from, to, check, bits);
      return true;
    };
    packed = pack_rows(n, parts, threads, group_bits, for_rows, stay, plain);
    if (packed) {
      packed->key_column = kn.payload;
      packed->order_column = on.payload;
    }
  } else {
    int key_scale = -1;
    order_scale = -1;
    bool packs = true;
    auto for_rows = [&](std::size_t from, std::size_t to, unsigned, auto f) {
      for (std::size_t begin = from; packs && begin < to; begin += kBatch) {
        const std::size_t nb = std::min(kBatch, to - begin);
        eval.start_batch(&table, begin, nb);
        const Vec& key = eval.eval(d.key);
        const Vec& order = eval.eval(d.order);
        packs = packable(key, false, key_scale) && packable(order, true, order_scale);
        for (std::size_t i = 0; packs && i < nb; ++i) {
          const std::size_t ik = at(key, i), io = at(order, i);
          if (key.known[ik] && order.known[io]) f(begin + i, key.v[ik], order.v[io]);
        }
      }
    };
    packed = pack_rows(
        n, 1, threads, 0, for_rows, [](bool, std::optional<bool>, std::int64_t, int) { return false; },
        [](std::size_t, std::size_t, bool, int, Stretch&) { return false; });
    if (!packs) packed.reset();  // a batch held rationals, text orders or another scale
  }
  if (packed) {
    packed->order_scale = std::max(order_scale, 0);
    return std::move(*packed);
  }
  eval.start_batch(&table, 0, n);
  return compared_order(eval.eval(d.key), eval.eval(d.order), n, eval.texts());
}

// Calls f(i) for each i in [from, to): upwards when `forward`, else downwards.
template <typename F>
void each_step(std::size_t from, std::size_t to, bool forward, F f) {
  if (forward) {
    for (std::size_t i = from; i < to; ++i) f(i);
  } else {
    for (std::size_t i = to; i-- > from;) f(i);
  }
}

// The usual walk over sorted words w[from, to) (upwards when Forward, else downwards): each row
// whose key is that of the step before gets that step's order bits in its 16-bit cell. Its
// values are parameters, which the loop keeps in registers.
template <bool Forward>
void walk_words(const std::uint64_t* __restrict w, std::size_t from, std::size_t to,
                std::uint16_t* __restrict cells, int key_shift, int row_bits, std::uint64_t row_mask,
                std::uint64_t order_mask) {
  std::uint64_t last_key = ~std::uint64_t{0};  // no key: keys have fewer than 64 bits
  std::uint16_t last_order = 0;
  const auto step = [&](std::uint64_t word) {
    const std::uint64_t key = word >> key_shift;
    if (key == last_key) cells[word & row_mask] = last_order;
    last_key = key;
    last_order = static_cast<std::uint16_t>((word >> row_bits) & order_mask);
  };
  if (Forward) {
    for (std::size_t i = from; i < to; ++i) step(w[i]);
  } else {
    for (std::size_t i = to; i-- > from;) step(w[i]);
  }
}

// Fills `out` with each row's previous (or next) eligible value of the same key, walking the
// sorted rows once and carrying the last eligible row's key and value.
void walk_sorted(const SortedRows& sorted, const Table& table, bool forward,
                 const std::vector<std::uint8_t>& eligible, const Vec* value, DerivedColumn& column,
                 unsigned threads) {
  Vec& out = column.wide;
  std::uint16_t* narrow16 = column.narrow16.empty() ? nullptr : column.narrow16.data();
  std::int32_t* narrow32 = column.narrow32.empty() ? nullptr : column.narrow32.data();
  const Words& words = sorted.words;
  // In place, the key and order columns are read; otherwise the words alone (a table of no
  // columns may be sorted on expressions).
  static const Column no_column;
  const Column& key_column = sorted.in_place ? table.columns[sorted.key_column] : no_column;
  const Column& order_column = sorted.in_place ? table.columns[sorted.order_column] : no_column;
  const std::uint64_t row_mask = low_bits(sorted.row_bits);
  const std::uint64_t order_mask = low_bits(sorted.order_bits);
  const int key_shift = sorted.row_bits + sorted.order_bits;
  // Step `i` of the walk: false for a row left out (in place, a missing key or order); else its
  // row, key and order value.
  const auto step_at = [&](std::size_t i, std::size_t& row, std::uint64_t& key, std::int64_t& order) {
    if (sorted.in_place) {
      if (!key_column.validity.known(i) || !order_column.validity.known(i)) return false;
      row = i;
      key = static_cast<std::uint64_t>(key_column.data[i]);
      order = order_column.data[i];
      return true;
    }
    const std::uint64_t w = words[i];
    row = static_cast<std::size_t>(w & row_mask);
    key = shift_right(w, key_shift);
    order = static_cast<std::int64_t>((shift_right(w, sorted.row_bits) & order_mask) +
                                      static_cast<std::uint64_t>(sorted.order_min));
    return true;
  };
  const std::size_t m = sorted.in_place ? table.rows() : words.size();
  // Walks steps [from, to): each key's rows lie within one stretch, and stretches write
  // different rows, so two can be walked at once.
  auto walk = [&](std::size_t from, std::size_t to) {
    bool have_last = false, last_known = false;
    std::uint64_t last_key = 0;
    std::int64_t last_value = 0;
    Rational last_exact;
    each_step(from, to, forward, [&](std::size_t i) {
      std::size_t row = 0;
      std::uint64_t key = 0;
      std::int64_t order = 0;
      if (!step_at(i, row, key, order)) return;
      if (have_last && key == last_key) {
        // Narrow values are always known, and within 2^15 or 2^31 of the base (see materialize).
        if (narrow16) {
          narrow16[row] = static_cast<std::uint16_t>(last_value - column.base);
        } else if (narrow32) {
          narrow32[row] = static_cast<std::int32_t>(last_value - column.base);
        } else {
          out.known[row] = last_known;
          if (out.rational) out.r[row] = last_exact;
          else out.v[row] = last_value;
        }
      } else {
        have_last = false;
      }
      if (!eligible.empty() && !eligible[row]) return;
      have_last = true;
      last_key = key;
      if (!value) {
        last_known = true;
        last_value = order;
        return;
      }
      const std::size_t k = at(*value, row);
      last_known = value->known[k];
      if (value->rational) last_exact = value->r[k];
      else last_value = value->v[k];
    });
  };
  // One stretch per thread, each beginning where a key begins: past steps of the key the step
  // before it walks, and past rows left out.
  const unsigned parts = m >= kParallelRows ? threads : 1;
  std::vector<std::size_t> bounds(parts + 1, m);
  bounds[0] = 0;
  for (unsigned p = 1; p < parts; ++p) {
    std::size_t b = std::max(bounds[p - 1], m * p / parts);
    std::size_t row = 0;
    std::uint64_t before = 0, key = 0;
    std::int64_t order = 0;
    bool any = false;
    for (std::size_t i = b; i-- > bounds[p - 1];) {
      if (step_at(i, row, before, order)) {
        any = true;
        break;
      }
    }
    while (any && b < m && (!step_at(b, row, key, order) || key == before)) ++b;
    bounds[p] = b;
  }
  // The usual case (`previous(visit_date per child_id)`): every row eligible, the value the order
  // itself and 16-bit offsets, whose base is the least order. Over sorted words a row's offset is
  // the order bits of the word before it: a loop of its own, with nothing but the word, the key
  // and the order in registers; and one over the columns in place when all their cells are known.
  const bool usual = eligible.empty() && !value && narrow16 && column.base == sorted.order_min;
  if (usual && !sorted.in_place && key_shift > 0) {
    in_parts(parts, [&](unsigned p) {
      const std::uint64_t* w = words.data();
      const std::size_t from = bounds[p], to = bounds[p + 1];
      if (forward) walk_words<true>(w, from, to, narrow16, key_shift, sorted.row_bits, row_mask, order_mask);
      else walk_words<false>(w, from, to, narrow16, key_shift, sorted.row_bits, row_mask, order_mask);
    });
    return;
  }
  if (usual && sorted.in_place && key_column.validity.all_known() && order_column.validity.all_known()) {
    in_parts(parts, [&](unsigned p) {
      const std::int64_t* keys = key_column.data.data();
      const std::int64_t* orders = order_column.data.data();
      const std::int64_t base = column.base;
      const std::size_t from = bounds[p], to = bounds[p + 1];
      std::uint16_t* cells = narrow16;
      bool have = false;
      std::int64_t last_key = 0, last_order = 0;
      each_step(from, to, forward, [&](std::size_t i) {
        if (have && keys[i] == last_key) cells[i] = static_cast<std::uint16_t>(last_order - base);
        have = true;
        last_key = keys[i];
        last_order = orders[i];
      });
    });
    return;
  }
  in_parts(parts, [&](unsigned p) { walk(bounds[p], bounds[p + 1]); });
}

// The row of each key in a lookup's target table (the first, should a key repeat): a table
// indexed by the key itself when the keys are whole values (text codes, day numbers) spread over
// a range not much larger than the rows, a hash map when they are spread wider, and an ordered
// map of exact values for numbers, whose scales may differ from the looked-up key's.
class KeyIndex {
 public:
  KeyIndex(const Column& keys, bool numeric) : numeric_(numeric) {
    const std::size_t rows = keys.data.size();
    if (numeric_) {
      for (std::size_t r = 0; r < rows; ++r)
        if (keys.validity.known(r))
          exact_.emplace(Rational(keys.data[r]) / pow10_i64(keys.scale), static_cast<std::int64_t>(r));
      return;
    }
    std::int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (std::size_t r = 0; r < rows; ++r) {
      if (!keys.validity.known(r)) continue;
      lo = std::min(lo, keys.data[r]);
      hi = std::max(hi, keys.data[r]);
    }
    if (lo > hi) return;
    const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    // Rows are numbered in 32 bits in the table by key: half the memory of 64, which the lookups
    // of a table in no particular order reach all over.
    if (span < std::max<std::uint64_t>(4 * rows, 1u << 16) && rows < (std::size_t{1} << 31)) {
      lo_ = lo;
      direct_.assign(span + 1, -1);
      for (std::size_t r = 0; r < rows; ++r) {
        if (!keys.validity.known(r)) continue;
        std::int32_t& slot = direct_[static_cast<std::size_t>(keys.data[r] - lo)];
        if (slot < 0) slot = static_cast<std::int32_t>(r);
      }
      return;
    }
    hashed_.reserve(rows);
    for (std::size_t r = 0; r < rows; ++r)
      if (keys.validity.known(r)) hashed_.emplace(keys.data[r], static_cast<std::int64_t>(r));
  }

  // The target row holding key cell k, or -1.
  std::int64_t find(const Vec& key, std::size_t k) const {
    if (numeric_) {
      auto it = exact_.find(key.number(k));
      return it == exact_.end() ? -1 : it->second;
    }
    if (!direct_.empty()) {
      const std::uint64_t off = static_cast<std::uint64_t>(key.v[k]) - static_cast<std::uint64_t>(lo_);
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

// Evaluates every derived column of `table` over all its rows.
void materialize(const plan::Plan& plan, Dataset& data, std::uint32_t t, Evaluator& eval,
                 std::vector<DerivedColumn>& derived, const std::vector<check::Constant>& params,
                 unsigned threads) {
  auto& sorts = data.sorts;
  const Table& table = *data.tables[t];
  const std::size_t n = table.rows();
  static const Frame none_frame;
  eval.set_frame(&none_frame);
  for (std::size_t di = 0; di < plan.derived.size(); ++di) {
    const plan::Derived& d = plan.derived[di];
    if (d.table != t) continue;
    eval.start_batch(&table, 0, n);
    Vec out;
    out.kind = d.type.kind;
    if (d.kind == plan::Derived::Kind::lookup) {
      const Table& target = *data.tables[d.target_table];
      const Column& key_col = target.columns[d.target_key];
      const Column& val_col = target.columns[d.target_column];
      const Vec& key = eval.eval(d.key);
      const KeyIndex index(key_col, key.kind == Kind::number);
      out.scale = val_col.scale;
      out.v.assign(n, 0);
      out.known.assign(n, 0);
      // The target rows first, then their values: two loops of independent reads, which the
      // processor overlaps where the rows come in no order and each read misses the cache; a
      // stretch of rows per thread.
      std::vector<std::int64_t> rows(n);
      const unsigned parts = n >= kParallelRows ? threads : 1;
      in_parts(parts, [&](unsigned p) {
        const std::size_t from = n * p / parts, to = n * (p + 1) / parts;
        for (std::size_t i = from; i < to; ++i) {
          const std::size_t k = at(key, i);
          rows[i] = key.known[k] ? index.find(key, k) : -1;
        }
        for (std::size_t i = from; i < to; ++i) {
          const std::int64_t row = rows[i];
          if (row < 0 || !val_col.validity.known(static_cast<std::size_t>(row))) continue;
          out.v[i] = val_col.data[static_cast<std::size_t>(row)];
          out.known[i] = 1;
        }
      });
      derived[di] = DerivedColumn{std::move(out), {}, {}, 0, false};
      continue;
    }
    // previous / next: one sort per (table, key, order), shared.
    std::string sort_key = fmt::format("{}|{}", t, d.signature);
    if (d.signature.find("param#") != std::string::npos)
      for (const check::Constant& c : params) sort_key += "|" + check::constant_source(c);
    auto it = sorts.find(sort_key);
    if (it == sorts.end()) it = sorts.emplace(sort_key, sort_rows(plan, d, table, eval, data.pool, threads)).first;
    const SortedRows& sorted = it->second;
    std::vector<std::uint8_t> eligible;
    if (d.where != kNone) {
      eligible.resize(n);
      std::vector<std::uint8_t> part;
      for (std::size_t begin = 0; begin < n; begin += kBatch) {
        const std::size_t nb = std::min(kBatch, n - begin);
        eval.start_batch(&table, begin, nb);
        part.assign(nb, 1);
        eval.mask(d.where, part);
        std::copy(part.begin(), part.end(), eligible.begin() + static_cast<std::ptrdiff_t>(begin));
      }
    }
    // The value is read from the sorted words when it is the order itself (the usual
    // `previous(visit_date per child_id)`); otherwise it is evaluated over the whole table.
    Vec value;
    const bool from_words = sorted.order_in_word && d.value == d.order;
    if (from_words) {
      out.scale = sorted.order_scale;
    } else {
      eval.start_batch(&table, 0, n);
      value = eval.eval(d.value);
      out.rational = value.rational;
      out.scale = value.scale;
    }
    DerivedColumn& column = derived[di];
    column = DerivedColumn{};
    column.is_narrow = from_words && sorted.order_bits < 31;
    if (column.is_narrow) {
      column.base = sorted.order_min;
      // Filled with "missing" on all threads, so that the pages are not all first touched by one.
      const auto fill = [&](auto& cells, auto missing) {
        cells.resize(n);
        const unsigned parts = n >= kParallelRows ? threads : 1;
        in_parts(parts, [&](unsigned p) {
          std::fill(cells.begin() + static_cast<std::ptrdiff_t>(n * p / parts),
                    cells.begin() + static_cast<std::ptrdiff_t>(n * (p + 1) / parts), missing);
        });
      };
      if (sorted.order_bits < 16) fill(column.narrow16, kMissing16);
      else fill(column.narrow32, std::int32_t{-1});
    } else if (out.rational) {
      out.r.assign(n, Rational(0));
      out.known.assign(n, 0);
    } else {
      out.v.assign(n, 0);
      out.known.assign(n, 0);
    }
    column.wide = std::move(out);
    walk_sorted(sorted, table, d.kind == plan::Derived::Kind::previous, eligible,
                from_words ? nullptr : &value, column, threads);
  }
  eval.release();
}

Rational abs_r(const Rational& r) { return r < 0 ? Rational(-r) : r; }

}  // namespace

Dataset load_dataset(const plan::Plan& plan, const std::filesystem::path& data_dir,
                     const LoadOptions& options) {
  Dataset data;
  data.tables.resize(plan.tables.size());
  // The used tables, loaded at once; results, errors and warnings in table order.
  std::vector<TableRequest> requests;
  std::vector<std::size_t> table_of;
  for (std::size_t t = 0; t < plan.tables.size(); ++t) {
    const plan::TablePlan& tp = plan.tables[t];
    if (!tp.used) continue;
    requests.push_back({&tp.schema, tp.columns, data_dir / (tp.schema.name + ".csv")});
    table_of.push_back(t);
  }
  ParallelOptions parallel;
  parallel.threads = options.threads;
  std::vector<LoadResult> loaded = load_tables(requests, data.pool, options, parallel);
  for (std::size_t k = 0; k < loaded.size(); ++k) {
    LoadResult& r = loaded[k];
    for (auto& e : r.errors) data.errors.push_back(std::move(e));
    for (auto& w : r.warnings) data.warnings.push_back(std::move(w));
    if (r.table) data.tables[table_of[k]] = std::move(*r.table);
  }
  return data;
}

std::vector<calendar::Period> shown_periods(const plan::IndicatorPlan& ind, const RunRequest& request) {
  const calendar::Cadence cadence = cadence_of(ind.cadence);
  calendar::Period last;
  if (request.period.cadence) {
    // The period asked for, seen at this indicator's cadence: the one holding its last day.
    const calendar::Period asked = calendar::resolve(request.period, *request.period.cadence);
    last = calendar::period_containing(cadence, asked.end);
  } else {
    last = calendar::period_containing(cadence, request.period.day);
  }
  const int history = request.history > 0 ? request.history : 2;
  std::vector<calendar::Period> out;
  for (int k = history - 1; k >= 0; --k) out.push_back(calendar::shift(last, -k));
  return out;
}

namespace {

calendar::Window window_of(const plan::IndicatorPlan& ind, const calendar::Period& p) {
  switch (ind.window) {
    case ast::WindowKind::rolling_months: return calendar::rolling_months(p, ind.window_months);
    case ast::WindowKind::year_to_date: return calendar::year_to_date(p);
    case ast::WindowKind::period: break;
  }
  return calendar::Window{p.start, p.end};
}

calendar::Period comparator(const plan::IndicatorPlan& ind, const calendar::Period& p) {
  return ind.trend == ast::TrendKind::previous_period ? calendar::shift(p, -1)
                                                      : calendar::same_period_last_year(p);
}

struct Engine {
  const plan::Plan& plan;
  Dataset& data;
  const RunRequest& request;
  std::vector<Issue>& errors;
  StringPool constant_texts;  // constant texts no cell holds
  TextCodes texts;
  std::vector<Vec> params, constants;
  std::vector<DerivedColumn> derived;
  std::vector<const Threshold*> thresholds;  // by plan indicator, for sweeps

  EvalInputs inputs() const { return EvalInputs{plan, texts, params, constants, derived}; }

  unsigned threads() const {
    if (request.threads > 0) return request.threads;
    return std::max(1u, std::thread::hardware_concurrency());
  }

  const Threshold* threshold(std::uint32_t indicator) const {
    return indicator < thresholds.size() ? thresholds[indicator] : nullptr;
  }

  Engine(const plan::Plan& p, Dataset& d, const RunRequest& r, std::vector<Issue>& e)
      : plan(p), data(d), request(r), errors(e), texts(d.pool, constant_texts) {
    for (const check::Constant& c : plan.constants) constants.push_back(constant_vec(c, texts));
    for (std::size_t i = 0; i < plan.params.size(); ++i) {
      const check::Constant& c = i < request.params.size() ? request.params[i] : plan.params[i].declared;
      params.push_back(constant_vec(c, texts));
    }
    derived.resize(plan.derived.size());
  }

  std::vector<std::uint32_t> selected() const {
    std::vector<std::uint32_t> out = request.indicators;
    if (out.empty())
      for (std::uint32_t i = 0; i < plan.indicators.size(); ++i)
        if (plan.indicators[i].selected_by_default) out.push_back(i);
    return out;
  }

  // Evaluates one indicator-level expression (target, rag rule, benchmark) in a frame.
  std::optional<Rational> scalar(Evaluator& eval, NodeId id) {
    if (id == kNone) return std::nullopt;
    const Vec& v = eval.eval(id);
    if (!v.known[0]) return std::nullopt;
    return v.number(0);
  }
  bool holds(Evaluator& eval, NodeId id) {
    const Vec& v = eval.eval(id);
    return v.known[0] && v.v[0];
  }

  // Fills jobs for every table in one pass over its rows.
  const plan::Node& node(NodeId id) const { return plan.nodes[static_cast<std::size_t>(id)]; }

  void conjuncts(NodeId id, std::vector<NodeId>& out) const {
    if (id == kNone) return;
    if (node(id).op == NodeOp::and_) {
      conjuncts(node(id).a, out);
      conjuncts(node(id).b, out);
    } else {
      out.push_back(id);
    }
  }

  // std::lower_bound (or upper_bound) of a day in sorted days, looked up in a table by day: rows
  // are placed in their periods without a search. Days spread over more than 2^22 fall back to
  // searching.
  class Ranks {
   public:
    Ranks() = default;
    Ranks(const std::vector<Day>& days, bool upper) : days_(days), upper_(upper) {
      if (days.empty() || days.back() - days.front() >= (1 << 22)) return;
      from_ = days.front();
      at_.resize(static_cast<std::size_t>(days.back() - days.front()) + 1);
      for (std::size_t i = 0; i < at_.size(); ++i) at_[i] = static_cast<std::uint32_t>(search(from_ + static_cast<Day>(i)));
    }
    std::size_t operator()(Day d) const {
      if (at_.empty()) return search(d);
      if (d < from_) return 0;
      const auto i = static_cast<std::size_t>(d - from_);
      return i < at_.size() ? at_[i] : days_.size();
    }

   private:
    std::size_t search(Day d) const {
      const auto it = upper_ ? std::upper_bound(days_.begin(), days_.end(), d)
                             : std::lower_bound(days_.begin(), days_.end(), d);
      return static_cast<std::size_t>(it - days_.begin());
    }
    std::vector<Day> days_;
    bool upper_ = false;
    Day from_ = 0;
    std::vector<std::uint32_t> at_;
  };

  // An indicator whose rows fall into periods by one date: `X in period` (or `in window`)
  // among conditions that do not depend on the period. Its rows are then evaluated once per
  // batch and each is added to the periods whose bounds hold its date, instead of evaluating
  // every condition once per period.
  //
  // Likewise `active(S, E, P)` where P is a bound of the period or window: a row then counts in
  // every job whose P lies in [S, E), or from S on when E is missing.
  struct Buckets {
    bool ok = false;
    bool active = false;
    NodeId anchor = kNone;      // the date that places a row: X of `in`, S of `active`
    NodeId until = kNone;       // E of `active`
    std::vector<NodeId> rest;   // the other conditions of where and denominator/value where
    std::vector<std::size_t> jobs;  // sorted by lower bound (`active`: by P)
    std::vector<Day> lo, hi;        // `in`: each job's bounds; `active`: P in lo
    Ranks lo_lower, lo_upper, hi_lower;

    // `in`: each day from `first_day` (the least lower bound) to the greatest upper bound, with
    // the positions of the jobs that hold it, [span_first, span_last); a day outside is in none.
    Day first_day = 0;
    std::vector<std::uint32_t> span_first, span_last;

    void rank() {
      lo_lower = Ranks(lo, false);
      lo_upper = Ranks(lo, true);
      hi_lower = Ranks(hi, false);
      if (active || lo.empty() || hi.back() - lo.front() >= (1 << 22)) return;
      const auto days = static_cast<std::size_t>(hi.back() - lo.front()) + 1;
      std::vector<std::uint32_t> firsts(days), lasts(days);
      for (std::size_t k = 0; k < days; ++k) {
        const auto [first, last] = span(lo.front() + static_cast<Day>(k), std::nullopt);
        firsts[k] = static_cast<std::uint32_t>(first);
        lasts[k] = static_cast<std::uint32_t>(last);
      }
      first_day = lo.front();
      span_first = std::move(firsts);
      span_last = std::move(lasts);
    }

    // The jobs, as positions in `jobs`, that a row with anchor d (and `active`'s end, when
    // known) falls in.
    std::pair<std::size_t, std::size_t> span(Day d, const std::optional<Day>& end) const {
      if (active) {
        const std::size_t first = lo_lower(d);
        return {first, end ? std::max(first, lo_lower(*end)) : lo.size()};
      }
      if (!span_first.empty()) {
        const auto k = static_cast<std::uint64_t>(static_cast<std::int64_t>(d) - first_day);
        if (k >= span_first.size()) return {0, 0};  // before the first period or after the last
        return {span_first[k], span_last[k]};
      }
      // The first job whose upper bound reaches d, to the last whose lower bound does.
      const std::size_t first = hi_lower(d);
      return {first, std::max(first, lo_upper(d))};
    }
  };

  // The period bound a node reads, when it is one.
  static std::optional<Day> bound_of(NodeOp op, const Frame& f) {
    switch (op) {
      case NodeOp::period_start: return f.period_start;
      case NodeOp::period_end: return f.period_end;
      case NodeOp::window_start: return f.window_start;
      case NodeOp::window_end: return f.window_end;
      default: return std::nullopt;
    }
  }

  Buckets buckets(std::uint32_t indicator, const std::vector<Job>& jobs) const {
    const plan::IndicatorPlan& ind = plan.indicators[indicator];
    Buckets b;
    std::vector<NodeId> all;
    conjuncts(ind.where, all);
    conjuncts(ind.ratio ? ind.denominator_where : ind.value_where, all);
    NodeId range = kNone;
    for (NodeId c : all) {
      if (!node(c).uses_period) {
        b.rest.push_back(c);
        continue;
      }
      if (range != kNone) return {};
      range = c;
    }
    if (range == kNone) return {};
    const plan::Node& r = node(range);
    for (NodeId other : {ind.numerator_where, ind.numerator.operand, ind.denominator.operand, ind.value.operand})
      if (other != kNone && node(other).uses_period) return {};
    if (r.op == NodeOp::active) {
      // active(S, E, P): S and E dates of the row, P a bound of the period.
      if (node(r.a).uses_period || node(r.b).uses_period || node(r.a).type.kind != Kind::date ||
          node(r.b).type.kind != Kind::date || !bound_of(node(r.c).op, Frame{}))
        return {};
      b.active = true;
      b.anchor = r.a;
      b.until = r.b;
      for (std::size_t j = 0; j < jobs.size(); ++j)
        if (jobs[j].indicator == indicator) b.jobs.push_back(j);
      const NodeOp at = node(r.c).op;
      auto point = [&](std::size_t j) { return *bound_of(at, jobs[j].frame); };
      std::sort(b.jobs.begin(), b.jobs.end(), [&](std::size_t x, std::size_t y) { return point(x) < point(y); });
      for (std::size_t j : b.jobs) b.lo.push_back(point(j));
      b.rank();
      b.ok = true;
      return b;
    }
    if (r.op != NodeOp::in_range || node(r.a).uses_period) return {};
    const NodeOp lo_op = node(r.b).op, hi_op = node(r.c).op;
    const bool period = lo_op == NodeOp::period_start && hi_op == NodeOp::period_end;
    const bool window = lo_op == NodeOp::window_start && hi_op == NodeOp::window_end;
    if (!period && !window) return {};
    if (node(r.a).type.kind != Kind::date) return {};
    b.anchor = r.a;
    for (std::size_t j = 0; j < jobs.size(); ++j)
      if (jobs[j].indicator == indicator) b.jobs.push_back(j);
    auto low = [&](std::size_t j) { return window ? jobs[j].frame.window_start : jobs[j].frame.period_start; };
    auto high = [&](std::size_t j) { return window ? jobs[j].frame.window_end : jobs[j].frame.period_end; };
    std::sort(b.jobs.begin(), b.jobs.end(), [&](std::size_t x, std::size_t y) { return low(x) < low(y); });
    for (std::size_t j : b.jobs) {
      b.lo.push_back(low(j));
      b.hi.push_back(high(j));
    }
    // Upper bounds must rise with lower bounds for the search below (equal-length windows).
    for (std::size_t k = 1; k < b.hi.size(); ++k)
      if (b.hi[k] < b.hi[k - 1]) return {};
    b.rank();
    b.ok = true;
    return b;
  }

  // Fills jobs for every table in one pass over its rows.
  void accumulate(std::vector<Job>& jobs, Evaluator& eval) {
    for (std::uint32_t t = 0; t < plan.tables.size(); ++t) {
      if (!data.tables[t]) continue;
      bool wanted = false;
      for (const Job& j : jobs) wanted = wanted || plan.indicators[j.indicator].table == t;
      bool needed_by_lookup = false;
      for (const plan::Derived& d : plan.derived) needed_by_lookup = needed_by_lookup || d.table == t;
      if (!wanted && !needed_by_lookup) continue;
      const auto derive_start = std::chrono::steady_clock::now();
      materialize(plan, data, t, eval, derived, request.params, threads());
      const auto evaluate_start = std::chrono::steady_clock::now();
      if (!wanted) continue;
      const Table& table = *data.tables[t];
      // Indicators evaluated by buckets, and the jobs left to evaluate period by period.
      std::vector<Buckets> bucketed;
      std::vector<std::uint8_t> in_bucket(jobs.size(), 0);
      std::vector<std::uint8_t> seen(plan.indicators.size(), 0);
      for (const Job& job : jobs) {
        if (plan.indicators[job.indicator].table != t || seen[job.indicator]) continue;
        seen[job.indicator] = 1;
        Buckets b = buckets(job.indicator, jobs);
        if (!b.ok) continue;
        for (std::size_t j : b.jobs) in_bucket[j] = 1;
        bucketed.push_back(std::move(b));
      }
      // Big tables in one stretch of rows per thread, each with its own evaluator and
      // accumulators; the later stretches' are then added to the first's in row order, which
      // gives the figures one pass would.
      const std::size_t rows = table.rows();
      const unsigned parts = rows < kParallelRows ? 1 : threads();
      if (parts == 1) {
        accumulate_rows(t, 0, rows, jobs, eval, bucketed, in_bucket);
      } else {
        std::vector<std::size_t> bounds(parts + 1, rows);
        for (unsigned p = 0; p < parts; ++p) bounds[p] = batch_boundary(rows * p / parts, rows);
        std::vector<std::vector<Job>> other_jobs(parts - 1);
        std::vector<std::vector<Issue>> other_errors(parts - 1);
        std::vector<std::unique_ptr<Evaluator>> other_evals;
        for (unsigned p = 1; p < parts; ++p) {
          for (const Job& job : jobs) other_jobs[p - 1].push_back(job.fresh());
          other_evals.push_back(std::make_unique<Evaluator>(inputs(), other_errors[p - 1]));
        }
        in_parts(parts, [&](unsigned p) {
          if (p == 0) accumulate_rows(t, bounds[0], bounds[1], jobs, eval, bucketed, in_bucket);
          else accumulate_rows(t, bounds[p], bounds[p + 1], other_jobs[p - 1], *other_evals[p - 1], bucketed, in_bucket);
        });
        for (unsigned p = 1; p < parts; ++p) {
          for (std::size_t j = 0; j < jobs.size(); ++j) jobs[j].merge(std::move(other_jobs[p - 1][j]));
          for (Issue& e : other_errors[p - 1]) {
            bool seen_span = false;
            for (const Issue& have : errors) seen_span = seen_span || have.span == e.span;
            if (!seen_span) errors.push_back(std::move(e));
          }
        }
      }
      if (request.timings)
        request.timings->push_back(TableTiming{
            plan.tables[t].schema.name, seconds_between(derive_start, evaluate_start),
            seconds_between(evaluate_start, std::chrono::steady_clock::now())});
    }
  }

  // Adds rows [from, to) of table t to the jobs that read it.
  void accumulate_rows(std::uint32_t t, std::size_t from, std::size_t to, std::vector<Job>& jobs,
                       Evaluator& eval, const std::vector<Buckets>& bucketed,
                       const std::vector<std::uint8_t>& in_bucket) {
    const Table& table = *data.tables[t];
    static const Frame none_frame;
    std::vector<std::uint8_t> base, den, num;
    // Bucketed indicators that only count rows (the usual `count where ...` over `count where
    // ...`) add to plain counters per period here, and to their jobs once at the end.
    std::vector<std::vector<std::int64_t>> den_counts(bucketed.size()), num_counts(bucketed.size());
    std::vector<std::uint8_t> counting(bucketed.size(), 0);
    for (std::size_t bi = 0; bi < bucketed.size(); ++bi) {
      const std::uint32_t indicator = jobs[bucketed[bi].jobs.front()].indicator;
      const plan::IndicatorPlan& ind = plan.indicators[indicator];
      counting[bi] = ind.ratio ? ind.denominator.op == ast::Op::count && ind.numerator.op == ast::Op::count &&
                                     !threshold(indicator)
                               : ind.value.op == ast::Op::count;
      if (!counting[bi]) continue;
      den_counts[bi].assign(bucketed[bi].jobs.size(), 0);
      num_counts[bi].assign(bucketed[bi].jobs.size(), 0);
    }
    for (std::size_t begin = from; begin < to; begin += kBatch) {
      const std::size_t n = std::min(kBatch, to - begin);
      eval.start_batch(&table, begin, n);
      for (std::size_t bi = 0; bi < bucketed.size(); ++bi) {
        const Buckets& b = bucketed[bi];
        const plan::IndicatorPlan& ind = plan.indicators[jobs[b.jobs.front()].indicator];
        eval.set_frame(&none_frame);
        den.assign(n, 1);
        for (NodeId c : b.rest) eval.mask(c, den);
        const Vec& anchor = eval.eval(b.anchor);
        const Vec* until = b.active ? &eval.eval(b.until) : nullptr;
        num = den;
        const Vec* den_operand = nullptr;
        const Vec* num_operand = nullptr;
        const Threshold* th = threshold(jobs[b.jobs.front()].indicator);
        const Vec* quantity = nullptr;
        if (th) {
          for (NodeId c : th->others) eval.mask(c, num);
          quantity = &eval.eval(th->quantity);
          if (ind.denominator.operand != kNone) den_operand = &eval.eval(ind.denominator.operand);
        } else if (ind.ratio) {
          eval.mask(ind.numerator_where, num);
          if (ind.denominator.operand != kNone) den_operand = &eval.eval(ind.denominator.operand);
          if (ind.numerator.operand != kNone) num_operand = &eval.eval(ind.numerator.operand);
        } else if (ind.value.operand != kNone) {
          den_operand = &eval.eval(ind.value.operand);
        }
        // Calls f(i, first, last) for each row of the denominator with the positions in b.jobs
        // of the periods that hold it.
        auto each_placed = [&](auto f) {
          for (std::size_t i = 0; i < n; ++i) {
            const std::size_t k = at(anchor, i);
            if (!den[i] || !anchor.known[k]) continue;
            std::optional<Day> end;
            if (until && until->known[at(*until, i)]) end = static_cast<Day>(until->v[at(*until, i)]);
            const auto [first, last] = b.span(static_cast<Day>(anchor.v[k]), end);
            f(i, first, last);
          }
        };
        if (counting[bi] && !b.span_first.empty() && !anchor.one()) {
          // The usual count over count by a date in period: a loop of its own over the rows,
          // with each day's periods looked up.
          std::int64_t* dc = den_counts[bi].data();
          std::int64_t* nc = num_counts[bi].data();
          const std::int64_t* day = anchor.v.data();
          const std::uint8_t* known = anchor.known.data();
          const std::uint8_t* in_den = den.data();
          const std::uint8_t* in_num = num.data();
          const std::uint32_t* first = b.span_first.data();
          const std::uint32_t* last = b.span_last.data();
          const std::uint64_t days = b.span_first.size();
          const std::int64_t first_day = b.first_day;
          for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t k = static_cast<std::uint64_t>(day[i] - first_day);
            if (!(in_den[i] & known[i]) || k >= days) continue;
            for (std::uint32_t q = first[k]; q < last[k]; ++q) {
              ++dc[q];
              nc[q] += in_num[i];
            }
          }
          continue;
        }
        if (counting[bi]) {
          std::int64_t* dc = den_counts[bi].data();
          std::int64_t* nc = num_counts[bi].data();
          each_placed([&](std::size_t i, std::size_t first, std::size_t last) {
            for (std::size_t q = first; q < last; ++q) {
              ++dc[q];
              nc[q] += num[i];
            }
          });
          continue;
        }
        each_placed([&](std::size_t i, std::size_t first, std::size_t last) {
          for (std::size_t q = first; q < last; ++q) {
            Job& job = jobs[b.jobs[q]];
            if (ind.ratio) {
              job.den.add_row(den_operand, i);
              if (quantity) {
                if (num[i]) job.collect(*quantity, i);
              } else if (num[i]) {
                job.num.add_row(num_operand, i);
              }
            } else {
              job.value.add_row(den_operand, i);
            }
          }
        });
      }
      for (std::size_t j = 0; j < jobs.size(); ++j) {
        Job& job = jobs[j];
        const plan::IndicatorPlan& ind = plan.indicators[job.indicator];
        if (ind.table != t || in_bucket[j]) continue;
        eval.set_frame(&job.frame);
        base.assign(n, 1);
        eval.mask(ind.where, base);
        if (ind.ratio) {
          den = base;
          eval.mask(ind.denominator_where, den);
          job.den.add(ind.denominator.operand != kNone ? &eval.eval(ind.denominator.operand) : nullptr, den, n);
          num = den;
          if (const Threshold* th = threshold(job.indicator)) {
            for (NodeId c : th->others) eval.mask(c, num);
            const Vec& quantity = eval.eval(th->quantity);
            for (std::size_t i = 0; i < n; ++i)
              if (num[i]) job.collect(quantity, i);
          } else {
            eval.mask(ind.numerator_where, num);
            job.num.add(ind.numerator.operand != kNone ? &eval.eval(ind.numerator.operand) : nullptr, num, n);
          }
        } else {
          eval.mask(ind.value_where, base);
          job.value.add(ind.value.operand != kNone ? &eval.eval(ind.value.operand) : nullptr, base, n);
        }
      }
    }
    for (std::size_t bi = 0; bi < bucketed.size(); ++bi) {
      if (!counting[bi]) continue;
      for (std::size_t q = 0; q < bucketed[bi].jobs.size(); ++q) {
        Job& job = jobs[bucketed[bi].jobs[q]];
        if (plan.indicators[job.indicator].ratio) {
          job.den.add_counted(den_counts[bi][q]);
          job.num.add_counted(num_counts[bi][q]);
        } else {
          job.value.add_counted(den_counts[bi][q]);
        }
      }
    }
  }
};

Job make_job(const plan::Plan& plan, std::uint32_t indicator, const calendar::Period& p,
             std::size_t frame_id) {
  const plan::IndicatorPlan& ind = plan.indicators[indicator];
  Job job;
  job.indicator = indicator;
  job.period = p;
  const calendar::Window w = window_of(ind, p);
  job.frame.id = frame_id;
  job.frame.period_start = p.start;
  job.frame.period_end = p.end;
  job.frame.window_start = w.start;
  job.frame.window_end = w.end;
  job.den = Aggregate(ind.denominator.op);
  job.num = Aggregate(ind.numerator.op);
  job.value = Aggregate(ind.value.op);
  return job;
}

}  // namespace

namespace {

// Every (indicator, period) to compute: the periods shown and their trend comparators.
struct JobSet {
  std::vector<std::uint32_t> chosen;
  std::vector<Job> jobs;
  std::map<std::pair<std::uint32_t, Day>, std::size_t> job_of;
};

JobSet plan_jobs(const plan::Plan& plan, const RunRequest& request, std::vector<std::uint32_t> chosen) {
  JobSet set;
  set.chosen = std::move(chosen);
  std::vector<Job>& jobs = set.jobs;
  auto& job_of = set.job_of;
  auto want = [&](std::uint32_t i, const calendar::Period& p) {
    const auto key = std::make_pair(i, p.start);
    if (job_of.count(key)) return;
    job_of[key] = jobs.size();
    jobs.push_back(make_job(plan, i, p, jobs.size()));
  };
  for (std::uint32_t i : set.chosen) {
    const plan::IndicatorPlan& ind = plan.indicators[i];
    for (const calendar::Period& p : shown_periods(ind, request)) {
      want(i, p);
      if (ind.has_trend) want(i, comparator(ind, p));
    }
  }
  return set;
}

// Figures, colours and trends from accumulated jobs.
RunResult finish(const plan::Plan& plan, Dataset& data, const RunRequest& request, Engine& engine,
                 Evaluator& eval, JobSet& set) {
  std::vector<Job>& jobs = set.jobs;
  const auto& job_of = set.job_of;
  const auto& chosen = set.chosen;
  // Figures, colours and trends, once per indicator and period.
  std::vector<PeriodResult> figures(jobs.size());
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    Job& job = jobs[j];
    const plan::IndicatorPlan& ind = plan.indicators[job.indicator];
    PeriodResult& r = figures[j];
    r.period = job.period;
    r.window = calendar::Window{job.frame.window_start, job.frame.window_end};
    if (ind.ratio) {
      r.numerator = job.num.finalize();
      r.denominator = job.den.finalize();
      if (!r.denominator || *r.denominator == 0) {
        r.note = "the denominator is 0: no rows to measure in this period";
      } else if (r.numerator) {
        r.value = Rational(*r.numerator / *r.denominator * ind.multiplier);
      }
    } else {
      // A value over no rows is missing, as SQL's SUM and AVG are; a count of no rows is 0.
      const bool counts = job.value.op() == AggregateOp::count || job.value.op() == AggregateOp::count_distinct;
      if (counts || !job.value.empty()) r.value = job.value.finalize();
      if (!r.value) r.note = "no rows with a value in this period";
    }
    eval.start_batch(nullptr, 0, 1);
    job.frame.value = r.value;
    eval.set_frame(&job.frame);
    r.target = engine.scalar(eval, ind.target);
    r.target_low = engine.scalar(eval, ind.target_low);
    r.target_high = engine.scalar(eval, ind.target_high);
    job.frame.target = r.target;
    for (const plan::Benchmark& b : ind.benchmarks) r.benchmarks.push_back(engine.scalar(eval, b.value));
    job.frame.benchmarks = r.benchmarks;
    if (r.value) {
      eval.start_batch(nullptr, 0, 1);
      for (const plan::RagRule& rule : ind.rag) {
        if (rule.when == kNone || engine.holds(eval, rule.when)) {
          r.rag = rule.colour == ast::Colour::red     ? Rag::red
                  : rule.colour == ast::Colour::amber ? Rag::amber
                                                      : Rag::green;
          break;
        }
      }
    }
  }

  RunResult result;
  result.period_label = request.period_label;
  for (std::uint32_t i : chosen) {
    const plan::IndicatorPlan& ind = plan.indicators[i];
    IndicatorResult ir;
    ir.plan = &ind;
    for (const calendar::Period& p : shown_periods(ind, request)) {
      PeriodResult r = figures[job_of.at({i, p.start})];
      if (ind.has_trend) {
        const calendar::Period c = comparator(ind, p);
        const PeriodResult& before = figures[job_of.at({i, c.start})];
        r.comparator = calendar::label(c);
        if (r.value && before.value) {
          const Rational change = *r.value - *before.value;
          r.change = change;
          Rational tolerance = 0;
          eval.start_batch(nullptr, 0, 1);
          if (auto t = engine.scalar(eval, ind.stable_within)) tolerance = abs_r(*t);
          if (ind.polarity == ast::Polarity::range && r.target_low && r.target_high) {
            auto distance = [&](const Rational& v) -> Rational {
              if (v < *r.target_low) return *r.target_low - v;
              if (v > *r.target_high) return v - *r.target_high;
              return 0;
            };
            const Rational d_now = distance(*r.value), d_before = distance(*before.value);
            if (abs_r(change) <= tolerance || d_now == d_before) r.trend = Trend::stable;
            else r.trend = d_now < d_before ? Trend::improving : Trend::deteriorating;
          } else if (abs_r(change) <= tolerance) {
            r.trend = Trend::stable;
          } else {
            const bool up = change > 0;
            r.trend = (up == (ind.polarity != ast::Polarity::lower)) ? Trend::improving
                                                                      : Trend::deteriorating;
          }
        }
      }
      ir.results.push_back(std::move(r));
    }
    result.indicators.push_back(std::move(ir));
  }
  for (std::size_t t = 0; t < plan.tables.size(); ++t) {
    if (!data.tables[t]) continue;
    result.tables.push_back(TableInfo{plan.tables[t].schema.name, data.tables[t]->file,
                                      data.tables[t]->rows(), data.tables[t]->rejected});
  }
  std::sort(result.tables.begin(), result.tables.end(),
            [](const TableInfo& a, const TableInfo& b) { return a.name < b.name; });
  return result;
}

}  // namespace

RunResult execute(const plan::Plan& plan, Dataset& data, const RunRequest& request,
                  std::vector<Issue>& errors) {
  Engine engine(plan, data, request, errors);
  Evaluator eval(engine.inputs(), errors);
  JobSet set = plan_jobs(plan, request, engine.selected());
  engine.accumulate(set.jobs, eval);
  return finish(plan, data, request, engine, eval, set);
}

namespace {

bool reads_param(const plan::Plan& plan, NodeId id, std::uint32_t param, std::map<NodeId, bool>& memo) {
  if (id == kNone) return false;
  if (auto it = memo.find(id); it != memo.end()) return it->second;
  const plan::Node& n = plan.nodes[static_cast<std::size_t>(id)];
  bool r = n.op == NodeOp::param && n.payload == param;
  if (n.op == NodeOp::derived) {
    const plan::Derived& d = plan.derived[n.payload];
    for (NodeId c : {d.value, d.key, d.order, d.where}) r = r || reads_param(plan, c, param, memo);
  }
  for (NodeId c : {n.a, n.b, n.c}) r = r || reads_param(plan, c, param, memo);
  memo[id] = r;
  return r;
}

// True when the node reads nothing of a row or a period: a constant or parameter expression.
bool row_free(const plan::Plan& plan, NodeId id) {
  if (id == kNone) return true;
  const plan::Node& n = plan.nodes[static_cast<std::size_t>(id)];
  switch (n.op) {
    case NodeOp::constant:
    case NodeOp::param: return true;
    case NodeOp::column:
    case NodeOp::derived:
    case NodeOp::period_start:
    case NodeOp::period_end:
    case NodeOp::window_start:
    case NodeOp::window_end:
    case NodeOp::ind_value:
    case NodeOp::ind_target:
    case NodeOp::ind_benchmark: return false;
    default: return row_free(plan, n.a) && row_free(plan, n.b) && row_free(plan, n.c);
  }
}

NodeOp flipped(NodeOp op) {
  switch (op) {
    case NodeOp::lt: return NodeOp::gt;
    case NodeOp::le: return NodeOp::ge;
    case NodeOp::gt: return NodeOp::lt;
    case NodeOp::ge: return NodeOp::le;
    default: return op;
  }
}

}  // namespace

std::optional<std::vector<RunResult>> execute_sweep(const plan::Plan& plan, Dataset& data,
                                                    const RunRequest& request, std::uint32_t param,
                                                    const std::vector<check::Constant>& values,
                                                    std::vector<Issue>& errors) {
  Engine engine(plan, data, request, errors);
  const std::vector<std::uint32_t> chosen = engine.selected();
  // Each indicator either ignores the parameter or reads it only as one threshold of its
  // numerator; otherwise every value needs a run of its own.
  std::vector<Threshold> thresholds(plan.indicators.size());
  engine.thresholds.assign(plan.indicators.size(), nullptr);
  std::map<NodeId, bool> memo;
  auto reads = [&](NodeId id) { return reads_param(plan, id, param, memo); };
  for (std::uint32_t i : chosen) {
    const plan::IndicatorPlan& ind = plan.indicators[i];
    std::vector<NodeId> elsewhere = {ind.where, ind.denominator_where, ind.denominator.operand,
                                     ind.numerator.operand, ind.value_where, ind.value.operand,
                                     ind.target, ind.target_low, ind.target_high, ind.stable_within};
    for (const plan::RagRule& r : ind.rag) elsewhere.push_back(r.when);
    for (const plan::Benchmark& b : ind.benchmarks) elsewhere.push_back(b.value);
    for (NodeId id : elsewhere)
      if (reads(id)) return std::nullopt;
    if (!reads(ind.numerator_where)) continue;
    if (!ind.ratio || ind.numerator.op != ast::Op::count) return std::nullopt;
    std::vector<NodeId> parts;
    engine.conjuncts(ind.numerator_where, parts);
    Threshold& th = thresholds[i];
    for (NodeId c : parts) {
      if (!reads(c)) {
        th.others.push_back(c);
        continue;
      }
      const plan::Node& n = plan.nodes[static_cast<std::size_t>(c)];
      const bool comparison = n.op == NodeOp::lt || n.op == NodeOp::le || n.op == NodeOp::gt ||
                              n.op == NodeOp::ge || n.op == NodeOp::eq || n.op == NodeOp::ne;
      if (!comparison || th.limit != kNone) return std::nullopt;
      if (!reads(n.a) && row_free(plan, n.b)) {
        th.quantity = n.a;
        th.limit = n.b;
        th.op = n.op;
      } else if (!reads(n.b) && row_free(plan, n.a)) {
        th.quantity = n.b;
        th.limit = n.a;
        th.op = flipped(n.op);
      } else {
        return std::nullopt;
      }
      if (plan.nodes[static_cast<std::size_t>(th.quantity)].type.kind != Kind::number &&
          plan.nodes[static_cast<std::size_t>(th.quantity)].type.kind != Kind::date)
        return std::nullopt;
    }
    engine.thresholds[i] = &th;
  }

  Evaluator eval(engine.inputs(), errors);
  JobSet set = plan_jobs(plan, request, chosen);
  engine.accumulate(set.jobs, eval);
  for (Job& job : set.jobs) {
    std::sort(job.quantities.begin(), job.quantities.end());
    std::sort(job.exact_quantities.begin(), job.exact_quantities.end());
  }
  std::vector<RunResult> out;
  for (const check::Constant& value : values) {
    RunRequest one = request;
    one.params[param] = value;
    engine.params[param] = constant_vec(value, engine.texts);
    // Only the numerators of threshold indicators change from one value to the next.
    for (Job& job : set.jobs) {
      const Threshold* th = engine.threshold(job.indicator);
      if (!th) continue;
      eval.start_batch(nullptr, 0, 1);
      eval.set_frame(&job.frame);
      const Vec& limit = eval.eval(th->limit);
      job.num = Aggregate(AggregateOp::count);
      if (limit.known[0]) {
        const Rational t = limit.kind == Kind::date ? Rational(limit.v[0]) : limit.number(0);
        job.num.add_counted(job.count_meeting(th->op, t));
      }
    }
    out.push_back(finish(plan, data, one, engine, eval, set));
  }
  return out;
}

namespace {

// A cell as text for explanations: numbers in their unit ("13 days"), dates ISO, text as is.
std::string cell_text(const Vec& x, std::size_t i, const check::Type& type, const TextCodes& texts) {
  const std::size_t k = at(x, i);
  if (!x.known[k]) return "missing";
  switch (x.kind) {
    case Kind::boolean: return x.v[k] ? "true" : "false";
    case Kind::date: return format_iso(static_cast<Day>(x.v[k]));
    case Kind::text: return std::string(texts.text(x.v[k]));
    case Kind::number: {
      const Rational shown = x.number(k) / check::unit_factor(type.unit);
      std::string text = format_exact(shown);
      if (type.unit == check::Unit::percent) return text + "%";
      if (type.unit != check::Unit::none) {
        std::string unit = check::unit_text(type.unit);
        if (shown == 1) unit.pop_back();
        text += " " + unit;
      }
      return text;
    }
    default: return "?";
  }
}

const char* comparison_text(NodeOp op, bool holds) {
  switch (op) {
    case NodeOp::eq: return holds ? "=" : "!=";
    case NodeOp::ne: return holds ? "!=" : "=";
    case NodeOp::lt: return holds ? "<" : ">=";
    case NodeOp::le: return holds ? "<=" : ">";
    case NodeOp::gt: return holds ? ">" : "<=";
    case NodeOp::ge: return holds ? ">=" : "<";
    default: return "?";
  }
}

struct Explainer {
  const plan::Plan& plan;
  Evaluator& eval;
  const TextCodes& texts;
  const std::function<std::string(Span)>& source;
  std::map<NodeId, std::string> let_names;  // a let's node is named by the let

  std::string src(NodeId id) const {
    if (auto it = let_names.find(id); it != let_names.end()) return it->second;
    return source(plan.nodes[static_cast<std::size_t>(id)].span);
  }
  std::string val(NodeId id, std::size_t i) {
    return cell_text(eval.eval(id), i, plan.nodes[static_cast<std::size_t>(id)].type, texts);
  }
  // Whether the condition holds for row i: 1 true, 0 false, -1 missing.
  int state(NodeId id, std::size_t i) {
    const Vec& v = eval.eval(id);
    const std::size_t k = at(v, i);
    if (!v.known[k]) return -1;
    if (v.rational) return v.r[k] != 0 ? 1 : 0;
    return v.v[k] ? 1 : 0;
  }
  bool is_leaf_value(NodeId id) const {
    const NodeOp op = plan.nodes[static_cast<std::size_t>(id)].op;
    return op == NodeOp::constant;
  }
  // "gap 13 days" or, for a literal, "10 days".
  std::string named(NodeId id, std::size_t i) {
    const std::string v = val(id, i);
    if (is_leaf_value(id)) return v;
    const std::string s = src(id);
    return s == v ? s : s + " " + v;
  }

  // Why condition `id` decided row i the way it did.
  std::string reason(NodeId id, std::size_t i) {
    const plan::Node& n = plan.nodes[static_cast<std::size_t>(id)];
    const int st = state(id, i);
    switch (n.op) {
      case NodeOp::and_: {
        if (st == 1) return reason(n.a, i) + " and " + reason(n.b, i);
        if (state(n.a, i) != 1) return reason(n.a, i);
        return reason(n.b, i);
      }
      case NodeOp::or_: {
        if (st == 1) return state(n.a, i) == 1 ? reason(n.a, i) : reason(n.b, i);
        return reason(n.a, i) + " and " + reason(n.b, i);
      }
      case NodeOp::eq:
      case NodeOp::ne:
      case NodeOp::lt:
      case NodeOp::le:
      case NodeOp::gt:
      case NodeOp::ge:
        if (st == -1) return missing_side(n, i);
        return fmt::format("{} {} {}", named(n.a, i), comparison_text(n.op, st == 1), named(n.b, i));
      case NodeOp::in_range:
        if (st == -1) return missing_side(n, i);
        if (plan.nodes[static_cast<std::size_t>(n.b)].op == NodeOp::period_start ||
            plan.nodes[static_cast<std::size_t>(n.b)].op == NodeOp::window_start)
          return fmt::format("{} is {} the {}", named(n.a, i), st == 1 ? "in" : "not in",
                             plan.nodes[static_cast<std::size_t>(n.b)].op == NodeOp::period_start ? "period" : "window");
        return fmt::format("{} is {} {} and {}", named(n.a, i), st == 1 ? "between" : "not between",
                           val(n.b, i), val(n.c, i));
      case NodeOp::in_list:
      case NodeOp::not_in_list: {
        if (st == -1) return missing_side(n, i);
        const bool inside = (st == 1) == (n.op == NodeOp::in_list);
        return fmt::format("{} is {} {}", named(n.a, i), inside ? "in" : "not in", src(n.b));
      }
      case NodeOp::is_known:
      case NodeOp::is_missing: {
        const Vec& operand = eval.eval(n.a);  // any value, exact numbers among them
        const bool known = operand.known[at(operand, i)] != 0;
        return fmt::format("{} is {}", src(n.a), known ? "known" : "missing");
      }
      case NodeOp::not_:
        if (st == -1) return reason(n.a, i);
        return fmt::format("not ({})", reason(n.a, i));
      default:
        if (st == -1) return fmt::format("{} is missing", src(id));
        return fmt::format("{} is {}", src(id), st == 1 ? "true" : "false");
    }
  }

  std::string missing_side(const plan::Node& n, std::size_t i) {
    for (NodeId side : {n.a, n.b, n.c}) {
      if (side == kNone) continue;
      const Vec& v = eval.eval(side);
      if (!v.known[at(v, i)]) return fmt::format("{} is missing", src(side));
    }
    return fmt::format("{} is missing", source(n.span));
  }
};

}  // namespace

ExplainResult explain(const plan::Plan& plan, Dataset& data, const RunRequest& request,
                      std::uint32_t indicator, ExplainRows which, std::size_t limit,
                      const std::function<std::string(Span)>& source, std::vector<Issue>& errors) {
  Engine engine(plan, data, request, errors);
  Evaluator eval(engine.inputs(), errors);
  const plan::IndicatorPlan& ind = plan.indicators[indicator];
  const calendar::Period period = shown_periods(ind, request).back();
  ExplainResult out;
  out.indicator = ind.name;
  out.period_label = calendar::label(period);
  out.table = plan.tables[ind.table].schema.name;
  if (!data.tables[ind.table]) return out;

  // Derived columns of every table this indicator reads.
  for (std::uint32_t t = 0; t < plan.tables.size(); ++t)
    if (data.tables[t]) materialize(plan, data, t, eval, engine.derived, request.params, engine.threads());

  Job job = make_job(plan, indicator, period, 0);
  const Table& table = *data.tables[ind.table];
  Explainer ex{plan, eval, engine.texts, source, {}};
  for (const plan::Let& let : ind.lets) ex.let_names.emplace(let.node, let.name);
  std::vector<ExplainRow> failing, passing;
  std::vector<std::uint8_t> base, den, num;
  for (std::size_t begin = 0; begin < table.rows(); begin += kBatch) {
    const std::size_t n = std::min(kBatch, table.rows() - begin);
    eval.start_batch(&table, begin, n);
    eval.set_frame(&job.frame);
    base.assign(n, 1);
    eval.mask(ind.where, base);
    den = base;
    eval.mask(ind.ratio ? ind.denominator_where : ind.value_where, den);
    num = den;
    if (ind.ratio) eval.mask(ind.numerator_where, num);
    const NodeId operand = ind.ratio ? ind.numerator.operand : ind.value.operand;
    for (std::size_t i = 0; i < n; ++i) {
      if (!den[i]) continue;
      if (!ind.ratio && operand != kNone && !eval.eval(operand).known[at(eval.eval(operand), i)]) continue;
      ExplainRow row;
      row.line = table.lines[begin + i];
      row.in_numerator = num[i] != 0;
      for (std::size_t c = 0; c < table.columns.size(); ++c) {
        const Column& col = table.columns[c];
        Vec cell = column_slice(col, begin + i, 1);
        row.values.emplace_back(col.name, cell_text(cell, 0, check::Type{cell.kind}, engine.texts));
      }
      for (const plan::Let& let : ind.lets)
        row.values.emplace_back(let.name, ex.val(let.node, i));
      if (!ind.ratio && operand != kNone) row.values.emplace_back(ex.src(operand), ex.val(operand, i));
      if (ind.ratio && ind.numerator_where != kNone) row.reason = ex.reason(ind.numerator_where, i);
      (row.in_numerator ? passing : failing).push_back(std::move(row));
    }
  }
  if (which != ExplainRows::passing)
    for (auto& r : failing) out.rows.push_back(std::move(r));
  if (which != ExplainRows::failing)
    for (auto& r : passing) out.rows.push_back(std::move(r));
  if (!ind.ratio && which == ExplainRows::failing) out.rows = std::move(passing);  // value rows
  if (limit > 0 && out.rows.size() > limit) out.rows.resize(limit);
  return out;
}

}  // namespace tally::runtime
