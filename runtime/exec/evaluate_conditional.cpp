// Conditionals: `if C then A else B`, where a missing C takes B (as SQL's CASE does), and
// least/greatest of two values, where a missing value is skipped and the result is missing only
// when both are.
#include "runtime/exec/evaluator.hpp"

namespace tally::runtime {

Vec Evaluator::choose(const Vec& condition, Vec a, Vec b) {
  if (a.kind == Kind::number && b.kind == Kind::number) align(a, b);
  const std::size_t n = length_of({&condition, &a, &b});
  Vec x;
  x.kind = a.kind;
  x.shape = shape_of({&condition, &a, &b});
  x.rational = a.rational;
  x.scale = a.scale;
  x.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t ic = at(condition, i);
    const bool holds = condition.known[ic] && condition.v[ic] != 0;
    const Vec& from = holds ? a : b;
    const std::size_t k = at(from, i);
    x.known[i] = from.known[k];
    if (!x.known[i]) continue;
    if (x.rational)
      x.r[i] = from.r[k];
    else
      x.v[i] = from.v[k];
  }
  return x;
}

Vec Evaluator::extreme(NodeOp op, Vec a, Vec b) {
  if (a.kind == Kind::number) align(a, b);
  const std::size_t n = length_of({&a, &b});
  const bool least = op == NodeOp::least;
  Vec x;
  x.kind = a.kind;
  x.shape = shape_of({&a, &b});
  x.rational = a.rational;
  x.scale = a.scale;
  x.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t ia = at(a, i), ib = at(b, i);
    const bool ka = a.known[ia] != 0, kb = b.known[ib] != 0;
    if (!ka && !kb) continue;
    x.known[i] = 1;
    bool take_a = ka;
    if (ka && kb) {
      const bool a_less = a.rational ? a.r[ia] < b.r[ib] : a.v[ia] < b.v[ib];
      const bool b_less = a.rational ? b.r[ib] < a.r[ia] : b.v[ib] < a.v[ia];
      take_a = least ? !b_less : !a_less;
    }
    if (x.rational)
      x.r[i] = take_a ? a.r[ia] : b.r[ib];
    else
      x.v[i] = take_a ? a.v[ia] : b.v[ib];
  }
  return x;
}

}  // namespace tally::runtime
