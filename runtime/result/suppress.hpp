// Small-number suppression: the post-pass that marks, in each period result of a run, the figures
// a public output shows as the declared text ("*"). It never changes an exact figure, so the
// colour and the arrow, judged from the exact figures, stay as they are.
#pragma once

#include "lang/base/suppression.hpp"
#include "lang/plan/plan.hpp"
#include "runtime/result/result.hpp"

namespace tally::runtime {

// Whether `figure` lies within the rule's bounds, both included.
bool within_bounds(const Suppression& rule, const Rational& figure);

// What a public output hides of one period's figures for an indicator like `ind`:
// - a share (numerator / denominator): when the numerator, the denominator or the denominator
//   minus the numerator is within the bounds, the numerator, the value and the change; the
//   denominator too when it is itself within the bounds (a missing value is marked as well: its
//   absence would say the denominator is 0);
// - a `unit count` value within the bounds: the value and the change;
// - the change also when the value of the period it was taken from (`before`) is hidden.
// Takes only the figures, so that it serves a breakdown's groups as well as the totals.
Hidden hidden_figures(const PeriodResult& r, const plan::IndicatorPlan& ind,
                      const Suppression& rule);

// Marks `r` with hidden_figures. A breakdown's groups, which hold the same figures, are marked by
// calling this for each of them.
void mark_hidden(PeriodResult& r, const plan::IndicatorPlan& ind, const Suppression& rule);

// A breakdown whose groups hide exactly one figure of a kind (numerators, denominators, or the
// values of a count) would give it away as the total less the others: the group with the next
// smallest such figure hides it too, with its value and change. Call after marking every group.
void hide_lone_group(PeriodResult& r, const plan::IndicatorPlan& ind);

// A change taken from a period shown with its value hidden (by any rule, the lone group's
// included) would give that value away as the value shown less the change: hides it. Call after
// every period of the indicator is marked.
void hide_changes_from_hidden(IndicatorResult& ir);

// Marks every period result (and each group of a breakdown) of every indicator and makes the run
// public.
void suppress_small_numbers(RunResult& result, const Suppression& rule);

}  // namespace tally::runtime
