#include "cli/session.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <tuple>

#include "cli/render.hpp"
#include "cli/report/commentary.hpp"
#include "cli/report/report_html.hpp"
#include "cli/xlsx.hpp"
#include "lang/base/date.hpp"
#include "lang/base/text.hpp"
#include "lang/check/describe.hpp"
#include "runtime/result/suppress.hpp"

namespace tally::cli {

namespace {
// TALLY_TIMING=1 prints how long loading and evaluation took, on standard error.
bool timing_wanted() {
  const char* v = std::getenv("TALLY_TIMING");
  return v != nullptr && *v != 0 && std::string_view(v) != "0";
}

// TALLY_THREADS=N loads and evaluates on N threads (default: one per core); the figures do not
// depend on it. Nullopt when it is set to anything but a whole number from 1 to 256.
std::optional<unsigned> threads_wanted() {
  const char* v = std::getenv("TALLY_THREADS");
  if (v == nullptr || *v == 0) return 0u;
  unsigned n = 0;
  for (const char* c = v; *c; ++c) {
    if (*c < '0' || *c > '9' || n > 256) return std::nullopt;
    n = n * 10 + static_cast<unsigned>(*c - '0');
  }
  if (n < 1 || n > 256) return std::nullopt;
  return n;
}
}  // namespace

int unknown_name_error(const std::string& message, const std::string& name,
                       const std::vector<std::string>& declared, const std::string& otherwise) {
  const std::string best = closest_name(name, declared);
  return usage_error(message, best.empty() ? otherwise : fmt::format("did you mean '{}'?", best));
}

namespace {
// "the parameters are: a, b", or "the definitions declare no parameters".
std::string declared_list(const std::vector<std::string>& names, const std::string& plural) {
  if (names.empty()) return fmt::format("the definitions declare no {}", plural);
  return fmt::format("the {} are: {}", plural, fmt::join(names, ", "));
}
}  // namespace

std::optional<int> resolve_params(check::Frontend& front, const std::vector<std::string>& scenarios,
                                  const std::vector<std::string>& sets, std::vector<Constant>& out,
                                  std::vector<std::uint8_t>* replaced) {
  const check::Program& p = front.program;
  out.clear();
  for (const auto& param : p.params) out.push_back(param.value);
  if (replaced) replaced->assign(p.params.size(), 0);
  for (const std::string& name : scenarios) {
    auto s = p.find_scenario(name);
    if (!s) {
      const std::vector<std::string> names = names_of(p.scenarios);
      return unknown_name_error(fmt::format("unknown scenario '{}'", name), name, names,
                                declared_list(names, "scenarios"));
    }
    for (const auto& [index, value] : p.scenarios[*s].overrides) {
      out[index] = value;
      if (replaced) (*replaced)[index] = 1;
    }
  }
  for (const std::string& set : sets) {
    const auto eq = set.find('=');
    if (eq == std::string::npos || eq == 0)
      return usage_error(fmt::format("--set '{}' is not NAME=VALUE", set),
                         "write, for example, --set cp_visit_days=15");
    const std::string name = set.substr(0, eq);
    const std::string text = set.substr(eq + 1);
    auto index = p.find_param(name);
    if (!index) {
      const std::vector<std::string> names = names_of(p.params);
      return unknown_name_error(fmt::format("--set: unknown parameter '{}'", name), name, names,
                                declared_list(names, "parameters"));
    }
    Diagnostics diags;
    auto expr = check::parse_literal(text, "--set " + name, front.sources, *front.module, diags);
    std::optional<Constant> value;
    if (expr) {
      value = check::constant_of(*front.module, *expr, &p.params[*index].value.type, diags,
                                 fmt::format("parameter '{}'", name));
    }
    if (!value) {
      std::string why = fmt::format("--set {}: '{}' is not a valid value", name, text);
      for (const Diagnostic& d : diags.items()) {
        if (d.kind == DiagKind::bad_parameter) why = fmt::format("--set {}: {}", name, d.message);
      }
      const Constant& declared = p.params[*index].value;
      std::string hint = fmt::format("'{}' is {}, as declared: {}", name, describe(declared.type),
                                     constant_source(declared));
      if (declared.type.kind == Kind::number && declared.type.unit != Unit::none)
        hint = fmt::format(
            "'{0}' is declared as {1}; a plain number is read in its unit, so "
            "--set {0}=15 means 15 {2}",
            name, constant_source(declared), unit_text(declared.type.unit));
      return usage_error(why, hint);
    }
    out[*index] = std::move(*value);
    if (replaced) (*replaced)[*index] = 1;
  }
  return std::nullopt;
}

std::string parameters_as(const plan::Plan& plan, const runtime::RunRequest& request) {
  bool dated = false;
  for (const plan::ParamSlot& p : plan.params) dated = dated || !p.dated.empty();
  if (!dated) return "";
  return request.params_as_is ? "as is on " + format_iso(*request.params_as_is) : "as was";
}

std::optional<int> select_indicators(const check::Program& p, const std::vector<std::string>& names,
                                     std::vector<std::uint32_t>& chosen) {
  for (const std::string& name : names) {
    auto i = p.find_indicator(name);
    // Not a name: the committee's code (`--indicator VP8`), when one indicator has it.
    std::vector<std::uint32_t> coded;
    for (std::uint32_t k = 0; !i && k < p.indicators.size(); ++k) {
      const auto* decl = p.indicators[k].decl;
      if (decl && decl->code && decl->code->text == name) coded.push_back(k);
    }
    if (coded.size() == 1) i = coded[0];
    if (coded.size() > 1) {
      std::vector<std::string> which;
      for (std::uint32_t k : coded) which.push_back(p.indicators[k].name);
      return usage_error(fmt::format("--indicator: {} indicators have the code '{}': {}",
                                     coded.size(), name, fmt::join(which, ", ")),
                         "name the one you mean by its name");
    }
    if (!i) {
      std::vector<std::string> all;
      for (const auto& ind : p.indicators) {
        all.push_back(ind.name);
        if (ind.decl && ind.decl->code) all.push_back(ind.decl->code->text);
      }
      return unknown_name_error(fmt::format("--indicator: unknown indicator '{}'", name), name, all,
                                "tally describe lists the indicators");
    }
    if (std::find(chosen.begin(), chosen.end(), *i) == chosen.end()) chosen.push_back(*i);
  }
  return std::nullopt;
}

bool report_exec_errors(const std::vector<runtime::Issue>& errors, const SourceManager& sources,
                        const std::string& format) {
  if (errors.empty()) return false;
  // In the order of their places in the definitions: the order they were met in depends on how
  // the rows and conditions were evaluated.
  std::vector<const runtime::Issue*> sorted;
  for (const auto& e : errors) sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const runtime::Issue* a, const runtime::Issue* b) {
                     return std::tie(a->span.file.value, a->span.begin, a->span.end) <
                            std::tie(b->span.file.value, b->span.begin, b->span.end);
                   });
  Diagnostics diags;
  for (const runtime::Issue* e : sorted) diags.error(DiagKind::data, e->span, e->message, e->hint);
  print_diagnostics(diags, sources, format);
  return true;
}

std::optional<int> reload_with_breakdown(const RunOptions& o,
                                         const std::vector<std::uint32_t>& chosen, Session& s) {
  check::AdHocBreakdown by;
  by.text = o.by;
  const check::Program& p = s.front->program;
  for (std::uint32_t i = 0; i < p.indicators.size(); ++i) {
    const bool wanted = chosen.empty() ? p.indicators[i].named_on_command_line
                                       : std::find(chosen.begin(), chosen.end(), i) != chosen.end();
    if (wanted) by.indicators.push_back(p.indicators[i].name);
  }
  s.front = check::load_definitions(o.defs, nullptr, &by);
  if (!s.front->diags.has_errors()) return std::nullopt;
  // The warnings were printed with the first reading; the errors are the breakdown's.
  Diagnostics errors;
  for (const Diagnostic& d : s.front->diags.items())
    if (d.severity == Severity::error) errors.error(d.kind, d.span, d.message, d.hint) = d;
  print_diagnostics(errors, s.front->sources, o.diagnostics);
  return 1;
}

std::optional<int> open_session(const RunOptions& o, Session& s) {
  s.front = check::load_definitions(o.defs);
  print_diagnostics_if_any(*s.front, o.diagnostics);
  if (s.front->diags.has_errors()) return 1;

  auto period = calendar::parse_period_arg(o.period);
  if (!period)
    return usage_error(fmt::format("--period '{}' is not a period", o.period),
                       "write a quarter 2017-18Q1, a financial year 2017-18, a month 2017-06 or a "
                       "date 2017-06-30");
  s.request.period = *period;
  s.request.period_label =
      period->cadence ? calendar::label(calendar::resolve(*period, *period->cadence)) : o.period;
  s.request.history = o.history;
  if (!o.as_at.empty()) {
    s.request.as_at = parse_iso(o.as_at);
    if (!s.request.as_at)
      return usage_error(
          fmt::format("--as-at '{}' is not a date", o.as_at),
          "write the date the data were extracted as YYYY-MM-DD, such as 2017-07-05");
  }
  const std::optional<unsigned> threads = threads_wanted();
  if (!threads)
    return usage_error(
        fmt::format("TALLY_THREADS='{}' is not a number of threads", std::getenv("TALLY_THREADS")),
        "set it to a whole number from 1 to 256, or unset it to use every core");
  s.request.threads = *threads;

  if (auto status = resolve_params(*s.front, o.scenarios, o.sets, s.request.params,
                                   &s.request.params_replaced))
    return status;
  if (o.as_is) {
    if (o.as_is_date.empty()) {
      const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
      s.request.params_as_is = static_cast<Day>(today.time_since_epoch().count());
    } else {
      s.request.params_as_is = parse_iso(o.as_is_date);
      if (!s.request.params_as_is)
        return usage_error(fmt::format("--as-is '{}' is not a date", o.as_is_date),
                           "write --as-is=YYYY-MM-DD, such as --as-is=2019-04-01, or --as-is "
                           "alone for today's values");
    }
  }

  std::vector<std::uint32_t> chosen;
  if (auto status = select_indicators(s.front->program, o.indicators, chosen)) return status;
  if (!o.by.empty())
    if (auto status = reload_with_breakdown(o, chosen, s)) return status;
  const check::Program& p = s.front->program;
  s.plan = plan::compile(p, chosen);
  if (o.public_output && !s.plan.suppression)
    return usage_error("--public: the definitions declare no small-number suppression",
                       "declare which counts to hide in a definition file, as in `suppress counts "
                       "1 .. 5 as \"*\"`, or leave out --public");
  for (std::uint32_t i = 0; i < s.plan.indicators.size(); ++i) s.request.indicators.push_back(i);
  if (s.plan.indicators.empty())
    return usage_error("there are no indicators to evaluate",
                       "name .tally files that declare indicators; indicators in files that are "
                       "only imported run when named with --indicator NAME");

  std::error_code ec;
  const std::string data_ext = std::filesystem::path(o.data).extension().string();
  if (!std::filesystem::is_directory(o.data, ec) &&
      !((data_ext == ".xml" || data_ext == ".xlsx") && std::filesystem::exists(o.data, ec)))
    return usage_error(fmt::format("--data '{}' is not a folder", o.data),
                       "name the folder that holds TABLE.csv for each table (or a census .xml "
                       "file, or an .xlsx workbook)");
  runtime::LoadOptions load;
  load.lenient = o.lenient;
  load.threads = s.request.threads;
  load.rejects_file =
      std::filesystem::path(o.rejects.empty() ? std::string("tally-rejects.csv") : o.rejects);
  if (o.lenient) {
    // A rejects file left by an earlier run goes; anything else of that name is not touched.
    const auto kind = std::filesystem::symlink_status(load.rejects_file, ec).type();
    if (kind == std::filesystem::file_type::directory)
      return usage_error(fmt::format("--rejects '{}' is a folder", load.rejects_file.string()),
                         "name a file for the rejected rows, such as tally-rejects.csv");
    if (kind == std::filesystem::file_type::regular) std::filesystem::remove(load.rejects_file, ec);
  }
  const auto load_start = std::chrono::steady_clock::now();
  s.data = runtime::load_dataset(s.plan, o.data, load);
  if (timing_wanted())
    std::cerr << fmt::format(
        "timing: load {:.3f} s\n",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count());
  for (const auto& w : s.data.warnings) std::cerr << w.render("warning") << "\n";
  if (!s.data.errors.empty()) {
    for (const auto& e : s.data.errors) std::cerr << e.render("error") << "\n";
    const std::size_t count = runtime::Issue::count(s.data.errors);
    std::cerr << fmt::format("{} error{} in the data; nothing was evaluated\n", count,
                             count == 1 ? "" : "s");
    // Skipping rows cannot help a file that is missing, lacks a column or is not read to its end.
    const bool rows = std::any_of(s.data.errors.begin(), s.data.errors.end(),
                                  [](const runtime::Issue& e) { return e.row; });
    if (!o.lenient && rows)
      std::cerr << "hint: fix the cells named above, or run with --lenient to skip bad rows into "
                   "a rejects file\n";
    return 1;
  }
  return std::nullopt;
}

void apply_suppression(const Session& s, const RunOptions& o, runtime::RunResult& result) {
  if (!s.plan.suppression || !(o.public_output || s.plan.suppression->always)) return;
  runtime::suppress_small_numbers(result, *s.plan.suppression);
}

std::optional<int> refuse_xlsx_to_terminal(const RunOptions& o) {
  if (output_format(o) != "xlsx" || !(o.output.empty() || o.output == "-") || !stdout_is_terminal())
    return std::nullopt;
  return usage_error("an xlsx workbook is binary: tally does not write it to a terminal",
                     "add --output FILE.xlsx, or send standard output to a file");
}

std::optional<int> refuse_page_formats(const RunOptions& o, const char* command) {
  const std::string format = output_format(o);
  if (format != "markdown" && format != "html" && format != "xlsx") return std::nullopt;
  return usage_error(
      fmt::format(
          "tally {} does not write {}{}", command, format,
          o.format.empty() ? fmt::format(" (chosen by the extension of '{}')", o.output) : ""),
      "use --format table, json or csv; compare without --against writes markdown and html");
}

std::string output_format(const RunOptions& o) {
  if (!o.format.empty()) return o.format;
  // The table is for people at a terminal; anywhere else the default is the stable JSON.
  return o.output.empty() && stdout_is_terminal() ? "table" : "json";
}

int run_command(const RunOptions& o) {
  if (auto status = check_commentary_option(o)) return *status;
  if (auto status = refuse_xlsx_to_terminal(o)) return *status;
  Session s;
  if (auto status = open_session(o, s)) return *status;
  std::vector<runtime::Issue> errors;
  const auto eval_start = std::chrono::steady_clock::now();
  std::vector<runtime::TableTiming> timings;
  if (timing_wanted()) s.request.timings = &timings;
  runtime::RunResult result = runtime::execute(s.plan, s.data, s.caches, s.request, errors);
  apply_suppression(s, o, result);
  if (timing_wanted()) {
    for (const runtime::TableTiming& t : timings)
      std::cerr << fmt::format("timing:   {}: previous/next and lookups {:.3f} s, rows {:.3f} s\n",
                               t.table, t.derive_seconds, t.evaluate_seconds);
    std::cerr << fmt::format(
        "timing: evaluate {:.3f} s\n",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - eval_start).count());
  }
  if (report_exec_errors(errors, s.front->sources, o.diagnostics)) return 1;
  RenderContext ctx;
  ctx.plan = &s.plan;
  ctx.params = s.request.params;
  ctx.as_at = o.as_at;
  ctx.parameters_as = parameters_as(s.plan, s.request);
  // Figures of periods the data only partly cover are marked in the output; say so here too.
  for (const std::string& n : coverage_notes(result))
    std::cerr << "warning: " << visible(n) << "\n";
  for (const plan::IndicatorPlan& ind : s.plan.indicators)
    ctx.descriptions.push_back(check::describe_indicator(
        s.front->program, ind.index, s.request.params, s.request.params_replaced));
  fill_report_context(s, o, result, ctx);
  const std::string format = output_format(o);
  ctx.color = format == "table" && o.output.empty() && stdout_color();
  std::string text;
  if (format == "json")
    text = json_text(run_json(result, ctx));
  else if (format == "csv")
    text = run_csv(result, ctx);
  else if (format == "markdown")
    text = run_markdown(result, ctx);
  else if (format == "html")
    text = report_html(result, ctx);
  else if (format == "xlsx") {
    std::string error;
    auto bytes = run_xlsx(result, ctx, error);
    if (!bytes) {
      std::cerr << "tally: error: cannot write the workbook: " << error << "\n";
      return 1;
    }
    text = std::move(*bytes);
  } else
    text = run_table(result, ctx);
  finish(text, o.output);
}

}  // namespace tally::cli
