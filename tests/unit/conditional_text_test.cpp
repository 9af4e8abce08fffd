// Conditionals and text functions: the text kernels on UTF-8 text, and over a small table the
// rules for missing values: an `if` whose condition is missing takes its else branch; least and
// greatest skip a missing value and are missing only when all are; made texts (upper, trim,
// substring) compare with constants and with each other; `order by` several keys with `desc`.
#include <gtest/gtest.h>

#include <string>

#include "lang/check/front.hpp"
#include "lang/plan/compiler.hpp"
#include "runtime/exec/executor.hpp"
#include "runtime/exec/text_functions.hpp"
#include "temp_folder.hpp"

namespace tally {
namespace {

using runtime::text_length;
using runtime::text_lower;
using runtime::text_substring;
using runtime::text_trim;
using runtime::text_upper;

TEST(TextKernels, LengthCountsCharactersNotBytes) {
  EXPECT_EQ(text_length(""), 0u);
  EXPECT_EQ(text_length("A123456789012"), 13u);
  EXPECT_EQ(text_length("Zoë"), 3u);                // ë is two bytes
  EXPECT_EQ(text_length("日本"), 2u);               // three bytes each
  EXPECT_EQ(text_length("a\xF0\x9F\x98\x80"), 2u);  // an emoji of four bytes
  EXPECT_EQ(text_length("a\xFF"
                        "b"),
            3u);  // a byte that is not UTF-8 counts as one
}

TEST(TextKernels, UpperLowerTrimChangeOnlyWhatTheySay) {
  EXPECT_EQ(text_upper("un1 Zoë"), "UN1 ZOë");
  EXPECT_EQ(text_lower("UN1 ZOË"), "un1 zoË");
  EXPECT_EQ(text_trim("  E11\t\r\n"), "E11");
  EXPECT_EQ(text_trim("   "), "");
  EXPECT_EQ(text_trim("a b"), "a b");
}

TEST(TextKernels, SubstringIsOneBasedInCharacters) {
  EXPECT_EQ(*text_substring("A123456789012", 1, 1), "A");
  EXPECT_EQ(*text_substring("A123456789012", 2, 3), "123");
  EXPECT_EQ(*text_substring("Zoë!", 3, 1), "ë");
  EXPECT_EQ(*text_substring("日本語", 2, 5), "本語");  // shorter at the end
  EXPECT_EQ(*text_substring("abc", 0, 2), "a");        // position 0 does not exist
  EXPECT_EQ(*text_substring("abc", 4, 2), "");
  EXPECT_EQ(*text_substring("abc", -5, 2), "");
  EXPECT_EQ(*text_substring("abc", 2, 0), "");
  EXPECT_FALSE(text_substring("abc", 1, -1).has_value());
  // Starts and lengths far past any text, with no overflow.
  EXPECT_EQ(*text_substring("abc", -99999999999999, 99999999999999999), "abc");
  EXPECT_EQ(*text_substring("abc", INT64_MAX, INT64_MAX), "");
  EXPECT_EQ(*text_substring("abc", INT64_MIN, INT64_MAX), "");
  EXPECT_EQ(*text_substring("abc", 2, INT64_MAX), "bc");
}

class ConditionalTextTest : public test_support::TempFolderTest {
 protected:
  // The value of each indicator for 2017-18, in order, as text ("-" when missing).
  std::vector<std::string> values(const std::string& definitions, const std::string& csv,
                                  unsigned threads = 1) {
    const auto defs = write("defs.tally", definitions);
    std::filesystem::create_directories(dir_ / "data");
    write("data/rows.csv", csv);
    auto front = check::load_definitions({defs.string()});
    EXPECT_FALSE(front->diags.has_errors());
    if (front->diags.has_errors()) return {};
    const plan::Plan plan = plan::compile(front->program, {});
    runtime::Dataset data = runtime::load_dataset(plan, dir_ / "data", runtime::LoadOptions{});
    for (const auto& e : data.errors) ADD_FAILURE() << e.render("error");
    runtime::RunRequest r;
    r.period = *calendar::parse_period_arg("2017-18");
    r.period_label = "2017-18";
    r.history = 1;
    r.threads = threads;
    std::vector<runtime::Issue> errors;
    runtime::ExecCaches caches;
    const runtime::RunResult result = runtime::execute(plan, data, caches, r, errors);
    EXPECT_TRUE(errors.empty());
    std::vector<std::string> out;
    for (const auto& ind : result.indicators) {
      const auto& v = ind.results.back().value;
      out.push_back(v ? format_exact(*v) : "-");
    }
    return out;
  }
};

constexpr const char* kRows =
    "id,start,end,code,n\n"
    "a,2017-05-01,2017-06-01,  un1 ,1\n"
    "b,2017-05-01,,A123456789012,\n"
    "c,2017-06-01,2018-06-01,,3\n"
    "d,,,Zoë,\n";

TEST_F(ConditionalTextTest, IfWithAMissingConditionTakesTheElseBranch) {
  const auto v = values(R"(
table rows { id text  start date?  end date?  code text?  n int? }
# n > 2 is missing for b and d: they take the else branch (10).
indicator else_when_missing { from rows  period year  value sum (if n > 2 then 1 else 10) }
indicator chained { from rows  period year
  value sum (if n = 1 then 1 else if n = 3 then 100 else 1000) }
indicator missing_branch { from rows  period year  value count where (if id = "a" then n else n) is known }
indicator as_condition { from rows  period year
  value count where if end is missing then start is known else end > 2018-01-01 }
)",
                        kRows);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0], "31");    // a 10, b 10, c 1, d 10
  EXPECT_EQ(v[1], "2101");  // a 1, b 1000, c 100, d 1000
  EXPECT_EQ(v[2], "2");     // a and c have n
  EXPECT_EQ(v[3], "2");     // b (end missing, start known) and c (end after 2018-01-01)
}

TEST_F(ConditionalTextTest, LeastAndGreatestSkipMissingValues) {
  const auto v = values(R"(
table rows { id text  start date?  end date?  code text?  n int? }
indicator least_end { from rows  period year
  value sum days(2017-01-01, least(end, 2018-03-31)) }
indicator known_least { from rows  period year  value count where least(start, end) is known }
indicator greatest_n { from rows  period year  value sum greatest(n, 2, n) }
indicator all_missing { from rows  period year  value count where greatest(n, n) is missing }
)",
                        kRows);
  ASSERT_EQ(v.size(), 4u);
  // a: 2017-06-01 is day 151; b: end missing, so 2018-03-31 (day 454); c: 2018-03-31 (454); d
  // has neither start nor end but least(end, 2018-03-31) is 2018-03-31 (454).
  EXPECT_EQ(v[0], "1513");
  EXPECT_EQ(v[1], "3");  // d has neither
  EXPECT_EQ(v[2], "9");  // a 2, b 2, c 3, d 2
  EXPECT_EQ(v[3], "2");  // b and d
}

TEST_F(ConditionalTextTest, MadeTextsCompareWithConstantsAndEachOther) {
  const auto v = values(R"(
table rows { id text  start date?  end date?  code text?  n int? }
indicator trimmed { from rows  period year  value count where upper(trim(code)) = "UN1" }
indicator lengths { from rows  period year  value sum length(code) }
indicator first_letter { from rows  period year  value count where substring(code, 1, 1) = "A" }
indicator same_made { from rows  period year  value count where lower(code) = lower(upper(code)) }
indicator shape { from rows  period year
  value count where matches(code, "[A-Z][0-9]{12}") or matches(trim(code), "(?i)UN[1-5]") }
indicator affixes { from rows  period year
  value count where starts_with(code, "A1") or ends_with(code, "ë") or contains(code, "n1") }
)",
                        kRows, 2);
  ASSERT_EQ(v.size(), 6u);
  EXPECT_EQ(v[0], "1");   // a
  EXPECT_EQ(v[1], "22");  // a 6 (with its spaces), b 13, d 3
  EXPECT_EQ(v[2], "1");   // b
  EXPECT_EQ(v[3], "3");   // every known code
  EXPECT_EQ(v[4], "2");   // b by shape, a by its trimmed, case-blind code
  EXPECT_EQ(v[5], "3");   // b, d, a
}

TEST_F(ConditionalTextTest, OrderBySeveralKeysWithDescending) {
  const auto v = values(R"(
table rows { id text  start date?  end date?  code text?  n int? }
# One key for all rows: by start, then by n descending.
indicator first_n { from rows  period year
  let before = previous(n per "k" order by start, n desc)
  value sum before }
indicator reversed { from rows  period year
  let after = next(id per "k" order by start desc, id)
  value count where after = "a" }
)",
                        "id,start,end,code,n\n"
                        "a,2017-05-01,,,1\n"
                        "b,2017-05-01,,,5\n"
                        "c,2017-04-01,,,7\n"
                        "d,2017-06-01,,,2\n");
  ASSERT_EQ(v.size(), 2u);
  // Ascending start, n descending: c(7), b(5), a(1), d(2): previous n of b 7, a 5, d 1.
  EXPECT_EQ(v[0], "13");
  // start descending, then id: d, a, b, c: the row whose next is a is d.
  EXPECT_EQ(v[1], "1");
}

TEST_F(ConditionalTextTest, AMissingLaterOrderKeyComesLast) {
  const auto v = values(R"(
table rows { id text  start date?  end date?  code text?  n int? }
# The rows that start on 2017-05-01, by end: b (2017-07-01), then a (no end), whichever way.
indicator after_b { from rows  period year
  let after = next(id per "k" order by start, end)
  value count where id = "b" and after = "a" }
indicator after_b_desc { from rows  period year
  let after = next(id per "k" order by start, end desc)
  value count where id = "b" and after = "a" }
indicator no_first_key { from rows  period year
  let before = previous(id per "k" order by start, end)
  value count where before is known }
)",
                        "id,start,end,code,n\n"
                        "a,2017-05-01,,,1\n"
                        "b,2017-05-01,2017-07-01,,5\n"
                        "c,,2017-04-01,,7\n");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0], "1");
  EXPECT_EQ(v[1], "1");
  EXPECT_EQ(v[2], "1");  // c has no start: left out; only a has a row before it
}

}  // namespace
}  // namespace tally
