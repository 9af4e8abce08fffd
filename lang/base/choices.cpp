#include "lang/base/choices.hpp"

namespace tally {

const char* cadence_name(Cadence c) {
  switch (c) {
    case Cadence::month:
      return "month";
    case Cadence::quarter:
      return "quarter";
    case Cadence::year:
      return "year";
  }
  return "?";
}

const char* unit_name(UnitKind u) {
  switch (u) {
    case UnitKind::percent:
      return "percent";
    case UnitKind::rate:
      return "rate";
    case UnitKind::ratio:
      return "ratio";
    case UnitKind::count:
      return "count";
    case UnitKind::days:
      return "days";
    case UnitKind::number:
      return "number";
  }
  return "?";
}

const char* polarity_name(Polarity p) {
  switch (p) {
    case Polarity::higher:
      return "higher";
    case Polarity::lower:
      return "lower";
    case Polarity::range:
      return "range";
    case Polarity::neutral:
      return "neutral";
  }
  return "?";
}

const char* colour_name(Colour c) {
  switch (c) {
    case Colour::red:
      return "red";
    case Colour::amber:
      return "amber";
    case Colour::green:
      return "green";
  }
  return "?";
}

}  // namespace tally
