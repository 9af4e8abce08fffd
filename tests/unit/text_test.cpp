// Text made safe for where it is shown: visible control characters and stray bytes, Markdown
// escapes, and the one UTF-8 decoder every phase uses.
#include "lang/base/text.hpp"

#include <gtest/gtest.h>

namespace tally {
namespace {

TEST(Utf8Length, ValidSequencesAndTheirCodePoints) {
  char32_t cp = 0;
  EXPECT_EQ(utf8_length("a", 0, &cp), 1u);
  EXPECT_EQ(cp, U'a');
  EXPECT_EQ(utf8_length("\xC3\xA9", 0, &cp), 2u);  // é
  EXPECT_EQ(cp, U'\u00e9');
  EXPECT_EQ(utf8_length("\xE2\x80\xAE", 0, &cp), 3u);  // U+202E
  EXPECT_EQ(cp, U'\u202e');
  EXPECT_EQ(utf8_length("\xF0\x9F\x98\x80", 0, &cp), 4u);
  EXPECT_EQ(cp, U'\U0001F600');
}

TEST(Utf8Length, RefusesWhatIsNotUtf8) {
  EXPECT_EQ(utf8_length("\xFF", 0), 0u);
  EXPECT_EQ(utf8_length("\xC0\xAF", 0), 0u);          // overlong '/'
  EXPECT_EQ(utf8_length("\xED\xA0\x80", 0), 0u);      // a surrogate
  EXPECT_EQ(utf8_length("\xF4\x90\x80\x80", 0), 0u);  // past U+10FFFF
  EXPECT_EQ(utf8_length("\xE2\x80", 0), 0u);          // cut short
  EXPECT_EQ(utf8_length("a\xC3", 1), 0u);
}

TEST(Visible, ControlCharactersStrayBytesAndOverridesAreWrittenOut) {
  EXPECT_EQ(visible("plain é"), "plain é");
  EXPECT_EQ(visible("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
  EXPECT_EQ(visible("a\tb\r\nc"), "a\\tb\\r\\nc");
  EXPECT_EQ(visible("a\nb", true), "a\nb");
  EXPECT_EQ(visible("\x7f"), "\\x7f");
  EXPECT_EQ(visible("\xC2\x9B"), "\\u009b");  // C1 control sequence introducer
  EXPECT_EQ(visible("x\xE2\x80\xAEy"), "x\\u202ey");
  EXPECT_EQ(visible("\xFF\xFE"), "\\xff\\xfe");
}

TEST(MarkdownEscape, MarksAreEscapedButWordsStayReadable) {
  EXPECT_EQ(markdown_escape("<script>"), "\\<script\\>");
  EXPECT_EQ(markdown_escape("a | b"), "a \\| b");
  EXPECT_EQ(markdown_escape("*bold* [link](x)"), "\\*bold\\* \\[link\\](x)");
  EXPECT_EQ(markdown_escape("visit_date"), "visit_date");
  EXPECT_EQ(markdown_escape("_lead"), "\\_lead");
  EXPECT_EQ(markdown_escape("&amp;"), "\\&amp;");
  EXPECT_EQ(markdown_escape("line\nbreak"), "line\\\\nbreak");
}

}  // namespace
}  // namespace tally
