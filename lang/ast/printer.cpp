#include <fmt/format.h>

#include "lang/ast/ast.hpp"
#include "lang/base/value.hpp"

namespace tally::ast {

namespace {

// Binding strength, loosest first, for printing the fewest parentheses that keep the meaning.
int precedence(const Expr& e) {
  switch (e.kind) {
    case ExprKind::binary:
      switch (e.op) {
        case Op::or_:
          return 1;
        case Op::and_:
          return 2;
        case Op::eq:
        case Op::ne:
        case Op::lt:
        case Op::le:
        case Op::gt:
        case Op::ge:
          return 4;
        case Op::add:
        case Op::sub:
          return 5;
        case Op::mul:
        case Op::div:
          return 6;
        default:
          return 9;
      }
    case ExprKind::unary:
      return e.op == Op::not_ ? 3 : 7;
    case ExprKind::in_list:
    case ExprKind::in_period:
    case ExprKind::between:
    case ExprKind::is_known:
      return 4;
    case ExprKind::aggregate:
      // `sum x` takes everything after it as its operand; plain `count` stands alone.
      return e.args.empty() ? 9 : 0;
    case ExprKind::conditional:
      return 0;
    default:
      return 9;
  }
}

std::string source_of(const Module& m, ExprId id, int outer);

// Operand `i` of the binary `e`, printed inside an operator that binds as `outer`.
std::string operand_of(const Module& m, const Expr& e, std::size_t i, int outer) {
  const Expr& c = m.expr(e.args[i]);
  if (e.op == Op::or_ && c.kind == ExprKind::binary && c.op == Op::and_)
    return "(" + source_of(m, e.args[i], 0) + ")";
  return source_of(m, e.args[i], outer);
}

// `sum(days(decom, dec) per child_id)`, `exists(from episodes per child_id where ...)`.
std::string rows_source(const Module& m, const Expr& e) {
  std::string s = std::string(op_text(e.op)) + "(";
  if (e.args[0].valid()) s += source_of(m, e.args[0], 0) + " ";
  if (!e.text.empty()) s += "from " + e.text + " ";
  s += "per " + source_of(m, e.args[1], 0);
  if (e.args[2].valid()) s += " order by " + source_of(m, e.args[2], 0);
  if (e.args[3].valid()) s += " while " + source_of(m, e.args[3], 0);
  if (e.args[4].valid()) s += " where " + source_of(m, e.args[4], 0);
  return s + ")";
}

std::string source_of(const Module& m, ExprId id, int outer) {
  if (!id.valid()) return "";
  const Expr& e = m.expr(id);
  auto sub = [&](std::size_t i, int p) { return source_of(m, e.args[i], p); };
  std::string s;
  const int mine = precedence(e);
  switch (e.kind) {
    case ExprKind::number:
      s = e.text;
      break;
    case ExprKind::percent:
      s = e.text + "%";
      break;
    case ExprKind::duration:
      s = e.text + " " + duration_unit_name(e.unit, e.text != "1");
      break;
    case ExprKind::string:
      s = quoted(e.text);
      break;
    case ExprKind::date:
      s = e.text;
      break;
    case ExprKind::boolean:
      s = e.text;
      break;
    case ExprKind::list: {
      s = "(";
      for (std::size_t i = 0; i < e.args.size(); ++i) s += (i ? ", " : "") + sub(i, 0);
      s += ")";
      break;
    }
    case ExprKind::name:
      s = e.text;
      break;
    case ExprKind::member:
      s = e.text + "." + e.field;
      break;
    case ExprKind::lookup:
      s = e.text + "[" + sub(0, 0) + "]." + e.field;
      break;
    case ExprKind::call: {
      s = e.text + "(";
      for (std::size_t i = 0; i < e.args.size(); ++i) s += (i ? ", " : "") + sub(i, 0);
      s += ")";
      break;
    }
    case ExprKind::unary:
      // `not (a = b)` keeps its parentheses, which readers expect; `not x` needs none.
      s = e.op == Op::not_ ? "not " + sub(0, 9) : "-" + sub(0, mine);
      break;
    case ExprKind::binary:
      // Comparisons do not chain (`a = b = c` is not tally), so their left side binds tighter;
      // an `and` inside an `or` keeps parentheses, which readers expect there.
      s = operand_of(m, e, 0, mine == 4 ? mine + 1 : mine) + " " + op_text(e.op) + " " +
          operand_of(m, e, 1, mine + 1);
      break;
    case ExprKind::in_list:
      s = sub(0, mine + 1) + (e.negated ? " not in " : " in ") + sub(1, mine + 1);
      break;
    case ExprKind::in_period:
      s = sub(0, mine + 1) + " in " + e.field;
      break;
    case ExprKind::between:
      s = sub(0, mine + 1) + " between " + sub(1, mine + 1) + " and " + sub(2, mine + 1);
      break;
    case ExprKind::is_known:
      s = sub(0, mine + 1) + (e.negated ? " is missing" : " is known");
      break;
    case ExprKind::aggregate:
      s = op_text(e.op);
      if (!e.args.empty()) s += " " + sub(0, 0);
      break;
    case ExprKind::previous:
      s = std::string(op_text(e.op)) + "(" + sub(0, 0) + " per " + sub(1, 0);
      if (e.args[2].valid()) s += " order by " + sub(2, 0);
      if (e.args[3].valid()) s += " where " + sub(3, 0);
      s += ")";
      break;
    case ExprKind::interval:
      s = sub(0, 0) + " .. " + sub(1, 0);
      break;
    case ExprKind::conditional:
      s = "if " + sub(0, 0) + " then " + sub(1, 0) + " else " + sub(2, 0);
      break;
    case ExprKind::order_keys:
      for (std::size_t i = 0; i < e.args.size(); ++i) {
        s += (i ? ", " : "") + sub(i, 0);
        const char d = i < e.text.size() ? e.text[i] : '-';
        if (d == 'd') s += " desc";
        if (d == 'a') s += " asc";
      }
      break;
    case ExprKind::rows:
      s = rows_source(m, e);
      break;
  }
  if (mine < outer) return "(" + s + ")";
  return s;
}

// The operands of a chain `a OP b OP c` (left-nested, as the parser builds it).
void chain_operands(const Module& m, ExprId id, Op op, std::vector<ExprId>& out) {
  const Expr& e = m.expr(id);
  if (e.kind == ExprKind::binary && e.op == op) {
    chain_operands(m, e.args[0], op, out);
    out.push_back(e.args[1]);
  } else {
    out.push_back(id);
  }
}

}  // namespace

std::string expr_source(const Module& module, ExprId id) { return source_of(module, id, 0); }

std::vector<std::string> expr_source_lines(const Module& module, ExprId id, std::size_t column,
                                           std::size_t width) {
  std::string whole = expr_source(module, id);
  if (!id.valid() || column + whole.size() <= width) return {std::move(whole)};
  const Expr& e = module.expr(id);
  if (e.kind != ExprKind::binary || (e.op != Op::and_ && e.op != Op::or_)) return {whole};
  std::vector<ExprId> parts;
  chain_operands(module, id, e.op, parts);
  // Each operand as it prints inside the chain: the first as a left operand, the rest as right.
  const int mine = precedence(e);
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Expr& p = module.expr(parts[i]);
    const std::string part = e.op == Op::or_ && p.kind == ExprKind::binary && p.op == Op::and_
                                 ? "(" + source_of(module, parts[i], 0) + ")"
                                 : source_of(module, parts[i], i == 0 ? mine : mine + 1);
    lines.push_back(i == 0 ? part : std::string(op_text(e.op)) + " " + part);
  }
  return lines;
}

std::vector<std::pair<std::string, std::string>> clause_texts(const Module& m,
                                                              const IndicatorDecl& i) {
  std::vector<std::pair<std::string, std::string>> out;
  auto ex = [&](ExprId id) { return expr_source(m, id); };
  if (i.code) out.emplace_back("code", quoted(i.code->text));
  if (i.title) out.emplace_back("title", quoted(i.title->text));
  if (i.description) out.emplace_back("description", quoted(i.description->text));
  if (i.from) out.emplace_back("from", i.from->text);
  if (i.period) out.emplace_back("period", cadence_name(*i.period));
  if (i.window) {
    const WindowClause& w = *i.window;
    out.emplace_back("window", w.kind == WindowKind::rolling_months
                                   ? fmt::format("rolling {} months", w.months)
                               : w.kind == WindowKind::year_to_date ? "year to date"
                                                                    : "period");
  }
  for (const LetClause& l : i.lets) out.emplace_back("let " + l.name.text, "= " + ex(l.value));
  if (i.where) out.emplace_back("where", ex(*i.where));
  for (const MeasureClause& mc : i.measures)
    out.emplace_back("measure " + mc.name.text,
                     "= " + ex(mc.aggregate) + (mc.where.valid() ? " where " + ex(mc.where) : ""));
  auto agg = [&](const char* what, const std::optional<AggClause>& a) {
    if (a)
      out.emplace_back(what, ex(a->aggregate) + (a->where.valid() ? " where " + ex(a->where) : ""));
  };
  agg("denominator", i.denominator);
  agg("numerator", i.numerator);
  agg("value", i.value);
  if (i.unit)
    out.emplace_back("unit", std::string(unit_name(i.unit->kind)) +
                                 (i.unit->kind == UnitKind::rate ? " per " + i.unit->per : ""));
  if (i.decimals) out.emplace_back("decimals", std::to_string(*i.decimals));
  if (i.polarity) out.emplace_back("polarity", polarity_name(*i.polarity));
  if (i.target) out.emplace_back("target", ex(*i.target));
  if (i.rag) {
    std::string rules;
    for (const RagRule& r : i.rag->rules)
      rules += (rules.empty() ? "" : "; ") + std::string(colour_name(r.colour)) + " " +
               (r.when.valid() ? "when " + ex(r.when) : "otherwise");
    out.emplace_back("rag", rules);
  }
  if (i.trend)
    out.emplace_back(
        "trend",
        std::string(i.trend->kind == TrendKind::previous_period ? "previous period"
                                                                : "same period last year") +
            (i.trend->stable_within.valid() ? ", stable within " + ex(i.trend->stable_within)
                                            : ""));
  for (const BenchmarkClause& b : i.benchmarks)
    out.emplace_back("benchmark " + b.name.text,
                     ex(b.value) + (b.label.empty() ? "" : " " + quoted(b.label)));
  if (i.by) out.emplace_back("by", ex(*i.by));
  return out;
}

std::string suppress_source(const SuppressDecl& d) {
  std::string out = "suppress counts " + d.low + " .. " + d.high;
  if (d.text) out += " as " + quoted(d.text->text);
  if (d.always) out += " always";
  return out;
}

std::string print(const Module& m, const SourceManager& sources) {
  std::string out;
  auto at = [&](Span s) {
    const LineCol lc = sources.get(s.file).line_col(s.begin);
    return fmt::format("@{}:{}", lc.line, lc.column);
  };
  auto ex = [&](ExprId id) { return expr_source(m, id); };
  for (const File& f : m.files) {
    out += fmt::format("file {}\n", sources.get(f.id).path());
    for (const ImportDecl& i : f.imports)
      out += fmt::format("  import {} {}\n", i.path, at(i.span));
    for (const TableDecl& t : f.tables) {
      out += fmt::format("  {}table {} {}{}\n", t.extends ? "extend " : "", t.name.text,
                         at(t.name.span), t.title.empty() ? "" : " title=" + quoted(t.title));
      for (const ColumnDecl& c : t.columns) {
        out += fmt::format("    column {} {}{}{}{} {}\n", c.name.text, column_type_name(c.type),
                           c.nullable ? "?" : "", c.format ? " format=" + quoted(*c.format) : "",
                           c.key ? " key" : "", at(c.name.span));
      }
    }
    for (const ParamDecl& p : f.params) {
      out += fmt::format("  param {} = {} {}\n", p.name.text, ex(p.value), at(p.name.span));
      for (const DatedValue& d : p.dated)
        out += fmt::format("    from {} = {}{} {}\n", ex(d.from), ex(d.value),
                           d.decision.empty() ? "" : " decision=" + quoted(d.decision), at(d.span));
    }
    for (const SuppressDecl& d : f.suppressions)
      out += fmt::format("  {} {}\n", suppress_source(d), at(d.span));
    for (const ScenarioDecl& s : f.scenarios) {
      out += fmt::format("  scenario {} {}\n", s.name.text, at(s.name.span));
      for (const Assignment& a : s.overrides)
        out += fmt::format("    {} = {}\n", a.name.text, ex(a.value));
    }
    for (const TestDecl& t : f.tests) {
      out += fmt::format("  test {} {}\n", quoted(t.name), at(t.name_span));
      for (const Name& n : t.indicators) out += fmt::format("    indicator {}\n", n.text);
      if (t.period) out += fmt::format("    period {}\n", quoted(t.period->text));
      for (const Assignment& a : t.sets)
        out += fmt::format("    set {} = {}\n", a.name.text, ex(a.value));
      for (const Name& n : t.scenarios) out += fmt::format("    scenario {}\n", n.text);
      for (const TestTable& tt : t.tables) {
        out += fmt::format("    table {}", tt.name.text);
        if (tt.csv) out += " from " + quoted(*tt.csv);
        for (const Name& c : tt.columns) out += " " + c.text;
        out += "\n";
        for (const ExprId r : tt.rows) out += fmt::format("      row {}\n", ex(r));
      }
      for (const TestExpect& e : t.expects) {
        out += "    expect " + (e.indicator ? e.indicator->text + " " : std::string()) + e.what;
        for (std::size_t k = 0; k < e.values.size(); ++k) out += (k ? ", " : " ") + ex(e.values[k]);
        out += "\n";
      }
    }
    for (const IndicatorDecl& i : f.indicators) {
      out += fmt::format("  indicator {} {}\n", i.name.text, at(i.name.span));
      for (const auto& [clause, text] : clause_texts(m, i)) {
        if (clause == "rag") {
          out += "    rag\n";
          std::size_t start = 0;
          while (start < text.size()) {
            const std::size_t semi = text.find("; ", start);
            out +=
                "      " +
                text.substr(start, semi == std::string::npos ? std::string::npos : semi - start) +
                "\n";
            if (semi == std::string::npos) break;
            start = semi + 2;
          }
        } else {
          out += fmt::format("    {}{}{}\n", clause, text.empty() ? "" : " ", text);
        }
      }
    }
  }
  return out;
}

}  // namespace tally::ast
