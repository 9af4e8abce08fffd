// Unit tests of the grammar and the parser: the PEGTL grammar has no rule that can loop without
// consuming input, and source text becomes the syntax tree with the intended structure
// (precedence, every operator form, literals and their units, comments and any layout), while
// mistakes become diagnostics of the right kind at the right place.
#include "lang/syntax/grammar.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>
#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze.hpp>

#include "lang/ast/ast.hpp"
#include "lang/base/diagnostics.hpp"
#include "lang/base/source.hpp"
#include "lang/syntax/parse.hpp"

namespace tally {
namespace {

namespace g = syntax::grammar;
using ast::ExprId;
using ast::ExprKind;
using ast::Op;

// ---- helpers ----

struct Parsed {
  SourceManager sources;
  ast::Module module;
  Diagnostics diags;

  const ast::File& file() const { return module.files.front(); }
  const ast::Expr& expr(ExprId id) const { return module.expr(id); }
  std::string messages() const {
    std::string out;
    for (const auto& d : diags.items()) out += d.message + "\n";
    return out;
  }
};

std::unique_ptr<Parsed> parse(const std::string& text, const std::string& path = "test.tally") {
  auto p = std::make_unique<Parsed>();
  const FileId id = p->sources.add(path, text);
  syntax::parse_file(p->sources, id, p->module, p->diags);
  p->diags.sort();
  return p;
}

const char* op_name(Op op) {
  switch (op) {
    case Op::neg:
      return "neg";
    case Op::not_:
      return "not";
    default:
      return ast::op_text(op);
  }
}

// The structure of an expression as an S-expression, every node bracketed, so a test sees the
// grouping the parser chose and not a printer's choice of parentheses.
std::string tree(const ast::Module& m, ExprId id) {
  if (!id.valid()) return "_";
  const ast::Expr& e = m.expr(id);
  auto args = [&]() {
    std::string s;
    for (ExprId a : e.args) {
      s += ' ';
      s += tree(m, a);
    }
    return s;
  };
  switch (e.kind) {
    case ExprKind::number:
      return e.text;
    case ExprKind::percent:
      return e.text + "%";
    case ExprKind::duration:
      return "(" + e.text + " " + ast::duration_unit_name(e.unit) + ")";
    case ExprKind::string:
      return "\"" + e.text + "\"";
    case ExprKind::date:
      return "#" + e.text;
    case ExprKind::boolean:
      return e.text;
    case ExprKind::list:
      return "(list" + args() + ")";
    case ExprKind::name:
      return e.text;
    case ExprKind::member:
      return e.text + "." + e.field;
    case ExprKind::lookup:
      return "(lookup " + e.text + args() + " ." + e.field + ")";
    case ExprKind::call:
      return "(call " + e.text + args() + ")";
    case ExprKind::unary:
    case ExprKind::binary:
      return std::string("(") + op_name(e.op) + args() + ")";
    case ExprKind::in_list:
      return std::string(e.negated ? "(not-in" : "(in") + args() + ")";
    case ExprKind::in_period:
      return "(in-" + e.field + args() + ")";
    case ExprKind::between:
      return "(between" + args() + ")";
    case ExprKind::is_known:
      return std::string(e.negated ? "(is-missing" : "(is-known") + args() + ")";
    case ExprKind::aggregate:
      return std::string("(") + ast::op_text(e.op) + args() + ")";
    case ExprKind::previous:
      return std::string("(") + ast::op_text(e.op) + args() + ")";
    case ExprKind::interval:
      return "(.." + args() + ")";
    case ExprKind::conditional:
      return "(if" + args() + ")";
    case ExprKind::order_keys:
      return "(order " + e.text + args() + ")";
    case ExprKind::rows:
      return std::string("(") + ast::op_text(e.op) + (e.text.empty() ? "" : " from " + e.text) +
             args() + ")";
  }
  return "?";
}

// Parses `text` as the value of a parameter and returns its structure, or the diagnostics.
std::string expr_tree(const std::string& text) {
  auto p = parse("param p = " + text + "\n");
  if (p->diags.has_errors()) return "ERROR: " + p->messages();
  if (p->file().params.size() != 1) return "ERROR: no parameter";
  return tree(p->module, p->file().params.front().value);
}

// An expression as tally source, through the library's own printer.
std::string expr_text(const std::string& text) {
  auto p = parse("param p = " + text + "\n");
  if (p->diags.has_errors()) return "ERROR: " + p->messages();
  return ast::expr_source(p->module, p->file().params.front().value);
}

// The first diagnostic of parsing `text`.
Diagnostic first_error(const std::string& text) {
  auto p = parse(text);
  EXPECT_TRUE(p->diags.has_errors()) << text;
  if (p->diags.items().empty()) return {};
  return p->diags.items().front();
}

LineCol position(const std::string& text, const Diagnostic& d) {
  SourceFile f("t", text);
  return f.line_col(d.span.begin);
}

// The syntax tree printed without positions, to compare two layouts of the same definitions.
std::string printed_without_positions(const Parsed& p) {
  return std::regex_replace(ast::print(p.module, p.sources), std::regex(" @[0-9]+:[0-9]+"), "");
}

const char* kSpecIndicator = R"tally(table cp_visits "Child protection visits" {
  child_id   text
  plan_id    text
  visit_date date
}

param cp_visit_days = 10 days  "Max days between CP visits"

indicator cp_visits_on_time {
  code        "VP8"
  title       "Child protection visits completed on time"
  from        cp_visits
  period      quarter
  let gap     = days(previous(visit_date per child_id), visit_date)
  denominator count where visit_date in period and gap is known
  numerator   count where gap <= cp_visit_days
  unit        percent
  polarity    higher
  target      90%
  rag {
    green when value >= target
    amber when value >= target - 5
    red   otherwise
  }
  trend previous period, stable within 1
}
)tally";

// ---- the grammar itself ----

TEST(GrammarAnalysis, WholeFileRuleHasNoCycleWithoutProgress) {
  EXPECT_EQ(tao::pegtl::analyze<g::file>(), 0u);
}

TEST(GrammarAnalysis, DeclarationAtATimeRuleHasNoCycleWithoutProgress) {
  EXPECT_EQ(tao::pegtl::analyze<g::next_declaration>(), 0u);
}

TEST(GrammarAnalysis, RulesUnderMustHaveMessagesInTheAnalystsWords) {
  // A sample of the messages: each names what was expected, never a rule.
  EXPECT_STREQ(g::error_message<g::close_paren>, "expected `)` to close the `(`");
  EXPECT_STREQ(g::error_message<g::cadence>, "expected `month`, `quarter` or `year`");
  EXPECT_EQ(g::error_message<g::or_expr>, nullptr);  // never under must<>, so no message
}

TEST(GrammarRules, KeywordsAreWholeWords) {
  namespace pegtl = tao::pegtl;
  auto matches = [](auto rule, const std::string& text) {
    pegtl::memory_input<> in(text, "t");
    return pegtl::parse<pegtl::seq<decltype(rule), pegtl::eof>>(in);
  };
  EXPECT_TRUE(matches(g::name{}, "counter"));
  EXPECT_TRUE(matches(g::name{}, "order_date"));
  EXPECT_TRUE(matches(g::name{}, "in_care"));
  EXPECT_TRUE(matches(g::name{}, "_x1"));
  EXPECT_FALSE(matches(g::name{}, "count"));
  EXPECT_FALSE(matches(g::name{}, "and"));
  EXPECT_FALSE(matches(g::name{}, "1x"));
  EXPECT_TRUE(matches(g::date_lit{}, "2017-04-01"));
  EXPECT_FALSE(matches(g::date_lit{}, "2017-4-1"));
  EXPECT_TRUE(matches(g::number_lit{}, "15 working days"));
  EXPECT_TRUE(matches(g::number_lit{}, "1 working day"));
  EXPECT_TRUE(matches(g::number_lit{}, "97.5%"));
  EXPECT_FALSE(matches(g::number_lit{}, "10days"));
}

// ---- precedence and grouping ----

TEST(ParsePrecedence, LogicComparisonAndArithmeticNestInOrder) {
  EXPECT_EQ(expr_tree("a or b and not c = d + e * -f"),
            "(or a (and b (not (= c (+ d (* e (neg f)))))))");
}

TEST(ParsePrecedence, AndBindsTighterThanOr) {
  EXPECT_EQ(expr_tree("a and b or c and d"), "(or (and a b) (and c d))");
}

TEST(ParsePrecedence, NotAppliesToAWholeComparison) {
  EXPECT_EQ(expr_tree("not a < b"), "(not (< a b))");
  EXPECT_EQ(expr_tree("not a and b"), "(and (not a) b)");
  EXPECT_EQ(expr_tree("not not a"), "(not (not a))");
}

TEST(ParsePrecedence, ArithmeticIsLeftAssociative) {
  EXPECT_EQ(expr_tree("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(expr_tree("a / b * c"), "(* (/ a b) c)");
  EXPECT_EQ(expr_tree("a - b + c"), "(+ (- a b) c)");
  EXPECT_EQ(expr_tree("a or b or c"), "(or (or a b) c)");
}

TEST(ParsePrecedence, ParenthesesGroupAndLeaveNoNode) {
  EXPECT_EQ(expr_tree("(a + b) * c"), "(* (+ a b) c)");
  EXPECT_EQ(expr_tree("(a or b) and c"), "(and (or a b) c)");
  EXPECT_EQ(expr_tree("((((a))))"), "a");
}

TEST(ParsePrecedence, UnaryMinus) {
  EXPECT_EQ(expr_tree("-5"), "(neg 5)");
  EXPECT_EQ(expr_tree("a - -b"), "(- a (neg b))");
  EXPECT_EQ(expr_tree("-a * b"), "(* (neg a) b)");
}

TEST(ParsePrecedence, EveryComparisonOperator) {
  EXPECT_EQ(expr_tree("a = b"), "(= a b)");
  EXPECT_EQ(expr_tree("a != b"), "(!= a b)");
  EXPECT_EQ(expr_tree("a < b"), "(< a b)");
  EXPECT_EQ(expr_tree("a <= b"), "(<= a b)");
  EXPECT_EQ(expr_tree("a > b"), "(> a b)");
  EXPECT_EQ(expr_tree("a >= b"), "(>= a b)");
  EXPECT_EQ(expr_tree("a + 1 >= b * 2"), "(>= (+ a 1) (* b 2))");
}

TEST(ParsePrecedence, ComparisonsDoNotChain) {
  const Diagnostic d = first_error("param p = a < b < c\n");
  EXPECT_EQ(d.kind, DiagKind::syntax);
  EXPECT_EQ(position("param p = a < b < c\n", d).column, 17);
}

TEST(ParsePrecedence, PrinterKeepsTheMeaningWithFewestParentheses) {
  // An `and` inside an `or` keeps its parentheses, for the reader, as does what `not` negates
  // when it is more than a name or a call.
  EXPECT_EQ(expr_text("a or b and not c = d + e * -f"), "a or (b and not (c = d + e * -f))");
  EXPECT_EQ(expr_text("not c"), "not c");
  EXPECT_EQ(expr_text("not (x in (\"A\"))"), "not (x in (\"A\"))");
  EXPECT_EQ(expr_text("a and b or c"), "(a and b) or c");
  EXPECT_EQ(expr_text("a or b or c"), "a or b or c");
  // Comparisons do not chain, so one inside another keeps its parentheses.
  EXPECT_EQ(expr_text("(a = b) = c"), "(a = b) = c");
  EXPECT_EQ(expr_text("a = (b = c)"), "a = (b = c)");
  EXPECT_EQ(expr_text("(x in (\"A\")) = true"), "(x in (\"A\")) = true");
  EXPECT_EQ(expr_text("(a or b) and c"), "(a or b) and c");
  EXPECT_EQ(expr_text("(a + b) * c"), "(a + b) * c");
  EXPECT_EQ(expr_text("a - (b - c)"), "a - (b - c)");
  EXPECT_EQ(expr_text("(a - b) - c"), "a - b - c");
  EXPECT_EQ(expr_text("not (a and b)"), "not (a and b)");
}

// ---- the operator forms of section 4 ----

TEST(ParseForms, InPeriodAndInWindow) {
  EXPECT_EQ(expr_tree("visit_date in period"), "(in-period visit_date)");
  EXPECT_EQ(expr_tree("visit_date in window"), "(in-window visit_date)");
  EXPECT_EQ(expr_tree("visit_date in period and gap is known"),
            "(and (in-period visit_date) (is-known gap))");
}

TEST(ParseForms, PeriodAndWindowFieldsAreMembers) {
  EXPECT_EQ(expr_tree("period.start"), "period.start");
  EXPECT_EQ(expr_tree("window.end"), "window.end");
  EXPECT_EQ(expr_tree("d >= period.start and d <= period.end"),
            "(and (>= d period.start) (<= d period.end))");
  EXPECT_EQ(expr_tree("benchmark.england"), "benchmark.england");
}

TEST(ParseForms, InAndNotInAList) {
  EXPECT_EQ(expr_tree("rec in (\"E11\", \"E12\")"), "(in rec (list \"E11\" \"E12\"))");
  EXPECT_EQ(expr_tree("rec not in (\"E11\", \"E12\")"), "(not-in rec (list \"E11\" \"E12\"))");
  EXPECT_EQ(expr_tree("rec in permanence_codes"), "(in rec permanence_codes)");
  EXPECT_EQ(expr_tree("not rec in codes"), "(not (in rec codes))");
}

TEST(ParseForms, OneStringInParenthesesIsAListOfOne) {
  // ("E11") is a list of one code; parentheses around anything else only group.
  EXPECT_EQ(expr_tree("(\"E11\")"), "(list \"E11\")");
  EXPECT_EQ(expr_tree("rec in (\"E11\")"), "(in rec (list \"E11\"))");
  EXPECT_EQ(expr_tree("(10)"), "10");
  EXPECT_EQ(expr_tree("(a + b) * c"), "(* (+ a b) c)");
}

TEST(ParseForms, Between) {
  EXPECT_EQ(expr_tree("x between 1 and 10"), "(between x 1 10)");
  EXPECT_EQ(expr_tree("x between a + 1 and b * 2"), "(between x (+ a 1) (* b 2))");
  // The `and` after the upper end is logical.
  EXPECT_EQ(expr_tree("x between 1 and 10 and y"), "(and (between x 1 10) y)");
  EXPECT_EQ(expr_tree("d between 2017-04-01 and 2018-03-31"),
            "(between d #2017-04-01 #2018-03-31)");
}

TEST(ParseForms, IsKnownAndIsMissing) {
  EXPECT_EQ(expr_tree("dec is known"), "(is-known dec)");
  EXPECT_EQ(expr_tree("dec is missing"), "(is-missing dec)");
  EXPECT_EQ(expr_tree("dec is not missing"), "(is-known dec)");
  EXPECT_EQ(expr_tree("dec is not known"), "(is-missing dec)");
  EXPECT_EQ(expr_tree("a + b is missing"), "(is-missing (+ a b))");
}

TEST(ParseForms, PreviousWithEveryPart) {
  EXPECT_EQ(expr_tree("previous(x per k order by o where c)"), "(previous x k o c)");
  EXPECT_EQ(expr_tree("previous(visit_date per child_id)"), "(previous visit_date child_id _ _)");
  EXPECT_EQ(expr_tree("next(decom per child_id order by decom)"), "(next decom child_id decom _)");
  EXPECT_EQ(expr_tree("previous(dec per child_id where rec is known)"),
            "(previous dec child_id _ (is-known rec))");
  EXPECT_EQ(expr_tree("days(previous(visit_date per child_id), visit_date)"),
            "(call days (previous visit_date child_id _ _) visit_date)");
  EXPECT_EQ(expr_text("previous(x per k order by o where c)"),
            "previous(x per k order by o where c)");
}

TEST(ParseForms, OrderByTakesSeveralKeysEachWithADirection) {
  EXPECT_EQ(expr_tree("previous(x per k order by a, b desc)"), "(previous x k (order -d a b) _)");
  EXPECT_EQ(expr_tree("next(x per k order by a desc where c)"), "(next x k (order d a) c)");
  EXPECT_EQ(expr_tree("next(x per k order by a asc, b, c desc)"), "(next x k (order a-d a b c) _)");
  EXPECT_EQ(expr_text("previous(x per k order by a, b desc where c)"),
            "previous(x per k order by a, b desc where c)");
  EXPECT_EQ(expr_text("next(x per k order by a asc, b)"), "next(x per k order by a asc, b)");
  EXPECT_EQ(first_error("param p = previous(x per k order by a,)\n").kind, DiagKind::syntax);
}

TEST(ParseForms, IfThenElseChainsAndPrintsBack) {
  EXPECT_EQ(expr_tree("if a then 1 else 0"), "(if a 1 0)");
  EXPECT_EQ(expr_tree("if a then 1 else if b then 2 else 3"), "(if a 1 (if b 2 3))");
  // The else branch takes everything after it; as an operand, an `if` is parenthesised.
  EXPECT_EQ(expr_tree("if a then 1 else 2 + 3"), "(if a 1 (+ 2 3))");
  EXPECT_EQ(expr_tree("(if a then 1 else 2) + 3"), "(+ (if a 1 2) 3)");
  EXPECT_EQ(expr_text("(if a then 1 else 2) + 3"), "(if a then 1 else 2) + 3");
  EXPECT_EQ(expr_text("if a = 1 then b else if c then d else e"),
            "if a = 1 then b else if c then d else e");
  EXPECT_EQ(expr_text("least(x, if a then 1 else 2)"), "least(x, if a then 1 else 2)");
  const Diagnostic no_else = first_error("param p = if a then 1\n");
  EXPECT_NE(no_else.message.find("expected `else`"), std::string::npos) << no_else.message;
  const Diagnostic no_then = first_error("param p = if a 1 else 2\n");
  EXPECT_NE(no_then.message.find("expected `then`"), std::string::npos) << no_then.message;
}

TEST(ParseForms, PreviousNeedsPer) {
  const Diagnostic d = first_error("param p = previous(visit_date)\n");
  EXPECT_EQ(d.kind, DiagKind::syntax);
  EXPECT_NE(d.message.find("per KEY"), std::string::npos) << d.message;
}

TEST(ParseForms, LookupReadsOneColumn) {
  EXPECT_EQ(expr_tree("children[child_id].dob"), "(lookup children child_id .dob)");
  EXPECT_EQ(expr_tree("age(children[child_id].dob, visit_date) < 5"),
            "(< (call age (lookup children child_id .dob) visit_date) 5)");
  EXPECT_EQ(expr_tree("T[a + 1].col"), "(lookup T (+ a 1) .col)");
  const Diagnostic d = first_error("param p = children[child_id]\n");
  EXPECT_NE(d.message.find(".COLUMN"), std::string::npos) << d.message;
}

TEST(ParseForms, CallsAndAggregates) {
  EXPECT_EQ(expr_tree("active(start, end, period.end)"), "(call active start end period.end)");
  EXPECT_EQ(expr_tree("f()"), "(call f)");
  EXPECT_EQ(expr_tree("count"), "(count)");
  EXPECT_EQ(expr_tree("count distinct child_id"), "(count distinct child_id)");
  EXPECT_EQ(expr_tree("median days(a, b)"), "(median (call days a b))");
  EXPECT_EQ(expr_tree("sum x"), "(sum x)");
  EXPECT_EQ(expr_tree("mean x"), "(mean x)");
  EXPECT_EQ(expr_tree("min x"), "(min x)");
  EXPECT_EQ(expr_tree("max x"), "(max x)");
}

// ---- literals ----

TEST(ParseLiterals, Durations) {
  EXPECT_EQ(expr_tree("15 working days"), "(15 working days)");
  EXPECT_EQ(expr_tree("1 working day"), "(1 working days)");
  EXPECT_EQ(expr_tree("10 days"), "(10 days)");
  EXPECT_EQ(expr_tree("1 day"), "(1 days)");
  EXPECT_EQ(expr_tree("6 weeks"), "(6 weeks)");
  EXPECT_EQ(expr_tree("12 months"), "(12 months)");
  EXPECT_EQ(expr_tree("1 year"), "(1 years)");
  EXPECT_EQ(expr_tree("2 years"), "(2 years)");
  EXPECT_EQ(expr_tree("15   working\n   days"), "(15 working days)");
  EXPECT_EQ(expr_tree("gap <= 10"), "(<= gap 10)");
  EXPECT_EQ(expr_tree("d + 1 month"), "(+ d (1 months))");
  auto p = parse("param p = 15 working days\n");
  const ast::Expr& e = p->expr(p->file().params.front().value);
  EXPECT_EQ(e.kind, ExprKind::duration);
  EXPECT_EQ(e.unit, ast::DurationUnit::working_days);
  EXPECT_EQ(e.text, "15");
}

TEST(ParseLiterals, NumbersAndPercentages) {
  auto p = parse("param a = 42\nparam b = 97.4\nparam c = 90%\n");
  ASSERT_FALSE(p->diags.has_errors()) << p->messages();
  const auto& ps = p->file().params;
  ASSERT_EQ(ps.size(), 3u);
  EXPECT_EQ(p->expr(ps[0].value).kind, ExprKind::number);
  EXPECT_EQ(p->expr(ps[0].value).text, "42");
  EXPECT_EQ(p->expr(ps[1].value).kind, ExprKind::number);
  EXPECT_EQ(p->expr(ps[1].value).text, "97.4");
  EXPECT_EQ(p->expr(ps[2].value).kind, ExprKind::percent);
  EXPECT_EQ(p->expr(ps[2].value).text, "90");
  EXPECT_EQ(expr_tree("target - 5"), "(- target 5)");
  EXPECT_EQ(expr_tree("value >= 90% - 5%"), "(>= value (- 90% 5%))");
}

TEST(ParseLiterals, PercentSignMustFollowTheNumber) {
  // `97.5 %` is not a percentage: the % must touch the number.
  auto p = parse("param d = 97.5 %\n");
  EXPECT_TRUE(p->diags.has_errors());
}

TEST(ParseLiterals, DatesAreNotSubtraction) {
  EXPECT_EQ(expr_tree("2017-04-01"), "#2017-04-01");
  EXPECT_EQ(expr_tree("2017 - 04 - 01"), "(- (- 2017 04) 01)");
  // A date that does not exist still parses; the checker reports it.
  EXPECT_EQ(expr_tree("2017-02-30"), "#2017-02-30");
  EXPECT_EQ(expr_tree("d >= 2017-04-01 + 12 months"), "(>= d (+ #2017-04-01 (12 months)))");
}

TEST(ParseLiterals, StringsBooleansAndLists) {
  EXPECT_EQ(expr_tree("\"E11\""), "\"E11\"");
  EXPECT_EQ(expr_tree("\"say \\\"hi\\\" \\\\ bye\""), "\"say \"hi\" \\ bye\"");
  EXPECT_EQ(expr_tree("true"), "true");
  EXPECT_EQ(expr_tree("false"), "false");
  EXPECT_EQ(expr_tree("(\"V3\", \"V4\")"), "(list \"V3\" \"V4\")");
  EXPECT_EQ(expr_tree("(1, 2.5, 3)"), "(list 1 2.5 3)");
  EXPECT_EQ(expr_tree("(10 days, 2 weeks)"), "(list (10 days) (2 weeks))");
  EXPECT_EQ(expr_text("\"a \\\"b\\\"\""), "\"a \\\"b\\\"\"");
}

// ---- declarations ----

TEST(ParseDeclarations, TheSpecIndicatorParsesCompletely) {
  auto p = parse(kSpecIndicator);
  ASSERT_FALSE(p->diags.has_errors()) << p->messages();
  const ast::File& f = p->file();
  ASSERT_EQ(f.tables.size(), 1u);
  ASSERT_EQ(f.params.size(), 1u);
  ASSERT_EQ(f.indicators.size(), 1u);
  const ast::IndicatorDecl& ind = f.indicators[0];
  EXPECT_EQ(ind.name.text, "cp_visits_on_time");
  ASSERT_TRUE(ind.code && ind.title && ind.from && ind.period);
  EXPECT_EQ(ind.code->text, "VP8");
  EXPECT_EQ(ind.from->text, "cp_visits");
  EXPECT_EQ(*ind.period, ast::Cadence::quarter);
  ASSERT_EQ(ind.lets.size(), 1u);
  EXPECT_EQ(ind.lets[0].name.text, "gap");
  EXPECT_EQ(tree(p->module, ind.lets[0].value),
            "(call days (previous visit_date child_id _ _) visit_date)");
  ASSERT_TRUE(ind.denominator && ind.numerator);
  EXPECT_EQ(tree(p->module, ind.denominator->aggregate), "(count)");
  EXPECT_EQ(tree(p->module, ind.denominator->where), "(and (in-period visit_date) (is-known gap))");
  EXPECT_EQ(tree(p->module, ind.numerator->where), "(<= gap cp_visit_days)");
  EXPECT_FALSE(ind.value.has_value());
  ASSERT_TRUE(ind.unit && ind.polarity && ind.target && ind.rag && ind.trend);
  EXPECT_EQ(ind.unit->kind, ast::UnitKind::percent);
  EXPECT_EQ(*ind.polarity, ast::Polarity::higher);
  EXPECT_EQ(tree(p->module, *ind.target), "90%");
  ASSERT_EQ(ind.rag->rules.size(), 3u);
  EXPECT_EQ(ind.rag->rules[0].colour, ast::Colour::green);
  EXPECT_EQ(tree(p->module, ind.rag->rules[1].when), "(>= value (- target 5))");
  EXPECT_EQ(ind.rag->rules[2].colour, ast::Colour::red);
  EXPECT_FALSE(ind.rag->rules[2].when.valid());
  EXPECT_EQ(ind.trend->kind, ast::TrendKind::previous_period);
  EXPECT_EQ(tree(p->module, ind.trend->stable_within), "1");
}

TEST(ParseDeclarations, Tables) {
  auto p = parse(R"tally(table episodes "Looked-after episodes (SSDA903)" {
  child_id    text
  decom       date "dd/mm/yyyy"     # a comment
  rec         text?
  dec         date? "dd/mm/yyyy"
  pl_distance decimal?
  n           int
  uasc        bool
}
table children { child_id text key   dob date   uasc bool }
)tally");
  ASSERT_FALSE(p->diags.has_errors()) << p->messages();
  const auto& t = p->file().tables;
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].title, "Looked-after episodes (SSDA903)");
  ASSERT_EQ(t[0].columns.size(), 7u);
  EXPECT_EQ(t[0].columns[1].type, ast::ColumnType::date);
  EXPECT_EQ(t[0].columns[1].format.value_or(""), "dd/mm/yyyy");
  EXPECT_FALSE(t[0].columns[1].nullable);
  EXPECT_TRUE(t[0].columns[2].nullable);
  EXPECT_TRUE(t[0].columns[3].nullable);
  EXPECT_EQ(t[0].columns[3].format.value_or(""), "dd/mm/yyyy");
  EXPECT_EQ(t[0].columns[4].type, ast::ColumnType::decimal);
  EXPECT_EQ(t[0].columns[5].type, ast::ColumnType::integer);
  EXPECT_EQ(t[0].columns[6].type, ast::ColumnType::boolean);
  ASSERT_EQ(t[1].columns.size(), 3u);
  EXPECT_TRUE(t[1].columns[0].key);
  EXPECT_FALSE(t[1].columns[1].key);
}

TEST(ParseDeclarations, ParamsScenariosAndImports) {
  auto p = parse(R"tally(import "tables.tally"
param cp_visit_days = 10 days  "Max days"
param permanence_codes = ("E11", "E12")
scenario proposal_15 { cp_visit_days = 15 days }
scenario both "Both changes" { cp_visit_days = 15, permanence_codes = ("E11") }
scenario spaced {
  cp_visit_days = 12 days
  permanence_codes = ("E12", "E41")
}
)tally");
  ASSERT_FALSE(p->diags.has_errors()) << p->messages();
  const ast::File& f = p->file();
  ASSERT_EQ(f.imports.size(), 1u);
  EXPECT_EQ(f.imports[0].path, "tables.tally");
  ASSERT_EQ(f.params.size(), 2u);
  EXPECT_EQ(f.params[0].doc, "Max days");
  ASSERT_EQ(f.scenarios.size(), 3u);
  EXPECT_EQ(f.scenarios[1].title, "Both changes");
  ASSERT_EQ(f.scenarios[1].overrides.size(), 2u);
  EXPECT_EQ(f.scenarios[1].overrides[1].name.text, "permanence_codes");
  ASSERT_EQ(f.scenarios[2].overrides.size(), 2u);
  EXPECT_EQ(tree(p->module, f.scenarios[2].overrides[1].value), "(list \"E12\" \"E41\")");
}

TEST(ParseDeclarations, EveryClauseForm) {
  auto p = parse(R"tally(indicator a "Heading" {
  description "d"
  from t
  period month
  window rolling 12 months
  where not uasc
  value median days(a, b) where b in window
  unit rate per 10000
  decimals 2
  polarity range
  target 180 .. 220
  benchmark england 85 "England"
  benchmark neighbours 80
  trend same period last year, stable within 2
}
indicator b { from t period year window year to date unit ratio }
indicator c { from t period quarter window period unit count }
indicator d { unit days }
indicator e { unit number polarity lower trend previous period }
)tally");
  ASSERT_FALSE(p->diags.has_errors()) << p->messages();
  const auto& is = p->file().indicators;
  ASSERT_EQ(is.size(), 5u);
  const ast::IndicatorDecl& a = is[0];
  EXPECT_EQ(a.heading, "Heading");
  ASSERT_TRUE(a.description && a.window && a.where && a.value && a.unit && a.decimals);
  EXPECT_EQ(a.window->kind, ast::WindowKind::rolling_months);
  EXPECT_EQ(a.window->months, 12);
  EXPECT_EQ(tree(p->module, *a.where), "(not uasc)");
  EXPECT_EQ(tree(p->module, a.value->aggregate), "(median (call days a b))");
  EXPECT_EQ(tree(p->module, a.value->where), "(in-window b)");
  EXPECT_EQ(a.unit->kind, ast::UnitKind::rate);
  EXPECT_EQ(a.unit->per, "10000");
  EXPECT_EQ(*a.decimals, 2);
  EXPECT_EQ(*a.polarity, ast::Polarity::range);
  EXPECT_EQ(tree(p->module, *a.target), "(.. 180 220)");
  ASSERT_EQ(a.benchmarks.size(), 2u);
  EXPECT_EQ(a.benchmarks[0].name.text, "england");
  EXPECT_EQ(a.benchmarks[0].label, "England");
  EXPECT_EQ(a.benchmarks[1].label, "");
  ASSERT_TRUE(a.trend);
  EXPECT_EQ(a.trend->kind, ast::TrendKind::same_period_last_year);
  EXPECT_EQ(tree(p->module, a.trend->stable_within), "2");
  EXPECT_EQ(is[1].window->kind, ast::WindowKind::year_to_date);
  EXPECT_EQ(*is[1].period, ast::Cadence::year);
  EXPECT_EQ(is[1].unit->kind, ast::UnitKind::ratio);
  EXPECT_EQ(is[2].window->kind, ast::WindowKind::period);
  EXPECT_EQ(is[2].unit->kind, ast::UnitKind::count);
  EXPECT_EQ(is[3].unit->kind, ast::UnitKind::days);
  EXPECT_EQ(is[4].unit->kind, ast::UnitKind::number);
  EXPECT_EQ(*is[4].polarity, ast::Polarity::lower);
  EXPECT_FALSE(is[4].trend->stable_within.valid());
}

TEST(ParseDeclarations, ClauseGivenTwiceIsReportedByTheParser) {
  auto p = parse("indicator a { from t period month from u }\n");
  ASSERT_EQ(p->diags.items().size(), 1u);
  EXPECT_EQ(p->diags.items()[0].kind, DiagKind::duplicate_clause);
  EXPECT_EQ(p->diags.items()[0].message, "`from` is given twice in this indicator");
  // The first one is kept.
  EXPECT_EQ(p->file().indicators[0].from->text, "t");
}

// ---- layout ----

TEST(ParseLayout, CommentsAnywhere) {
  auto p = parse(R"tally(# heading comment
table cp_visits # after the name
{ # after the brace
  child_id text # a column
  # between columns
  visit_date # between a name and its type
    date
} # after the table
indicator a # here
{
  from # before the table name
    cp_visits
  period quarter
  value count # before where
    where # after where
      visit_date in period # end of condition
      and # between operands
      child_id is known
  target 5 # last clause
}
# no newline at the end)tally");
  ASSERT_FALSE(p->diags.has_errors()) << p->messages();
  ASSERT_EQ(p->file().tables.size(), 1u);
  EXPECT_EQ(p->file().tables[0].columns.size(), 2u);
  ASSERT_EQ(p->file().indicators.size(), 1u);
  const auto& ind = p->file().indicators[0];
  EXPECT_EQ(ind.from->text, "cp_visits");
  EXPECT_EQ(tree(p->module, ind.value->where), "(and (in-period visit_date) (is-known child_id))");
  EXPECT_EQ(tree(p->module, *ind.target), "5");
}

TEST(ParseLayout, HashInsideAStringIsNotAComment) {
  EXPECT_EQ(expr_tree("\"#1 priority\""), "\"#1 priority\"");
}

TEST(ParseLayout, AWholeIndicatorOnOneLineMeansTheSame) {
  const std::string one_line =
      "table cp_visits \"Child protection visits\" { child_id text plan_id text visit_date date } "
      "param cp_visit_days = 10 days \"Max days between CP visits\" "
      "indicator cp_visits_on_time { code \"VP8\" title \"Child protection visits completed on "
      "time\" from cp_visits period quarter let gap = days(previous(visit_date per child_id), "
      "visit_date) denominator count where visit_date in period and gap is known numerator count "
      "where gap <= cp_visit_days unit percent polarity higher target 90% rag { green when value "
      ">= target amber when value >= target - 5 red otherwise } trend previous period, stable "
      "within 1 }";
  auto spread = parse(kSpecIndicator);
  auto flat = parse(one_line);
  ASSERT_FALSE(flat->diags.has_errors()) << flat->messages();
  EXPECT_EQ(printed_without_positions(*flat), printed_without_positions(*spread));
  EXPECT_NE(printed_without_positions(*flat).find("numerator count where gap <= cp_visit_days"),
            std::string::npos);
}

TEST(ParseLayout, TabsCarriageReturnsAndBlankLines) {
  // Outside strings: every line end becomes CR LF and a blank line, every space a tab and a space.
  const std::string text = kSpecIndicator;
  std::string odd_text;
  bool in_string = false;
  for (char c : text) {
    if (c == '"') in_string = !in_string;
    if (!in_string && c == '\n')
      odd_text += "\r\n\r\n";
    else if (!in_string && c == ' ')
      odd_text += "\t ";
    else
      odd_text += c;
  }
  auto spread = parse(kSpecIndicator);
  auto odd = parse(odd_text);
  ASSERT_FALSE(odd->diags.has_errors()) << odd->messages();
  EXPECT_EQ(printed_without_positions(*odd), printed_without_positions(*spread));
  // The positions follow the new layout: the indicator's name is now on line 17.
  EXPECT_EQ(
      odd->sources.get(odd->file().id).line_col(odd->file().indicators[0].name.span.begin).line,
      17);
}

TEST(ParseLayout, EmptyAndCommentOnlyFilesHoldNothing) {
  for (const std::string text : {"", "\n\n", "# just a comment", "# a\n\t# b\r\n"}) {
    auto p = parse(text);
    EXPECT_FALSE(p->diags.has_errors()) << text;
    ASSERT_EQ(p->module.files.size(), 1u);
    EXPECT_TRUE(p->file().indicators.empty());
    EXPECT_TRUE(p->file().tables.empty());
  }
}

// ---- mistakes ----

TEST(ParseErrors, MisspeltClauseIsASyntaxErrorAtTheWord) {
  const std::string text = "indicator a {\n  from t\n  numerater count\n}\n";
  const Diagnostic d = first_error(text);
  EXPECT_EQ(d.kind, DiagKind::syntax);
  EXPECT_EQ(d.message, "expected a clause such as `numerator`, `target` or `}`, found `numerater`");
  EXPECT_EQ(position(text, d).line, 3);
  EXPECT_EQ(position(text, d).column, 3);
}

TEST(ParseErrors, AnErrorCostsOnlyItsOwnDeclaration) {
  auto p = parse(R"tally(table t { a int }
indicator broken {
  from t
  period fortnight
}
indicator fine { from t period month value count }
param p = 3
)tally");
  ASSERT_EQ(p->diags.items().size(), 1u);
  EXPECT_EQ(p->diags.items()[0].message,
            "expected `month`, `quarter` or `year`, found `fortnight`");
  ASSERT_EQ(p->file().indicators.size(), 1u);
  EXPECT_EQ(p->file().indicators[0].name.text, "fine");
  EXPECT_EQ(p->file().params.size(), 1u);
  EXPECT_EQ(p->file().tables.size(), 1u);
}

TEST(ParseErrors, SeveralSyntaxErrorsInOneFile) {
  auto p = parse("param a = (1 2)\nparam b = \"x\nparam c = 1 +* 2\nparam d = 4\n");
  ASSERT_EQ(p->diags.items().size(), 3u) << p->messages();
  for (const auto& d : p->diags.items()) EXPECT_EQ(d.kind, DiagKind::syntax);
  ASSERT_EQ(p->file().params.size(), 1u);
  EXPECT_EQ(p->file().params[0].name.text, "d");
}

TEST(ParseErrors, Strings) {
  const Diagnostic open = first_error("param p = \"abc\n");
  EXPECT_EQ(open.kind, DiagKind::syntax);
  EXPECT_NE(open.message.find("not closed"), std::string::npos) << open.message;
  const Diagnostic escape = first_error("param p = \"a\\tb\"\n");
  EXPECT_EQ(escape.kind, DiagKind::syntax);
  EXPECT_NE(escape.message.find("unknown escape"), std::string::npos) << escape.message;
}

TEST(ParseErrors, MissingValues) {
  EXPECT_EQ(
      first_error("param p = \n").message,
      "expected a value: a number, a name, a string, a date or `(`, found the end of the file");
  EXPECT_EQ(first_error("param p = 1 *\n").message,
            "expected a value after the operator, found the end of the file");
  EXPECT_EQ(first_error("param p = (1, )\n").kind, DiagKind::syntax);
  EXPECT_EQ(first_error("param p = x is\n").message.rfind("expected `known` or `missing`", 0), 0u);
  EXPECT_EQ(first_error("param p = x between 1\n").message.rfind("expected `and`", 0), 0u);
}

TEST(ParseErrors, MissingCloseBrace) {
  const std::string text = "table t { a int }\nindicator a {\n  from t\n";
  const Diagnostic d = first_error(text);
  EXPECT_EQ(d.kind, DiagKind::syntax);
  EXPECT_NE(d.message.find("found the end of the file"), std::string::npos) << d.message;
}

TEST(ParseErrors, KeywordsCannotBeNames) {
  EXPECT_EQ(first_error("param count = 1\n").kind, DiagKind::syntax);
  EXPECT_EQ(first_error("param and = 1\n").kind, DiagKind::syntax);
  EXPECT_EQ(first_error("table where { a int }\n").kind, DiagKind::syntax);
}

TEST(ParseErrors, NestingHasALimitAndHundredsOfThousandsOfParenthesesFailFast) {
  auto nest = [](std::size_t n) {
    return "param p = " + std::string(n, '(') + "1" + std::string(n, ')') + "\n";
  };
  EXPECT_FALSE(parse(nest(g::kMaxNesting))->diags.has_errors());
  const auto over = parse(nest(g::kMaxNesting + 1));
  ASSERT_EQ(over->diags.items().size(), 1u);
  EXPECT_EQ(over->diags.items()[0].kind, DiagKind::too_deep);
  const auto huge = parse("param p = " + std::string(100000, '(') + "\n");
  ASSERT_EQ(huge->diags.items().size(), 1u);
  EXPECT_EQ(huge->diags.items()[0].kind, DiagKind::too_deep);
  std::string nots = "param p = ";
  for (int i = 0; i < 1000; ++i) nots += "not ";
  EXPECT_EQ(first_error(nots + "x\n").kind, DiagKind::too_deep);
  EXPECT_EQ(first_error("param p = " + std::string(1000, '-') + "1\n").kind, DiagKind::too_deep);
}

// `n` copies of `item` joined by `sep`.
std::string repeat(const std::string& item, std::size_t n, const std::string& sep = "") {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += (i ? sep : "") + item;
  return out;
}

// Parsing `text` gives one diagnostic, too_deep, starting at byte `offset`.
void expect_one_too_deep(const std::string& text, std::size_t offset) {
  const auto p = parse(text);
  ASSERT_EQ(p->diags.items().size(), 1u) << p->messages();
  EXPECT_EQ(p->diags.items()[0].kind, DiagKind::too_deep) << p->messages();
  EXPECT_EQ(p->diags.items()[0].span.begin, offset) << p->messages();
}

TEST(ParseErrors, CallsLookupsPreviousAndListItemsCountAsNesting) {
  const std::string head = "param p = ";
  // Thousands deep: one message each, where the limit is passed, never a stack overflow.
  for (const std::string open : {"abs(", "t[", "(1, ", "previous(1 per "}) {
    const std::string text = head + repeat(open, 5000) + "1\n";
    const auto p = parse(text);
    ASSERT_EQ(p->diags.items().size(), 1u) << open;
    EXPECT_EQ(p->diags.items()[0].kind, DiagKind::too_deep) << open;
    EXPECT_EQ(p->diags.items()[0].message, "this expression nests more than 100 levels deep");
  }
  // At the limit a call is fine: 99 calls and the literal make 100 levels.
  auto calls = [&](std::size_t n) {
    return head + repeat("abs(", n) + "1" + std::string(n, ')') + "\n";
  };
  EXPECT_FALSE(parse(calls(g::kMaxNesting - 1))->diags.has_errors());
  // 100 calls: the parser lets them through, the tree builder counts 101 levels.
  expect_one_too_deep(calls(g::kMaxNesting), head.size() + 4);
}

TEST(ParseErrors, EachOperatorOfAChainCountsAsALevel) {
  const std::string head = "param p = ";
  for (const std::string op : {" or ", " and ", " + ", " - ", " * ", " / "}) {
    // 100 terms make 100 levels (99 operators and the first term).
    EXPECT_FALSE(parse(head + repeat("x", g::kMaxNesting, op) + "\n")->diags.has_errors()) << op;
    // The 101st term is one too many: the error points at it.
    expect_one_too_deep(head + repeat("x", g::kMaxNesting + 1, op) + "\n",
                        head.size() + g::kMaxNesting * (1 + op.size()));
    // 20,000 terms: the same one message, where the limit is passed.
    expect_one_too_deep(head + repeat("x", 20000, op) + "\n",
                        head.size() + g::kMaxNesting * (1 + op.size()));
  }
  const Diagnostic chain = first_error(head + repeat("x", 200, " or ") + "\n");
  EXPECT_EQ(chain.message,
            "this expression nests more than 100 levels deep: each operator of a chain such as "
            "`a or b or c` counts as a level");
  // A list of values is not a chain: thousands of codes are fine.
  EXPECT_FALSE(parse(head + "(" + repeat("\"E11\"", 5000, ", ") + ")\n")->diags.has_errors());
}

TEST(ParseErrors, ADeclarationTooDeepIsLeftOutAndTheNextIsRead) {
  const std::string text = "param p = " + repeat("x", 500, " or ") +
                           "\nparam q = 1\nindicator i { where " + repeat("x", 500, " and ") +
                           " }\nparam r = 2\n";
  const auto p = parse(text);
  ASSERT_EQ(p->diags.items().size(), 2u) << p->messages();
  EXPECT_EQ(p->diags.items()[0].kind, DiagKind::too_deep);
  EXPECT_EQ(p->diags.items()[1].kind, DiagKind::too_deep);
  ASSERT_EQ(p->file().params.size(), 2u);
  EXPECT_EQ(p->file().params[0].name.text, "q");
  EXPECT_EQ(p->file().params[1].name.text, "r");
  EXPECT_TRUE(p->file().indicators.empty());
}

TEST(ParseErrors, EncodingIsCheckedFirst) {
  const Diagnostic latin1 = first_error("param p = \"caf\xe9\"\n");
  EXPECT_EQ(latin1.kind, DiagKind::encoding);
  EXPECT_EQ(latin1.span.begin, 14u);
  EXPECT_EQ(latin1.message, "this file is not valid UTF-8 (byte 0xE9)");
  const Diagnostic nul = first_error(std::string("param p = 1\0\n", 13));
  EXPECT_EQ(nul.kind, DiagKind::encoding);
  EXPECT_EQ(nul.span.begin, 11u);
  // Overlong and surrogate encodings are not UTF-8 either.
  EXPECT_EQ(first_error("# \xc0\xaf\n").kind, DiagKind::encoding);
  EXPECT_EQ(first_error("# \xed\xa0\x80\n").kind, DiagKind::encoding);
  // Valid multi-byte text is fine.
  EXPECT_FALSE(
      parse("# caf\xc3\xa9 \xc2\xa3 \xe2\x82\xac \xf0\x9f\x99\x82\nparam p = \"\xc3\xa9\"\n")
          ->diags.has_errors());
}

TEST(ParseErrors, LoneCharactersDoNotCrash) {
  for (const std::string text : {"\"", "{", "}", "(", ")", "[", "=", "\\", "..", "%", "-"}) {
    auto p = parse(text);
    EXPECT_EQ(p->diags.items().size(), 1u) << text;
    EXPECT_EQ(p->diags.items().front().kind, DiagKind::syntax) << text;
  }
}

// ---- rows of the same key and of another table ----

TEST(ParseRows, EveryPartInItsPlace) {
  // args: operand, per, order by, while, where.
  EXPECT_EQ(expr_tree("count(per child_id where reason = \"X1\")"),
            "(count _ child_id _ _ (= reason \"X1\"))");
  EXPECT_EQ(expr_tree("sum(days(decom, dec) per child_id)"),
            "(sum (call days decom dec) child_id _ _ _)");
  EXPECT_EQ(expr_tree("any(place in adoption_places per child_id)"),
            "(any (in place adoption_places) child_id _ _ _)");
  EXPECT_EQ(expr_tree("first(decom per child_id order by decom while decom = prev_dec)"),
            "(first decom child_id decom (= decom prev_dec) _)");
  EXPECT_EQ(expr_tree("exists(from episodes per child_id where rec in codes)"),
            "(exists from episodes _ child_id _ _ (in rec codes))");
  EXPECT_EQ(expr_tree("max(dec from episodes per child_id = cid)"),
            "(max from episodes dec (= child_id cid) _ _ _)");
  EXPECT_EQ(expr_tree("run_number(per child_id order by decom while decom = prev_dec) > 1"),
            "(> (run_number _ child_id decom (= decom prev_dec) _) 1)");
}

TEST(ParseRows, AnAggregateWithoutPerIsStillTheIndicatorsOrACall) {
  // `sum (x)` with no `per` inside stays an indicator's aggregate; `first(a)` a function call.
  EXPECT_EQ(expr_tree("sum (a + b)"), "(sum (+ a b))");
  EXPECT_EQ(expr_tree("first(a)"), "(call first a)");
  EXPECT_EQ(expr_tree("max(\"per\")"), "(max (list \"per\"))");
  // `per` inside nested parentheses belongs to the inner expression.
  EXPECT_EQ(expr_tree("sum(count(per k) per j)"), "(sum (count _ k _ _ _) j _ _ _)");
}

TEST(ParseRows, PrinterGivesTheSourceBack) {
  for (const char* text :
       {"count(per child_id where reason = \"X1\")", "sum(days(decom, dec) per child_id)",
        "mean(days(decom, dec) per child_id order by decom while decom = prev_dec)",
        "any(place in adoption_places per child_id)",
        "last(dec per child_id order by decom while decom = prev_dec)",
        "run_number(per child_id order by decom while decom = prev_dec)",
        "exists(from episodes per child_id where rec in adoption_codes and dec is missing)",
        "count(from episodes per child_id = cid)",
        "min(episodes.decom from episodes per child_id)"})
    EXPECT_EQ(expr_text(text), text);
}

TEST(ParseRows, ErrorsSayWhatWasExpected) {
  EXPECT_NE(expr_tree("count(from per child_id)").find("the table's name after `from`"),
            std::string::npos);
  EXPECT_NE(expr_tree("sum(x per)").find("expected a value"), std::string::npos);
}

}  // namespace
}  // namespace tally
