#include "runtime/exec/derived/derived_column.hpp"

#include "runtime/exec/kernels.hpp"

namespace tally::runtime {

Vec slice(const DerivedColumn& d, std::size_t begin, std::size_t n) {
  if (!d.is_narrow) return slice(d.wide, begin, n);
  Vec x;
  x.kind = d.wide.kind;
  x.scale = d.wide.scale;
  x.v.resize(n);
  x.known.resize(n);
  static_assert(kMissing16 == 0xFFFF, "widen takes all bits set as missing");
  if (!d.narrow16.empty())
    widen(d.narrow16.data() + begin, d.base, n, x.v.data(), x.known.data());
  else
    widen(d.narrow32.data() + begin, d.base, n, x.v.data(), x.known.data());
  return x;
}

}  // namespace tally::runtime
