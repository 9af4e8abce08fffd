// Comparisons: = != < <= > >=, `between` and `in (...)`. Whole values of one scale compare as
// integers in the kernels; rationals exactly; text for equality by its codes, and for ordering by
// its characters.
#include <algorithm>

#include "runtime/exec/evaluator.hpp"
#include "runtime/exec/kernels.hpp"

namespace tally::runtime {

Vec Evaluator::compare(Comparison c, const Vec& a0, const Vec& b0) const {
  if (a0.kind == Kind::number && (a0.rational || b0.rational || a0.scale != b0.scale)) {
    Vec a = a0, b = b0;
    align(a, b);
    return compare_aligned(c, a, b);
  }
  return compare_aligned(c, a0, b0);
}

Vec Evaluator::compare_aligned(Comparison c, const Vec& a, const Vec& b) const {
  Vec x = result_of(Kind::boolean, {&a, &b});
  const std::size_t n = x.size();
  const bool text_order = a.kind == Kind::text && orders(c);
  if (!a.rational && !text_order) {
    compare_cells(c, a, b, x);
    return x;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t ia = at(a, i), ib = at(b, i);
    x.known[i] = a.known[ia] && b.known[ib];
    if (!x.known[i]) continue;
    int three_way;
    if (a.rational) {
      three_way = a.r[ia] < b.r[ib] ? -1 : (b.r[ib] < a.r[ia] ? 1 : 0);
    } else {
      const int t = in_.texts.text(a.v[ia]).compare(in_.texts.text(b.v[ib]));
      three_way = t < 0 ? -1 : t > 0 ? 1 : 0;
    }
    x.v[i] = holds(c, three_way) ? 1 : 0;
  }
  return x;
}

// `a between lo and hi` where lo and hi are one value each (period and window bounds): one pass
// instead of two comparisons and an `and`.
bool Evaluator::fast_range(const Vec& a, const Vec& lo, const Vec& hi, Vec& x) {
  if (a.rational || lo.rational || hi.rational || !lo.one() || !hi.one()) return false;
  if (a.kind == Kind::text ||
      (a.kind == Kind::number && (a.scale != lo.scale || a.scale != hi.scale)))
    return false;
  const std::size_t n = a.size();
  x.kind = Kind::boolean;
  x.shape = a.shape;
  x.v.resize(n);
  x.known.resize(n);
  if (!lo.known[0] || !hi.known[0]) {
    // Missing bounds: missing, unless the known bound alone rules the row out.
    for (std::size_t i = 0; i < n; ++i) {
      const bool out_low = lo.known[0] && a.known[i] && a.v[i] < lo.v[0];
      const bool out_high = hi.known[0] && a.known[i] && a.v[i] > hi.v[0];
      x.known[i] = out_low || out_high;
      x.v[i] = 0;
    }
    return true;
  }
  within(a.v.data(), a.known.data(), lo.v[0], hi.v[0], x.v.data(), x.known.data(), n);
  return true;
}

Vec Evaluator::in_list(const plan::Node& node, const Vec& a, const Vec& list) const {
  const bool negated = node.op == NodeOp::not_in_list;
  // The candidates as vectors of one, aligned to `a` one by one. Their text was coded when the
  // list was made, so that evaluation only reads the codes.
  const std::vector<Vec> one{list};
  const std::vector<Vec>& items = list.items ? *list.items : one;
  const std::size_t n = a.size();
  Vec x;
  x.kind = Kind::boolean;
  x.shape = a.shape;
  // Whole values of one scale (text codes, say) against known candidates of the same scale:
  // each candidate is one pass over the values, with no comparison vector of its own.
  bool whole = !a.rational && a.kind != Kind::list && !a.one();
  for (const Vec& item : items)
    whole = whole && !item.rational && item.one() && item.known[0] && item.scale == a.scale &&
            item.kind != Kind::list;
  if (whole) {
    x.v.assign(n, 0);
    x.known.assign(a.known.begin(), a.known.end());
    for (const Vec& item : items) or_equal(x.v.data(), a.v.data(), item.v[0], n);
    flag_known(x.v.data(), x.known.data(), negated, n);
    return x;
  }
  // A constant against a list that holds row values (`"a" in (x, y)`): one answer per row.
  std::size_t rows = n;
  for (const Vec& item : items)
    if (!item.one()) {
      x.shape = Shape::flat;
      rows = item.size();
    }
  x.v.assign(rows, 0);
  x.known.assign(rows, 0);
  for (const Vec& item : items) {
    Vec eq = compare(Comparison::eq, a, item);
    for (std::size_t i = 0; i < rows; ++i) {
      const std::size_t k = at(eq, i);
      if (eq.known[k] && eq.v[k]) x.v[i] = 1;
    }
  }
  for (std::size_t i = 0; i < rows; ++i) {
    x.known[i] = a.known[at(a, i)];
    if (negated && x.known[i]) x.v[i] = x.v[i] ? 0 : 1;
  }
  return x;
}

}  // namespace tally::runtime
