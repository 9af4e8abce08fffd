// Aggregates: each one's figure, and the same figure when the rows are cut into stretches (one
// per thread) whose aggregates are merged in row order, wherever the values that decide it lie.
// Sums are exact beyond 64 bits, negative ones too.
#include "runtime/exec/aggregate.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace tally::runtime {
namespace {

// A flat vector of numbers at `scale`, every cell known but those listed.
Vec numbers(const std::vector<std::int64_t>& units, int scale = 0,
            const std::vector<std::size_t>& missing = {}) {
  Vec x;
  x.kind = Kind::number;
  x.scale = scale;
  x.v = units;
  x.known.assign(units.size(), 1);
  for (std::size_t i : missing) {
    x.known[i] = 0;
    x.v[i] = 0;
  }
  return x;
}

Vec rationals(const std::vector<Rational>& values) {
  Vec x;
  x.kind = Kind::number;
  x.rational = true;
  x.r = values;
  x.known.assign(values.size(), 1);
  return x;
}

std::vector<std::uint8_t> all_rows(std::size_t n) { return std::vector<std::uint8_t>(n, 1); }

// The figure of `op` over `x`, in one aggregate.
std::optional<Rational> whole(AggregateOp op, const Vec& x) {
  Aggregate a(op);
  a.add(&x, all_rows(x.size()), x.size());
  return a.finalize();
}

// The figure of `op` over `x` cut at `cuts`, the stretches merged into the first in row order.
std::optional<Rational> merged(AggregateOp op, const Vec& x, const std::vector<std::size_t>& cuts) {
  std::vector<std::size_t> bounds = {0};
  bounds.insert(bounds.end(), cuts.begin(), cuts.end());
  bounds.push_back(x.size());
  std::vector<Aggregate> stretches;
  for (std::size_t s = 0; s + 1 < bounds.size(); ++s) {
    Aggregate a(op);
    const std::size_t from = bounds[s], to = bounds[s + 1];
    std::vector<std::uint8_t> mask(x.size(), 0);
    for (std::size_t i = from; i < to; ++i) mask[i] = 1;
    a.add(&x, mask, x.size());
    stretches.push_back(std::move(a));
  }
  for (std::size_t s = 1; s < stretches.size(); ++s) stretches[0].merge(std::move(stretches[s]));
  return stretches[0].finalize();
}

TEST(Aggregate, EachGivesItsFigure) {
  const Vec x = numbers({4, -2, 7, 7, 1, 0}, 0, {4});
  EXPECT_EQ(whole(AggregateOp::count, x), Rational(6));  // rows, whatever their operand
  EXPECT_EQ(whole(AggregateOp::sum, x), Rational(16));
  EXPECT_EQ(whole(AggregateOp::mean, x), Rational(16, 5));
  EXPECT_EQ(whole(AggregateOp::count_distinct, x), Rational(4));
  EXPECT_EQ(whole(AggregateOp::median, x), Rational(4));
  EXPECT_EQ(whole(AggregateOp::min, x), Rational(-2));
  EXPECT_EQ(whole(AggregateOp::max, x), Rational(7));
}

TEST(Aggregate, OverNoValues) {
  const Vec x = numbers({5, 6}, 0, {0, 1});
  EXPECT_EQ(whole(AggregateOp::count, x), Rational(2));
  EXPECT_EQ(whole(AggregateOp::sum, x), Rational(0));
  EXPECT_EQ(whole(AggregateOp::mean, x), std::nullopt);
  EXPECT_EQ(whole(AggregateOp::count_distinct, x), Rational(0));
  EXPECT_EQ(whole(AggregateOp::median, x), std::nullopt);
  EXPECT_EQ(whole(AggregateOp::min, x), std::nullopt);
  EXPECT_EQ(whole(AggregateOp::max, x), std::nullopt);
  for (AggregateOp op : {AggregateOp::sum, AggregateOp::mean, AggregateOp::median, AggregateOp::min,
                         AggregateOp::max, AggregateOp::count_distinct}) {
    Aggregate a(op);
    a.add(&x, all_rows(2), 2);
    EXPECT_TRUE(a.empty());
  }
}

TEST(Aggregate, NegativeSumsBeyondSixtyFourBitsAreExact) {
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  const Vec x = numbers({kMin, kMin, kMin, -7});
  // -3 * 2^63 - 7
  EXPECT_EQ(whole(AggregateOp::sum, x), Rational(BigInt("-27670116110564327431")));
  EXPECT_EQ(whole(AggregateOp::mean, x), Rational(BigInt("-27670116110564327431"), 4));
  EXPECT_EQ(merged(AggregateOp::sum, x, {1, 2}), Rational(BigInt("-27670116110564327431")));
  // And a small one at a scale: -1.25 + 0.05 = -1.2
  EXPECT_EQ(whole(AggregateOp::sum, numbers({-125, 5}, 2)), Rational(-6, 5));
}

TEST(Aggregate, PositiveSumsBeyondSixtyFourBitsAreExact) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  const Vec x = numbers({kMax, kMax, 2}, 3);
  // (2 * (2^63 - 1) + 2) / 1000 = 2^64 / 1000
  EXPECT_EQ(whole(AggregateOp::sum, x), Rational(BigInt("18446744073709551616"), 1000));
}

TEST(Aggregate, SumsAcrossScalesAndRationals) {
  Aggregate a(AggregateOp::sum);
  const Vec tenths = numbers({15, -3}, 1), whole_units = numbers({2}, 0);
  const Vec thirds = rationals({Rational(1, 3)});
  a.add(&tenths, all_rows(2), 2);
  a.add(&whole_units, all_rows(1), 1);
  a.add(&thirds, all_rows(1), 1);
  a.add(&tenths, all_rows(2), 2);
  // 1.2 + 2 + 1/3 + 1.2
  EXPECT_EQ(a.finalize(), Rational(71, 15));
  EXPECT_EQ(a.finalize(), Rational(71, 15));  // asked again, as a sweep does
}

TEST(Aggregate, StretchesMergedInRowOrderGiveTheFigureOfOnePass) {
  // The decisive values in every stretch in turn: the least first, then last, the greatest in
  // the middle, repeats across stretches.
  const std::vector<std::vector<std::int64_t>> cases = {
      {-9, 3, 5, 5, 8, 2, 11, 3},
      {3, 5, 5, 8, 2, 11, 3, -9},
      {3, 5, 42, 5, 8, 2, 1, 3},
      {7, 7, 7, 7, 7, 7, 7, 7},
  };
  const std::vector<std::vector<std::size_t>> cuts = {{4}, {1}, {7}, {2, 5}, {1, 2, 3, 4, 5, 6, 7}};
  for (const auto& values : cases) {
    for (const int scale : {0, 2}) {
      const Vec x = numbers(values, scale, {3});
      for (const auto& cut : cuts) {
        for (AggregateOp op :
             {AggregateOp::count, AggregateOp::sum, AggregateOp::mean, AggregateOp::count_distinct,
              AggregateOp::median, AggregateOp::min, AggregateOp::max}) {
          SCOPED_TRACE(::testing::Message()
                       << "op " << static_cast<int>(op) << ", first value " << values[0]
                       << ", scale " << scale << ", " << cut.size() << " cuts");
          EXPECT_EQ(merged(op, x, cut), whole(op, x));
        }
      }
    }
  }
}

TEST(Aggregate, MinAndMaxFoundInALaterStretch) {
  const Vec x = numbers({5, 6, 7, -40, 90, 6});
  EXPECT_EQ(merged(AggregateOp::min, x, {3}), Rational(-40));
  EXPECT_EQ(merged(AggregateOp::max, x, {3}), Rational(90));
  // A later stretch with no value leaves the first's.
  const Vec y = numbers({5, -1, 9, 4}, 0, {2, 3});
  EXPECT_EQ(merged(AggregateOp::min, y, {2}), Rational(-1));
  EXPECT_EQ(merged(AggregateOp::max, y, {2}), Rational(5));
  // The first stretch with no value takes the later one's.
  const Vec z = numbers({0, 0, 3, 8}, 0, {0, 1});
  EXPECT_EQ(merged(AggregateOp::min, z, {2}), Rational(3));
  EXPECT_EQ(merged(AggregateOp::max, z, {2}), Rational(8));
}

TEST(Aggregate, DistinctCountsRepeatsAcrossStretchesOnce) {
  // Text codes spread widely (a bitmap cannot count them) and narrowly.
  std::vector<std::int64_t> wide, narrow;
  for (std::int64_t k = 0; k < 3000; ++k) {
    wide.push_back((k % 1000) * 1'000'000'007LL);
    narrow.push_back(k % 700);
  }
  const Vec w = numbers(wide), n = numbers(narrow);
  EXPECT_EQ(merged(AggregateOp::count_distinct, w, {1000, 1500}), Rational(1000));
  EXPECT_EQ(merged(AggregateOp::count_distinct, n, {1, 2999}), Rational(700));
  // Numbers with places are counted by exact value: 1.50 and 1.5 are one.
  Aggregate a(AggregateOp::count_distinct), b(AggregateOp::count_distinct);
  const Vec hundredths = numbers({150, 275}, 2), tenths = numbers({15, 30}, 1);
  a.add(&hundredths, all_rows(2), 2);
  b.add(&tenths, all_rows(2), 2);
  a.merge(std::move(b));
  EXPECT_EQ(a.finalize(), Rational(3));
}

TEST(Aggregate, CountsAddedElsewhereAndRowByRow) {
  Aggregate a(AggregateOp::count);
  a.add_counted(40);
  const Vec x = numbers({1, 2, 3}, 0, {1});
  a.add_row(&x, 1);  // a missing operand still counts the row
  a.add_row(nullptr, 0);
  EXPECT_EQ(a.finalize(), Rational(42));
  Aggregate m(AggregateOp::max);
  m.add_row(&x, 0);
  m.add_row(&x, 1);
  m.add_row(&x, 2);
  EXPECT_EQ(m.finalize(), Rational(3));
}

}  // namespace
}  // namespace tally::runtime
