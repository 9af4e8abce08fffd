#include "runtime/exec/derived/row_order.hpp"

#include <algorithm>
#include <optional>

#include "runtime/exec/derived/grouping.hpp"
#include "runtime/exec/evaluator.hpp"
#include "runtime/exec/in_parts.hpp"

namespace tally::runtime {

namespace {

// Whether a batch of keys or orders can be packed into a word: whole values (day numbers, text
// codes, numbers of one scale across batches); text orders compare as text, so they cannot.
bool packable(const Vec& x, bool is_order, int& scale) {
  if (x.rational || x.kind == Kind::list || (is_order && x.kind == Kind::text)) return false;
  if (scale < 0) scale = x.scale;
  return scale == x.scale;
}

// `order by A, B desc, ...`: rows by key, then each order key in its direction, compared exactly,
// ties in file order. Rows whose key or first order key is missing are left out; a later order key
// that is missing comes after every known value (an open episode's missing end is the latest).
SortedRows compared_orders(Vec key, std::vector<Vec> orders, const std::string& directions,
                           std::size_t n, const TextCodes& texts) {
  std::vector<std::uint32_t> perm;
  perm.reserve(n);
  for (std::uint32_t r = 0; r < n; ++r) {
    if (key.known[at(key, r)] && orders.front().known[at(orders.front(), r)]) perm.push_back(r);
  }
  if (key.kind == Kind::number) to_rational(key);
  for (Vec& o : orders)
    if (o.kind == Kind::number) to_rational(o);
  auto key_less = [&](std::uint32_t x, std::uint32_t y) {
    if (key.rational) return key.r[at(key, x)] < key.r[at(key, y)];
    return key.v[at(key, x)] < key.v[at(key, y)];
  };
  auto three_way = [&](const Vec& o, std::uint32_t x, std::uint32_t y) {
    const std::size_t a = at(o, x), b = at(o, y);
    if (!o.known[a] || !o.known[b]) return o.known[a] ? -1 : (o.known[b] ? 1 : 0);
    if (o.rational) return o.r[a] < o.r[b] ? -1 : (o.r[b] < o.r[a] ? 1 : 0);
    if (o.kind == Kind::text) {
      const int c = texts.text(o.v[a]).compare(texts.text(o.v[b]));
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    return o.v[a] < o.v[b] ? -1 : (o.v[b] < o.v[a] ? 1 : 0);
  };
  std::stable_sort(perm.begin(), perm.end(), [&](std::uint32_t x, std::uint32_t y) {
    if (key_less(x, y)) return true;
    if (key_less(y, x)) return false;
    for (std::size_t k = 0; k < orders.size(); ++k) {
      const Vec& o = orders[k];
      int c = three_way(o, x, y);
      // Missing values come last in either direction.
      const bool both_known = o.known[at(o, x)] && o.known[at(o, y)];
      if (both_known && k < directions.size() && directions[k] == 'd') c = -c;
      if (c != 0) return c < 0;
    }
    return false;
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

// The general case of one order key: any key and order, compared exactly, ties in file order.
SortedRows compared_order(Vec key, Vec order, std::size_t n, const TextCodes& texts) {
  return compared_orders(std::move(key), {std::move(order)}, "", n, texts);
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
    for_rows(bounds[p], bounds[p + 1], p,
             [&s, &group, &checking](std::size_t, std::int64_t k, std::int64_t o) {
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
  if (bits_between(all.klo, all.khi) + sorted.order_bits + sorted.row_bits > 64)
    return std::nullopt;
  const int rb = sorted.row_bits, kshift = sorted.row_bits + sorted.order_bits;
  const std::uint64_t klo = static_cast<std::uint64_t>(all.klo),
                      olo = static_cast<std::uint64_t>(all.olo);
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
  if (!rows_sorted && !grouped(words, kshift, rb, key_bits))
    radix_sort_bits(words, rb, kshift + key_bits, threads);
  return sorted;
}

}  // namespace

SortedRows sort_rows(const plan::Plan& plan, const plan::Derived& d, const Table& table,
                     Evaluator& eval, std::size_t data_codes, unsigned threads) {
  const std::size_t n = table.rows();
  if (!d.orders.empty()) {
    eval.start_batch(&table, 0, n);
    std::vector<Vec> orders;
    for (NodeId o : d.orders) orders.push_back(eval.eval(o));
    return compared_orders(eval.eval(d.key), std::move(orders), d.directions, n, eval.texts());
  }
  const plan::Node& kn = plan.nodes[static_cast<std::size_t>(d.key)];
  const plan::Node& on = plan.nodes[static_cast<std::size_t>(d.order)];
  std::optional<SortedRows> packed;
  int order_scale = 0;
  if (kn.op == NodeOp::column && on.op == NodeOp::column &&
      table.columns[on.payload].type != ColumnType::text) {
    const Column& kc = table.columns[kn.payload];
    const Column& oc = table.columns[on.payload];
    const unsigned parts = parts_for(n, threads);
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
    const auto stay = [&](bool rows_sorted, std::optional<bool> grouped, std::int64_t klo,
                          int key_bits) {
      return rows_sorted || (grouped ? *grouped : grouped_in_place(kc, oc, klo, key_bits, parts));
    };
    // Text codes lie below the pool's size: their grouping is checked in the first pass.
    const int group_bits = kc.type == ColumnType::text ? std::bit_width(data_codes) : 0;
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
        n, 1, threads, 0, for_rows,
        [](bool, std::optional<bool>, std::int64_t, int) { return false; },
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

}  // namespace tally::runtime
