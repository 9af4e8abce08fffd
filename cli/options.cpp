// Command-line wiring (CLI11) and the shared set-up of every command: load and check the
// definitions, resolve parameters, scenarios, the period and the indicators asked for.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "cli/commands.hpp"
#include "cli/render.hpp"
#include "cli/session.hpp"
#include "lang/check/front.hpp"
#include "lsp/server.hpp"

namespace tally::cli {

bool stderr_color() { return ::isatty(STDERR_FILENO) && std::getenv("NO_COLOR") == nullptr; }
bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) != 0; }
bool stdout_color() { return ::isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr; }

void print_diagnostics(const Diagnostics& diags, const SourceManager& sources,
                       const std::string& format) {
  if (format == "json") {
    std::cerr << render_json(diags, sources).dump(2) << "\n";
  } else {
    std::cerr << render_text(diags, sources, RenderOptions{stderr_color()});
  }
}

int usage_error(const std::string& message, const std::string& hint) {
  std::cerr << "tally: error: " << message << "\n";
  if (!hint.empty()) std::cerr << "hint: " << hint << "\n";
  return 2;
}

bool write_output(const std::string& text, const std::string& path) {
  if (path.empty() || path == "-") {
    std::cout << text;
    std::cout.flush();
    if (!std::cout) {
      std::cerr << "tally: error: cannot write to standard output; check where it goes (a full "
                   "disk, a closed pipe)\n";
      return false;
    }
    return true;
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();  // a full disk may show only when the last bytes go out
  if (!out) {
    std::cerr << fmt::format(
        "tally: error: cannot write {}; check that its folder exists and is writable\n", path);
    return false;
  }
  return true;
}

void finish(const std::string& text, const std::string& path) {
  const int status = write_output(text, path) ? 0 : 1;
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(status);
}

int check_command(const CheckOptions& o) {
  auto front = check::load_definitions(o.defs);
  print_diagnostics_if_any(*front, o.diagnostics);
  if (front->diags.has_errors()) return 1;
  if (o.emit == "ast") {
    std::cout << ast::print(*front->module, front->sources);
  } else if (o.emit == "types") {
    std::cout << check::print_types(front->program, front->sources);
  } else if (o.emit == "plan") {
    std::cout << plan::print(plan::compile(front->program, {}));
  } else {
    const auto& p = front->program;
    std::size_t named = 0;
    for (const auto& i : p.indicators) named += i.named_on_command_line ? 1 : 0;
    std::cout << fmt::format("ok: {} file{}, {} table{}, {} parameter{}, {} indicator{}\n",
                             front->sources.size(), front->sources.size() == 1 ? "" : "s",
                             p.tables.size(), p.tables.size() == 1 ? "" : "s", p.params.size(),
                             p.params.size() == 1 ? "" : "s", named, named == 1 ? "" : "s");
  }
  return 0;
}

void print_diagnostics_if_any(const check::Frontend& front, const std::string& format) {
  if (!front.diags.items().empty()) print_diagnostics(front.diags, front.sources, format);
}

namespace {

void add_run_options(CLI::App* cmd, RunOptions& o, bool with_format,
                     const char* history = "periods to show, ending with --period (default 2)") {
  cmd->add_option("DEFS", o.defs, "definition files or folders (every .tally below)")->required();
  cmd->add_option("--data", o.data,
                  "folder holding TABLE.csv (or .xlsx, or a census .xml) for every table used, or "
                  "one census .xml or .xlsx file")
      ->required();
  cmd->add_option("--period", o.period,
                  "2017-18Q1 (quarter), 2017-18 (year), 2017-06 (month) or a date 2017-06-30")
      ->required();
  cmd->add_option("--history", o.history, history)->check(CLI::Range(1, 1000));
  cmd->add_option("--set", o.sets, "NAME=VALUE: override a parameter for this run")
      ->allow_extra_args(false);
  cmd->add_option("--scenario", o.scenarios, "apply a declared scenario")->allow_extra_args(false);
  cmd->add_option("--indicator", o.indicators, "only these indicators (default: all)")
      ->allow_extra_args(false);
  if (with_format) {
    cmd->add_option("--format", o.format, "table, json, csv, markdown, html or xlsx")
        ->check(CLI::IsMember({"table", "json", "csv", "markdown", "html", "xlsx"}));
  }
  cmd->add_option("--output", o.output, "write there instead of standard output");
  cmd->add_flag("--lenient", o.lenient,
                "skip bad data rows into a rejects file instead of failing");
  cmd->add_option("--rejects", o.rejects,
                  "where --lenient writes rejected rows (default tally-rejects.csv)");
  cmd->add_option("--diagnostics", o.diagnostics, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option(
      "--as-at", o.as_at,
      "the date the data were extracted (YYYY-MM-DD): shown in the output; the data are "
      "taken to reach it");
  cmd->add_flag("--public", o.public_output,
                "for publication: small numbers shown as the definitions' `suppress counts` "
                "declaration says (explain refuses it: its rows are not for publication)");
  cmd->add_option("--by", o.by,
                  "break every indicator down by this row expression (a column or let of its "
                  "table), in place of its `by` clause");
  CLI::Option* as_is =
      cmd->add_option("--as-is", o.as_is_date,
                      "every period with the parameters' values in force on this date "
                      "(--as-is=YYYY-MM-DD; today when none is given), not those of its own "
                      "last day")
          ->expected(0, 1);
  cmd->final_callback([&o, as_is] { o.as_is = as_is->count() > 0; });
}

// Where the report's heading and commentary come from (report, and run's html and json).
void add_report_options(CLI::App* cmd, RunOptions& o) {
  cmd->add_option("--council", o.council, "the council's name in the report's heading");
  cmd->add_option("--title", o.title, "the report's title (default: Performance indicators)");
  cmd->add_option("--commentary", o.commentary,
                  "folder of commentary: PERIOD/CODE.md (default: a folder named commentary "
                  "in or beside the definitions' folder)");
}

// `--output report.html` with no --format: the format the file's extension names.
void format_from_output(RunOptions& o) {
  if (!o.format.empty() || o.output.empty()) return;
  static const std::pair<const char*, const char*> kByExtension[] = {
      {".html", "html"}, {".htm", "html"},  {".md", "markdown"}, {".csv", "csv"},
      {".json", "json"}, {".txt", "table"}, {".xlsx", "xlsx"}};
  std::string ext = std::filesystem::path(o.output).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [e, format] : kByExtension)
    if (ext == e) o.format = format;
}

// A first word that is no command and no option: name it and suggest the closest command, rather
// than CLI11's "A subcommand is required".
std::optional<int> unknown_command(int argc, char** argv, const CLI::App& app) {
  if (argc < 2 || argv[1][0] == '-') return std::nullopt;
  const std::string word = argv[1];
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  if (std::find(names.begin(), names.end(), word) != names.end()) return std::nullopt;
  const std::string closest = closest_name(word, names);
  return usage_error(fmt::format("'{}' is not a tally command", word),
                     closest.empty() ? fmt::format("the commands are {}", fmt::join(names, ", "))
                                     : fmt::format("did you mean 'tally {}'? The commands are {}",
                                                   closest, fmt::join(names, ", ")));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tally: performance indicators declared as text, evaluated over case data"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tally 0.1.0");

  CheckOptions check_options;
  auto* check_cmd = app.add_subcommand("check", "parse and check definitions; print every error");
  check_cmd->add_option("DEFS", check_options.defs, "definition files or folders")->required();
  check_cmd
      ->add_option("--emit", check_options.emit, "print an intermediate form: ast, types or plan")
      ->check(CLI::IsMember({"ast", "types", "plan"}));
  check_cmd->add_option("--diagnostics", check_options.diagnostics, "text or json")
      ->check(CLI::IsMember({"text", "json"}));

  RunOptions run_options;
  auto* run_cmd =
      app.add_subcommand("run", "evaluate every indicator for a period and those before it");
  add_run_options(run_cmd, run_options, true);

  RunOptions compare_options;
  auto* compare_cmd = app.add_subcommand(
      "compare", "the same indicators under two or more parameter sets, side by side");
  add_run_options(compare_cmd, compare_options, true);
  compare_cmd->add_option("--against", compare_options.against,
                          "also run an older version of the definitions (files or folders)");

  RunOptions sweep_options;
  auto* sweep_cmd =
      app.add_subcommand("sweep", "value and colour for every value of one parameter");
  add_run_options(sweep_cmd, sweep_options, true);
  sweep_cmd->add_option("--vary", sweep_options.vary, "NAME=FROM..TO[:STEP] or NAME=A,B,C")
      ->required();

  RunOptions explain_options;
  auto* explain_cmd = app.add_subcommand("explain", "the rows behind one indicator's figure");
  add_run_options(explain_cmd, explain_options, true);
  explain_cmd->add_option("--rows", explain_options.rows, "failing (default), passing or all")
      ->check(CLI::IsMember({"failing", "passing", "all"}));
  explain_cmd->add_option("--limit", explain_options.limit, "at most this many rows")
      ->check(CLI::Range(0, 100000000));
  explain_cmd->add_option("--group", explain_options.group,
                          "only the rows of this group of the indicator's breakdown");

  RunOptions describe_options;
  auto* describe_cmd =
      app.add_subcommand("describe", "each indicator in plain words, as a councillor reads it");
  describe_cmd->add_option("DEFS", describe_options.defs, "definition files or folders")
      ->required();
  describe_cmd
      ->add_option("--indicator", describe_options.indicators,
                   "only these indicators (default: all)")
      ->allow_extra_args(false);
  describe_cmd
      ->add_option("--set", describe_options.sets,
                   "NAME=VALUE: describe with a parameter overridden")
      ->allow_extra_args(false);
  describe_cmd
      ->add_option("--scenario", describe_options.scenarios, "describe under a declared scenario")
      ->allow_extra_args(false);
  describe_cmd->add_option("--diagnostics", describe_options.diagnostics, "text or json")
      ->check(CLI::IsMember({"text", "json"}));

  RunOptions report_options;
  auto* report_cmd = app.add_subcommand(
      "report", "the committee paper for a period: one HTML file with dashboards and commentary");
  add_run_options(report_cmd, report_options, false,
                  "periods in the sparklines, ending with --period (default 8)");
  report_cmd->add_option("--format", report_options.format, "html")->check(CLI::IsMember({"html"}));
  add_report_options(report_cmd, report_options);
  add_report_options(run_cmd, run_options);
  FmtOptions fmt_options;
  auto* fmt_cmd = app.add_subcommand("fmt", "lay definition files out in the one canonical way");
  fmt_cmd
      ->add_option("FILES", fmt_options.files, "definition files or folders (every .tally below)")
      ->required();
  auto* fmt_check = fmt_cmd->add_flag("--check", fmt_options.check,
                                      "print a diff and exit 1 when a file is not formatted");
  fmt_cmd->add_flag("--write", fmt_options.write, "rewrite the files in place")
      ->excludes(fmt_check);

  TestOptions test_options;
  auto* test_cmd = app.add_subcommand(
      "test", "run the definitions' tests: indicators over small tables, and what they give");
  test_cmd
      ->add_option("DEFS", test_options.defs, "definition files or folders (every .tally below)")
      ->required();
  test_cmd->add_option("--name", test_options.only, "only the tests whose name holds this text");
  test_cmd->add_flag("!--no-coverage", test_options.coverage,
                     "leave out the report of clauses no test exercised");

  auto* lsp_cmd = app.add_subcommand(
      "lsp", "a language server for editors: JSON-RPC over standard input and output");

  if (auto status = unknown_command(argc, argv, app)) return *status;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  for (RunOptions* o :
       {&run_options, &compare_options, &sweep_options, &explain_options, &report_options})
    format_from_output(*o);
  if (*check_cmd) return check_command(check_options);
  if (*fmt_cmd) return fmt_command(fmt_options);
  if (*test_cmd) return test_command(test_options);
  if (*lsp_cmd) return lsp::serve(std::cin, std::cout);
  if (*run_cmd) return run_command(run_options);
  if (*compare_cmd) return compare_command(compare_options);
  if (*sweep_cmd) return sweep_command(sweep_options);
  if (*explain_cmd) return explain_command(explain_options);
  if (*describe_cmd) return describe_command(describe_options);
  if (*report_cmd) return report_command(report_options);
  return 2;
}

}  // namespace tally::cli
