#include "lang/check/types.hpp"

namespace tally::check {

Unit unit_of(ast::DurationUnit u) {
  switch (u) {
    case ast::DurationUnit::days:
      return Unit::days;
    case ast::DurationUnit::working_days:
      return Unit::working_days;
    case ast::DurationUnit::weeks:
      return Unit::weeks;
    case ast::DurationUnit::months:
      return Unit::months;
    case ast::DurationUnit::years:
      return Unit::years;
  }
  return Unit::none;
}

bool units_compatible(const Type& a, const Type& b) {
  if (a.kind != Kind::number || b.kind != Kind::number) return a.kind == b.kind;
  if (a.adaptive || b.adaptive) return true;
  return dimension(a.unit) == dimension(b.unit);
}

}  // namespace tally::check
