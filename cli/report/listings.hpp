// compare, sweep and explain as pages: HTML (self-contained, inline CSS and SVG) and Markdown.
// Each command gathers what it shows into a view below; the renderers read only the view.
#pragma once

#include <string>
#include <vector>

#include "runtime/exec/executor.hpp"
#include "runtime/result/result.hpp"

namespace tally::cli {

// compare: one row per indicator and period, one figure per run.
struct CompareView {
  std::string period_label;
  std::vector<std::string> runs;        // names, in the order given
  std::vector<std::string> parameters;  // per run: its parameters as "name = value; ..."
  struct Row {
    const plan::IndicatorPlan* indicator = nullptr;
    std::string period;
    std::vector<const runtime::PeriodResult*> figures;  // one per run
    bool changed = false;  // a figure's colour differs from the first run's
  };
  std::vector<Row> rows;
  std::vector<std::string> sentences;  // the summary, one per run after the first
};

// sweep: per indicator, one figure per value of the varied parameter.
struct SweepView {
  std::string period_label, parameter;
  std::vector<std::string> values;  // the parameter's values as shown
  struct Indicator {
    const plan::IndicatorPlan* indicator = nullptr;
    std::vector<const runtime::PeriodResult*> figures;  // one per value
    std::string group;  // a breakdown's group, as "team: North"; "" for the total
  };
  std::vector<Indicator> indicators;
};

std::string compare_html(const CompareView& view);
std::string compare_markdown(const CompareView& view);
std::string sweep_html(const SweepView& view);
std::string sweep_markdown(const SweepView& view);
std::string explain_html(const runtime::ExplainResult& r);
std::string explain_markdown(const runtime::ExplainResult& r);

// A small SVG chart of one indicator's value against the varied parameter: a band per value
// coloured by its RAG (with its word in the title), the target as a dashed line, the values as
// a line with points.
std::string sweep_chart_svg(const SweepView& view, const SweepView::Indicator& ind);

}  // namespace tally::cli
