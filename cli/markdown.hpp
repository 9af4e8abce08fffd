// A small, safe subset of Markdown for the service's commentary: paragraphs, `*emphasis*`,
// `**strong**`, lists (`- `, `* `, `1. `) and links written as text. Every other character is
// text: raw HTML, images and headings never become markup.
#pragma once

#include <string>
#include <string_view>

namespace tally::cli {

// The commentary as HTML: <p>, <ul>/<ol> with <li>, <em>, <strong>; a link `[text](url)` becomes
// "text (url)" as plain text. Every character of `markdown` is escaped.
std::string markdown_to_html(std::string_view markdown);

// The commentary as one line of plain text (marks of emphasis dropped, links as "text (url)",
// paragraphs and list items joined by spaces): for cells of a table or a workbook.
std::string markdown_to_text(std::string_view markdown);

}  // namespace tally::cli
