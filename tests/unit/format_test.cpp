// tally fmt's parts: comments found by a pass over the text, the unified diff, formatting that
// keeps meaning and comments and is idempotent; and the language server's positions (UTF-16
// columns) and URIs.
#include "lang/format/format.hpp"

#include <gtest/gtest.h>

#include "lsp/analysis.hpp"

namespace tally {
namespace {

TEST(Comments, HashInsideAStringIsNoComment) {
  const std::string text = "param p = \"a # b\"  # doc\n# own line\nparam q = 1\n";
  const auto comments = format::collect_comments(text);
  ASSERT_EQ(comments.size(), 2u);
  EXPECT_EQ(text.substr(comments[0].begin, comments[0].end - comments[0].begin), "# doc");
  EXPECT_TRUE(comments[0].after_code);
  EXPECT_EQ(text.substr(comments[1].begin, comments[1].end - comments[1].begin), "# own line");
  EXPECT_FALSE(comments[1].after_code);
}

TEST(Comments, EscapedQuoteDoesNotEndTheString) {
  const std::string text = "param p = \"a \\\" # b\"\n";
  EXPECT_TRUE(format::collect_comments(text).empty());
}

TEST(UnifiedDiff, EqualTextsGiveNothing) {
  EXPECT_EQ(format::unified_diff("a\nb\n", "a\nb\n", "x", "y"), "");
}

TEST(UnifiedDiff, OneChangedLineWithContext) {
  const std::string a = "1\n2\n3\n4\n5\n6\n7\n8\n";
  const std::string b = "1\n2\n3\n4\nfive\n6\n7\n8\n";
  EXPECT_EQ(format::unified_diff(a, b, "a", "b"),
            "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

TEST(UnifiedDiff, FarApartChangesAreTwoHunks) {
  std::string a, b;
  for (int i = 1; i <= 20; ++i) {
    a += std::to_string(i) + "\n";
    b += (i == 2 || i == 18 ? "x" : std::to_string(i)) + "\n";
  }
  const std::string diff = format::unified_diff(a, b, "a", "b");
  EXPECT_NE(diff.find("@@ -1,5 +1,5 @@"), std::string::npos) << diff;
  EXPECT_NE(diff.find("@@ -15,6 +15,6 @@"), std::string::npos) << diff;
}

const char* kMessy = R"(# head
param   x=1 "doc"   # after x
table t { a text  b date }
indicator i {   # opens
  from t
  period quarter
  # above where
  where a = "x" or a = "y" and b is known
  value count
  rag { green when value >= 1   red otherwise }  # after rag
}
# tail
)";

TEST(Format, KeepsEveryCommentAndIsIdempotent) {
  const format::Outcome once = format::format_source("messy.tally", kMessy);
  ASSERT_EQ(once.status, format::Outcome::Status::ok) << once.diagnostics;
  for (const char* c : {"# head", "# after x", "# opens", "# above where", "# after rag", "# tail"})
    EXPECT_NE(once.text.find(c), std::string::npos) << c << " lost:\n" << once.text;
  EXPECT_NE(once.text.find("where       a = \"x\" or (a = \"y\" and b is known)"),
            std::string::npos)
      << once.text;
  const format::Outcome twice = format::format_source("messy.tally", once.text);
  ASSERT_EQ(twice.status, format::Outcome::Status::ok);
  EXPECT_EQ(twice.text, once.text);
}

TEST(Format, KeepsCrlfAndByteOrderMark) {
  const format::Outcome out = format::format_source("f.tally", "\xEF\xBB\xBFparam  x = 1\r\n");
  ASSERT_EQ(out.status, format::Outcome::Status::ok);
  EXPECT_EQ(out.text, "\xEF\xBB\xBFparam x = 1\r\n");
}

TEST(Format, RefusesAFileThatDoesNotParse) {
  const format::Outcome out = format::format_source("bad.tally", "param x = \n");
  EXPECT_EQ(out.status, format::Outcome::Status::parse_error);
  EXPECT_NE(out.diagnostics.find("bad.tally:2:1"), std::string::npos) << out.diagnostics;
}

TEST(Format, CutsALongConditionBeforeEachAnd) {
  const std::string text =
      "indicator i {\n  from t\n  where aaaaaaaaaaaaaaaaaaaa = 1 and bbbbbbbbbbbbbbbbbbbbbbbbbb = "
      "2 "
      "and ccccccccccccccccccccccccc = 3 and dddddddddddddd = 4\n}\n";
  const format::Outcome out = format::format_source("long.tally", text);
  ASSERT_EQ(out.status, format::Outcome::Status::ok);
  EXPECT_NE(out.text.find("  where       aaaaaaaaaaaaaaaaaaaa = 1\n              and bbbb"),
            std::string::npos)
      << out.text;
}

TEST(Format, TwoLetsOnOneLineAreOneRun) {
  // Cut into two lines, the lets line up as lets on neighbouring lines do, so that formatting the
  // result again changes nothing.
  const format::Outcome out = format::format_source(
      "lets.tally", "indicator i {\n  from t\n  let a = 1  let longer_name = 2\n}\n");
  ASSERT_EQ(out.status, format::Outcome::Status::ok) << out.diagnostics;
  EXPECT_NE(out.text.find("  let a           = 1\n  let longer_name = 2\n"), std::string::npos)
      << out.text;
}

TEST(LspPositions, Utf16ColumnsBothWays) {
  // "é" is two bytes and one UTF-16 unit; "😀" is four bytes and two units.
  const std::string text = "ab\n\xC3\xA9\xF0\x9F\x98\x80x\n";
  const auto pos = lsp::position_at(text, 9);  // the x
  EXPECT_EQ(pos["line"], 1);
  EXPECT_EQ(pos["character"], 3);
  EXPECT_EQ(lsp::offset_at(text, 1, 3), 9u);
  EXPECT_EQ(lsp::offset_at(text, 1, 99), 10u);  // past the end of the line: its end
  EXPECT_EQ(lsp::offset_at(text, 99, 0), text.size());
}

TEST(LspUris, PercentEncodingBothWays) {
  EXPECT_EQ(lsp::path_of_uri("file:///home/a%20b/x.tally"), "/home/a b/x.tally");
  EXPECT_EQ(lsp::uri_of_path("/home/a b/x.tally"), "file:///home/a%20b/x.tally");
}

}  // namespace
}  // namespace tally
