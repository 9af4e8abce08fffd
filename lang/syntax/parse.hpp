// The parser: source text to syntax tree. A syntax error is reported as a diagnostic and costs
// only the declaration it is in: parsing resumes at the next line that starts a declaration.
#pragma once

#include "lang/ast/ast.hpp"
#include "lang/base/diagnostics.hpp"
#include "lang/base/source.hpp"

namespace tally::syntax {

// Parses the file `id` of `sources` into module.files (appended) and module.exprs.
void parse_file(const SourceManager& sources, FileId id, ast::Module& module, Diagnostics& diags);

}  // namespace tally::syntax
