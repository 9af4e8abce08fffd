// What the language server knows of one open document: the definitions of its folder loaded and
// checked with the editor's unsaved buffers, and the answers built from them (diagnostics,
// hover, definition, completion). Positions are LSP positions: 0-based lines and UTF-16 columns.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "lang/check/front.hpp"

namespace tally::lsp {

using Json = nlohmann::json;

// A file: URI and a path, both ways (percent-encoding undone and made).
std::string path_of_uri(const std::string& uri);
std::string uri_of_path(const std::string& path);

// LSP position (line, UTF-16 column) <-> byte offset in `text`.
Json position_at(std::string_view text, std::size_t offset);
std::size_t offset_at(std::string_view text, int line, int character);

class Analysis {
 public:
  // Loads the .tally files of the document's folder with `open` (path -> text) overriding the
  // disk, and checks them.
  Analysis(const std::string& path, const std::map<std::string, std::string>& open);

  // The document's diagnostics as LSP Diagnostic objects.
  Json diagnostics() const;
  Json hover(std::size_t offset) const;       // null when there is nothing to say
  Json definition(std::size_t offset) const;  // a Location, or null
  Json completion(std::size_t offset) const;  // CompletionItem[]

 private:
  const SourceFile* document() const;
  Json location(Span span) const;
  std::string word_at(std::size_t offset, std::size_t& begin) const;

  std::string path_;
  std::unique_ptr<check::Frontend> front_;
  std::optional<FileId> file_;
};

}  // namespace tally::lsp
