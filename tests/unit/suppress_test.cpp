// The small-number suppression post-pass: each rule, the bounds inclusive, zero counts, a share at
// exactly a bound, a count value, and the exact figures left as they were.
#include "runtime/result/suppress.hpp"

#include <gtest/gtest.h>

namespace tally::runtime {
namespace {

plan::IndicatorPlan share() {
  plan::IndicatorPlan ind;
  ind.ratio = true;
  ind.unit = plan::UnitKind::percent;
  return ind;
}

plan::IndicatorPlan count_value(plan::UnitKind unit = plan::UnitKind::count) {
  plan::IndicatorPlan ind;
  ind.ratio = false;
  ind.unit = unit;
  ind.multiplier = 1;
  return ind;
}

PeriodResult ratio(int numerator, int denominator, std::optional<int> change = 1) {
  PeriodResult r;
  r.numerator = Rational(numerator);
  r.denominator = Rational(denominator);
  if (denominator != 0) r.value = Rational(numerator * 100, denominator);
  if (change) r.change = Rational(*change);
  r.rag = Rag::green;
  r.trend = Trend::improving;
  return r;
}

PeriodResult value(int v) {
  PeriodResult r;
  r.value = Rational(v);
  r.change = Rational(2);
  return r;
}

Suppression rule(int low = 1, int high = 5) {
  Suppression s;
  s.low = low;
  s.high = high;
  s.text = "[c]";
  return s;
}

TEST(Suppress, BoundsAreInclusive) {
  const Suppression s = rule(1, 5);
  EXPECT_FALSE(within_bounds(s, 0));
  EXPECT_TRUE(within_bounds(s, 1));
  EXPECT_TRUE(within_bounds(s, 5));
  EXPECT_FALSE(within_bounds(s, 6));
  EXPECT_TRUE(within_bounds(s, Rational(9, 2)));
  EXPECT_FALSE(within_bounds(s, Rational(11, 2)));
  EXPECT_TRUE(within_bounds(rule(0, 0), 0));
}

TEST(Suppress, NothingSmallHidesNothing) {
  const Hidden h = hidden_figures(ratio(40, 50), share(), rule());
  EXPECT_FALSE(h.any());
  EXPECT_EQ(h.text, "[c]");
}

TEST(Suppress, SmallNumeratorHidesNumeratorValueAndChange) {
  const Hidden h = hidden_figures(ratio(3, 50), share(), rule());
  EXPECT_TRUE(h.numerator);
  EXPECT_TRUE(h.value);
  EXPECT_TRUE(h.change);
  EXPECT_FALSE(h.denominator);
}

TEST(Suppress, SmallComplementHidesTheNumeratorToo) {
  // 47 of 50: the 3 not counted could be worked out from the numerator and the denominator.
  const Hidden h = hidden_figures(ratio(47, 50), share(), rule());
  EXPECT_TRUE(h.numerator);
  EXPECT_TRUE(h.value);
  EXPECT_TRUE(h.change);
  EXPECT_FALSE(h.denominator);
}

TEST(Suppress, SmallDenominatorIsHiddenItself) {
  const Hidden h = hidden_figures(ratio(0, 4), share(), rule());
  EXPECT_TRUE(h.numerator);
  EXPECT_TRUE(h.denominator);
  EXPECT_TRUE(h.value);
}

TEST(Suppress, ShareAtExactlyTheBounds) {
  // Numerator exactly 5 (the upper bound): hidden. 6: not, unless the complement is small.
  EXPECT_TRUE(hidden_figures(ratio(5, 50), share(), rule()).numerator);
  EXPECT_FALSE(hidden_figures(ratio(6, 50), share(), rule()).any());
  // Complement exactly 5 and exactly 6.
  EXPECT_TRUE(hidden_figures(ratio(45, 50), share(), rule()).value);
  EXPECT_FALSE(hidden_figures(ratio(44, 50), share(), rule()).any());
  // Denominator exactly 5 and 6 (numerator 3 makes both hidden by the numerator's rule).
  EXPECT_TRUE(hidden_figures(ratio(0, 5), share(), rule()).denominator);
  EXPECT_FALSE(hidden_figures(ratio(3, 6), share(), rule()).denominator);
  EXPECT_TRUE(hidden_figures(ratio(3, 6), share(), rule()).numerator);
}

TEST(Suppress, ZeroIsNotHiddenWhenTheRangeStartsAtOne) {
  // 0 of 50: the numerator is 0 and the complement 50; nothing within 1 .. 5.
  EXPECT_FALSE(hidden_figures(ratio(0, 50), share(), rule(1, 5)).any());
  // 50 of 50: the complement is 0.
  EXPECT_FALSE(hidden_figures(ratio(50, 50), share(), rule(1, 5)).any());
  // With the range starting at 0, both are hidden.
  EXPECT_TRUE(hidden_figures(ratio(0, 50), share(), rule(0, 5)).numerator);
  EXPECT_TRUE(hidden_figures(ratio(50, 50), share(), rule(0, 5)).numerator);
  EXPECT_FALSE(hidden_figures(ratio(50, 50), share(), rule(0, 5)).denominator);
  EXPECT_FALSE(hidden_figures(value(0), count_value(), rule(1, 5)).any());
  EXPECT_TRUE(hidden_figures(value(0), count_value(), rule(0, 5)).value);
  // 0 of 0: the value is missing; with the range starting at 0 it is marked too, as "-" would say
  // the denominator is 0. With the range starting at 1 nothing is.
  const PeriodResult empty = ratio(0, 0, std::nullopt);
  ASSERT_FALSE(empty.value.has_value());
  const Hidden h = hidden_figures(empty, share(), rule(0, 5));
  EXPECT_TRUE(h.value);
  EXPECT_TRUE(h.numerator);
  EXPECT_TRUE(h.denominator);
  EXPECT_FALSE(hidden_figures(empty, share(), rule(1, 5)).any());
}

TEST(Suppress, CountValueWithinTheBounds) {
  Hidden h = hidden_figures(value(4), count_value(), rule());
  EXPECT_TRUE(h.value);
  EXPECT_TRUE(h.change);
  EXPECT_FALSE(h.numerator);
  EXPECT_FALSE(h.denominator);
  EXPECT_FALSE(hidden_figures(value(6), count_value(), rule()).any());
  EXPECT_TRUE(hidden_figures(value(5), count_value(), rule()).value);
}

TEST(Suppress, OnlyCountsAreHiddenAmongValues) {
  // A mean number of days of 4 is no count of people.
  EXPECT_FALSE(hidden_figures(value(4), count_value(plan::UnitKind::days), rule()).any());
  EXPECT_FALSE(hidden_figures(value(4), count_value(plan::UnitKind::number), rule()).any());
}

TEST(Suppress, MissingFiguresAreNotMarked) {
  PeriodResult r = ratio(3, 50, std::nullopt);
  const Hidden h = hidden_figures(r, share(), rule());
  EXPECT_TRUE(h.value);
  EXPECT_FALSE(h.change);  // there is no change to hide
  PeriodResult none;
  EXPECT_FALSE(hidden_figures(none, share(), rule()).any());
  EXPECT_FALSE(hidden_figures(none, count_value(), rule()).any());
}

TEST(Suppress, ChangeFromAHiddenPeriodIsHidden) {
  // 40 of 50 now, 3 of 50 before: the change (+74 points) and 80% would give 6% away.
  PeriodResult r = ratio(40, 50, 74);
  r.before = BeforeFigures{Rational(3), Rational(50), Rational(6)};
  Hidden h = hidden_figures(r, share(), rule());
  EXPECT_TRUE(h.change);
  EXPECT_FALSE(h.value);
  EXPECT_FALSE(h.numerator);
  // Before, 10 of 50: nothing hidden then, so the change is shown.
  r.before = BeforeFigures{Rational(10), Rational(50), Rational(20)};
  EXPECT_FALSE(hidden_figures(r, share(), rule()).any());
  // A count of 3 before, 12 now.
  PeriodResult c = value(12);
  c.before = BeforeFigures{std::nullopt, std::nullopt, Rational(3)};
  h = hidden_figures(c, count_value(), rule());
  EXPECT_TRUE(h.change);
  EXPECT_FALSE(h.value);
}

TEST(Suppress, TheRunIsMarkedAndTheExactFiguresStay) {
  plan::IndicatorPlan ind = share();
  RunResult run;
  IndicatorResult ir;
  ir.plan = &ind;
  ir.results = {ratio(40, 50), ratio(2, 50)};
  run.indicators.push_back(ir);
  suppress_small_numbers(run, rule());
  EXPECT_TRUE(run.is_public);
  const auto& results = run.indicators[0].results;
  EXPECT_FALSE(results[0].hidden.any());
  EXPECT_TRUE(results[1].hidden.value);
  EXPECT_EQ(*results[1].numerator, 2);
  EXPECT_EQ(*results[1].value, 4);
  EXPECT_EQ(results[1].rag, Rag::green);
  EXPECT_EQ(results[1].trend, Trend::improving);
}

}  // namespace
}  // namespace tally::runtime
