// Checks the checker makes for conditionals, text functions and three-valued logic: a text
// pattern read by RE2 at check time, and whether an expression may be missing on some row.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lang/check/program.hpp"

namespace tally::check {

// RE2's message when `pattern` cannot be read, nullopt when it can.
std::optional<std::string> pattern_error(std::string_view pattern);

// Whether the expression may be missing on some row: it reads an optional (`?`) column, a
// lookup, `previous`/`next`, or a let that does, and no `coalesce`, `is known` or `if` makes it
// known. `lets` are the values of the indicator's lets, `table` its `from` table.
bool may_be_missing(const Program& program, const Table* table,
                    const std::vector<ast::LetClause>& lets, ast::ExprId id);

// Warns where `not (...)`, `!=` or `not in` is applied to a value that may be missing, unless
// the value is tested `is known` around it (in `id`, or in the conditions `holding`, which hold
// wherever `id` is read).
void warn_missing_logic(const Program& program, const Table* table,
                        const std::vector<ast::LetClause>& lets, ast::ExprId id,
                        const std::vector<ast::ExprId>& holding, Diagnostics& diags);

}  // namespace tally::check
