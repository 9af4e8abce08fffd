// `tally report`: the committee paper for a period, as one self-contained HTML file.
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/report/commentary.hpp"
#include "cli/report/report_html.hpp"
#include "cli/session.hpp"
#include "lang/base/text.hpp"
#include "lang/check/describe.hpp"

namespace tally::cli {

int report_command(const RunOptions& given) {
  RunOptions o = given;
  if (o.history == 0) o.history = 8;  // two years of quarters for the sparklines
  if (!o.format.empty() && o.format != "html")
    return usage_error(fmt::format("tally report does not write {}", o.format),
                       "tally report writes html; tally run --format xlsx writes a workbook");
  if (auto status = check_commentary_option(o)) return *status;
  Session s;
  if (auto status = open_session(o, s)) return *status;
  std::vector<runtime::Issue> errors;
  runtime::RunResult result = runtime::execute(s.plan, s.data, s.caches, s.request, errors);
  apply_suppression(s, o, result);
  if (report_exec_errors(errors, s.front->sources, o.diagnostics)) return 1;
  for (const std::string& n : coverage_notes(result))
    std::cerr << "warning: " << visible(n) << "\n";
  RenderContext ctx;
  ctx.plan = &s.plan;
  ctx.params = s.request.params;
  ctx.as_at = o.as_at;
  ctx.parameters_as = parameters_as(s.plan, s.request);
  for (const plan::IndicatorPlan& ind : s.plan.indicators)
    ctx.descriptions.push_back(check::describe_indicator(
        s.front->program, ind.index, s.request.params, s.request.params_replaced));
  fill_report_context(s, o, result, ctx);
  // A red without the service's reasons leaves members' questions unanswered: say so.
  const auto folder = commentary_folder(o);
  for (const runtime::IndicatorResult& ir : result.indicators) {
    const std::size_t i = static_cast<std::size_t>(ir.plan - s.plan.indicators.data());
    if (ir.results.back().rag != runtime::Rag::red || !ctx.commentary[i].empty()) continue;
    const std::string stem = ir.plan->code.empty() ? ir.plan->name : ir.plan->code;
    const std::string where = (folder ? *folder : std::filesystem::path("commentary")) /
                              period_folder(result.period_label) / (stem + ".md");
    std::cerr << visible(
                     fmt::format("warning: {} is red in {} and has no commentary; write it in {}",
                                 stem, result.period_label, where))
              << "\n";
  }
  finish(report_html(result, ctx), o.output);
}

}  // namespace tally::cli
