#include "lang/check/program.hpp"

#include <fmt/format.h>

namespace tally::check {

namespace {
template <typename T>
std::optional<std::uint32_t> find_by_name(const std::vector<T>& items, const std::string& name) {
  for (std::uint32_t i = 0; i < items.size(); ++i)
    if (items[i].name == name) return i;
  return std::nullopt;
}
}  // namespace

std::optional<std::uint32_t> Program::find_param(const std::string& name) const {
  return find_by_name(params, name);
}
std::optional<std::uint32_t> Program::find_scenario(const std::string& name) const {
  return find_by_name(scenarios, name);
}
std::optional<std::uint32_t> Program::find_indicator(const std::string& name) const {
  return find_by_name(indicators, name);
}
std::optional<std::uint32_t> Program::find_table(const std::string& name) const {
  for (std::uint32_t i = 0; i < tables.size(); ++i)
    if (tables[i].schema.name == name) return i;
  return std::nullopt;
}

namespace {

// The literal as written, before it meets a declared type.
std::optional<Constant> literal(const ast::Module& m, ast::ExprId id, Diagnostics& diags,
                                const std::string& what) {
  const ast::Expr& e = m.expr(id);
  Constant c;
  switch (e.kind) {
    case ast::ExprKind::number:
      c.type = Type::number(Unit::none, true);
      c.number = *parse_decimal(e.text);
      return c;
    case ast::ExprKind::percent:
      c.type = Type::number(Unit::percent);
      c.number = *parse_decimal(e.text);
      return c;
    case ast::ExprKind::duration:
      c.type = Type::number(unit_of(e.unit));
      c.number = *parse_decimal(e.text) * unit_factor(c.type.unit);
      return c;
    case ast::ExprKind::unary:
      if (e.op == ast::Op::neg) {
        auto inner = literal(m, e.args[0], diags, what);
        if (!inner) return std::nullopt;
        if (inner->type.kind == Kind::number) {
          inner->number = -inner->number;
          return inner;
        }
      }
      break;
    case ast::ExprKind::string:
      c.type = Type::text();
      c.text = e.text;
      return c;
    case ast::ExprKind::boolean:
      c.type = Type::boolean();
      c.boolean = e.text == "true";
      return c;
    case ast::ExprKind::date: {
      auto d = parse_iso(e.text);
      if (!d) {
        diags.error(DiagKind::bad_literal, e.span, fmt::format("{} is not a real date", e.text),
                    "dates are written yyyy-mm-dd, as in 2017-04-01");
        return std::nullopt;
      }
      c.type = Type::date();
      c.date = *d;
      return c;
    }
    case ast::ExprKind::list: {
      c.type.kind = Kind::list;
      for (ast::ExprId item : e.args) {
        auto v = literal(m, item, diags, what);
        if (!v) return std::nullopt;
        if (v->type.kind == Kind::list) {
          diags.error(DiagKind::bad_parameter, m.expr(item).span, "a list cannot hold a list", "");
          return std::nullopt;
        }
        if (!c.items.empty() && !units_compatible(c.items.front().type, v->type)) {
          diags.error(DiagKind::bad_parameter, m.expr(item).span,
                      fmt::format("this list mixes {} and {}", describe(c.items.front().type),
                                  describe(v->type)),
                      "a list holds values of one kind");
          return std::nullopt;
        }
        c.items.push_back(std::move(*v));
      }
      if (!c.items.empty()) {
        c.type.element = c.items.front().type.kind;
        c.type.element_unit = c.items.front().type.unit;
      }
      return c;
    }
    default:
      break;
  }
  diags.error(DiagKind::bad_parameter, e.span,
              fmt::format("the value of {} must be a literal", what),
              "write a number, percentage (90%), duration (10 days), date (2017-04-01), string "
              "(\"E11\"), true/false, or a list of them in parentheses");
  return std::nullopt;
}

}  // namespace

std::optional<Constant> constant_of(const ast::Module& m, ast::ExprId id, const Type* declared,
                                    Diagnostics& diags, const std::string& what) {
  auto c = literal(m, id, diags, what);
  if (!c || !declared || declared->is_error()) return c;
  const Span span = m.expr(id).span;
  auto mismatch = [&](std::string hint) -> std::optional<Constant> {
    diags.error(DiagKind::bad_parameter, span,
                fmt::format("{} is {}, but {} is {}", what, describe(*declared),
                            constant_source(*c), describe(c->type)),
                std::move(hint));
    return std::nullopt;
  };
  if (declared->kind == Kind::list && c->type.kind != Kind::list &&
      (declared->element == Kind::error || declared->element == c->type.kind)) {
    // `("E11")` is one value in parentheses; for a list parameter it is a list of one.
    Constant list;
    list.type.kind = Kind::list;
    list.type.element = c->type.kind;
    list.type.element_unit = c->type.unit;
    list.items.push_back(std::move(*c));
    return list;
  }
  if (declared->kind != c->type.kind) {
    return mismatch(fmt::format("give {}", describe(*declared)));
  }
  if (c->type.kind == Kind::number) {
    if (c->type.adaptive && !declared->adaptive) {
      // A plain number takes the declared unit: 15 means 15 days for a parameter in days.
      c->type = Type::number(declared->unit);
      c->number *= unit_factor(declared->unit);
      return c;
    }
    if (!units_compatible(c->type, *declared)) {
      return mismatch(fmt::format("give a plain number, which is read as {}", describe(*declared)));
    }
    if (declared->adaptive && c->type.unit != Unit::none) {
      return mismatch("give a plain number");
    }
  }
  if (c->type.kind == Kind::list && !c->items.empty() && declared->element != Kind::error &&
      c->type.element != declared->element) {
    return mismatch("give a list of the same kind of values");
  }
  return c;
}

std::string print_types(const Program& program, const SourceManager& sources) {
  std::string out;
  const ast::Module& m = *program.module;
  for (std::uint32_t i = 0; i < m.exprs.size(); ++i) {
    const ast::Expr& e = m.exprs[i];
    const Type& t = program.types[i];
    if (t.is_error()) continue;
    const SourceFile& f = sources.get(e.span.file);
    const LineCol lc = f.line_col(e.span.begin);
    const char* level = "constant";
    switch (program.levels[i]) {
      case Level::constant:
        level = "constant";
        break;
      case Level::row:
        level = "row";
        break;
      case Level::aggregate:
        level = "aggregate";
        break;
      case Level::indicator:
        level = "indicator";
        break;
    }
    std::string type = describe(t);
    if (t.kind == Kind::list)
      type += fmt::format(" of {}", describe(Type{t.element, t.element_unit}));
    out += fmt::format("{}:{}:{}: {} : {} ({}{})\n", f.path(), lc.line, lc.column,
                       ast::expr_source(m, ast::ExprId{i}), type, level,
                       program.uses_period[i] ? ", per period" : "");
  }
  return out;
}

bool is_headcount(const ast::Expr& e) {
  return e.kind == ast::ExprKind::call && e.text == "headcount";
}

bool uses_measures(const ast::Module& module, const ast::IndicatorDecl& d,
                   const ast::AggClause& c) {
  if (d.measures.empty() || !c.aggregate.valid()) return false;
  const ast::Expr& e = module.expr(c.aggregate);
  return e.kind != ast::ExprKind::aggregate && !is_headcount(e);
}

}  // namespace tally::check
