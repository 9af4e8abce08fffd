#include "lang/check/conditional_text.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <set>
#include <unordered_map>

#include "stdlib/builtins.hpp"

namespace tally::check {

std::optional<std::string> pattern_error(std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_encoding(RE2::Options::EncodingUTF8);
  const RE2 re(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (re.ok()) return std::nullopt;
  return re.error();
}

namespace {

struct Walk {
  const Program& p;
  const Table* table;
  const std::vector<ast::LetClause>& lets;
  const std::set<std::string>* known = nullptr;  // expressions tested `is known` around
  std::unordered_map<std::uint32_t, bool> seen;  // by ExprId: lets are walked once each

  bool operator()(ast::ExprId id, std::size_t depth) {
    if (!id.valid() || depth > ast::kMaxDepthWithLets) return false;
    if (auto it = seen.find(id.value); it != seen.end()) return it->second;
    const bool out = uncached(id, depth);
    seen[id.value] = out;
    return out;
  }
  bool uncached(ast::ExprId id, std::size_t depth);
};

bool Walk::uncached(ast::ExprId id, std::size_t depth) {
  const ast::Module& m = *p.module;
  const ast::Expr& e = m.expr(id);
  auto any = [&](std::size_t from) {
    for (std::size_t i = from; i < e.args.size(); ++i)
      if ((*this)(e.args[i], depth + 1)) return true;
    return false;
  };
  const bool can_be = e.kind == ast::ExprKind::name || e.kind == ast::ExprKind::lookup ||
                      e.kind == ast::ExprKind::previous;
  if (can_be && known && !known->empty() && known->count(ast::expr_source(m, id))) return false;
  switch (e.kind) {
    case ast::ExprKind::name: {
      const Ref& r = p.ref(id);
      if (r.what == Ref::What::column)
        return table && r.index < table->schema.columns.size() &&
               table->schema.columns[r.index].nullable;
      if (r.what == Ref::What::let && r.index < lets.size())
        return (*this)(lets[r.index].value, depth + 1);
      return false;
    }
    case ast::ExprKind::lookup:
    case ast::ExprKind::previous:
      return true;
    case ast::ExprKind::is_known:
      return false;
    case ast::ExprKind::conditional:
      // A missing condition takes the else branch: only the branches can be missing.
      return any(1);
    case ast::ExprKind::rows: {
      // count, any, exists and run_number are known wherever the row's key is (0 or false when
      // no row matches); the others are missing over no rows.
      const bool counted = e.op == ast::Op::count || e.op == ast::Op::any ||
                           e.op == ast::Op::exists || e.op == ast::Op::run_number;
      if (!counted) return true;
      if (e.text.empty()) return (*this)(e.args[1], depth + 1);
      // Another table's rows: `per COLUMN = EXPR` is missing where EXPR is; `per COLUMN` matches
      // this row's own column of that name, a key column of the data.
      const ast::Expr& per = m.expr(e.args[1]);
      return per.kind == ast::ExprKind::binary && (*this)(per.args[1], depth + 1);
    }
    case ast::ExprKind::call: {
      const Ref& r = p.ref(id);
      if (r.what != Ref::What::builtin) return any(0);
      const auto b = static_cast<stdlib::Builtin>(r.index);
      if (b == stdlib::Builtin::coalesce)
        return e.args.size() == 2 && (*this)(e.args[1], depth + 1);
      if (b == stdlib::Builtin::least || b == stdlib::Builtin::greatest) {
        for (ast::ExprId a : e.args)
          if (!(*this)(a, depth + 1)) return false;
        return true;
      }
      if (b == stdlib::Builtin::active) return (*this)(e.args[0], depth + 1);
      return any(0);
    }
    default:
      return any(0);
  }
}

}  // namespace

bool may_be_missing(const Program& program, const Table* table,
                    const std::vector<ast::LetClause>& lets, ast::ExprId id) {
  Walk walk{program, table, lets, nullptr, {}};
  return walk(id, 0);
}

namespace {

// Adds to `out` what the condition `id` tests known where it holds (`x is known`, and each side
// of an `and`), or, with `missing`, what it tests missing where it fails (each side of an `or`).
void tested(const ast::Module& m, ast::ExprId id, bool missing, std::set<std::string>& out,
            std::size_t depth = 0) {
  if (!id.valid() || depth > ast::kMaxDepth) return;
  const ast::Expr& e = m.expr(id);
  if (e.kind == ast::ExprKind::is_known && e.negated == missing) {
    out.insert(ast::expr_source(m, e.args[0]));
  } else if (e.kind == ast::ExprKind::binary && e.op == (missing ? ast::Op::or_ : ast::Op::and_)) {
    tested(m, e.args[0], missing, out, depth + 1);
    tested(m, e.args[1], missing, out, depth + 1);
  }
}

struct Warner {
  const Program& p;
  const Table* table;
  const std::vector<ast::LetClause>& lets;
  Diagnostics& diags;

  bool missing(ast::ExprId id, const std::set<std::string>& known) {
    Walk w{p, table, lets, &known, {}};
    return w(id, 0);
  }

  // The first value inside `id` that may be missing: a column, lookup, previous or let.
  ast::ExprId leaf(ast::ExprId id, const std::set<std::string>& known, std::size_t depth = 0) {
    const ast::Module& m = *p.module;
    const ast::Expr& e = m.expr(id);
    if (e.kind == ast::ExprKind::name || e.kind == ast::ExprKind::lookup ||
        e.kind == ast::ExprKind::previous || depth > ast::kMaxDepth)
      return id;
    for (ast::ExprId a : e.args)
      if (a.valid() && missing(a, known)) return leaf(a, known, depth + 1);
    return id;
  }

  void warn(const ast::Expr& e, ast::ExprId operand, const char* what,
            const std::set<std::string>& known) {
    const ast::Module& m = *p.module;
    std::string shown = ast::expr_source(m, leaf(operand, known));
    if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
    diags.warning(DiagKind::missing_logic, e.span,
                  fmt::format("{} is missing, not true, on rows where `{}` is missing: such rows "
                              "are left out wherever this is a condition",
                              what, shown),
                  fmt::format("a comparison with a missing value is missing, and `not`, `!=` and "
                              "`not in` keep it missing; to count those rows too, write `{} is "
                              "missing or ...`, or test `{} is known` first to say they are left "
                              "out on purpose",
                              shown, shown));
  }

  void walk(ast::ExprId id, std::set<std::string> known, std::size_t depth = 0) {
    if (!id.valid() || depth > ast::kMaxDepth) return;
    const ast::Module& m = *p.module;
    const ast::Expr& e = m.expr(id);
    switch (e.kind) {
      case ast::ExprKind::binary:
        if (e.op == ast::Op::and_ || e.op == ast::Op::or_) {
          // In `a and b`, b is read only where a holds (and a where b holds, as `and` is false
          // when either side is); in `a or b`, only where the other fails.
          std::set<std::string> more = known;
          tested(m, id, e.op == ast::Op::or_, more);
          walk(e.args[0], more, depth + 1);
          walk(e.args[1], more, depth + 1);
          return;
        }
        if (e.op == ast::Op::ne) {
          for (ast::ExprId side : e.args) {
            if (missing(side, known)) {
              warn(e, side, "`!=`", known);
              break;
            }
          }
        }
        break;
      case ast::ExprKind::unary:
        if (e.op == ast::Op::not_ && missing(e.args[0], known)) {
          warn(e, e.args[0], "`not (...)`", known);
          return;  // one warning for the whole negation
        }
        break;
      case ast::ExprKind::in_list:
        if (e.negated && missing(e.args[0], known)) warn(e, e.args[0], "`not in`", known);
        break;
      case ast::ExprKind::conditional: {
        walk(e.args[0], known, depth + 1);
        std::set<std::string> then_known = known;
        tested(m, e.args[0], false, then_known);
        walk(e.args[1], then_known, depth + 1);
        walk(e.args[2], known, depth + 1);
        return;
      }
      default:
        break;
    }
    for (ast::ExprId a : e.args) walk(a, known, depth + 1);
  }
};

}  // namespace

void warn_missing_logic(const Program& program, const Table* table,
                        const std::vector<ast::LetClause>& lets, ast::ExprId id,
                        const std::vector<ast::ExprId>& holding, Diagnostics& diags) {
  std::set<std::string> known;
  for (ast::ExprId h : holding) tested(*program.module, h, false, known);
  Warner w{program, table, lets, diags};
  w.walk(id, known);
}

}  // namespace tally::check
