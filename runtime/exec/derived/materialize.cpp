#include "runtime/exec/derived/materialize.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "runtime/column/dataset.hpp"
#include "runtime/exec/derived/key_index.hpp"
#include "runtime/exec/derived/walk.hpp"
#include "runtime/exec/evaluator.hpp"
#include "runtime/exec/in_parts.hpp"

namespace tally::runtime {

void materialize(const plan::Plan& plan, const Dataset& data, SortCache& sorts,
                 RowIndexCache& indexes, std::uint32_t t, Evaluator& eval,
                 std::vector<DerivedColumn>& derived,
                 std::vector<std::map<std::size_t, DerivedColumn>>& derived_by_frame,
                 const std::vector<const Frame*>& frames, const std::string& params_key,
                 unsigned threads) {
  const Table& table = *data.tables[t];
  const std::size_t n = table.rows();
  static const Frame none_frame;
  // Derived column di into `slot`; `frame_part` tells the sorts of one frame from another's.
  const auto one = [&](std::size_t di, DerivedColumn& slot, const std::string& frame_part) {
    const plan::Derived& d = plan.derived[di];
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
      const unsigned parts = parts_for(n, threads);
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
      slot = DerivedColumn{std::move(out), {}, {}, 0, false};
      return;
    }
    if (d.kind == plan::Derived::Kind::other_rows) {
      derive_other_rows(plan, d, data, indexes, eval, slot, threads);
      return;
    }
    // A row aggregate over a key column's rows taken as a set needs no sort: the column's index,
    // shared with questions other tables ask of this one, groups them.
    if (d.kind == plan::Derived::Kind::rows && !d.order_given && d.link == kNone &&
        plan.nodes[static_cast<std::size_t>(d.key)].op == NodeOp::column) {
      const RowIndex& index =
          row_index(indexes, data, t, plan.nodes[static_cast<std::size_t>(d.key)].payload);
      derive_rows_by_index(d, table, index, eval, slot, threads);
      return;
    }
    // previous / next and row aggregates: one sort per (table, key, order), shared.
    // A sort on the period's bounds is kept per frame.
    const auto by_period = [&](NodeId id) {
      return id != kNone && plan.nodes[static_cast<std::size_t>(id)].uses_period;
    };
    std::string sort_key = fmt::format("{}|{}{}", t, d.signature,
                                       by_period(d.key) || by_period(d.order) ? frame_part : "");
    if (d.signature.find("param#") != std::string::npos) sort_key += params_key;
    auto it = sorts.find(sort_key);
    if (it == sorts.end() && d.kind == plan::Derived::Kind::rows && !d.order_given) {
      // Any sort on the same key groups its rows.
      const std::string key_part = sort_key.substr(0, sort_key.find(" order by ") + 10);
      for (auto s = sorts.lower_bound(key_part);
           s != sorts.end() && s->first.compare(0, key_part.size(), key_part) == 0; ++s) {
        // Only a sort that left out no row: one on an order that may be missing would drop
        // rows from their key's set.
        const SortedRows& other = s->second;
        const bool whole = other.in_place
                               ? table.columns[other.key_column].validity.all_known() &&
                                     table.columns[other.order_column].validity.all_known()
                               : other.words.size() == n;
        if (s->first.find("param#") == std::string::npos && whole) {
          it = s;
          break;
        }
      }
    }
    if (it == sorts.end())
      it =
          sorts.emplace(sort_key, sort_rows(plan, d, table, eval, data.pool.size(), threads)).first;
    const SortedRows& sorted = it->second;
    if (d.kind == plan::Derived::Kind::rows) {
      derive_rows(d, table, sorted, eval, slot, threads);
      return;
    }
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
    DerivedColumn& column = slot;
    column = DerivedColumn{};
    column.is_narrow = from_words && sorted.order_bits < 31;
    if (column.is_narrow) {
      column.base = sorted.order_min;
      // Filled with "missing" on all threads, so that the pages are not all first touched by one.
      const auto fill = [&](auto& cells, auto missing) {
        cells.resize(n);
        const unsigned parts = parts_for(n, threads);
        in_parts(parts, [&](unsigned p) {
          std::fill(cells.begin() + static_cast<std::ptrdiff_t>(n * p / parts),
                    cells.begin() + static_cast<std::ptrdiff_t>(n * (p + 1) / parts), missing);
        });
      };
      if (sorted.order_bits < 16)
        fill(column.narrow16, kMissing16);
      else
        fill(column.narrow32, std::int32_t{-1});
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
  };
  for (std::size_t di = 0; di < plan.derived.size(); ++di) {
    const plan::Derived& d = plan.derived[di];
    if (d.table != t) continue;
    if (!d.per_period) {
      eval.set_frame(&none_frame);
      one(di, derived[di], "");
      continue;
    }
    for (const Frame* f : frames) {
      eval.set_frame(f);
      one(di, derived_by_frame[di][f->id],
          fmt::format("|frame {} {} {} {}", f->period_start, f->period_end, f->window_start,
                      f->window_end));
    }
  }
  eval.set_frame(&none_frame);
  eval.release();
}

}  // namespace tally::runtime
