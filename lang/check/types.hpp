// The checker's rules on types and units, over the language's values and types
// (lang/base/value.hpp): the unit a duration is written in, and which units meet.
#pragma once

#include "lang/ast/ast.hpp"
#include "lang/base/value.hpp"

namespace tally::check {

// The unit a duration literal is written in.
Unit unit_of(ast::DurationUnit unit);

// Whether values of `a` and `b` can be compared or added; the adaptive side takes the other's unit.
bool units_compatible(const Type& a, const Type& b);

}  // namespace tally::check
