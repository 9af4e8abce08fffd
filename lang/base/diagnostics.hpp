// Diagnostics as data: severity, kind, message, the primary span, labelled secondary spans and a
// hint. Every phase reports into a Diagnostics sink; the CLI renders the same objects as text
// (with the source line and an underline) or as JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "lang/base/source.hpp"

namespace tally {

enum class Severity { error, warning, note };

enum class DiagKind {
#define X(id, code, doc) id,
#include "lang/base/diagnostic_kinds.def"
#undef X
};

const char* diag_code(DiagKind kind);

struct Label {
  Span span;
  std::string message;
};

struct Diagnostic {
  Severity severity = Severity::error;
  DiagKind kind = DiagKind::syntax;
  std::string message;
  Span span;
  bool has_span = true;  // false for errors about no file in particular
  std::vector<Label> labels;
  std::string hint;
};

class Diagnostics {
 public:
  Diagnostic& error(DiagKind kind, Span span, std::string message, std::string hint = {});
  Diagnostic& warning(DiagKind kind, Span span, std::string message, std::string hint = {});
  Diagnostic& error_nowhere(DiagKind kind, std::string message, std::string hint = {});

  bool has_errors() const;
  std::size_t error_count() const;
  const std::vector<Diagnostic>& items() const { return items_; }
  // Orders by file (in the order files were added), then position; keeps insertion order for ties.
  void sort();

 private:
  std::vector<Diagnostic> items_;
};

struct RenderOptions {
  bool color = false;
};

// "path:line:col: error: message", the source line, an underline of the span, labels, the hint.
std::string render_text(const Diagnostic& d, const SourceManager& sources,
                        const RenderOptions& options = {});
std::string render_text(const Diagnostics& ds, const SourceManager& sources,
                        const RenderOptions& options = {});
// As JSON; every string is made valid UTF-8 on the way in (see valid_utf8).
nlohmann::ordered_json render_json(const Diagnostic& d, const SourceManager& sources);
nlohmann::ordered_json render_json(const Diagnostics& ds, const SourceManager& sources);

// `text` with every byte that does not begin a valid UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

// The closest of `candidates` to `name` by edit distance, if close enough to suggest.
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace tally
