// Arithmetic: negation, absolute values, + - * /, and coalesce. Scaled integers with overflow
// checks; exact rationals after a division or an overflow.
#include <algorithm>

#include "runtime/exec/evaluator.hpp"

namespace tally::runtime {

Vec Evaluator::negate(Vec x) {
  if (x.rational)
    for (auto& r : x.r) r = -r;
  else
    for (auto& v : x.v) v = -v;
  return x;
}

Vec Evaluator::absolute(Vec x) {
  if (x.rational)
    for (auto& r : x.r) r = r < 0 ? Rational(-r) : r;
  else
    for (auto& v : x.v) v = v < 0 ? -v : v;
  return x;
}

Vec Evaluator::arithmetic(NodeOp op, Vec a, Vec b) {
  const std::size_t n = length_of({&a, &b});
  Vec x;
  x.kind = Kind::number;
  x.shape = shape_of({&a, &b});
  x.known.resize(n);
  for (std::size_t i = 0; i < n; ++i) x.known[i] = a.known[at(a, i)] && b.known[at(b, i)];
  if (!a.rational && !b.rational && op != NodeOp::div) {
    bool ok = true;
    if (op == NodeOp::mul) {
      x.scale = a.scale + b.scale;
      ok = x.scale <= kMaxScale;
      x.v.resize(n);
      for (std::size_t i = 0; ok && i < n; ++i)
        ok = !__builtin_mul_overflow(a.v[at(a, i)], b.v[at(b, i)], &x.v[i]);
    } else {
      Vec a2 = a, b2 = b;
      const int s = std::max(a.scale, b.scale);
      ok = rescale(a2, s) && rescale(b2, s);
      x.scale = s;
      x.v.resize(n);
      for (std::size_t i = 0; ok && i < n; ++i) {
        ok = op == NodeOp::add ? !__builtin_add_overflow(a2.v[at(a2, i)], b2.v[at(b2, i)], &x.v[i])
                               : !__builtin_sub_overflow(a2.v[at(a2, i)], b2.v[at(b2, i)], &x.v[i]);
      }
    }
    if (ok) {
      for (std::size_t i = 0; i < n; ++i)
        if (!x.known[i]) x.v[i] = 0;
      return x;
    }
  }
  // Exact rationals: after a division, or when 64 bits would overflow.
  to_rational(a);
  to_rational(b);
  x.rational = true;
  x.scale = 0;
  x.v.clear();
  x.r.assign(n, Rational(0));
  for (std::size_t i = 0; i < n; ++i) {
    if (!x.known[i]) continue;
    const Rational& p = a.r[at(a, i)];
    const Rational& q = b.r[at(b, i)];
    switch (op) {
      case NodeOp::add:
        x.r[i] = p + q;
        break;
      case NodeOp::sub:
        x.r[i] = p - q;
        break;
      case NodeOp::mul:
        x.r[i] = p * q;
        break;
      default:
        if (q == 0)
          x.known[i] = 0;  // division by zero is missing, like SQL's NULL
        else
          x.r[i] = p / q;
        break;
    }
  }
  return x;
}

Vec Evaluator::coalesce(Vec a, Vec b) {
  const std::size_t n = length_of({&a, &b});
  if (a.kind == Kind::number) align(a, b);
  Vec x;
  x.kind = a.kind;
  x.shape = shape_of({&a, &b});
  x.rational = a.rational;
  x.scale = a.scale;
  x.items = a.items;
  x.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Vec& src = a.known[at(a, i)] ? a : b;
    const std::size_t k = at(src, i);
    x.known[i] = src.known[k];
    if (x.rational)
      x.r[i] = src.r[k];
    else
      x.v[i] = src.v[k];
  }
  return x;
}

}  // namespace tally::runtime
