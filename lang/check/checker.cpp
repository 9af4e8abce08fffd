// The checker: resolves every name, infers types, units and levels, and reports every mistake it
// can find in one pass over all files.
//
// Long on purpose: one class walks one syntax tree, and its parts (names, types and units, levels,
// lets with their depth and size, each clause of an indicator) share its scopes and side tables;
// split into files, each would reach into the others' state.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "lang/check/conditional_text.hpp"
#include "lang/check/program.hpp"
#include "stdlib/builtins.hpp"

namespace tally::check {

namespace {

using ast::ExprId;
using ast::ExprKind;
using ast::Op;

Type type_of_column(ColumnType t) {
  switch (t) {
    case ColumnType::text:
      return Type::text();
    case ColumnType::integer:
    case ColumnType::decimal:
      return Type::number();
    case ColumnType::date:
      return Type::date();
    case ColumnType::boolean:
      return Type::boolean();
  }
  return Type::error();
}

// What an expression may see, by where it stands.
enum class Context : std::uint8_t {
  row,        // lets, where, aggregate operands and conditions
  clause,     // the top of numerator / denominator / value: an aggregate
  indicator,  // rag rules: value, target, benchmarks, parameters
  constant,   // target, benchmarks, stable within, parameter values: literals and parameters
  measures,   // numerator / denominator / value written as arithmetic of measures and lookups
};

struct Scope {
  Context context = Context::constant;
  const Indicator* indicator = nullptr;
  const Table* table = nullptr;
  std::size_t visible_lets = 0;  // lets [0, visible_lets) may be used
  std::size_t current_let = SIZE_MAX;
  bool in_previous = false;
  // Inside a question about another table's rows: this row's table and indicator, whose names
  // may not be used there.
  const Table* outer_table = nullptr;
  const Indicator* outer_indicator = nullptr;
  std::size_t outer_lets = 0;
};

class Checker {
 public:
  Checker(const ast::Module& module, std::size_t named_files, Diagnostics& diags)
      : m_(module), named_files_(named_files), diags_(diags) {
    p_.module = &module;
    p_.types.assign(module.exprs.size(), Type::error());
    p_.levels.assign(module.exprs.size(), Level::constant);
    p_.refs.assign(module.exprs.size(), Ref{});
    p_.uses_period.assign(module.exprs.size(), 0);
    extents_.assign(module.exprs.size(), Extent{});
  }

  const std::map<std::string, ast::ExprId>* ad_hoc_by = nullptr;

  Program run() {
    declare_all();
    for (std::size_t f = 0; f < m_.files.size(); ++f)
      for (const auto& t : m_.files[f].tables)
        if (!t.extends) table(t);
    // Extensions after every table they may extend, in file order.
    for (std::size_t f = 0; f < m_.files.size(); ++f)
      for (const auto& t : m_.files[f].tables)
        if (t.extends) extend_table(t);
    for (const auto& f : m_.files)
      for (const auto& p : f.params) param(p);
    for (const auto& f : m_.files)
      for (const auto& s : f.scenarios) scenario(s);
    suppressions();
    for (std::size_t f = 0; f < m_.files.size(); ++f)
      for (const auto& i : m_.files[f].indicators) indicator(i, f < named_files_);
    return std::move(p_);
  }

 private:
  // ---- declarations ----
  void declare_all() {
    // Every declaration in file and position order, so that the first one is the one kept.
    struct Declared {
      const ast::Name* name;
      const char* what;
    };
    std::vector<Declared> all;
    for (const auto& f : m_.files) {
      for (const auto& t : f.tables)
        if (!t.extends) all.push_back({&t.name, "table"});
      for (const auto& p : f.params) all.push_back({&p.name, "parameter"});
      for (const auto& s : f.scenarios) all.push_back({&s.name, "scenario"});
      for (const auto& i : f.indicators) all.push_back({&i.name, "indicator"});
    }
    std::stable_sort(all.begin(), all.end(), [](const Declared& a, const Declared& b) {
      if (a.name->span.file != b.name->span.file) return a.name->span.file < b.name->span.file;
      return a.name->span.begin < b.name->span.begin;
    });
    std::map<std::string, Span> seen;
    for (const Declared& d : all) {
      const ast::Name& n = *d.name;
      if (n.text.empty()) continue;
      auto [it, fresh] = seen.emplace(n.text, n.span);
      if (!fresh) {
        diags_
            .error(DiagKind::duplicate_name, n.span,
                   fmt::format("`{}` is declared twice (this {})", n.text, d.what),
                   "rename one of them; tables, parameters, scenarios and indicators share one "
                   "set of names")
            .labels.push_back(Label{it->second, "first declared here"});
      }
    }
  }

  void table(const ast::TableDecl& t) {
    Table table;
    table.schema.name = t.name.text;
    table.schema.title = t.title;
    std::map<std::string, Span> seen;
    for (const auto& c : t.columns) {
      auto [it, fresh] = seen.emplace(c.name.text, c.name.span);
      if (!fresh) {
        diags_
            .error(DiagKind::duplicate_name, c.name.span,
                   fmt::format("column `{}` is declared twice in table `{}`", c.name.text,
                               t.name.text),
                   "remove or rename one of them")
            .labels.push_back(Label{it->second, "first declared here"});
        continue;
      }
      ColumnSchema col;
      col.name = c.name.text;
      col.type = c.type;
      col.nullable = c.nullable;
      col.key = c.key;
      if (c.format) {
        if (c.type != ast::ColumnType::date) {
          diags_.error(DiagKind::type_mismatch, c.format_span,
                       fmt::format("only a date column can name a layout; `{}` is {}", c.name.text,
                                   column_type_name(col.type)),
                       "remove the layout string, or declare the column `date`");
        } else if (!DateFormat::parse(*c.format)) {
          diags_.error(DiagKind::bad_literal, c.format_span,
                       fmt::format("\"{}\" is not a date layout", *c.format),
                       "write the layout with dd, mm and yyyy, as in \"dd/mm/yyyy\" or "
                       "\"yyyy-mm-dd\"");
        } else {
          col.date_format = *c.format;
        }
      }
      if (c.key) {
        if (table.key) {
          diags_.error(DiagKind::clause_conflict, c.span,
                       fmt::format("table `{}` already has a key column, `{}`", t.name.text,
                                   table.schema.columns[*table.key].name),
                       "a table has at most one `key` column");
        } else {
          table.key = static_cast<std::uint32_t>(table.schema.columns.size());
        }
        if (c.nullable)
          diags_.error(DiagKind::clause_conflict, c.span,
                       fmt::format("key column `{}` cannot be optional (`?`)", c.name.text),
                       "every row needs a key to be looked up by it; remove the `?`");
      }
      table.schema.columns.push_back(std::move(col));
    }
    if (t.columns.empty())
      diags_.error(DiagKind::missing_clause, t.name.span,
                   fmt::format("table `{}` declares no columns", t.name.text),
                   "list the columns it uses, as in `child_id text  visit_date date`");
    tables_by_name_[t.name.text] = static_cast<std::uint32_t>(p_.tables.size());
    p_.tables.push_back(std::move(table));
  }

  // `extend table NAME { ... }`: a column the table has may be given again with the same type
  // (and `key` to make it the key); a column it lacks is added.
  void extend_table(const ast::TableDecl& t) {
    auto it = tables_by_name_.find(t.name.text);
    if (it == tables_by_name_.end()) {
      std::vector<std::string> names;
      for (const auto& x : p_.tables) names.push_back(x.schema.name);
      unknown(t.name.text, t.name.span, names, "table",
              "`extend table` adds to a table declared elsewhere, such as one of the standard "
              "library's; declare a new table with `table NAME { ... }`",
              DiagKind::unknown_table);
      return;
    }
    Table& table = p_.tables[it->second];
    std::set<std::string> seen;
    for (const auto& c : t.columns) {
      if (!seen.insert(c.name.text).second) {
        diags_.error(DiagKind::duplicate_name, c.name.span,
                     fmt::format("column `{}` is given twice in this extension", c.name.text),
                     "remove one of them");
        continue;
      }
      std::optional<std::uint32_t> index;
      for (std::uint32_t i = 0; i < table.schema.columns.size(); ++i)
        if (table.schema.columns[i].name == c.name.text) index = i;
      if (index) {
        ColumnSchema& col = table.schema.columns[*index];
        if (col.type != c.type || col.nullable != c.nullable ||
            (c.format && col.date_format != *c.format)) {
          diags_.error(DiagKind::type_mismatch, c.span,
                       fmt::format("table `{}` has `{}` as {}{}; an extension gives a column it "
                                   "has with the same type",
                                   t.name.text, col.name, column_type_name(col.type),
                                   col.nullable ? "?" : ""),
                       fmt::format("write `{} {}{}{}`, adding `key` to make it the key", col.name,
                                   column_type_name(col.type), col.nullable ? "?" : "",
                                   col.date_format.empty() ? "" : " \"" + col.date_format + "\""));
          continue;
        }
        if (c.key) make_key(table, *index, t.name.text, c);
        continue;
      }
      ColumnSchema col;
      col.name = c.name.text;
      col.type = c.type;
      col.nullable = c.nullable;
      if (c.format) {
        if (c.type != ast::ColumnType::date || !DateFormat::parse(*c.format)) {
          diags_.error(DiagKind::bad_literal, c.format_span,
                       fmt::format("\"{}\" is not a date layout for `{}`", *c.format, c.name.text),
                       "only a date column names a layout, written with dd, mm and yyyy");
          continue;
        }
        col.date_format = *c.format;
      }
      table.schema.columns.push_back(std::move(col));
      if (c.key)
        make_key(table, static_cast<std::uint32_t>(table.schema.columns.size() - 1), t.name.text,
                 c);
    }
  }

  void make_key(Table& table, std::uint32_t index, const std::string& name,
                const ast::ColumnDecl& c) {
    if (table.key && *table.key != index) {
      diags_.error(DiagKind::clause_conflict, c.span,
                   fmt::format("table `{}` already has a key column, `{}`", name,
                               table.schema.columns[*table.key].name),
                   "a table has at most one `key` column");
      return;
    }
    if (c.nullable) {
      diags_.error(DiagKind::clause_conflict, c.span,
                   fmt::format("key column `{}` cannot be optional (`?`)", c.name.text),
                   "every row needs a key to be looked up by it; remove the `?`");
      return;
    }
    table.key = index;
    table.schema.columns[index].key = true;
  }

  void param(const ast::ParamDecl& d) {
    Param param;
    param.name = d.name.text;
    auto value =
        constant_of(m_, d.value, nullptr, diags_, fmt::format("parameter `{}`", d.name.text));
    if (value) {
      param.value = std::move(*value);
    }
    mark_constant(d.value, param.value.type);
    if (value) dated_values(d, param);
    params_by_name_[d.name.text] = static_cast<std::uint32_t>(p_.params.size());
    p_.params.push_back(std::move(param));
  }

  // `suppress counts LOW .. HIGH [as "TEXT"] [always]`: at most one in the program, bounds whole
  // numbers from 0 with LOW <= HIGH, a text that is not empty.
  void suppressions() {
    const ast::SuppressDecl* first = nullptr;
    for (const auto& f : m_.files) {
      for (const auto& d : f.suppressions) {
        if (first != nullptr) {
          diags_
              .error(DiagKind::bad_suppression, d.span,
                     "small-number suppression is declared twice",
                     "keep one declaration: every output of a program hides small numbers by one "
                     "rule")
              .labels.push_back(Label{first->span, "first declared here"});
          continue;
        }
        first = &d;
        auto low = suppress_bound(d.low, d.low_span);
        auto high = suppress_bound(d.high, d.high_span);
        bool ok = low && high;
        if (ok && *low > *high) {
          diags_
              .error(
                  DiagKind::bad_suppression, d.high_span,
                  fmt::format("the bounds are the wrong way round: {} is below {}", d.high, d.low),
                  fmt::format("write the smaller count first: `suppress counts {} .. {}`", d.high,
                              d.low))
              .labels.push_back(Label{d.low_span, "the larger bound, written first"});
          ok = false;
        }
        if (d.text && d.text->text.empty()) {
          diags_.error(DiagKind::bad_suppression, d.text->span,
                       "the text shown for a hidden figure is empty: it would read as a missing "
                       "figure",
                       "write a mark, as in `as \"*\"` or `as \"[c]\"`");
          ok = false;
        }
        if (!ok) continue;
        Suppression s;
        s.low = *low;
        s.high = *high;
        if (d.text) s.text = d.text->text;
        s.always = d.always;
        p_.suppression = std::move(s);
      }
    }
  }

  // A bound of `suppress counts`: a whole number from 0.
  std::optional<Rational> suppress_bound(const std::string& written, Span at) {
    std::string digits;
    for (char c : written)
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') digits += c;
    const std::optional<Rational> v = parse_decimal(digits);
    if (!v) {
      diags_.error(DiagKind::bad_suppression, at, fmt::format("`{}` is not a count", written),
                   "write whole numbers, as in `suppress counts 1 .. 5`");
      return std::nullopt;
    }
    if (*v < 0) {
      diags_.error(DiagKind::bad_suppression, at,
                   fmt::format("`{}` is below 0: no count is smaller than 0", digits),
                   "start the range at 0 or above, as in `suppress counts 1 .. 5` (0 itself is "
                   "hidden only when the range starts at 0)");
      return std::nullopt;
    }
    if (boost::multiprecision::denominator(*v) != 1) {
      diags_.error(DiagKind::bad_suppression, at,
                   fmt::format("`{}` is not a whole number: the bounds are counts", digits),
                   "write whole numbers; both bounds are hidden, so `suppress counts 1 .. 5` "
                   "hides 1, 2, 3, 4 and 5");
      return std::nullopt;
    }
    return v;
  }

  // The `from DATE = VALUE` lines of a parameter: each a date, later than the one before, and a
  // value of the kind and unit of the first (a list may have another length).
  void dated_values(const ast::ParamDecl& d, Param& param) {
    const ast::DatedValue* before = nullptr;
    for (const ast::DatedValue& dv : d.dated) {
      if (!dv.from.valid() || !dv.value.valid()) continue;
      const ast::Expr& from = m_.expr(dv.from);
      if (from.kind != ExprKind::date) {
        diags_.error(DiagKind::dated_value, from.span,
                     fmt::format("`{}` is not a date: after `from` comes the date the value of "
                                 "`{}` is in force from",
                                 ast::expr_source(m_, dv.from), d.name.text),
                     "write the date as YYYY-MM-DD, as in `from 2019-04-01 = 15 days`");
        continue;
      }
      // A date literal that is no real date (2019-02-30) is reported as in any literal.
      const Type date = Type::date();
      auto when = constant_of(m_, dv.from, &date, diags_, "the date");
      if (!when) continue;
      mark_constant(dv.from, date);
      const std::string what =
          fmt::format("parameter `{}` from {}", d.name.text, ast::expr_source(m_, dv.from));
      auto value = constant_of(m_, dv.value, &param.value.type, diags_, what);
      if (!value) continue;
      mark_constant(dv.value, value->type);
      if (!param.dated.empty() && when->date <= param.dated.back().from) {
        const bool same = when->date == param.dated.back().from;
        Diagnostic& g = diags_.error(
            DiagKind::dated_value, from.span,
            same ? fmt::format("`{}` has two values from {}", d.name.text,
                               ast::expr_source(m_, dv.from))
                 : fmt::format("the dates of `{}` are out of order: {} comes after {}", d.name.text,
                               ast::expr_source(m_, dv.from), ast::expr_source(m_, before->from)),
            same ? "keep one of them: a parameter has one value in force on each day"
                 : "write the `from` lines in date order, the earliest first");
        g.labels.push_back(Label{m_.expr(before->from).span, "the earlier line"});
        continue;
      }
      param.dated.push_back(DatedConstant{when->date, std::move(*value), dv.decision});
      before = &dv;
    }
  }

  void mark_constant(ExprId id, const Type& t) {
    if (!id.valid()) return;
    p_.types[id.value] = t;
    for (ExprId a : m_.expr(id).args) mark_constant(a, a.valid() ? p_.types[a.value] : t);
  }

  void scenario(const ast::ScenarioDecl& d) {
    Scenario s;
    s.name = d.name.text;
    std::set<std::string> seen;
    for (const auto& a : d.overrides) {
      auto it = params_by_name_.find(a.name.text);
      if (it == params_by_name_.end()) {
        unknown(a.name.text, a.name.span, param_names(), "parameter",
                "a scenario overrides parameters declared with `param`");
        continue;
      }
      if (!seen.insert(a.name.text).second) {
        diags_.error(DiagKind::duplicate_name, a.name.span,
                     fmt::format("scenario `{}` sets `{}` twice", d.name.text, a.name.text),
                     "keep one of them");
        continue;
      }
      const Param& param = p_.params[it->second];
      auto value = constant_of(m_, a.value, &param.value.type, diags_,
                               fmt::format("parameter `{}`", a.name.text));
      if (value) {
        mark_constant(a.value, value->type);
        s.overrides.emplace_back(it->second, std::move(*value));
      }
    }
    p_.scenarios.push_back(std::move(s));
  }

  std::vector<std::string> param_names() const {
    std::vector<std::string> out;
    for (const auto& p : p_.params) out.push_back(p.name);
    return out;
  }

  void unknown(const std::string& name, Span span, const std::vector<std::string>& candidates,
               const char* what, std::string hint, DiagKind kind = DiagKind::unknown_name) {
    const std::string best = closest_name(name, candidates);
    if (!best.empty()) hint = fmt::format("did you mean `{}`?", best);
    diags_.error(kind, span, fmt::format("unknown {} `{}`", what, name), std::move(hint));
  }

  // ---- indicators ----
  void indicator(const ast::IndicatorDecl& d, bool named) {
    Indicator ind;
    ind.decl = &d;
    ind.name = d.name.text;
    current_decl_ = &d;
    ind.named_on_command_line = named;
    const Span at = d.name.span;
    let_types_.clear();

    if (!d.from) {
      diags_.error(DiagKind::missing_clause, at,
                   fmt::format("indicator `{}` has no `from` clause", d.name.text),
                   "say which table it counts, as in `from cp_visits`");
    }
    if (!d.period) {
      diags_.error(
          DiagKind::missing_clause, at,
          fmt::format("indicator `{}` has no `period` clause", d.name.text),
          "say how often it is reported: `period month`, `period quarter` or `period year`");
    }
    const bool ratio = d.numerator || d.denominator;
    if (d.value && ratio) {
      diags_.error(
          DiagKind::clause_conflict, d.value->span,
          "an indicator has either `value` or a `numerator`/`denominator` pair, not both",
          "use `value` for a count, mean or median; numerator and denominator for a share");
    } else if (!d.value && !ratio) {
      diags_.error(DiagKind::missing_clause, at,
                   fmt::format("indicator `{}` has neither a `numerator` and `denominator` nor a "
                               "`value`",
                               d.name.text),
                   "add `denominator count where ...` and `numerator count where ...`, or "
                   "`value count where ...`");
    } else if (d.numerator && !d.denominator) {
      diags_.error(DiagKind::missing_clause, d.numerator->span,
                   "a `numerator` needs a `denominator`: the rows it is out of",
                   "add, for example, `denominator count where visit_date in period`");
    } else if (d.denominator && !d.numerator) {
      diags_.error(DiagKind::missing_clause, d.denominator->span,
                   "a `denominator` needs a `numerator`: the rows among it that count",
                   "add, for example, `numerator count where gap <= cp_visit_days`");
    }

    const Table* table = nullptr;
    table_unknown_ = false;
    if (d.from) {
      auto it = tables_by_name_.find(d.from->text);
      if (it == tables_by_name_.end()) {
        std::vector<std::string> names;
        for (const auto& t : p_.tables) names.push_back(t.schema.name);
        unknown(d.from->text, d.from->span, names, "table",
                "declare it with `table NAME { column type ... }`", DiagKind::unknown_table);
      } else {
        ind.table = it->second;
        table = &p_.tables[it->second];
      }
    }
    ind_table_ = table;
    // With its table unknown, the indicator's column names cannot be resolved: say so once.
    table_unknown_ = d.from && !table;
    if (d.window && d.window->kind == ast::WindowKind::rolling_months &&
        (d.window->months < 1 || d.window->months > 600)) {
      diags_.error(DiagKind::bad_literal, d.window->span,
                   fmt::format("a rolling window of {} months is not possible", d.window->months),
                   "give from 1 to 600 months, as in `window rolling 12 months`");
    }

    // Units and display.
    ind.unit = d.unit ? d.unit->kind : (d.value ? ast::UnitKind::number : ast::UnitKind::percent);
    if (d.unit && d.unit->kind == ast::UnitKind::rate) {
      auto per = parse_decimal(d.unit->per);
      if (!per || *per <= 0) {
        diags_.error(DiagKind::bad_literal, d.unit->span, "`rate per N` needs a positive N",
                     "write, for example, `unit rate per 10000`");
      } else {
        ind.unit_multiplier = *per;
      }
    } else {
      ind.unit_multiplier = ind.unit == ast::UnitKind::percent ? 100 : 1;
    }
    if (d.unit && d.value &&
        (ind.unit == ast::UnitKind::percent || ind.unit == ast::UnitKind::rate ||
         ind.unit == ast::UnitKind::ratio)) {
      diags_.error(DiagKind::clause_conflict, d.unit->span,
                   fmt::format("`unit {}` is a share of a denominator, but this indicator has a "
                               "`value`",
                               ast::unit_name(ind.unit)),
                   "use `unit count`, `unit days` or `unit number` with `value`, or give a "
                   "numerator and denominator");
    }
    ind.polarity = d.polarity.value_or(ast::Polarity::higher);

    // Rows: lets, where, the aggregate clauses.
    Scope row;
    row.context = Context::row;
    row.indicator = &ind;
    row.table = table;
    let_positions_.clear();
    for (std::size_t i = 0; i < d.lets.size(); ++i)
      let_positions_[d.lets[i].name.text].push_back(i);
    measure_index_.clear();
    measure_types_.assign(d.measures.size(), Type::error());
    for (std::size_t k = 0; k < d.measures.size(); ++k) {
      const ast::Name& n = d.measures[k].name;
      auto [it, fresh] = measure_index_.emplace(n.text, k);
      if (!fresh)
        diags_
            .error(DiagKind::duplicate_name, n.span,
                   fmt::format("`measure {}` is given twice in this indicator", n.text),
                   "give the second one another name")
            .labels.push_back(Label{d.measures[it->second].name.span, "first defined here"});
    }
    for (std::size_t i = 0; i < d.lets.size(); ++i) {
      for (const std::size_t j : let_positions_[d.lets[i].name.text]) {
        if (j < i) {
          diags_
              .error(DiagKind::duplicate_name, d.lets[i].name.span,
                     fmt::format("`let {}` is given twice in this indicator", d.lets[i].name.text),
                     "give the second one another name")
              .labels.push_back(Label{d.lets[j].name.span, "first defined here"});
        }
      }
      Scope s = row;
      s.visible_lets = i;
      s.current_let = i;
      let_types_.push_back(expr(d.lets[i].value, s));
    }
    row.visible_lets = d.lets.size();
    if (d.where) require_bool(*d.where, expr(*d.where, row), "`where`");
    breakdown(d, ind, row);

    for (std::size_t k = 0; k < d.measures.size(); ++k) {
      const ast::MeasureClause& mc = d.measures[k];
      measure_types_[k] =
          agg_clause(ast::AggClause{mc.aggregate, mc.where, mc.span}, row, "measure");
    }
    Type den_type, num_type, value_type;
    auto clause = [&](const ast::AggClause& c, const char* what) {
      return uses_measures(m_, d, c) ? measure_clause(c, ind, what) : agg_clause(c, row, what);
    };
    if (d.denominator) den_type = clause(*d.denominator, "denominator");
    if (d.numerator) num_type = clause(*d.numerator, "numerator");
    if (d.value) value_type = clause(*d.value, "value");
    if (d.numerator && d.denominator &&
        uses_measures(m_, d, *d.numerator) != uses_measures(m_, d, *d.denominator)) {
      const bool num_measures = uses_measures(m_, d, *d.numerator);
      const ast::AggClause& agg = num_measures ? *d.denominator : *d.numerator;
      const std::string written =
          ast::expr_source(m_, agg.aggregate) +
          (agg.where.valid() ? " where " + ast::expr_source(m_, agg.where) : std::string());
      diags_.error(
          DiagKind::clause_conflict, agg.span,
          fmt::format("the {} is an expression of measures, but the {} is an aggregate, whose "
                      "numerator may count only rows of its denominator; the two forms do not "
                      "mix",
                      num_measures ? "numerator" : "denominator",
                      num_measures ? "denominator" : "numerator"),
          fmt::format("name it as a measure too, `measure all = {}`, and write `{} all`", written,
                      num_measures ? "denominator" : "numerator"));
    }
    share_units(d, ind, num_type, den_type);
    missing_logic(d, table);

    if (d.value && !d.unit && !value_type.is_error()) {
      const auto& agg = m_.expr(d.value->aggregate);
      if (agg.kind == ExprKind::aggregate && (agg.op == Op::count || agg.op == Op::count_distinct))
        ind.unit = ast::UnitKind::count;
      else if (dimension(value_type.unit) == Dimension::days)
        ind.unit = ast::UnitKind::days;
    }
    ind.decimals = d.decimals.value_or(ind.unit == ast::UnitKind::count ? 0 : 1);
    switch (ind.unit) {
      case ast::UnitKind::percent:
        ind.value_type = Type::number(Unit::percent);
        break;
      case ast::UnitKind::days:
        ind.value_type = Type::number(Unit::days);
        break;
      default:
        ind.value_type = Type::number();
        break;
    }
    if (d.value && !value_type.is_error() && value_type.kind != Kind::number) {
      diags_.error(
          DiagKind::type_mismatch, m_.expr(d.value->aggregate).span,
          fmt::format("an indicator's value must be a number; this is {}", describe(value_type)),
          "aggregate a number, such as `median days(a, b)` or `count`");
    }
    if (d.value && ind.unit == ast::UnitKind::days && value_type.kind == Kind::number &&
        dimension(value_type.unit) != Dimension::days) {
      diags_.error(DiagKind::unit_mismatch, m_.expr(d.value->aggregate).span,
                   fmt::format("`unit days` but the value is {}", describe(value_type)),
                   "aggregate a number of days, such as `median days(start, end)`");
    }

    // Indicator-level clauses.
    Scope constant;
    constant.context = Context::constant;
    constant.indicator = &ind;
    constant.table = table;
    table_unknown_ = d.from && !table;
    if (d.target) target(d, ind, constant);
    if (ind.polarity == ast::Polarity::range &&
        (!d.target || m_.expr(*d.target).kind != ExprKind::interval)) {
      diags_.error(DiagKind::range_target, d.polarity_span,
                   "`polarity range` needs an interval target, such as `target 180 .. 220`",
                   "give the target as LOW .. HIGH, or use `polarity higher` or `lower`");
    }
    std::set<std::string> bench_names;
    for (const auto& b : d.benchmarks) {
      if (!bench_names.insert(b.name.text).second)
        diags_.error(DiagKind::duplicate_name, b.name.span,
                     fmt::format("benchmark `{}` is given twice", b.name.text), "keep one of them");
      const Type t = expr(b.value, constant);
      require_like_value(b.value, t, ind, "a benchmark");
      benchmark_names_.push_back(b.name.text);
    }
    if (d.trend && d.trend->stable_within.valid()) {
      const Type t = expr(d.trend->stable_within, constant);
      require_like_value(d.trend->stable_within, t, ind, "`stable within`");
    }
    if (d.rag) rag(*d.rag, ind);
    benchmark_names_.clear();
    extent_limit(d);
    p_.indicators.push_back(std::move(ind));
  }

  // The breakdown: `--by` for this indicator, else its `by` clause. A group is a text, a truth
  // value or a number; a date or a duration would make a group of almost every row.
  void breakdown(const ast::IndicatorDecl& d, Indicator& ind, const Scope& row) {
    std::optional<ExprId> by = d.by;
    if (ad_hoc_by) {
      auto it = ad_hoc_by->find(d.name.text);
      if (it != ad_hoc_by->end()) {
        by = it->second;
        ind.by_ad_hoc = true;
      }
    }
    if (!by) return;
    ind.by = by;
    const std::size_t before = diags_.error_count();
    const Type t = expr(*by, row);
    const Span at = m_.expr(*by).span;
    if (!t.is_error()) {
      const bool duration = t.kind == Kind::number && dimension(t.unit) != Dimension::none &&
                            dimension(t.unit) != Dimension::percent;
      if (t.kind == Kind::date || t.kind == Kind::list || duration) {
        diags_.error(
            DiagKind::bad_breakdown, at,
            fmt::format("a breakdown by {} would make a group of almost every row", describe(t)),
            t.kind == Kind::date
                ? "break down by a part of it, such as `by year(d)`, or by a `let` of "
                  "bands: `let band = if d < 2018-04-01 then \"before\" else \"after\"`"
                : "break down by a `let` of bands, such as `let band = if x < 10 then "
                  "\"under 10\" else \"10 or more\"`");
      } else if (p_.levels[by->value] != Level::row && p_.levels[by->value] != Level::constant) {
        diags_.error(DiagKind::bad_breakdown, at,
                     "a breakdown is a value of each row, not an aggregate",
                     "name a column or a `let` of the rows, such as `by team`");
      }
    }
    if (ind.by_ad_hoc && diags_.error_count() != before && ind_table_) {
      diags_.error_nowhere(DiagKind::bad_breakdown,
                           fmt::format("--by does not check for indicator `{}` (table `{}`)",
                                       d.name.text, ind_table_->schema.name),
                           "choose the indicators it applies to with --indicator");
    }
  }

  // Refuses, once per indicator, an expression too deep or too large once its lets are counted
  // where they are used: the plan computes a let inside the expressions that use it, so this is
  // the depth of the plan, and the plan writes some expressions out in full to compare them.
  void extent_limit(const ast::IndicatorDecl& d) {
    const char* hint =
        "each let is computed inside the expressions that use it: build fewer lets on top of "
        "one another, or make each one smaller";
    for (const auto& l : d.lets) {
      const Extent& x = extents_[l.value.value];
      if (x.depth > ast::kMaxDepthWithLets) {
        diags_.error(DiagKind::too_deep, l.name.span,
                     fmt::format("`let {}` nests more than {} levels deep, counting the lets it "
                                 "uses where they are used",
                                 l.name.text, ast::kMaxDepthWithLets),
                     hint);
        return;
      }
      if (x.size > ast::kMaxTermsWithLets) {
        diags_.error(DiagKind::too_deep, l.name.span,
                     fmt::format("`let {}` holds more than {} terms once the lets it uses are "
                                 "written out in full",
                                 l.name.text, ast::kMaxTermsWithLets),
                     hint);
        return;
      }
    }
    std::vector<ExprId> tops;
    if (d.where) tops.push_back(*d.where);
    for (const auto& mc : d.measures) {
      tops.push_back(mc.aggregate);
      tops.push_back(mc.where);
    }
    for (const auto* c : {&d.denominator, &d.numerator, &d.value}) {
      if (!*c) continue;
      tops.push_back((*c)->aggregate);
      tops.push_back((*c)->where);
    }
    if (d.target) tops.push_back(*d.target);
    if (d.rag)
      for (const auto& r : d.rag->rules) tops.push_back(r.when);
    if (d.trend) tops.push_back(d.trend->stable_within);
    for (const auto& b : d.benchmarks) tops.push_back(b.value);
    for (const ExprId id : tops) {
      if (!id.valid()) continue;
      const Extent& x = extents_[id.value];
      if (x.depth > ast::kMaxDepthWithLets) {
        diags_.error(DiagKind::too_deep, m_.expr(id).span,
                     fmt::format("this expression nests more than {} levels deep, counting the "
                                 "lets it uses where they are used and each value of a list of "
                                 "row values as a level",
                                 ast::kMaxDepthWithLets),
                     hint);
        return;
      }
      if (x.size > ast::kMaxTermsWithLets) {
        diags_.error(DiagKind::too_deep, m_.expr(id).span,
                     fmt::format("this expression holds more than {} terms once the lets it uses "
                                 "are written out in full",
                                 ast::kMaxTermsWithLets),
                     hint);
        return;
      }
    }
  }

  void target(const ast::IndicatorDecl& d, const Indicator& ind, const Scope& constant) {
    const auto& t = m_.expr(*d.target);
    if (t.kind == ExprKind::interval) {
      if (ind.polarity != ast::Polarity::range)
        diags_.error(DiagKind::range_target, t.span,
                     "an interval target (LOW .. HIGH) goes with `polarity range`",
                     "add `polarity range`, or give a single target");
      for (ExprId end : t.args) require_like_value(end, expr(end, constant), ind, "a target");
      p_.types[d.target->value] = ind.value_type;
      return;
    }
    require_like_value(*d.target, expr(*d.target, constant), ind, "the target");
  }

  // A target, benchmark or tolerance must be a number in the indicator's unit.
  void require_like_value(ExprId id, const Type& t, const Indicator& ind, const char* what) {
    if (t.is_error()) return;
    const Span span = m_.expr(id).span;
    if (t.kind != Kind::number) {
      diags_.error(DiagKind::type_mismatch, span,
                   fmt::format("{} must be a number; this is {}", what, describe(t)),
                   "write a number, such as `90%` for a percentage indicator");
      return;
    }
    if (t.unit == Unit::percent && ind.unit != ast::UnitKind::percent) {
      diags_.error(DiagKind::unit_mismatch, span,
                   fmt::format("{} is a percentage, but the indicator's unit is {}", what,
                               ast::unit_name(ind.unit)),
                   "write a plain number, or declare `unit percent`");
      return;
    }
    if (!units_compatible(t, ind.value_type)) {
      diags_.error(DiagKind::unit_mismatch, span,
                   fmt::format("{} is {}, but the indicator's value is {}", what, describe(t),
                               describe(ind.value_type)),
                   "give it in the indicator's unit");
    }
  }

  void rag(const ast::RagClause& r, const Indicator& ind) {
    Scope s;
    s.context = Context::indicator;
    s.indicator = &ind;
    s.table = ind_table_;
    bool otherwise = false;
    for (const auto& rule : r.rules) {
      if (otherwise) {
        diags_.warning(DiagKind::rag_otherwise, rule.span,
                       "this rule comes after `otherwise` and can never apply",
                       "move `otherwise` to the end");
      }
      if (!rule.when.valid()) {
        otherwise = true;
        continue;
      }
      require_bool(rule.when, expr(rule.when, s), "a rag rule");
    }
    if (!otherwise) {
      diags_.error(DiagKind::rag_otherwise, r.span,
                   "this `rag` block has no `otherwise` rule, so some values would get no colour",
                   "end it with a rule such as `red otherwise`");
    }
  }

  // A share (percent, rate or ratio) compares like with like: days over a count of rows, say,
  // is not a share of anything.
  void share_units(const ast::IndicatorDecl& d, const Indicator& ind, const Type& num,
                   const Type& den) {
    if (!d.numerator || !d.denominator || num.is_error() || den.is_error()) return;
    if (ind.unit != ast::UnitKind::percent && ind.unit != ast::UnitKind::rate &&
        ind.unit != ast::UnitKind::ratio)
      return;
    if (num.kind != Kind::number || den.kind != Kind::number) return;
    if (dimension(num.unit) == dimension(den.unit)) return;
    diags_
        .error(DiagKind::share_units, m_.expr(d.numerator->aggregate).span,
               fmt::format("this {} is a share, but its numerator is {} and its denominator {}",
                           ast::unit_name(ind.unit), describe(num), describe(den)),
               "a share counts the same things above and below, as `count` over `count`; for "
               "an average in days, write `value mean days(a, b)` with `unit days`")
        .labels.push_back(Label{m_.expr(d.denominator->aggregate).span, "the denominator"});
  }

  // A numerator, denominator or value written as arithmetic of the indicator's measures,
  // parameters and lookups of another table by an indicator-level key.
  Type measure_clause(const ast::AggClause& c, const Indicator& ind, const char* what) {
    Scope s;
    s.context = Context::measures;
    s.indicator = &ind;
    s.table = ind_table_;
    const Type t = expr(c.aggregate, s);
    if (c.where.valid()) {
      expr(c.where, s);
      diags_.error(DiagKind::clause_conflict, m_.expr(c.where).span,
                   fmt::format("a `{} ... where` needs an aggregate before `where`, but `{}` is "
                               "an expression of measures",
                               what, src(c.aggregate)),
                   "give each measure its own condition: `measure NAME = count where ...`");
      return Type::error();
    }
    if (!t.is_error() && t.kind != Kind::number) {
      diags_.error(DiagKind::type_mismatch, m_.expr(c.aggregate).span,
                   fmt::format("a {} must be a number; this is {}", what, describe(t)),
                   "combine measures with + - * /");
      return Type::error();
    }
    return t;
  }

  Type agg_clause(const ast::AggClause& c, const Scope& row, const char* what) {
    Scope top = row;
    top.context = Context::clause;
    const Type t = expr(c.aggregate, top);
    if (c.where.valid())
      require_bool(c.where, expr(c.where, row), fmt::format("`{} ... where`", what).c_str());
    if (t.is_error()) return t;
    const auto& e = m_.expr(c.aggregate);
    if (e.kind != ExprKind::aggregate && !is_headcount(e)) {
      diags_.error(
          DiagKind::aggregate_expected, e.span,
          fmt::format("`{}` needs an aggregate, but `{}` is a value of each row", what,
                      ast::expr_source(m_, c.aggregate)),
          std::string_view(what) == "measure"
              ? "a measure is an aggregate: count, count distinct X, sum X, mean X, median X, "
                "min X, max X or headcount(START, END)"
              : "start it with count, count distinct X, sum X, mean X, median X, min X or max X");
      return Type::error();
    }
    if (std::string_view(what) != "value" && t.kind != Kind::number) {
      diags_.error(DiagKind::type_mismatch, e.span,
                   fmt::format("a {} must count or add up numbers; this is {}", what, describe(t)),
                   "use count or sum");
      return Type::error();
    }
    return t;
  }

  void require_bool(ExprId id, const Type& t, const char* what) {
    if (t.is_error() || t.kind == Kind::boolean) return;
    diags_.error(
        DiagKind::type_mismatch, m_.expr(id).span,
        fmt::format("{} needs a condition (true/false), but this is {}", what, describe(t)),
        "compare it with something, as in `gap <= 10`, or test `is known`");
  }

  // ---- expressions ----
  Type set(ExprId id, Type t, Level level, bool uses_period = false) {
    p_.types[id.value] = t;
    p_.levels[id.value] = level;
    p_.uses_period[id.value] = uses_period ? 1 : 0;
    Extent x{1, 1};
    for (const ExprId a : m_.expr(id).args) {
      if (!a.valid()) continue;
      x.depth = std::max(x.depth, extents_[a.value].depth + 1);
      x.size = capped(x.size + extents_[a.value].size);
    }
    extents_[id.value] = x;
    return t;
  }
  Level level(ExprId id) const { return p_.levels[id.value]; }
  bool period_of(ExprId id) const { return p_.uses_period[id.value] != 0; }

  Level join_levels(std::initializer_list<ExprId> ids) const {
    Level out = Level::constant;
    for (ExprId id : ids) {
      if (!id.valid()) continue;
      const Level l = level(id);
      if (l == Level::row || out == Level::row)
        out = Level::row;
      else if (l == Level::indicator)
        out = Level::indicator;
    }
    return out;
  }
  bool join_period(std::initializer_list<ExprId> ids) const {
    for (ExprId id : ids)
      if (id.valid() && period_of(id)) return true;
    return false;
  }

  std::string src(ExprId id) const {
    std::string s = ast::expr_source(m_, id);
    if (s.size() > 40) s = s.substr(0, 37) + "...";
    return s;
  }

  Type expr(ExprId id, const Scope& s) {
    const ast::Expr& e = m_.expr(id);
    // Aggregates are allowed only at the very top of a clause.
    if (e.kind == ExprKind::aggregate || is_headcount(e)) return aggregate(id, e, s);
    Scope inner = s;
    if (inner.context == Context::clause) inner.context = Context::row;
    return value(id, e, inner);
  }

  Type aggregate(ExprId id, const ast::Expr& e, const Scope& s) {
    if (s.context != Context::clause) {
      diags_.error(DiagKind::aggregate_misplaced, e.span,
                   fmt::format("`{}` is an aggregate over many rows; it cannot stand where one "
                               "value is expected",
                               is_headcount(e) ? "headcount" : ast::op_text(e.op)),
                   s.context == Context::measures
                       ? "name it first, as in `measure leavers = count where ...`, and use the "
                         "name here"
                       : misplaced_aggregate_hint(e));
      return set(id, Type::error(), Level::aggregate);
    }
    Scope row = s;
    row.context = Context::row;
    if (is_headcount(e)) return headcount(id, e, row);
    if (e.op == Op::count) return set(id, Type::number(), Level::aggregate);
    const Type operand = expr(e.args[0], row);
    if (operand.is_error()) return set(id, Type::error(), Level::aggregate);
    switch (e.op) {
      case Op::count_distinct:
        return set(id, Type::number(), Level::aggregate);
      case Op::sum:
      case Op::mean:
      case Op::median:
        if (operand.kind != Kind::number) {
          diags_.error(DiagKind::type_mismatch, m_.expr(e.args[0]).span,
                       fmt::format("`{}` needs numbers, but `{}` is {}", ast::op_text(e.op),
                                   src(e.args[0]), describe(operand)),
                       operand.kind == Kind::date
                           ? "aggregate a number of days, such as `days(start, end)`"
                       : operand.kind == Kind::boolean
                           ? "a condition becomes 1 or 0 only through `if`, as in `sum (if C then "
                             "1 else 0)`; or count the rows with `count where C`"
                           : "aggregate a number column or expression");
          return set(id, Type::error(), Level::aggregate);
        }
        return set(id, Type::number(operand.unit), Level::aggregate);
      case Op::min:
      case Op::max:
        if (operand.kind != Kind::number && operand.kind != Kind::date) {
          diags_.error(DiagKind::type_mismatch, m_.expr(e.args[0]).span,
                       fmt::format("`{}` needs numbers or dates, but `{}` is {}",
                                   ast::op_text(e.op), src(e.args[0]), describe(operand)),
                       "aggregate a number or date");
          return set(id, Type::error(), Level::aggregate);
        }
        return set(id, Type{operand.kind, operand.unit}, Level::aggregate);
      default:
        break;
    }
    return set(id, Type::error(), Level::aggregate);
  }

  Type value(ExprId id, const ast::Expr& e, const Scope& s) {
    switch (e.kind) {
      case ExprKind::number:
        return set(id, Type::number(Unit::none, true), Level::constant);
      case ExprKind::percent:
        return set(id, Type::number(Unit::percent), Level::constant);
      case ExprKind::duration:
        return set(id, Type::number(unit_of(e.unit)), Level::constant);
      case ExprKind::string:
        return set(id, Type::text(), Level::constant);
      case ExprKind::boolean:
        return set(id, Type::boolean(), Level::constant);
      case ExprKind::date:
        if (!parse_iso(e.text)) {
          diags_.error(DiagKind::bad_literal, e.span, fmt::format("{} is not a real date", e.text),
                       "dates are written yyyy-mm-dd, as in 2017-04-01");
          return set(id, Type::error(), Level::constant);
        }
        return set(id, Type::date(), Level::constant);
      case ExprKind::list:
        return list(id, e, s);
      case ExprKind::name:
        return name(id, e, s);
      case ExprKind::member:
        return member(id, e, s);
      case ExprKind::lookup:
        return lookup(id, e, s);
      case ExprKind::call:
        return call(id, e, s);
      case ExprKind::unary:
        return unary(id, e, s);
      case ExprKind::binary:
        return binary(id, e, s);
      case ExprKind::in_list:
        return in_list(id, e, s);
      case ExprKind::in_period: {
        const Type t = expr(e.args[0], s);
        if (s.context != Context::row) return misplaced_row(id, e, s);
        if (!t.is_error() && t.kind != Kind::date)
          diags_.error(DiagKind::type_mismatch, m_.expr(e.args[0]).span,
                       fmt::format("`in {}` needs a date, but `{}` is {}", e.field, src(e.args[0]),
                                   describe(t)),
                       "test a date column, as in `visit_date in period`");
        return set(id, Type::boolean(), Level::row, true);
      }
      case ExprKind::between: {
        const Type a = expr(e.args[0], s), lo = expr(e.args[1], s), hi = expr(e.args[2], s);
        if (!a.is_error() && !lo.is_error() && !hi.is_error()) {
          if (a.kind != Kind::number && a.kind != Kind::date) {
            diags_.error(DiagKind::type_mismatch, e.span,
                         fmt::format("`between` needs numbers or dates, but `{}` is {}",
                                     src(e.args[0]), describe(a)),
                         "compare numbers or dates");
          } else if (compatible(e.args[0], a, e.args[1], lo, e.span) &
                     compatible(e.args[0], a, e.args[2], hi, e.span)) {
            if (!whole_weeks_against_days(e.span, e.args[0], e.args[1], lo))
              whole_weeks_against_days(e.span, e.args[0], e.args[2], hi);
          }
        }
        return set(id, Type::boolean(), join_levels({e.args[0], e.args[1], e.args[2]}),
                   join_period({e.args[0], e.args[1], e.args[2]}));
      }
      case ExprKind::is_known:
        expr(e.args[0], s);
        return set(id, Type::boolean(), join_levels({e.args[0]}), join_period({e.args[0]}));
      case ExprKind::previous:
        return previous(id, e, s);
      case ExprKind::interval:
        diags_.error(DiagKind::range_target, e.span,
                     "an interval LOW .. HIGH can only be a `target`", "");
        return set(id, Type::error(), Level::constant);
      case ExprKind::conditional:
        return conditional(id, e, s);
      case ExprKind::order_keys:
        return order_keys(id, e, s);
      case ExprKind::rows:
        return rows(id, e, s);
      case ExprKind::aggregate:
        break;
    }
    return set(id, Type::error(), Level::constant);
  }

  // `headcount(START, END)`: two dates of each row; the average daily number of active rows.
  Type headcount(ExprId id, const ast::Expr& e, const Scope& row) {
    std::vector<Type> args;
    for (ExprId a : e.args) args.push_back(expr(a, row));
    if (args.size() != 2) {
      diags_.error(DiagKind::wrong_arguments, e.span,
                   fmt::format("`headcount` takes 2 arguments, but {} {} given", args.size(),
                               args.size() == 1 ? "is" : "are"),
                   "headcount(start: date, end: date): rows active each day of the window, on "
                   "average, as active(start, end, day)");
      return set(id, Type::error(), Level::aggregate);
    }
    bool ok = true;
    for (std::size_t k = 0; k < 2; ++k) {
      if (args[k].is_error()) {
        ok = false;
      } else if (args[k].kind != Kind::date) {
        diags_.error(DiagKind::wrong_arguments, m_.expr(e.args[k]).span,
                     fmt::format("argument {} of `headcount` must be a date, but `{}` is {}", k + 1,
                                 src(e.args[k]), describe(args[k])),
                     "headcount(start: date, end: date)");
        ok = false;
      }
    }
    return set(id, ok ? Type::number() : Type::error(), Level::aggregate);
  }

  Type misplaced_row(ExprId id, const ast::Expr& e, const Scope& s) {
    if (s.context == Context::measures) {
      diags_.error(DiagKind::row_value_misplaced, e.span,
                   fmt::format("`{}` is a value of each row; an expression of measures sees "
                               "measures, parameters, numbers and lookups by period or window",
                               src(id)),
                   "aggregate it in a measure, as in `measure total = sum " + src(id) +
                       "`, and use the measure's name");
    } else if (s.context == Context::indicator) {
      diags_.error(DiagKind::row_value_misplaced, e.span,
                   fmt::format("`{}` is a value of each row; a rag rule sees only value, target, "
                               "benchmarks and parameters",
                               src(id)),
                   "put row conditions in `where`, `numerator ... where` or `denominator ... "
                   "where`");
    } else {
      diags_.error(DiagKind::row_value_misplaced, e.span,
                   fmt::format("`{}` is a value of each row; here only literals and parameters "
                               "can be used",
                               src(id)),
                   "targets, benchmarks and tolerances are fixed numbers or parameters");
    }
    return set(id, Type::error(), Level::row);
  }

  Type list(ExprId id, const ast::Expr& e, const Scope& s) {
    Type element;
    bool ok = true;
    for (ExprId item : e.args) {
      const Type t = expr(item, s);
      if (t.is_error()) {
        ok = false;
        continue;
      }
      if (t.kind == Kind::list) {
        diags_.error(DiagKind::type_mismatch, m_.expr(item).span, "a list cannot hold a list", "");
        ok = false;
      } else if (element.is_error()) {
        element = t;
      } else if (!units_compatible(element, t)) {
        diags_.error(DiagKind::type_mismatch, m_.expr(item).span,
                     fmt::format("this list mixes {} and {}", describe(element), describe(t)),
                     "a list holds values of one kind");
        ok = false;
      }
    }
    if (!ok) return set(id, Type::error(), join_levels({}));
    Type t;
    t.kind = Kind::list;
    t.element = element.kind;
    t.element_unit = element.unit;
    Level l = Level::constant;
    bool period = false;
    for (ExprId item : e.args) {
      if (level(item) == Level::row) l = Level::row;
      period = period || period_of(item);
    }
    return set(id, t, l, period);
  }

  Type name(ExprId id, const ast::Expr& e, const Scope& s) {
    const std::string& n = e.text;
    if (s.outer_table && !other_table_name(e, s)) return set(id, Type::error(), Level::row);
    const ast::IndicatorDecl* ind = s.indicator ? s.indicator->decl : nullptr;
    // Lets of this indicator.
    const auto lets_named = let_positions_.find(n);
    if (ind && s.context == Context::row && lets_named != let_positions_.end()) {
      for (const std::size_t i : lets_named->second) {
        if (i >= s.visible_lets) {
          if (i == s.current_let) {
            diags_.error(DiagKind::let_cycle, e.span, fmt::format("`let {}` uses itself", n),
                         "a let is computed from columns, parameters and earlier lets");
          } else {
            diags_.error(DiagKind::let_cycle, e.span,
                         fmt::format("`{}` is used before its `let`, which comes later", n),
                         "move this let below the one it uses");
          }
          return set(id, Type::error(), Level::row);
        }
        p_.refs[id.value] = Ref{Ref::What::let, static_cast<std::uint32_t>(i), 0};
        const Type t = i < let_types_.size() ? let_types_[i] : Type::error();
        set(id, t, Level::row, let_uses_period(i));
        // A let is computed where it is used: its depth and size count here.
        extents_[id.value] = extents_[ind->lets[i].value.value];
        return t;
      }
    }
    // Columns of the `from` table.
    if (s.table) {
      for (std::size_t c = 0; c < s.table->schema.columns.size(); ++c) {
        if (s.table->schema.columns[c].name != n) continue;
        if (s.context != Context::row) return misplaced_row(id, e, s);
        p_.refs[id.value] = Ref{Ref::What::column, static_cast<std::uint32_t>(c), 0};
        return set(id, type_of_column(s.table->schema.columns[c].type), Level::row);
      }
    }
    // Measures, in an expression of measures.
    if (auto it = measure_index_.find(n); it != measure_index_.end()) {
      if (s.context == Context::measures) {
        p_.refs[id.value] = Ref{Ref::What::measure, static_cast<std::uint32_t>(it->second), 0};
        return set(id, measure_types_[it->second], Level::indicator);
      }
      if (s.context == Context::row) {
        diags_.error(DiagKind::measure_misplaced, e.span,
                     fmt::format("`{}` is a measure, an aggregate over many rows; it cannot "
                                 "stand in a value or condition of each row",
                                 n),
                     "use measures in `numerator`, `denominator` or `value`; for a condition "
                     "on each row, use a column or a `let`");
        return set(id, Type::error(), Level::row);
      }
    }
    // Parameters.
    if (auto it = params_by_name_.find(n); it != params_by_name_.end()) {
      p_.refs[id.value] = Ref{Ref::What::param, it->second, 0};
      return set(id, p_.params[it->second].value.type, Level::constant);
    }
    // The indicator's own results, in rag rules.
    if (n == "value" || n == "target") {
      if (s.context == Context::indicator) {
        if (n == "target" && !(ind && ind->target)) {
          diags_.error(DiagKind::unknown_name, e.span,
                       "this indicator has no `target` to compare with", "add a `target` clause");
          return set(id, Type::error(), Level::indicator);
        }
        if (n == "target" && ind && m_.expr(*ind->target).kind == ExprKind::interval) {
          diags_.error(DiagKind::type_mismatch, e.span,
                       "the target is an interval; compare with its ends in the rag rules instead",
                       "write, for example, `green when value between 180 and 220`");
          return set(id, Type::error(), Level::indicator);
        }
        p_.refs[id.value] = Ref{n == "value" ? Ref::What::value : Ref::What::target, 0, 0};
        return set(id, s.indicator->value_type, Level::indicator);
      }
      diags_.error(DiagKind::row_value_misplaced, e.span,
                   fmt::format("`{}` is the indicator's result; it can be used in `rag` rules", n),
                   s.context == Context::row
                       ? "a row condition sees the row's columns and lets"
                       : "a target or benchmark is a fixed number or parameter");
      return set(id, Type::error(), Level::indicator);
    }
    if (table_unknown_) return set(id, Type::error(), Level::row);  // reported at `from`
    if (s.context == Context::measures) {
      std::vector<std::string> candidates = param_names();
      for (const auto& [name, k] : measure_index_) candidates.push_back(name);
      unknown(n, e.span, candidates, "measure",
              "declare it in this indicator with `measure NAME = AGG [where COND]`");
      return set(id, Type::error(), Level::indicator);
    }
    // Unknown: suggest the nearest name in reach.
    std::vector<std::string> candidates = param_names();
    if (ind && s.context == Context::row)
      for (std::size_t i = 0; i < s.visible_lets && i < ind->lets.size(); ++i)
        candidates.push_back(ind->lets[i].name.text);
    if (s.table)
      for (const auto& c : s.table->schema.columns) candidates.push_back(c.name);
    if (s.context == Context::indicator) {
      candidates.push_back("value");
      candidates.push_back("target");
    }
    std::string hint = s.table
                           ? fmt::format("columns of `{}`, lets and parameters can be used here",
                                         s.table->schema.name)
                           : "declare it with `param NAME = VALUE`";
    unknown(n, e.span, candidates, "name", hint);
    return set(id, Type::error(), Level::row);
  }

  bool let_uses_period(std::size_t i) const {
    const ast::IndicatorDecl* ind = current_indicator_decl();
    if (!ind || i >= ind->lets.size()) return false;
    return period_of(ind->lets[i].value);
  }
  const ast::IndicatorDecl* current_indicator_decl() const { return current_decl_; }

  Type member(ExprId id, const ast::Expr& e, const Scope& s) {
    if (e.text == "period" || e.text == "window") {
      if (e.field != "start" && e.field != "end") {
        diags_.error(DiagKind::unknown_name, e.span,
                     fmt::format("`{}` has no field `{}`", e.text, e.field),
                     fmt::format("use `{0}.start` or `{0}.end`", e.text));
        return set(id, Type::error(), Level::row);
      }
      if (s.context != Context::row && s.context != Context::measures)
        return misplaced_row(id, e, s);
      const bool start = e.field == "start";
      const Ref::What what = e.text == "period"
                                 ? (start ? Ref::What::period_start : Ref::What::period_end)
                                 : (start ? Ref::What::window_start : Ref::What::window_end);
      p_.refs[id.value] = Ref{what, 0, 0};
      return set(id, Type::date(), s.context == Context::measures ? Level::indicator : Level::row,
                 true);
    }
    if (e.text == "benchmark") {
      if (s.context != Context::indicator) {
        diags_.error(DiagKind::row_value_misplaced, e.span,
                     "benchmarks can be used in `rag` rules only", "");
        return set(id, Type::error(), Level::indicator);
      }
      for (std::size_t i = 0; i < benchmark_names_.size(); ++i) {
        if (benchmark_names_[i] == e.field) {
          p_.refs[id.value] = Ref{Ref::What::benchmark, static_cast<std::uint32_t>(i), 0};
          return set(id, s.indicator->value_type, Level::indicator);
        }
      }
      unknown(e.field, e.span, benchmark_names_, "benchmark",
              "declare it in this indicator with `benchmark NAME VALUE`");
      return set(id, Type::error(), Level::indicator);
    }
    if (s.outer_table && s.table && e.text == s.table->schema.name) {
      for (std::size_t c = 0; c < s.table->schema.columns.size(); ++c) {
        if (s.table->schema.columns[c].name != e.field) continue;
        p_.refs[id.value] = Ref{Ref::What::column, static_cast<std::uint32_t>(c), 0};
        return set(id, type_of_column(s.table->schema.columns[c].type), Level::row);
      }
      std::vector<std::string> names;
      for (const auto& c : s.table->schema.columns) names.push_back(c.name);
      unknown(e.field, e.span, names, "column",
              fmt::format("table `{}` has: {}", e.text, fmt::join(names, ", ")),
              DiagKind::unknown_column);
      return set(id, Type::error(), Level::row);
    }
    if (s.outer_table && e.text == s.outer_table->schema.name) return this_row_value(id, e, s);
    if (s.outer_table) {
      diags_.error(
          DiagKind::unknown_name, e.span,
          fmt::format("`{}` is neither `{}`, whose rows are asked about, nor this `{}` row", e.text,
                      s.table->schema.name, s.outer_table->schema.name),
          fmt::format("inside `from {0}`, write `{0}.COLUMN` for its rows' columns and "
                      "`{1}.NAME` for this row's columns and lets",
                      s.table->schema.name, s.outer_table->schema.name));
      return set(id, Type::error(), Level::row);
    }
    if (tables_by_name_.count(e.text)) {
      diags_.error(DiagKind::syntax, e.span,
                   fmt::format("`{0}.{1}` reads no row: look a row up by its key, as in "
                               "`{0}[child_id].{1}`",
                               e.text, e.field),
                   "");
      return set(id, Type::error(), Level::row);
    }
    unknown(e.text, e.span, {"period", "window", "benchmark"}, "name",
            "`.` follows period, window or benchmark");
    return set(id, Type::error(), Level::row);
  }

  Type lookup(ExprId id, const ast::Expr& e, const Scope& s) {
    const Type key = expr(e.args[0], s);
    auto it = tables_by_name_.find(e.text);
    if (it == tables_by_name_.end()) {
      std::vector<std::string> names;
      for (const auto& t : p_.tables) names.push_back(t.schema.name);
      unknown(e.text, e.span, names, "table", "declare it with `table NAME { ... }`",
              DiagKind::unknown_table);
      return set(id, Type::error(), Level::row);
    }
    if (s.context != Context::row && s.context != Context::measures) return misplaced_row(id, e, s);
    const Table& t = p_.tables[it->second];
    if (!t.key) {
      diags_.error(DiagKind::no_key, e.span,
                   fmt::format("table `{}` has no key column to look rows up by", e.text),
                   fmt::format("mark its unique column with `key` in `table {0}`, or add the "
                               "key from another file with `extend table {0} {{ COLUMN TYPE key "
                               "}}`",
                               e.text));
      return set(id, Type::error(), Level::row);
    }
    std::optional<std::uint32_t> column;
    std::vector<std::string> names;
    for (std::uint32_t c = 0; c < t.schema.columns.size(); ++c) {
      names.push_back(t.schema.columns[c].name);
      if (t.schema.columns[c].name == e.field) column = c;
    }
    if (!column) {
      unknown(e.field, e.span, names, "column",
              fmt::format("table `{}` has: {}", e.text, fmt::join(names, ", ")),
              DiagKind::unknown_column);
      return set(id, Type::error(), Level::row);
    }
    const Type key_type = type_of_column(t.schema.columns[*t.key].type);
    if (!key.is_error() && key.kind != key_type.kind) {
      diags_.error(DiagKind::type_mismatch, m_.expr(e.args[0]).span,
                   fmt::format("the key of `{}` (`{}`) is {}, but `{}` is {}", e.text,
                               t.schema.columns[*t.key].name, describe(key_type), src(e.args[0]),
                               describe(key)),
                   "look the row up by a value of the key's type");
    }
    p_.refs[id.value] = Ref{Ref::What::column, it->second, *column};
    // In an expression of measures the key is the period's: one row of `t` per period.
    return set(id, type_of_column(t.schema.columns[*column].type),
               s.context == Context::measures ? Level::indicator : Level::row,
               join_period({e.args[0]}));
  }

  Type call(ExprId id, const ast::Expr& e, const Scope& s) {
    std::vector<Type> args;
    for (ExprId a : e.args) args.push_back(expr(a, s));
    const stdlib::BuiltinInfo* b = stdlib::find_builtin(e.text);
    if (!b) {
      std::vector<std::string> names;
      for (const auto& info : stdlib::builtins()) names.push_back(info.name);
      unknown(e.text, e.span, names, "function",
              fmt::format("the functions are: {}", fmt::join(names, ", ")),
              DiagKind::unknown_function);
      return set(id, Type::error(), Level::row);
    }
    p_.refs[id.value] = Ref{Ref::What::builtin, static_cast<std::uint32_t>(b->id), 0};
    Level l = Level::constant;
    bool period = false;
    for (ExprId a : e.args) {
      if (level(a) == Level::row) l = Level::row;
      if (level(a) == Level::indicator && l != Level::row) l = Level::indicator;
      period = period || period_of(a);
    }
    if (b->arity == stdlib::kVariadic ? args.size() < 2
                                      : static_cast<int>(args.size()) != b->arity) {
      if (b->arity == stdlib::kVariadic) {
        diags_.error(DiagKind::wrong_arguments, e.span,
                     fmt::format("`{}` compares two or more values, but {} {} given", b->name,
                                 args.size(), args.size() == 1 ? "is" : "are"),
                     b->signature);
        return set(id, Type::error(), l, period);
      }
      diags_.error(
          DiagKind::wrong_arguments, e.span,
          fmt::format("`{}` takes {} argument{}, but {} {} given", b->name, b->arity,
                      b->arity == 1 ? "" : "s", args.size(), args.size() == 1 ? "is" : "are"),
          b->signature);
      return set(id, Type::error(), l, period);
    }
    for (const Type& t : args)
      if (t.is_error()) return set(id, Type::error(), l, period);
    auto need = [&](std::size_t i, Kind kind, const char* what) {
      if (args[i].kind == kind) return true;
      diags_.error(DiagKind::wrong_arguments, m_.expr(e.args[i]).span,
                   fmt::format("argument {} of `{}` must be {}, but `{}` is {}", i + 1, b->name,
                               what, src(e.args[i]), describe(args[i])),
                   b->signature);
      return false;
    };
    switch (b->id) {
      case stdlib::Builtin::days:
      case stdlib::Builtin::working_days:
      case stdlib::Builtin::weeks:
      case stdlib::Builtin::months:
      case stdlib::Builtin::age: {
        const bool ok = need(0, Kind::date, "a date") & need(1, Kind::date, "a date");
        if (!ok) return set(id, Type::error(), l, period);
        const Unit u = b->id == stdlib::Builtin::days           ? Unit::days
                       : b->id == stdlib::Builtin::working_days ? Unit::working_days
                       : b->id == stdlib::Builtin::weeks        ? Unit::weeks
                       : b->id == stdlib::Builtin::months       ? Unit::months
                                                                : Unit::years;
        return set(id, Type::number(u), l, period);
      }
      case stdlib::Builtin::active: {
        const bool ok = need(0, Kind::date, "a date") & need(1, Kind::date, "a date") &
                        need(2, Kind::date, "a date");
        return set(id, ok ? Type::boolean() : Type::error(), l, period);
      }
      case stdlib::Builtin::coalesce: {
        if (!compatible(e.args[0], args[0], e.args[1], args[1], e.span))
          return set(id, Type::error(), l, period);
        Type t = args[0];
        if (t.kind == Kind::number && t.adaptive) t = args[1];
        return set(id, t, l, period);
      }
      case stdlib::Builtin::abs:
        if (!need(0, Kind::number, "a number")) return set(id, Type::error(), l, period);
        return set(id, args[0], l, period);
      case stdlib::Builtin::year:
      case stdlib::Builtin::financial_year:
        if (!need(0, Kind::date, "a date")) return set(id, Type::error(), l, period);
        return set(id, Type::number(), l, period);
      default:
        return set(id, text_or_extreme_call(id, e, *b, args), l, period);
    }
    return set(id, Type::error(), l, period);
  }

  Type unary(ExprId id, const ast::Expr& e, const Scope& s) {
    const Type t = expr(e.args[0], s);
    const Level l = join_levels({e.args[0]});
    const bool period = join_period({e.args[0]});
    if (t.is_error()) return set(id, t, l, period);
    if (e.op == Op::not_) {
      if (t.kind != Kind::boolean) {
        require_bool(e.args[0], t, "`not`");
        return set(id, Type::error(), l, period);
      }
      return set(id, Type::boolean(), l, period);
    }
    if (t.kind != Kind::number) {
      diags_.error(DiagKind::type_mismatch, e.span,
                   fmt::format("`-` needs a number, but `{}` is {}", src(e.args[0]), describe(t)),
                   "");
      return set(id, Type::error(), l, period);
    }
    return set(id, t, l, period);
  }

  // Reports when `a` and `b` cannot meet in one comparison or sum.
  bool compatible(ExprId a_id, const Type& a, ExprId b_id, const Type& b, Span where) {
    if (a.is_error() || b.is_error()) return false;
    if (a.kind != b.kind) {
      std::string hint = "compare values of the same kind";
      if ((a.kind == Kind::date && b.kind == Kind::number) ||
          (a.kind == Kind::number && b.kind == Kind::date))
        hint = "to compare a gap between dates, use days(a, b), working_days(a, b) or months(a, b)";
      else if (a.kind == Kind::text || b.kind == Kind::text)
        hint = "text compares with text in double quotes, as in rec = \"E11\"";
      diags_.error(
          DiagKind::type_mismatch, where,
          fmt::format("`{}` is {} but `{}` is {}", src(a_id), describe(a), src(b_id), describe(b)),
          hint);
      return false;
    }
    if (a.kind == Kind::number && !units_compatible(a, b)) {
      std::string hint;
      const Dimension da = dimension(a.unit), db = dimension(b.unit);
      if (da == Dimension::working_days || db == Dimension::working_days)
        hint = "compare working days with working_days(...), or declare the parameter in days";
      else if (da == Dimension::months || db == Dimension::months)
        hint =
            "compare months with months(a, b), days with days(a, b); write the limit in the same "
            "unit";
      else if (da == Dimension::percent || db == Dimension::percent)
        hint = "a percentage compares with a percentage; write a plain number for a count";
      else
        hint = "write both sides in the same unit";
      diags_.error(
          DiagKind::unit_mismatch, where,
          fmt::format("`{}` is {} but `{}` is {}", src(a_id), describe(a), src(b_id), describe(b)),
          hint);
      return false;
    }
    return true;
  }

  Type binary(ExprId id, const ast::Expr& e, const Scope& s) {
    const Type a = expr(e.args[0], s);
    const Type b = expr(e.args[1], s);
    const Level l = join_levels({e.args[0], e.args[1]});
    const bool period = join_period({e.args[0], e.args[1]});
    if (l == Level::row && s.context != Context::row) return set(id, Type::error(), l, period);
    if (a.is_error() || b.is_error()) return set(id, Type::error(), l, period);
    auto fail = [&](std::string msg, std::string hint) {
      diags_.error(DiagKind::type_mismatch, e.span, std::move(msg), std::move(hint));
      return set(id, Type::error(), l, period);
    };
    switch (e.op) {
      case Op::and_:
      case Op::or_:
        if (a.kind != Kind::boolean)
          require_bool(e.args[0], a, fmt::format("`{}`", ast::op_text(e.op)).c_str());
        if (b.kind != Kind::boolean)
          require_bool(e.args[1], b, fmt::format("`{}`", ast::op_text(e.op)).c_str());
        if (a.kind != Kind::boolean || b.kind != Kind::boolean)
          return set(id, Type::error(), l, period);
        return set(id, Type::boolean(), l, period);
      case Op::eq:
      case Op::ne:
        if (a.kind == Kind::list || b.kind == Kind::list)
          return fail("a list cannot be compared with `=`",
                      "test membership with `in`, as in rec in (\"E11\", \"E12\")");
        if (!compatible(e.args[0], a, e.args[1], b, e.span))
          return set(id, Type::error(), l, period);
        whole_weeks_against_days(e.span, e.args[0], e.args[1], b);
        whole_weeks_against_days(e.span, e.args[1], e.args[0], a);
        return set(id, Type::boolean(), l, period);
      case Op::lt:
      case Op::le:
      case Op::gt:
      case Op::ge:
        if (a.kind == Kind::boolean || a.kind == Kind::list)
          return fail(fmt::format("`{}` cannot be ordered; it is {}", src(e.args[0]), describe(a)),
                      "compare numbers, dates or text");
        if (!compatible(e.args[0], a, e.args[1], b, e.span))
          return set(id, Type::error(), l, period);
        whole_weeks_against_days(e.span, e.args[0], e.args[1], b);
        whole_weeks_against_days(e.span, e.args[1], e.args[0], a);
        return set(id, Type::boolean(), l, period);
      case Op::add:
      case Op::sub: {
        if (a.kind == Kind::date && b.kind == Kind::number) {
          if (b.unit == Unit::none || b.unit == Unit::percent)
            return fail(
                fmt::format("a date {} `{}`: say which unit", ast::op_text(e.op), src(e.args[1])),
                "write a duration, such as `10 days`, `15 working days` or `12 months`");
          return set(id, Type::date(), l, period);
        }
        if (a.kind == Kind::date && b.kind == Kind::date)
          return fail("dates cannot be subtracted directly",
                      "count the days between them with days(a, b), or working_days(a, b)");
        if (a.kind == Kind::number && b.kind == Kind::date && e.op == Op::add) {
          if (a.unit == Unit::none || a.unit == Unit::percent)
            return fail("a date plus a plain number: say which unit",
                        "write a duration, such as `10 days`");
          return set(id, Type::date(), l, period);
        }
        if (a.kind != Kind::number || b.kind != Kind::number)
          return fail(fmt::format("`{}` needs numbers or a date and a duration, not {} and {}",
                                  ast::op_text(e.op), describe(a), describe(b)),
                      boolean_hint(a, b));
        if (!compatible(e.args[0], a, e.args[1], b, e.span))
          return set(id, Type::error(), l, period);
        Type t = a.adaptive ? b : a;
        t.adaptive = a.adaptive && b.adaptive;
        return set(id, t, l, period);
      }
      case Op::mul:
      case Op::div: {
        if (a.kind != Kind::number || b.kind != Kind::number)
          return fail(fmt::format("`{}` needs numbers, not {} and {}", ast::op_text(e.op),
                                  describe(a), describe(b)),
                      boolean_hint(a, b));
        if (e.op == Op::div && a.unit != Unit::none && dimension(a.unit) == dimension(b.unit))
          return set(id, Type::number(), l, period);
        if (a.unit != Unit::none && b.unit != Unit::none)
          return fail(fmt::format("`{}` {} `{}` would multiply units ({} and {})", src(e.args[0]),
                                  ast::op_text(e.op), src(e.args[1]), describe(a), describe(b)),
                      "one side of * or / must be a plain number");
        if (e.op == Op::div && b.unit != Unit::none)
          return fail("dividing by a duration or percentage is not supported",
                      "divide by a plain number");
        Type t = a.unit != Unit::none ? a : b;
        t.adaptive = a.adaptive && b.adaptive;
        return set(id, t, l, period);
      }
      default:
        break;
    }
    return set(id, Type::error(), l, period);
  }

  // Whether `id` is weeks(a, b), written there or as the value of a let it names.
  bool counts_whole_weeks(ExprId id) const {
    while (id.valid()) {
      const ast::Expr& e = m_.expr(id);
      const Ref& r = p_.refs[id.value];
      if (e.kind == ExprKind::call)
        return r.what == Ref::What::builtin &&
               r.index == static_cast<std::uint32_t>(stdlib::Builtin::weeks);
      if (e.kind != ExprKind::name || r.what != Ref::What::let || !current_decl_ ||
          r.index >= current_decl_->lets.size())
        return false;
      id = current_decl_->lets[r.index].value;  // an earlier let: the walk ends
    }
    return false;
  }

  // Warns when weeks(a, b), which counts whole weeks, is compared with a number of days: 13
  // days apart is 1 week, so `weeks(a, b) <= 10 days` holds there. Says whether it warned.
  bool whole_weeks_against_days(Span where, ExprId weeks, ExprId other, const Type& other_type) {
    if (other_type.kind != Kind::number || other_type.unit != Unit::days || other_type.adaptive ||
        !counts_whole_weeks(weeks))
      return false;
    diags_.warning(DiagKind::whole_weeks, where,
                   fmt::format("`{}` counts whole weeks, but `{}` is a number of days: 13 days "
                               "apart count as 1 week, that is 7 days",
                               src(weeks), src(other)),
                   "compare days(a, b) with days, or weeks(a, b) with weeks (as in "
                   "`weeks(a, b) <= 2`)");
    return true;
  }

  Type in_list(ExprId id, const ast::Expr& e, const Scope& s) {
    const Type t = in_list_type(id, e, s);
    // A list that is not constant is tested one value after another, a level for each.
    const ast::Expr& list = m_.expr(e.args[1]);
    if (list.kind == ExprKind::list && level(e.args[1]) != Level::constant) {
      Extent& x = extents_[id.value];
      x.depth += list.args.size() + 1;
      x.size = capped(x.size + list.args.size() * extents_[e.args[0].value].size);
    }
    return t;
  }

  Type in_list_type(ExprId id, const ast::Expr& e, const Scope& s) {
    const Type a = expr(e.args[0], s);
    const Type b = expr(e.args[1], s);
    const Level l = join_levels({e.args[0], e.args[1]});
    const bool period = join_period({e.args[0], e.args[1]});
    if (a.is_error() || b.is_error()) return set(id, Type::error(), l, period);
    const Kind element = b.kind == Kind::list ? b.element : b.kind;
    const Type element_type{element, b.kind == Kind::list ? b.element_unit : b.unit,
                            b.kind == Kind::list ? false : b.adaptive};
    if (a.kind != element || (a.kind == Kind::number && !units_compatible(a, element_type))) {
      diags_.error(DiagKind::type_mismatch, e.span,
                   fmt::format("`{}` is {}, but the list holds {}", src(e.args[0]), describe(a),
                               describe(element_type)),
                   a.kind == Kind::text
                       ? "text values are written in double quotes: (\"V3\", \"V4\")"
                       : "the list must hold values of the same kind");
      return set(id, Type::error(), l, period);
    }
    return set(id, Type::boolean(), l, period);
  }

  Type previous(ExprId id, const ast::Expr& e, const Scope& s) {
    if (s.context != Context::row) {
      expr(e.args[0], s);
      return misplaced_row(id, e, s);
    }
    Scope inner = s;
    inner.in_previous = true;
    const Type v = expr(e.args[0], inner);
    const Type key = expr(e.args[1], inner);
    Type order = v;
    if (e.args[2].valid()) order = expr(e.args[2], inner);
    Type cond = Type::boolean();
    if (e.args[3].valid()) {
      cond = expr(e.args[3], inner);
      require_bool(e.args[3], cond, "`previous ... where`");
    }
    if (e.args[2].valid() && m_.expr(e.args[2]).kind == ExprKind::order_keys) {
      // Each key was checked by order_keys(); the node itself stands for the first key.
    } else if (!order.is_error() && (order.kind == Kind::boolean || order.kind == Kind::list)) {
      diags_.error(DiagKind::type_mismatch, m_.expr(e.args[2].valid() ? e.args[2] : e.args[0]).span,
                   fmt::format("rows cannot be ordered by {}", describe(order)),
                   "order by a date, number or text, as in `order by start_date`");
      return set(id, Type::error(), Level::row);
    }
    if (v.is_error() || key.is_error()) return set(id, Type::error(), Level::row);
    if (key.kind == Kind::list) {
      diags_.error(DiagKind::type_mismatch, m_.expr(e.args[1]).span,
                   "`per` needs a column, not a list", "");
      return set(id, Type::error(), Level::row);
    }
    // Over the whole table; with a period in it, once for every period shown.
    fixed_dates_inside(e);
    return set(id, v, Level::row, join_period({e.args[0], e.args[1], e.args[2], e.args[3]}));
  }

  // Warns of `not`, `!=` and `not in` over values that may be missing, in every row condition
  // and row value of the indicator; a condition that holds wherever another is read guards it.
  void missing_logic(const ast::IndicatorDecl& d, const Table* table) {
    if (!table) return;
    auto warn = [&](ExprId id, std::vector<ExprId> holding) {
      if (id.valid() && !p_.types[id.value].is_error())
        warn_missing_logic(p_, table, d.lets, id, holding, diags_);
    };
    for (const auto& l : d.lets) warn(l.value, {});
    std::vector<ExprId> holding;
    if (d.where) {
      warn(*d.where, {});
      holding.push_back(*d.where);
    }
    for (const auto& mc : d.measures) {
      warn(mc.where, holding);
      if (!m_.expr(mc.aggregate).args.empty() && m_.expr(mc.aggregate).kind == ExprKind::aggregate)
        warn(m_.expr(mc.aggregate).args[0], holding);
    }
    for (const auto* c : {&d.denominator, &d.value}) {
      if (!*c || uses_measures(m_, d, **c)) continue;
      warn((*c)->where, holding);
      if (!m_.expr((*c)->aggregate).args.empty()) warn(m_.expr((*c)->aggregate).args[0], holding);
    }
    if (d.numerator && !uses_measures(m_, d, *d.numerator)) {
      if (d.denominator && d.denominator->where.valid()) holding.push_back(d.denominator->where);
      warn(d.numerator->where, holding);
      if (!m_.expr(d.numerator->aggregate).args.empty())
        warn(m_.expr(d.numerator->aggregate).args[0], holding);
    }
  }

  // ---- conditionals, order keys, least/greatest and text functions ----
  std::string boolean_hint(const Type& a, const Type& b) const {
    if (a.kind == Kind::boolean || b.kind == Kind::boolean)
      return "a condition is true or false, not a number: turn it into 1 or 0 with `if C then 1 "
             "else 0`";
    return "";
  }

  std::string misplaced_aggregate_hint(const ast::Expr& e) const {
    if ((e.op == Op::min || e.op == Op::max) && !e.args.empty() &&
        m_.expr(e.args[0]).kind == ExprKind::list) {
      const char* scalar = e.op == Op::min ? "least" : "greatest";
      return fmt::format(
          "`{}` is the {} of many rows; for the {} of these values on one row, "
          "write `{}{}`",
          ast::op_text(e.op), e.op == Op::min ? "smallest" : "largest",
          e.op == Op::min ? "smallest" : "largest", scalar, ast::expr_source(m_, e.args[0]));
    }
    return "aggregates start a `numerator`, `denominator` or `value` clause";
  }

  // `if C then A else B`: C a condition (a missing C takes B), A and B of one kind and unit.
  Type conditional(ExprId id, const ast::Expr& e, const Scope& s) {
    const Type c = expr(e.args[0], s);
    const Type a = expr(e.args[1], s);
    const Type b = expr(e.args[2], s);
    const Level l = join_levels({e.args[0], e.args[1], e.args[2]});
    const bool period = join_period({e.args[0], e.args[1], e.args[2]});
    bool ok = !c.is_error() && !a.is_error() && !b.is_error();
    if (!c.is_error() && c.kind != Kind::boolean) {
      diags_.error(DiagKind::type_mismatch, m_.expr(e.args[0]).span,
                   fmt::format("`if` needs a condition (true/false), but `{}` is {}",
                               src(e.args[0]), describe(c)),
                   "compare it with something, as in `if dec is missing then period.end else "
                   "dec`");
      ok = false;
    }
    for (ExprId branch : {e.args[1], e.args[2]}) {
      const Type& t = branch == e.args[1] ? a : b;
      if (!t.is_error() && t.kind == Kind::list) {
        diags_.error(DiagKind::type_mismatch, m_.expr(branch).span,
                     "an `if` gives one value, not a list",
                     "test membership in the condition instead, with `in (...)`");
        ok = false;
      }
    }
    if (!ok) return set(id, Type::error(), l, period);
    if (a.kind != b.kind || (a.kind == Kind::number && !units_compatible(a, b))) {
      diags_
          .error(a.kind != b.kind ? DiagKind::type_mismatch : DiagKind::unit_mismatch,
                 m_.expr(e.args[2]).span,
                 fmt::format("the branches of this `if` differ: `{}` is {} but `{}` is {}",
                             src(e.args[1]), describe(a), src(e.args[2]), describe(b)),
                 a.kind == Kind::boolean || b.kind == Kind::boolean
                     ? "both branches give a condition, or both a number (`if C then 1 else 0`)"
                     : "both branches must give the same kind of value in the same unit, so "
                       "that every row has one")
          .labels.push_back(Label{m_.expr(e.args[1]).span, "the `then` value"});
      return set(id, Type::error(), l, period);
    }
    Type t = a.kind == Kind::number && a.adaptive ? b : a;
    t.adaptive = a.adaptive && b.adaptive;
    return set(id, t, l, period);
  }

  // The keys of `order by A, B desc`: each a date, number or text.
  Type order_keys(ExprId id, const ast::Expr& e, const Scope& s) {
    Type first;
    Level l = Level::constant;
    bool period = false;
    bool ok = true;
    for (ExprId k : e.args) {
      const Type t = expr(k, s);
      if (first.is_error()) first = t;
      if (level(k) == Level::row) l = Level::row;
      period = period || period_of(k);
      if (t.is_error()) {
        ok = false;
      } else if (t.kind == Kind::boolean || t.kind == Kind::list) {
        diags_.error(DiagKind::type_mismatch, m_.expr(k).span,
                     fmt::format("rows cannot be ordered by {}", describe(t)),
                     "order by a date, number or text, as in `order by start_date, end_date "
                     "desc`; for a condition, `if C then 1 else 0`");
        ok = false;
      }
    }
    return set(id, ok ? first : Type::error(), l, period);
  }

  // least/greatest and the text functions; the type of the call, or an error reported.
  Type text_or_extreme_call(ExprId id, const ast::Expr& e, const stdlib::BuiltinInfo& b,
                            const std::vector<Type>& args) {
    auto need = [&](std::size_t i, Kind kind, const char* what) {
      if (args[i].kind == kind) return true;
      std::string hint = b.signature;
      if (kind == Kind::text && args[i].kind == Kind::number)
        hint = fmt::format(
            "{}; a code held as a number is read as text when its column is "
            "declared `text`",
            b.signature);
      diags_.error(DiagKind::wrong_arguments, m_.expr(e.args[i]).span,
                   fmt::format("argument {} of `{}` must be {}, but `{}` is {}", i + 1, b.name,
                               what, src(e.args[i]), describe(args[i])),
                   hint);
      return false;
    };
    switch (b.id) {
      case stdlib::Builtin::least:
      case stdlib::Builtin::greatest: {
        const Type& t0 = args[0];
        if (t0.kind != Kind::number && t0.kind != Kind::date) {
          need(0, Kind::number, "a number or a date");
          return Type::error();
        }
        Type t = t0;
        for (std::size_t i = 1; i < args.size(); ++i) {
          if (!compatible(e.args[0], t0, e.args[i], args[i], m_.expr(e.args[i]).span))
            return Type::error();
          if (t.kind == Kind::number && t.adaptive && !args[i].adaptive) t = args[i];
        }
        return t;
      }
      case stdlib::Builtin::length:
        return need(0, Kind::text, "text") ? Type::number() : Type::error();
      case stdlib::Builtin::upper:
      case stdlib::Builtin::lower:
      case stdlib::Builtin::trim:
        return need(0, Kind::text, "text") ? Type::text() : Type::error();
      case stdlib::Builtin::starts_with:
      case stdlib::Builtin::ends_with:
      case stdlib::Builtin::contains:
        return need(0, Kind::text, "text") & need(1, Kind::text, "text") ? Type::boolean()
                                                                         : Type::error();
      case stdlib::Builtin::substring: {
        const bool ok = need(0, Kind::text, "text") & need(1, Kind::number, "a number") &
                        need(2, Kind::number, "a number");
        for (std::size_t i = 1; ok && i < 3; ++i) {
          if (args[i].unit != Unit::none) {
            diags_.error(DiagKind::wrong_arguments, m_.expr(e.args[i]).span,
                         fmt::format("argument {} of `substring` counts characters; `{}` is {}",
                                     i + 1, src(e.args[i]), describe(args[i])),
                         b.signature);
            return Type::error();
          }
        }
        return ok ? Type::text() : Type::error();
      }
      case stdlib::Builtin::matches: {
        if (!need(0, Kind::text, "text")) return Type::error();
        const ast::Expr& pattern = m_.expr(e.args[1]);
        if (pattern.kind != ExprKind::string) {
          diags_.error(DiagKind::wrong_arguments, pattern.span,
                       fmt::format("the pattern of `matches` must be written as a text in double "
                                   "quotes, but `{}` is not",
                                   src(e.args[1])),
                       "write it in place, as in `matches(upn, \"[A-Z][0-9]{12}\")`, so that it "
                       "is checked with the definitions");
          return Type::error();
        }
        if (auto bad = pattern_error(pattern.text)) {
          diags_.error(DiagKind::bad_pattern, pattern.span,
                       fmt::format("this pattern cannot be read: {}", *bad),
                       "patterns are RE2's: [A-Z] a capital, [0-9] a digit, {12} twelve times, "
                       "(A|B) either; write \\\\ for one backslash in the text");
          return Type::error();
        }
        return Type::boolean();
      }
      default:
        break;
    }
    (void)id;
    return Type::error();
  }

#include "lang/check/check_rows.inc"

  const ast::Module& m_;
  std::size_t named_files_;
  Diagnostics& diags_;
  Program p_;
  std::map<std::string, std::uint32_t> tables_by_name_;
  std::map<std::string, std::uint32_t> params_by_name_;
  std::vector<Type> let_types_;
  // The current indicator's lets by name: where each name is given, in order.
  std::map<std::string, std::vector<std::size_t>> let_positions_;
  // How deep and how large an expression is with the lets it uses counted in place.
  struct Extent {
    std::size_t depth = 0;
    std::size_t size = 0;  // terms, at most one more than ast::kMaxTermsWithLets
  };
  static std::size_t capped(std::size_t size) {
    return std::min<std::size_t>(size, ast::kMaxTermsWithLets + 1);
  }
  std::vector<Extent> extents_;  // by ExprId
  std::vector<std::string> benchmark_names_;
  // The current indicator's measures: index by name, and each one's type.
  std::map<std::string, std::size_t> measure_index_;
  std::vector<Type> measure_types_;
  const ast::IndicatorDecl* current_decl_ = nullptr;
  const Table* ind_table_ = nullptr;
  bool table_unknown_ = false;
};

}  // namespace

Program check_module(const ast::Module& module, std::size_t named_files, Diagnostics& diags,
                     const std::map<std::string, ast::ExprId>* ad_hoc_by) {
  Checker checker(module, named_files, diags);
  checker.ad_hoc_by = ad_hoc_by;
  return checker.run();
}

}  // namespace tally::check
