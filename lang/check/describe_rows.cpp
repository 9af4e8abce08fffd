#include "lang/check/describe_rows.hpp"

#include <fmt/format.h>

namespace tally::check {

using ast::Op;

std::string rows_words(const ast::Module& m, const ast::Expr& e,
                       const std::function<std::string(ast::ExprId)>& words) {
  const auto arg = [&](std::size_t i) { return words(e.args[i]); };
  const bool other = !e.text.empty();
  // Over which rows: "the rows of the same child_id", "the episodes rows with this row's ...".
  std::string over;
  if (other) {
    const ast::Expr& per = m.expr(e.args[1]);
    if (per.kind == ast::ExprKind::binary)
      over =
          fmt::format("the {} rows whose {} is {}", e.text, words(per.args[0]), words(per.args[1]));
    else
      over = fmt::format("the {} rows with this row's {}", e.text, arg(1));
  } else {
    over = fmt::format("the rows of the same {}", arg(1));
    if (e.args[3].valid())
      over = fmt::format(
          "this row's run of rows of the same {} (in order of {}, each following "
          "on from the one before while {})",
          arg(1), e.args[2].valid() ? arg(2) : arg(0), arg(3));
  }
  if (e.args[4].valid()) over += fmt::format(" where {}", arg(4));
  switch (e.op) {
    case Op::count:
      return fmt::format("the number of {}", over);
    case Op::sum:
      return fmt::format("the total of {} over {}", arg(0), over);
    case Op::mean:
      return fmt::format("the mean of {} over {}", arg(0), over);
    case Op::min:
      return fmt::format("the smallest {} among {}", arg(0), over);
    case Op::max:
      return fmt::format("the largest {} among {}", arg(0), over);
    case Op::any:
      return fmt::format("whether {} holds on any of {}", arg(0), over);
    case Op::exists:
      return fmt::format("whether there are any of {}", over);
    case Op::first:
      return fmt::format("{} on the first of {}", arg(0), over);
    case Op::last:
      return fmt::format("{} on the last of {}", arg(0), over);
    case Op::run_number:
      return fmt::format(
          "the number of this row's run among the rows of the same {} (in order "
          "of {}, a new run starting wherever it does not hold that {})",
          arg(1), arg(2), e.args[3].valid() ? arg(3) : "false");
    default:
      break;
  }
  return over;
}

}  // namespace tally::check
