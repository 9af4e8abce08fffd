// Text from definitions and data made safe for where it is shown: control characters, bytes that
// are not UTF-8 and bidirectional overrides written out visibly (for terminals and messages), and
// Markdown's own marks escaped.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tally {

// The length of the valid UTF-8 sequence at text[at] (1 to 4), or 0 when the bytes there are not
// one (overlong forms, surrogates and code points past U+10FFFF included); its code point goes to
// `code_point` when given.
std::size_t utf8_length(std::string_view text, std::size_t at, char32_t* code_point = nullptr);

// `text` with each control character (C0, DEL, C1), each byte that is not part of valid UTF-8 and
// each bidirectional override written as an escape a reader sees: `\t`, `\n`, `\r`, `\x1b`,
// `\xff`, `\u202e`. With `keep_newlines`, line breaks stay line breaks (for whole listings).
std::string visible(std::string_view text, bool keep_newlines = false);

// `text` for a Markdown table cell or list item: the marks that start emphasis, code, links,
// raw HTML, entities, headings, strike-through and table cells are backslash-escaped, after
// `visible` (so a line break shows as `\n`): text from data or definitions renders as written and
// never as markup.
std::string markdown_escape(std::string_view text);

}  // namespace tally
