// The evaluation plan: what crosses from lang/ to runtime/. Expressions are lowered to a flat
// vector of enum-tagged nodes (lets shared, constants folded to base units), evaluated a batch
// of rows at a time; `previous`/`next` and key lookups become derived columns computed once per
// table; each indicator is a set of node ids for its filters, aggregates and rules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lang/base/choices.hpp"
#include "lang/base/number.hpp"
#include "lang/base/schema.hpp"
#include "lang/base/source.hpp"
#include "lang/base/suppression.hpp"
#include "lang/base/value.hpp"

namespace tally::plan {

// An index into Plan::nodes, kept apart from other integers; kNone for none.
enum class NodeId : std::int32_t {};
inline constexpr NodeId kNone{-1};

// The choices an indicator makes, as the executor and the renderers read them.
// headcount: the operand is the days of the window each row is active; the figure is their sum
// over the window's days (the average daily number of active rows).
enum class AggOp : std::uint8_t { count, count_distinct, sum, mean, median, min, max, headcount };
using ::tally::Cadence;
using ::tally::Colour;
using ::tally::Polarity;
using ::tally::TrendKind;
using ::tally::UnitKind;
using ::tally::WindowKind;

// As written in the language: "count distinct", "quarter", "higher", "amber".
const char* agg_op_name(AggOp op);
using ::tally::cadence_name;
using ::tally::colour_name;
using ::tally::polarity_name;

enum class NodeOp : std::uint8_t {
  // Leaves.
  constant,  // payload: index into Plan::constants
  param,     // payload: parameter index (its value comes with each run)
  column,    // payload: index into the table's loaded columns
  derived,   // payload: index into Plan::derived
  period_start,
  period_end,
  window_start,
  window_end,
  ind_value,
  ind_target,
  ind_benchmark,  // indicator level; payload: benchmark index
  ind_measure,    // indicator level; payload: the indicator's measure index
  ind_lookup,     // indicator level; payload: the indicator's table lookup index
  // Arithmetic and logic (a, b).
  neg,
  add,
  sub,
  mul,
  div,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  and_,
  or_,
  not_,
  // Dates (a = date, b = amount in the unit's base: days, working days or months).
  date_add_days,
  date_add_working_days,
  date_add_months,
  // Tests.
  in_list,  // a in b (b a list or a single value); negated by `not_in_list`
  not_in_list,
  in_range,  // a between b and c, inclusive (period and window tests, `between`)
  is_known,
  is_missing,
  // Built-in functions (a, b, c as their arguments).
  days,
  working_days,
  weeks,
  months,
  age,
  active,
  coalesce,
  abs,
  year,            // a = date: its calendar year
  financial_year,  // a = date: the year its April-to-March financial year starts
  // Conditionals (a = condition, b = then, c = else; a missing condition takes c) and the
  // scalar extremes of two values (a, b), skipping a missing one.
  if_,
  least,
  greatest,
  // Text (a = text; b, c as the function's other arguments). `matches` has its pattern, a
  // constant text, as b.
  length,
  upper,
  lower,
  trim,
  starts_with,
  ends_with,
  contains,
  substring,
  matches,
};

const char* node_op_name(NodeOp op);

struct Node {
  NodeOp op = NodeOp::constant;
  Type type;  // kind and unit of the result (numbers in base units)
  NodeId a = kNone, b = kNone, c = kNone;
  std::uint32_t payload = 0;
  bool uses_period = false;  // depends on period or window bounds
  Span span;                 // the source expression
};

// What a row aggregate computes over the rows of a key (or of another table) for each row.
enum class RowsOp : std::uint8_t {
  count,
  sum,
  mean,
  min,
  max,
  any,
  exists,
  first,
  last,
  run_number
};
const char* rows_op_name(RowsOp op);

// A column computed once over a whole table before indicators are evaluated.
struct Derived {
  enum class Kind : std::uint8_t {
    previous,
    next,
    lookup,
    rows,        // an aggregate over the rows of the same key: `sum(x per k)`
    other_rows,  // over the rows of `target_table` matching `key`: `exists(from T per c)`
  } kind = Kind::previous;
  std::uint32_t table = 0;  // the table whose rows it belongs to
  Type type;
  // previous / next: over the whole table, ordered by `order` within each `key`.
  NodeId value = kNone, key = kNone, order = kNone, where = kNone;
  // lookup: the row of `target_table` whose key column equals `key`.
  std::uint32_t target_table = 0;
  std::uint32_t target_column = 0;  // index into the target table's loaded columns
  std::uint32_t target_key = 0;     // index of the target's key among its loaded columns
  std::string signature;            // the sort it needs, shared between derived columns
  // `order by A, B desc`: every key in order (the first is `order`) and a direction each ('d'
  // descending, else ascending); empty for one ascending key.
  std::vector<NodeId> orders;
  std::string directions;
  // rows: `value` (kNone for a count) over the rows of `key` in `order`, split into runs where
  // `link` does not hold, among those where `where` holds. other_rows: `value` and `where` are
  // nodes over `target_table`, whose `target_column` is matched with this row's `key`.
  RowsOp rows_op = RowsOp::count;
  NodeId link = kNone;
  bool order_given = false;  // rows: whether `order by` (or an ordering operand) was written
  // Depends on the period: computed once for every period (and window) evaluated.
  bool per_period = false;
};

struct AggSpec {
  AggOp op = AggOp::count;
  NodeId operand = kNone;  // kNone for a plain count
};

// `measure NAME = AGG [where COND]`: an aggregate of its own over the indicator's rows.
struct Measure {
  std::string name;
  AggSpec agg;
  NodeId where = kNone;
};

// `T[KEY].COLUMN` at indicator level: KEY evaluated once per period, the row of T found by its
// key column, COLUMN read (missing, with a note, when no row has the key).
struct TableLookup {
  std::uint32_t table = 0;
  std::uint32_t key_column = 0;  // among the table's loaded columns
  std::uint32_t column = 0;      // among the table's loaded columns
  NodeId key = kNone;
  std::string text;  // as written, for notes
};

struct RagRule {
  Colour colour = Colour::red;
  NodeId when = kNone;  // kNone for `otherwise`
};

struct Benchmark {
  std::string name;
  NodeId value = kNone;
};

struct Let {
  std::string name;
  NodeId node = kNone;
};

struct IndicatorPlan {
  std::uint32_t index = 0;  // into the checked program's indicators
  std::string name, code, title;
  // Each clause as written (clause, normalised source), in a fixed order: what changed between
  // two versions of a definition is said from these.
  std::vector<std::pair<std::string, std::string>> clauses;
  bool selected_by_default = true;
  std::uint32_t table = 0;
  Cadence cadence = Cadence::quarter;
  WindowKind window = WindowKind::period;
  int window_months = 0;
  std::vector<Let> lets;
  NodeId where = kNone;
  bool ratio = true;  // numerator/denominator; false: value
  AggSpec denominator, numerator, value;
  NodeId denominator_where = kNone, numerator_where = kNone, value_where = kNone;
  // Numerator, denominator and value as arithmetic of measures and lookups (indicator-level
  // nodes), when written so; kNone for the aggregate form above.
  std::vector<Measure> measures;
  std::vector<TableLookup> lookups;
  NodeId numerator_expr = kNone, denominator_expr = kNone, value_expr = kNone;
  UnitKind unit = UnitKind::percent;
  std::string unit_text;  // "percent", "rate per 10000", ...
  Rational multiplier = 100;
  int decimals = 1;
  Polarity polarity = Polarity::higher;
  NodeId target = kNone, target_low = kNone, target_high = kNone;
  std::vector<RagRule> rag;
  bool has_trend = false;
  TrendKind trend = TrendKind::previous_period;
  NodeId stable_within = kNone;
  std::vector<Benchmark> benchmarks;
  // A breakdown: every row's group is the value of `by` (kNone: no breakdown); `by_text` is the
  // expression as written.
  NodeId by = kNone;
  std::string by_text;
};

struct TablePlan {
  TableSchema schema;                // the declared table
  std::vector<std::string> columns;  // the columns indicators use, in load order
  std::optional<std::uint32_t> key;  // the key among `columns`, when looked up
  bool used = false;
};

struct ParamSlot {
  std::string name;
  Constant declared;  // the value in the definitions (before the first dated value, if any)
  // The values in force from later dates (`from 2019-04-01 = 15 days`), dates ascending. A node
  // reading a parameter that has them depends on the period.
  std::vector<DatedConstant> dated;
};

struct Plan {
  std::vector<TablePlan> tables;
  std::vector<Node> nodes;
  std::vector<Constant> constants;
  std::vector<ParamSlot> params;
  std::vector<Derived> derived;
  std::vector<IndicatorPlan> indicators;
  std::optional<Suppression> suppression;  // small numbers hidden in public outputs
};

// A stable listing of the plan, for `tally check --emit plan`.
std::string print(const Plan& plan);

}  // namespace tally::plan
