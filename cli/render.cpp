#include "cli/render.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/markdown.hpp"
#include "lang/base/date.hpp"
#include "lang/base/number.hpp"
#include "lang/base/text.hpp"

namespace tally::cli {

using runtime::IndicatorResult;
using runtime::PeriodResult;
using runtime::Rag;
using runtime::RunResult;
using runtime::Trend;

std::string value_text(const Rational& v, int decimals) { return format_decimal(v, decimals); }

std::string trimmed_text(const Rational& v, int decimals) {
  std::string s = format_decimal(v, decimals);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string target_text(const PeriodResult& r, int decimals) {
  if (r.target) return trimmed_text(*r.target, decimals);
  if (r.target_low && r.target_high)
    return trimmed_text(*r.target_low, decimals) + " .. " + trimmed_text(*r.target_high, decimals);
  return "";
}

namespace {

// Whether v has a finite decimal expansion (its denominator has no prime factor but 2 and 5).
bool terminates(const Rational& v) {
  BigInt den = boost::multiprecision::denominator(v);
  while (den % 2 == 0) den /= 2;
  while (den % 5 == 0) den /= 5;
  return den == 1;
}

}  // namespace

nlohmann::ordered_json count_json(const Rational& v) {
  if (boost::multiprecision::denominator(v) == 1) {
    const BigInt n = boost::multiprecision::numerator(v);
    if (n <= std::numeric_limits<std::int64_t>::max() &&
        n >= std::numeric_limits<std::int64_t>::min())
      return static_cast<std::int64_t>(n);
  }
  // A figure with no end in decimals (an average daily headcount: staff-days over 365) is given
  // as its exact fraction, so that the figure can be worked again.
  if (terminates(v)) return format_exact(v);
  return fmt::format("{}/{}", boost::multiprecision::numerator(v).str(),
                     boost::multiprecision::denominator(v).str());
}

namespace {

const char* arrow(Trend t) {
  switch (t) {
    case Trend::improving:
    case Trend::up:
      return "▲";
    case Trend::deteriorating:
    case Trend::down:
      return "▼";
    case Trend::stable:
      return "►";
    case Trend::none:
      return " ";
  }
  return " ";
}

std::size_t display_width(const std::string& s) {
  std::size_t w = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++w;
  return w;
}

std::string pad_right(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string pad_left(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w >= width ? s : std::string(width - w, ' ') + s;
}

// `s` cut to `width` characters, ending in "…" when cut.
std::string cut(const std::string& s, std::size_t width) {
  if (display_width(s) <= width || width == 0) return s;
  std::size_t keep = 0, chars = 0;
  while (keep < s.size() && chars + 1 < width) {
    ++keep;
    while (keep < s.size() && (static_cast<unsigned char>(s[keep]) & 0xC0) == 0x80) ++keep;
    ++chars;
  }
  return s.substr(0, keep) + "…";
}

}  // namespace

std::string unit_suffix(const plan::IndicatorPlan& ind) {
  return ind.unit == plan::UnitKind::percent ? "%" : "";
}

std::string signed_change(const Rational& change, int decimals) {
  const std::string text = value_text(change, decimals);
  const bool zero = text.find_first_not_of("0.-") == std::string::npos;
  return change > 0 && !zero ? "+" + text : text;
}

std::string shown_value(const PeriodResult& r, const plan::IndicatorPlan& ind) {
  if (r.hidden.value) return r.hidden.text;
  if (!r.value) return "-";
  return value_text(*r.value, ind.decimals) + unit_suffix(ind);
}

std::string count_text(const std::optional<Rational>& count, const plan::IndicatorPlan& ind) {
  if (!ind.ratio || !count) return "";
  // Shown to two places when it has no end in decimals; JSON keeps the exact fraction.
  return terminates(*count) ? format_exact(*count) : format_decimal(*count, 2);
}

std::string ratio_text(const PeriodResult& r, const plan::IndicatorPlan& ind) {
  if (!ind.ratio || !r.numerator || !r.denominator) return "";
  return fmt::format("{} / {}", numerator_text(r, ind), denominator_text(r, ind));
}

std::string numerator_text(const PeriodResult& r, const plan::IndicatorPlan& ind) {
  return ind.ratio && r.numerator && r.hidden.numerator ? r.hidden.text
                                                        : count_text(r.numerator, ind);
}

std::string denominator_text(const PeriodResult& r, const plan::IndicatorPlan& ind) {
  return ind.ratio && r.denominator && r.hidden.denominator ? r.hidden.text
                                                            : count_text(r.denominator, ind);
}

nlohmann::ordered_json numerator_json(const PeriodResult& r) {
  if (r.hidden.numerator) return r.hidden.text;
  return r.numerator ? count_json(*r.numerator) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json denominator_json(const PeriodResult& r) {
  if (r.hidden.denominator) return r.hidden.text;
  return r.denominator ? count_json(*r.denominator) : nlohmann::ordered_json(nullptr);
}

std::string value_field(const PeriodResult& r, const plan::IndicatorPlan& ind) {
  if (r.hidden.value) return r.hidden.text;
  return r.value ? value_text(*r.value, ind.decimals) : "";
}

std::string shown_note(const PeriodResult& r) {
  return r.value || r.hidden.denominator ? std::string() : r.note;
}

nlohmann::ordered_json value_json(const PeriodResult& r, const plan::IndicatorPlan& ind) {
  return r.value || r.hidden.value ? nlohmann::ordered_json(value_field(r, ind))
                                   : nlohmann::ordered_json(nullptr);
}

std::string change_field(const PeriodResult& r, const plan::IndicatorPlan& ind, bool sign) {
  if (!r.change) return "";
  if (r.hidden.change) return r.hidden.text;
  return sign ? signed_change(*r.change, ind.decimals) : value_text(*r.change, ind.decimals);
}

nlohmann::ordered_json parameters_json(const plan::Plan& plan,
                                       const std::vector<Constant>& values) {
  std::vector<std::pair<std::string, std::string>> items;
  for (std::size_t i = 0; i < plan.params.size(); ++i)
    items.emplace_back(plan.params[i].name, constant_display(values[i]));
  std::sort(items.begin(), items.end());
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (auto& [k, v] : items) j[k] = v;
  return j;
}

std::string text_table(const std::vector<TextColumn>& columns,
                       const std::vector<std::vector<std::string>>& given,
                       const std::string& indent, const CellStyle& style) {
  // Text from definitions and data reaches a terminal: control characters are shown, not run.
  std::vector<std::vector<std::string>> rows = given;
  for (auto& row : rows)
    for (auto& cell : row) cell = visible(cell);
  std::vector<std::size_t> width(columns.size(), 0);
  for (std::size_t c = 0; c < columns.size(); ++c) {
    width[c] = columns[c].width;
    if (width[c] == 0)
      for (const auto& row : rows)
        if (c < row.size()) width[c] = std::max(width[c], display_width(row[c]));
    if (columns[c].limit != 0) width[c] = std::min(width[c], columns[c].limit);
  }
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line = indent;
    for (std::size_t c = 0; c < rows[r].size() && c < columns.size(); ++c) {
      std::string cell = rows[r][c];
      if (columns[c].limit != 0 && display_width(cell) > width[c]) cell = cut(cell, width[c]);
      cell = columns[c].right ? pad_left(cell, width[c]) : pad_right(cell, width[c]);
      if (style) cell = style(r, c, std::move(cell));
      line += (c ? "  " : "") + cell;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string json_text(const nlohmann::ordered_json& j) {
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string csv_field(const std::string& s) {
  // A text that a spreadsheet would run as a formula (= + - @, or a tab or carriage return first)
  // is kept as text by a leading apostrophe, as spreadsheet guidance recommends; numbers that
  // tally writes, such as a change of -0.8, are left as numbers.
  std::string text = s;
  if (!text.empty() && std::string_view("=+-@\t\r").find(text[0]) != std::string_view::npos &&
      !parse_decimal(text))
    text.insert(0, 1, '\'');
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : visible(s)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string suppression_note(const Suppression& rule) {
  const std::string counts =
      rule.low == rule.high
          ? fmt::format("a count of {}", format_exact(rule.low))
          : fmt::format("counts from {} to {}", format_exact(rule.low), format_exact(rule.high));
  return fmt::format("{}, and the figures that would give {} away, are shown as {}", counts,
                     rule.low == rule.high ? "it" : "them", rule.text);
}

std::string summary_line(const RunResult& result) {
  const auto c = result.summary();
  const std::size_t n = result.indicators.size();
  std::string s = fmt::format("{} indicator{}: {} red, {} amber, {} green", n, n == 1 ? "" : "s",
                              c[0], c[1], c[2]);
  if (c[3] > 0) s += fmt::format(", {} without a colour", c[3]);
  return s;
}

nlohmann::ordered_json indicator_json(const plan::IndicatorPlan& ind) {
  nlohmann::ordered_json j;
  j["name"] = ind.name;
  j["code"] = ind.code;
  j["title"] = ind.title;
  return j;
}

nlohmann::ordered_json coverage_json(const runtime::Coverage& c) {
  nlohmann::ordered_json j;
  j["table"] = c.table;
  j["column"] = c.column;
  j["first"] = c.first ? nlohmann::ordered_json(format_iso(*c.first)) : nullptr;
  j["last"] = c.last ? nlohmann::ordered_json(format_iso(*c.last)) : nullptr;
  j["days_covered"] = c.covered_days;
  j["days"] = c.days;
  j["share"] = format_decimal(Rational(c.covered_days, c.days), 3);
  return j;
}

std::string coverage_text(const runtime::Coverage& c) {
  const std::string reach = c.first ? fmt::format("{}.{} runs from {} to {}", c.table, c.column,
                                                  format_iso(*c.first), format_iso(*c.last))
                                    : fmt::format("{}.{} holds no date", c.table, c.column);
  return fmt::format("{}: {} of {} days ({} to {}) covered", reach, c.covered_days, c.days,
                     format_iso(c.from), format_iso(c.to));
}

std::vector<std::string> coverage_notes(const RunResult& result) {
  std::vector<std::string> notes;
  for (const IndicatorResult& ir : result.indicators)
    for (const PeriodResult& r : ir.results)
      if (r.coverage)
        notes.push_back(fmt::format("{} {}: partial data, {}",
                                    ir.plan->code.empty() ? ir.plan->name : ir.plan->code,
                                    calendar::label(r.period), coverage_text(*r.coverage)));
  return notes;
}

nlohmann::ordered_json group_key_json(const runtime::GroupResult& g) {
  if (g.missing) return nullptr;
  if (g.kind == Kind::boolean) return g.label == "true";
  if (g.kind == Kind::number)
    if (auto v = parse_decimal(g.label)) return count_json(*v);
  return g.label;
}

// The figures of one period (or one group of it) as JSON, from the numerator on.
void figures_json(nlohmann::ordered_json& jr, const PeriodResult& r,
                  const plan::IndicatorPlan& ind) {
  if (ind.ratio) {
    if (r.numerator) jr["numerator"] = numerator_json(r);
    if (r.denominator) jr["denominator"] = denominator_json(r);
  }
  jr["value"] = value_json(r, ind);
  const std::string target = target_text(r, ind.decimals);
  if (!target.empty()) jr["target"] = target;
  jr["rag"] = runtime::rag_name(r.rag);
  jr["trend"] = runtime::trend_name(r.trend);
  if (r.trend != Trend::none && r.change) jr["change"] = change_field(r, ind);
  if (!ind.benchmarks.empty()) {
    nlohmann::ordered_json b = nlohmann::ordered_json::object();
    for (std::size_t k = 0; k < ind.benchmarks.size(); ++k)
      b[ind.benchmarks[k].name] =
          r.benchmarks[k] ? nlohmann::ordered_json(trimmed_text(*r.benchmarks[k], ind.decimals))
                          : nlohmann::ordered_json(nullptr);
    jr["benchmarks"] = b;
  }
  if (!shown_note(r).empty()) jr["note"] = r.note;
}

void groups_json(nlohmann::ordered_json& jr, const PeriodResult& r, const IndicatorResult& ir) {
  if (ir.by.empty()) return;
  jr["by"] = ir.by;
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const runtime::GroupResult& g : r.groups) {
    nlohmann::ordered_json jg;
    jg["group"] = group_key_json(g);
    figures_json(jg, g.figures, *ir.plan);
    groups.push_back(jg);
  }
  jr["groups"] = groups;
}

nlohmann::ordered_json applied_json(const std::vector<runtime::AppliedParam>& applied) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const runtime::AppliedParam& a : applied) {
    nlohmann::ordered_json j;
    j["name"] = a.name;
    j["value"] = a.value;
    j["from"] = a.from ? nlohmann::ordered_json(format_iso(*a.from)) : nullptr;
    j["decision"] = a.decision;
    out.push_back(j);
  }
  return out;
}

std::string applied_text(const std::vector<runtime::AppliedParam>& applied) {
  std::vector<std::string> parts;
  for (const runtime::AppliedParam& a : applied) parts.push_back(a.name + " = " + a.value);
  return fmt::format("{}", fmt::join(parts, "; "));
}

std::vector<std::string> parameter_notes(const RunResult& result) {
  std::vector<std::string> notes;
  for (const IndicatorResult& ir : result.indicators) {
    const std::string who = ir.plan->code.empty() ? ir.plan->name : ir.plan->code;
    for (const std::string& n : applied_notes(ir)) notes.push_back(who + " " + n);
  }
  return notes;
}

std::vector<std::string> applied_notes(const IndicatorResult& ir) {
  std::vector<std::string> notes;
  if (ir.results.empty() || ir.results.front().parameters.empty()) return notes;
  for (std::size_t k = 0; k < ir.results.front().parameters.size(); ++k) {
    std::vector<std::string> spans;
    std::size_t first = 0;
    for (std::size_t i = 0; i < ir.results.size(); ++i) {
      const auto& params = ir.results[i].parameters;
      if (k >= params.size()) break;
      const runtime::AppliedParam& a = params[k];
      const bool last = i + 1 == ir.results.size() || k >= ir.results[i + 1].parameters.size() ||
                        ir.results[i + 1].parameters[k].value != a.value ||
                        ir.results[i + 1].parameters[k].from != a.from;
      if (!last) continue;
      std::string when = calendar::label(ir.results[first].period);
      if (i != first) when += " to " + calendar::label(ir.results[i].period);
      std::string source;
      if (a.from)
        source = fmt::format(" (from {}{})", format_iso(*a.from),
                             a.decision.empty() ? "" : ", " + a.decision);
      spans.push_back(fmt::format("{} in {}{}", a.value, when, source));
      first = i + 1;
    }
    notes.push_back(
        fmt::format("{}: {}", ir.results.front().parameters[k].name, fmt::join(spans, "; ")));
  }
  return notes;
}

nlohmann::ordered_json run_json(const RunResult& result, const RenderContext& ctx) {
  nlohmann::ordered_json j;
  j["tally"] = "0.1.0";
  j["period"] = result.period_label;
  if (result.is_public) j["public"] = true;
  if (!ctx.as_at.empty()) j["as_at"] = ctx.as_at;
  j["parameters"] = parameters_json(*ctx.plan, ctx.params);
  if (!ctx.parameters_as.empty()) j["parameters_as"] = ctx.parameters_as;
  nlohmann::ordered_json inds = nlohmann::ordered_json::array();
  for (const IndicatorResult& ir : result.indicators) {
    const plan::IndicatorPlan& ind = *ir.plan;
    nlohmann::ordered_json ji = indicator_json(ind);
    ji["unit"] = ind.unit_text;
    ji["polarity"] = plan::polarity_name(ind.polarity);
    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    for (const PeriodResult& r : ir.results) {
      nlohmann::ordered_json jr;
      jr["period"] = calendar::label(r.period);
      jr["start"] = format_iso(r.period.start);
      jr["end"] = format_iso(r.period.end);
      figures_json(jr, r, ind);
      if (r.coverage) jr["coverage"] = coverage_json(*r.coverage);
      groups_json(jr, r, ir);
      if (!r.parameters.empty()) jr["parameters"] = applied_json(r.parameters);
      results.push_back(jr);
    }
    ji["results"] = results;
    // The service's commentary on the period asked, as written (Markdown).
    const std::size_t i = static_cast<std::size_t>(ir.plan - ctx.plan->indicators.data());
    if (i < ctx.commentary.size() && !ctx.commentary[i].empty())
      ji["commentary"] = ctx.commentary[i];
    inds.push_back(ji);
  }
  j["indicators"] = inds;
  const auto c = result.summary();
  j["summary"] = {{"red", c[0]}, {"amber", c[1]}, {"green", c[2]}, {"none", c[3]}};
  nlohmann::ordered_json tables = nlohmann::ordered_json::array();
  for (const auto& t : result.tables)
    tables.push_back({{"name", t.name}, {"rows", t.rows}, {"rejected", t.rejected}});
  j["tables"] = tables;
  return j;
}

std::string run_table(const RunResult& result, const RenderContext& ctx) {
  if (result.indicators.empty()) return "no indicators to report\n";
  // Columns: code, title, one value per shown period, num/den, target, rag, trend.
  std::vector<std::string> period_labels;
  for (const PeriodResult& r : result.indicators.front().results)
    period_labels.push_back(calendar::label(r.period));
  std::vector<std::string> header = {"Code", "Indicator"};
  for (const auto& l : period_labels) header.push_back(l);
  for (const char* h : {"Num / Den", "Target", "RAG", "Trend"}) header.push_back(h);
  std::vector<std::vector<std::string>> rows = {header};
  std::vector<Rag> colours = {Rag::none};
  std::vector<std::string> notes;
  for (const IndicatorResult& ir : result.indicators) {
    const plan::IndicatorPlan& ind = *ir.plan;
    std::vector<std::string> row = {ind.code, ind.title};
    std::vector<std::string> values;
    bool same_periods = ir.results.size() == period_labels.size();
    for (std::size_t k = 0; same_periods && k < ir.results.size(); ++k)
      same_periods = calendar::label(ir.results[k].period) == period_labels[k];
    // An indicator at another cadence names its own periods beside its values.
    for (const PeriodResult& r : ir.results)
      values.push_back(same_periods ? shown_value(r, ind)
                                    : calendar::label(r.period) + ": " + shown_value(r, ind));
    // Indicators at another cadence show their own periods' values in order.
    values.resize(period_labels.size(), "");
    for (auto& v : values) row.push_back(v);
    const PeriodResult& last = ir.results.back();
    row.push_back(ratio_text(last, ind));
    const std::string target = target_text(last, ind.decimals);
    row.push_back(target.empty() ? "" : target + unit_suffix(ind));
    row.push_back(last.rag == Rag::none ? "-" : runtime::rag_name(last.rag));
    std::string trend = last.trend == Trend::none ? ""
                                                  : fmt::format("{} {}", arrow(last.trend),
                                                                runtime::trend_name(last.trend));
    if (last.change && last.trend != Trend::none)
      trend += fmt::format(" ({})", change_field(last, ind, true));
    row.push_back(trend);
    if (!shown_note(last).empty()) notes.push_back(fmt::format("{}: {}", ind.title, last.note));
    rows.push_back(std::move(row));
    colours.push_back(last.rag);
    // A breakdown: a row per group under its total, indented.
    for (const runtime::GroupResult* g : runtime::groups_met(ir.results)) {
      std::vector<std::string> grow = {"", "  " + g->label};
      std::vector<std::string> gvalues;
      for (const PeriodResult& r : ir.results) {
        const runtime::GroupResult* here = runtime::find_group(r, *g);
        const std::string v = here ? shown_value(here->figures, ind) : "-";
        gvalues.push_back(same_periods ? v : calendar::label(r.period) + ": " + v);
      }
      gvalues.resize(period_labels.size(), "");
      for (auto& v : gvalues) grow.push_back(v);
      const runtime::GroupResult* now = runtime::find_group(last, *g);
      const PeriodResult none;
      const PeriodResult& f = now ? now->figures : none;
      grow.push_back(ratio_text(f, ind));
      grow.push_back("");
      grow.push_back(f.rag == Rag::none ? "-" : runtime::rag_name(f.rag));
      std::string gtrend = f.trend == Trend::none
                               ? ""
                               : fmt::format("{} {}", arrow(f.trend), runtime::trend_name(f.trend));
      if (f.change && f.trend != Trend::none)
        gtrend += fmt::format(" ({})", change_field(f, ind, true));
      grow.push_back(gtrend);
      rows.push_back(std::move(grow));
      colours.push_back(f.rag);
    }
  }
  // Figures (the periods' values, num / den and target) stand right-aligned.
  std::vector<TextColumn> columns(header.size());
  columns[1].limit = 60;
  for (std::size_t c = 2; c < 2 + period_labels.size() + 2; ++c) columns[c].right = true;
  const std::size_t rag_column = header.size() - 2;
  auto colour = [&](std::size_t r, std::size_t c, std::string text) {
    if (!ctx.color || c != rag_column || colours[r] == Rag::none) return text;
    const int code = colours[r] == Rag::red ? 31 : colours[r] == Rag::amber ? 33 : 32;
    return fmt::format("\x1b[1;{}m{}\x1b[0m", code, text);
  };
  std::string out = fmt::format("{} scorecard\n\n", result.period_label);
  out += text_table(columns, rows, "", colour);
  out += "\n" + summary_line(result) + "\n";
  if (!ctx.public_note.empty()) out += "public: " + visible(ctx.public_note) + "\n";
  for (const IndicatorResult& ir : result.indicators)
    if (!ir.by.empty())
      out += fmt::format("{}: by {}\n", ir.plan->code.empty() ? ir.plan->name : ir.plan->code,
                         visible(ir.by));
  for (const auto& n : notes) out += "note: " + visible(n) + "\n";
  for (const auto& n : coverage_notes(result)) out += "note: " + visible(n) + "\n";
  if (!ctx.parameters_as.empty()) out += "parameters " + ctx.parameters_as + "\n";
  for (const auto& n : parameter_notes(result)) out += "parameter: " + visible(n) + "\n";
  if (!ctx.as_at.empty()) out += "data as at " + ctx.as_at + "\n";
  return out;
}

std::string run_csv(const RunResult& result, const RenderContext& ctx) {
  // A breakdown adds two columns: the expression, and the group ("" on the total's row).
  bool broken_down = false;
  for (const IndicatorResult& ir : result.indicators) broken_down = broken_down || !ir.by.empty();
  std::string out =
      "indicator,code,title,period,start,end,numerator,denominator,value,target,rag,trend,change";
  // With dated parameters, a last column says which values applied to each period.
  const bool dated = !ctx.parameters_as.empty();
  out += broken_down ? ",by,group" : "";
  out += dated ? ",parameters\n" : "\n";
  for (const IndicatorResult& ir : result.indicators) {
    const plan::IndicatorPlan& ind = *ir.plan;
    auto line = [&](const PeriodResult& r, const runtime::GroupResult* g) {
      std::vector<std::string> f = {ind.name,
                                    ind.code,
                                    ind.title,
                                    calendar::label(r.period),
                                    format_iso(r.period.start),
                                    format_iso(r.period.end),
                                    numerator_text(r, ind),
                                    denominator_text(r, ind),
                                    value_field(r, ind),
                                    target_text(r, ind.decimals),
                                    runtime::rag_name(r.rag),
                                    runtime::trend_name(r.trend),
                                    r.trend != Trend::none ? change_field(r, ind) : ""};
      if (broken_down) {
        f.push_back(ir.by);
        f.push_back(g ? g->label : "");
      }
      if (dated) f.push_back(applied_text(r.parameters));
      for (std::size_t i = 0; i < f.size(); ++i) out += (i ? "," : "") + csv_field(f[i]);
      out += "\n";
    };
    for (const PeriodResult& r : ir.results) {
      line(r, nullptr);
      for (const runtime::GroupResult& g : r.groups) line(g.figures, &g);
    }
  }
  return out;
}

std::string run_markdown(const RunResult& result, const RenderContext& ctx) {
  std::string out = fmt::format("# {} scorecard\n\n", result.period_label);
  out += "| Code | Indicator | Period | Numerator | Denominator | Value | Target | RAG | Trend |\n";
  out += "|---|---|---|---:|---:|---:|---:|---|---|\n";
  auto esc = [](const std::string& s) { return markdown_escape(s); };
  for (const IndicatorResult& ir : result.indicators) {
    const plan::IndicatorPlan& ind = *ir.plan;
    for (const PeriodResult& r : ir.results) {
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} {} |\n", esc(ind.code),
                         esc(ind.title), calendar::label(r.period), esc(numerator_text(r, ind)),
                         esc(denominator_text(r, ind)), esc(shown_value(r, ind)),
                         target_text(r, ind.decimals), runtime::rag_name(r.rag),
                         r.trend == Trend::none ? "" : arrow(r.trend),
                         r.trend == Trend::none ? "" : runtime::trend_name(r.trend));
      // A breakdown: a row per group under the total, its name after an arrow.
      for (const runtime::GroupResult& g : r.groups) {
        const PeriodResult& f = g.figures;
        out += fmt::format("| | ↳ {} | {} | {} | {} | {} | | {} | {} {} |\n", esc(g.label),
                           calendar::label(r.period), numerator_text(f, ind),
                           denominator_text(f, ind), shown_value(f, ind), runtime::rag_name(f.rag),
                           f.trend == Trend::none ? "" : arrow(f.trend),
                           f.trend == Trend::none ? "" : runtime::trend_name(f.trend));
      }
    }
  }
  out += "\n" + summary_line(result) + "\n";
  if (!ctx.public_note.empty()) out += "\nSmall numbers: " + esc(ctx.public_note) + ".\n";
  for (const IndicatorResult& ir : result.indicators)
    if (!ir.by.empty())
      out += fmt::format("\n{} is broken down by {}.\n",
                         esc(ir.plan->code.empty() ? ir.plan->name : ir.plan->code), esc(ir.by));
  const std::vector<std::string> partial = coverage_notes(result);
  if (!partial.empty() || !ctx.as_at.empty()) out += "\n";
  for (const auto& n : partial) out += "- " + esc(n) + "\n";
  if (!ctx.as_at.empty()) out += "\nData as at " + ctx.as_at + ".\n";
  if (!ctx.parameters_as.empty()) {
    out += fmt::format("\n## Parameters {}\n\n", ctx.parameters_as);
    for (const auto& n : parameter_notes(result)) out += "- " + esc(n) + "\n";
  }
  // The service's commentary, as plain text: Markdown written by hand is not passed through.
  std::string commentary;
  for (const IndicatorResult& ir : result.indicators) {
    const std::size_t i = static_cast<std::size_t>(ir.plan - ctx.plan->indicators.data());
    if (i < ctx.commentary.size() && !ctx.commentary[i].empty())
      commentary +=
          fmt::format("- **{}**: {}\n", esc(ir.plan->code.empty() ? ir.plan->name : ir.plan->code),
                      esc(markdown_to_text(ctx.commentary[i])));
  }
  if (!commentary.empty())
    out += fmt::format("\n## Commentary on {}\n\n{}", esc(result.period_label), commentary);
  if (!ctx.descriptions.empty()) {
    out += "\n## Definitions\n\n";
    for (const IndicatorResult& ir : result.indicators) {
      const std::size_t i = static_cast<std::size_t>(ir.plan - ctx.plan->indicators.data());
      if (i < ctx.descriptions.size())
        out += fmt::format("- **{} {}**: {}\n", esc(ir.plan->code), esc(ir.plan->title),
                           esc(ctx.descriptions[i]));
    }
  }
  return out;
}

}  // namespace tally::cli
