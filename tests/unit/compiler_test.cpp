// Unit tests of the compiler (lang/plan/compiler.hpp): the indicator's choices in the plan's own
// vocabulary, the clause texts renderers compare, constants in base units, and nodes shared
// between the uses of one let.
#include "lang/plan/compiler.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "lang/base/diagnostics.hpp"
#include "lang/base/source.hpp"
#include "lang/check/program.hpp"
#include "lang/syntax/parse.hpp"

namespace tally::plan {
namespace {

const char* kDefinitions = R"tally(
table visits { child_id text  visit_date date  amount decimal? }
param limit = 2 weeks
indicator monthly_mean {
  code "M1"
  from visits
  period month
  window rolling 3 months
  value mean amount where visit_date in window
  unit number
  polarity lower
  target 5
  rag { amber when value > target  green otherwise }
  trend same period last year, stable within 1
}
indicator on_time "Visits on time" {
  from visits
  period year
  window year to date
  let gap = days(previous(visit_date per child_id), visit_date)
  denominator count distinct child_id where gap is known
  numerator count where gap <= limit and gap >= 0
  unit rate per 1000
  polarity range
  target 10 .. 20
  rag { red when value < 10  green otherwise }
}
)tally";

struct Compiled {
  SourceManager sources;
  ast::Module module;
  Diagnostics diags;
  check::Program program;
  Plan plan;

  const IndicatorPlan& indicator(const std::string& name) const {
    for (const IndicatorPlan& ip : plan.indicators)
      if (ip.name == name) return ip;
    throw std::runtime_error("no indicator " + name);
  }
  const Node& node(NodeId id) const { return plan.nodes.at(static_cast<std::size_t>(id)); }
};

std::unique_ptr<Compiled> compile_text(const std::string& text) {
  auto c = std::make_unique<Compiled>();
  const FileId id = c->sources.add("test.tally", text);
  syntax::parse_file(c->sources, id, c->module, c->diags);
  c->program = check::check_module(c->module, c->module.files.size(), c->diags);
  c->plan = compile(c->program, {});
  return c;
}

TEST(Compiler, ChoicesInThePlansOwnWords) {
  const auto c = compile_text(kDefinitions);
  ASSERT_FALSE(c->diags.has_errors());
  const IndicatorPlan& mean = c->indicator("monthly_mean");
  EXPECT_EQ(mean.cadence, Cadence::month);
  EXPECT_EQ(mean.window, WindowKind::rolling_months);
  EXPECT_EQ(mean.window_months, 3);
  EXPECT_FALSE(mean.ratio);
  EXPECT_EQ(mean.value.op, AggOp::mean);
  EXPECT_EQ(mean.unit, UnitKind::number);
  EXPECT_EQ(mean.polarity, Polarity::lower);
  ASSERT_EQ(mean.rag.size(), 2u);
  EXPECT_EQ(mean.rag[0].colour, Colour::amber);
  EXPECT_EQ(mean.rag[1].colour, Colour::green);
  EXPECT_EQ(mean.rag[1].when, kNone);
  EXPECT_TRUE(mean.has_trend);
  EXPECT_EQ(mean.trend, TrendKind::same_period_last_year);

  const IndicatorPlan& on_time = c->indicator("on_time");
  EXPECT_EQ(on_time.cadence, Cadence::year);
  EXPECT_EQ(on_time.window, WindowKind::year_to_date);
  EXPECT_TRUE(on_time.ratio);
  EXPECT_EQ(on_time.denominator.op, AggOp::count_distinct);
  EXPECT_NE(on_time.denominator.operand, kNone);
  EXPECT_EQ(on_time.numerator.op, AggOp::count);
  EXPECT_EQ(on_time.numerator.operand, kNone);
  EXPECT_EQ(on_time.unit, UnitKind::rate);
  EXPECT_EQ(on_time.unit_text, "rate per 1000");
  EXPECT_EQ(on_time.multiplier, 1000);
  EXPECT_EQ(on_time.polarity, Polarity::range);
  EXPECT_EQ(on_time.rag[0].colour, Colour::red);
  EXPECT_FALSE(on_time.has_trend);
  EXPECT_EQ(on_time.title, "Visits on time");
}

TEST(Compiler, NamesAsTheLanguageSpellsThem) {
  EXPECT_STREQ(agg_op_name(AggOp::count_distinct), "count distinct");
  EXPECT_STREQ(agg_op_name(AggOp::median), "median");
  EXPECT_STREQ(cadence_name(Cadence::quarter), "quarter");
  EXPECT_STREQ(polarity_name(Polarity::lower), "lower");
  EXPECT_STREQ(colour_name(Colour::amber), "amber");
}

TEST(Compiler, ClausesAsNormalisedSource) {
  const auto c = compile_text(kDefinitions);
  ASSERT_FALSE(c->diags.has_errors());
  const IndicatorPlan& on_time = c->indicator("on_time");
  auto clause = [&](const std::string& name) {
    for (const auto& [k, v] : on_time.clauses)
      if (k == name) return v;
    return std::string("(none)");
  };
  EXPECT_EQ(clause("numerator"), "count where gap <= limit and gap >= 0");
  EXPECT_EQ(clause("unit"), "rate per 1000");
  EXPECT_EQ(clause("target"), "10 .. 20");
  EXPECT_EQ(clause("code"), "(none)");
  EXPECT_EQ(c->indicator("monthly_mean").clauses.front(),
            std::make_pair(std::string("code"), std::string("\"M1\"")));
}

TEST(Compiler, ConstantsInBaseUnitsAndLetsShared) {
  const auto c = compile_text(kDefinitions);
  ASSERT_FALSE(c->diags.has_errors());
  ASSERT_EQ(c->plan.params.size(), 1u);
  EXPECT_EQ(c->plan.params[0].declared.number, 14);  // 2 weeks, held in days
  EXPECT_EQ(constant_source(c->plan.params[0].declared), "2 weeks");
  const IndicatorPlan& on_time = c->indicator("on_time");
  ASSERT_EQ(on_time.lets.size(), 1u);
  // `gap <= limit and gap >= 0`: both comparisons read the let's one node.
  const Node& both = c->node(on_time.numerator_where);
  ASSERT_EQ(both.op, NodeOp::and_);
  EXPECT_EQ(c->node(both.a).a, on_time.lets[0].node);
  EXPECT_EQ(c->node(both.b).a, on_time.lets[0].node);
  EXPECT_EQ(c->node(on_time.lets[0].node).type, Type::number(Unit::days));
}

}  // namespace
}  // namespace tally::plan
