// Small-number suppression as a program declares it (`suppress counts 1 .. 5 as "*"`): counts
// from `low` to `high` are shown as `text` in outputs meant for publication. One vocabulary for
// the checker, the plan and the runtime's post-pass that marks the hidden figures.
#pragma once

#include <string>

#include "lang/base/number.hpp"

namespace tally {

struct Suppression {
  Rational low = 1, high = 5;  // whole numbers, 0 <= low <= high; both bounds are hidden
  std::string text = "*";      // shown in place of a hidden figure
  bool always = false;         // every output is public, without --public
};

}  // namespace tally
