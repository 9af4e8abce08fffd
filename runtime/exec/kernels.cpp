// Every kernel's arrays never overlap, which the restrict parameters tell the compiler (known
// flags are bytes, which may alias anything otherwise), so that it keeps the loops tight and
// vectorizes them; they are not inlined, which would lose that. With GCC on x86-64 each is also
// built for AVX2, chosen when the program starts on a processor that has it (whole 64-bit values
// compare four at a time; the plain x86-64 build compares one at a time). Values are whole
// numbers, so either gives the same bits.
#include "runtime/exec/kernels.hpp"

#include <type_traits>

namespace tally::runtime {

namespace {

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define TALLY_KERNEL [[gnu::noinline, gnu::target_clones("avx2", "default")]]
#else
#define TALLY_KERNEL [[gnu::noinline]]
#endif

TALLY_KERNEL void and_holds_kernel(std::uint8_t* __restrict out,
                                   const std::uint8_t* __restrict known,
                                   const std::int64_t* __restrict v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    out[i] &= static_cast<std::uint8_t>((known[i] != 0) & (v[i] != 0));
}

TALLY_KERNEL void and_known_kernel(std::uint8_t* __restrict out,
                                   const std::uint8_t* __restrict known, bool missing,
                                   std::size_t n) {
  const auto flip = static_cast<std::uint8_t>(missing ? 1 : 0);
  for (std::size_t i = 0; i < n; ++i) out[i] &= static_cast<std::uint8_t>((known[i] != 0) ^ flip);
}

// A value of one cell (AOne, BOne) stands for all.
template <bool AOne, bool BOne, typename Cmp>
TALLY_KERNEL void and_compare_kernel(std::uint8_t* __restrict out,
                                     const std::int64_t* __restrict av,
                                     const std::uint8_t* __restrict ak,
                                     const std::int64_t* __restrict bv,
                                     const std::uint8_t* __restrict bk, std::size_t n, Cmp cmp) {
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t ia = AOne ? 0 : i, ib = BOne ? 0 : i;
    out[i] &= static_cast<std::uint8_t>((ak[ia] != 0) & (bk[ib] != 0) & cmp(av[ia], bv[ib]));
  }
}

TALLY_KERNEL void or_equal_kernel(std::int64_t* __restrict hit, const std::int64_t* __restrict v,
                                  std::int64_t c, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) hit[i] |= static_cast<std::int64_t>(v[i] == c);
}

TALLY_KERNEL void flag_known_kernel(std::int64_t* __restrict v,
                                    const std::uint8_t* __restrict known, bool negated,
                                    std::size_t n) {
  const std::int64_t flip = negated ? 1 : 0;
  for (std::size_t i = 0; i < n; ++i)
    v[i] = ((v[i] != 0) ^ flip) & static_cast<std::int64_t>(known[i] != 0);
}

TALLY_KERNEL void known_flags_kernel(std::int64_t* __restrict v,
                                     const std::uint8_t* __restrict known, bool missing,
                                     std::size_t n) {
  const std::int64_t flip = missing ? 1 : 0;
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::int64_t>(known[i] != 0) ^ flip;
}

// Sets each cell of x from the cells of a and b: f(a value, a known, b value, b known, x value&,
// x known&); a value of one cell (AOne, BOne) stands for all.
template <bool AOne, bool BOne, typename F>
TALLY_KERNEL void cells_kernel(std::size_t n, const std::int64_t* __restrict av,
                               const std::uint8_t* __restrict ak, const std::int64_t* __restrict bv,
                               const std::uint8_t* __restrict bk, std::int64_t* __restrict xv,
                               std::uint8_t* __restrict xk, F f) {
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t ia = AOne ? 0 : i, ib = BOne ? 0 : i;
    f(av[ia], ak[ia], bv[ib], bk[ib], xv[i], xk[i]);
  }
}

TALLY_KERNEL void within_kernel(const std::int64_t* __restrict av,
                                const std::uint8_t* __restrict ak, std::int64_t lo, std::int64_t hi,
                                std::int64_t* __restrict xv, std::uint8_t* __restrict xk,
                                std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    xk[i] = ak[i];
    xv[i] = (av[i] >= lo) & (av[i] <= hi) & (ak[i] != 0);
  }
}

template <typename Cell>
TALLY_KERNEL void widen_kernel(const Cell* __restrict from, std::int64_t base, std::size_t n,
                               std::int64_t* __restrict v, std::uint8_t* __restrict known) {
  for (std::size_t i = 0; i < n; ++i) {
    const bool k = std::is_signed_v<Cell> ? from[i] >= 0 : from[i] != static_cast<Cell>(~Cell{0});
    known[i] = k;
    v[i] = (base + from[i]) & -static_cast<std::int64_t>(k);
  }
}

// Runs cells_kernel over x for the shapes of a and b.
template <typename F>
void cells(const Vec& a, const Vec& b, Vec& x, F f) {
  const std::size_t n = x.size();
  const auto* av = a.v.data();
  const auto* ak = a.known.data();
  const auto* bv = b.v.data();
  const auto* bk = b.known.data();
  if (a.one() && b.one())
    cells_kernel<true, true>(n, av, ak, bv, bk, x.v.data(), x.known.data(), f);
  else if (a.one())
    cells_kernel<true, false>(n, av, ak, bv, bk, x.v.data(), x.known.data(), f);
  else if (b.one())
    cells_kernel<false, true>(n, av, ak, bv, bk, x.v.data(), x.known.data(), f);
  else
    cells_kernel<false, false>(n, av, ak, bv, bk, x.v.data(), x.known.data(), f);
}

}  // namespace

void and_holds(std::uint8_t* out, const std::uint8_t* known, const std::int64_t* v, std::size_t n) {
  and_holds_kernel(out, known, v, n);
}

void and_known(std::uint8_t* out, const std::uint8_t* known, bool missing, std::size_t n) {
  and_known_kernel(out, known, missing, n);
}

void and_compare(Comparison c, const Vec& a, const Vec& b, std::uint8_t* out, std::size_t n) {
  with_functor(c, [&](auto cmp) {
    const auto* av = a.v.data();
    const auto* ak = a.known.data();
    const auto* bv = b.v.data();
    const auto* bk = b.known.data();
    if (a.one())
      and_compare_kernel<true, false>(out, av, ak, bv, bk, n, cmp);
    else if (b.one())
      and_compare_kernel<false, true>(out, av, ak, bv, bk, n, cmp);
    else
      and_compare_kernel<false, false>(out, av, ak, bv, bk, n, cmp);
  });
}

void or_equal(std::int64_t* hit, const std::int64_t* v, std::int64_t c, std::size_t n) {
  or_equal_kernel(hit, v, c, n);
}

void flag_known(std::int64_t* v, const std::uint8_t* known, bool negated, std::size_t n) {
  flag_known_kernel(v, known, negated, n);
}

void known_flags(std::int64_t* v, const std::uint8_t* known, bool missing, std::size_t n) {
  known_flags_kernel(v, known, missing, n);
}

void compare_cells(Comparison c, const Vec& a, const Vec& b, Vec& x) {
  with_functor(c, [&](auto cmp) {
    cells(a, b, x,
          [cmp](std::int64_t p, std::uint8_t pk, std::int64_t q, std::uint8_t qk, std::int64_t& v,
                std::uint8_t& k) {
            const bool known = (pk != 0) & (qk != 0);
            k = known;
            v = cmp(p, q) & known;
          });
  });
}

void and_cells(const Vec& a, const Vec& b, Vec& x) {
  cells(a, b, x,
        [](std::int64_t p, std::uint8_t pk, std::int64_t q, std::uint8_t qk, std::int64_t& v,
           std::uint8_t& k) {
          const bool fa = (pk != 0) & (p == 0), fb = (qk != 0) & (q == 0);
          const bool both = (pk != 0) & (qk != 0);
          k = fa | fb | both;
          v = both & (p != 0) & (q != 0);
        });
}

void or_cells(const Vec& a, const Vec& b, Vec& x) {
  cells(a, b, x,
        [](std::int64_t p, std::uint8_t pk, std::int64_t q, std::uint8_t qk, std::int64_t& v,
           std::uint8_t& k) {
          const bool ta = (pk != 0) & (p != 0), tb = (qk != 0) & (q != 0);
          k = ta | tb | ((pk != 0) & (qk != 0));
          v = ta | tb;
        });
}

void days_cells(const Vec& a, const Vec& b, Vec& x) {
  cells(a, b, x,
        [](std::int64_t from, std::uint8_t fk, std::int64_t to, std::uint8_t tk, std::int64_t& v,
           std::uint8_t& k) {
          const bool known = (fk != 0) & (tk != 0);
          k = known;
          v = (to - from) & -static_cast<std::int64_t>(known);
        });
}

void within(const std::int64_t* a, const std::uint8_t* a_known, std::int64_t lo, std::int64_t hi,
            std::int64_t* x, std::uint8_t* x_known, std::size_t n) {
  within_kernel(a, a_known, lo, hi, x, x_known, n);
}

void widen(const std::uint16_t* from, std::int64_t base, std::size_t n, std::int64_t* v,
           std::uint8_t* known) {
  widen_kernel(from, base, n, v, known);
}

void widen(const std::int32_t* from, std::int64_t base, std::size_t n, std::int64_t* v,
           std::uint8_t* known) {
  widen_kernel(from, base, n, v, known);
}

}  // namespace tally::runtime
