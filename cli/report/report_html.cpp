#include "cli/report/report_html.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "cli/markdown.hpp"
#include "lang/base/number.hpp"

namespace tally::cli {

using runtime::IndicatorResult;
using runtime::PeriodResult;
using runtime::Rag;
using runtime::RunResult;
using runtime::Trend;

namespace {

// Colours meet WCAG AA: dark text on light tints for the chips, dark arrows on white.
constexpr const char* kStyle = R"(
@page{size:A4;margin:9mm 8mm}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{font:9pt/1.3 "Liberation Sans",Arial,Helvetica,sans-serif;color:#1a1a1a;background:#fff;margin:0 auto;max-width:200mm;padding:7mm 5mm}
header.paper{border-bottom:3px solid #1f3a5f;padding-bottom:5px;margin-bottom:6px}
.council{font-size:9.5pt;font-weight:bold;color:#1f3a5f;text-transform:uppercase;letter-spacing:.05em;margin:0}
h1{font-size:16pt;margin:2px 0 4px;color:#1f3a5f;line-height:1.15}
dl.meta{display:flex;flex-wrap:wrap;gap:2px 18px;margin:0;font-size:9pt}
dl.meta div{display:flex;gap:5px}
dl.meta dt{font-weight:bold;color:#333}
dl.meta dd{margin:0}
h2{font-size:11.5pt;color:#1f3a5f;margin:7px 0 3px;padding-bottom:1px;border-bottom:1px solid #b9c4d2}
h3{font-size:10pt;margin:7px 0 3px;color:#1f3a5f}
.lead{margin:2px 0 5px}
.sumrow{display:flex;align-items:center;gap:14px}
.areas{margin:0;color:#333}
.counts{display:flex;gap:8px;margin:2px 0 4px;padding:0;list-style:none}
.counts li{display:flex;align-items:center;gap:6px;padding:3px 10px;border-radius:4px;font-weight:bold}
.counts .n{font-size:12pt}
.exception{border-left:4px solid #c62828;background:#fdf6f5;padding:3px 8px 2px;margin:0 0 4px;break-inside:avoid}
.exception h4{margin:0;font-size:8.8pt;display:inline}
.exception .fig{display:inline;margin-left:6px}
.exception .fig{margin:0 0 1px;font-size:8.2pt}
.exception .commentary{font-size:8.2pt;line-height:1.25}
.commentary p,.commentary ul,.commentary ol{margin:2px 0}
.commentary ul,.commentary ol{padding-left:18px}
.missing{color:#8c1d18;font-style:italic}
table.dash{width:100%;border-collapse:collapse;font-size:7.9pt;margin:0 0 4px;table-layout:fixed}
table.dash caption{text-align:left;font-weight:bold;font-size:10pt;color:#1f3a5f;padding:4px 0 2px}
th,td{padding:2px 4px;border-bottom:1px solid #d3d9e1;vertical-align:top;text-align:left}
thead th{background:#1f3a5f;color:#fff;font-size:7.4pt;font-weight:bold;vertical-align:bottom}
thead .ratio{color:#dbe4ee}
tbody th{font-weight:normal}
tbody th .code{font-weight:bold;margin-right:4px}
tr{break-inside:avoid;page-break-inside:avoid}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.num{white-space:nowrap}
.c-title{width:43%}.c-value{width:10%}.c-target{width:6.5%}
.c-rag{width:9%}.c-dir{width:10%}.c-trend{width:11%}.c-bm{width:10.5%}
.ratio{display:block;font-weight:normal;font-size:7.5pt;color:#4a4f57}
.value{font-weight:bold;font-size:9pt}
.dir{white-space:nowrap}
.dir .arrow{font-size:9pt}
.dir-improving{color:#1b5e20}.dir-deteriorating{color:#a5221b}.dir-stable{color:#4a4f57}
.dir .word{display:block;font-size:7.5pt}
.sparkline{display:block}
ul.bm{list-style:none;margin:0;padding:0}
ul.bm li{white-space:nowrap}
ul.bm .label{display:block;color:#4a4f57;font-size:7.2pt;white-space:normal;line-height:1.15}
a.fn{font-size:7pt;vertical-align:super;line-height:0;color:#1f3a5f}
.row-note{font-size:7.8pt;color:#333;margin-top:2px}
section.definitions ol{font-size:6.6pt;line-height:1.2;margin:0;padding:0 0 0 2px;columns:3;column-gap:12px;list-style-position:inside;line-height:1.15}
section.definitions li{margin-bottom:2px}
.notes{font-size:8pt}
footer{margin-top:6px;font-size:7.4pt;color:#4a4f57;border-top:1px solid #b9c4d2;padding-top:3px}
@media print{body{padding:0;max-width:none}a{color:inherit;text-decoration:none}thead{display:table-header-group}h2,h3,caption{break-after:avoid}}
)";

std::string esc(const std::string& s) { return html_escape(s); }

std::string cap(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 32);
  return s;
}

}  // namespace

const char* const kRagStyle = R"(
.rag{display:inline-flex;align-items:center;gap:4px;padding:1px 6px 1px 4px;border-radius:3px;font-weight:bold;white-space:nowrap;font-size:8.5pt}
.rag svg{flex:none}
.rag-red{background:#fbe3e1;color:#8c1d18}.rag-red svg{fill:#c62828}
.rag-amber{background:#fff0c2;color:#5f4300}.rag-amber svg{fill:#d29a00}
.rag-green{background:#dcf1e1;color:#1b5e20}.rag-green svg{fill:#2e7d32}
.rag-none{background:#eceff3;color:#3a3f47}.rag-none svg{fill:#6b7280}
)";

std::string rag_chip(Rag rag) {
  std::string shape;
  switch (rag) {
    case Rag::red:
      shape = "<rect x=\"1\" y=\"1\" width=\"8\" height=\"8\"/>";
      break;
    case Rag::amber:
      shape = "<polygon points=\"5,0.5 9.6,9.3 0.4,9.3\"/>";
      break;
    case Rag::green:
      shape = "<circle cx=\"5\" cy=\"5\" r=\"4.5\"/>";
      break;
    case Rag::none:
      shape = "<rect x=\"1\" y=\"4\" width=\"8\" height=\"2\"/>";
      break;
  }
  const std::string word = rag == Rag::none ? "None" : cap(runtime::rag_name(rag));
  return fmt::format(
      "<span class=\"rag rag-{}\"><svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" "
      "aria-hidden=\"true\" focusable=\"false\">{}</svg>{}</span>",
      runtime::rag_name(rag), shape, word);
}

namespace {

std::string target_with_unit(const PeriodResult& r, const plan::IndicatorPlan& ind) {
  const std::string t = target_text(r, ind.decimals);
  return t.empty() ? "" : t + unit_suffix(ind);
}

// The direction of travel: an arrow the way the value went, coloured by improving or
// deteriorating (a neutral indicator's up or down in the grey of stable), the change and the
// word.
std::string direction_of(const PeriodResult& last, const plan::IndicatorPlan& ind) {
  if (last.trend == Trend::none || !last.change) return "<span class=\"dir\">&ndash;</span>";
  const std::string change = signed_change(*last.change, ind.decimals);
  const char* arrow = "&#9658;";                                           // ►
  if (last.trend != Trend::stable && change[0] == '+') arrow = "&#9650;";  // ▲
  if (last.trend != Trend::stable && change[0] == '-') arrow = "&#9660;";  // ▼
  std::string out = fmt::format(
      "<span class=\"dir dir-{0}\"{3}><span class=\"arrow\" aria-hidden=\"true\">{1}</span> {2}"
      "<span class=\"word\">{0}</span></span>",
      runtime::trend_name(last.trend), arrow,
      // A public paper shows the arrow, worked out from the exact change, and not the change.
      esc(last.hidden.change ? last.hidden.text
                             : change + (ind.unit == plan::UnitKind::percent ? " pts" : "")),
      last.trend == Trend::up || last.trend == Trend::down ? " style=\"color:#4a4f57\"" : "");
  return out;
}

std::string direction(const IndicatorResult& ir) {
  return direction_of(ir.results.back(), *ir.plan);
}

// A breakdown: a row per group of the period asked, under its indicator's row, with the group's
// value, num / den, colour and direction (the total's row keeps the target, history and
// benchmarks).
std::string group_rows(const IndicatorResult& ir) {
  const plan::IndicatorPlan& ind = *ir.plan;
  std::string out;
  for (const runtime::GroupResult& g : ir.results.back().groups) {
    const PeriodResult& f = g.figures;
    out += fmt::format(
        "<tr class=\"group\" data-code=\"{0}\" data-rag=\"{1}\"><th scope=\"row\" "
        "style=\"padding-left:1.5em;font-weight:normal\">{2}</th><td class=\"num\"><span "
        "class=\"value\">{3}</span>{4}</td><td class=\"num\"></td><td>{5}</td><td>{6}</td>"
        "<td></td><td></td></tr>\n",
        esc(ind.code), runtime::rag_name(f.rag), esc(ir.by + ": " + g.label),
        esc(shown_value(f, ind)),
        ind.ratio && f.numerator ? "<span class=\"ratio\">" + esc(ratio_text(f, ind)) + "</span>"
                                 : std::string(),
        rag_chip(f.rag), direction_of(f, ind));
  }
  return out;
}

std::string coordinate(const Rational& v) { return format_decimal(v, 1); }

std::string benchmarks_cell(const IndicatorResult& ir, const std::vector<std::string>& labels) {
  const plan::IndicatorPlan& ind = *ir.plan;
  const PeriodResult& last = ir.results.back();
  if (ind.benchmarks.empty()) return "&ndash;";
  std::string out = "<ul class=\"bm\">";
  for (std::size_t k = 0; k < ind.benchmarks.size(); ++k) {
    const std::string value =
        k < last.benchmarks.size() && last.benchmarks[k]
            ? trimmed_text(*last.benchmarks[k], ind.decimals) + unit_suffix(ind)
            : "-";
    const std::string label = k < labels.size() ? labels[k] : ind.benchmarks[k].name;
    out += fmt::format("<li>{} <span class=\"label\">{}</span></li>", esc(value), esc(label));
  }
  return out + "</ul>";
}

}  // namespace

std::optional<ChartRange> chart_range(std::vector<Rational> values,
                                      const std::optional<Rational>& target) {
  if (values.empty()) return std::nullopt;
  if (target) values.push_back(*target);
  ChartRange r{*std::min_element(values.begin(), values.end()),
               *std::max_element(values.begin(), values.end())};
  if (r.hi == r.lo) {
    r.lo -= 1;
    r.hi += 1;
  }
  return r;
}

std::string sparkline_svg(const IndicatorResult& ir) {
  const plan::IndicatorPlan& ind = *ir.plan;
  const std::size_t n = ir.results.size();
  // A hidden value (a public paper) is no point and no part of the scale: its height would show it.
  std::vector<Rational> all;
  for (const PeriodResult& r : ir.results)
    if (r.value && !r.hidden.value) all.push_back(*r.value);
  const std::optional<Rational>& target = ir.results.back().target;
  const auto range = chart_range(std::move(all), target);
  if (!range) return "";
  const Rational& lo = range->lo;
  const Rational& hi = range->hi;
  const int width = 76, height = 26, pad = 3;
  auto x = [&](std::size_t i) {
    if (n < 2) return coordinate(Rational(width, 2));
    return coordinate(Rational(pad) + Rational(static_cast<long long>(i)) *
                                          Rational(width - 2 * pad) /
                                          Rational(static_cast<long long>(n - 1)));
  };
  auto y = [&](const Rational& v) {
    return coordinate(Rational(pad) + (hi - v) * Rational(height - 2 * pad) / (hi - lo));
  };
  // The line runs through the values shown; a hidden one leaves a gap, so the line is in pieces.
  std::vector<std::string> pieces(1);
  std::string described;
  for (std::size_t i = 0; i < n; ++i) {
    const PeriodResult& r = ir.results[i];
    if (!r.value && !r.hidden.value) continue;
    described +=
        (described.empty() ? "" : ", ") + calendar::label(r.period) + " " + shown_value(r, ind);
    if (r.hidden.value) {
      if (!pieces.back().empty()) pieces.emplace_back();
      continue;
    }
    std::string& points = pieces.back();
    points += (points.empty() ? "" : " ") + x(i) + "," + y(*r.value);
  }
  if (pieces.size() > 1 && pieces.back().empty()) pieces.pop_back();
  std::string label =
      fmt::format("{} over {} periods: {}", ind.code.empty() ? ind.name : ind.code, n, described);
  std::string out = fmt::format(
      "<svg class=\"sparkline\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" "
      "aria-label=\"{2}\"><title>{2}</title>",
      width, height, esc(label));
  if (target) {
    out += fmt::format(
        "<line class=\"target\" x1=\"0\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" stroke=\"#6b7280\" "
        "stroke-width=\"1\" stroke-dasharray=\"3 2\"/>",
        y(*target), width);
  }
  for (const std::string& points : pieces) {
    out += fmt::format(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f3a5f\" stroke-width=\"1.6\" "
        "stroke-linejoin=\"round\" stroke-linecap=\"round\"/>",
        points);
    // A value alone between gaps draws no line: a dot shows it.
    const std::size_t comma = points.find(',');
    if (pieces.size() > 1 && comma != std::string::npos && points.find(' ') == std::string::npos)
      out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"1.5\" fill=\"#1f3a5f\"/>",
                         points.substr(0, comma), points.substr(comma + 1));
  }
  const PeriodResult& last = ir.results.back();
  if (last.value && !last.hidden.value) {
    const char* fill = last.rag == Rag::red     ? "#c62828"
                       : last.rag == Rag::amber ? "#d29a00"
                       : last.rag == Rag::green ? "#2e7d32"
                                                : "#1f3a5f";
    out += fmt::format(
        "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\" stroke=\"#fff\" stroke-width=\"0.8\"/>",
        x(n - 1), y(*last.value), fill);
  }
  return out + "</svg>";
}

std::string report_html(const RunResult& result, const RenderContext& ctx) {
  auto at = [](const std::vector<std::string>& v, std::size_t i) -> std::string {
    return i < v.size() ? v[i] : std::string();
  };
  auto index_of = [&](const IndicatorResult& ir) {
    return static_cast<std::size_t>(ir.plan - ctx.plan->indicators.data());
  };
  const std::string title = ctx.title.empty() ? "Performance indicators" : ctx.title;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"color-scheme\" content=\"light\">\n";
  out +=
      fmt::format("<title>{}{}: {}</title>\n", ctx.council.empty() ? "" : esc(ctx.council) + ": ",
                  esc(title), esc(result.period_label));
  out += fmt::format("<style>{}{}</style>\n</head>\n<body>\n", kStyle, kRagStyle);

  // The heading: council, title, period, extract date, scenario.
  out += "<header class=\"paper\">\n";
  if (!ctx.council.empty()) out += fmt::format("<p class=\"council\">{}</p>\n", esc(ctx.council));
  out += fmt::format("<h1>{}</h1>\n<dl class=\"meta\">\n", esc(title));
  out += fmt::format("<div><dt>Period</dt><dd>{}</dd></div>\n", esc(result.period_label));
  if (!ctx.as_at.empty())
    out += fmt::format("<div><dt>Data as at</dt><dd>{}</dd></div>\n", esc(ctx.as_at));
  if (!ctx.parameters_as.empty())
    out += fmt::format("<div><dt>Parameters</dt><dd>{}</dd></div>\n", esc(ctx.parameters_as));
  if (!ctx.scenario.empty())
    out += fmt::format("<div class=\"scenario\"><dt>Applied</dt><dd>{}</dd></div>\n",
                       esc(ctx.scenario));
  if (!ctx.public_note.empty())
    out += fmt::format("<div class=\"public\"><dt>Small numbers</dt><dd>{}</dd></div>\n",
                       esc(ctx.public_note));
  out += "</dl>\n</header>\n";

  // The service areas, in the order they first appear.
  std::vector<std::string> areas;
  for (const IndicatorResult& ir : result.indicators) {
    const std::string area = at(ctx.areas, index_of(ir));
    if (std::find(areas.begin(), areas.end(), area) == areas.end()) areas.push_back(area);
  }

  // The summary, with the exceptions (red indicators and their commentary) first.
  const auto counts = result.summary();
  const std::size_t n = result.indicators.size();
  out += "<section class=\"summary\" aria-labelledby=\"summary-heading\">\n";
  out += "<h2 id=\"summary-heading\">Summary</h2>\n";
  out += fmt::format(
      "<p class=\"lead\">In {} there {} {} red, {} amber and {} green indicator{}{}.</p>\n",
      esc(result.period_label), counts[0] == 1 ? "is" : "are", counts[0], counts[1], counts[2],
      counts[2] == 1 ? "" : "s",
      counts[3] > 0 ? fmt::format(", and {} without a colour", counts[3]) : "");
  out += "<div class=\"sumrow\">\n<ul class=\"counts\">\n";
  const Rag order[] = {Rag::red, Rag::amber, Rag::green, Rag::none};
  for (int k = 0; k < 4; ++k) {
    if (k == 3 && counts[3] == 0) continue;
    out += fmt::format(
        "<li class=\"rag-{0}\" data-rag=\"{0}\" data-count=\"{1}\">{2}<span class=\"n\">{1}</span>"
        "</li>\n",
        runtime::rag_name(order[k]), counts[static_cast<std::size_t>(k)], rag_chip(order[k]));
  }
  out += fmt::format("</ul>\n<p class=\"areas\">{} indicator{} in {} service area{}</p>\n</div>\n",
                     n, n == 1 ? "" : "s", areas.size(), areas.size() == 1 ? "" : "s");
  if (counts[0] > 0) {
    out += "<h3>Exceptions: the red indicators</h3>\n";
    for (const IndicatorResult& ir : result.indicators) {
      const PeriodResult& last = ir.results.back();
      if (last.rag != Rag::red) continue;
      const plan::IndicatorPlan& ind = *ir.plan;
      const std::string commentary = at(ctx.commentary, index_of(ir));
      out += fmt::format(
          "<article class=\"exception\" data-code=\"{}\">\n<h4>{} {}</h4>\n<span class=\"fig\">"
          "{}<strong>{}</strong>{} against a target of {}; ",
          esc(ind.code), esc(ind.code), esc(ind.title), rag_chip(Rag::red) + " ",
          esc(shown_value(last, ind)),
          ind.ratio && last.numerator ? esc(" (" + ratio_text(last, ind) + ")") : "",
          esc(target_with_unit(last, ind)));
      out += last.trend == Trend::none ? std::string("no trend")
                                       : fmt::format("{} ({})", runtime::trend_name(last.trend),
                                                     esc(change_field(last, ind, true)));
      out += ".</span>\n";
      out +=
          commentary.empty()
              ? "<p class=\"commentary missing\">No commentary was given for this indicator.</p>\n"
              : "<div class=\"commentary\">\n" + markdown_to_html(commentary) + "</div>\n";
      out += "</article>\n";
    }
  }
  out += "</section>\n";

  // One dashboard per service area, in the order the areas first appear.
  std::vector<const IndicatorResult*> footnoted;
  std::string history_label;
  if (!result.indicators.empty() && !result.indicators.front().results.empty())
    history_label = fmt::format("Trend since {}",
                                calendar::label(result.indicators.front().results.front().period));
  out += "<h2>Dashboards by service area</h2>\n";
  for (std::size_t a = 0; a < areas.size(); ++a) {
    out += fmt::format(
        "<section class=\"area\" aria-label=\"{0}\">\n<table class=\"dash\">\n<caption>{0}"
        "</caption>\n",
        esc(areas[a].empty() ? std::string("Indicators") : areas[a]));
    out +=
        "<colgroup><col class=\"c-title\"><col class=\"c-value\"><col "
        "class=\"c-target\"><col class=\"c-rag\"><col class=\"c-dir\"><col "
        "class=\"c-trend\"><col class=\"c-bm\"></colgroup>\n";
    out += fmt::format(
        "<thead><tr><th scope=\"col\">Indicator</th><th scope=\"col\" "
        "class=\"num\">{}<span class=\"ratio\">num / den</span></th><th scope=\"col\" "
        "class=\"num\">Target</th><th scope=\"col\">RAG</th><th scope=\"col\">Direction</th><th "
        "scope=\"col\">{}</th><th scope=\"col\">Benchmarks</th></tr></thead>\n"
        "<tbody>\n",
        esc(result.period_label), esc(history_label));
    for (const IndicatorResult& ir : result.indicators) {
      const std::size_t i = index_of(ir);
      if (at(ctx.areas, i) != areas[a]) continue;
      const plan::IndicatorPlan& ind = *ir.plan;
      const PeriodResult& last = ir.results.back();
      footnoted.push_back(&ir);
      const std::size_t fn = footnoted.size();
      std::string note;
      note = shown_note(last);
      const std::string commentary = at(ctx.commentary, i);
      std::string extra;
      if (!note.empty()) extra += fmt::format("<div class=\"row-note\">{}</div>", esc(note));
      if (!commentary.empty() && last.rag != Rag::red)
        extra += fmt::format("<div class=\"row-note commentary\">{}</div>",
                             markdown_to_html(commentary));
      out += fmt::format(
          "<tr class=\"indicator\" data-code=\"{0}\" data-rag=\"{1}\"><th scope=\"row\"><span "
          "class=\"code\">{0}</span> {2} <a class=\"fn\" href=\"#def-{3}\" aria-label=\"definition "
          "{3}\">{3}</a>{4}</th>"
          "<td class=\"num\"><span class=\"value\">{5}</span>{6}</td><td class=\"num\">{7}</td>"
          "<td>{8}</td><td>{9}</td><td>{10}</td><td>{11}</td></tr>\n",
          esc(ind.code), runtime::rag_name(last.rag), esc(ind.title), fn, extra,
          esc(shown_value(last, ind)),
          ind.ratio && last.numerator
              ? "<span class=\"ratio\">" + esc(ratio_text(last, ind)) + "</span>"
              : std::string(),
          esc(target_with_unit(last, ind)), rag_chip(last.rag), direction(ir), sparkline_svg(ir),
          benchmarks_cell(ir, i < ctx.benchmark_labels.size() ? ctx.benchmark_labels[i]
                                                              : std::vector<std::string>{}));
      out += group_rows(ir);
    }
    out += "</tbody>\n</table>\n</section>\n";
  }

  // Notes on figures the data only partly cover.
  const std::vector<std::string> partial = coverage_notes(result);
  if (!partial.empty()) {
    out += "<section class=\"notes\"><h2>Notes on the data</h2>\n<ul>\n";
    for (const auto& p : partial) out += fmt::format("<li>{}</li>\n", esc(p));
    out += "</ul>\n</section>\n";
  }

  // The definitions in words, numbered as the dashboards' footnotes.
  out +=
      "<section class=\"definitions\" aria-labelledby=\"definitions-heading\">\n<h2 "
      "id=\"definitions-heading\">Definitions</h2>\n<ol>\n";
  for (std::size_t k = 0; k < footnoted.size(); ++k) {
    const plan::IndicatorPlan& ind = *footnoted[k]->plan;
    // Which value of each dated parameter applied, by period, with the decision that set it.
    std::string applied;
    for (const std::string& note : applied_notes(*footnoted[k]))
      applied += fmt::format("<br>Value applied ({}): {}", esc(ctx.parameters_as), esc(note));
    out += fmt::format("<li id=\"def-{}\"><strong>{}</strong> {}{}</li>\n", k + 1, esc(ind.code),
                       esc(at(ctx.descriptions, index_of(*footnoted[k]))), applied);
  }
  out += "</ol>\n</section>\n";
  out += fmt::format(
      "<footer>Figures by tally 0.1.0, counted exactly from the case data and rounded half away "
      "from zero for display. Colours and directions of travel are those of {} against the "
      "period before; a value going down can be an improvement.</footer>\n",
      esc(result.period_label));
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace tally::cli
