#include "lang/base/diagnostics.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "lang/base/text.hpp"

namespace tally {

const char* diag_code(DiagKind kind) {
  switch (kind) {
#define X(id, code, doc) \
  case DiagKind::id:     \
    return code;
#include "lang/base/diagnostic_kinds.def"
#undef X
  }
  return "?";
}

Diagnostic& Diagnostics::error(DiagKind kind, Span span, std::string message, std::string hint) {
  items_.push_back(
      Diagnostic{Severity::error, kind, std::move(message), span, true, {}, std::move(hint)});
  return items_.back();
}

Diagnostic& Diagnostics::warning(DiagKind kind, Span span, std::string message, std::string hint) {
  items_.push_back(
      Diagnostic{Severity::warning, kind, std::move(message), span, true, {}, std::move(hint)});
  return items_.back();
}

Diagnostic& Diagnostics::error_nowhere(DiagKind kind, std::string message, std::string hint) {
  items_.push_back(
      Diagnostic{Severity::error, kind, std::move(message), Span{}, false, {}, std::move(hint)});
  return items_.back();
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::size_t Diagnostics::error_count() const {
  return static_cast<std::size_t>(
      std::count_if(items_.begin(), items_.end(),
                    [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

void Diagnostics::sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.has_span != b.has_span) return !a.has_span;
    if (!a.has_span) return false;
    if (a.span.file != b.span.file) return a.span.file < b.span.file;
    return a.span.begin < b.span.begin;
  });
  items_.erase(std::unique(items_.begin(), items_.end(),
                           [](const Diagnostic& a, const Diagnostic& b) {
                             return a.has_span == b.has_span && a.span == b.span &&
                                    a.message == b.message;
                           }),
               items_.end());
}

namespace {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::note:
      return "note";
  }
  return "error";
}

// Printable form of a source line: tabs become one space and control bytes or broken UTF-8 become
// '?', so that the underline stays under the right characters. Long lines are cut around `from`.
struct ShownLine {
  std::string text;
  int first_column = 1;  // the column of text's first character
};

ShownLine shown_line(std::string_view line, int focus_column) {
  constexpr int kWidth = 160;
  ShownLine out;
  int column = 1;
  const int start_column = focus_column > kWidth ? focus_column - 40 : 1;
  out.first_column = start_column;
  std::size_t i = 0;
  while (i < line.size()) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    std::size_t len = 1;
    if (c >= 0xC0 && c < 0xF8) len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    bool valid = i + len <= line.size();
    for (std::size_t k = 1; valid && k < len; ++k)
      valid = (static_cast<unsigned char>(line[i + k]) & 0xC0) == 0x80;
    if (column >= start_column) {
      if (column - start_column >= kWidth) {
        out.text += " ...";
        break;
      }
      if (c >= 0x80 && valid && len > 1)
        out.text.append(line.substr(i, len));
      else if (c < 0x20 || c == 0x7F || c >= 0x80)
        out.text += c == '\t' ? ' ' : '?';
      else
        out.text += static_cast<char>(c);
    }
    i += (c >= 0x80 && valid) ? len : 1;
    if ((c & 0xC0) != 0x80 || !valid) ++column;
  }
  return out;
}

void render_snippet(std::string& out, const SourceFile& file, Span span, const RenderOptions& o) {
  const LineCol from = file.line_col(span.begin);
  const LineCol to = file.line_col(span.end);
  const std::string_view line = file.line_text(from.line);
  const ShownLine shown = shown_line(line, from.column);
  int width = to.line == from.line ? to.column - from.column : 0;
  if (to.line != from.line) {
    const LineCol end_of_line =
        file.line_col(static_cast<std::uint32_t>(line.data() - file.text().data() + line.size()));
    width = end_of_line.column - from.column;
  }
  if (width < 1) width = 1;
  const int pad = from.column - shown.first_column;
  const int shown_chars = static_cast<int>(shown.text.size());  // close enough for clipping
  if (pad + width > shown_chars + 1 && shown_chars >= pad) width = std::max(1, shown_chars - pad);
  out += fmt::format("{:>5} | {}\n", from.line, shown.text);
  std::string underline(static_cast<std::size_t>(std::max(pad, 0)), ' ');
  underline += o.color ? "\x1b[1;32m^" : "^";
  underline.append(static_cast<std::size_t>(width - 1), '~');
  if (o.color) underline += "\x1b[0m";
  out += fmt::format("{:>5} | {}\n", "", underline);
}

}  // namespace

std::string render_text(const Diagnostic& d, const SourceManager& sources, const RenderOptions& o) {
  std::string out;
  const char* sev = severity_name(d.severity);
  const std::string sev_shown =
      o.color ? fmt::format("\x1b[1;{}m{}\x1b[0m", d.severity == Severity::error ? 31 : 35, sev)
              : std::string(sev);
  if (d.has_span) {
    const SourceFile& file = sources.get(d.span.file);
    const LineCol lc = file.line_col(d.span.begin);
    out += fmt::format("{}:{}:{}: {}: {}\n", file.path(), lc.line, lc.column, sev_shown, d.message);
    render_snippet(out, file, d.span, o);
  } else {
    out += fmt::format("tally: {}: {}\n", sev_shown, d.message);
  }
  for (const Label& label : d.labels) {
    const SourceFile& file = sources.get(label.span.file);
    const LineCol lc = file.line_col(label.span.begin);
    out += fmt::format("{}:{}:{}: note: {}\n", file.path(), lc.line, lc.column, label.message);
    render_snippet(out, file, label.span, o);
  }
  if (!d.hint.empty()) out += fmt::format("hint: {}\n", d.hint);
  return out;
}

std::string render_text(const Diagnostics& ds, const SourceManager& sources,
                        const RenderOptions& o) {
  std::string out;
  for (const Diagnostic& d : ds.items()) out += render_text(d, sources, o);
  const std::size_t errors = ds.error_count();
  if (errors > 0) out += fmt::format("{} error{}\n", errors, errors == 1 ? "" : "s");
  return out;
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const std::size_t len = utf8_length(text, 0);
    if (len == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      text.remove_prefix(1);
    } else {
      out.append(text.substr(0, len));
      text.remove_prefix(len);
    }
  }
  return out;
}

// Every string goes in through valid_utf8: file names, messages and hints may hold bytes that
// are not UTF-8 (a file's name, a cell of data), and JSON holds only UTF-8.
nlohmann::ordered_json render_json(const Diagnostic& d, const SourceManager& sources) {
  nlohmann::ordered_json j;
  j["severity"] = severity_name(d.severity);
  j["code"] = diag_code(d.kind);
  j["message"] = valid_utf8(d.message);
  auto where = [&](Span span) {
    const SourceFile& file = sources.get(span.file);
    const LineCol a = file.line_col(span.begin);
    const LineCol b = file.line_col(span.end);
    nlohmann::ordered_json w;
    w["file"] = valid_utf8(file.path());
    w["line"] = a.line;
    w["column"] = a.column;
    w["end_line"] = b.line;
    w["end_column"] = b.column;
    return w;
  };
  if (d.has_span) j["location"] = where(d.span);
  if (!d.labels.empty()) {
    nlohmann::ordered_json labels = nlohmann::ordered_json::array();
    for (const Label& l : d.labels) {
      auto w = where(l.span);
      w["message"] = valid_utf8(l.message);
      labels.push_back(w);
    }
    j["labels"] = labels;
  }
  if (!d.hint.empty()) j["hint"] = valid_utf8(d.hint);
  return j;
}

nlohmann::ordered_json render_json(const Diagnostics& ds, const SourceManager& sources) {
  nlohmann::ordered_json j;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const Diagnostic& d : ds.items()) list.push_back(render_json(d, sources));
  j["diagnostics"] = list;
  j["errors"] = ds.error_count();
  return j;
}

std::string closest_name(const std::string& name, const std::vector<std::string>& candidates) {
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                          std::tolower(static_cast<unsigned char>(b[j - 1]));
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
      }
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::string best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    const std::size_t dist = distance(name, c);
    const std::size_t limit = std::max<std::size_t>(1, std::max(name.size(), c.size()) / 3);
    if (dist <= limit && (best.empty() || dist < best_distance)) {
      best = c;
      best_distance = dist;
    }
  }
  return best;
}

}  // namespace tally
