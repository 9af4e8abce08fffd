// The checked program: the syntax tree plus what the checker learnt about it, kept in side tables
// keyed by ExprId (types, levels, what each name refers to), and the declarations gathered from
// every file with their names resolved. The compiler reads only this.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lang/ast/ast.hpp"
#include "lang/base/diagnostics.hpp"
#include "lang/base/schema.hpp"
#include "lang/base/suppression.hpp"
#include "lang/check/types.hpp"

namespace tally::check {

// Where an expression may be used: a constant anywhere; a row value in lets, filters and
// aggregate operands; an aggregate at the top of numerator/denominator/value; an indicator-level
// value (value, target, benchmarks) in rag rules.
enum class Level : std::uint8_t { constant, row, aggregate, indicator };

struct Ref {
  enum class What : std::uint8_t {
    none,
    column,
    let,
    param,
    period_start,
    period_end,
    window_start,
    window_end,
    value,
    target,
    benchmark,
    builtin,
    measure,  // index: the indicator's measure
  };
  What what = What::none;
  std::uint32_t index = 0;  // column, let, param, benchmark or builtin index; lookup: table
  std::uint32_t sub = 0;    // lookup: column of the looked-up table
};

struct Table {
  TableSchema schema;
  std::optional<std::uint32_t> key;  // the key column, if one is declared
};

struct Param {
  std::string name;
  Constant value;
  std::vector<DatedConstant> dated;  // the values in force from later dates, dates ascending
};

struct Scenario {
  std::string name;
  std::vector<std::pair<std::uint32_t, Constant>> overrides;  // param index, value
};

struct Indicator {
  const ast::IndicatorDecl* decl = nullptr;
  std::string name;
  std::uint32_t table = 0;
  bool named_on_command_line = true;  // false when it only came in through an import
  ast::UnitKind unit = ast::UnitKind::percent;
  Rational unit_multiplier = 100;  // percent: 100, rate per N: N, otherwise 1
  int decimals = 1;
  ast::Polarity polarity = ast::Polarity::higher;
  Type value_type;
  // The breakdown: the `by` clause, or the run's `--by` (then `by_ad_hoc`); its groups are the
  // values of this row expression.
  std::optional<ast::ExprId> by;
  bool by_ad_hoc = false;
};

struct Program {
  const ast::Module* module = nullptr;
  std::vector<Type> types;                // by ExprId
  std::vector<Level> levels;              // by ExprId
  std::vector<Ref> refs;                  // by ExprId (names, members, lookups, calls)
  std::vector<std::uint8_t> uses_period;  // by ExprId: depends on period or window
  std::vector<Table> tables;
  std::vector<Param> params;
  std::vector<Scenario> scenarios;
  std::vector<Indicator> indicators;
  std::optional<Suppression> suppression;  // `suppress counts ...`, when declared

  const Type& type(ast::ExprId id) const { return types[id.value]; }
  const Ref& ref(ast::ExprId id) const { return refs[id.value]; }
  std::optional<std::uint32_t> find_param(const std::string& name) const;
  std::optional<std::uint32_t> find_scenario(const std::string& name) const;
  std::optional<std::uint32_t> find_indicator(const std::string& name) const;
  std::optional<std::uint32_t> find_table(const std::string& name) const;
};

// Whether `e` is `headcount(START, END)`, the aggregate written as a call.
bool is_headcount(const ast::Expr& e);
// Whether numerator, denominator or value clause `c` of `d` is an arithmetic expression of
// measures (rather than `AGG [where COND]`): the indicator has measures and the clause does not
// start with an aggregate.
bool uses_measures(const ast::Module& module, const ast::IndicatorDecl& d, const ast::AggClause& c);

// Checks every file of `module` (the first `named_files` of module.files were named on the
// command line; the rest came in through imports).
// `ad_hoc_by`, when given, holds a breakdown (`--by`) for some indicators by name, each parsed
// apart: it is checked in place of the indicator's `by` clause.
Program check_module(const ast::Module& module, std::size_t named_files, Diagnostics& diags,
                     const std::map<std::string, ast::ExprId>* ad_hoc_by = nullptr);

// Reads a literal expression as a value of `declared` (for parameters and overrides): a plain
// number takes the declared unit. Returns nullopt and reports when it does not fit.
std::optional<Constant> constant_of(const ast::Module& module, ast::ExprId expr,
                                    const Type* declared, Diagnostics& diags,
                                    const std::string& what);

// A stable listing of every expression's type, for `tally check --emit types`.
std::string print_types(const Program& program, const SourceManager& sources);

}  // namespace tally::check
