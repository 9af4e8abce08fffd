// The committee paper: one self-contained HTML page (inline CSS and SVG, no script, nothing
// fetched) in the shape of a council's performance report: heading, summary with the exceptions
// first, a dashboard per service area, the definitions in words as footnotes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/render.hpp"
#include "lang/base/number.hpp"

namespace tally::cli {

// `ctx` carries the report's parts (fill_report_context). Every text from the definitions, the
// data, the options and the commentary is escaped.
std::string report_html(const runtime::RunResult& result, const RenderContext& ctx);

// A RAG chip: a shape and a word as well as a colour (the classes rag and rag-COLOUR).
std::string rag_chip(runtime::Rag rag);

// The chips' CSS, colours meeting WCAG AA, shared by every page tally writes.
extern const char* const kRagStyle;

// An inline SVG sparkline of an indicator's values over `results` with its target as a dashed
// line; the newest point is marked in its colour. "" when fewer than one value is known.
std::string sparkline_svg(const runtime::IndicatorResult& ir);

// The range a chart shows: the lowest and highest of `values` and `target`, widened by 1 each
// way when they are one value. Nothing when `values` is empty.
struct ChartRange {
  Rational lo, hi;
};
std::optional<ChartRange> chart_range(std::vector<Rational> values,
                                      const std::optional<Rational>& target);

}  // namespace tally::cli
