// The names the executor takes from the plan: node ids and operations, value kinds, aggregate
// operations and constants. Every room of runtime/exec reads the plan through these.
#pragma once

#include "lang/base/value.hpp"
#include "lang/plan/plan.hpp"

namespace tally::runtime {

using plan::kNone;
using plan::NodeId;
using plan::NodeOp;
using AggregateOp = plan::AggOp;

}  // namespace tally::runtime
