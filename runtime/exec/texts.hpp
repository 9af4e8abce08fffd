// Text codes as evaluation sees them: the data's own codes, after them codes for constant texts
// that no cell holds, and far above both codes for texts that functions make while rows are
// evaluated (upper, trim, substring, ...). Constants are coded before rows are evaluated; the
// data's string pool is never written to. Made texts go to a pool of their own, shared by the
// threads of a run under a lock, so that equal texts always get equal codes.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "runtime/column/column.hpp"

namespace tally::runtime {

class TextCodes {
 public:
  // `constants` holds the constant texts met so far (kept by the caller between runs).
  TextCodes(const StringPool& data, StringPool& constants)
      : data_(&data), constants_(&constants), made_(std::make_shared<Made>()) {}

  // The code of a constant text: the data's code when a cell holds it, else one past the data's
  // codes, which no cell can equal. Text ordering still reads the text itself.
  std::int64_t code(std::string_view text) {
    const std::int64_t found = data_->find(text);
    if (found >= 0) return found;
    const std::int64_t constant = constants_->find(text);
    if (constant >= 0) return static_cast<std::int64_t>(data_->size()) + constant;
    {
      // A text made earlier in this run (a sweep codes its values after the scan) keeps its code.
      const std::lock_guard lock(made_->mutex);
      if (auto it = made_->codes.find(std::string(text)); it != made_->codes.end())
        return it->second;
    }
    return static_cast<std::int64_t>(data_->size()) + constants_->intern(text);
  }

  // The code of a text made while rows are evaluated: the data's or a constant's code when one
  // holds it, else a code of the made texts. Safe to call from several threads at once.
  std::int64_t made_code(std::string_view text) const {
    const std::int64_t found = data_->find(text);
    if (found >= 0) return found;
    const std::int64_t constant = constants_->find(text);
    if (constant >= 0) return static_cast<std::int64_t>(data_->size()) + constant;
    const std::lock_guard lock(made_->mutex);
    auto it = made_->codes.find(std::string(text));
    if (it != made_->codes.end()) return it->second;
    const std::int64_t c = kMadeBase + static_cast<std::int64_t>(made_->texts.size());
    made_->texts.emplace_back(text);
    made_->codes.emplace(made_->texts.back(), c);
    return c;
  }

  std::string_view text(std::int64_t code) const {
    if (code >= kMadeBase) {
      const std::lock_guard lock(made_->mutex);
      return made_->texts[static_cast<std::size_t>(code - kMadeBase)];  // a deque: never moves
    }
    const auto data_codes = static_cast<std::int64_t>(data_->size());
    return code < data_codes ? data_->text(code) : constants_->text(code - data_codes);
  }

 private:
  static constexpr std::int64_t kMadeBase = std::int64_t{1} << 40;
  struct Made {
    std::mutex mutex;
    std::deque<std::string> texts;
    std::unordered_map<std::string, std::int64_t> codes;
  };
  const StringPool* data_;
  StringPool* constants_;
  std::shared_ptr<Made> made_;
};

}  // namespace tally::runtime
