// The checker's side of conditionals and text: RE2 patterns read at check time, the types an `if`
// and least/greatest give, and where the missing-value warning is and is not given.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "lang/check/conditional_text.hpp"
#include "lang/check/program.hpp"
#include "lang/syntax/parse.hpp"

namespace tally::check {
namespace {

struct Checked {
  SourceManager sources;
  ast::Module module;
  Diagnostics diags;
  Program program;

  int count(DiagKind kind) const {
    int n = 0;
    for (const auto& d : diags.items()) n += d.kind == kind;
    return n;
  }
  std::string messages() const {
    std::string out;
    for (const auto& d : diags.items()) out += d.message + "\n";
    return out;
  }
  const ast::IndicatorDecl& decl(std::size_t i) const { return *program.indicators.at(i).decl; }
};

std::unique_ptr<Checked> check_text(const std::string& text) {
  auto c = std::make_unique<Checked>();
  const FileId id = c->sources.add("test.tally", text);
  syntax::parse_file(c->sources, id, c->module, c->diags);
  c->program = check_module(c->module, c->module.files.size(), c->diags);
  return c;
}

constexpr const char* kTable = R"(
table rows { id text  start date  end date?  code text?  n int?  flag bool? }
)";

TEST(PatternCheck, RE2ReadsThePatternAndSaysWhatIsWrong) {
  EXPECT_FALSE(pattern_error("[A-HJ-NP-RT-Z]([0-9]{12}|[0-9]{11}[A-Z])|UN[1-5]").has_value());
  EXPECT_FALSE(pattern_error("").has_value());
  const auto open = pattern_error("(UN[1-5]");
  ASSERT_TRUE(open.has_value());
  EXPECT_NE(open->find("missing )"), std::string::npos) << *open;
  EXPECT_TRUE(pattern_error("[A-Z").has_value());
  EXPECT_TRUE(pattern_error("(?=A)").has_value());  // no look-ahead in RE2
}

TEST(ConditionalTypes, BranchesDecideTheTypeAndUnit) {
  auto c = check_text(std::string(kTable) + R"(
indicator a { from rows  period year
  let d = if end is missing then period.end else end
  let k = if n > 1 then 1 else 0
  let w = if n > 1 then days(start, end) else 0
  let l = least(end, period.end, start)
  value count where d is known and k = 1 and w > 3 days and l is known }
)");
  ASSERT_EQ(c->count(DiagKind::type_mismatch) + c->count(DiagKind::unit_mismatch), 0)
      << c->messages();
  const auto& lets = c->decl(0).lets;
  EXPECT_EQ(c->program.type(lets[0].value).kind, Kind::date);
  EXPECT_EQ(c->program.type(lets[1].value).kind, Kind::number);
  // A plain 0 in one branch takes the other's unit.
  EXPECT_EQ(c->program.type(lets[2].value).unit, Unit::days);
  EXPECT_EQ(c->program.type(lets[3].value).kind, Kind::date);
  EXPECT_EQ(c->program.levels[lets[0].value.value], Level::row);
}

TEST(MissingLogic, WarnedOverValuesThatMayBeMissingOnly) {
  auto c = check_text(std::string(kTable) + R"(
indicator warned { from rows  period year
  value count where code != "X" or not flag or n not in (1, 2) or previous(id per id) != "a" }
indicator never_missing { from rows  period year
  value count where id != "X" and not (start > 2017-01-01) and id not in ("a") }
indicator guarded { from rows  period year
  where code is known
  denominator count where flag is known
  numerator   count where code != "X" and not flag and (n is missing or n != 1)
                      and coalesce(n, 0) != 3 and (if end is known then end != start else true) }
)");
  EXPECT_EQ(c->count(DiagKind::missing_logic), 4) << c->messages();
  for (const auto& d : c->diags.items()) {
    if (d.kind != DiagKind::missing_logic) continue;
    EXPECT_EQ(d.severity, Severity::warning);
    EXPECT_NE(d.hint.find("is missing or"), std::string::npos) << d.hint;
  }
}

}  // namespace
}  // namespace tally::check
