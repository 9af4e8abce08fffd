// The tally grammar in PEGTL: one named rule per language concept. `must<>` follows every token
// that commits to a construct, and every rule that can fail under `must<>` has a message in
// error_message<> below, written in the analyst's words. Only lang/syntax includes this file.
#pragma once

#include <tao/pegtl.hpp>

#include "lang/ast/ast.hpp"

namespace tally::syntax::grammar {

namespace pegtl = tao::pegtl;
using pegtl::alpha;
using pegtl::digit;
using pegtl::eof;
using pegtl::eolf;
using pegtl::identifier;
using pegtl::identifier_other;
using pegtl::if_must;
using pegtl::must;
using pegtl::not_at;
using pegtl::not_one;
using pegtl::one;
using pegtl::opt;
using pegtl::plus;
using pegtl::rep;
using pegtl::seq;
using pegtl::sor;
using pegtl::star;
using pegtl::string;
using pegtl::until;

// How deeply expressions may nest (parentheses, calls, lookups, `previous`, unary operators,
// aggregates) before the parser stops with a clear message instead of exhausting the stack. Every
// cycle of rules that can recurse passes through nested<>. The builder then bounds the syntax
// tree by the same number, counting each operator of a chain as one level.
inline constexpr std::size_t kMaxNesting = ast::kMaxDepth;

// Counts nesting on the input and fails hard past kMaxNesting.
template <typename Rule>
struct nested {
  using rule_t = nested;
  using subs_t = pegtl::type_list<Rule>;

  template <pegtl::apply_mode A, pegtl::rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename Input, typename... States>
  static bool match(Input& in, States&&... st) {
    if (++in.private_depth > kMaxNesting) {
      throw pegtl::parse_error("expression nested too deeply", in);
    }
    const bool ok = Control<Rule>::template match<A, M, Action, Control>(in, st...);
    --in.private_depth;
    return ok;
  }
};

struct per_ahead;

}  // namespace tally::syntax::grammar

// nested<R> matches exactly what R matches (it only counts depth), so PEGTL's grammar analysis
// treats it as seq<R>.
#include <tao/pegtl/contrib/analyze_traits.hpp>
namespace tao::pegtl {
template <typename Name, typename Rule>
struct analyze_traits<Name, tally::syntax::grammar::nested<Rule>>
    : analyze_traits<Name, typename seq<Rule>::rule_t> {};
// per_ahead only looks ahead: it consumes nothing.
template <typename Name>
struct analyze_traits<Name, tally::syntax::grammar::per_ahead> : analyze_opt_traits<> {};
}  // namespace tao::pegtl

namespace tally::syntax::grammar {

// ---- Layout: white space and comments ----
struct comment : seq<one<'#'>, until<eolf>> {};
struct space_char : one<' ', '\t', '\r', '\n', '\f', '\v'> {};
struct ws : star<sor<space_char, comment>> {};
template <typename Rule>
struct tok : seq<Rule, ws> {};

// ---- Keywords ----
#define TALLY_KW(name, text) \
  struct kw_##name : TAO_PEGTL_KEYWORD(text) {};
TALLY_KW(and, "and")
TALLY_KW(or, "or")
TALLY_KW(not, "not")
TALLY_KW(in, "in")
TALLY_KW(is, "is")
TALLY_KW(between, "between")
TALLY_KW(where, "where")
TALLY_KW(true, "true")
TALLY_KW(false, "false")
TALLY_KW(distinct, "distinct")
TALLY_KW(when, "when")
TALLY_KW(otherwise, "otherwise")
TALLY_KW(count, "count")
TALLY_KW(sum, "sum")
TALLY_KW(mean, "mean")
TALLY_KW(median, "median")
TALLY_KW(min, "min")
TALLY_KW(max, "max")
TALLY_KW(known, "known")
TALLY_KW(missing, "missing")
TALLY_KW(per, "per")
TALLY_KW(order, "order")
TALLY_KW(by, "by")
TALLY_KW(previous, "previous")
TALLY_KW(next, "next")
TALLY_KW(period, "period")
TALLY_KW(window, "window")
TALLY_KW(import, "import")
TALLY_KW(table, "table")
TALLY_KW(param, "param")
TALLY_KW(scenario, "scenario")
TALLY_KW(indicator, "indicator")
TALLY_KW(key, "key")
TALLY_KW(text, "text")
TALLY_KW(int, "int")
TALLY_KW(decimal, "decimal")
TALLY_KW(date, "date")
TALLY_KW(bool, "bool")
TALLY_KW(code, "code")
TALLY_KW(title, "title")
TALLY_KW(description, "description")
TALLY_KW(from, "from")
TALLY_KW(month, "month")
TALLY_KW(quarter, "quarter")
TALLY_KW(year, "year")
TALLY_KW(rolling, "rolling")
TALLY_KW(months, "months")
TALLY_KW(to, "to")
TALLY_KW(let, "let")
TALLY_KW(denominator, "denominator")
TALLY_KW(numerator, "numerator")
TALLY_KW(value, "value")
TALLY_KW(unit, "unit")
TALLY_KW(percent, "percent")
TALLY_KW(rate, "rate")
TALLY_KW(ratio, "ratio")
TALLY_KW(days, "days")
TALLY_KW(number, "number")
TALLY_KW(decimals, "decimals")
TALLY_KW(polarity, "polarity")
TALLY_KW(higher, "higher")
TALLY_KW(lower, "lower")
TALLY_KW(range, "range")
TALLY_KW(neutral, "neutral")
TALLY_KW(target, "target")
TALLY_KW(rag, "rag")
TALLY_KW(red, "red")
TALLY_KW(amber, "amber")
TALLY_KW(green, "green")
TALLY_KW(trend, "trend")
TALLY_KW(same, "same")
TALLY_KW(last, "last")
TALLY_KW(stable, "stable")
TALLY_KW(within, "within")
TALLY_KW(benchmark, "benchmark")
TALLY_KW(if, "if")
TALLY_KW(then, "then")
TALLY_KW(else, "else")
TALLY_KW(desc, "desc")
TALLY_KW(asc, "asc")
TALLY_KW(extend, "extend")
TALLY_KW(test, "test")
TALLY_KW(expect, "expect")
TALLY_KW(set, "set")
TALLY_KW(rows, "rows")
TALLY_KW(failing, "failing")
TALLY_KW(passing, "passing")
TALLY_KW(colour, "colour")
TALLY_KW(any, "any")
TALLY_KW(exists, "exists")
TALLY_KW(first, "first")
TALLY_KW(run_number, "run_number")
TALLY_KW(while, "while")
TALLY_KW(suppress, "suppress")
TALLY_KW(counts, "counts")
TALLY_KW(as, "as")
TALLY_KW(always, "always")
TALLY_KW(measure, "measure")
#undef TALLY_KW

// Words that can never be names, because they join or end expressions.
struct reserved : sor<kw_and, kw_or, kw_not, kw_in, kw_is, kw_between, kw_where, kw_true, kw_false,
                      kw_distinct, kw_when, kw_otherwise, kw_count, kw_sum, kw_mean, kw_median,
                      kw_min, kw_max, kw_if, kw_then, kw_else> {};

struct name : seq<not_at<reserved>, identifier> {};
struct name_tok : tok<name> {};

// ---- Literals ----
struct string_escape : seq<one<'\\'>, must<one<'"', '\\'>>> {};
struct string_char : sor<string_escape, not_one<'\r', '\n'>> {};
struct string_body : until<one<'"'>, string_char> {};
struct string_lit : seq<one<'"'>, must<string_body>> {};
struct string_tok : tok<string_lit> {};

struct date_lit : seq<rep<4, digit>, one<'-'>, rep<2, digit>, one<'-'>, rep<2, digit>,
                      not_at<identifier_other>> {};
struct number_text : seq<plus<digit>, opt<one<'.'>, plus<digit>>> {};
struct unit_percent : one<'%'> {};
struct unit_working_days : seq<TAO_PEGTL_KEYWORD("working"), ws,
                               sor<TAO_PEGTL_KEYWORD("days"), TAO_PEGTL_KEYWORD("day")>> {};
struct unit_days : sor<TAO_PEGTL_KEYWORD("days"), TAO_PEGTL_KEYWORD("day")> {};
struct unit_weeks : sor<TAO_PEGTL_KEYWORD("weeks"), TAO_PEGTL_KEYWORD("week")> {};
struct unit_months : sor<TAO_PEGTL_KEYWORD("months"), TAO_PEGTL_KEYWORD("month")> {};
struct unit_years : sor<TAO_PEGTL_KEYWORD("years"), TAO_PEGTL_KEYWORD("year")> {};
struct unit_suffix
    : sor<unit_percent,
          seq<ws, sor<unit_working_days, unit_days, unit_weeks, unit_months, unit_years>>> {};
struct number_lit : seq<number_text, not_at<identifier_other>, opt<unit_suffix>> {};
struct bool_lit : sor<kw_true, kw_false> {};

// ---- Expressions ----
struct expression;
struct expr_inner : nested<expression> {};
struct lparen : one<'('> {};
struct rparen : one<')'> {};
struct close_paren : tok<rparen> {};
struct rbracket : one<']'> {};
struct close_bracket : tok<rbracket> {};
struct comma : tok<one<','>> {};
// An expression inside another one: each counts one level of nesting.
struct inner_expression : nested<expression> {};
struct paren_expr
    : seq<tok<lparen>, must<expr_inner>, star<comma, must<inner_expression>>, must<close_paren>> {};

struct call_args : opt<inner_expression, star<comma, must<inner_expression>>> {};
struct call_suffix : seq<tok<lparen>, call_args, must<close_paren>> {};
struct lookup_column : tok<name> {};
struct lookup_dot : tok<one<'.'>> {};
struct lookup_suffix : seq<tok<one<'['>>, must<inner_expression>, must<close_bracket>,
                           must<lookup_dot>, must<lookup_column>> {};
struct member_name : tok<name> {};
struct member_suffix : seq<one<'.'>, not_at<one<'.'>>, ws, must<member_name>> {};
struct name_expr : seq<name, ws, opt<sor<call_suffix, lookup_suffix, member_suffix>>> {};

struct agg_word : sor<kw_sum, kw_mean, kw_median, kw_min, kw_max> {};
struct agg_operand : nested<expression> {};
struct agg_distinct : seq<kw_distinct, ws, must<agg_operand>> {};
struct count_agg : seq<kw_count, ws, opt<agg_distinct>> {};
struct other_agg : seq<agg_word, ws, must<agg_operand>> {};
struct aggregate : sor<count_agg, other_agg> {};

struct prev_word : sor<kw_previous, kw_next> {};
struct prev_per : tok<kw_per> {};
struct prev_by : tok<kw_by> {};
struct order_desc : tok<kw_desc> {};
struct order_asc : tok<kw_asc> {};
struct order_key : seq<inner_expression, opt<sor<order_desc, order_asc>>> {};
struct order_more : seq<comma, must<order_key>> {};
struct prev_order : seq<kw_order, ws, must<prev_by>, must<order_key>, star<order_more>> {};
struct prev_where : seq<kw_where, ws, must<inner_expression>> {};
struct prev_expr
    : seq<prev_word, ws, tok<lparen>, must<inner_expression>, must<prev_per>,
          must<inner_expression>, opt<prev_order>, opt<prev_where>, must<close_paren>> {};

// Whether `per` stands at this level before the `)` that closes the parentheses just opened:
// what tells `sum(x per k)`, a value of each row, from `sum (x)`, an indicator's aggregate, in one
// pass over the characters (strings and comments skipped), so nested calls never parse twice.
struct per_ahead {
  using rule_t = per_ahead;
  using subs_t = pegtl::empty_list;

  template <pegtl::apply_mode, pegtl::rewind_mode, template <typename...> class,
            template <typename...> class, typename Input, typename... States>
  static bool match(Input& in, States&&...) {
    const char* p = in.current();
    const char* end = in.end();
    int depth = 0;
    while (p < end) {
      const char c = *p;
      if (c == '"') {
        for (++p; p < end && *p != '"' && *p != '\n'; ++p)
          if (*p == '\\' && p + 1 < end) ++p;
        if (p < end) ++p;
      } else if (c == '#') {
        while (p < end && *p != '\n') ++p;
      } else if (c == '(' || c == '[') {
        ++depth;
        ++p;
      } else if (c == ')' || c == ']') {
        if (depth == 0) return false;
        --depth;
        ++p;
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                 (c >= '0' && c <= '9')) {
        const char* w = p;
        while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
                           (*p >= '0' && *p <= '9')))
          ++p;
        if (depth == 0 && p - w == 3 && w[0] == 'p' && w[1] == 'e' && w[2] == 'r') return true;
      } else if (c == '{' || c == '}') {
        return false;
      } else {
        ++p;
      }
    }
    return false;
  }
};

// Rows of the same key, or of another table, as a value of each row:
// `AGG([EXPR] [from TABLE] per KEY [order by ORD] [while LINK] [where COND])`.
struct rows_word : sor<kw_count, kw_sum, kw_mean, kw_min, kw_max, kw_any, kw_exists, kw_first,
                       kw_last, kw_run_number> {};
struct rows_table : tok<seq<not_at<kw_per>, name>> {};
struct rows_from : seq<kw_from, ws, must<rows_table>> {};
struct rows_operand : seq<not_at<kw_per>, not_at<kw_from>, inner_expression> {};
struct rows_while : seq<kw_while, ws, must<inner_expression>> {};
struct rows_expr : seq<rows_word, ws, pegtl::at<lparen, ws, per_ahead>, tok<lparen>,
                       opt<rows_operand>, opt<rows_from>, must<prev_per>, must<inner_expression>,
                       opt<prev_order>, opt<rows_while>, opt<prev_where>, must<close_paren>> {};

// `if C then A else B`; `else if` chains, as the else branch is itself an expression.
struct then_word : tok<kw_then> {};
struct else_word : tok<kw_else> {};
struct if_expr : seq<kw_if, ws, must<inner_expression>, must<then_word>, must<inner_expression>,
                     must<else_word>, must<inner_expression>> {};

struct primary : sor<tok<date_lit>, tok<number_lit>, string_tok, tok<bool_lit>, rows_expr,
                     aggregate, prev_expr, if_expr, name_expr, paren_expr> {};

struct minus_sign : tok<one<'-'>> {};
struct unary;
struct unary_operand : nested<unary> {};
struct negation : seq<minus_sign, must<unary_operand>> {};
struct unary : sor<negation, primary> {};

struct mul_op : tok<one<'*', '/'>> {};
struct mul_expr : seq<unary, star<mul_op, must<unary>>> {};
struct add_op : tok<seq<one<'+', '-'>, not_at<one<'-'>>>> {};
struct add_expr : seq<mul_expr, star<add_op, must<mul_expr>>> {};

struct cmp_op
    : tok<sor<string<'<', '='>, string<'>', '='>, string<'!', '='>, one<'<'>, one<'>'>, one<'='>>> {
};
struct cmp_rhs : add_expr {};
struct in_period : seq<kw_period, not_at<ws, one<'.'>>, ws> {};
struct in_window : seq<kw_window, not_at<ws, one<'.'>>, ws> {};
struct in_target : sor<in_period, in_window, add_expr> {};
struct not_in : seq<kw_not, ws, kw_in, ws, must<add_expr>> {};
struct in_test : seq<kw_in, ws, must<in_target>> {};
struct between_and : tok<kw_and> {};
struct between_test : seq<kw_between, ws, must<add_expr>, must<between_and>, must<cmp_rhs>> {};
struct is_not : tok<kw_not> {};
struct known_word : tok<kw_known> {};
struct missing_word : tok<kw_missing> {};
struct is_what : sor<known_word, missing_word> {};
struct is_test : seq<kw_is, ws, opt<is_not>, must<is_what>> {};
struct compare : seq<cmp_op, must<cmp_rhs>> {};
struct cmp_tail : sor<compare, not_in, in_test, between_test, is_test> {};
struct cmp_expr : seq<add_expr, opt<cmp_tail>> {};

struct not_word : tok<kw_not> {};
struct not_expr;
struct not_operand : nested<not_expr> {};
struct logical_not : seq<not_word, must<not_operand>> {};
struct not_expr : sor<logical_not, cmp_expr> {};
struct and_op : tok<kw_and> {};
struct and_expr : seq<not_expr, star<and_op, must<not_expr>>> {};
struct or_op : tok<kw_or> {};
struct or_expr : seq<and_expr, star<or_op, must<and_expr>>> {};
struct expression : or_expr {};

// ---- Declarations ----
struct equals : tok<one<'='>> {};
struct open_brace : tok<one<'{'>> {};
struct rbrace : one<'}'> {};

struct import_decl : seq<kw_import, ws, must<string_tok>> {};

struct column_type : sor<kw_text, kw_int, kw_decimal, kw_date, kw_bool> {};
struct optional_mark : one<'?'> {};
struct column_key : tok<kw_key> {};
struct column_format : string_tok {};
struct column_decl : seq<name_tok, must<column_type>, opt<optional_mark>, ws,
                         star<sor<column_key, column_format>>> {};
struct table_end : tok<rbrace> {};
struct table_decl : seq<kw_table, ws, must<name_tok>, opt<string_tok>, must<open_brace>,
                        star<column_decl>, must<table_end>> {};

struct extend_table_word : tok<kw_table> {};
struct extend_decl : seq<kw_extend, ws, must<extend_table_word>, must<name_tok>, must<open_brace>,
                         star<column_decl>, must<table_end>> {};

struct dated_date : add_expr {};
struct dated_value
    : seq<kw_from, ws, must<dated_date>, must<equals>, must<expression>, opt<string_tok>> {};
struct param_decl : seq<kw_param, ws, must<name_tok>, must<equals>, must<expression>,
                        opt<string_tok>, star<dated_value>> {};

struct assignment : seq<name_tok, must<equals>, must<expression>, opt<comma>> {};
struct scenario_end : tok<rbrace> {};
struct scenario_decl : seq<kw_scenario, ws, must<name_tok>, opt<string_tok>, must<open_brace>,
                           star<assignment>, must<scenario_end>> {};

struct code_clause : seq<kw_code, ws, must<string_tok>> {};
struct title_clause : seq<kw_title, ws, must<string_tok>> {};
struct description_clause : seq<kw_description, ws, must<string_tok>> {};
struct from_clause : seq<kw_from, ws, must<name_tok>> {};
struct cadence : tok<sor<kw_month, kw_quarter, kw_year>> {};
struct period_clause : seq<kw_period, ws, must<cadence>> {};
struct window_months : tok<number_text> {};
struct months_word : tok<sor<kw_months, kw_month>> {};
struct rolling_window : seq<kw_rolling, ws, must<window_months>, must<months_word>> {};
struct to_date : seq<tok<kw_to>, tok<TAO_PEGTL_KEYWORD("date")>> {};
struct ytd_window : seq<kw_year, ws, must<to_date>> {};
struct period_window : tok<kw_period> {};
struct window_spec : sor<rolling_window, ytd_window, period_window> {};
struct window_clause : seq<kw_window, ws, must<window_spec>> {};
struct let_clause : seq<kw_let, ws, must<name_tok>, must<equals>, must<expression>> {};
struct where_clause : seq<kw_where, ws, must<expression>> {};
struct agg_where : seq<kw_where, ws, must<expression>> {};
// `measure NAME = AGG [where COND]`: a named aggregate that numerator, denominator and value can
// combine in arithmetic.
struct measure_clause
    : seq<kw_measure, ws, must<name_tok>, must<equals>, must<expression>, opt<agg_where>> {};
struct denominator_clause : seq<kw_denominator, ws, must<expression>, opt<agg_where>> {};
struct numerator_clause : seq<kw_numerator, ws, must<expression>, opt<agg_where>> {};
struct value_clause : seq<kw_value, ws, must<expression>, opt<agg_where>> {};
struct per_word : tok<kw_per> {};
struct rate_unit : seq<kw_rate, ws, must<per_word>, must<window_months>> {};
struct unit_spec
    : sor<tok<kw_percent>, rate_unit, tok<kw_ratio>, tok<kw_count>, tok<kw_days>, tok<kw_number>> {
};
struct unit_clause : seq<kw_unit, ws, must<unit_spec>> {};
struct decimals_value : tok<number_text> {};
struct decimals_clause : seq<kw_decimals, ws, must<decimals_value>> {};
struct polarity_word : tok<sor<kw_higher, kw_lower, kw_range, kw_neutral>> {};
struct polarity_clause : seq<kw_polarity, ws, must<polarity_word>> {};
struct interval_op : tok<string<'.', '.'>> {};
struct target_upper : seq<interval_op, must<expression>> {};
struct target_clause : seq<kw_target, ws, must<expression>, opt<target_upper>> {};
struct colour : tok<sor<kw_red, kw_amber, kw_green>> {};
struct rag_when : seq<kw_when, ws, must<expression>> {};
struct rag_otherwise : tok<kw_otherwise> {};
struct rag_condition : sor<rag_when, rag_otherwise> {};
struct rag_rule : seq<colour, must<rag_condition>> {};
struct rag_end : tok<rbrace> {};
struct rag_clause : seq<kw_rag, ws, must<open_brace>, star<rag_rule>, must<rag_end>> {};
struct trend_period_word : tok<kw_period> {};
struct last_year : seq<tok<kw_last>, tok<kw_year>> {};
struct trend_previous : seq<kw_previous, ws, must<trend_period_word>> {};
struct trend_same : seq<kw_same, ws, must<trend_period_word>, must<last_year>> {};
struct trend_kind : sor<trend_previous, trend_same> {};
struct within_word : seq<tok<kw_stable>, tok<kw_within>> {};
struct trend_stable : seq<comma, must<within_word>, must<expression>> {};
struct trend_clause : seq<kw_trend, ws, must<trend_kind>, opt<trend_stable>> {};
struct benchmark_clause : seq<kw_benchmark, ws, must<name_tok>, must<expression>, opt<string_tok>> {
};
struct by_clause : seq<kw_by, ws, must<expression>> {};

struct clause : sor<code_clause, title_clause, description_clause, from_clause, period_clause,
                    window_clause, let_clause, where_clause, measure_clause, denominator_clause,
                    numerator_clause, value_clause, unit_clause, decimals_clause, polarity_clause,
                    target_clause, rag_clause, trend_clause, benchmark_clause, by_clause> {};
struct indicator_end : tok<rbrace> {};
struct indicator_decl : seq<kw_indicator, ws, must<name_tok>, opt<string_tok>, must<open_brace>,
                            star<clause>, must<indicator_end>> {};

// ---- Tests: `test "NAME" { ... }`, run by `tally test` and ignored by every other command ----
struct test_indicator : seq<kw_indicator, ws, must<name_tok>, star<comma, must<name_tok>>> {};
struct test_period : seq<kw_period, ws, must<string_tok>> {};
struct test_set : seq<kw_set, ws, must<name_tok>, must<equals>, must<expression>> {};
struct test_scenario : seq<kw_scenario, ws, must<name_tok>> {};
struct test_csv : seq<kw_from, ws, must<string_tok>> {};
struct test_columns
    : seq<tok<lparen>, must<name_tok>, star<comma, must<name_tok>>, must<close_paren>> {};
struct test_row : seq<paren_expr> {};
struct test_rows_end : tok<rbrace> {};
struct test_rows : seq<test_columns, must<open_brace>, star<test_row>, must<test_rows_end>> {};
struct test_table_body : sor<test_csv, test_rows> {};
struct test_table : seq<kw_table, ws, must<name_tok>, must<test_table_body>> {};
struct expect_rows_word : tok<kw_rows> {};
struct expect_kind : sor<seq<sor<kw_numerator, kw_denominator, kw_value, kw_colour, kw_trend>, ws>,
                         seq<sor<kw_failing, kw_passing>, ws, must<expect_rows_word>>> {};
struct expect_subject : seq<not_at<expect_kind>, name_tok> {};
struct test_expect : seq<kw_expect, ws, opt<expect_subject>, must<expect_kind>, must<expression>,
                         star<comma, must<expression>>> {};
struct test_clause
    : sor<test_indicator, test_period, test_set, test_scenario, test_table, test_expect> {};
struct test_end : tok<rbrace> {};
struct test_decl
    : seq<kw_test, ws, must<string_tok>, must<open_brace>, star<test_clause>, must<test_end>> {};

// ---- Small-number suppression: `suppress counts 1 .. 5 [as "*"] [always]` ----
// A bound is read with a sign and a point, so that the checker can say why -1 or 2.5 cannot be one.
struct suppress_bound : seq<opt<one<'-'>, ws>, number_text, not_at<identifier_other>> {};
// The bounds are nodes of their own text only: a comment after one is no part of it.
struct suppress_low : suppress_bound {};
struct suppress_high : suppress_bound {};
struct counts_word : tok<kw_counts> {};
struct suppress_to : tok<string<'.', '.'>> {};
struct suppress_text : seq<kw_as, ws, must<string_tok>> {};
struct suppress_always : tok<kw_always> {};
struct suppress_decl
    : seq<kw_suppress, ws, must<counts_word>, must<suppress_low>, ws, must<suppress_to>,
          must<suppress_high>, ws, opt<suppress_text>, opt<suppress_always>> {};

struct declaration : sor<import_decl, table_decl, extend_decl, param_decl, scenario_decl,
                         indicator_decl, test_decl, suppress_decl> {};
// One declaration at a time, so that a syntax error costs only its own declaration.
struct next_declaration : seq<ws, sor<eof, seq<must<declaration>, ws>>> {};
// The whole file (used by the grammar's analysis test).
struct file : seq<ws, star<declaration, ws>, eof> {};

// ---- Messages for rules that must match ----
template <typename Rule>
inline constexpr const char* error_message = nullptr;

#define TALLY_COMMA ,
#define TALLY_ERR(rule, text) \
  template <>                 \
  inline constexpr const char* error_message<rule> = text;
TALLY_ERR(declaration,
          "expected a declaration: `table`, `extend table`, `param`, `scenario`, `indicator`, "
          "`test`, `import` or `suppress`")
TALLY_ERR(extend_table_word,
          "expected `table` after `extend`, as in `extend table episodes { ... }`")
TALLY_ERR(name_tok, "expected a name (letters, digits and _, not starting with a digit)")
TALLY_ERR(string_tok, "expected a string in double quotes")
TALLY_ERR(string_body, "this string is not closed: add a closing \" on the same line")
TALLY_ERR(one<'"' TALLY_COMMA '\\'>,
          "unknown escape in a string: write \\\" for a quote and \\\\ for a backslash")
TALLY_ERR(expression, "expected a value: a number, a name, a string, a date or `(`")
TALLY_ERR(inner_expression, "expected a value: a number, a name, a string, a date or `(`")
TALLY_ERR(expr_inner, "expected a value inside the parentheses")
TALLY_ERR(close_paren, "expected `)` to close the `(`")
TALLY_ERR(close_bracket, "expected `]` to close the lookup")
TALLY_ERR(lookup_dot,
          "expected `.COLUMN` after `]`: a lookup reads one column, as in children[child_id].dob")
TALLY_ERR(lookup_column, "expected the column to read after `.`")
TALLY_ERR(member_name, "expected a field name after `.`, such as `start` or `end`")
TALLY_ERR(agg_operand,
          "expected the value to aggregate after the aggregate's name, as in `sum pupils`")
TALLY_ERR(prev_per, "expected `per KEY` after the value: previous(visit_date per child_id)")
TALLY_ERR(prev_by, "expected `by` after `order`")
TALLY_ERR(order_key,
          "expected a value to order by after the comma, as in `order by start, end desc`")
TALLY_ERR(then_word, "expected `then` after the condition: if CONDITION then A else B")
TALLY_ERR(else_word,
          "expected `else` after the `then` value: an `if` always says what it gives otherwise")
TALLY_ERR(rows_table,
          "expected the table's name after `from`, as in `count(from episodes per child_id)`")
TALLY_ERR(unary_operand, "expected a value after `-`")
TALLY_ERR(unary, "expected a value after the operator")
TALLY_ERR(mul_expr, "expected a value after the operator")
TALLY_ERR(add_expr, "expected a value, such as a list `(\"A\", \"B\")` or a parameter's name")
TALLY_ERR(in_target,
          "expected `period`, `window`, a list `(\"A\", \"B\")` or a parameter after `in`")
TALLY_ERR(between_and, "expected `and` between the two ends of `between`")
TALLY_ERR(cmp_rhs, "expected a value to compare with")
TALLY_ERR(is_what, "expected `known` or `missing` after `is`")
TALLY_ERR(not_expr, "expected a condition after `and`")
TALLY_ERR(and_expr, "expected a condition after `or`")
TALLY_ERR(not_operand, "expected a condition after `not`")
TALLY_ERR(equals, "expected `=`")
TALLY_ERR(dated_date, "expected the date the value is in force from, as in `from 2019-04-01 = 15`")
TALLY_ERR(open_brace, "expected `{`")
TALLY_ERR(column_type, "expected a column type: text, int, decimal, date or bool")
TALLY_ERR(table_end, "expected a column (`name type`) or `}` to end the table")
TALLY_ERR(scenario_end, "expected an override (`name = value`) or `}` to end the scenario")
TALLY_ERR(cadence, "expected `month`, `quarter` or `year`")
TALLY_ERR(window_months, "expected a whole number")
TALLY_ERR(months_word, "expected `months`")
TALLY_ERR(to_date, "expected `year to date`")
TALLY_ERR(window_spec, "expected `rolling N months`, `year to date` or `period`")
TALLY_ERR(per_word, "expected `per`, as in `rate per 10000`")
TALLY_ERR(unit_spec, "expected a unit: percent, rate per N, ratio, count, days or number")
TALLY_ERR(decimals_value, "expected the number of decimal places, such as `decimals 1`")
TALLY_ERR(polarity_word, "expected `higher`, `lower`, `range` or `neutral`")
TALLY_ERR(rag_condition, "expected `when CONDITION` or `otherwise` after the colour")
TALLY_ERR(rag_end, "expected a rule such as `green when value >= target`, `red otherwise`, or `}`")
TALLY_ERR(trend_period_word, "expected `period`")
TALLY_ERR(last_year, "expected `last year`")
TALLY_ERR(trend_kind, "expected `previous period` or `same period last year`")
TALLY_ERR(within_word, "expected `stable within X` after the comma")
TALLY_ERR(indicator_end, "expected a clause such as `numerator`, `target` or `}`")
TALLY_ERR(test_rows_end, "expected a row `(VALUE, ...)` or `}` to end the table")
TALLY_ERR(test_table_body,
          "expected `from \"FILE.csv\"` or the columns `(NAME, ...)` and then `{ rows }`")
TALLY_ERR(expect_rows_word, "expected `rows`, as in `expect failing rows 2, 3`")
TALLY_ERR(expect_kind,
          "expected what to expect: `numerator`, `denominator`, `value`, `colour`, `trend`, "
          "`failing rows` or `passing rows`")
TALLY_ERR(test_end,
          "expected `indicator`, `period`, `set`, `scenario`, `table`, `expect` or `}` in the test")
TALLY_ERR(counts_word, "expected `counts` after `suppress`, as in `suppress counts 1 .. 5`")
TALLY_ERR(suppress_low, "expected the smallest count to hide, as in `suppress counts 1 .. 5`")
TALLY_ERR(suppress_to, "expected `..` between the bounds, as in `suppress counts 1 .. 5`")
TALLY_ERR(suppress_high,
          "expected the largest count to hide after `..`, as in `suppress counts 1 .. 5`")
#undef TALLY_ERR
#undef TALLY_COMMA

}  // namespace tally::syntax::grammar
