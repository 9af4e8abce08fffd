#include "cli/report/listings.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "cli/render.hpp"
#include "cli/report/report_html.hpp"
#include "lang/base/number.hpp"
#include "lang/base/text.hpp"

namespace tally::cli {

using runtime::PeriodResult;
using runtime::Rag;

namespace {

constexpr const char* kListStyle = R"(
@page{size:A4 landscape;margin:10mm}
body{font:10pt/1.4 "Liberation Sans",Arial,Helvetica,sans-serif;color:#1a1a1a;background:#fff;margin:16px auto;max-width:270mm;padding:0 12px}
h1{font-size:15pt;color:#1f3a5f;margin:0 0 6px}
h2{font-size:11.5pt;color:#1f3a5f;margin:14px 0 4px}
table{border-collapse:collapse;font-size:9pt;margin:4px 0 10px}
caption{text-align:left;font-weight:bold;color:#1f3a5f;padding:4px 0}
th,td{border-bottom:1px solid #d3d9e1;padding:3px 7px;text-align:left;vertical-align:top}
thead th{background:#1f3a5f;color:#fff}
td.period{white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.ratio{display:block;color:#4a4f57;font-size:8pt}
tr.changed>*{background:#fff6d9}
.change{font-weight:bold;color:#5f4300;white-space:nowrap}
.not-counted{font-weight:bold;color:#8c1d18}
.chart{display:block;margin:4px 0}
tr{break-inside:avoid}
)";

std::string esc(const std::string& s) { return html_escape(s); }
std::string md(const std::string& s) { return markdown_escape(s); }

std::string page(const std::string& title, const std::string& body) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n"
      "<style>{}{}</style>\n</head>\n<body>\n<h1>{}</h1>\n{}</body>\n</html>\n",
      esc(title), kListStyle, kRagStyle, esc(title), body);
}

// A figure in a cell: the value with its unit, then num / den.
std::string figure_html(const PeriodResult* r, const plan::IndicatorPlan& ind) {
  if (r == nullptr || (!r->value && !r->hidden.value)) return "&ndash;";
  std::string out = "<span class=\"value\">" + esc(shown_value(*r, ind)) + "</span>";
  const std::string ratio = ratio_text(*r, ind);
  if (!ratio.empty()) out += "<span class=\"ratio\">" + esc(ratio) + "</span>";
  return out;
}

std::string figure_markdown(const PeriodResult* r, const plan::IndicatorPlan& ind) {
  if (r == nullptr || (!r->value && !r->hidden.value)) return "-";
  const std::string ratio = ratio_text(*r, ind);
  return md(shown_value(*r, ind)) + (ratio.empty() ? "" : " (" + md(ratio) + ")") + " " +
         runtime::rag_name(r->rag);
}

std::string colour_change(const CompareView::Row& row) {
  std::string out;
  for (std::size_t k = 1; k < row.figures.size(); ++k)
    if (row.figures[k] && row.figures[0] && row.figures[k]->rag != row.figures[0]->rag)
      out += (out.empty() ? "" : ", ") + std::string(runtime::rag_name(row.figures[0]->rag)) +
             " to " + runtime::rag_name(row.figures[k]->rag);
  return out;
}

std::string coordinate(const Rational& v) { return format_decimal(v, 1); }

}  // namespace

std::string compare_html(const CompareView& view) {
  std::string body =
      "<table>\n<caption>Runs</caption>\n<thead><tr><th scope=\"col\">Run</th>"
      "<th scope=\"col\">Parameters</th></tr></thead>\n<tbody>\n";
  for (std::size_t r = 0; r < view.runs.size(); ++r)
    body += fmt::format("<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n", esc(view.runs[r]),
                        esc(r < view.parameters.size() ? view.parameters[r] : ""));
  body += "</tbody>\n</table>\n";
  body +=
      "<table>\n<caption>Figures by run; a colour change is marked</caption>\n<thead><tr>"
      "<th scope=\"col\">Code</th><th scope=\"col\">Indicator</th><th scope=\"col\">Period</th>";
  // Each run takes two cells under its name: the figure and its colour.
  for (const std::string& run : view.runs)
    body += "<th scope=\"colgroup\" colspan=\"2\">" + esc(run) + "</th>";
  body += "<th scope=\"col\">Colour change</th></tr></thead>\n<tbody>\n";
  for (const CompareView::Row& row : view.rows) {
    const plan::IndicatorPlan& ind = *row.indicator;
    body += fmt::format("<tr{}><th scope=\"row\">{}</th><td>{}</td><td class=\"period\">{}</td>",
                        row.changed ? " class=\"changed\" data-changed=\"yes\"" : "", esc(ind.code),
                        esc(ind.title), esc(row.period));
    for (const PeriodResult* f : row.figures)
      body += fmt::format("<td class=\"num\">{}</td><td>{}</td>", figure_html(f, ind),
                          f ? rag_chip(f->rag) : "");
    const std::string change = colour_change(row);
    body += change.empty() ? "<td></td>"
                           : fmt::format("<td class=\"change\">&#10033; {}</td>", esc(change));
    body += "</tr>\n";
  }
  body += "</tbody>\n</table>\n<ul>\n";
  for (const std::string& s : view.sentences) body += "<li>" + esc(s) + "</li>\n";
  body += "</ul>\n";
  std::string title = "Comparison, " + view.period_label + ": ";
  for (std::size_t r = 0; r < view.runs.size(); ++r) title += (r ? " vs " : "") + view.runs[r];
  return page(title, body);
}

std::string compare_markdown(const CompareView& view) {
  std::string out = "# Comparison, " + md(view.period_label) + ": ";
  for (std::size_t r = 0; r < view.runs.size(); ++r) out += (r ? " vs " : "") + md(view.runs[r]);
  out += "\n\n| Run | Parameters |\n|---|---|\n";
  for (std::size_t r = 0; r < view.runs.size(); ++r)
    out += fmt::format("| {} | {} |\n", md(view.runs[r]),
                       md(r < view.parameters.size() ? view.parameters[r] : ""));
  out += "\n| Code | Indicator | Period |";
  for (const std::string& run : view.runs) out += " " + md(run) + " |";
  out += " Colour change |\n|---|---|---|";
  for (std::size_t r = 0; r < view.runs.size(); ++r) out += "---:|";
  out += "---|\n";
  for (const CompareView::Row& row : view.rows) {
    const plan::IndicatorPlan& ind = *row.indicator;
    out += fmt::format("| {} | {} | {} |", md(ind.code), md(ind.title), md(row.period));
    for (const PeriodResult* f : row.figures) out += " " + figure_markdown(f, ind) + " |";
    const std::string change = colour_change(row);
    out += change.empty() ? " |\n" : " **" + md(change) + "** |\n";
  }
  out += "\n";
  for (const std::string& s : view.sentences) out += "- " + md(s) + "\n";
  return out;
}

std::string sweep_chart_svg(const SweepView& view, const SweepView::Indicator& si) {
  const plan::IndicatorPlan& ind = *si.indicator;
  std::vector<Rational> all;
  std::optional<Rational> target;
  // A hidden value (a public page) is no point and no part of the scale or its labels.
  auto shown = [](const PeriodResult* f) { return f && f->value && !f->hidden.value; };
  for (const PeriodResult* f : si.figures) {
    if (shown(f)) all.push_back(*f->value);
    if (f && f->target && !target) target = f->target;
  }
  const auto range = chart_range(std::move(all), target);
  if (!range) return "";
  const Rational& lo = range->lo;
  const Rational& hi = range->hi;
  const int width = 420, height = 150, left = 48, right = 10, top = 16, bottom = 30;
  const std::size_t n = si.figures.size();
  const Rational step = Rational(width - left - right) / Rational(static_cast<long long>(n));
  auto x = [&](std::size_t i) {
    return Rational(left) + step * Rational(static_cast<long long>(i)) + step / 2;
  };
  auto y = [&](const Rational& v) {
    return Rational(top) + (hi - v) * Rational(height - top - bottom) / (hi - lo);
  };
  const std::string label = fmt::format("{} against {}, {} values",
                                        ind.code.empty() ? ind.name : ind.code, view.parameter, n);
  std::string out = fmt::format(
      "<svg class=\"chart\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" "
      "aria-label=\"{2}\"><title>{2}</title>\n",
      width, height, esc(label));
  // A band per value, in the colour its figure takes.
  for (std::size_t i = 0; i < n; ++i) {
    const Rag rag = si.figures[i] ? si.figures[i]->rag : Rag::none;
    const char* fill = rag == Rag::red     ? "#f6c9c5"
                       : rag == Rag::amber ? "#ffe59a"
                       : rag == Rag::green ? "#bfe6c8"
                                           : "#e5e7eb";
    out += fmt::format(
        "<rect class=\"band band-{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\">"
        "<title>{} {}: {}</title></rect>\n",
        runtime::rag_name(rag), coordinate(x(i) - step / 2), top, coordinate(step),
        height - top - bottom, fill, esc(view.parameter), esc(view.values[i]),
        runtime::rag_name(rag));
  }
  if (target)
    out += fmt::format(
        "<line class=\"target\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#374151\" "
        "stroke-dasharray=\"4 3\"/><text x=\"{3}\" y=\"{4}\" font-size=\"9\" text-anchor=\"end\" "
        "fill=\"#1a1a1a\">target {5}</text>\n",
        left, coordinate(y(*target)), width - right, width - right - 2, coordinate(y(*target) - 3),
        esc(trimmed_text(*target, ind.decimals) + unit_suffix(ind)));
  // The line through the values shown, in pieces where a hidden value leaves a gap.
  std::vector<std::string> pieces(1);
  for (std::size_t i = 0; i < n; ++i) {
    if (si.figures[i] && si.figures[i]->hidden.value) {
      if (!pieces.back().empty()) pieces.emplace_back();
      continue;
    }
    if (!shown(si.figures[i])) continue;
    std::string& points = pieces.back();
    points +=
        (points.empty() ? "" : " ") + coordinate(x(i)) + "," + coordinate(y(*si.figures[i]->value));
  }
  if (pieces.size() > 1 && pieces.back().empty()) pieces.pop_back();
  for (const std::string& points : pieces)
    out += fmt::format(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f3a5f\" stroke-width=\"1.8\"/>\n",
        points);
  for (std::size_t i = 0; i < n; ++i)
    if (shown(si.figures[i]))
      out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"#1f3a5f\"/>\n",
                         coordinate(x(i)), coordinate(y(*si.figures[i]->value)));
  // Axes: the highest and lowest values at the left, the first and last parameter values below.
  out += fmt::format(
      "<text x=\"{0}\" y=\"{1}\" font-size=\"9\" text-anchor=\"end\" fill=\"#1a1a1a\">{2}</text>"
      "<text x=\"{0}\" y=\"{3}\" font-size=\"9\" text-anchor=\"end\" fill=\"#1a1a1a\">{4}</text>\n",
      left - 4, top + 8, esc(trimmed_text(hi, ind.decimals) + unit_suffix(ind)), height - bottom,
      esc(trimmed_text(lo, ind.decimals) + unit_suffix(ind)));
  out += fmt::format(
      "<text x=\"{}\" y=\"{}\" font-size=\"9\" text-anchor=\"middle\" fill=\"#1a1a1a\">{}</text>"
      "<text x=\"{}\" y=\"{}\" font-size=\"9\" text-anchor=\"middle\" fill=\"#1a1a1a\">{}</text>"
      "<text x=\"{}\" y=\"{}\" font-size=\"9\" text-anchor=\"middle\" fill=\"#4a4f57\">{}</text>\n",
      coordinate(x(0)), height - bottom + 12, esc(view.values.front()), coordinate(x(n - 1)),
      height - bottom + 12, esc(view.values.back()), (left + width - right) / 2, height - 4,
      esc(view.parameter));
  return out + "</svg>";
}

namespace {

// Whether every value of the parameter gives this indicator the same figures: an indicator that
// does not read the parameter (or not where it matters) is listed once, not charted.
bool unchanged(const SweepView::Indicator& si) {
  const PeriodResult* first = si.figures.empty() ? nullptr : si.figures.front();
  for (const PeriodResult* f : si.figures) {
    if (!f || !first) {
      if (f != first) return false;
      continue;
    }
    if (f->numerator != first->numerator || f->denominator != first->denominator ||
        f->value != first->value || f->target != first->target || f->rag != first->rag)
      return false;
  }
  return true;
}

std::string sweep_unchanged_heading(const SweepView& view) {
  return fmt::format("Not changed by {}", view.parameter);
}

}  // namespace

std::string sweep_html(const SweepView& view) {
  std::string body, same;
  for (const SweepView::Indicator& si : view.indicators) {
    const plan::IndicatorPlan& ind = *si.indicator;
    const std::string title = si.group.empty() ? ind.title : ind.title + " (" + si.group + ")";
    if (unchanged(si)) {
      const PeriodResult* f = si.figures.empty() ? nullptr : si.figures.front();
      same += fmt::format(
          "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"num\">{}</td>"
          "<td class=\"num\">{}</td><td>{}</td></tr>\n",
          esc(ind.code), esc(title), f ? esc(ratio_text(*f, ind)) : "",
          f ? esc(shown_value(*f, ind)) : "-", f ? rag_chip(f->rag) : "");
      continue;
    }
    body += fmt::format("<section class=\"indicator\" data-code=\"{0}\">\n<h2>{0} {1}</h2>\n",
                        esc(ind.code), esc(title));
    body += sweep_chart_svg(view, si) + "\n";
    body += fmt::format(
        "<table>\n<caption>{0} {1} at each value of {2}</caption>\n<thead><tr><th scope=\"col\">"
        "{2}</th><th scope=\"col\">Num / Den</th><th scope=\"col\">Value</th><th scope=\"col\">"
        "RAG</th></tr></thead>\n<tbody>\n",
        esc(ind.code), esc(view.period_label), esc(view.parameter));
    for (std::size_t i = 0; i < si.figures.size(); ++i) {
      const PeriodResult* f = si.figures[i];
      body += fmt::format(
          "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "<td>{}</td></tr>\n",
          esc(view.values[i]), f ? esc(ratio_text(*f, ind)) : "",
          f ? esc(shown_value(*f, ind)) : "-", f ? rag_chip(f->rag) : "");
    }
    body += "</tbody>\n</table>\n</section>\n";
  }
  if (!same.empty())
    body += fmt::format(
        "<section class=\"unchanged\">\n<h2>{0}</h2>\n<table>\n<caption>Indicators with the "
        "same figures at every value of {1}</caption>\n<thead><tr><th scope=\"col\">Code</th>"
        "<th scope=\"col\">Indicator</th><th scope=\"col\">Num / Den</th><th scope=\"col\">"
        "Value</th><th scope=\"col\">RAG</th></tr></thead>\n<tbody>\n{2}</tbody>\n</table>\n"
        "</section>\n",
        esc(sweep_unchanged_heading(view)), esc(view.parameter), same);
  return page(fmt::format("Sweep, {}: {} from {} to {}", view.period_label, view.parameter,
                          view.values.front(), view.values.back()),
              body);
}

std::string sweep_markdown(const SweepView& view) {
  std::string out =
      fmt::format("# Sweep, {}: {} from {} to {}\n", md(view.period_label), md(view.parameter),
                  md(view.values.front()), md(view.values.back()));
  std::string same;
  for (const SweepView::Indicator& si : view.indicators) {
    const plan::IndicatorPlan& ind = *si.indicator;
    const std::string title = si.group.empty() ? ind.title : ind.title + " (" + si.group + ")";
    if (unchanged(si)) {
      const PeriodResult* f = si.figures.empty() ? nullptr : si.figures.front();
      same += fmt::format("| {} | {} | {} | {} | {} |\n", md(ind.code), md(title),
                          f ? md(ratio_text(*f, ind)) : "", f ? md(shown_value(*f, ind)) : "-",
                          f ? runtime::rag_name(f->rag) : "none");
      continue;
    }
    out += fmt::format("\n## {} {}\n\n| {} | Num / Den | Value | RAG |\n|---|---:|---:|---|\n",
                       md(ind.code), md(title), md(view.parameter));
    for (std::size_t i = 0; i < si.figures.size(); ++i) {
      const PeriodResult* f = si.figures[i];
      out += fmt::format("| {} | {} | {} | {} |\n", md(view.values[i]),
                         f ? md(ratio_text(*f, ind)) : "", f ? md(shown_value(*f, ind)) : "-",
                         f ? runtime::rag_name(f->rag) : "none");
    }
  }
  if (!same.empty())
    out += fmt::format(
        "\n## {}\n\nThe same figures at every value.\n\n| Code | Indicator | Num / Den | Value | "
        "RAG |\n|---|---|---:|---:|---|\n{}",
        md(sweep_unchanged_heading(view)), same);
  return out;
}

namespace {
std::vector<std::string> explain_columns(const runtime::ExplainResult& r) {
  std::vector<std::string> names;
  if (!r.rows.empty())
    for (const auto& [k, v] : r.rows.front().values) names.push_back(k);
  return names;
}
std::string explain_title(const runtime::ExplainResult& r) {
  return fmt::format("{} in {}: {} row{} of {}.csv", r.indicator, r.period_label, r.rows.size(),
                     r.rows.size() == 1 ? "" : "s", r.table);
}
}  // namespace

std::string explain_html(const runtime::ExplainResult& r) {
  const std::vector<std::string> names = explain_columns(r);
  std::string body = fmt::format(
      "<table>\n<caption>The rows behind {} (line: the row's line in {}.csv, the header being "
      "line 1)</caption>\n<thead><tr><th scope=\"col\">Line</th><th scope=\"col\">Counted</th>",
      esc(r.indicator), esc(r.table));
  for (const std::string& n : names) body += "<th scope=\"col\">" + esc(n) + "</th>";
  body += "<th scope=\"col\">Because</th></tr></thead>\n<tbody>\n";
  for (const auto& row : r.rows) {
    body += fmt::format("<tr><th scope=\"row\" class=\"num\">{}</th><td{}>{}</td>", row.line,
                        row.in_numerator ? "" : " class=\"not-counted\"",
                        row.in_numerator ? "counted" : "not counted");
    for (const auto& [k, v] : row.values) body += "<td>" + esc(v) + "</td>";
    body += "<td>" + esc(row.reason) + "</td></tr>\n";
  }
  body += "</tbody>\n</table>\n";
  return page(explain_title(r), body);
}

std::string explain_markdown(const runtime::ExplainResult& r) {
  const std::vector<std::string> names = explain_columns(r);
  std::string out = "# " + md(explain_title(r)) + "\n\n| Line | Counted |";
  for (const std::string& n : names) out += " " + md(n) + " |";
  out += " Because |\n|---:|---|";
  for (std::size_t k = 0; k < names.size(); ++k) out += "---|";
  out += "---|\n";
  for (const auto& row : r.rows) {
    out += fmt::format("| {} | {} |", row.line, row.in_numerator ? "counted" : "**not counted**");
    for (const auto& [k, v] : row.values) out += " " + md(v) + " |";
    out += " " + md(row.reason) + " |\n";
  }
  return out;
}

}  // namespace tally::cli
