// The comparison operators in one table: which plan operations compare, how each reads from a
// three-way result, its mirror (a < b is b > a), its opposite (not a < b is a >= b), how it is
// written, and the functor that compares whole values in the batch kernels.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>

#include "runtime/exec/plan_terms.hpp"

namespace tally::runtime {

enum class Comparison : std::uint8_t { eq, ne, lt, le, gt, ge };

struct ComparisonInfo {
  NodeOp op;
  const char* text;
  Comparison mirror;    // the same test with the sides swapped
  Comparison opposite;  // the test that holds where this one does not
  // Whether it holds when the left side is below, equal to, above the right side.
  bool below, equal, above;
};

inline constexpr std::array<ComparisonInfo, 6> kComparisons = {{
    {NodeOp::eq, "=", Comparison::eq, Comparison::ne, false, true, false},
    {NodeOp::ne, "!=", Comparison::ne, Comparison::eq, true, false, true},
    {NodeOp::lt, "<", Comparison::gt, Comparison::ge, true, false, false},
    {NodeOp::le, "<=", Comparison::ge, Comparison::gt, true, true, false},
    {NodeOp::gt, ">", Comparison::lt, Comparison::le, false, false, true},
    {NodeOp::ge, ">=", Comparison::le, Comparison::lt, false, true, true},
}};

constexpr const ComparisonInfo& info(Comparison c) {
  return kComparisons[static_cast<std::size_t>(c)];
}

// The comparison a plan operation names, or nullopt when it names none.
constexpr std::optional<Comparison> comparison_of(NodeOp op) {
  for (std::size_t k = 0; k < kComparisons.size(); ++k)
    if (kComparisons[k].op == op) return static_cast<Comparison>(k);
  return std::nullopt;
}

constexpr bool is_comparison(NodeOp op) { return comparison_of(op).has_value(); }

// Whether the comparison orders its sides (<, <=, >, >=) rather than testing equality: text is
// then compared by its characters, not by its codes.
constexpr bool orders(Comparison c) { return c != Comparison::eq && c != Comparison::ne; }

// Whether `c` holds for a three-way result: negative, zero or positive.
constexpr bool holds(Comparison c, int three_way) {
  const ComparisonInfo& i = info(c);
  return three_way < 0 ? i.below : three_way > 0 ? i.above : i.equal;
}

// Calls f with the functor that compares two whole values as `c` does.
template <typename F>
constexpr void with_functor(Comparison c, F f) {
  switch (c) {
    case Comparison::eq:
      f(std::equal_to<std::int64_t>{});
      break;
    case Comparison::ne:
      f(std::not_equal_to<std::int64_t>{});
      break;
    case Comparison::lt:
      f(std::less<std::int64_t>{});
      break;
    case Comparison::le:
      f(std::less_equal<std::int64_t>{});
      break;
    case Comparison::gt:
      f(std::greater<std::int64_t>{});
      break;
    case Comparison::ge:
      f(std::greater_equal<std::int64_t>{});
      break;
  }
}

// Each functor agrees with its row of the table.
constexpr bool functors_agree_with_table() {
  bool agree = true;
  for (std::size_t k = 0; k < kComparisons.size(); ++k) {
    const auto c = static_cast<Comparison>(k);
    with_functor(c, [&](auto cmp) {
      agree = agree && cmp(1, 2) == info(c).below && cmp(2, 2) == info(c).equal &&
              cmp(3, 2) == info(c).above;
    });
  }
  return agree;
}
static_assert(functors_agree_with_table());

}  // namespace tally::runtime
