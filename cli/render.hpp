// Output formats of `tally run` and the validation commands: the aligned terminal table, the
// stable JSON document of the CLI contract, CSV for spreadsheets, Markdown and HTML.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lang/plan/plan.hpp"
#include "runtime/result/result.hpp"

namespace tally::cli {

struct RenderContext {
  const plan::Plan* plan = nullptr;
  std::vector<Constant> params;  // the values used, one per plan parameter
  bool color = false;
  std::vector<std::string> descriptions;  // plain words, by plan indicator (report footnotes)
};

// Value and change: exactly `decimals` places. Targets and benchmarks: rounded to `decimals`
// places with trailing zeros dropped ("90", "92.5").
std::string value_text(const Rational& v, int decimals);
std::string target_text(const runtime::PeriodResult& r, int decimals);
std::string trimmed_text(const Rational& v, int decimals);
// Whole numbers as JSON numbers, other exact values as decimal strings.
nlohmann::ordered_json count_json(const Rational& v);

// An indicator's name, code and title: the opening keys of its entry in every JSON document.
nlohmann::ordered_json indicator_json(const plan::IndicatorPlan& ind);

nlohmann::ordered_json run_json(const runtime::RunResult& result, const RenderContext& ctx);
std::string run_table(const runtime::RunResult& result, const RenderContext& ctx);
std::string run_csv(const runtime::RunResult& result, const RenderContext& ctx);
std::string run_markdown(const runtime::RunResult& result, const RenderContext& ctx);
std::string run_html(const runtime::RunResult& result, const RenderContext& ctx);

// "13 indicators: 3 red, 4 amber, 6 green"
std::string summary_line(const runtime::RunResult& result);

// One CSV field, quoted when it needs to be.
std::string csv_field(const std::string& s);
std::string html_escape(const std::string& s);
// Terminal width of UTF-8 text (one column per character).
std::size_t display_width(const std::string& s);
std::string pad_right(const std::string& s, std::size_t width);
std::string pad_left(const std::string& s, std::size_t width);
// `s` cut to `width` characters, ending in "…" when cut.
std::string cut(const std::string& s, std::size_t width);

}  // namespace tally::cli
