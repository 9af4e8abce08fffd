// The batch kernels against plain loops that say what each must give, cell by cell, over rows
// with missing cells, a length that is no multiple of any vector width, and every shape of
// operand (a value for every row, or one standing for all).
#include "runtime/exec/kernels.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace tally::runtime {
namespace {

constexpr std::size_t kRows = 4096 + 13;

// A flat vector of whole numbers in [-3, 3], a tenth of them missing (value 0 there, as columns
// hold them).
Vec flat_values(std::uint64_t seed) {
  Vec x;
  x.v.resize(kRows);
  x.known.resize(kRows);
  for (std::size_t i = 0; i < kRows; ++i) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    x.known[i] = (seed >> 40) % 10 != 0;
    x.v[i] = x.known[i] ? static_cast<std::int64_t>((seed >> 33) % 7) - 3 : 0;
  }
  return x;
}

Vec constant_of(std::int64_t value, bool known = true) {
  Vec x;
  x.shape = Shape::constant;
  x.v.assign(1, known ? value : 0);
  x.known.assign(1, known ? 1 : 0);
  return x;
}

// The cells a result of a and b has, with the shape they give.
Vec result_for(const Vec& a, const Vec& b) {
  Vec x;
  x.shape = shape_of({&a, &b});
  const std::size_t n = length_of({&a, &b});
  x.v.assign(n, 0);
  x.known.assign(n, 0);
  return x;
}

std::vector<std::uint8_t> random_mask(std::uint64_t seed) {
  std::vector<std::uint8_t> mask(kRows);
  for (auto& m : mask) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    m = (seed >> 41) % 3 != 0;
  }
  return mask;
}

bool compares(Comparison c, std::int64_t p, std::int64_t q) {
  return holds(c, p < q ? -1 : p > q ? 1 : 0);
}

const Comparison kAll[] = {Comparison::eq, Comparison::ne, Comparison::lt,
                           Comparison::le, Comparison::gt, Comparison::ge};

TEST(Kernels, AndHoldsKeepsRowsWhoseConditionIsKnownAndTrue) {
  const Vec c = flat_values(1);
  const std::vector<std::uint8_t> before = random_mask(2);
  std::vector<std::uint8_t> out = before;
  and_holds(out.data(), c.known.data(), c.v.data(), kRows);
  for (std::size_t i = 0; i < kRows; ++i)
    ASSERT_EQ(out[i], before[i] && c.known[i] && c.v[i] != 0) << i;
}

TEST(Kernels, AndKnownKeepsKnownOrMissingRows) {
  const Vec c = flat_values(3);
  for (const bool missing : {false, true}) {
    const std::vector<std::uint8_t> before = random_mask(4);
    std::vector<std::uint8_t> out = before;
    and_known(out.data(), c.known.data(), missing, kRows);
    for (std::size_t i = 0; i < kRows; ++i)
      ASSERT_EQ(out[i], before[i] && (c.known[i] != 0) != missing) << i;
  }
}

TEST(Kernels, AndCompareKeepsRowsWhereBothAreKnownAndTheComparisonHolds) {
  const Vec a = flat_values(5), b = flat_values(6);
  const Vec one = constant_of(1);
  for (const Comparison c : kAll) {
    SCOPED_TRACE(info(c).text);
    for (int shape = 0; shape < 3; ++shape) {
      const Vec& left = shape == 1 ? one : a;
      const Vec& right = shape == 2 ? one : b;
      const std::vector<std::uint8_t> before = random_mask(7);
      std::vector<std::uint8_t> out = before;
      and_compare(c, left, right, out.data(), kRows);
      for (std::size_t i = 0; i < kRows; ++i) {
        const std::size_t l = at(left, i), r = at(right, i);
        const bool want =
            before[i] && left.known[l] && right.known[r] && compares(c, left.v[l], right.v[r]);
        ASSERT_EQ(out[i] != 0, want) << "shape " << shape << ", row " << i;
      }
    }
  }
}

TEST(Kernels, CompareCellsGivesEveryShapeItsCells) {
  const Vec a = flat_values(8), b = flat_values(9);
  const Vec two = constant_of(2), missing = constant_of(0, false);
  const std::vector<std::pair<const Vec*, const Vec*>> shapes = {
      {&a, &b}, {&two, &b}, {&a, &two}, {&two, &two}, {&a, &missing}};
  for (const Comparison c : kAll) {
    SCOPED_TRACE(info(c).text);
    for (const auto& [left, right] : shapes) {
      Vec x = result_for(*left, *right);
      compare_cells(c, *left, *right, x);
      for (std::size_t i = 0; i < x.size(); ++i) {
        const std::size_t l = at(*left, i), r = at(*right, i);
        const bool known = left->known[l] && right->known[r];
        ASSERT_EQ(x.known[i] != 0, known) << i;
        ASSERT_EQ(x.v[i] != 0, known && compares(c, left->v[l], right->v[r])) << i;
      }
    }
  }
}

// Booleans with every pair of (true, false, missing) met many times.
Vec flat_flags(std::uint64_t seed) {
  Vec x = flat_values(seed);
  for (std::size_t i = 0; i < kRows; ++i) x.v[i] = x.known[i] && x.v[i] > 0 ? 1 : 0;
  return x;
}

TEST(Kernels, AndAndOrCellsFollowThreeValuedLogic) {
  const Vec a = flat_flags(10), b = flat_flags(11);
  Vec both = result_for(a, b), either = result_for(a, b);
  and_cells(a, b, both);
  or_cells(a, b, either);
  for (std::size_t i = 0; i < kRows; ++i) {
    const bool ak = a.known[i], bk = b.known[i], av = a.v[i] != 0, bv = b.v[i] != 0;
    // and: false beats missing; or: true beats missing.
    const bool and_known = (ak && !av) || (bk && !bv) || (ak && bk);
    ASSERT_EQ(both.known[i] != 0, and_known) << i;
    ASSERT_EQ(both.v[i] != 0, ak && bk && av && bv) << i;  // false where missing
    const bool or_known = (ak && av) || (bk && bv) || (ak && bk);
    ASSERT_EQ(either.known[i] != 0, or_known) << i;
    ASSERT_EQ(either.v[i] != 0, (ak && av) || (bk && bv)) << i;
  }
}

TEST(Kernels, DaysCellsAreTheDifferenceWhereBothDaysAreKnown) {
  const Vec from = flat_values(12), to = flat_values(13);
  Vec x = result_for(from, to);
  days_cells(from, to, x);
  for (std::size_t i = 0; i < kRows; ++i) {
    const bool known = from.known[i] && to.known[i];
    ASSERT_EQ(x.known[i] != 0, known) << i;
    ASSERT_EQ(x.v[i], known ? to.v[i] - from.v[i] : 0) << i;
  }
}

TEST(Kernels, OrEqualAndFlagKnownMakeAnInTest) {
  const Vec a = flat_values(14);
  for (const bool negated : {false, true}) {
    std::vector<std::int64_t> hit(kRows, 0);
    or_equal(hit.data(), a.v.data(), -2, kRows);
    or_equal(hit.data(), a.v.data(), 3, kRows);
    flag_known(hit.data(), a.known.data(), negated, kRows);
    for (std::size_t i = 0; i < kRows; ++i) {
      const bool in = a.v[i] == -2 || a.v[i] == 3;
      ASSERT_EQ(hit[i], a.known[i] && (in != negated) ? 1 : 0) << i;
    }
  }
}

TEST(Kernels, KnownFlagsSayWhichCellsAreKnownOrMissing) {
  const Vec a = flat_values(15);
  for (const bool missing : {false, true}) {
    std::vector<std::int64_t> v(kRows, 7);
    known_flags(v.data(), a.known.data(), missing, kRows);
    for (std::size_t i = 0; i < kRows; ++i) ASSERT_EQ(v[i], (a.known[i] != 0) != missing) << i;
  }
}

TEST(Kernels, WithinHoldsBetweenTheBoundsInclusive) {
  const Vec a = flat_values(16);
  std::vector<std::int64_t> v(kRows);
  std::vector<std::uint8_t> known(kRows);
  within(a.v.data(), a.known.data(), -1, 2, v.data(), known.data(), kRows);
  for (std::size_t i = 0; i < kRows; ++i) {
    ASSERT_EQ(known[i], a.known[i]) << i;
    ASSERT_EQ(v[i], a.known[i] && a.v[i] >= -1 && a.v[i] <= 2 ? 1 : 0) << i;
  }
}

TEST(Kernels, WidenTurnsNarrowCellsIntoValuesOrMissing) {
  const std::vector<std::uint16_t> narrow16 = {0, 5, 0xFFFF, 0xFFFE, 1};
  std::vector<std::int64_t> v(narrow16.size(), -1);
  std::vector<std::uint8_t> known(narrow16.size(), 9);
  widen(narrow16.data(), 20000, narrow16.size(), v.data(), known.data());
  EXPECT_EQ(v, (std::vector<std::int64_t>{20000, 20005, 0, 20000 + 0xFFFE, 20001}));
  EXPECT_EQ(known, (std::vector<std::uint8_t>{1, 1, 0, 1, 1}));

  const std::vector<std::int32_t> narrow32 = {0, -1, 70000, -5};
  v.assign(narrow32.size(), -1);
  known.assign(narrow32.size(), 9);
  widen(narrow32.data(), -100, narrow32.size(), v.data(), known.data());
  EXPECT_EQ(v, (std::vector<std::int64_t>{-100, 0, 69900, 0}));
  EXPECT_EQ(known, (std::vector<std::uint8_t>{1, 0, 1, 0}));
}

}  // namespace
}  // namespace tally::runtime
