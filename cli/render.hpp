// Output formats of `tally run` and the validation commands: the aligned terminal table, the
// stable JSON document of the CLI contract, CSV for spreadsheets, Markdown and HTML.
#pragma once

#include <functional>
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
  std::string as_at;                      // the extract's date (--as-at), shown when given
  // The report's parts (cli/report), by plan indicator: the service's commentary on the period
  // asked (Markdown, "" when none), the service area, each benchmark's label.
  std::vector<std::string> commentary;
  std::vector<std::string> areas;
  std::vector<std::vector<std::string>> benchmark_labels;
  std::string council, title;  // the report's heading
  std::string scenario;        // the scenarios and --set values applied, "" when none
  std::string public_note;     // a public output: what its hidden figures show (suppression_note)
  // Which values of dated parameters apply: "as was" (each period its own) or "as is on DATE";
  // "" when the definitions have no dated parameter.
  std::string parameters_as;
};

// The dated parameters that applied, per indicator and parameter, periods with one value
// together: "VP8 cp_visit_days: 10 days in 2018-19 Q4; 15 days in 2019-20 Q1 (from 2019-04-01,
// Committee 11/03/2019, item 6)". Empty when no indicator reads a dated parameter.
std::vector<std::string> parameter_notes(const runtime::RunResult& result);
// The same for one indicator, without its code: "cp_visit_days: 10 days in 2018-19 Q4; ...".
std::vector<std::string> applied_notes(const runtime::IndicatorResult& indicator);
// A period's applied parameters as JSON: [{"name", "value", "from", "decision"}].
nlohmann::ordered_json applied_json(const std::vector<runtime::AppliedParam>& applied);
// "cp_visit_days = 15 days; ..." for one period, "" when none applied.
std::string applied_text(const std::vector<runtime::AppliedParam>& applied);

// Each figure over a period that the data only partly cover: "VP8 2017-18 Q1: partial data, ...".
std::vector<std::string> coverage_notes(const runtime::RunResult& result);

// Value and change: exactly `decimals` places. Targets and benchmarks: rounded to `decimals`
// places with trailing zeros dropped ("90", "92.5").
std::string value_text(const Rational& v, int decimals);
std::string target_text(const runtime::PeriodResult& r, int decimals);
std::string trimmed_text(const Rational& v, int decimals);
// The value as a table shows it: "92.5%", "14", or "-" when it is missing.
std::string shown_value(const runtime::PeriodResult& r, const plan::IndicatorPlan& ind);
// A ratio indicator's numerator or denominator, exact ("" for a value indicator or when missing).
std::string count_text(const std::optional<Rational>& count, const plan::IndicatorPlan& ind);
// "12 / 15" for a ratio indicator with both counts, "" otherwise.
std::string ratio_text(const runtime::PeriodResult& r, const plan::IndicatorPlan& ind);
// Whole numbers as JSON numbers, other exact values as decimal strings.
nlohmann::ordered_json count_json(const Rational& v);

// Public outputs (runtime/result/suppress.hpp): a figure its result marks hidden is shown as the
// suppression's text, and nothing else of it. shown_value and ratio_text read the marks too.
// A ratio indicator's numerator or denominator as count_text gives it, or the text when hidden.
std::string numerator_text(const runtime::PeriodResult& r, const plan::IndicatorPlan& ind);
std::string denominator_text(const runtime::PeriodResult& r, const plan::IndicatorPlan& ind);
// The numerator or denominator as JSON (count_json), or the text when hidden; call only when
// present.
nlohmann::ordered_json numerator_json(const runtime::PeriodResult& r);
nlohmann::ordered_json denominator_json(const runtime::PeriodResult& r);
// The value with exactly `decimals` places, the text when hidden, "" when missing.
std::string value_field(const runtime::PeriodResult& r, const plan::IndicatorPlan& ind);
// Why the value is missing ("" when it is not, or when saying why would give away a hidden
// denominator: "the denominator is 0" under `suppress counts 0 .. N`).
std::string shown_note(const runtime::PeriodResult& r);
// The value as JSON: value_field, or null when missing.
nlohmann::ordered_json value_json(const runtime::PeriodResult& r, const plan::IndicatorPlan& ind);
// The change with exactly `decimals` places (`signed_change` when `sign`), the text when hidden,
// "" when there is none.
std::string change_field(const runtime::PeriodResult& r, const plan::IndicatorPlan& ind,
                         bool sign = false);

// An indicator's name, code and title: the opening keys of its entry in every JSON document.
nlohmann::ordered_json indicator_json(const plan::IndicatorPlan& ind);
// The parameters' values shown as text, by name in name order (`values`: one per plan parameter).
nlohmann::ordered_json parameters_json(const plan::Plan& plan, const std::vector<Constant>& values);

// A group's key as JSON: text as a string, a truth value as a bool, a number as count_json
// gives it, the missing group as null.
nlohmann::ordered_json group_key_json(const runtime::GroupResult& g);

nlohmann::ordered_json run_json(const runtime::RunResult& result, const RenderContext& ctx);
std::string run_table(const runtime::RunResult& result, const RenderContext& ctx);
std::string run_csv(const runtime::RunResult& result, const RenderContext& ctx);
std::string run_markdown(const runtime::RunResult& result, const RenderContext& ctx);

// "+1.9", "-0.8", "0.0": a change with its sign, none when it rounds to zero.
std::string signed_change(const Rational& change, int decimals);
// "%" for a percentage, "" otherwise.
std::string unit_suffix(const plan::IndicatorPlan& ind);

// What a public output says of its hidden figures: "counts from 1 to 5, and the figures that would
// give them away, are shown as *".
std::string suppression_note(const Suppression& rule);

// "13 indicators: 3 red, 4 amber, 6 green"
std::string summary_line(const runtime::RunResult& result);

// A JSON document as printed: two-space indents, a line end, and any byte of data that is not
// UTF-8 written as U+FFFD (JSON text must be UTF-8).
std::string json_text(const nlohmann::ordered_json& j);

// One CSV field, quoted when it needs to be.
std::string csv_field(const std::string& s);
std::string html_escape(const std::string& s);

// One layout for every text table (run, compare, sweep): `rows` start with the header; each line
// is `indent`, then the cells two spaces apart, with the blanks at its end dropped.
struct TextColumn {
  bool right = false;     // right-aligned (figures)
  std::size_t width = 0;  // a set width, past which a wider cell stands out; 0: the widest cell
  std::size_t limit = 0;  // cells wider than this are cut to it, ending in "…"; 0: no limit
};
// `style`, when given, dresses a laid-out cell (row, column, padded text), as in a colour.
using CellStyle = std::function<std::string(std::size_t, std::size_t, std::string)>;
std::string text_table(const std::vector<TextColumn>& columns,
                       const std::vector<std::vector<std::string>>& rows,
                       const std::string& indent = "", const CellStyle& style = {});

}  // namespace tally::cli
