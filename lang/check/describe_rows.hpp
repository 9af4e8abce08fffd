// Rows of the same key and of another table in plain words, for `tally describe`.
#pragma once

#include <functional>
#include <string>

#include "lang/ast/ast.hpp"

namespace tally::check {

// `e` (a row aggregate of module `m`) in words; `words(id)` gives the words of an expression.
std::string rows_words(const ast::Module& m, const ast::Expr& e,
                       const std::function<std::string(ast::ExprId)>& words);

}  // namespace tally::check
