#include "runtime/column/issue.hpp"

#include <fmt/format.h>

namespace tally::runtime {

Issue Issue::in_data(std::string file, std::int64_t line, std::int64_t column, std::string message,
                     bool row) {
  return Issue{std::move(file), line, column, std::move(message), {}, {}, row, 0};
}

std::size_t Issue::count(const std::vector<Issue>& issues) {
  std::size_t n = 0;
  for (const Issue& issue : issues) n += issue.more > 0 ? issue.more : 1;
  return n;
}

Issue Issue::in_expression(Span span, std::string message, std::string hint) {
  return Issue{{}, 0, 0, std::move(message), std::move(hint), span, false, 0};
}

std::string Issue::render(const char* severity) const {
  std::string out = file;
  if (line > 0) {
    out += fmt::format(":{}", line);
    if (column > 0) out += fmt::format(":{}", column);
  }
  return out + fmt::format(": {}: {}", severity, message);
}

}  // namespace tally::runtime
