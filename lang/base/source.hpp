// Definition files held in memory, and spans: byte ranges into them. Lines and columns (1-based,
// columns counted in characters) are worked out only when a span is printed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tally {

struct FileId {
  std::uint32_t value = 0;
  bool operator==(const FileId&) const = default;
  auto operator<=>(const FileId&) const = default;
};

struct Span {
  FileId file;
  std::uint32_t begin = 0;  // byte offset of the first byte
  std::uint32_t end = 0;    // byte offset one past the last byte
  bool operator==(const Span&) const = default;
};

// Spans from `a`'s start to `b`'s end (same file).
inline Span join(Span a, Span b) { return Span{a.file, a.begin, b.end > a.end ? b.end : a.end}; }

struct LineCol {
  int line = 1;
  int column = 1;
};

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);
  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  LineCol line_col(std::uint32_t offset) const;
  // The text of a 1-based line, without its line end.
  std::string_view line_text(int line) const;
  int line_count() const { return static_cast<int>(line_starts_.size()); }

 private:
  std::string path_;
  std::string text_;
  std::vector<std::uint32_t> line_starts_;
};

class SourceManager {
 public:
  FileId add(std::string path, std::string text);
  const SourceFile& get(FileId id) const { return files_[id.value]; }
  std::size_t size() const { return files_.size(); }

 private:
  std::vector<SourceFile> files_;
};

}  // namespace tally
