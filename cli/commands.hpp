// The sub-commands of the `tally` program, wired to CLI11 in options.cpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace tally::cli {

int main(int argc, char** argv);

struct CheckOptions {
  std::vector<std::string> defs;
  std::string emit;                  // "", "ast", "types", "plan"
  std::string diagnostics = "text";  // "text" or "json"
};

struct RunOptions {
  std::vector<std::string> defs;
  std::string data;
  std::string period;
  int history = 0;                // 0: the default
  std::vector<std::string> sets;  // NAME=VALUE
  std::vector<std::string> scenarios;
  std::vector<std::string> indicators;
  std::string format;  // table, json, csv, markdown, html; "" = by terminal
  std::string output;
  bool lenient = false;
  std::string rejects;
  std::string diagnostics = "text";
  std::string as_at;           // the extract's date, YYYY-MM-DD; "" when not given
  bool public_output = false;  // --public: small numbers hidden as the definitions declare
  std::string by;              // an ad-hoc breakdown (--by EXPR); "" when not given
  // --as-is[=DATE]: dated parameters at their values on DATE (today when none is given) for
  // every period, instead of each period's own ("as was").
  bool as_is = false;
  std::string as_is_date;
  // report (and the report's parts in run's html and json)
  std::string council, title, commentary;
  // compare
  std::vector<std::string> against;
  // sweep
  std::string vary;
  // explain
  std::string rows = "failing";
  int limit = 0;
  std::optional<std::string> group;  // --group LABEL: only that group's rows
};

struct FmtOptions {
  std::vector<std::string> files;
  bool check = false;  // exit 1 with a diff when a file is not formatted
  bool write = false;  // rewrite the files in place
};

struct TestOptions {
  std::vector<std::string> defs;
  std::string only;      // run only the tests whose name holds this text
  bool coverage = true;  // report the clauses no test exercised
};

int check_command(const CheckOptions& options);
int test_command(const TestOptions& options);
int fmt_command(const FmtOptions& options);
int run_command(const RunOptions& options);
int compare_command(const RunOptions& options);
int sweep_command(const RunOptions& options);
int explain_command(const RunOptions& options);
int describe_command(const RunOptions& options);
int report_command(const RunOptions& options);

}  // namespace tally::cli
