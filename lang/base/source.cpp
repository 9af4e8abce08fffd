#include "lang/base/source.hpp"

#include <algorithm>

namespace tally {

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (std::uint32_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

LineCol SourceFile::line_col(std::uint32_t offset) const {
  if (offset > text_.size()) offset = static_cast<std::uint32_t>(text_.size());
  const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const int line = static_cast<int>(it - line_starts_.begin());
  const std::uint32_t start = line_starts_[static_cast<std::size_t>(line - 1)];
  // Columns count characters: UTF-8 continuation bytes do not start a new column.
  int column = 1;
  for (std::uint32_t i = start; i < offset; ++i)
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
  return {line, column};
}

std::string_view SourceFile::line_text(int line) const {
  if (line < 1 || line > line_count()) return {};
  const std::uint32_t start = line_starts_[static_cast<std::size_t>(line - 1)];
  std::uint32_t end = line < line_count() ? line_starts_[static_cast<std::size_t>(line)]
                                          : static_cast<std::uint32_t>(text_.size());
  std::string_view view(text_.data() + start, end - start);
  while (!view.empty() && (view.back() == '\n' || view.back() == '\r')) view.remove_suffix(1);
  return view;
}

FileId SourceManager::add(std::string path, std::string text) {
  files_.emplace_back(std::move(path), std::move(text));
  return FileId{static_cast<std::uint32_t>(files_.size() - 1)};
}

}  // namespace tally
