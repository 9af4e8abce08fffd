#include "runtime/result/suppress.hpp"

#include "runtime/calendar/period.hpp"

namespace tally::runtime {

bool within_bounds(const Suppression& rule, const Rational& figure) {
  return figure >= rule.low && figure <= rule.high;
}

namespace {

// The marks of one set of figures, the change aside.
Hidden hidden_of(const std::optional<Rational>& numerator,
                 const std::optional<Rational>& denominator, const std::optional<Rational>& value,
                 const plan::IndicatorPlan& ind, const Suppression& rule) {
  Hidden h;
  h.text = rule.text;
  auto small = [&](const std::optional<Rational>& figure) {
    return figure.has_value() && within_bounds(rule, *figure);
  };
  if (ind.ratio) {
    const bool small_denominator = small(denominator);
    // The other side of the share: those counted in the denominator and not in the numerator.
    const bool complement =
        numerator && denominator && within_bounds(rule, *denominator - *numerator);
    if (small(numerator) || small_denominator || complement) {
      h.numerator = numerator.has_value();
      // A missing value too: "-" would say the denominator is 0.
      h.value = true;
    }
    h.denominator = small_denominator;
  } else if (ind.unit == plan::UnitKind::count && small(value)) {
    h.value = true;
  }
  return h;
}

}  // namespace

Hidden hidden_figures(const PeriodResult& r, const plan::IndicatorPlan& ind,
                      const Suppression& rule) {
  Hidden h = hidden_of(r.numerator, r.denominator, r.value, ind, rule);
  // The change goes with a hidden value, and with a hidden value of the period it was taken from:
  // the value shown minus the change would give that one away.
  if (r.change) {
    const bool before_hidden =
        r.before &&
        hidden_of(r.before->numerator, r.before->denominator, r.before->value, ind, rule).value;
    h.change = h.value || before_hidden;
  }
  return h;
}

void mark_hidden(PeriodResult& r, const plan::IndicatorPlan& ind, const Suppression& rule) {
  r.hidden = hidden_figures(r, ind, rule);
}

void hide_lone_group(PeriodResult& r, const plan::IndicatorPlan& ind) {
  // One figure at a time: the numerator, the denominator, or the value of a count.
  struct Side {
    bool Hidden::*mark;
    std::optional<Rational> PeriodResult::*figure;
  };
  std::vector<Side> sides;
  if (ind.ratio) {
    sides.push_back({&Hidden::numerator, &PeriodResult::numerator});
    sides.push_back({&Hidden::denominator, &PeriodResult::denominator});
  } else {
    sides.push_back({&Hidden::value, &PeriodResult::value});
  }
  for (const Side& side : sides) {
    int hidden = 0;
    GroupResult* smallest = nullptr;
    for (GroupResult& g : r.groups) {
      const std::optional<Rational>& figure = g.figures.*side.figure;
      if (!figure) continue;
      if (g.figures.hidden.*side.mark) {
        ++hidden;
      } else if (!smallest || *figure < *(smallest->figures.*side.figure)) {
        smallest = &g;
      }
    }
    if (hidden != 1 || !smallest) continue;
    Hidden& h = smallest->figures.hidden;
    h.*side.mark = true;
    if (ind.ratio) h.numerator = smallest->figures.numerator.has_value();
    h.value = true;
    h.change = smallest->figures.change.has_value();
  }
}

void hide_changes_from_hidden(IndicatorResult& ir) {
  const plan::IndicatorPlan& ind = *ir.plan;
  for (PeriodResult& r : ir.results) {
    const calendar::Period c = ind.trend == plan::TrendKind::previous_period
                                   ? calendar::shift(r.period, -1)
                                   : calendar::same_period_last_year(r.period);
    const PeriodResult* before = nullptr;
    for (const PeriodResult& b : ir.results)
      if (b.period.start == c.start) before = &b;
    if (!before) continue;
    if (before->hidden.value && r.change) r.hidden.change = true;
    for (GroupResult& g : r.groups) {
      if (!g.figures.change) continue;
      for (const GroupResult& gb : before->groups)
        if (gb.missing == g.missing && gb.label == g.label && gb.figures.hidden.value)
          g.figures.hidden.change = true;
    }
  }
}

void suppress_small_numbers(RunResult& result, const Suppression& rule) {
  result.is_public = true;
  for (IndicatorResult& ir : result.indicators) {
    for (PeriodResult& r : ir.results) {
      mark_hidden(r, *ir.plan, rule);
      for (GroupResult& g : r.groups) mark_hidden(g.figures, *ir.plan, rule);
      hide_lone_group(r, *ir.plan);
    }
    hide_changes_from_hidden(ir);
  }
}

}  // namespace tally::runtime
