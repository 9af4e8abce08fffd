// The front end as one call: read the definition files and folders named on the command line,
// follow their imports (relative to the importing file, or `std/...` from the standard library),
// parse and check everything, and hand back the checked program with its sources.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lang/ast/ast.hpp"
#include "lang/base/diagnostics.hpp"
#include "lang/base/source.hpp"
#include "lang/check/program.hpp"

namespace tally::check {

struct Frontend {
  SourceManager sources;
  std::unique_ptr<ast::Module> module = std::make_unique<ast::Module>();
  Program program;
  Diagnostics diags;
};

// An ad-hoc breakdown (`--by EXPR`) for the indicators named: checked in each one's table in
// place of its `by` clause.
struct AdHocBreakdown {
  std::string text;
  std::vector<std::string> indicators;
};

// Never throws for bad input: every problem is a diagnostic in the result. A file whose absolute
// path (symbolic links resolved) is a key of `unsaved` is read from there instead of the disk:
// an editor's buffer that has not been saved.
std::unique_ptr<Frontend> load_definitions(
    const std::vector<std::string>& paths,
    const std::map<std::string, std::string>* unsaved = nullptr,
    const AdHocBreakdown* by = nullptr);

// Parses the text of one literal (a `--set` value) as an expression into `module`; reports
// syntax errors against a source named `origin`.
std::optional<ast::ExprId> parse_literal(const std::string& text, const std::string& origin,
                                         SourceManager& sources, ast::Module& module,
                                         Diagnostics& diags);

}  // namespace tally::check
