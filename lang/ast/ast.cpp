#include "lang/ast/ast.hpp"

namespace tally::ast {

const char* op_text(Op op) {
  switch (op) {
    case Op::none:
      return "";
    case Op::add:
      return "+";
    case Op::sub:
      return "-";
    case Op::mul:
      return "*";
    case Op::div:
      return "/";
    case Op::neg:
      return "-";
    case Op::eq:
      return "=";
    case Op::ne:
      return "!=";
    case Op::lt:
      return "<";
    case Op::le:
      return "<=";
    case Op::gt:
      return ">";
    case Op::ge:
      return ">=";
    case Op::and_:
      return "and";
    case Op::or_:
      return "or";
    case Op::not_:
      return "not";
    case Op::count:
      return "count";
    case Op::count_distinct:
      return "count distinct";
    case Op::sum:
      return "sum";
    case Op::mean:
      return "mean";
    case Op::median:
      return "median";
    case Op::min:
      return "min";
    case Op::max:
      return "max";
    case Op::previous:
      return "previous";
    case Op::next:
      return "next";
    case Op::any:
      return "any";
    case Op::exists:
      return "exists";
    case Op::first:
      return "first";
    case Op::last:
      return "last";
    case Op::run_number:
      return "run_number";
  }
  return "?";
}

const char* duration_unit_name(DurationUnit unit, bool plural) {
  switch (unit) {
    case DurationUnit::days:
      return plural ? "days" : "day";
    case DurationUnit::working_days:
      return plural ? "working days" : "working day";
    case DurationUnit::weeks:
      return plural ? "weeks" : "week";
    case DurationUnit::months:
      return plural ? "months" : "month";
    case DurationUnit::years:
      return plural ? "years" : "year";
  }
  return "?";
}

}  // namespace tally::ast
