// Evaluates plan nodes over batches of one table's rows: each node once per batch (and per
// period for those that depend on it), its vector kept in a memo; a condition goes into a byte
// mask. compute() dispatches on the node's operation to the expression families, each in a file
// of its own: evaluate_arithmetic, evaluate_comparison, evaluate_logic, evaluate_dates,
// evaluate_conditional, evaluate_text.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/column/column.hpp"
#include "runtime/column/issue.hpp"
#include "runtime/exec/comparison.hpp"
#include "runtime/exec/derived/derived_column.hpp"
#include "runtime/exec/texts.hpp"
#include "runtime/exec/vector.hpp"

namespace re2 {
class RE2;
}

namespace tally::runtime {

// The bounds `in period` and `in window` test, and the indicator-level inputs of rag rules.
struct Frame {
  std::size_t id = 0;  // distinct for every (period, window) evaluated
  Day period_start = 0, period_end = 0, window_start = 0, window_end = 0;
  std::optional<Rational> value, target;
  std::vector<std::optional<Rational>> benchmarks;
  // The indicator's measures and indicator-level lookups, once the scan is done.
  std::vector<std::optional<Rational>> measures, lookups;
};

// What every evaluator of one run reads: the plan, text codes, the constants' and parameters'
// vectors and the derived columns. Nothing here is written while rows are evaluated.
struct EvalInputs {
  const plan::Plan& plan;
  const TextCodes& texts;
  const std::vector<Vec>& params;
  const std::vector<Vec>& constants;
  const std::vector<DerivedColumn>& derived;
  // Derived columns that depend on the period, by plan derived index and frame id.
  const std::vector<std::map<std::size_t, DerivedColumn>>* derived_by_frame = nullptr;
  // By parameter: its values with the day each is in force from (the first from the earliest
  // day), or none when it has one value for the run.
  const std::vector<std::vector<std::pair<Day, Vec>>>* dated = nullptr;
  // The day whose values every period reads (`--as-is`); otherwise the frame's period end.
  std::optional<Day> as_is = std::nullopt;
};

class Evaluator {
 public:
  // Faults (a date outside the bank holiday table) go to `errors`, one per expression.
  Evaluator(const EvalInputs& in, std::vector<Issue>& errors);

  void start_batch(const Table* table, std::size_t begin, std::size_t n) {
    table_ = table;
    begin_ = begin;
    n_ = n;
    ++batch_;
  }
  void set_frame(const Frame* frame) { frame_ = frame; }

  const Vec& eval(NodeId id);
  // A condition as a mask: out[i] stays 1 where it holds (a missing condition does not hold).
  void mask(NodeId id, std::vector<std::uint8_t>& out);

  const TextCodes& texts() const { return in_.texts; }
  // Frees the values kept from the last batch (after whole-table evaluation).
  void release();

 private:
  struct Entry {
    std::size_t batch = SIZE_MAX;
    std::size_t frame = SIZE_MAX;
    Vec value;
  };

  Vec compute(const plan::Node& node);
  // A derived column that depends on the period, for this frame (missing where not computed).
  Vec per_frame(const plan::Node& node);
  // A parameter's value: for one with dated values, the one in force on the day the frame reads.
  const Vec& param(std::uint32_t index) const;
  void fault(const plan::Node& node, std::string message, std::string hint);

  // evaluate_arithmetic.cpp
  static Vec negate(Vec x);
  static Vec absolute(Vec x);
  static Vec arithmetic(NodeOp op, Vec a, Vec b);
  static Vec coalesce(Vec a, Vec b);
  // evaluate_comparison.cpp
  Vec compare(Comparison c, const Vec& a, const Vec& b) const;
  Vec compare_aligned(Comparison c, const Vec& a, const Vec& b) const;
  static bool fast_range(const Vec& a, const Vec& lo, const Vec& hi, Vec& x);
  Vec in_list(const plan::Node& node, const Vec& a, const Vec& list) const;
  // evaluate_logic.cpp
  static Vec logic(NodeOp op, const Vec& a, const Vec& b);
  static Vec negation(Vec x);
  static Vec known_test(NodeOp op, const Vec& a);
  // evaluate_dates.cpp
  Vec date_add(const plan::Node& node, const Vec& date, const Vec& amount);
  bool months_table(int months, const Vec& dates);
  Vec between_dates(const plan::Node& node, const Vec& a, const Vec& b);
  static Vec active(const Vec& start, const Vec& end, const Vec& when);
  // year(d) and financial_year(d): whole numbers at scale 0.
  static Vec year_of(const plan::Node& node, const Vec& date);
  void outside_holidays(const plan::Node& node, Day d);
  // evaluate_conditional.cpp
  static Vec choose(const Vec& condition, Vec a, Vec b);
  static Vec extreme(NodeOp op, Vec a, Vec b);
  // evaluate_text.cpp
  Vec text_function(const plan::Node& node);
  Vec pattern_match(const plan::Node& node, const Vec& text);

  const EvalInputs in_;
  std::vector<Issue>& errors_;
  std::vector<Entry> memo_;
  std::vector<NodeId> same_;  // the node whose memo entry a node uses
  // `months` whole months added to each day from `from` on (see months_table).
  struct MonthsTable {
    int months = 0;
    Day from = 0;
    std::vector<Day> to;
  } months_;
  // Each `matches` node's compiled pattern and its answers by text code.
  struct Pattern {
    std::shared_ptr<const re2::RE2> re;
    std::unordered_map<std::int64_t, bool> answers;
  };
  std::map<std::ptrdiff_t, Pattern> patterns_;
  const Table* table_ = nullptr;
  std::size_t begin_ = 0, n_ = 0, batch_ = 0;
  const Frame* frame_ = nullptr;
};

}  // namespace tally::runtime
