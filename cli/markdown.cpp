#include "cli/markdown.hpp"

#include <cctype>
#include <vector>

#include "cli/render.hpp"

namespace tally::cli {

namespace {

enum class BlockKind { paragraph, bullet, numbered };

struct Block {
  BlockKind kind = BlockKind::paragraph;
  std::string text;  // the lines joined by spaces, list marks removed
};

// The length of a list mark at the start of `line` ("- ", "* ", "+ ", "12. "), with the blanks
// after it; 0 when the line is not a list item.
std::size_t list_mark(std::string_view line, BlockKind& kind) {
  std::size_t i = 0;
  while (i < line.size() && i < 3 && line[i] == ' ') ++i;
  if (i + 1 < line.size() && (line[i] == '-' || line[i] == '*' || line[i] == '+') &&
      line[i + 1] == ' ') {
    kind = BlockKind::bullet;
    i += 2;
  } else {
    const std::size_t digits = i;
    while (i < line.size() && i - digits < 9 && line[i] >= '0' && line[i] <= '9') ++i;
    if (i == digits || i + 1 >= line.size() || line[i] != '.' || line[i + 1] != ' ') return 0;
    kind = BlockKind::numbered;
    i += 2;
  }
  while (i < line.size() && line[i] == ' ') ++i;
  return i;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<Block> blocks_of(std::string_view text) {
  std::vector<Block> blocks;
  bool open = false;  // the last block takes further lines
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    const std::string_view line = trim(raw);
    if (line.empty()) {
      open = false;
      if (end == text.size()) break;
      continue;
    }
    BlockKind kind = BlockKind::paragraph;
    const std::size_t mark = list_mark(raw, kind);
    if (mark > 0) {
      blocks.push_back(Block{kind, std::string(trim(raw.substr(mark)))});
      open = true;
    } else if (open) {
      blocks.back().text += ' ';
      blocks.back().text += line;
    } else {
      blocks.push_back(Block{BlockKind::paragraph, std::string(line)});
      open = true;
    }
    if (end == text.size()) break;
  }
  return blocks;
}

// Where `mark` closes what opens before `from`: within kReach characters, so that a text of
// marks that never close costs a bounded look-ahead for each.
constexpr std::size_t kReach = 2000;
std::size_t closing(std::string_view s, std::string_view mark, std::size_t from) {
  if (from > s.size()) return std::string_view::npos;
  const std::size_t at = s.substr(from, kReach + mark.size()).find(mark);
  return at == std::string_view::npos ? at : from + at;
}

// Inline marks: `**strong**`, `*em*` or `_em_`, `[text](url)` as "text (url)", `\x` for a mark
// written as itself. `html`: tags and escaped text; otherwise plain text.
std::string inline_marks(std::string_view s, bool html, int depth = 0) {
  std::string out, plain;
  auto flush = [&] {
    out += html ? html_escape(plain) : plain;
    plain.clear();
  };
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size() &&
        std::string_view("\\*_[]()`#").find(s[i + 1]) != std::string_view::npos) {
      plain += s[i + 1];
      i += 2;
      continue;
    }
    if (depth < 4 && (c == '*' || c == '_')) {
      const bool strong = i + 1 < s.size() && s[i + 1] == c;
      const std::string_view mark = strong ? s.substr(i, 2) : s.substr(i, 1);
      const std::size_t from = i + mark.size();
      const std::size_t close = closing(s, mark, from);
      // An underscore inside a word (snake_case_name) is a letter, not a mark.
      auto word = [&](std::size_t k) {
        return k < s.size() && (std::isalnum(static_cast<unsigned char>(s[k])) != 0);
      };
      const bool in_word =
          c == '_' && ((i > 0 && word(i - 1)) ||
                       (close != std::string_view::npos && word(close + mark.size())));
      if (close != std::string_view::npos && close > from && s[from] != ' ' &&
          s[close - 1] != ' ' && !in_word) {
        flush();
        const std::string inner = inline_marks(s.substr(from, close - from), html, depth + 1);
        if (html)
          out += strong ? "<strong>" + inner + "</strong>" : "<em>" + inner + "</em>";
        else
          out += inner;
        i = close + mark.size();
        continue;
      }
    }
    if (c == '[' && depth < 4) {
      const std::size_t close = closing(s, "](", i + 1);
      const std::size_t paren =
          close == std::string_view::npos ? close : closing(s, ")", close + 2);
      if (close != std::string_view::npos && paren != std::string_view::npos) {
        flush();
        out += inline_marks(s.substr(i + 1, close - i - 1), html, depth + 1);
        const std::string_view url = s.substr(close + 2, paren - close - 2);
        if (!url.empty()) {
          const std::string shown = " (" + std::string(url) + ")";
          out += html ? html_escape(shown) : shown;
        }
        i = paren + 1;
        continue;
      }
    }
    plain += c;
    ++i;
  }
  flush();
  return out;
}

}  // namespace

std::string markdown_to_html(std::string_view markdown) {
  std::string out;
  const std::vector<Block> blocks = blocks_of(markdown);
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const Block& block = blocks[b];
    const std::string body = inline_marks(block.text, true);
    if (block.kind == BlockKind::paragraph) {
      out += "<p>" + body + "</p>\n";
      continue;
    }
    const char* list = block.kind == BlockKind::bullet ? "ul" : "ol";
    if (b == 0 || blocks[b - 1].kind != block.kind) out += std::string("<") + list + ">\n";
    out += "<li>" + body + "</li>\n";
    if (b + 1 == blocks.size() || blocks[b + 1].kind != block.kind)
      out += std::string("</") + list + ">\n";
  }
  return out;
}

std::string markdown_to_text(std::string_view markdown) {
  std::string out;
  for (const Block& block : blocks_of(markdown)) {
    if (!out.empty()) out += ' ';
    if (block.kind == BlockKind::bullet) out += "- ";
    out += inline_marks(block.text, false);
  }
  return out;
}

}  // namespace tally::cli
