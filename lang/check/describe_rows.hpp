// Rows of the same key and of another table in plain words, for `tally describe`.
#pragma once

#include <functional>
#include <string>

#include "lang/ast/ast.hpp"

namespace tally::check {

// `e` (a row aggregate) in words; `arg(i)` gives the words of its argument i.
std::string rows_words(const ast::Expr& e, const std::function<std::string(std::size_t)>& arg);

}  // namespace tally::check
