// `tally test DEFS...`: runs every `test "NAME" { ... }` of the definitions. Each test's tables
// are written as CSV into a private folder and loaded by the loader every run uses; the plan is
// run by the executor every run uses; each expectation is compared with the figures, and a
// failure is printed as expected against actual with the rows that decided it. Then clause
// coverage: which conditions and rag rules of the tested indicators no test exercised.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "cli/commands.hpp"
#include "cli/render.hpp"
#include "cli/session.hpp"
#include "lang/base/number.hpp"
#include "lang/base/text.hpp"

namespace tally::cli {

namespace fs = std::filesystem;

namespace {

// What the tests saw of one clause of an indicator: some row (or test) made it true, some false.
struct Seen {
  bool true_ = false;
  bool false_ = false;
};

// Coverage of one indicator: `where`, the denominator's (or value's) condition, the numerator's,
// and each rag rule (chosen at least once).
struct Coverage {
  bool tested = false;
  Seen where, denominator, numerator;
  std::vector<bool> rag_chosen;
};

// A private folder that goes when the test is done.
struct TempFolder {
  fs::path path;
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "tally-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path = pattern;
  }
  ~TempFolder() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
};

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos &&
      (s.empty() || (s.front() != ' ' && s.back() != ' ')))
    return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// A day in a date layout such as dd/mm/yyyy (yyyy-mm-dd when the layout is empty).
std::string date_in_layout(Day day, const std::string& layout) {
  if (layout.empty()) return format_iso(day);
  const Ymd ymd = civil_from_days(day);
  std::string out;
  for (std::size_t i = 0; i < layout.size();) {
    const char c = layout[i];
    std::size_t run = 1;
    while (i + run < layout.size() && layout[i + run] == c) ++run;
    if (c == 'd')
      out += run >= 2 ? fmt::format("{:02}", ymd.day) : fmt::format("{}", ymd.day);
    else if (c == 'm')
      out += run >= 2 ? fmt::format("{:02}", ymd.month) : fmt::format("{}", ymd.month);
    else if (c == 'y')
      out += fmt::format("{:04}", ymd.year);
    else
      out += std::string(run, c);
    i += run;
  }
  return out;
}

std::string column_list(const std::vector<ast::Name>& names) {
  std::string out;
  for (const ast::Name& n : names) out += (out.empty() ? "" : ", ") + n.text;
  return out;
}

class TestRunner {
 public:
  TestRunner(check::Frontend& front) : front_(front), m_(*front.module), p_(front.program) {
    coverage_.resize(p_.indicators.size());
    for (std::size_t i = 0; i < p_.indicators.size(); ++i) {
      const auto* decl = p_.indicators[i].decl;
      coverage_[i].rag_chosen.assign(decl && decl->rag ? decl->rag->rules.size() : 0, false);
    }
  }

  // Runs one test; prints PASS or FAIL and the failures. Returns whether it passed.
  bool run(const ast::TestDecl& t) {
    failures_.clear();
    const bool ok = evaluate(t) && failures_.empty();
    const LineCol at = front_.sources.get(t.span.file).line_col(t.span.begin);
    const std::string where = fmt::format("{}:{}", front_.sources.get(t.span.file).path(), at.line);
    out_ += fmt::format("{} {} {}\n", ok ? "PASS" : "FAIL", where, quoted(t.name));
    for (const std::string& f : failures_) out_ += f;
    return ok;
  }

  std::string coverage_report(const std::set<std::uint32_t>& wanted) const {
    std::string text;
    std::size_t clauses = 0, exercised = 0;
    std::vector<std::string> lines;
    for (std::uint32_t i : wanted) {
      const check::Indicator& ind = p_.indicators[i];
      const Coverage& c = coverage_[i];
      std::vector<std::string> missing;
      auto clause = [&](bool present, const Seen& s, const char* what) {
        if (!present) return;
        ++clauses;
        if (s.true_ && s.false_) {
          ++exercised;
          return;
        }
        missing.push_back(fmt::format("{} ({})", what,
                                      !s.true_ && !s.false_ ? "never evaluated"
                                      : s.true_             ? "no row made it false"
                                                            : "no row made it true"));
      };
      const ast::IndicatorDecl* d = ind.decl;
      if (!d) continue;
      if (!c.tested) {
        lines.push_back(fmt::format("  {}: no test", ind.name));
        std::size_t n = (d->where ? 1 : 0) + d->rag.value_or(ast::RagClause{}).rules.size();
        if (d->denominator && d->denominator->where.valid()) ++n;
        if (d->numerator && d->numerator->where.valid()) ++n;
        if (d->value && d->value->where.valid()) ++n;
        clauses += n;
        continue;
      }
      clause(d->where.has_value(), c.where, "where");
      if (d->value)
        clause(d->value->where.valid(), c.denominator, "value's condition");
      else
        clause(d->denominator && d->denominator->where.valid(), c.denominator,
               "denominator's condition");
      clause(d->numerator && d->numerator->where.valid(), c.numerator, "numerator's condition");
      if (d->rag) {
        for (std::size_t r = 0; r < d->rag->rules.size(); ++r) {
          ++clauses;
          if (c.rag_chosen[r]) {
            ++exercised;
          } else {
            const ast::RagRule& rule = d->rag->rules[r];
            missing.push_back(fmt::format(
                "rag rule `{} {}` (never chosen)", colour_name(rule.colour),
                rule.when.valid() ? "when " + ast::expr_source(m_, rule.when) : "otherwise"));
          }
        }
      }
      if (!missing.empty())
        lines.push_back(fmt::format("  {}: {}", ind.name, fmt::join(missing, "; ")));
    }
    text += fmt::format("coverage: {} of {} clauses exercised\n", exercised, clauses);
    for (const std::string& l : lines) text += l + "\n";
    return text;
  }

  const std::string& output() const { return out_; }
  std::set<std::uint32_t> tested() const {
    std::set<std::uint32_t> s;
    for (std::uint32_t i = 0; i < coverage_.size(); ++i)
      if (coverage_[i].tested) s.insert(i);
    return s;
  }

 private:
  void fail(const std::string& text) { failures_.push_back(text); }

  std::string value_source(ast::ExprId id) const { return ast::expr_source(m_, id); }

  // Everything of one test; false when it could not be run (the reason is a failure).
  bool evaluate(const ast::TestDecl& t) {
    // Indicators.
    std::vector<std::uint32_t> chosen;
    for (const ast::Name& n : t.indicators) {
      auto i = p_.find_indicator(n.text);
      if (!i) {
        std::vector<std::string> names;
        for (const auto& ind : p_.indicators) names.push_back(ind.name);
        const std::string best = closest_name(n.text, names);
        fail(fmt::format("  unknown indicator `{}`{}\n", n.text,
                         best.empty() ? "" : fmt::format(" (did you mean `{}`?)", best)));
        return false;
      }
      if (std::find(chosen.begin(), chosen.end(), *i) == chosen.end()) chosen.push_back(*i);
    }
    if (chosen.empty()) {
      fail("  the test names no indicator: add `indicator NAME`\n");
      return false;
    }
    // Period.
    if (!t.period) {
      fail("  the test names no period: add, for example, `period \"2017-18Q1\"`\n");
      return false;
    }
    const auto period = calendar::parse_period_arg(t.period->text);
    if (!period) {
      fail(
          fmt::format("  period {} is not a period: write a quarter \"2017-18Q1\", a year "
                      "\"2017-18\", a month \"2017-06\" or a date \"2017-06-30\"\n",
                      quoted(t.period->text)));
      return false;
    }
    runtime::RunRequest request;
    request.period = *period;
    request.period_label = period->cadence
                               ? calendar::label(calendar::resolve(*period, *period->cadence))
                               : t.period->text;
    request.threads = 1;
    // Parameters: declared, then scenarios, then `set`, which replace dated values too.
    for (const auto& param : p_.params) request.params.push_back(param.value);
    request.params_replaced.assign(p_.params.size(), 0);
    for (const ast::Name& n : t.scenarios) {
      auto s = p_.find_scenario(n.text);
      if (!s) {
        fail(fmt::format("  unknown scenario `{}`\n", n.text));
        return false;
      }
      for (const auto& [index, value] : p_.scenarios[*s].overrides) {
        request.params[index] = value;
        request.params_replaced[index] = 1;
      }
    }
    for (const ast::Assignment& a : t.sets) {
      auto index = p_.find_param(a.name.text);
      if (!index) {
        fail(fmt::format("  set: unknown parameter `{}`\n", a.name.text));
        return false;
      }
      Diagnostics diags;
      auto value = check::constant_of(m_, a.value, &p_.params[*index].value.type, diags,
                                      fmt::format("parameter '{}'", a.name.text));
      if (!value) {
        std::string why;
        for (const Diagnostic& d : diags.items()) why += d.message;
        fail(fmt::format("  set {} = {}: {}\n", a.name.text, value_source(a.value),
                         why.empty() ? "not a value of the parameter's type" : why));
        return false;
      }
      request.params[*index] = std::move(*value);
      request.params_replaced[*index] = 1;
    }

    // The plan: the indicators, then for coverage three copies of each that count rows.
    plan::Plan plan = plan::compile(p_, chosen);
    const std::size_t named = plan.indicators.size();
    for (std::size_t k = 0; k < named; ++k) {
      plan::IndicatorPlan base = plan.indicators[k];
      base.ratio = true;
      base.denominator = plan::AggSpec{};
      base.numerator = plan::AggSpec{};
      base.unit = UnitKind::count;
      base.multiplier = 1;
      base.target = base.target_low = base.target_high = plan::kNone;
      base.rag.clear();
      base.has_trend = false;
      base.benchmarks.clear();
      base.selected_by_default = false;
      const plan::NodeId condition =
          plan.indicators[k].ratio ? base.denominator_where : base.value_where;
      plan::IndicatorPlan counted = base;  // rows in the denominator, and in the numerator
      counted.denominator_where = condition;
      counted.numerator_where = plan.indicators[k].ratio ? base.numerator_where : plan::kNone;
      plan::IndicatorPlan filtered = base;  // rows through `where`, and all rows
      filtered.denominator_where = plan::kNone;
      filtered.numerator_where = plan::kNone;
      plan::IndicatorPlan all = filtered;
      all.where = plan::kNone;
      plan.indicators.push_back(counted);
      plan.indicators.push_back(filtered);
      plan.indicators.push_back(all);
    }
    for (std::uint32_t k = 0; k < plan.indicators.size(); ++k) request.indicators.push_back(k);

    // The data.
    TempFolder folder;
    if (folder.path.empty()) {
      fail("  cannot make a temporary folder for the test's tables\n");
      return false;
    }
    if (!write_tables(t, plan, folder.path)) return false;
    runtime::LoadOptions load;
    load.threads = 1;
    runtime::Dataset data = runtime::load_dataset(plan, folder.path, load);
    if (!data.errors.empty()) {
      std::string text = "  the test's tables do not load:\n";
      for (const auto& e : data.errors) {
        // Name the table and the row, not the temporary file.
        const std::string table = fs::path(e.file).stem().string();
        if (e.line > 1)
          text += fmt::format("    table {}, row {}: {}\n", table, e.line - 1, e.message);
        else
          text += fmt::format("    table {}: {}\n", table, e.message);
      }
      fail(text);
      return false;
    }
    runtime::ExecCaches caches;
    std::vector<runtime::Issue> errors;
    const runtime::RunResult result = runtime::execute(plan, data, caches, request, errors);
    if (!errors.empty()) {
      std::string text = "  evaluating the indicators failed:\n";
      for (const auto& e : errors) text += "    " + e.message + "\n";
      fail(text);
      return false;
    }

    // Coverage.
    for (std::size_t k = 0; k < named; ++k) {
      const std::uint32_t program_index = plan.indicators[k].index;
      Coverage& c = coverage_[program_index];
      c.tested = true;
      const auto& counted = result.indicators[named + 3 * k].results;
      const auto& filtered = result.indicators[named + 3 * k + 1].results;
      const auto& all = result.indicators[named + 3 * k + 2].results;
      if (counted.empty() || filtered.empty() || all.empty()) continue;
      const Rational d = counted.back().denominator.value_or(0);
      const Rational n = counted.back().numerator.value_or(0);
      const Rational w = filtered.back().denominator.value_or(0);
      const Rational a = all.back().denominator.value_or(0);
      c.where.true_ |= w > 0;
      c.where.false_ |= w < a;
      c.denominator.true_ |= d > 0;
      c.denominator.false_ |= d < w;
      c.numerator.true_ |= n > 0;
      c.numerator.false_ |= n < d;
      const runtime::PeriodResult& r = result.indicators[k].results.back();
      const ast::IndicatorDecl* decl = p_.indicators[program_index].decl;
      if (decl && decl->rag && r.rag != runtime::Rag::none) {
        // The first rule of the colour given (rules of one colour are told apart by order).
        for (std::size_t q = 0; q < decl->rag->rules.size(); ++q) {
          if (std::string(colour_name(decl->rag->rules[q].colour)) == runtime::rag_name(r.rag)) {
            c.rag_chosen[q] = true;
            break;
          }
        }
      }
    }

    // Expectations.
    auto source = [&](Span span) {
      const std::string& text = front_.sources.get(span.file).text();
      return text.substr(span.begin, span.end - span.begin);
    };
    for (const ast::TestExpect& e : t.expects) {
      std::optional<std::size_t> k;
      if (e.indicator) {
        for (std::size_t q = 0; q < named; ++q)
          if (plan.indicators[q].name == e.indicator->text) k = q;
        if (!k) {
          fail(fmt::format("  expect {} {}: the test does not name `{}` in `indicator`\n",
                           e.indicator->text, e.what, e.indicator->text));
          continue;
        }
      } else if (named == 1) {
        k = 0;
      } else {
        fail(
            fmt::format("  expect {}: the test names {} indicators; say which, as in `expect {} "
                        "{} ...`\n",
                        e.what, named, plan.indicators[0].name, e.what));
        continue;
      }
      const plan::IndicatorPlan& ind = plan.indicators[*k];
      const runtime::IndicatorResult& ir = result.indicators[*k];
      if (ir.results.empty()) continue;
      const runtime::PeriodResult& r = ir.results.back();
      std::string expected, actual;
      bool rows_shown = true;
      if (!check_expect(e, ind, r, plan, data, caches, request, *k, source, expected, actual,
                        rows_shown))
        fail(failure_text(e, ind, r, expected, actual, rows_shown, plan, data, caches, request, *k,
                          source));
    }
    return true;
  }

  // Writes TABLE.csv for every table the plan reads: the test's rows, a CSV beside the test, or
  // no rows. False (with a failure) when the test's tables do not fit the declarations.
  bool write_tables(const ast::TestDecl& t, const plan::Plan& plan, const fs::path& folder) {
    for (const ast::TestTable& tt : t.tables) {
      const bool known =
          std::any_of(plan.tables.begin(), plan.tables.end(),
                      [&](const plan::TablePlan& tp) { return tp.schema.name == tt.name.text; }) ||
          p_.find_table(tt.name.text).has_value();
      if (!known) {
        fail(fmt::format("  table `{}` is not declared\n", tt.name.text));
        return false;
      }
    }
    for (const plan::TablePlan& tp : plan.tables) {
      if (!tp.used) continue;
      const ast::TestTable* given = nullptr;
      for (const ast::TestTable& tt : t.tables)
        if (tt.name.text == tp.schema.name) given = &tt;
      const fs::path target = folder / (tp.schema.name + ".csv");
      if (given && given->csv) {
        const fs::path from =
            fs::path(front_.sources.get(t.span.file).path()).parent_path() / *given->csv;
        std::error_code ec;
        fs::copy_file(from, target, ec);
        if (ec) {
          fail(fmt::format("  table {}: cannot read {}\n", tp.schema.name, from.string()));
          return false;
        }
        continue;
      }
      std::string text;
      for (std::size_t c = 0; c < tp.columns.size(); ++c)
        text += (c ? "," : "") + csv_cell(tp.columns[c]);
      text += "\n";
      if (given) {
        // Where each column the plan reads stands among the test's columns.
        std::vector<std::optional<std::size_t>> position;
        for (const ast::Name& n : given->columns) {
          if (!tp.schema.find(n.text)) {
            fail(fmt::format("  table {} has no column `{}`\n", tp.schema.name, n.text));
            return false;
          }
        }
        for (const std::string& col : tp.columns) {
          std::optional<std::size_t> at;
          for (std::size_t q = 0; q < given->columns.size(); ++q)
            if (given->columns[q].text == col) at = q;
          const ColumnSchema* schema = tp.schema.find(col);
          if (!at && schema && !schema->nullable && !given->rows.empty()) {
            fail(
                fmt::format("  table {}: the indicators read column `{}`, which the test does "
                            "not give; add it to ({})\n",
                            tp.schema.name, col, column_list(given->columns)));
            return false;
          }
          position.push_back(at);
        }
        for (std::size_t row = 0; row < given->rows.size(); ++row) {
          const ast::Expr& e = m_.expr(given->rows[row]);
          std::vector<ast::ExprId> cells;
          if (e.kind == ast::ExprKind::list)
            cells = e.args;
          else
            cells.push_back(given->rows[row]);
          if (cells.size() != given->columns.size()) {
            fail(fmt::format("  table {}, row {}: {} value{} for {} column{}\n", tp.schema.name,
                             row + 1, cells.size(), cells.size() == 1 ? "" : "s",
                             given->columns.size(), given->columns.size() == 1 ? "" : "s"));
            return false;
          }
          for (std::size_t c = 0; c < tp.columns.size(); ++c) {
            if (c) text += ",";
            if (!position[c]) continue;
            std::string cell;
            if (!cell_text(cells[*position[c]], *tp.schema.find(tp.columns[c]), cell)) {
              fail(fmt::format(
                  "  table {}, row {}, column {}: `{}` is not a value for a cell: "
                  "write a string, a number, a date, true or false (\"\" for an "
                  "empty cell)\n",
                  tp.schema.name, row + 1, tp.columns[c], value_source(cells[*position[c]])));
              return false;
            }
            text += csv_cell(cell);
          }
          text += "\n";
        }
      }
      std::ofstream out(target, std::ios::binary);
      out << text;
      out.close();
      if (!out) {
        fail(fmt::format("  cannot write the test's table {}\n", tp.schema.name));
        return false;
      }
    }
    return true;
  }

  // The cell a literal stands for, as the CSV would hold it.
  bool cell_text(ast::ExprId id, const ColumnSchema& column, std::string& out) const {
    const ast::Expr& e = m_.expr(id);
    switch (e.kind) {
      case ast::ExprKind::string:
      case ast::ExprKind::number:
      case ast::ExprKind::boolean:
        out = e.text;
        return true;
      case ast::ExprKind::date: {
        const auto day = parse_iso(e.text);
        if (!day) return false;
        out = column.type == ColumnType::date ? date_in_layout(*day, column.date_format) : e.text;
        return true;
      }
      case ast::ExprKind::unary:
        if (e.op == ast::Op::neg && m_.expr(e.args[0]).kind == ast::ExprKind::number) {
          out = "-" + m_.expr(e.args[0]).text;
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  // A number as an expectation: its exact value and the places it is written with.
  std::optional<std::pair<Rational, int>> expected_number(ast::ExprId id) const {
    const ast::Expr& e = m_.expr(id);
    if (e.kind == ast::ExprKind::unary && e.op == ast::Op::neg) {
      auto inner = expected_number(e.args[0]);
      if (!inner) return std::nullopt;
      return std::make_pair(-inner->first, inner->second);
    }
    if (e.kind != ast::ExprKind::number && e.kind != ast::ExprKind::percent) return std::nullopt;
    auto v = parse_decimal(e.text);
    if (!v) return std::nullopt;
    return std::make_pair(*v, decimal_places(e.text));
  }

  static std::string number_text(const std::optional<Rational>& v, int decimals) {
    if (!v) return "missing";
    const std::string rounded = format_decimal(*v, decimals);
    const std::string exact = format_exact(*v);
    if (parse_decimal(rounded) && *parse_decimal(rounded) == *v) return exact;
    return fmt::format("{} (exactly {})", rounded, exact);
  }

  // Compares one expectation; fills `expected` and `actual` in words.
  template <typename Source>
  bool check_expect(const ast::TestExpect& e, const plan::IndicatorPlan& ind,
                    const runtime::PeriodResult& r, const plan::Plan& plan,
                    const runtime::Dataset& data, runtime::ExecCaches& caches,
                    const runtime::RunRequest& request, std::size_t k, const Source& source,
                    std::string& expected, std::string& actual, bool& rows_shown) {
    std::vector<std::string> written;
    for (const ast::ExprId v : e.values) written.push_back(value_source(v));
    expected = fmt::format("{}", fmt::join(written, ", "));
    auto is_word = [&](const char* w) {
      return e.values.size() == 1 && m_.expr(e.values[0]).kind == ast::ExprKind::name &&
             m_.expr(e.values[0]).text == w;
    };
    if (e.what == "numerator" || e.what == "denominator" || e.what == "value") {
      const std::optional<Rational>& got = e.what == "numerator"     ? r.numerator
                                           : e.what == "denominator" ? r.denominator
                                                                     : r.value;
      actual = number_text(got, e.what == "value" ? ind.decimals : 0);
      if (e.what != "value" && got) actual = format_exact(*got);
      if (is_word("missing")) return !got.has_value();
      if (e.values.size() != 1) {
        actual += " (an expectation of a number takes one number)";
        return false;
      }
      const auto want = expected_number(e.values[0]);
      if (!want) {
        actual += fmt::format(" (`{}` is not a number, nor `missing`)", expected);
        return false;
      }
      if (!got) return false;
      // Equal exactly, or once rounded to the places the expectation is written with.
      return *got == want->first || round_half_away(*got, want->second) == want->first;
    }
    if (e.what == "colour" || e.what == "trend") {
      actual = e.what == "colour" ? runtime::rag_name(r.rag) : runtime::trend_name(r.trend);
      return e.values.size() == 1 && m_.expr(e.values[0]).kind == ast::ExprKind::name &&
             m_.expr(e.values[0]).text == actual;
    }
    // failing rows / passing rows: the rows explain lists, by their place in the test's table.
    rows_shown = false;
    std::vector<runtime::Issue> errors;
    const runtime::ExplainResult x = runtime::explain(
        plan, data, caches, request, static_cast<std::uint32_t>(k),
        e.what == "failing rows" ? runtime::ExplainRows::failing : runtime::ExplainRows::passing, 0,
        source, errors);
    std::vector<std::int64_t> got;
    for (const auto& row : x.rows) got.push_back(row.line - 1);
    std::sort(got.begin(), got.end());
    std::vector<std::int64_t> want;
    if (!is_word("none")) {
      for (const ast::ExprId v : e.values) {
        const auto n = expected_number(v);
        if (!n || n->second != 0 || n->first < 1) {
          actual = fmt::format("(`{}` is not a row number: rows count from 1)", value_source(v));
          return false;
        }
        want.push_back(static_cast<std::int64_t>(boost::multiprecision::numerator(n->first)));
      }
    }
    std::sort(want.begin(), want.end());
    actual = got.empty() ? "none" : fmt::format("{}", fmt::join(got, ", "));
    (void)ind;
    return got == want;
  }

  template <typename Source>
  std::string failure_text(const ast::TestExpect& e, const plan::IndicatorPlan& ind,
                           const runtime::PeriodResult& r, const std::string& expected,
                           const std::string& actual, bool rows_shown, const plan::Plan& plan,
                           const runtime::Dataset& data, runtime::ExecCaches& caches,
                           const runtime::RunRequest& request, std::size_t k,
                           const Source& source) {
    const LineCol at = front_.sources.get(e.span.file).line_col(e.span.begin);
    std::string text = fmt::format("  line {}: {} in {}: {}\n", at.line, ind.name,
                                   calendar::label(r.period), e.what);
    text += fmt::format("  - expected {}\n  + actual   {}\n", expected, actual);
    if (r.numerator && r.denominator)
      text += fmt::format("    ({} of {}{})\n", format_exact(*r.numerator),
                          format_exact(*r.denominator),
                          r.value ? ", value " + format_decimal(*r.value, ind.decimals) : "");
    if (!r.note.empty()) text += fmt::format("    ({})\n", r.note);
    (void)rows_shown;
    // The rows that decided it: every row of the denominator, counted or not, and why not.
    std::vector<runtime::Issue> errors;
    const runtime::ExplainResult x =
        runtime::explain(plan, data, caches, request, static_cast<std::uint32_t>(k),
                         runtime::ExplainRows::all, 20, source, errors);
    if (x.rows.empty()) {
      text += fmt::format("    no row of {} is in the {}\n", x.table,
                          ind.ratio ? "denominator" : "value");
      return text;
    }
    text += fmt::format("    the rows of {} in the {}:\n", x.table,
                        ind.ratio ? "denominator" : "value");
    std::vector<runtime::ExplainRow> rows = x.rows;
    std::stable_sort(
        rows.begin(), rows.end(),
        [](const runtime::ExplainRow& a, const runtime::ExplainRow& b) { return a.line < b.line; });
    for (const auto& row : rows) {
      std::vector<std::string> parts;
      for (const auto& [name, value] : row.values)
        parts.push_back(fmt::format("{}={}", name, value));
      text += fmt::format(
          "      row {:<3} {} {}\n", row.line - 1,
          ind.ratio ? (row.in_numerator ? "counted    " : "NOT counted") : "           ",
          fmt::join(parts, "  "));
      if (!row.reason.empty()) text += fmt::format("              because {}\n", row.reason);
    }
    return text;
  }

  check::Frontend& front_;
  const ast::Module& m_;
  const check::Program& p_;
  std::vector<Coverage> coverage_;
  std::vector<std::string> failures_;
  std::string out_;
};

}  // namespace

int test_command(const TestOptions& o) {
  auto front = check::load_definitions(o.defs);
  print_diagnostics_if_any(*front, "text");
  if (front->diags.has_errors()) return 1;
  TestRunner runner(*front);
  std::size_t passed = 0, failed = 0;
  for (const ast::File& f : front->module->files) {
    for (const ast::TestDecl& t : f.tests) {
      if (!o.only.empty() && t.name.find(o.only) == std::string::npos) continue;
      (runner.run(t) ? passed : failed) += 1;
    }
  }
  std::string text = runner.output();
  if (passed + failed == 0) {
    std::cout << text;
    return usage_error("the definitions hold no tests",
                       "a test is a `test \"NAME\" { ... }` declaration; see docs/authoring.md");
  }
  text += fmt::format("{} test{}: {} passed, {} failed\n", passed + failed,
                      passed + failed == 1 ? "" : "s", passed, failed);
  if (o.coverage) {
    std::set<std::uint32_t> wanted = runner.tested();
    for (std::uint32_t i = 0; i < front->program.indicators.size(); ++i)
      if (front->program.indicators[i].named_on_command_line) wanted.insert(i);
    text += runner.coverage_report(wanted);
  }
  std::cout << visible(text, true);
  std::cout.flush();
  return failed == 0 ? 0 : 1;
}

}  // namespace tally::cli
