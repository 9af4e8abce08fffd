// Unit tests of the checker (lang/check/program.hpp): the types, units and levels it gives
// expressions, what names resolve to, the indicator-level facts it works out, scenario overrides
// typed against their parameters, constant_of, and load_definitions on files with imports.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "lang/ast/ast.hpp"
#include "lang/base/diagnostics.hpp"
#include "lang/base/source.hpp"
#include "lang/check/front.hpp"
#include "lang/check/program.hpp"
#include "lang/check/types.hpp"
#include "lang/syntax/parse.hpp"

namespace tally::check {
namespace {

using ast::ExprId;

// ---- helpers ----

struct Checked {
  SourceManager sources;
  ast::Module module;
  Diagnostics diags;
  Program program;

  std::string messages() const {
    std::string out;
    for (const auto& d : diags.items()) out += d.message + "\n";
    return out;
  }
  bool has(DiagKind kind) const {
    for (const auto& d : diags.items())
      if (d.kind == kind) return true;
    return false;
  }
  const Indicator& indicator(const std::string& name) const {
    return program.indicators.at(program.find_indicator(name).value());
  }
  // The value expression of `let name` in indicator `ind`.
  ExprId let(const std::string& ind, const std::string& name) const {
    for (const auto& l : indicator(ind).decl->lets)
      if (l.name.text == name) return l.value;
    ADD_FAILURE() << "no let " << name;
    return {};
  }
  const Type& type(ExprId id) const { return program.type(id); }
  Level level(ExprId id) const { return program.levels[id.value]; }
  // The operands of a binary or other compound expression.
  ExprId arg(ExprId id, std::size_t i) const { return module.expr(id).args.at(i); }
};

// Parses and checks `text` as one file named on the command line.
std::unique_ptr<Checked> check_text(const std::string& text) {
  auto c = std::make_unique<Checked>();
  const FileId id = c->sources.add("test.tally", text);
  syntax::parse_file(c->sources, id, c->module, c->diags);
  c->program = check_module(c->module, c->module.files.size(), c->diags);
  c->diags.sort();
  return c;
}

const char* kDeclarations = R"tally(
table visits {
  child_id   text
  visit_date date
  start_date date
  end_date   date?
  outcome    text
  n          int
  amount     decimal?
  flag       bool
}
table children { child_id text key  dob date }
param cp_visit_days = 10 days
param wd_limit      = 15 working days
param plain         = 10
param pct           = 90%
param codes         = ("E11", "E12")
param start         = 2017-04-01
param label         = "x"
param on            = true
param six_weeks     = 6 weeks
param a_year        = 1 year
)tally";

// Checks one indicator over `visits` holding `let x = EXPR` (after `let gap = days(...)` and
// `let wd = working_days(...)`); returns the checked program.
std::unique_ptr<Checked> with_let(const std::string& expr) {
  return check_text(std::string(kDeclarations) +
                    "indicator i {\n  from visits\n  period quarter\n"
                    "  let gap = days(start_date, end_date)\n"
                    "  let wd  = working_days(start_date, end_date)\n"
                    "  let x = " +
                    expr + "\n  value count\n}\n");
}

// The type of EXPR as a let, and that it checked clean.
Type let_type(const std::string& expr) {
  auto c = with_let(expr);
  EXPECT_FALSE(c->diags.has_errors()) << expr << "\n" << c->messages();
  return c->type(c->let("i", "x"));
}

// The diagnostics kind EXPR gives as a let (the first), or syntax if it checks clean.
DiagKind let_error(const std::string& expr) {
  auto c = with_let(expr);
  EXPECT_TRUE(c->diags.has_errors()) << expr;
  return c->diags.items().empty() ? DiagKind::syntax : c->diags.items().front().kind;
}

Type days_type() { return Type::number(Unit::days); }

// ---- the declarations themselves ----

TEST(CheckerDeclarations, TablesParamsAndKeys) {
  auto c = check_text(kDeclarations);
  ASSERT_FALSE(c->diags.has_errors()) << c->messages();
  ASSERT_EQ(c->program.tables.size(), 2u);
  const Table& visits = c->program.tables[c->program.find_table("visits").value()];
  EXPECT_EQ(visits.schema.columns.size(), 8u);
  EXPECT_FALSE(visits.key.has_value());
  EXPECT_TRUE(visits.schema.columns[3].nullable);
  EXPECT_FALSE(visits.schema.columns[2].nullable);
  const Table& children = c->program.tables[c->program.find_table("children").value()];
  EXPECT_EQ(children.key, std::optional<std::uint32_t>(0));
  EXPECT_FALSE(c->program.find_table("nope").has_value());
  EXPECT_EQ(c->program.params.size(), 10u);
  EXPECT_FALSE(c->program.find_param("nope").has_value());
}

TEST(CheckerDeclarations, ParameterTypesAndValues) {
  auto c = check_text(kDeclarations);
  auto param = [&](const std::string& name) -> const Param& {
    return c->program.params.at(c->program.find_param(name).value());
  };
  EXPECT_EQ(param("cp_visit_days").value.type, days_type());
  EXPECT_EQ(param("cp_visit_days").value.number, 10);
  EXPECT_EQ(param("wd_limit").value.type, Type::number(Unit::working_days));
  EXPECT_EQ(param("plain").value.type, Type::number(Unit::none, true));
  EXPECT_EQ(describe(param("plain").value.type), "a plain number");
  EXPECT_EQ(param("pct").value.type, Type::number(Unit::percent));
  EXPECT_EQ(param("pct").value.number, 90);
  EXPECT_EQ(param("codes").value.type.kind, Kind::list);
  EXPECT_EQ(param("codes").value.type.element, Kind::text);
  ASSERT_EQ(param("codes").value.items.size(), 2u);
  EXPECT_EQ(param("codes").value.items[1].text, "E12");
  EXPECT_EQ(param("start").value.type, Type::date());
  EXPECT_EQ(format_iso(param("start").value.date), "2017-04-01");
  EXPECT_EQ(param("label").value.type, Type::text());
  EXPECT_TRUE(param("on").value.boolean);
  // Weeks are held in days and years in months, keeping the unit they were written in.
  EXPECT_EQ(param("six_weeks").value.type, Type::number(Unit::weeks));
  EXPECT_EQ(param("six_weeks").value.number, 42);
  EXPECT_EQ(constant_source(param("six_weeks").value), "6 weeks");
  EXPECT_EQ(param("a_year").value.number, 12);
  EXPECT_EQ(constant_source(param("a_year").value), "1 year");
}

// ---- types of expressions ----

TEST(CheckerTypes, DateFunctionsGiveTheirUnits) {
  EXPECT_EQ(let_type("days(start_date, end_date)"), days_type());
  EXPECT_EQ(let_type("working_days(start_date, end_date)"), Type::number(Unit::working_days));
  EXPECT_EQ(let_type("weeks(start_date, end_date)"), Type::number(Unit::weeks));
  EXPECT_EQ(let_type("months(start_date, end_date)"), Type::number(Unit::months));
  EXPECT_EQ(let_type("age(children[child_id].dob, visit_date)"), Type::number(Unit::years));
  EXPECT_EQ(let_type("active(start_date, end_date, period.end)"), Type::boolean());
  EXPECT_EQ(let_type("coalesce(end_date, start_date)"), Type::date());
  EXPECT_EQ(let_type("abs(n)"), Type::number());
}

TEST(CheckerTypes, ColumnsAndLiterals) {
  EXPECT_EQ(let_type("outcome"), Type::text());
  EXPECT_EQ(let_type("n"), Type::number());
  EXPECT_EQ(let_type("amount"), Type::number());
  EXPECT_EQ(let_type("flag"), Type::boolean());
  EXPECT_EQ(let_type("visit_date"), Type::date());
  EXPECT_EQ(let_type("42"), Type::number(Unit::none, true));
  EXPECT_EQ(let_type("90%"), Type::number(Unit::percent));
  EXPECT_EQ(let_type("15 working days"), Type::number(Unit::working_days));
  EXPECT_EQ(let_type("2017-04-01"), Type::date());
  EXPECT_EQ(let_type("\"E11\""), Type::text());
  const Type list = let_type("(\"V3\", \"V4\")");
  EXPECT_EQ(list.kind, Kind::list);
  EXPECT_EQ(list.element, Kind::text);
}

TEST(CheckerTypes, APlainNumberBesideDaysMeansDays) {
  auto c = with_let("gap <= 10");
  ASSERT_FALSE(c->diags.has_errors()) << c->messages();
  const ExprId cmp = c->let("i", "x");
  EXPECT_EQ(c->type(cmp), Type::boolean());
  EXPECT_EQ(c->type(c->arg(cmp, 0)), days_type());
  EXPECT_EQ(c->type(c->arg(cmp, 1)), Type::number(Unit::none, true));
  // Arithmetic with a plain number keeps the unit.
  EXPECT_EQ(let_type("gap + 1"), days_type());
  EXPECT_EQ(let_type("gap * 2"), days_type());
  EXPECT_EQ(let_type("2 * 3"), Type::number(Unit::none, true));
  // Days divided by days is a plain ratio.
  EXPECT_EQ(let_type("gap / gap"), Type::number());
}

TEST(CheckerTypes, APlainNumberParameterAdaptsToEitherUnit) {
  EXPECT_EQ(let_type("gap <= plain"), Type::boolean());
  EXPECT_EQ(let_type("wd <= plain"), Type::boolean());
  EXPECT_EQ(let_type("plain + 1"), Type::number(Unit::none, true));
}

TEST(CheckerTypes, WeeksCompareWithDaysAndYearsWithMonths) {
  EXPECT_EQ(let_type("gap <= 6 weeks"), Type::boolean());
  EXPECT_EQ(let_type("gap <= six_weeks"), Type::boolean());
  EXPECT_EQ(let_type("weeks(start_date, end_date) <= 10 days"), Type::boolean());
  EXPECT_EQ(let_type("months(start_date, end_date) <= a_year"), Type::boolean());
  EXPECT_EQ(let_type("age(start_date, end_date) < 18 months"), Type::boolean());
  EXPECT_EQ(let_type("gap <= cp_visit_days"), Type::boolean());
  EXPECT_EQ(let_type("wd <= wd_limit"), Type::boolean());
}

TEST(CheckerTypes, DaysWorkingDaysAndMonthsNeverMix) {
  auto c = with_let("gap <= wd_limit");
  ASSERT_EQ(c->diags.items().size(), 1u) << c->messages();
  const Diagnostic& d = c->diags.items()[0];
  EXPECT_EQ(d.kind, DiagKind::unit_mismatch);
  EXPECT_EQ(d.message, "`gap` is days but `wd_limit` is working days");
  EXPECT_EQ(d.hint,
            "compare working days with working_days(...), or declare the parameter in days");
  EXPECT_TRUE(c->type(c->let("i", "x")).is_error());

  EXPECT_EQ(let_error("gap <= 10 working days"), DiagKind::unit_mismatch);
  EXPECT_EQ(let_error("wd <= cp_visit_days"), DiagKind::unit_mismatch);
  EXPECT_EQ(let_error("gap <= 12 months"), DiagKind::unit_mismatch);
  EXPECT_EQ(let_error("gap <= a_year"), DiagKind::unit_mismatch);
  EXPECT_EQ(let_error("months(start_date, end_date) > 6 weeks"), DiagKind::unit_mismatch);
  EXPECT_EQ(let_error("gap <= pct"), DiagKind::unit_mismatch);
  EXPECT_EQ(let_error("gap + wd"), DiagKind::unit_mismatch);
}

TEST(CheckerTypes, DatesAndDurations) {
  EXPECT_EQ(let_type("start_date + 10 days"), Type::date());
  EXPECT_EQ(let_type("start_date + 15 working days"), Type::date());
  EXPECT_EQ(let_type("start_date - 1 month"), Type::date());
  EXPECT_EQ(let_type("start_date + cp_visit_days"), Type::date());
  EXPECT_EQ(let_type("end_date > start_date + 6 weeks"), Type::boolean());
  EXPECT_EQ(let_error("start_date + 10"), DiagKind::type_mismatch);
  EXPECT_EQ(let_error("end_date - start_date"), DiagKind::type_mismatch);
  EXPECT_EQ(let_error("visit_date > 10"), DiagKind::type_mismatch);
  EXPECT_EQ(let_error("visit_date >= \"2017-04-01\""), DiagKind::type_mismatch);
  EXPECT_EQ(let_error("gap * gap"), DiagKind::type_mismatch);
}

TEST(CheckerTypes, ConditionsAndLists) {
  EXPECT_EQ(let_type("outcome in codes"), Type::boolean());
  EXPECT_EQ(let_type("outcome not in (\"A\", \"B\")"), Type::boolean());
  EXPECT_EQ(let_type("n between 1 and 10"), Type::boolean());
  EXPECT_EQ(let_type("gap between 1 and 2 weeks"), Type::boolean());
  EXPECT_EQ(let_type("end_date is missing"), Type::boolean());
  EXPECT_EQ(let_type("not flag and on"), Type::boolean());
  EXPECT_EQ(let_error("outcome in (1, 2)"), DiagKind::type_mismatch);
  EXPECT_EQ(let_error("n and flag"), DiagKind::type_mismatch);
  EXPECT_EQ(let_error("codes = outcome"), DiagKind::type_mismatch);
  EXPECT_EQ(let_error("outcome in (\"A\", 2)"), DiagKind::type_mismatch);
}

TEST(CheckerTypes, FunctionArguments) {
  EXPECT_EQ(let_error("days(start_date)"), DiagKind::wrong_arguments);
  EXPECT_EQ(let_error("days(start_date, outcome)"), DiagKind::wrong_arguments);
  EXPECT_EQ(let_error("nodays(start_date, end_date)"), DiagKind::unknown_function);
  auto c = with_let("workdays(start_date, end_date)");
  ASSERT_FALSE(c->diags.items().empty());
  EXPECT_EQ(c->diags.items()[0].hint, "did you mean `working_days`?");
}

TEST(CheckerTypes, PreviousAndLookups) {
  auto c = with_let("previous(visit_date per child_id order by visit_date where flag)");
  ASSERT_FALSE(c->diags.has_errors()) << c->messages();
  EXPECT_EQ(c->type(c->let("i", "x")), Type::date());
  EXPECT_EQ(c->level(c->let("i", "x")), Level::row);
  // previous() looks at the whole table; one that depends on the period is computed for each
  // period shown, and the let depends on the period too.
  auto per = with_let("previous(visit_date per child_id where visit_date in period)");
  ASSERT_FALSE(per->diags.has_errors()) << per->messages();
  EXPECT_TRUE(per->program.uses_period[per->let("i", "x").value]);
  auto l = with_let("children[child_id].dob");
  ASSERT_FALSE(l->diags.has_errors()) << l->messages();
  const ExprId lookup = l->let("i", "x");
  EXPECT_EQ(l->type(lookup), Type::date());
  EXPECT_EQ(l->program.ref(lookup).index, l->program.find_table("children").value());
  EXPECT_EQ(l->program.ref(lookup).sub, 1u);
  EXPECT_EQ(let_error("visits[child_id].n"), DiagKind::no_key);
  EXPECT_EQ(let_error("children[child_id].birth"), DiagKind::unknown_column);
  EXPECT_EQ(let_error("kids[child_id].dob"), DiagKind::unknown_table);
  EXPECT_EQ(let_error("children[n].dob"), DiagKind::type_mismatch);
}

// ---- levels, references and period dependence ----

TEST(CheckerLevels, RowConstantAggregateAndIndicator) {
  auto c = check_text(std::string(kDeclarations) + R"tally(
indicator on_time {
  from        visits
  period      quarter
  let gap     = days(previous(visit_date per child_id), visit_date)
  let in_q    = visit_date in period
  denominator count where in_q and gap is known
  numerator   count where gap <= cp_visit_days
  target      pct
  rag { green when value >= target  red otherwise }
}
)tally");
  ASSERT_FALSE(c->diags.has_errors()) << c->messages();
  const ast::IndicatorDecl& d = *c->indicator("on_time").decl;
  const ExprId gap = d.lets[0].value;
  EXPECT_EQ(c->level(gap), Level::row);
  EXPECT_EQ(c->type(gap), days_type());
  EXPECT_EQ(c->program.uses_period[gap.value], 0);
  // `in period` depends on the period, and so does a name that refers to such a let.
  const ExprId in_q = d.lets[1].value;
  EXPECT_EQ(c->program.uses_period[in_q.value], 1);
  const ExprId den_where = d.denominator->where;
  const ExprId in_q_use = c->arg(den_where, 0);
  EXPECT_EQ(c->program.ref(in_q_use).what, Ref::What::let);
  EXPECT_EQ(c->program.ref(in_q_use).index, 1u);
  EXPECT_EQ(c->program.uses_period[in_q_use.value], 1);
  EXPECT_EQ(c->program.uses_period[den_where.value], 1);
  // Aggregates.
  EXPECT_EQ(c->level(d.denominator->aggregate), Level::aggregate);
  EXPECT_EQ(c->type(d.denominator->aggregate), Type::number());
  // The numerator's condition: a let (row) against a parameter (constant).
  const ExprId num_where = d.numerator->where;
  EXPECT_EQ(c->level(num_where), Level::row);
  EXPECT_EQ(c->level(c->arg(num_where, 1)), Level::constant);
  EXPECT_EQ(c->program.ref(c->arg(num_where, 1)).what, Ref::What::param);
  EXPECT_EQ(c->program.ref(c->arg(num_where, 1)).index, c->program.find_param("cp_visit_days"));
  // The target is a parameter; rag rules see the indicator's value and target.
  EXPECT_EQ(c->level(*d.target), Level::constant);
  const ExprId rule = d.rag->rules[0].when;
  EXPECT_EQ(c->level(rule), Level::indicator);
  EXPECT_EQ(c->program.ref(c->arg(rule, 0)).what, Ref::What::value);
  EXPECT_EQ(c->program.ref(c->arg(rule, 1)).what, Ref::What::target);
  EXPECT_EQ(c->type(c->arg(rule, 0)), Type::number(Unit::percent));
}

TEST(CheckerLevels, ColumnsResolveToTheirIndex) {
  auto c = with_let("outcome");
  const ExprId x = c->let("i", "x");
  EXPECT_EQ(c->program.ref(x).what, Ref::What::column);
  EXPECT_EQ(c->program.ref(x).index, 4u);
  EXPECT_EQ(c->level(x), Level::row);
  auto p = with_let("period.start");
  EXPECT_EQ(p->program.ref(p->let("i", "x")).what, Ref::What::period_start);
  EXPECT_EQ(p->program.uses_period[p->let("i", "x").value], 1);
}

TEST(CheckerLevels, MisplacedValuesAreReported) {
  auto row_in_rag = check_text(std::string(kDeclarations) +
                               "indicator a { from visits period month value count\n"
                               "  rag { green when visit_date in period  red otherwise } }\n");
  EXPECT_TRUE(row_in_rag->has(DiagKind::row_value_misplaced)) << row_in_rag->messages();
  // A bare column in a rag rule is a row value where only indicator-level values may stand.
  auto column_in_rag = check_text(std::string(kDeclarations) +
                                  "indicator a { from visits period month value count\n"
                                  "  rag { green when n > 1  red otherwise } }\n");
  ASSERT_EQ(column_in_rag->diags.items().size(), 1u) << column_in_rag->messages();
  EXPECT_EQ(column_in_rag->diags.items()[0].kind, DiagKind::row_value_misplaced);
  auto agg_in_where =
      check_text(std::string(kDeclarations) +
                 "indicator a { from visits period month where count > 3 value count }\n");
  EXPECT_TRUE(agg_in_where->has(DiagKind::aggregate_misplaced)) << agg_in_where->messages();
  auto row_as_numerator = check_text(std::string(kDeclarations) +
                                     "indicator a { from visits period month denominator count "
                                     "numerator n > 3 }\n");
  EXPECT_TRUE(row_as_numerator->has(DiagKind::aggregate_expected)) << row_as_numerator->messages();
  auto value_in_row = with_let("value > 3");
  EXPECT_TRUE(value_in_row->has(DiagKind::row_value_misplaced)) << value_in_row->messages();
}

TEST(CheckerLevels, LetsSeeOnlyEarlierLets) {
  auto itself = with_let("x + 1");
  ASSERT_TRUE(itself->has(DiagKind::let_cycle));
  EXPECT_EQ(itself->diags.items()[0].message, "`let x` uses itself");
  auto later =
      check_text(std::string(kDeclarations) +
                 "indicator a { from visits period month let b = c let c = 1 value count }\n");
  ASSERT_TRUE(later->has(DiagKind::let_cycle));
  EXPECT_EQ(later->diags.items()[0].message, "`c` is used before its `let`, which comes later");
}

// ---- depth and size with lets counted where they are used ----

// An indicator over `visits` with `lets` (one per line) and `value count where WHERE`.
std::unique_ptr<Checked> with_lets(const std::string& lets, const std::string& where) {
  return check_text(std::string(kDeclarations) +
                    "indicator i {\n  from visits\n  period quarter\n" + lets +
                    "  value count where " + where + "\n}\n");
}

// `let l0 = n`, then `count` lets each `l(k-1) + 1 + 1 ...` adding `step` levels.
std::string let_chain(std::size_t count, std::size_t step) {
  std::string out = "  let l0 = n\n";
  for (std::size_t k = 1; k < count; ++k) {
    out += "  let l" + std::to_string(k) + " = l" + std::to_string(k - 1);
    for (std::size_t i = 0; i < step; ++i) out += " + 1";
    out += "\n";
  }
  return out;
}

std::size_t count_kind(const Checked& c, DiagKind kind) {
  std::size_t n = 0;
  for (const auto& d : c.diags.items()) n += d.kind == kind;
  return n;
}

TEST(CheckerDepth, LetsBuiltOnLetsAreCountedWhereTheyAreUsed) {
  // l0 is 1 level, each further let adds 1: l998 is 999 levels, the `where` 1,000.
  auto fits = with_lets(let_chain(999, 1), "l998 > 0");
  EXPECT_FALSE(fits->diags.has_errors()) << fits->messages();
  // 20,000 lets: one message, at the first let past the limit (l1000, 1,001 levels).
  auto deep = with_lets(let_chain(20000, 1), "l19999 > 0");
  ASSERT_EQ(count_kind(*deep, DiagKind::too_deep), 1u) << deep->messages();
  const Diagnostic& d = deep->diags.items().front();
  EXPECT_EQ(d.message,
            "`let l1000` nests more than 1000 levels deep, counting the lets it uses where they "
            "are used");
  EXPECT_EQ(deep->sources.get(d.span.file).text().substr(d.span.begin, d.span.end - d.span.begin),
            "l1000");
  // Lets of 98 levels each: the twelfth passes the limit.
  auto steps = with_lets(let_chain(12, 98), "l11 > 0");
  ASSERT_EQ(count_kind(*steps, DiagKind::too_deep), 1u) << steps->messages();
  EXPECT_EQ(steps->diags.items().front().message.rfind("`let l11` nests", 0), 0u);
  // Each let within the limit, the clause that uses the last one past it.
  std::string plus_fifty;
  for (int i = 0; i < 50; ++i) plus_fifty += " + 1";
  auto clause = with_lets(let_chain(11, 98), "l10" + plus_fifty + " > 0");
  ASSERT_EQ(count_kind(*clause, DiagKind::too_deep), 1u) << clause->messages();
  EXPECT_EQ(clause->diags.items().front().message.rfind("this expression nests more than 1000", 0),
            0u);
}

TEST(CheckerDepth, LetsThatDoubleAreRefusedBeforeTheyGrowLarge) {
  std::string lets = "  let d0 = n\n";
  for (int k = 1; k < 60; ++k)
    lets += "  let d" + std::to_string(k) + " = d" + std::to_string(k - 1) + " + d" +
            std::to_string(k - 1) + "\n";
  auto c = with_lets(lets, "previous(start_date per child_id where d59 > 0) is known");
  ASSERT_EQ(count_kind(*c, DiagKind::too_deep), 1u) << c->messages();
  // d16 written out in full holds 2^17 - 1 terms.
  EXPECT_EQ(c->diags.items().front().message,
            "`let d16` holds more than 100000 terms once the lets it uses are written out in full");
  // Fifteen doublings are fine.
  auto fine = with_lets(lets.substr(0, lets.find("  let d16")), "d15 > 0");
  EXPECT_FALSE(fine->diags.has_errors()) << fine->messages();
}

TEST(CheckerDepth, AListOfRowValuesCountsALevelPerValue) {
  std::string columns;
  for (int i = 0; i < 2000; ++i) columns += std::string(i ? ", " : "") + "outcome";
  auto deep = with_lets("", "outcome in (" + columns + ")");
  ASSERT_EQ(count_kind(*deep, DiagKind::too_deep), 1u) << deep->messages();
  // A list of constants is one value: thousands of codes are fine.
  std::string codes;
  for (int i = 0; i < 5000; ++i)
    codes += std::string(i ? ", " : "") + "\"E" + std::to_string(i) + "\"";
  auto fine = with_lets("", "outcome in (" + codes + ")");
  EXPECT_FALSE(fine->diags.has_errors()) << fine->messages();
}

// ---- weeks(a, b) beside days ----

TEST(CheckerWarnings, WeeksComparedWithDaysCountWholeWeeks) {
  auto warned = [](const std::string& expr) {
    auto c = with_let(expr);
    EXPECT_FALSE(c->diags.has_errors()) << expr << "\n" << c->messages();
    return count_kind(*c, DiagKind::whole_weeks);
  };
  EXPECT_EQ(warned("weeks(start_date, end_date) <= 10 days"), 1u);
  EXPECT_EQ(warned("10 days > weeks(start_date, end_date)"), 1u);
  EXPECT_EQ(warned("weeks(start_date, end_date) = cp_visit_days"), 1u);
  EXPECT_EQ(warned("weeks(start_date, end_date) <= gap"), 1u);
  EXPECT_EQ(warned("weeks(start_date, end_date) between 7 days and 14 days"), 1u);
  // Through a let.
  auto through_let = check_text(std::string(kDeclarations) +
                                "indicator i { from visits period month\n"
                                "  let w = weeks(start_date, end_date)\n  let v = w\n"
                                "  value count where v < 21 days }\n");
  ASSERT_EQ(count_kind(*through_let, DiagKind::whole_weeks), 1u) << through_let->messages();
  const Diagnostic& d = through_let->diags.items().front();
  EXPECT_EQ(d.severity, Severity::warning);
  EXPECT_EQ(d.message,
            "`v` counts whole weeks, but `21 days` is a number of days: 13 days apart count as 1 "
            "week, that is 7 days");
  // Weeks with weeks, a plain number (read as weeks), or days(a, b) with weeks: no warning.
  EXPECT_EQ(warned("weeks(start_date, end_date) <= 2"), 0u);
  EXPECT_EQ(warned("weeks(start_date, end_date) <= six_weeks"), 0u);
  EXPECT_EQ(warned("gap <= 6 weeks"), 0u);
  EXPECT_EQ(warned("weeks(start_date, end_date) + 1 <= 10 days"), 0u);
}

// ---- indicators ----

TEST(CheckerIndicators, UnitsDecimalsAndPolarity) {
  auto c = check_text(std::string(kDeclarations) + R"tally(
indicator share { from visits period month denominator count numerator count where flag }
indicator rate { from visits period month denominator count numerator count where flag
                 unit rate per 10000 polarity lower }
indicator plain_count { from visits period month value count where flag }
indicator children_seen { from visits period month value count distinct child_id decimals 2 }
indicator median_gap { from visits period month value median days(start_date, end_date)
                       polarity range target 10 .. 20 }
indicator mean_n { from visits period month value mean n }
)tally");
  ASSERT_FALSE(c->diags.has_errors()) << c->messages();
  const Indicator& share = c->indicator("share");
  EXPECT_EQ(share.unit, ast::UnitKind::percent);
  EXPECT_EQ(share.unit_multiplier, 100);
  EXPECT_EQ(share.decimals, 1);
  EXPECT_EQ(share.polarity, ast::Polarity::higher);
  EXPECT_EQ(share.value_type, Type::number(Unit::percent));
  EXPECT_EQ(share.table, c->program.find_table("visits").value());
  const Indicator& rate = c->indicator("rate");
  EXPECT_EQ(rate.unit, ast::UnitKind::rate);
  EXPECT_EQ(rate.unit_multiplier, 10000);
  EXPECT_EQ(rate.polarity, ast::Polarity::lower);
  EXPECT_EQ(rate.value_type, Type::number());
  const Indicator& count = c->indicator("plain_count");
  EXPECT_EQ(count.unit, ast::UnitKind::count);
  EXPECT_EQ(count.unit_multiplier, 1);
  EXPECT_EQ(count.decimals, 0);
  EXPECT_EQ(c->indicator("children_seen").unit, ast::UnitKind::count);
  EXPECT_EQ(c->indicator("children_seen").decimals, 2);
  const Indicator& gap = c->indicator("median_gap");
  EXPECT_EQ(gap.unit, ast::UnitKind::days);
  EXPECT_EQ(gap.value_type, days_type());
  EXPECT_EQ(gap.decimals, 1);
  EXPECT_EQ(gap.polarity, ast::Polarity::range);
  // The interval target takes the indicator's value type.
  EXPECT_EQ(c->type(*gap.decl->target), days_type());
  EXPECT_EQ(c->indicator("mean_n").unit, ast::UnitKind::number);
}

TEST(CheckerIndicators, TargetsBenchmarksAndTolerancesAreInTheIndicatorsUnit) {
  auto percent_on_count =
      check_text(std::string(kDeclarations) +
                 "indicator a { from visits period month value count unit count target 90% }\n");
  ASSERT_EQ(percent_on_count->diags.items().size(), 1u) << percent_on_count->messages();
  EXPECT_EQ(percent_on_count->diags.items()[0].kind, DiagKind::unit_mismatch);
  EXPECT_EQ(percent_on_count->diags.items()[0].message,
            "the target is a percentage, but the indicator's unit is count");
  auto days_target =
      check_text(std::string(kDeclarations) +
                 "indicator a { from visits period month value median "
                 "days(start_date, end_date) target 2 weeks benchmark e cp_visit_days }\n");
  EXPECT_FALSE(days_target->diags.has_errors()) << days_target->messages();
  auto months_target = check_text(std::string(kDeclarations) +
                                  "indicator a { from visits period month value median "
                                  "days(start_date, end_date) target 2 months }\n");
  EXPECT_TRUE(months_target->has(DiagKind::unit_mismatch)) << months_target->messages();
  auto plain_on_percent = check_text(std::string(kDeclarations) +
                                     "indicator a { from visits period month denominator count "
                                     "numerator count where flag target 90 trend previous period, "
                                     "stable within 1 }\n");
  EXPECT_FALSE(plain_on_percent->diags.has_errors()) << plain_on_percent->messages();
}

// ---- scenarios ----

TEST(CheckerScenarios, OverridesAreTypedAgainstTheirParameters) {
  auto c = check_text(std::string(kDeclarations) + R"tally(
scenario proposal {
  cp_visit_days = 15
  wd_limit      = 3 weeks
  plain         = 12.5
  pct           = 85
  codes         = ("E41", "E42", "E43")
  start         = 2018-04-01
  label         = "y"
  on            = false
}
scenario in_weeks { cp_visit_days = 2 weeks  a_year = 18 months }
)tally");
  // Weeks are days, never working days.
  ASSERT_EQ(c->diags.items().size(), 1u) << c->messages();
  EXPECT_EQ(c->diags.items()[0].kind, DiagKind::bad_parameter);
  EXPECT_EQ(c->diags.items()[0].message,
            "parameter `wd_limit` is working days, but 3 weeks is weeks");

  const Scenario& s = c->program.scenarios.at(c->program.find_scenario("proposal").value());
  ASSERT_EQ(s.overrides.size(), 7u);
  auto override_of = [&](const Scenario& sc, const std::string& name) -> const Constant& {
    const std::uint32_t index = c->program.find_param(name).value();
    for (const auto& [p, v] : sc.overrides)
      if (p == index) return v;
    ADD_FAILURE() << "no override of " << name;
    static const Constant none;
    return none;
  };
  // A plain number takes the parameter's unit.
  EXPECT_EQ(override_of(s, "cp_visit_days").type, days_type());
  EXPECT_EQ(override_of(s, "cp_visit_days").number, 15);
  EXPECT_EQ(constant_source(override_of(s, "cp_visit_days")), "15 days");
  EXPECT_EQ(override_of(s, "plain").number, Rational(25, 2));
  EXPECT_EQ(override_of(s, "pct").type, Type::number(Unit::percent));
  EXPECT_EQ(constant_source(override_of(s, "pct")), "85%");
  EXPECT_EQ(override_of(s, "codes").items.size(), 3u);
  EXPECT_EQ(format_iso(override_of(s, "start").date), "2018-04-01");
  EXPECT_EQ(override_of(s, "label").text, "y");
  EXPECT_FALSE(override_of(s, "on").boolean);

  const Scenario& w = c->program.scenarios.at(c->program.find_scenario("in_weeks").value());
  EXPECT_EQ(override_of(w, "cp_visit_days").number, 14);
  EXPECT_EQ(override_of(w, "a_year").number, 18);
}

TEST(CheckerScenarios, OverridesThatDoNotFit) {
  auto expect_error = [](const std::string& scenario, DiagKind kind, const std::string& message) {
    auto c = check_text(std::string(kDeclarations) + scenario);
    ASSERT_EQ(c->diags.items().size(), 1u) << scenario << "\n" << c->messages();
    EXPECT_EQ(c->diags.items()[0].kind, kind) << scenario;
    EXPECT_EQ(c->diags.items()[0].message, message) << scenario;
  };
  expect_error("scenario s { cp_visit_days = 15 working days }", DiagKind::bad_parameter,
               "parameter `cp_visit_days` is days, but 15 working days is working days");
  expect_error("scenario s { cp_visit_days = 1 month }", DiagKind::bad_parameter,
               "parameter `cp_visit_days` is days, but 1 month is months");
  expect_error("scenario s { plain = 20 days }", DiagKind::bad_parameter,
               "parameter `plain` is a plain number, but 20 days is days");
  expect_error("scenario s { start = \"2018-04-01\" }", DiagKind::bad_parameter,
               "parameter `start` is a date, but \"2018-04-01\" is text");
  expect_error("scenario s { start = 2018-02-29 }", DiagKind::bad_literal,
               "2018-02-29 is not a real date");
  expect_error("scenario s { codes = (1, 2) }", DiagKind::bad_parameter,
               "parameter `codes` is a list, but (1, 2) is a list");
  expect_error("scenario s { cp_visit_day = 15 }", DiagKind::unknown_name,
               "unknown parameter `cp_visit_day`");
  expect_error("scenario s { cp_visit_days = 15  cp_visit_days = 16 }", DiagKind::duplicate_name,
               "scenario `s` sets `cp_visit_days` twice");
  // A number for a list of text is still wrong.
  expect_error("scenario s { codes = 41 }", DiagKind::bad_parameter,
               "parameter `codes` is a list, but 41 is a plain number");
}

TEST(CheckerScenarios, OneValueForAListParameterIsAListOfOne) {
  auto c = check_text(std::string(kDeclarations) + "scenario s { codes = (\"E41\") }");
  ASSERT_TRUE(c->diags.items().empty()) << c->messages();
  const Scenario& s = c->program.scenarios.at(c->program.find_scenario("s").value());
  ASSERT_EQ(s.overrides.size(), 1u);
  EXPECT_EQ(s.overrides[0].second.type.kind, Kind::list);
  ASSERT_EQ(s.overrides[0].second.items.size(), 1u);
  EXPECT_EQ(s.overrides[0].second.items[0].text, "E41");
}

// ---- constant_of ----

// Parses `text` as a literal and reads it as `declared`.
struct Literal {
  SourceManager sources;
  ast::Module module;
  Diagnostics diags;
  std::optional<Constant> value;
};

std::unique_ptr<Literal> literal_as(const std::string& text, const Type* declared) {
  auto l = std::make_unique<Literal>();
  auto id = parse_literal(text, "--set x", l->sources, l->module, l->diags);
  if (!id) return l;
  l->value = constant_of(l->module, *id, declared, l->diags, "parameter `x`");
  return l;
}

TEST(CheckerConstantOf, APlainNumberTakesTheDeclaredUnit) {
  const Type days = days_type();
  auto fifteen = literal_as("15", &days);
  ASSERT_TRUE(fifteen->value.has_value());
  EXPECT_EQ(fifteen->value->type, days);
  EXPECT_EQ(fifteen->value->number, 15);
  EXPECT_EQ(constant_source(*fifteen->value), "15 days");
  EXPECT_FALSE(fifteen->diags.has_errors());

  const Type working = Type::number(Unit::working_days);
  auto wd = literal_as("15", &working);
  ASSERT_TRUE(wd->value.has_value());
  EXPECT_EQ(constant_source(*wd->value), "15 working days");

  const Type years = Type::number(Unit::years);
  auto two = literal_as("2", &years);
  ASSERT_TRUE(two->value.has_value());
  EXPECT_EQ(two->value->number, 24);
  EXPECT_EQ(constant_source(*two->value), "2 years");

  const Type percent = Type::number(Unit::percent);
  auto ninety = literal_as("92.5", &percent);
  ASSERT_TRUE(ninety->value.has_value());
  EXPECT_EQ(constant_source(*ninety->value), "92.5%");
}

TEST(CheckerConstantOf, UnitsMustAgree) {
  const Type days = days_type();
  auto wd = literal_as("15 working days", &days);
  EXPECT_FALSE(wd->value.has_value());
  ASSERT_EQ(wd->diags.items().size(), 1u);
  EXPECT_EQ(wd->diags.items()[0].kind, DiagKind::bad_parameter);
  EXPECT_EQ(wd->diags.items()[0].message,
            "parameter `x` is days, but 15 working days is working days");
  EXPECT_EQ(wd->diags.items()[0].hint, "give a plain number, which is read as days");

  auto weeks = literal_as("3 weeks", &days);
  ASSERT_TRUE(weeks->value.has_value());
  EXPECT_EQ(weeks->value->number, 21);
  EXPECT_EQ(constant_source(*weeks->value), "3 weeks");

  EXPECT_FALSE(literal_as("90%", &days)->value.has_value());
  EXPECT_FALSE(literal_as("\"15\"", &days)->value.has_value());
  const Type plain = Type::number(Unit::none, true);
  EXPECT_FALSE(literal_as("20 days", &plain)->value.has_value());
  EXPECT_TRUE(literal_as("20.25", &plain)->value.has_value());
  EXPECT_TRUE(literal_as("-3", &plain)->value.has_value());
  EXPECT_EQ(literal_as("-3", &plain)->value->number, -3);
}

TEST(CheckerConstantOf, WithoutADeclaredTypeTheLiteralIsTakenAsWritten) {
  auto days = literal_as("10 days", nullptr);
  ASSERT_TRUE(days->value.has_value());
  EXPECT_EQ(days->value->type, days_type());
  auto date = literal_as("2017-02-30", nullptr);
  EXPECT_FALSE(date->value.has_value());
  ASSERT_EQ(date->diags.items().size(), 1u);
  EXPECT_EQ(date->diags.items()[0].kind, DiagKind::bad_literal);
  auto list = literal_as("(10 days, 2 weeks)", nullptr);
  ASSERT_TRUE(list->value.has_value());
  EXPECT_EQ(list->value->items.size(), 2u);
  EXPECT_EQ(list->value->items[1].number, 14);
  EXPECT_FALSE(literal_as("(10 days, 2 months)", nullptr)->value.has_value());
  EXPECT_FALSE(literal_as("1 +", nullptr)->value.has_value());
  EXPECT_FALSE(literal_as("a + 1", nullptr)->value.has_value());
}

// ---- print_types ----

TEST(CheckerPrintTypes, ListsEveryTypedExpression) {
  auto c = with_let("gap <= cp_visit_days");
  ASSERT_FALSE(c->diags.has_errors()) << c->messages();
  const std::string types = print_types(c->program, c->sources);
  EXPECT_NE(types.find("gap <= cp_visit_days : true/false (row)"), std::string::npos) << types;
  EXPECT_NE(types.find("days(start_date, end_date) : days (row)"), std::string::npos) << types;
  EXPECT_NE(types.find("10 days : days (constant)"), std::string::npos) << types;
}

// ---- load_definitions on files ----

class LoadDefinitions : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::path(::testing::TempDir()) /
        ("tally_checker_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "tables");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(LoadDefinitions, FollowsImportsRelativeToTheImportingFile) {
  write("tables/cp.tally",
        "table cp_visits { child_id text  visit_date date }\n"
        "indicator all_visits { from cp_visits period month value count }\n");
  write("cp.tally",
        "import \"tables/cp.tally\"\nparam cp_visit_days = 10 days\n"
        "indicator on_time {\n  from cp_visits\n  period quarter\n"
        "  let gap = days(previous(visit_date per child_id), visit_date)\n"
        "  denominator count where visit_date in period\n"
        "  numerator count where gap <= cp_visit_days\n}\n");
  auto front = load_definitions({path("cp.tally")});
  ASSERT_FALSE(front->diags.has_errors()) << render_text(front->diags, front->sources);
  EXPECT_EQ(front->sources.size(), 2u);
  const Program& p = front->program;
  ASSERT_EQ(p.tables.size(), 1u);
  ASSERT_EQ(p.indicators.size(), 2u);
  EXPECT_TRUE(p.indicators[p.find_indicator("on_time").value()].named_on_command_line);
  // An indicator that only came in through an import is not one the user named.
  EXPECT_FALSE(p.indicators[p.find_indicator("all_visits").value()].named_on_command_line);
}

TEST_F(LoadDefinitions, AFolderIsReadRecursivelyAndEachFileOnce) {
  write("tables/cp.tally", "table cp_visits { child_id text  visit_date date }\n");
  write("cp.tally",
        "import \"tables/cp.tally\"\n"
        "indicator all_visits { from cp_visits period month value count }\n");
  write("notes.txt", "not a definition file");
  auto front = load_definitions({dir_.string()});
  ASSERT_FALSE(front->diags.has_errors()) << render_text(front->diags, front->sources);
  EXPECT_EQ(front->sources.size(), 2u);
  EXPECT_EQ(front->program.tables.size(), 1u);
  EXPECT_TRUE(front->program.indicators.at(0).named_on_command_line);
}

TEST_F(LoadDefinitions, ReportsMissingFilesImportsAndLoops) {
  write("a.tally", "import \"b.tally\"\nimport \"missing.tally\"\n");
  write("b.tally", "import \"a.tally\"\n");
  auto front = load_definitions({path("a.tally"), path("nowhere.tally")});
  std::vector<DiagKind> kinds;
  for (const auto& d : front->diags.items()) kinds.push_back(d.kind);
  // Errors without a place come first; then by file and position.
  ASSERT_EQ(kinds.size(), 3u) << render_text(front->diags, front->sources);
  EXPECT_EQ(kinds[0], DiagKind::file_unreadable);
  EXPECT_EQ(kinds[1], DiagKind::import_missing);
  EXPECT_EQ(kinds[2], DiagKind::import_cycle);
}

TEST_F(LoadDefinitions, AByteOrderMarkIsSkippedAndColumnsStayRight) {
  write("a.tally", "\xEF\xBB\xBFparam limit = nope\n");
  auto front = load_definitions({path("a.tally")});
  ASSERT_EQ(front->diags.items().size(), 1u) << render_text(front->diags, front->sources);
  const Diagnostic& d = front->diags.items()[0];
  EXPECT_EQ(d.kind, DiagKind::bad_parameter);
  const LineCol lc = front->sources.get(d.span.file).line_col(d.span.begin);
  EXPECT_EQ(lc.line, 1);
  EXPECT_EQ(lc.column, 15);
  // Only at the very start: elsewhere the bytes are text like any other.
  write("b.tally", "param title = \"\xEF\xBB\xBF\"\n");
  EXPECT_FALSE(load_definitions({path("b.tally")})->diags.has_errors());
}

// Every message of `front`, as text.
std::string all_text(const Frontend& front) { return render_text(front.diags, front.sources); }

TEST_F(LoadDefinitions, ImportsStayInTheFoldersNamedAndReadOnlyDefinitions) {
  namespace fs = std::filesystem;
  fs::create_directories(dir_ / "named" / "sub");
  fs::create_directories(dir_ / "outside");
  const std::string secret = "SECRET line that must never be shown";
  write("outside/tables.tally", "table t { a int }\n");
  write("outside/notes.txt", secret + "\n");
  write("named/notes.txt", secret + "\n");
  write("named/sub/tables.tally", "table t { a int }\n");
  fs::create_symlink(dir_ / "outside" / "tables.tally", dir_ / "named" / "escape.tally");
  fs::create_symlink(dir_ / "named" / "notes.txt", dir_ / "named" / "notes.tally");
  fs::create_symlink(dir_ / "named" / "sub" / "tables.tally", dir_ / "named" / "inside.tally");
  auto import_of = [&](const std::string& target) {
    write("named/a.tally", "import \"" + target + "\"\n");
    return load_definitions({path("named/a.tally")});
  };
  auto refused = [&](const std::string& target) {
    auto front = import_of(target);
    const std::string text = all_text(*front);
    EXPECT_EQ(front->diags.items().size(), 1u) << target << "\n" << text;
    if (!front->diags.items().empty()) {
      EXPECT_EQ(front->diags.items()[0].kind, DiagKind::import_refused) << target << "\n" << text;
    }
    EXPECT_EQ(text.find("SECRET"), std::string::npos) << text;
    EXPECT_EQ(front->sources.size(), 1u) << target;  // nothing else was read
  };
  refused("../outside/tables.tally");
  refused((dir_ / "outside" / "tables.tally").string());
  refused("sub/../../outside/tables.tally");
  refused("escape.tally");  // a link inside that leads outside
  refused("notes.txt");
  refused("notes.tally");  // a link to a file that is not a definition
  refused("../outside/notes.txt");
  refused("/etc/passwd");
  refused("/proc/self/environ");
  refused("../../../../../../../../../../etc/passwd");
  // Inside the folder of the file named, and below it, and through a link that stays inside.
  for (const std::string& target :
       std::vector<std::string>{"sub/tables.tally", "inside.tally", "./sub/../sub/tables.tally",
                                (dir_ / "named" / "sub" / "tables.tally").string()}) {
    auto front = import_of(target);
    EXPECT_FALSE(front->diags.has_errors()) << target << "\n" << all_text(*front);
    EXPECT_EQ(front->program.tables.size(), 1u) << target;
  }
  // A folder named on the command line opens it, and a file named there opens its folder.
  for (const char* link : {"escape.tally", "notes.tally", "inside.tally"})
    fs::remove(dir_ / "named" / link);
  fs::remove_all(dir_ / "named" / "sub");
  write("named/a.tally", "import \"../outside/tables.tally\"\n");
  EXPECT_FALSE(load_definitions({path("named/a.tally"), path("outside")})->diags.has_errors());
  EXPECT_FALSE(load_definitions({path("named"), path("outside/tables.tally")})->diags.has_errors());
}

TEST_F(LoadDefinitions, AFileNamedThatIsNotADefinitionIsNotRead) {
  write("notes.txt", "SECRET line that must never be shown\n");
  auto front = load_definitions({path("notes.txt")});
  ASSERT_EQ(front->diags.items().size(), 1u);
  EXPECT_EQ(front->diags.items()[0].kind, DiagKind::file_unreadable);
  EXPECT_EQ(all_text(*front).find("SECRET"), std::string::npos);
  EXPECT_EQ(front->sources.size(), 0u);
}

TEST_F(LoadDefinitions, AFileNameThatIsNotUtf8RendersAsJson) {
  // A Latin-1 e acute in the name, and a syntax error inside.
  const std::string name = "caf\xE9.tally";
  write(name, "param p = \n");
  auto front = load_definitions({path(name)});
  ASSERT_TRUE(front->diags.has_errors());
  std::string json;
  ASSERT_NO_THROW(json = render_json(front->diags, front->sources).dump(2));
  EXPECT_NE(json.find("caf\xEF\xBF\xBD.tally"), std::string::npos) << json;
}

TEST(Diagnostics, ValidUtf8ReplacesOnlyBytesThatAreNotUtf8) {
  EXPECT_EQ(valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x99\x82"),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x99\x82");
  EXPECT_EQ(valid_utf8("caf\xE9"), "caf\xEF\xBF\xBD");
  EXPECT_EQ(valid_utf8("\xFF\xFE"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(valid_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(valid_utf8("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // cut short
  EXPECT_EQ(valid_utf8(""), "");
}

TEST_F(LoadDefinitions, DuplicateNamesAcrossFilesShowBothPlaces) {
  write("a.tally", "param cp_visit_days = 10 days\n");
  write("b.tally", "\n\nparam cp_visit_days = 15 days\n");
  auto front = load_definitions({dir_.string()});
  ASSERT_EQ(front->diags.items().size(), 1u);
  const Diagnostic& d = front->diags.items()[0];
  EXPECT_EQ(d.kind, DiagKind::duplicate_name);
  EXPECT_EQ(front->sources.get(d.span.file).line_col(d.span.begin).line, 3);
  ASSERT_EQ(d.labels.size(), 1u);
  EXPECT_NE(d.labels[0].span.file, d.span.file);
  EXPECT_EQ(d.labels[0].message, "first declared here");
}

}  // namespace
}  // namespace tally::check
