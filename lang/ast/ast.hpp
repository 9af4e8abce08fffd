// The syntax tree: plain data built by the parser and never changed afterwards. Expressions live
// in one arena per Module and are referred to by ExprId, so later phases keep what they learn
// (types, units, resolved names) in side tables keyed by ExprId.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lang/base/choices.hpp"
#include "lang/base/schema.hpp"
#include "lang/base/source.hpp"

namespace tally::ast {

// How deep one written expression may be: every parenthesis, call, lookup, aggregate, `previous`,
// `not`, unary minus and every operator of a chain (`a or b or c` is three levels) counts one.
// The parser and the tree builder refuse anything deeper, so no later phase recurses further.
inline constexpr std::size_t kMaxDepth = 100;
// How deep and how large an expression may be once the lets it uses are counted in place (lets
// are computed inside the expressions that use them); the checker refuses anything more.
inline constexpr std::size_t kMaxDepthWithLets = 1000;
inline constexpr std::size_t kMaxTermsWithLets = 100000;

struct ExprId {
  std::uint32_t value = UINT32_MAX;
  bool valid() const { return value != UINT32_MAX; }
  bool operator==(const ExprId&) const = default;
};

enum class ExprKind : std::uint8_t {
  number,       // text = "12.5"
  percent,      // text = "90" for 90%
  duration,     // text = "10", unit
  string,       // text = the value, escapes undone
  date,         // text = "2017-04-01"
  boolean,      // text = "true" / "false"
  list,         // args = elements
  name,         // text = the name
  member,       // text = object name (period, window, benchmark), field = member name
  lookup,       // text = table, args[0] = key, field = column
  call,         // text = function, args
  unary,        // op, args[0]
  binary,       // op, args[0], args[1]
  in_list,      // args[0] in args[1]; negated for `not in`
  in_period,    // args[0] in period (field = "period") or in window (field = "window")
  between,      // args[0] between args[1] and args[2]
  is_known,     // args[0] is known; negated for `is missing`
  aggregate,    // op (aggregate kind), args[0] = operand (absent for plain count)
  previous,     // previous/next(args[0] per args[1] [order by args[2]] [where args[3]]); op = next;
                // args[2] is the key itself, or an order_keys node for several keys or a direction
  interval,     // args[0] .. args[1] (only as a range target)
  conditional,  // if args[0] then args[1] else args[2] (`else if` nests in args[2])
  order_keys,   // the keys of `order by A desc, B` when more than one or any has a direction:
                // args = the keys, text = one letter per key: 'a' ascending as written (`asc`),
                // 'd' `desc`, '-' ascending with no word
  // Rows of the same key, or of table `text` when it is set, as a value of each row: op (count,
  // sum, mean, min, max, any, exists, first, last, run_number), args[0] = operand (absent for
  // count, exists and run_number), args[1] = per, args[2] = order by, args[3] = while,
  // args[4] = where; absent ones are invalid ExprIds.
  rows,
};

enum class Op : std::uint8_t {
  none,
  // arithmetic
  add,
  sub,
  mul,
  div,
  neg,
  // comparison
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  // logic
  and_,
  or_,
  not_,
  // aggregates
  count,
  count_distinct,
  sum,
  mean,
  median,
  min,
  max,
  // previous / next
  previous,
  next,
  // rows of a key or of another table
  any,
  exists,
  first,
  last,
  run_number,
};

const char* op_text(Op op);

enum class DurationUnit : std::uint8_t { days, working_days, weeks, months, years };
const char* duration_unit_name(DurationUnit unit, bool plural = true);

struct Expr {
  ExprKind kind = ExprKind::number;
  Op op = Op::none;
  DurationUnit unit = DurationUnit::days;
  bool negated = false;
  Span span;
  std::string text;
  std::string field;
  std::vector<ExprId> args;  // an absent optional child is an invalid ExprId
};

struct Name {
  std::string text;
  Span span;
};

using tally::ColumnType;  // text, int, decimal, date, bool: as the table schema has them

struct ColumnDecl {
  Name name;
  ColumnType type = ColumnType::text;
  Span type_span;
  bool nullable = false;
  std::optional<std::string> format;
  Span format_span;
  bool key = false;
  Span span;
};

struct TableDecl {
  Name name;
  std::string title;
  std::vector<ColumnDecl> columns;
  Span span;
  // `extend table NAME { ... }`: adds columns (or a key) to a table declared elsewhere, such as
  // one of the standard library's.
  bool extends = false;
};

// `from DATE = VALUE ["decision"]` after a parameter: the value in force from that date on.
struct DatedValue {
  ExprId from;  // as written; the checker requires a date
  ExprId value;
  std::string decision;  // empty when none is given
  Span span;
};

struct ParamDecl {
  Name name;
  ExprId value;
  std::string doc;
  std::vector<DatedValue> dated;  // in the order written
  Span span;
};

struct Assignment {
  Name name;
  ExprId value;
};

struct ScenarioDecl {
  Name name;
  std::string title;
  std::vector<Assignment> overrides;
  Span span;
};

struct ImportDecl {
  std::string path;
  Span span;  // the path string
};

using ::tally::Cadence;
using ::tally::cadence_name;
using ::tally::Colour;
using ::tally::colour_name;
using ::tally::Polarity;
using ::tally::polarity_name;
using ::tally::TrendKind;
using ::tally::unit_name;
using ::tally::UnitKind;
using ::tally::WindowKind;

struct TextClause {
  std::string text;
  Span span;
};

struct WindowClause {
  WindowKind kind = WindowKind::period;
  int months = 0;
  Span span;
};

struct LetClause {
  Name name;
  ExprId value;
  Span span;
};

// `denominator AGG [where COND]`, `numerator ...`, `value ...`.
struct AggClause {
  ExprId aggregate;
  ExprId where;  // may be invalid
  Span span;
};

// `measure NAME = AGG [where COND]`: an aggregate over the indicator's rows, named so that
// numerator, denominator and value can be arithmetic of measures.
struct MeasureClause {
  Name name;
  ExprId aggregate;
  ExprId where;  // may be invalid
  Span span;
};

struct UnitClause {
  UnitKind kind = UnitKind::percent;
  std::string per;  // for `rate per N`: N as written
  Span span;
};

struct RagRule {
  Colour colour = Colour::red;
  ExprId when;  // invalid for `otherwise`
  Span span;
};

struct RagClause {
  std::vector<RagRule> rules;
  Span span;
};

struct TrendClause {
  TrendKind kind = TrendKind::previous_period;
  ExprId stable_within;  // may be invalid
  Span span;
};

struct BenchmarkClause {
  Name name;
  ExprId value;
  std::string label;
  Span span;
};

struct IndicatorDecl {
  Name name;
  std::string heading;  // optional string after the name
  Span span;
  std::optional<TextClause> code, title, description;
  std::optional<Name> from;
  std::optional<Cadence> period;
  Span period_span;
  std::optional<WindowClause> window;
  std::vector<LetClause> lets;
  std::optional<ExprId> where;
  Span where_span;
  std::vector<MeasureClause> measures;
  std::optional<AggClause> denominator, numerator, value;
  std::optional<UnitClause> unit;
  std::optional<int> decimals;
  Span decimals_span;
  std::optional<Polarity> polarity;
  Span polarity_span;
  std::optional<ExprId> target;
  Span target_span;
  std::optional<RagClause> rag;
  std::optional<TrendClause> trend;
  std::vector<BenchmarkClause> benchmarks;
  std::optional<ExprId> by;  // a breakdown: the row expression whose values name the groups
  Span by_span;
};

// A table a test gives: its columns and rows (each row a list of literals, or one literal for a
// table of one column), or a CSV file beside the test.
struct TestTable {
  Name name;
  std::vector<Name> columns;
  std::vector<ExprId> rows;
  std::optional<std::string> csv;
  Span span;
};

// `expect [INDICATOR] WHAT VALUE, ...`; `what` is numerator, denominator, value, colour, trend,
// `failing rows` or `passing rows`.
struct TestExpect {
  std::optional<Name> indicator;
  std::string what;
  std::vector<ExprId> values;
  Span span;
};

// `test "NAME" { ... }`: indicators evaluated over small tables, and what they should give.
struct TestDecl {
  std::string name;
  Span span;
  Span name_span;
  std::vector<Name> indicators;
  Span indicators_span;
  std::optional<TextClause> period;
  std::vector<Assignment> sets;
  std::vector<Name> scenarios;
  std::vector<TestTable> tables;
  std::vector<TestExpect> expects;
};

// `suppress counts LOW .. HIGH [as "TEXT"] [always]`. The bounds are kept as written (a sign, the
// digits, a point) so that the checker can say what is wrong with one.
struct SuppressDecl {
  std::string low, high;
  Span low_span, high_span;
  std::optional<TextClause> text;
  bool always = false;
  Span span;
};

struct File {
  FileId id;
  std::vector<ImportDecl> imports;
  std::vector<TableDecl> tables;
  std::vector<ParamDecl> params;
  std::vector<ScenarioDecl> scenarios;
  std::vector<IndicatorDecl> indicators;
  std::vector<TestDecl> tests;
  std::vector<SuppressDecl> suppressions;
};

// Every file of a run and the arena of their expressions.
struct Module {
  std::vector<Expr> exprs;
  std::vector<File> files;

  const Expr& expr(ExprId id) const { return exprs[id.value]; }
  ExprId add(Expr e) {
    exprs.push_back(std::move(e));
    return ExprId{static_cast<std::uint32_t>(exprs.size() - 1)};
  }
};

// A suppression declaration as tally source text: `suppress counts 1 .. 5 as "*"`.
std::string suppress_source(const SuppressDecl& d);
// A stable, indented rendering of the tree (for `tally check --emit ast` and golden tests).
std::string print(const Module& module, const SourceManager& sources);
// Each clause of an indicator as (clause, normalised source text), in a fixed order: for
// printing and for saying what changed between two versions of a definition.
std::vector<std::pair<std::string, std::string>> clause_texts(const Module& module,
                                                              const IndicatorDecl& indicator);
// One expression as tally source text (normalised spacing; the fewest parentheses that keep the
// meaning, and those around an `and` inside an `or`). This is the one printer of expressions as
// source: `tally fmt`, clause texts, messages and descriptions all read it, so every form of
// expression prints here and reads back as the same tree.
std::string expr_source(const Module& module, ExprId id);
// The same text cut into lines before each `and` (or `or`) of a top-level chain when, starting at
// `column`, it would pass `width`; one line when it fits or cannot be cut so.
std::vector<std::string> expr_source_lines(const Module& module, ExprId id, std::size_t column,
                                           std::size_t width);

}  // namespace tally::ast
