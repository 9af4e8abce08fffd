#include "lang/format/format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>

#include "lang/base/diagnostics.hpp"
#include "lang/base/value.hpp"
#include "lang/syntax/parse.hpp"

namespace tally::format {

std::vector<Comment> collect_comments(std::string_view text) {
  std::vector<Comment> out;
  bool code_on_line = false;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') {
      code_on_line = false;
      ++i;
    } else if (c == '"') {
      // A string runs to its closing quote or the end of the line (an unclosed one is a syntax
      // error, reported by the parser).
      code_on_line = true;
      ++i;
      while (i < text.size() && text[i] != '"' && text[i] != '\n') i += text[i] == '\\' ? 2 : 1;
      if (i < text.size() && text[i] == '"') ++i;
    } else if (c == '#') {
      std::size_t end = i;
      while (end < text.size() && text[end] != '\n') ++end;
      std::size_t trimmed = end;
      while (trimmed > i &&
             (text[trimmed - 1] == '\r' || text[trimmed - 1] == ' ' || text[trimmed - 1] == '\t'))
        --trimmed;
      out.push_back(Comment{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(trimmed),
                            code_on_line});
      i = end;
    } else {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v') code_on_line = true;
      ++i;
    }
  }
  return out;
}

namespace {

// Clause keywords are padded to this width so that their values start in one column.
constexpr std::size_t kLabelWidth = 12;
// A line longer than this does not push the trailing comments of its neighbours to the right.
constexpr std::size_t kAlignLimit = 80;
// Expressions that would pass this column are cut before their top-level `and`s or `or`s.
constexpr std::size_t kWidth = 100;

// `word` and at least one space, `width` characters when it is shorter.
std::string padded(const std::string& word, std::size_t width) {
  return word.size() + 1 >= width ? word + " " : word + std::string(width - word.size(), ' ');
}
std::string label(const char* keyword) { return padded(keyword, kLabelWidth); }

struct Line {
  std::size_t indent = 0;
  std::string code;     // empty for a blank line and for a line holding only a comment
  std::string comment;  // a trailing comment, or the whole line's comment
  bool blank = false;
  bool opens = false;  // ends with `{`: no blank line may follow it
};

// Collects the output lines, taking the source's comments in order as it goes: each is written
// once, above the item it precedes or at the end of the line it ends.
class Writer {
 public:
  explicit Writer(const SourceFile& source)
      : source_(source), text_(source.text()), comments_(collect_comments(text_)) {}

  // Writes every comment that starts before `offset` on a line of its own.
  void comments_before(std::uint32_t offset, std::size_t indent) {
    while (next_ < comments_.size() && comments_[next_].begin < offset)
      own_line_comment(comments_[next_++], indent);
  }

  // One item of source bytes [begin, end) as the lines `code`. Comments inside it move above
  // it, except one at the end of its last line, which stays there.
  // `limit` is where the next item (or the block's `}`) begins: text before it that is not space
  // or a comment is this item's too, though its span may stop short (`rolling 12 months`).
  void item(std::uint32_t begin, std::uint32_t end, std::size_t indent,
            const std::vector<std::string>& code, bool opens = false, std::uint32_t limit = 0) {
    comments_before(begin, indent);
    end = without_trailing_comments(begin, end);
    if (limit > end) end = code_end(end, limit);
    const int last_line = line_of(end > begin ? end - 1 : begin);
    const std::uint32_t stop = line_end(end > begin ? end - 1 : begin);
    std::string trailing;
    while (next_ < comments_.size() && comments_[next_].begin < stop) {
      const Comment& c = comments_[next_];
      if (c.after_code && line_of(c.begin) == last_line) {
        // It ends this item's line only if nothing but space comes between; otherwise a later
        // item on the same line (or its closing brace) takes it.
        if (only_space(end, c.begin)) {
          trailing = comment_text(c);
          ++next_;
        }
        break;
      }
      ++next_;
      own_line_comment(c, indent);
    }
    blank_if_source_had(begin);
    for (std::size_t i = 0; i < code.size(); ++i) {
      Line l;
      l.indent = indent;
      l.code = code[i];
      if (i + 1 == code.size()) {
        l.comment = trailing;
        l.opens = opens;
      }
      lines_.push_back(std::move(l));
    }
  }

  // The `}` at `brace` that closes a block whose items are at `inner`.
  void close(std::uint32_t brace, std::size_t inner, std::size_t indent) {
    comments_before(brace, inner);
    while (!lines_.empty() && lines_.back().blank) lines_.pop_back();
    Line l;
    l.indent = indent;
    l.code = "}";
    const int line = line_of(brace);
    if (next_ < comments_.size() && comments_[next_].after_code &&
        line_of(comments_[next_].begin) == line)
      l.comment = comment_text(comments_[next_++]);
    lines_.push_back(std::move(l));
  }

  // A blank line, unless there is one already or nothing before.
  void separate() {
    if (!lines_.empty() && !lines_.back().blank && !lines_.back().opens)
      lines_.push_back(Line{0, "", "", true, false});
  }

  bool comments_within(std::uint32_t begin, std::uint32_t end) const {
    return next_ < comments_.size() && comments_[next_].begin >= begin &&
           comments_[next_].begin < end;
  }

  std::string finish() {
    comments_before(std::numeric_limits<std::uint32_t>::max(), 0);
    while (!lines_.empty() && lines_.back().blank) lines_.pop_back();
    align_trailing_comments();
    std::string out;
    for (const Line& l : lines_) {
      if (l.blank) {
        out += "\n";
        continue;
      }
      out += std::string(l.indent, ' ');
      out += l.code;
      if (!l.comment.empty()) out += l.code.empty() ? l.comment : " " + l.comment;
      out += "\n";
    }
    return out;
  }

  const std::string& text() const { return text_; }
  int line_of(std::uint32_t offset) const { return source_.line_col(offset).line; }

 private:
  std::uint32_t line_end(std::uint32_t offset) const {
    std::size_t i = offset;
    while (i < text_.size() && text_[i] != '\n') ++i;
    return static_cast<std::uint32_t>(i);
  }
  std::string comment_text(const Comment& c) const {
    return text_.substr(c.begin, c.end - c.begin);
  }
  // The parser's span of a word such as `quarter` runs on over the comments after it; the item
  // ends where its last comment-free text does.
  std::uint32_t without_trailing_comments(std::uint32_t begin, std::uint32_t end) const {
    for (;;) {
      const auto c = std::find_if(comments_.begin(), comments_.end(), [&](const Comment& k) {
        return k.begin >= begin && k.begin < end && end <= k.end + 1;
      });
      if (c == comments_.end()) return end;
      end = c->begin;
      while (end > begin && std::isspace(static_cast<unsigned char>(text_[end - 1]))) --end;
    }
  }
  // The end of the last text before `limit` that is neither space nor a comment, from `end` on.
  std::uint32_t code_end(std::uint32_t end, std::uint32_t limit) const {
    std::uint32_t last = end;
    std::size_t i = end;
    while (i < limit && i < text_.size()) {
      const char c = text_[i];
      if (c == '#') {
        while (i < text_.size() && text_[i] != '\n') ++i;
      } else if (c == '"') {
        ++i;
        while (i < text_.size() && text_[i] != '"' && text_[i] != '\n')
          i += text_[i] == '\\' ? 2 : 1;
        ++i;
        last = static_cast<std::uint32_t>(std::min<std::size_t>(i, limit));
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else {
        ++i;
        last = static_cast<std::uint32_t>(i);
      }
    }
    return last;
  }
  bool only_space(std::uint32_t from, std::uint32_t to) const {
    for (std::uint32_t i = from; i < to && i < text_.size(); ++i)
      if (text_[i] != ' ' && text_[i] != '\t') return false;
    return true;
  }
  // Whether the source line before the one holding `offset` is blank.
  bool blank_line_before(std::uint32_t offset) const {
    const int line = line_of(offset);
    if (line <= 1) return false;
    for (char ch : source_.line_text(line - 1))
      if (ch != ' ' && ch != '\t' && ch != '\r') return false;
    return true;
  }
  void blank_if_source_had(std::uint32_t offset) {
    if (blank_line_before(offset)) separate();
  }
  void own_line_comment(const Comment& c, std::size_t indent) {
    blank_if_source_had(c.begin);
    Line l;
    l.indent = indent;
    l.comment = comment_text(c);
    lines_.push_back(std::move(l));
  }
  // Trailing comments of neighbouring lines at one indentation start in one column: two spaces
  // after the longest code of the run (lines longer than kAlignLimit left out).
  void align_trailing_comments() {
    std::size_t start = 0;
    while (start < lines_.size()) {
      std::size_t end = start;
      auto same_run = [&](const Line& l) {
        return !l.blank && !l.code.empty() && l.indent == lines_[start].indent;
      };
      if (!same_run(lines_[start])) {
        ++start;
        continue;
      }
      while (end < lines_.size() && same_run(lines_[end])) ++end;
      std::size_t width = 0;
      bool any = false;
      for (std::size_t i = start; i < end; ++i) {
        if (lines_[i].code.size() <= kAlignLimit) width = std::max(width, lines_[i].code.size());
        any = any || !lines_[i].comment.empty();
      }
      if (any) {
        for (std::size_t i = start; i < end; ++i) {
          Line& l = lines_[i];
          if (l.comment.empty() || l.code.size() >= width + 1) continue;
          l.code += std::string(width + 1 - l.code.size(), ' ');
        }
      }
      start = end;
    }
  }

  const SourceFile& source_;
  const std::string& text_;
  std::vector<Comment> comments_;
  std::size_t next_ = 0;
  std::vector<Line> lines_;
};

// The offset of the first `ch` at or after `from` outside strings and comments, or `fallback`.
std::uint32_t find_outside(const std::string& text, std::uint32_t from, char ch,
                           std::uint32_t fallback) {
  std::size_t i = from;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ch) return static_cast<std::uint32_t>(i);
    if (c == '"') {
      ++i;
      while (i < text.size() && text[i] != '"' && text[i] != '\n') i += text[i] == '\\' ? 2 : 1;
      ++i;
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else {
      ++i;
    }
  }
  return fallback;
}

// The `}` that ends a block spanning [begin, end).
std::uint32_t closing_brace(const std::string& text, Span span) {
  if (span.end > span.begin && span.end <= text.size() && text[span.end - 1] == '}')
    return span.end - 1;
  return span.end;
}

class Formatter {
 public:
  Formatter(const ast::Module& module, const SourceFile& source) : m_(module), w_(source) {}

  std::string run(const ast::File& f) {
    struct Decl {
      std::uint32_t begin;
      int kind;
      std::size_t index;
    };
    std::vector<Decl> decls;
    for (std::size_t i = 0; i < f.imports.size(); ++i)
      decls.push_back({f.imports[i].span.begin, 0, i});
    for (std::size_t i = 0; i < f.tables.size(); ++i)
      decls.push_back({f.tables[i].span.begin, 1, i});
    for (std::size_t i = 0; i < f.params.size(); ++i)
      decls.push_back({f.params[i].span.begin, 2, i});
    for (std::size_t i = 0; i < f.scenarios.size(); ++i)
      decls.push_back({f.scenarios[i].span.begin, 3, i});
    for (std::size_t i = 0; i < f.indicators.size(); ++i)
      decls.push_back({f.indicators[i].span.begin, 4, i});
    for (std::size_t i = 0; i < f.tests.size(); ++i) decls.push_back({f.tests[i].span.begin, 5, i});
    for (std::size_t i = 0; i < f.suppressions.size(); ++i)
      decls.push_back({f.suppressions[i].span.begin, 6, i});
    std::stable_sort(decls.begin(), decls.end(),
                     [](const Decl& a, const Decl& b) { return a.begin < b.begin; });
    bool previous_block = false;
    for (const Decl& d : decls) {
      bool block = false;
      switch (d.kind) {
        case 0:
          import(f.imports[d.index], previous_block);
          break;
        case 1:
          block = true;
          w_.separate();
          table(f.tables[d.index]);
          break;
        case 2:
          if (previous_block) w_.separate();
          param(f.params[d.index]);
          break;
        case 3:
          block = scenario(f.scenarios[d.index], previous_block);
          break;
        case 4:
          block = true;
          w_.separate();
          indicator(f.indicators[d.index]);
          break;
        case 5:
          block = true;
          w_.separate();
          test(f.tests[d.index]);
          break;
        case 6:
          if (previous_block) w_.separate();
          w_.item(f.suppressions[d.index].span.begin, f.suppressions[d.index].span.end, 0,
                  {ast::suppress_source(f.suppressions[d.index])});
          break;
        default:
          break;
      }
      previous_block = block;
    }
    return w_.finish();
  }

 private:
  std::string ex(ast::ExprId id) const { return ast::expr_source(m_, id); }

  // A clause whose span starts at its value (`from T`, `unit percent`): the span from its keyword.
  Span with_keyword(Span s, std::string_view keyword) const {
    const std::string& t = text();
    std::size_t i = std::min<std::size_t>(s.begin, t.size());
    while (i > 0 && std::isspace(static_cast<unsigned char>(t[i - 1]))) --i;
    if (i >= keyword.size() &&
        std::string_view(t).substr(i - keyword.size(), keyword.size()) == keyword)
      s.begin = static_cast<std::uint32_t>(i - keyword.size());
    return s;
  }
  const std::string& text() const { return w_.text(); }

  void import(const ast::ImportDecl& i, bool previous_block) {
    if (previous_block) w_.separate();
    // The span is the path's string; the keyword is before it.
    w_.item(i.span.begin, i.span.end, 0, {"import " + quoted(i.path)});
  }

  void table(const ast::TableDecl& t) {
    std::string head = (t.extends ? "extend table " : "table ") + t.name.text;
    if (!t.title.empty()) head += " " + quoted(t.title);
    const std::uint32_t open = find_outside(text(), t.name.span.end, '{', t.name.span.end);
    const std::uint32_t close = closing_brace(text(), t.span);
    if (t.columns.empty() && !w_.comments_within(open, close)) {
      w_.item(t.span.begin, t.span.end, 0, {head + " { }"});
      return;
    }
    w_.item(t.span.begin, open + 1, 0, {head + " {"}, true);
    std::size_t width = 0;
    for (const ast::ColumnDecl& c : t.columns) width = std::max(width, c.name.text.size());
    for (std::size_t k = 0; k < t.columns.size(); ++k) {
      const ast::ColumnDecl& c = t.columns[k];
      std::string line = padded(c.name.text, width + 1) + column_type_name(c.type);
      if (c.nullable) line += "?";
      if (c.format) line += " " + quoted(*c.format);
      if (c.key) line += " key";
      const std::uint32_t next = k + 1 < t.columns.size() ? t.columns[k + 1].span.begin : close;
      w_.item(c.span.begin, c.span.end, 2, {line}, false, next);
    }
    w_.close(close, 2, 0);
  }

  void param(const ast::ParamDecl& p) {
    std::uint32_t head_end = p.span.end;
    if (!p.dated.empty()) {
      // The head ends before the first `from` line, less the space between.
      head_end = p.dated.front().span.begin;
      while (head_end > p.span.begin &&
             std::isspace(static_cast<unsigned char>(text()[head_end - 1])))
        --head_end;
    }
    w_.item(p.span.begin, head_end, 0,
            with_expr(0, "param " + p.name.text + " = ", p.value,
                      p.doc.empty() ? std::string() : "  " + quoted(p.doc)));
    // `from DATE = VALUE`, one a line under the parameter, their decisions in one column.
    std::vector<std::string> heads;
    std::size_t width = 0;
    for (const ast::DatedValue& d : p.dated) {
      heads.push_back("from " + ex(d.from) + " = " + ex(d.value));
      if (!d.decision.empty()) width = std::max(width, heads.back().size());
    }
    for (std::size_t k = 0; k < p.dated.size(); ++k) {
      const ast::DatedValue& d = p.dated[k];
      std::string line = heads[k];
      if (!d.decision.empty()) line = padded(line, width + 2) + quoted(d.decision);
      w_.item(d.span.begin, d.span.end, 2, {line});
    }
  }

  // Returns whether the scenario took more than one line.
  bool scenario(const ast::ScenarioDecl& s, bool previous_block) {
    std::string head = "scenario " + s.name.text;
    if (!s.title.empty()) head += " " + quoted(s.title);
    const std::uint32_t open = find_outside(text(), s.name.span.end, '{', s.name.span.end);
    const std::uint32_t close = closing_brace(text(), s.span);
    auto assignment = [&](const ast::Assignment& a) { return a.name.text + " = " + ex(a.value); };
    if (s.overrides.size() <= 1 && !w_.comments_within(open, close)) {
      if (previous_block) w_.separate();
      w_.item(s.span.begin, s.span.end, 0,
              {head + (s.overrides.empty() ? " { }" : " { " + assignment(s.overrides[0]) + " }")});
      return false;
    }
    w_.separate();
    w_.item(s.span.begin, open + 1, 0, {head + " {"}, true);
    for (std::size_t k = 0; k < s.overrides.size(); ++k) {
      const ast::Assignment& a = s.overrides[k];
      const std::uint32_t next =
          k + 1 < s.overrides.size() ? s.overrides[k + 1].name.span.begin : close;
      w_.item(a.name.span.begin, m_.expr(a.value).span.end, 2, {assignment(a)}, false, next);
    }
    w_.close(close, 2, 0);
    return true;
  }

  struct Clause {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
    std::vector<std::string> lines;
    const ast::RagClause* rag = nullptr;
    const ast::LetClause* let = nullptr;
    const ast::MeasureClause* measure = nullptr;
  };

  // `prefix` and the expression `id` at `indent`, cut as ast::expr_source_lines cuts it, the
  // lines after the first starting under the expression; `suffix` ends the last line.
  std::vector<std::string> with_expr(std::size_t indent, const std::string& prefix, ast::ExprId id,
                                     const std::string& suffix = "") const {
    std::vector<std::string> lines =
        ast::expr_source_lines(m_, id, indent + prefix.size(), kWidth - suffix.size());
    for (std::size_t k = 0; k < lines.size(); ++k)
      lines[k] = (k == 0 ? prefix : std::string(prefix.size(), ' ')) + lines[k];
    lines.back() += suffix;
    return lines;
  }

  void indicator(const ast::IndicatorDecl& i) {
    std::string head = "indicator " + i.name.text;
    if (!i.heading.empty()) head += " " + quoted(i.heading);
    const std::uint32_t open = find_outside(text(), i.name.span.end, '{', i.name.span.end);
    const std::uint32_t close = closing_brace(text(), i.span);
    w_.item(i.span.begin, open + 1, 0, {head + " {"}, true);

    std::vector<Clause> clauses;
    auto add = [&](Span s, std::vector<std::string> lines) {
      clauses.push_back(Clause{s.begin, s.end, std::move(lines), nullptr, nullptr});
    };
    auto one = [&](Span s, std::string line) { add(s, {std::move(line)}); };
    if (i.code) one(i.code->span, label("code") + quoted(i.code->text));
    if (i.title) one(i.title->span, label("title") + quoted(i.title->text));
    if (i.description) one(i.description->span, label("description") + quoted(i.description->text));
    if (i.from) one(with_keyword(i.from->span, "from"), label("from") + i.from->text);
    if (i.period) one(i.period_span, label("period") + cadence_name(*i.period));
    if (i.window) {
      const ast::WindowClause& win = *i.window;
      one(with_keyword(win.span, "window"),
          label("window") + (win.kind == WindowKind::rolling_months
                                 ? fmt::format("rolling {} months", win.months)
                             : win.kind == WindowKind::year_to_date ? "year to date"
                                                                    : "period"));
    }
    for (const ast::LetClause& l : i.lets)
      clauses.push_back(Clause{l.span.begin, l.span.end, {}, nullptr, &l});
    if (i.where) add(i.where_span, with_expr(2, label("where"), *i.where));
    auto agg = [&](const char* keyword, const std::optional<ast::AggClause>& a) {
      if (!a) return;
      if (a->where.valid())
        add(a->span, with_expr(2, label(keyword) + ex(a->aggregate) + " where ", a->where));
      else
        add(a->span, with_expr(2, label(keyword), a->aggregate));
    };
    for (const ast::MeasureClause& mc : i.measures)
      clauses.push_back(Clause{mc.span.begin, mc.span.end, {}, nullptr, nullptr, &mc});
    agg("denominator", i.denominator);
    agg("numerator", i.numerator);
    agg("value", i.value);
    if (i.unit)
      one(with_keyword(i.unit->span, "unit"),
          label("unit") + unit_name(i.unit->kind) +
              (i.unit->kind == UnitKind::rate ? " per " + i.unit->per : std::string()));
    if (i.decimals)
      one(with_keyword(i.decimals_span, "decimals"),
          label("decimals") + std::to_string(*i.decimals));
    if (i.polarity)
      one(with_keyword(i.polarity_span, "polarity"),
          label("polarity") + polarity_name(*i.polarity));
    if (i.target) add(i.target_span, with_expr(2, label("target"), *i.target));
    if (i.rag) clauses.push_back(Clause{i.rag->span.begin, i.rag->span.end, {}, &*i.rag, nullptr});
    if (i.trend) {
      const std::string kind =
          label("trend") + (i.trend->kind == TrendKind::previous_period ? "previous period"
                                                                        : "same period last year");
      if (i.trend->stable_within.valid())
        add(i.trend->span, with_expr(2, kind + ", stable within ", i.trend->stable_within));
      else
        one(i.trend->span, kind);
    }
    for (const ast::BenchmarkClause& b : i.benchmarks)
      add(b.span, with_expr(2, label("benchmark") + b.name.text + " ", b.value,
                            b.label.empty() ? std::string() : " " + quoted(b.label)));
    if (i.by) add(i.by_span, with_expr(2, label("by"), *i.by));
    std::stable_sort(clauses.begin(), clauses.end(),
                     [](const Clause& a, const Clause& b) { return a.begin < b.begin; });
    // Lets on neighbouring lines (or on one line, which the layout cuts into neighbouring lines)
    // are one run: their `=` signs line up. So are measures.
    auto name_of = [](const Clause& c) -> const std::string& {
      return c.let ? c.let->name.text : c.measure->name.text;
    };
    for (std::size_t k = 0; k < clauses.size();) {
      if (!clauses[k].let && !clauses[k].measure) {
        ++k;
        continue;
      }
      const bool lets = clauses[k].let != nullptr;
      std::size_t end = k + 1;
      while (end < clauses.size() &&
             (lets ? clauses[end].let != nullptr : clauses[end].measure != nullptr) &&
             w_.line_of(clauses[end].begin) <= w_.line_of(clauses[end - 1].end) + 1)
        ++end;
      std::size_t width = lets ? 7 : 0;
      for (std::size_t q = k; q < end; ++q) width = std::max(width, name_of(clauses[q]).size());
      for (std::size_t q = k; q < end; ++q) {
        if (lets) {
          const ast::LetClause& l = *clauses[q].let;
          clauses[q].lines = with_expr(2, "let " + padded(l.name.text, width + 1) + "= ", l.value);
          continue;
        }
        const ast::MeasureClause& mc = *clauses[q].measure;
        const std::string start = "measure " + padded(mc.name.text, width + 1) + "= ";
        clauses[q].lines = mc.where.valid()
                               ? with_expr(2, start + ex(mc.aggregate) + " where ", mc.where)
                               : with_expr(2, start, mc.aggregate);
      }
      k = end;
    }
    for (std::size_t k = 0; k < clauses.size(); ++k) {
      const Clause& c = clauses[k];
      if (c.rag) {
        rag(*c.rag);
      } else {
        w_.item(c.begin, c.end, 2, c.lines, false,
                k + 1 < clauses.size() ? clauses[k + 1].begin : close);
      }
    }
    w_.close(close, 2, 0);
  }

  void test(const ast::TestDecl& t) {
    const std::uint32_t open = find_outside(text(), t.name_span.end, '{', t.name_span.end);
    w_.item(t.span.begin, open + 1, 0, {"test " + quoted(t.name) + " {"}, true);
    struct Item {
      std::uint32_t begin = 0;
      std::uint32_t end = 0;
      std::string line;
      const ast::TestTable* table = nullptr;
    };
    std::vector<Item> items;
    constexpr std::size_t kTestLabel = 10;  // `indicator `
    if (!t.indicators.empty()) {
      std::string names;
      for (const ast::Name& n : t.indicators) names += (names.empty() ? "" : ", ") + n.text;
      items.push_back({t.indicators_span.begin, t.indicators_span.end,
                       padded("indicator", kTestLabel) + names, nullptr});
    }
    if (t.period)
      items.push_back({t.period->span.begin, t.period->span.end,
                       padded("period", kTestLabel) + quoted(t.period->text), nullptr});
    for (const ast::Assignment& a : t.sets)
      items.push_back({a.name.span.begin, m_.expr(a.value).span.end,
                       padded("set", kTestLabel) + a.name.text + " = " + ex(a.value), nullptr});
    for (const ast::Name& n : t.scenarios)
      items.push_back({n.span.begin, n.span.end, padded("scenario", kTestLabel) + n.text, nullptr});
    for (const ast::TestTable& tt : t.tables)
      items.push_back({tt.span.begin, tt.span.end, "", &tt});
    for (const ast::TestExpect& e : t.expects) {
      std::string line =
          "expect " + (e.indicator ? e.indicator->text + " " : std::string()) + e.what;
      for (std::size_t k = 0; k < e.values.size(); ++k) line += (k ? ", " : " ") + ex(e.values[k]);
      items.push_back({e.span.begin, e.span.end, line, nullptr});
    }
    std::stable_sort(items.begin(), items.end(),
                     [](const Item& a, const Item& b) { return a.begin < b.begin; });
    const std::uint32_t close = closing_brace(text(), t.span);
    for (std::size_t k = 0; k < items.size(); ++k) {
      const Item& item = items[k];
      if (item.table)
        test_table(*item.table);
      else
        w_.item(item.begin, item.end, 2, {item.line}, false,
                k + 1 < items.size() ? items[k + 1].begin : close);
    }
    w_.close(close, 2, 0);
  }

  // An inline table: its rows one a line, the cells of each column lined up.
  void test_table(const ast::TestTable& t) {
    std::string head = "table " + t.name.text;
    if (t.csv) {
      w_.item(t.span.begin, t.span.end, 2, {head + " from " + quoted(*t.csv)});
      return;
    }
    head += " (";
    for (std::size_t k = 0; k < t.columns.size(); ++k) head += (k ? ", " : "") + t.columns[k].text;
    head += ")";
    const std::uint32_t close = closing_brace(text(), t.span);
    const std::uint32_t open = find_outside(text(), t.name.span.end, '{', t.name.span.end);
    if (t.rows.empty() && !w_.comments_within(t.span.begin, close)) {
      w_.item(t.span.begin, t.span.end, 2, {head + " { }"});
      return;
    }
    w_.item(t.span.begin, open + 1, 2, {head + " {"}, true);
    std::vector<std::vector<std::string>> cells;
    std::vector<std::size_t> widths;
    for (const ast::ExprId row : t.rows) {
      const ast::Expr& e = m_.expr(row);
      std::vector<std::string> r;
      if (e.kind == ast::ExprKind::list) {
        for (const ast::ExprId c : e.args) r.push_back(ex(c));
      } else {
        r.push_back(ex(row));
      }
      for (std::size_t k = 0; k < r.size(); ++k) {
        if (widths.size() <= k) widths.push_back(0);
        widths[k] = std::max(widths[k], r[k].size());
      }
      cells.push_back(std::move(r));
    }
    for (std::size_t q = 0; q < t.rows.size(); ++q) {
      std::string line = "(";
      const auto& r = cells[q];
      for (std::size_t k = 0; k < r.size(); ++k) {
        if (k + 1 < r.size())
          line += padded(r[k] + ",", widths[k] + 2);
        else
          line += r[k];
      }
      line += ")";
      const ast::Expr& e = m_.expr(t.rows[q]);
      // A row of one value that is not a string has no parentheses in its span.
      const std::uint32_t end = e.kind == ast::ExprKind::list
                                    ? e.span.end
                                    : find_outside(text(), e.span.end, ')', e.span.end) + 1;
      w_.item(e.span.begin, end, 4, {line});
    }
    w_.close(close, 4, 2);
  }

  void rag(const ast::RagClause& r) {
    const std::uint32_t open = find_outside(text(), r.span.begin, '{', r.span.begin);
    w_.item(r.span.begin, open + 1, 2, {"rag {"}, true);
    const std::uint32_t close = closing_brace(text(), r.span);
    for (std::size_t k = 0; k < r.rules.size(); ++k) {
      const ast::RagRule& rule = r.rules[k];
      const std::string colour = padded(colour_name(rule.colour), 6);
      w_.item(rule.span.begin, rule.span.end, 4,
              rule.when.valid() ? with_expr(4, colour + "when ", rule.when)
                                : std::vector<std::string>{colour + "otherwise"},
              false, k + 1 < r.rules.size() ? r.rules[k + 1].span.begin : close);
    }
    w_.close(close, 4, 2);
  }

  const ast::Module& m_;
  Writer w_;
};

// The parse and what it means: the tree printed without positions, the texts the printed tree
// leaves out, and every comment.
std::string strip_positions(const std::string& printed) {
  std::string out;
  std::size_t i = 0;
  while (i < printed.size()) {
    if (printed[i] == ' ' && i + 1 < printed.size() && printed[i + 1] == '@') {
      std::size_t j = i + 2;
      while (j < printed.size() &&
             (std::isdigit(static_cast<unsigned char>(printed[j])) || printed[j] == ':'))
        ++j;
      if (j > i + 2) {
        i = j;
        continue;
      }
    }
    out += printed[i++];
  }
  return out;
}

std::string meaning(const ast::Module& m, const SourceManager& sources) {
  std::string out = strip_positions(ast::print(m, sources));
  for (const ast::File& f : m.files) {
    for (const ast::ParamDecl& p : f.params) {
      out += "param doc " + quoted(p.doc) + "\n";
      for (const ast::DatedValue& d : p.dated) out += "decision " + quoted(d.decision) + "\n";
    }
    for (const ast::ScenarioDecl& s : f.scenarios)
      out += "scenario title " + quoted(s.title) + "\n";
    for (const ast::IndicatorDecl& i : f.indicators)
      out += "indicator heading " + quoted(i.heading) + "\n";
    const std::string& text = sources.get(f.id).text();
    for (const Comment& c : collect_comments(text))
      out += "comment " + text.substr(c.begin, c.end - c.begin) + "\n";
  }
  return out;
}

struct Parsed {
  SourceManager sources;
  ast::Module module;
  Diagnostics diags;
};

std::unique_ptr<Parsed> parse(const std::string& path, std::string text) {
  auto p = std::make_unique<Parsed>();
  const FileId id = p->sources.add(path, std::move(text));
  syntax::parse_file(p->sources, id, p->module, p->diags);
  p->diags.sort();
  return p;
}

}  // namespace

std::string format_file(const ast::Module& module, const ast::File& file,
                        const SourceFile& source) {
  Formatter f(module, source);
  return f.run(file);
}

Outcome format_source(const std::string& path, const std::string& input) {
  Outcome out;
  // A byte-order mark and CRLF line ends are kept as the file had them.
  std::string text = input;
  const bool bom = text.rfind("\xEF\xBB\xBF", 0) == 0;
  if (bom) text.erase(0, 3);
  const std::size_t first_newline = text.find('\n');
  const bool crlf =
      first_newline != std::string::npos && first_newline > 0 && text[first_newline - 1] == '\r';
  const auto before = parse(path, text);
  if (before->diags.has_errors()) {
    out.status = Outcome::Status::parse_error;
    out.diagnostics = render_text(before->diags, before->sources);
    return out;
  }
  std::string formatted =
      format_file(before->module, before->module.files.front(), before->sources.get(FileId{0}));
  const auto after = parse(path, formatted);
  if (after->diags.has_errors() ||
      meaning(after->module, after->sources) != meaning(before->module, before->sources)) {
    out.status = Outcome::Status::unsafe;
    out.diagnostics = fmt::format(
        "{}: the formatted text would not mean the same as the file; it is left as it is\n", path);
    return out;
  }
  // Formatting the result again must change nothing.
  const std::string again =
      format_file(after->module, after->module.files.front(), after->sources.get(FileId{0}));
  if (again != formatted) {
    out.status = Outcome::Status::unsafe;
    out.diagnostics = fmt::format(
        "{}: formatting twice does not give the same text; it is left as it is\n", path);
    return out;
  }
  if (crlf) {
    std::string with_cr;
    for (char c : formatted) {
      if (c == '\n') with_cr += '\r';
      with_cr += c;
    }
    formatted = std::move(with_cr);
  }
  out.text = bom ? "\xEF\xBB\xBF" + formatted : std::move(formatted);
  return out;
}

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

}  // namespace

std::string unified_diff(std::string_view a, std::string_view b, const std::string& from,
                         const std::string& to) {
  if (a == b) return "";
  const auto x = split_lines(a);
  const auto y = split_lines(b);
  // Common head and tail first, so that the table below covers only what changed.
  std::size_t head = 0;
  while (head < x.size() && head < y.size() && x[head] == y[head]) ++head;
  std::size_t tail = 0;
  while (tail + head < x.size() && tail + head < y.size() &&
         x[x.size() - 1 - tail] == y[y.size() - 1 - tail])
    ++tail;
  const std::size_t n = x.size() - head - tail;
  const std::size_t m = y.size() - head - tail;
  // Each line of the result: ' ', '-' or '+', and its index in x or y.
  std::vector<std::pair<char, std::size_t>> ops;
  for (std::size_t i = 0; i < head; ++i) ops.emplace_back(' ', i);
  if (n * m <= 4'000'000) {
    // Longest common subsequence of the middle, by a table of suffix lengths.
    std::vector<std::uint32_t> lcs((n + 1) * (m + 1), 0);
    auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return lcs[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;)
      for (std::size_t j = m; j-- > 0;)
        at(i, j) = x[head + i] == y[head + j] ? at(i + 1, j + 1) + 1
                                              : std::max(at(i + 1, j), at(i, j + 1));
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && x[head + i] == y[head + j]) {
        ops.emplace_back(' ', head + i);
        ++i;
        ++j;
      } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
        ops.emplace_back('-', head + i++);
      } else {
        ops.emplace_back('+', head + j++);
      }
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) ops.emplace_back('-', head + i);
    for (std::size_t j = 0; j < m; ++j) ops.emplace_back('+', head + j);
  }
  for (std::size_t i = 0; i < tail; ++i) ops.emplace_back(' ', x.size() - tail + i);

  std::string out = fmt::format("--- {}\n+++ {}\n", from, to);
  constexpr std::size_t kContext = 3;
  std::size_t k = 0;
  while (k < ops.size()) {
    if (ops[k].first == ' ') {
      ++k;
      continue;
    }
    // A hunk: from kContext lines before this change to kContext after the last change that is
    // no more than 2 * kContext unchanged lines from the one before.
    const std::size_t start = k >= kContext ? k - kContext : 0;
    std::size_t end = k;
    std::size_t last_change = k;
    while (end < ops.size()) {
      if (ops[end].first != ' ') last_change = end;
      if (end - last_change > 2 * kContext) break;
      ++end;
    }
    end = std::min(ops.size(), last_change + 1 + kContext);
    // Line numbers (1-based) where the hunk starts in each text.
    std::size_t a_line = 1, b_line = 1;
    for (std::size_t q = 0; q < start; ++q) {
      if (ops[q].first != '+') ++a_line;
      if (ops[q].first != '-') ++b_line;
    }
    std::size_t a_count = 0, b_count = 0;
    std::string body;
    for (std::size_t q = start; q < end; ++q) {
      const auto [op, index] = ops[q];
      if (op != '+') ++a_count;
      if (op != '-') ++b_count;
      body += op;
      body += op == '+' ? y[index] : x[index];
      body += "\n";
    }
    out += fmt::format("@@ -{},{} +{},{} @@\n", a_count ? a_line : a_line - 1, a_count,
                       b_count ? b_line : b_line - 1, b_count);
    out += body;
    k = end;
  }
  return out;
}

}  // namespace tally::format
