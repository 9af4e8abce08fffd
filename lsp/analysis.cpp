#include "lsp/analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "lang/base/text.hpp"
#include "lang/base/value.hpp"
#include "lang/check/describe.hpp"
#include "stdlib/builtins.hpp"
#include "stdlib/std_files.hpp"

namespace tally::lsp {

namespace fs = std::filesystem;

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_ident(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string canonical(const std::string& path) {
  std::error_code ec;
  const fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? path : p.string();
}

bool contains(Span s, std::size_t offset) { return s.begin <= offset && offset <= s.end; }

// A parameter's dated values, a line each ("from 2019-04-01 = 15 days (Committee ...)"), after
// its first value; empty when it has none.
std::string dated_lines(const check::Param& param) {
  std::string out;
  for (const DatedConstant& d : param.dated)
    out += fmt::format("\nfrom {} = {}{}", format_iso(d.from), constant_source(d.value),
                       d.decision.empty() ? "" : " (" + d.decision + ")");
  return out;
}

// LSP completion item kinds.
enum Kind {
  kFunction = 3,
  kField = 5,
  kVariable = 6,
  kClass = 7,
  kModule = 9,
  kKeyword = 14,
  kFile = 17,
  kConstant = 21
};

const char* const kClauseWords[] = {"code",    "title", "description", "from",        "period",
                                    "window",  "let",   "where",       "denominator", "numerator",
                                    "measure", "value", "unit",        "decimals",    "polarity",
                                    "target",  "rag",   "trend",       "benchmark",   "by"};
const char* const kDeclarationWords[] = {"table",  "param", "scenario", "indicator",
                                         "import", "test",  "suppress"};
const char* const kExpressionWords[] = {
    "and",    "or",        "not",   "in",     "is",    "known", "missing",  "between",
    "count",  "sum",       "mean",  "median", "min",   "max",   "distinct", "previous",
    "next",   "per",       "order", "by",     "where", "true",  "false",    "period",
    "window", "otherwise", "when",  "red",    "amber", "green"};
const char* const kTestWords[] = {"expect",  "set",     "scenario", "table",  "indicator", "period",
                                  "failing", "passing", "rows",     "colour", "trend"};

}  // namespace

std::string path_of_uri(const std::string& uri) {
  std::string rest = uri;
  if (rest.rfind("file://", 0) == 0) rest = rest.substr(7);
  std::string out;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && hex_value(rest[i + 1]) >= 0 &&
        hex_value(rest[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(rest[i + 1]) * 16 + hex_value(rest[i + 2]));
      i += 2;
    } else {
      out += rest[i];
    }
  }
  return out;
}

std::string uri_of_path(const std::string& path) {
  std::string out = "file://";
  for (unsigned char c : path) {
    if (is_ident(static_cast<char>(c)) || c == '/' || c == '.' || c == '-' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

Json position_at(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  int line = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < offset; ++i)
    if (text[i] == '\n') {
      ++line;
      start = i + 1;
    }
  int character = 0;
  for (std::size_t i = start; i < offset;) {
    const std::size_t len = std::max<std::size_t>(1, utf8_length(text, i));
    character += len == 4 ? 2 : 1;
    i += len;
  }
  return Json{{"line", line}, {"character", character}};
}

std::size_t offset_at(std::string_view text, int line, int character) {
  std::size_t i = 0;
  for (int l = 0; l < line && i < text.size(); ++i)
    if (text[i] == '\n') ++l;
  int units = 0;
  while (i < text.size() && text[i] != '\n' && units < character) {
    const std::size_t len = std::max<std::size_t>(1, utf8_length(text, i));
    units += len == 4 ? 2 : 1;
    i += len;
  }
  return std::min(i, text.size());
}

Analysis::Analysis(const std::string& path, const std::map<std::string, std::string>& open)
    : path_(canonical(path)) {
  std::vector<std::string> paths;
  std::error_code ec;
  const fs::path folder = fs::path(path_).parent_path();
  for (auto it = fs::directory_iterator(folder, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    if (it->path().extension() == ".tally" && it->is_regular_file(ec))
      paths.push_back(it->path().string());
  }
  if (std::find(paths.begin(), paths.end(), path_) == paths.end()) paths.push_back(path_);
  std::sort(paths.begin(), paths.end());
  front_ = check::load_definitions(paths, &open);
  for (std::uint32_t i = 0; i < front_->sources.size(); ++i)
    if (canonical(front_->sources.get(FileId{i}).path()) == path_) file_ = FileId{i};
}

const SourceFile* Analysis::document() const {
  return file_ ? &front_->sources.get(*file_) : nullptr;
}

Json Analysis::location(Span span) const {
  const SourceFile& f = front_->sources.get(span.file);
  return Json{
      {"uri", uri_of_path(canonical(f.path()))},
      {"range",
       {{"start", position_at(f.text(), span.begin)}, {"end", position_at(f.text(), span.end)}}}};
}

Json Analysis::diagnostics() const {
  Json out = Json::array();
  const SourceFile* doc = document();
  if (!doc) return out;
  for (const Diagnostic& d : front_->diags.items()) {
    if (!d.has_span || !(d.span.file == *file_)) continue;
    Json j;
    j["range"] = {{"start", position_at(doc->text(), d.span.begin)},
                  {"end", position_at(doc->text(), std::max(d.span.end, d.span.begin))}};
    j["severity"] = d.severity == Severity::error ? 1 : d.severity == Severity::warning ? 2 : 3;
    j["code"] = diag_code(d.kind);
    j["source"] = "tally";
    j["message"] = valid_utf8(d.hint.empty() ? d.message : d.message + "\nhint: " + d.hint);
    Json related = Json::array();
    for (const Label& l : d.labels)
      related.push_back({{"location", location(l.span)}, {"message", valid_utf8(l.message)}});
    if (!d.hint.empty())
      related.push_back(
          {{"location", location(d.span)}, {"message", "hint: " + valid_utf8(d.hint)}});
    if (!related.empty()) j["relatedInformation"] = related;
    out.push_back(j);
  }
  return out;
}

std::string Analysis::word_at(std::size_t offset, std::size_t& begin) const {
  const SourceFile* doc = document();
  if (!doc) return "";
  const std::string& t = doc->text();
  std::size_t b = std::min(offset, t.size());
  while (b > 0 && is_ident(t[b - 1])) --b;
  std::size_t e = std::min(offset, t.size());
  while (e < t.size() && is_ident(t[e])) ++e;
  begin = b;
  return t.substr(b, e - b);
}

Json Analysis::hover(std::size_t offset) const {
  const SourceFile* doc = document();
  if (!doc) return nullptr;
  const ast::Module& m = *front_->module;
  const check::Program& p = front_->program;
  std::vector<Constant> params;
  for (const auto& param : p.params) params.push_back(param.value);
  auto answer = [&](const std::string& text, Span span) {
    return Json{{"contents", {{"kind", "markdown"}, {"value", valid_utf8(text)}}},
                {"range",
                 {{"start", position_at(doc->text(), span.begin)},
                  {"end", position_at(doc->text(), span.end)}}}};
  };
  // Declarations first: an indicator's, a table's, a parameter's or a column's name.
  for (const ast::File& f : m.files) {
    if (!(f.id == *file_)) continue;
    for (const ast::IndicatorDecl& d : f.indicators) {
      if (!contains(d.name.span, offset)) continue;
      if (auto i = p.find_indicator(d.name.text))
        return answer(fmt::format("**{}**\n\n{}", check::describe_heading(p, *i),
                                  check::describe_indicator(p, *i, params)),
                      d.name.span);
    }
    for (const ast::TableDecl& t : f.tables) {
      if (contains(t.name.span, offset)) {
        std::string text =
            fmt::format("table **{}**{}\n", t.name.text, t.title.empty() ? "" : " — " + t.title);
        for (const ast::ColumnDecl& c : t.columns)
          text += fmt::format("\n- `{}` {}{}{}", c.name.text, column_type_name(c.type),
                              c.nullable ? "?" : "", c.key ? " key" : "");
        return answer(text, t.name.span);
      }
      for (const ast::ColumnDecl& c : t.columns)
        if (contains(c.name.span, offset))
          return answer(fmt::format("column `{}` of {}: {}{}{}", c.name.text, t.name.text,
                                    column_type_name(c.type), c.nullable ? ", may be empty" : "",
                                    c.key ? ", key" : ""),
                        c.name.span);
    }
    for (const ast::ParamDecl& d : f.params) {
      if (!contains(d.name.span, offset)) continue;
      if (auto i = p.find_param(d.name.text))
        return answer(
            fmt::format("param `{}` = {}: {}{}{}", d.name.text, constant_source(p.params[*i].value),
                        describe(p.params[*i].value.type), dated_lines(p.params[*i]),
                        d.doc.empty() ? "" : "\n\n" + d.doc),
            d.name.span);
    }
  }
  // Else the smallest expression under the cursor: its type and unit.
  std::optional<ast::ExprId> best;
  for (std::uint32_t i = 0; i < m.exprs.size(); ++i) {
    const ast::Expr& e = m.exprs[i];
    if (!(e.span.file == *file_) || !contains(e.span, offset)) continue;
    if (!best || e.span.end - e.span.begin < m.expr(*best).span.end - m.expr(*best).span.begin)
      best = ast::ExprId{i};
  }
  if (!best) return nullptr;
  const ast::Expr& e = m.expr(*best);
  std::string text = fmt::format("`{}`", ast::expr_source(m, *best));
  if (best->value < p.types.size()) text += ": " + describe(p.types[best->value]);
  if (e.kind == ast::ExprKind::name) {
    if (auto i = p.find_param(e.text))
      text += fmt::format("\n\nparam {} = {}{}", e.text, constant_source(p.params[*i].value),
                          dated_lines(p.params[*i]));
  }
  if (e.kind == ast::ExprKind::call) {
    if (const auto* b = stdlib::find_builtin(e.text))
      text += fmt::format("\n\n`{}`: {}", b->signature, b->doc);
  }
  return answer(text, e.span);
}

Json Analysis::definition(std::size_t offset) const {
  const SourceFile* doc = document();
  if (!doc) return nullptr;
  const ast::Module& m = *front_->module;
  const std::string& t = doc->text();
  // An import's path: the file it names.
  for (const ast::File& f : m.files) {
    if (!(f.id == *file_)) continue;
    for (const ast::ImportDecl& imp : f.imports) {
      if (!contains(imp.span, offset)) continue;
      const fs::path target = fs::path(path_).parent_path() / imp.path;
      std::error_code ec;
      if (!fs::exists(target, ec)) return nullptr;
      return Json{
          {"uri", uri_of_path(canonical(target.string()))},
          {"range",
           {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", 0}, {"character", 0}}}}}};
    }
  }
  std::size_t begin = 0;
  const std::string word = word_at(offset, begin);
  if (word.empty()) return nullptr;
  auto find_table = [&](const std::string& name) -> const ast::TableDecl* {
    for (const ast::File& f : m.files)
      for (const ast::TableDecl& td : f.tables)
        if (td.name.text == name) return &td;
    return nullptr;
  };
  auto column_of = [&](const ast::TableDecl* td, const std::string& name) -> Json {
    if (!td) return nullptr;
    for (const ast::ColumnDecl& c : td->columns)
      if (c.name.text == name) return location(c.name.span);
    return nullptr;
  };
  // `T[key].col`: a column of the looked-up table.
  if (begin >= 2 && t[begin - 1] == '.' && t[begin - 2] == ']') {
    int depth = 0;
    std::size_t i = begin - 2;
    while (i > 0) {
      if (t[i] == ']') ++depth;
      if (t[i] == '[' && --depth == 0) break;
      --i;
    }
    std::size_t name_end = i, name_begin = i;
    while (name_begin > 0 && is_ident(t[name_begin - 1])) --name_begin;
    Json j = column_of(find_table(t.substr(name_begin, name_end - name_begin)), word);
    if (!j.is_null()) return j;
  }
  // Inside an indicator: its lets, then the columns of its table.
  for (const ast::File& f : m.files) {
    if (!(f.id == *file_)) continue;
    for (const ast::IndicatorDecl& d : f.indicators) {
      if (!contains(d.span, offset)) continue;
      for (const ast::LetClause& l : d.lets)
        if (l.name.text == word) return location(l.name.span);
      for (const ast::MeasureClause& mc : d.measures)
        if (mc.name.text == word) return location(mc.name.span);
      if (d.from) {
        Json j = column_of(find_table(d.from->text), word);
        if (!j.is_null()) return j;
      }
    }
    for (const ast::TestDecl& test : f.tests) {
      if (!contains(test.span, offset)) continue;
      for (const ast::TestTable& tt : test.tables) {
        for (const ast::Name& c : tt.columns)
          if (c.text == word && contains(c.span, offset))
            return column_of(find_table(tt.name.text), word);
      }
    }
  }
  // Declarations by name, in every file.
  for (const ast::File& f : m.files) {
    for (const ast::ParamDecl& d : f.params)
      if (d.name.text == word) return location(d.name.span);
    for (const ast::TableDecl& d : f.tables)
      if (d.name.text == word) return location(d.name.span);
    for (const ast::IndicatorDecl& d : f.indicators)
      if (d.name.text == word) return location(d.name.span);
    for (const ast::ScenarioDecl& d : f.scenarios)
      if (d.name.text == word) return location(d.name.span);
  }
  return nullptr;
}

Json Analysis::completion(std::size_t offset) const {
  Json items = Json::array();
  const SourceFile* doc = document();
  if (!doc) return items;
  const ast::Module& m = *front_->module;
  const std::string& t = doc->text();
  auto item = [&](const std::string& label, int kind, const std::string& detail = "",
                  const std::string& documentation = "") {
    Json j{{"label", label}, {"kind", kind}};
    if (!detail.empty()) j["detail"] = valid_utf8(detail);
    if (!documentation.empty()) j["documentation"] = valid_utf8(documentation);
    items.push_back(std::move(j));
  };
  // In a string after `import`: the files of the standard library.
  std::size_t line_start = t.rfind('\n', offset == 0 ? 0 : offset - 1);
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  const std::string line = t.substr(line_start, std::min(offset, t.size()) - line_start);
  if (line.find("import") != std::string::npos &&
      std::count(line.begin(), line.end(), '"') % 2 == 1) {
    for (const auto& f : stdlib::std_files()) item(f.path, kFile, "standard library");
    return items;
  }
  const ast::IndicatorDecl* inside = nullptr;
  bool in_test = false;
  for (const ast::File& f : m.files) {
    if (!(f.id == *file_)) continue;
    for (const ast::IndicatorDecl& d : f.indicators)
      if (contains(d.span, offset)) inside = &d;
    for (const ast::TestDecl& d : f.tests)
      if (contains(d.span, offset)) in_test = true;
  }
  std::set<std::string> seen;
  auto once = [&](const std::string& label) { return seen.insert(label).second; };
  if (inside) {
    for (const char* w : kClauseWords)
      if (once(w)) item(w, kKeyword, "clause");
    for (const ast::LetClause& l : inside->lets)
      if (once(l.name.text)) item(l.name.text, kVariable, "let " + l.name.text);
  } else if (in_test) {
    for (const char* w : kTestWords)
      if (once(w)) item(w, kKeyword, "test");
  } else {
    for (const char* w : kDeclarationWords)
      if (once(w)) item(w, kKeyword, "declaration");
  }
  for (const char* w : kExpressionWords)
    if (once(w)) item(w, kKeyword);
  for (const ast::File& f : m.files) {
    for (const ast::TableDecl& d : f.tables) {
      if (once(d.name.text)) item(d.name.text, kClass, "table", d.title);
      // Columns: of the indicator's own table when inside one, else of every table.
      if (inside && inside->from && inside->from->text != d.name.text) continue;
      for (const ast::ColumnDecl& c : d.columns)
        if (once(c.name.text))
          item(
              c.name.text, kField,
              fmt::format("{} {}{}", d.name.text, column_type_name(c.type), c.nullable ? "?" : ""));
    }
    for (const ast::ParamDecl& d : f.params)
      if (once(d.name.text))
        item(d.name.text, kConstant, "param = " + ast::expr_source(m, d.value), d.doc);
    for (const ast::IndicatorDecl& d : f.indicators)
      if (once(d.name.text))
        item(d.name.text, kModule, "indicator", d.title ? d.title->text : std::string());
  }
  for (const auto& b : stdlib::builtins())
    if (once(b.name)) item(b.name, kFunction, b.signature, b.doc);
  return items;
}

}  // namespace tally::lsp
