// `tally fmt`: one canonical layout of a definition file, built on the syntax tree, with the
// comments of the source put back where they were. Expressions are printed by
// ast::expr_source; this file lays out declarations, clauses, indentation and comments.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lang/ast/ast.hpp"
#include "lang/base/source.hpp"

namespace tally::format {

// A `#` comment of the source: its bytes (without the line end) and whether code precedes it on
// its line.
struct Comment {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  bool after_code = false;
};

// Every comment of `text`, in order (a `#` inside a string is not one).
std::vector<Comment> collect_comments(std::string_view text);

// The canonical text of `file`, which must have parsed without errors.
std::string format_file(const ast::Module& module, const ast::File& file, const SourceFile& source);

struct Outcome {
  enum class Status { ok, parse_error, unsafe };
  Status status = Status::ok;
  std::string text;         // the formatted text when ok
  std::string diagnostics;  // the parse errors (rendered) or what went wrong
};

// Parses `text` (named `path` in messages), formats it, and parses the result again to make sure
// that it means the same and keeps every comment; never throws for bad input.
Outcome format_source(const std::string& path, const std::string& text);

// A unified diff of two texts, labelled `from` and `to`, with three lines of context; empty when
// they are equal.
std::string unified_diff(std::string_view a, std::string_view b, const std::string& from,
                         const std::string& to);

}  // namespace tally::format
