// A fault in the data or found while evaluating it: where it is (a data file's line and column,
// or the expression in the definitions), what was found, and what to do. Loading, lookups and
// evaluation all report this one type.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lang/base/source.hpp"

namespace tally::runtime {

struct Issue {
  std::string file;         // the data file; empty for a fault of an expression
  std::int64_t line = 0;    // 0 when the issue is about the whole file
  std::int64_t column = 0;  // 0 when the issue is about a whole line or file
  std::string message;      // what was found (and, for data, what to do)
  std::string hint;         // what to do, when the message does not say
  Span span;                // the expression in the definitions, for a fault found evaluating it
  // About one row's cells, which --lenient would skip; false for faults of a whole file (it
  // cannot be opened, a column is missing, a quote is never closed...) and of expressions.
  bool row = false;
  // For the line that closes a file's list ("... and 79 more errors"): how many errors it stands
  // for that are not listed; 0 for every other issue.
  std::size_t more = 0;

  // How many errors `issues` hold, counting those a closing line stands for.
  static std::size_t count(const std::vector<Issue>& issues);

  // A fault of a data file, or of one of its lines or cells.
  static Issue in_data(std::string file, std::int64_t line, std::int64_t column,
                       std::string message, bool row = false);
  // A fault found evaluating an expression of the definitions.
  static Issue in_expression(Span span, std::string message, std::string hint);

  // "file:line:column: error: message" (line/column left out when 0).
  std::string render(const char* severity) const;
};

}  // namespace tally::runtime
