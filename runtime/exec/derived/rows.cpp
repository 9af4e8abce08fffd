#include "runtime/exec/derived/rows.hpp"

#include <algorithm>
#include <unordered_map>

#include "runtime/column/dataset.hpp"
#include "runtime/exec/aggregate.hpp"
#include "runtime/exec/evaluator.hpp"
#include "runtime/exec/in_parts.hpp"

namespace tally::runtime {

using plan::RowsOp;

Vec whole_column(Evaluator& eval, const Table& table, NodeId id) {
  eval.start_batch(&table, 0, table.rows());
  return eval.eval(id);
}

std::vector<std::uint8_t> whole_mask(Evaluator& eval, const Table& table, NodeId id) {
  const std::size_t n = table.rows();
  std::vector<std::uint8_t> out(n, 1);
  if (id == kNone) return out;
  std::vector<std::uint8_t> part;
  for (std::size_t begin = 0; begin < n; begin += kBatch) {
    const std::size_t nb = std::min(kBatch, n - begin);
    eval.start_batch(&table, begin, nb);
    part.assign(nb, 1);
    eval.mask(id, part);
    std::copy(part.begin(), part.end(), out.begin() + static_cast<std::ptrdiff_t>(begin));
  }
  return out;
}

namespace {

// x / 10^scale, exactly.
Rational scaled(Int128 x, int scale) { return Rational(BigInt(x), pow10(scale)); }

// One aggregate over a set of rows, then written to the rows that read it.
class Fold {
 public:
  Fold(RowsOp op, const Vec* value, Vec& out) : op_(op), value_(value), out_(out) {}

  void reset() {
    count_ = 0;
    known_ = 0;
    sum_ = 0;
    if (value_ && value_->rational) rsum_.assign(0);
    any_ = false;
    have_ = false;
    first_ = last_ = SIZE_MAX;
  }

  void add(std::size_t row) {
    ++count_;
    if (!value_) return;
    const std::size_t k = at(*value_, row);
    if (op_ == RowsOp::first) {
      if (first_ == SIZE_MAX) first_ = k;
      return;
    }
    if (op_ == RowsOp::last) {
      last_ = k;
      return;
    }
    if (!value_->known[k]) return;
    ++known_;
    switch (op_) {
      case RowsOp::any:
        any_ = any_ || value_->v[k] != 0;
        break;
      case RowsOp::sum:
      case RowsOp::mean:
        if (value_->rational)
          rsum_ += value_->r[k];
        else
          sum_ += value_->v[k];
        break;
      case RowsOp::min:
      case RowsOp::max: {
        const bool want_less = op_ == RowsOp::min;
        if (value_->rational) {
          const Rational& x = value_->r[k];
          if (!have_ || (want_less ? x < rbest_ : x > rbest_)) rbest_ = x;
        } else {
          const std::int64_t x = value_->v[k];
          if (!have_ || (want_less ? x < best_ : x > best_)) best_ = x;
        }
        have_ = true;
        break;
      }
      default:
        break;
    }
  }

  // Writes the result into row `row` of the output; `number` is the run's number.
  void write(std::size_t row, std::int64_t number = 0) {
    switch (op_) {
      case RowsOp::count:
      case RowsOp::exists:
        put(row, op_ == RowsOp::exists ? (count_ > 0 ? 1 : 0) : static_cast<std::int64_t>(count_));
        return;
      case RowsOp::run_number:
        put(row, number);
        return;
      case RowsOp::any:
        put(row, any_ ? 1 : 0);
        return;
      case RowsOp::sum:
        if (known_ == 0) return;
        if (value_->rational) {
          put_exact(row, rsum_);
        } else if (sum_ >= INT64_MIN && sum_ <= INT64_MAX) {
          put(row, static_cast<std::int64_t>(sum_));
        } else {
          put_exact(row, scaled(sum_, value_->scale));
        }
        return;
      case RowsOp::mean:
        if (known_ == 0) return;
        if (value_->rational)
          put_exact(row, rsum_ / static_cast<std::int64_t>(known_));
        else
          put_exact(row, scaled(sum_, value_->scale) / static_cast<std::int64_t>(known_));
        return;
      case RowsOp::min:
      case RowsOp::max:
        if (!have_) return;
        if (value_->rational)
          put_exact(row, rbest_);
        else
          put(row, best_);
        return;
      case RowsOp::first:
      case RowsOp::last: {
        const std::size_t k = op_ == RowsOp::first ? first_ : last_;
        if (k == SIZE_MAX || !value_->known[k]) return;
        if (value_->rational)
          put_exact(row, value_->r[k]);
        else
          put(row, value_->v[k]);
        return;
      }
    }
  }

 private:
  void put(std::size_t row, std::int64_t x) {
    if (out_.rational) {
      out_.r[row] = scaled(x, out_.scale);
    } else {
      out_.v[row] = x;
    }
    out_.known[row] = 1;
  }
  void put_exact(std::size_t row, const Rational& x) {
    if (!out_.rational) {
      to_rational(out_);
      out_.r.resize(out_.known.size(), Rational(0));
    }
    out_.r[row] = x;
    out_.known[row] = 1;
  }

  RowsOp op_;
  const Vec* value_;
  Vec& out_;
  std::size_t count_ = 0, known_ = 0;
  Int128 sum_ = 0;
  Rational rsum_, rbest_;
  std::int64_t best_ = 0;
  bool any_ = false, have_ = false;
  std::size_t first_ = SIZE_MAX, last_ = SIZE_MAX;
};

// The output column of `d` over n rows: every cell missing.
Vec empty_output(const plan::Derived& d, const Vec* value, std::size_t n) {
  Vec out;
  out.kind = d.type.kind;
  const bool keeps_scale = d.rows_op == RowsOp::sum || d.rows_op == RowsOp::min ||
                           d.rows_op == RowsOp::max || d.rows_op == RowsOp::first ||
                           d.rows_op == RowsOp::last;
  if (value && keeps_scale) {
    out.scale = value->scale;
    out.rational = value->rational;
  }
  if (d.rows_op == RowsOp::mean) out.rational = true;
  out.resize(n);
  return out;
}

}  // namespace

void derive_rows(const plan::Derived& d, const Table& table, const SortedRows& sorted,
                 Evaluator& eval, DerivedColumn& column, unsigned threads) {
  const std::size_t n = table.rows();
  Vec value;
  if (d.value != kNone) value = whole_column(eval, table, d.value);
  const Vec* val = d.value != kNone ? &value : nullptr;
  std::vector<std::uint8_t> eligible, linked;
  if (d.where != kNone) eligible = whole_mask(eval, table, d.where);
  if (d.link != kNone) linked = whole_mask(eval, table, d.link);
  Vec out = empty_output(d, val, n);

  // Step i of the walk: false for a row left out (in place, a missing key or order); else its
  // row and key.
  static const Column no_column;
  const Column& key_column = sorted.in_place ? table.columns[sorted.key_column] : no_column;
  const Column& order_column = sorted.in_place ? table.columns[sorted.order_column] : no_column;
  const std::uint64_t row_mask = low_bits(sorted.row_bits);
  const int key_shift = sorted.row_bits + sorted.order_bits;
  const std::size_t m = sorted.in_place ? n : sorted.words.size();
  const auto step = [&](std::size_t i, std::uint32_t& row, std::uint64_t& key) {
    if (sorted.in_place) {
      if (!key_column.validity.known(i) || !order_column.validity.known(i)) return false;
      row = static_cast<std::uint32_t>(i);
      key = static_cast<std::uint64_t>(key_column.data[i]);
      return true;
    }
    const std::uint64_t w = sorted.words[i];
    row = static_cast<std::uint32_t>(w & row_mask);
    key = shift_right(w, key_shift);
    return true;
  };
  // Steps [from, to), each key's rows within them: each key's rows, and within them each run
  // (a row starts a run unless its link holds), folded and written.
  const auto walk = [&](std::size_t from, std::size_t to) {
    Fold fold(d.rows_op, val, out);
    std::vector<std::uint32_t> rows;  // the rows of one key, in order
    std::uint32_t row = 0;
    std::uint64_t key = 0, group_key = 0;
    const auto flush = [&] {
      std::int64_t number = 0;
      for (std::size_t r = 0; r < rows.size();) {
        std::size_t re = rows.size();
        if (!linked.empty()) {
          re = r + 1;
          while (re < rows.size() && linked[rows[re]]) ++re;
        }
        ++number;
        fold.reset();
        for (std::size_t i = r; i < re; ++i)
          if (eligible.empty() || eligible[rows[i]]) fold.add(rows[i]);
        for (std::size_t i = r; i < re; ++i) fold.write(rows[i], number);
        r = re;
      }
      rows.clear();
    };
    for (std::size_t i = from; i < to; ++i) {
      if (!step(i, row, key)) continue;
      if (!rows.empty() && key != group_key) flush();
      group_key = key;
      rows.push_back(row);
    }
    flush();
  };
  // One stretch of steps per thread, each beginning where a key begins. A sum may turn the
  // output into rationals part way (past 64 bits), so it is walked on one thread.
  const unsigned parts = d.rows_op == RowsOp::sum && !out.rational ? 1 : parts_for(m, threads);
  std::vector<std::size_t> bounds(parts + 1, m);
  bounds[0] = 0;
  for (unsigned p = 1; p < parts; ++p) {
    std::size_t b = std::max(bounds[p - 1], m * p / parts);
    std::uint32_t row = 0;
    std::uint64_t before = 0, key = 0;
    bool any = false;
    for (std::size_t i = b; i-- > bounds[p - 1];) {
      if (step(i, row, before)) {
        any = true;
        break;
      }
    }
    while (any && b < m && (!step(b, row, key) || key == before)) ++b;
    bounds[p] = b;
  }
  in_parts(parts, [&](unsigned p) { walk(bounds[p], bounds[p + 1]); });
  column = DerivedColumn{};
  column.wide = std::move(out);
}

std::int32_t RowIndex::find(const Vec& key, std::size_t k) const {
  if (numeric) {
    auto it = exact.find(key.number(k));
    return it == exact.end() ? -1 : it->second;
  }
  return find_whole(key.v[k]);
}

std::int32_t RowIndex::find_whole(std::int64_t x) const {
  if (!direct.empty() || sorted.empty()) {
    const std::uint64_t off = static_cast<std::uint64_t>(x) - static_cast<std::uint64_t>(lo);
    return off < direct.size() ? direct[static_cast<std::size_t>(off)] : -1;
  }
  auto it = std::lower_bound(sorted.begin(), sorted.end(), std::make_pair(x, INT32_MIN));
  return it != sorted.end() && it->first == x ? it->second : -1;
}

namespace {

RowIndex make_index(const Column& col, std::size_t n) {
  RowIndex index;
  index.numeric = col.type == ColumnType::integer || col.type == ColumnType::decimal;
  std::vector<std::int32_t> group(n, -1);
  std::int32_t groups = 0;
  if (index.numeric) {
    for (std::size_t r = 0; r < n; ++r) {
      if (!col.validity.known(r)) continue;
      const Rational x = scaled(col.data[r], col.scale);
      auto [it, fresh] = index.exact.emplace(x, groups);
      if (fresh) ++groups;
      group[r] = it->second;
    }
  } else {
    std::int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (std::size_t r = 0; r < n; ++r) {
      if (!col.validity.known(r)) continue;
      lo = std::min(lo, col.data[r]);
      hi = std::max(hi, col.data[r]);
    }
    index.lo = lo;
    const bool dense =
        lo <= hi && static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) <= 4 * n + 1024;
    if (dense) {
      index.direct.assign(static_cast<std::size_t>(hi - lo) + 1, -1);
      for (std::size_t r = 0; r < n; ++r) {
        if (!col.validity.known(r)) continue;
        std::int32_t& g = index.direct[static_cast<std::size_t>(col.data[r] - lo)];
        if (g < 0) g = groups++;
        group[r] = g;
      }
    } else {
      std::unordered_map<std::int64_t, std::int32_t> by_value;
      for (std::size_t r = 0; r < n; ++r) {
        if (!col.validity.known(r)) continue;
        auto [it, fresh] = by_value.emplace(col.data[r], groups);
        if (fresh) ++groups;
        group[r] = it->second;
      }
      index.sorted.assign(by_value.begin(), by_value.end());
      std::sort(index.sorted.begin(), index.sorted.end());
    }
  }
  // Counting sort of the rows by group, file order kept within each.
  index.starts.assign(static_cast<std::size_t>(groups) + 1, 0);
  for (std::size_t r = 0; r < n; ++r)
    if (group[r] >= 0) ++index.starts[static_cast<std::size_t>(group[r]) + 1];
  for (std::size_t g = 0; g < static_cast<std::size_t>(groups); ++g)
    index.starts[g + 1] += index.starts[g];
  index.rows.resize(index.starts.back());
  std::vector<std::uint32_t> next(index.starts.begin(), index.starts.end() - 1);
  for (std::size_t r = 0; r < n; ++r)
    if (group[r] >= 0)
      index.rows[next[static_cast<std::size_t>(group[r])]++] = static_cast<std::uint32_t>(r);
  index.group_of_row = std::move(group);
  return index;
}

}  // namespace

const RowIndex& row_index(RowIndexCache& indexes, const Dataset& data, std::uint32_t t,
                          std::uint32_t c) {
  auto it = indexes.find({t, c});
  if (it == indexes.end()) {
    const Table& table = *data.tables[t];
    it = indexes.emplace(std::make_pair(t, c), make_index(table.columns[c], table.rows())).first;
  }
  return it->second;
}

namespace {

// Each group's answer over its rows of the index (those `eligible`, when given).
Vec group_results(const plan::Derived& d, const RowIndex& index, const Vec* value,
                  const std::vector<std::uint8_t>* eligible) {
  const std::size_t groups = index.starts.empty() ? 0 : index.starts.size() - 1;
  Vec out = empty_output(d, value, groups);
  Fold fold(d.rows_op, value, out);
  for (std::size_t g = 0; g < groups; ++g) {
    fold.reset();
    for (std::uint32_t i = index.starts[g]; i < index.starts[g + 1]; ++i)
      if (!eligible || (*eligible)[index.rows[i]]) fold.add(index.rows[i]);
    fold.write(g);
  }
  return out;
}

// Writes group_of(r)'s answer into every row r of `n`, a stretch of rows per thread: for a group
// of -1 `none` (the answer over no rows; missing when null), for -2 missing. Whole answers from 0
// to 65534 are kept in 16 bits a row.
template <typename GroupOf>
void scatter(const Vec& per_group, const Vec* none, std::size_t n, GroupOf group_of,
             DerivedColumn& column, unsigned threads) {
  column = DerivedColumn{};
  column.wide.kind = per_group.kind;
  column.wide.scale = per_group.scale;
  bool narrow = !per_group.rational &&
                (!none || (!none->rational &&
                           (!none->known[0] || (none->v[0] >= 0 && none->v[0] < kMissing16))));
  for (std::size_t g = 0; narrow && g < per_group.size(); ++g)
    narrow = !per_group.known[g] || (per_group.v[g] >= 0 && per_group.v[g] < kMissing16);
  const unsigned parts = parts_for(n, threads);
  if (narrow) {
    std::vector<std::uint16_t> cells(per_group.size());
    for (std::size_t g = 0; g < cells.size(); ++g)
      cells[g] = per_group.known[g] ? static_cast<std::uint16_t>(per_group.v[g]) : kMissing16;
    const std::uint16_t no_group =
        none && none->known[0] ? static_cast<std::uint16_t>(none->v[0]) : kMissing16;
    column.is_narrow = true;
    column.narrow16.resize(n);
    std::uint16_t* out = column.narrow16.data();
    in_parts(parts, [&](unsigned p) {
      for (std::size_t r = n * p / parts, to = n * (p + 1) / parts; r < to; ++r) {
        const std::int64_t g = group_of(r);
        out[r] = g >= 0 ? cells[static_cast<std::size_t>(g)] : g == -1 ? no_group : kMissing16;
      }
    });
    return;
  }
  Vec& out = column.wide;
  out.rational = per_group.rational || (none && none->rational);
  out.resize(n);
  in_parts(parts, [&](unsigned p) {
    for (std::size_t r = n * p / parts, to = n * (p + 1) / parts; r < to; ++r) {
      const std::int64_t g = group_of(r);
      const Vec* from = g >= 0 ? &per_group : g == -1 ? none : nullptr;
      const std::size_t k = g < 0 ? 0 : static_cast<std::size_t>(g);
      if (!from || !from->known[k]) continue;
      if (out.rational)
        out.r[r] = from->rational ? from->r[k] : scaled(from->v[k], from->scale);
      else
        out.v[r] = from->v[k];
      out.known[r] = 1;
    }
  });
}

}  // namespace

void derive_rows_by_index(const plan::Derived& d, const Table& table, const RowIndex& index,
                          Evaluator& eval, DerivedColumn& column, unsigned threads) {
  Vec value;
  if (d.value != kNone) value = whole_column(eval, table, d.value);
  std::vector<std::uint8_t> eligible;
  if (d.where != kNone) eligible = whole_mask(eval, table, d.where);
  const Vec per_group = group_results(d, index, d.value != kNone ? &value : nullptr,
                                      d.where != kNone ? &eligible : nullptr);
  const std::int32_t* group = index.group_of_row.data();
  scatter(
      per_group, nullptr, table.rows(), [group](std::size_t r) -> std::int64_t { return group[r]; },
      column, threads);
}

namespace {

// Whether node `id` reads a column past the first `loaded`: inside `from T`, this row's columns,
// which follow T's in the table of pairs of rows.
bool reads_past(const plan::Plan& plan, NodeId id, std::size_t loaded) {
  if (id == kNone) return false;
  const plan::Node& n = plan.nodes[static_cast<std::size_t>(id)];
  if (n.op == NodeOp::column) return n.payload >= loaded;
  return reads_past(plan, n.a, loaded) || reads_past(plan, n.b, loaded) ||
         reads_past(plan, n.c, loaded);
}

// Column `c`'s cells at `rows`, in that order.
Column gathered(const Column& c, const std::vector<std::uint32_t>& rows) {
  Column g;
  g.name = c.name;
  g.type = c.type;
  g.scale = c.scale;
  g.data.resize(rows.size());
  std::vector<std::uint8_t> known(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    g.data[i] = c.data[rows[i]];
    known[i] = c.validity.known(rows[i]) ? 1 : 0;
  }
  g.validity.append(known.data(), known.size());
  return g;
}

// `d` whose condition compares each row with each of the other table's rows matching it: the
// pairs (this row, a matching row) are made into a table of T's loaded columns followed by this
// row's, the condition is evaluated over it as over any table, and each row folds the rows of
// its pairs where it holds. One thread, in row order.
void derive_pairs(const plan::Plan& plan, const plan::Derived& d, const Table& table,
                  const Table& other, const RowIndex& index, Evaluator& eval,
                  DerivedColumn& column) {
  const std::size_t n = table.rows();
  Vec value;
  if (d.value != kNone) value = whole_column(eval, other, d.value);
  const Vec* val = d.value != kNone ? &value : nullptr;
  // Each row's group of the index: -1 no row matches, -2 its value is missing.
  std::vector<std::int32_t> group(n, -2);
  const plan::Node& key_node = plan.nodes[static_cast<std::size_t>(d.key)];
  if (key_node.op == NodeOp::column && !index.numeric) {
    const Column& key = table.columns[key_node.payload];
    for (std::size_t r = 0; r < n; ++r)
      if (key.validity.known(r)) group[r] = index.find_whole(key.data[r]);
  } else {
    const Vec key = whole_column(eval, table, d.key);
    for (std::size_t r = 0; r < n; ++r) {
      const std::size_t k = at(key, r);
      if (key.known[k]) group[r] = index.find(key, k);
    }
  }
  std::vector<std::uint32_t> mine, theirs;  // each pair's row of this table and of the other
  for (std::size_t r = 0; r < n; ++r) {
    if (group[r] < 0) continue;
    const auto g = static_cast<std::size_t>(group[r]);
    for (std::uint32_t i = index.starts[g]; i < index.starts[g + 1]; ++i) {
      mine.push_back(static_cast<std::uint32_t>(r));
      theirs.push_back(index.rows[i]);
    }
  }
  Table pairs;
  pairs.name = other.name;
  pairs.file = other.file;
  for (const Column& c : other.columns) pairs.columns.push_back(gathered(c, theirs));
  for (const Column& c : table.columns) pairs.columns.push_back(gathered(c, mine));
  pairs.lines.push_run(2, mine.size());
  const std::vector<std::uint8_t> holds = whole_mask(eval, pairs, d.where);
  Vec out = empty_output(d, val, n);
  Fold fold(d.rows_op, val, out);
  std::size_t p = 0;
  for (std::size_t r = 0; r < n; ++r) {
    if (group[r] == -2) continue;  // missing
    fold.reset();
    for (; p < mine.size() && mine[p] == r; ++p)
      if (holds[p]) fold.add(theirs[p]);
    fold.write(r);
  }
  column = DerivedColumn{};
  column.wide = std::move(out);
}

}  // namespace

void derive_other_rows(const plan::Plan& plan, const plan::Derived& d, const Dataset& data,
                       RowIndexCache& indexes, Evaluator& eval, DerivedColumn& column,
                       unsigned threads) {
  const Table& table = *data.tables[d.table];
  const Table& other = *data.tables[d.target_table];
  const RowIndex& index = row_index(indexes, data, d.target_table, d.target_column);
  if (reads_past(plan, d.where, other.columns.size())) {
    derive_pairs(plan, d, table, other, index, eval, column);
    return;
  }
  // Over the other table: the value and the condition of each of its rows.
  Vec value;
  if (d.value != kNone) value = whole_column(eval, other, d.value);
  const Vec* val = d.value != kNone ? &value : nullptr;
  std::vector<std::uint8_t> eligible;
  if (d.where != kNone) eligible = whole_mask(eval, other, d.where);
  const Vec per_group = group_results(d, index, val, d.where != kNone ? &eligible : nullptr);
  // What a row whose value no row of the other table has gets: the answer over no rows.
  Vec none = empty_output(d, val, 1);
  Fold no_rows(d.rows_op, val, none);
  no_rows.write(0);
  // Over this table: the value matched, read in place when it is a column. A group of -1: no row
  // of the other table matches (the answer over no rows); -2: the value is missing (missing).
  const plan::Node& key_node = plan.nodes[static_cast<std::size_t>(d.key)];
  if (key_node.op == NodeOp::column && !index.numeric) {
    const Column& key = table.columns[key_node.payload];
    scatter(
        per_group, &none, table.rows(),
        [&](std::size_t r) -> std::int64_t {
          return key.validity.known(r) ? index.find_whole(key.data[r]) : -2;
        },
        column, threads);
    return;
  }
  const Vec key = whole_column(eval, table, d.key);
  scatter(
      per_group, &none, table.rows(),
      [&](std::size_t r) -> std::int64_t {
        const std::size_t k = at(key, r);
        return key.known[k] ? index.find(key, k) : -2;
      },
      column, threads);
}

}  // namespace tally::runtime
