#include "runtime/exec/derived/walk.hpp"

#include <algorithm>

#include "runtime/exec/in_parts.hpp"

namespace tally::runtime {

namespace {

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
                std::uint16_t* __restrict cells, int key_shift, int row_bits,
                std::uint64_t row_mask, std::uint64_t order_mask) {
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

}  // namespace

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
  const auto step_at = [&](std::size_t i, std::size_t& row, std::uint64_t& key,
                           std::int64_t& order) {
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
          if (out.rational)
            out.r[row] = last_exact;
          else
            out.v[row] = last_value;
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
      if (value->rational)
        last_exact = value->r[k];
      else
        last_value = value->v[k];
    });
  };
  // One stretch per thread, each beginning where a key begins: past steps of the key the step
  // before it walks, and past rows left out.
  const unsigned parts = parts_for(m, threads);
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
      if (forward)
        walk_words<true>(w, from, to, narrow16, key_shift, sorted.row_bits, row_mask, order_mask);
      else
        walk_words<false>(w, from, to, narrow16, key_shift, sorted.row_bits, row_mask, order_mask);
    });
    return;
  }
  if (usual && sorted.in_place && key_column.validity.all_known() &&
      order_column.validity.all_known()) {
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

}  // namespace tally::runtime
