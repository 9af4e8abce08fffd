// Text codes as evaluation sees them: the data's own codes, and after them codes for constant
// texts that no cell holds. Constants are coded before rows are evaluated, so that evaluation
// only reads; the data's string pool is never written to.
#pragma once

#include <cstdint>
#include <string_view>

#include "runtime/column/column.hpp"

namespace tally::runtime {

class TextCodes {
 public:
  // `constants` holds the constant texts met so far (kept by the caller between runs).
  TextCodes(const StringPool& data, StringPool& constants) : data_(&data), constants_(&constants) {}

  // The code of a constant text: the data's code when a cell holds it, else one past the data's
  // codes, which no cell can equal. Text ordering still reads the text itself.
  std::int64_t code(std::string_view text) {
    const std::int64_t found = data_->find(text);
    if (found >= 0) return found;
    return static_cast<std::int64_t>(data_->size()) + constants_->intern(text);
  }

  std::string_view text(std::int64_t code) const {
    const auto data_codes = static_cast<std::int64_t>(data_->size());
    return code < data_codes ? data_->text(code) : constants_->text(code - data_codes);
  }

 private:
  const StringPool* data_;
  StringPool* constants_;
};

}  // namespace tally::runtime
