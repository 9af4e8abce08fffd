// Logic: `and`, `or`, `not`, `is known` and `is missing`, with missing values as SQL's NULL:
// false and anything is false, true or anything is true.
#include "runtime/exec/evaluator.hpp"
#include "runtime/exec/kernels.hpp"

namespace tally::runtime {

Vec Evaluator::logic(NodeOp op, const Vec& a, const Vec& b) {
  Vec x = result_of(Kind::boolean, {&a, &b});
  if (op == NodeOp::and_)
    and_cells(a, b, x);
  else
    or_cells(a, b, x);
  return x;
}

Vec Evaluator::negation(Vec x) {
  for (std::size_t i = 0; i < x.size(); ++i) x.v[i] = x.v[i] ? 0 : 1;
  return x;
}

Vec Evaluator::known_test(NodeOp op, const Vec& a) {
  Vec x;
  x.kind = Kind::boolean;
  x.shape = a.shape;
  const std::size_t n = a.size();
  x.v.resize(n);
  x.known.assign(n, 1);
  known_flags(x.v.data(), a.known.data(), op == NodeOp::is_missing, n);
  return x;
}

}  // namespace tally::runtime
