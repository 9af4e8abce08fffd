// The validation commands: compare (the same indicators under other parameters), sweep (one
// parameter over a range) and explain (the rows behind a figure).
#include <fmt/format.h>

#include <iostream>
#include <map>

#include "cli/render.hpp"
#include "cli/report/listings.hpp"
#include "cli/session.hpp"
#include "cli/xlsx.hpp"
#include "lang/base/text.hpp"
#include "lang/check/describe.hpp"
#include "runtime/result/suppress.hpp"

namespace tally::cli {

namespace {

using runtime::IndicatorResult;
using runtime::PeriodResult;
using runtime::Rag;

// One figure as compare and sweep show it.
nlohmann::ordered_json figure_json(const PeriodResult& r, const plan::IndicatorPlan& ind) {
  nlohmann::ordered_json j;
  if (ind.ratio) {
    if (r.numerator) j["numerator"] = numerator_json(r);
    if (r.denominator) j["denominator"] = denominator_json(r);
  }
  j["value"] = value_json(r, ind);
  j["rag"] = runtime::rag_name(r.rag);
  // The dated parameters the figure was computed with, when the indicator reads any.
  if (!r.parameters.empty()) j["parameters"] = applied_json(r.parameters);
  return j;
}

std::string figure_text(const PeriodResult& r, const plan::IndicatorPlan& ind) {
  if (!r.value && !r.hidden.value) return "-";
  return fmt::format("{} {}", shown_value(r, ind), runtime::rag_name(r.rag));
}

// Each indicator of the session's plan with its definition in words under `params` (`replaced`
// marks those set by --set or a scenario, whose dated values are set aside).
Definitions definitions_of(const Session& s, const std::vector<Constant>& params,
                           const std::vector<std::uint8_t>& replaced) {
  Definitions out;
  for (const plan::IndicatorPlan& ind : s.plan.indicators)
    out.emplace_back(&ind,
                     check::describe_indicator(s.front->program, ind.index, params, replaced));
  return out;
}

int workbook_error(const std::string& error) {
  std::cerr << "tally: error: cannot write the workbook: " << error << "\n";
  return 1;
}

struct NamedRun {
  std::string name;
  std::vector<std::string> scenarios;
  std::vector<std::string> sets;
  std::vector<Constant> params;
  runtime::RunResult result;
  std::vector<std::uint8_t> replaced;  // by parameter: set by the run's scenarios or --set
};

// The groups of indicator i in period p met in any of the runs, in the order shown, and the
// figures of one of them in one run (none when that run has no rows in it).
std::vector<runtime::GroupResult> compare_groups(const std::vector<NamedRun>& runs, std::size_t i,
                                                 std::size_t p) {
  std::vector<PeriodResult> all;
  for (const NamedRun& run : runs) all.push_back(run.result.indicators[i].results[p]);
  std::vector<runtime::GroupResult> out;
  for (const runtime::GroupResult* g : runtime::groups_met(all)) out.push_back(*g);
  return out;
}
const PeriodResult& group_figures(const NamedRun& run, std::size_t i, std::size_t p,
                                  const runtime::GroupResult& g) {
  static const PeriodResult none;
  const runtime::GroupResult* found = runtime::find_group(run.result.indicators[i].results[p], g);
  return found ? found->figures : none;
}

// What changed in one indicator between two versions of its definition, clause by clause, and in
// the parameters (`*_params`: their values, one per parameter of the plan).
std::vector<std::string> definition_changes(const plan::Plan& before_plan,
                                            const plan::IndicatorPlan& before,
                                            const std::vector<Constant>& before_params,
                                            const plan::Plan& after_plan,
                                            const plan::IndicatorPlan& after,
                                            const std::vector<Constant>& after_params) {
  std::vector<std::string> out;
  auto find = [](const auto& clauses, const std::string& name) -> const std::string* {
    for (const auto& [k, v] : clauses)
      if (k == name) return &v;
    return nullptr;
  };
  for (const auto& [name, text] : after.clauses) {
    const std::string* old = find(before.clauses, name);
    if (!old)
      out.push_back(fmt::format("{} added: {}", name, text));
    else if (*old != text)
      out.push_back(fmt::format("{} changed from {} to {}", name, *old, text));
  }
  for (const auto& [name, text] : before.clauses)
    if (!find(after.clauses, name)) out.push_back(fmt::format("{} removed (was {})", name, text));
  // A parameter's value, and its dated values after it: "10 days, from 2019-04-01 15 days".
  auto shown = [](const plan::ParamSlot& p, const Constant& value) {
    std::string s = constant_source(value);
    for (const DatedConstant& d : p.dated)
      s += fmt::format(", from {} {}", format_iso(d.from), constant_source(d.value));
    return s;
  };
  for (std::size_t i = 0; i < after_plan.params.size(); ++i) {
    const std::string& name = after_plan.params[i].name;
    for (std::size_t j = 0; j < before_plan.params.size(); ++j) {
      if (before_plan.params[j].name != name) continue;
      const std::string was = shown(before_plan.params[j], before_params[j]);
      const std::string now = shown(after_plan.params[i], after_params[i]);
      if (was != now) out.push_back(fmt::format("{} changed from {} to {}", name, was, now));
    }
  }
  return out;
}

// `compare --against OLD`: the same data under the old and the new definitions.
int compare_versions(const RunOptions& o) {
  Session now;
  if (auto status = open_session(o, now)) return *status;
  auto old_front = check::load_definitions(o.against);
  print_diagnostics_if_any(*old_front, o.diagnostics);
  if (old_front->diags.has_errors()) return 1;
  std::vector<Constant> old_params;
  std::vector<std::uint8_t> old_replaced;
  if (auto status = resolve_params(*old_front, o.scenarios, o.sets, old_params, &old_replaced))
    return *status;
  // The old versions of the indicators being reported, by name.
  std::vector<std::uint32_t> old_selected;
  std::vector<std::optional<std::uint32_t>> old_of(now.plan.indicators.size());
  for (std::size_t i = 0; i < now.plan.indicators.size(); ++i) {
    if (auto j = old_front->program.find_indicator(now.plan.indicators[i].name)) {
      old_of[i] = static_cast<std::uint32_t>(old_selected.size());
      old_selected.push_back(*j);
    }
  }
  std::vector<runtime::Issue> errors;
  runtime::RunResult after = runtime::execute(now.plan, now.data, now.caches, now.request, errors);
  apply_suppression(now, o, after);
  if (report_exec_errors(errors, now.front->sources, o.diagnostics)) return 1;
  std::optional<runtime::RunResult> before;
  plan::Plan old_plan;
  runtime::Dataset old_data;
  runtime::ExecCaches old_caches;
  if (!old_selected.empty()) {
    old_plan = plan::compile(old_front->program, old_selected);
    runtime::LoadOptions load;
    load.lenient = o.lenient;
    load.rejects_file = "/dev/null";
    load.threads = now.request.threads;
    old_data = runtime::load_dataset(old_plan, o.data, load);
    if (!old_data.errors.empty()) {
      for (const auto& e : old_data.errors) std::cerr << e.render("error") << "\n";
      return 1;
    }
    runtime::RunRequest request = now.request;
    request.params = old_params;
    request.params_replaced = old_replaced;
    request.indicators.clear();
    for (std::uint32_t k = 0; k < old_plan.indicators.size(); ++k) request.indicators.push_back(k);
    before = runtime::execute(old_plan, old_data, old_caches, request, errors);
    // The earlier definitions' figures are hidden by the same rule as the current ones.
    if (after.is_public) runtime::suppress_small_numbers(*before, *now.plan.suppression);
    if (report_exec_errors(errors, old_front->sources, o.diagnostics)) return 1;
  }
  const std::string format = output_format(o);
  nlohmann::ordered_json j;
  j["period"] = after.period_label;
  if (after.is_public) j["public"] = true;
  if (const std::string as = parameters_as(now.plan, now.request); !as.empty())
    j["parameters_as"] = as;
  j["runs"] = {{{"name", "before"}, {"definitions", fmt::format("{}", fmt::join(o.against, " "))}},
               {{"name", "after"}, {"definitions", fmt::format("{}", fmt::join(o.defs, " "))}}};
  nlohmann::ordered_json inds = nlohmann::ordered_json::array();
  std::string text = fmt::format("{}: {} (before) vs {} (after)\n", after.period_label,
                                 fmt::join(o.against, " "), fmt::join(o.defs, " "));
  int changing = 0;
  for (std::size_t i = 0; i < after.indicators.size(); ++i) {
    const plan::IndicatorPlan& ind = *after.indicators[i].plan;
    nlohmann::ordered_json ji = indicator_json(ind);
    std::vector<std::string> changes;
    const runtime::IndicatorResult* old_result = nullptr;
    if (old_of[i] && before) {
      old_result = &before->indicators[*old_of[i]];
      changes = definition_changes(old_plan, *old_result->plan, old_params, now.plan, ind,
                                   now.request.params);
    } else {
      changes.push_back("new indicator: not in the earlier definitions");
    }
    ji["changes"] = changes;
    text += fmt::format("\n{} {}\n", ind.code, ind.title);
    for (const auto& c : changes) text += fmt::format("  {}\n", c);
    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    bool changed_now = false;
    for (std::size_t p = 0; p < after.indicators[i].results.size(); ++p) {
      const PeriodResult& a = after.indicators[i].results[p];
      nlohmann::ordered_json jr;
      jr["period"] = calendar::label(a.period);
      nlohmann::ordered_json rr = nlohmann::ordered_json::array();
      std::string before_text = "-";
      bool changed = false;
      if (old_result && p < old_result->results.size()) {
        const PeriodResult& b = old_result->results[p];
        rr.push_back(figure_json(b, *old_result->plan));
        before_text = figure_text(b, *old_result->plan);
        changed = b.rag != a.rag;
      } else {
        rr.push_back(nullptr);
      }
      rr.push_back(figure_json(a, ind));
      jr["runs"] = rr;
      jr["rag_changed"] = changed;
      if (p + 1 == after.indicators[i].results.size()) changed_now = changed;
      results.push_back(jr);
      text += fmt::format("  {}  {:<14} -> {}{}\n", calendar::label(a.period), before_text,
                          figure_text(a, ind), changed ? "  * colour changes" : "");
    }
    if (changed_now) ++changing;
    ji["results"] = results;
    inds.push_back(ji);
  }
  j["indicators"] = inds;
  j["summary"] = {{"indicators_changing_colour", changing}};
  text += fmt::format("\n{} indicator{} change{} colour in {}\n", changing,
                      changing == 1 ? "" : "s", changing == 1 ? "s" : "", after.period_label);
  if (format == "json") text = json_text(j);
  finish(format == "table" ? visible(text, true) : text, o.output);
}

}  // namespace

int compare_command(const RunOptions& o) {
  if (auto status = refuse_xlsx_to_terminal(o)) return *status;
  if (!o.against.empty()) {
    if (auto status = refuse_page_formats(o, "compare --against")) return *status;
    return compare_versions(o);
  }
  Session s;
  RunOptions base = o;
  base.scenarios.clear();
  base.sets.clear();
  // Runs: one per --scenario, one per NAME: prefix of --set; plain --set applies to all.
  std::vector<NamedRun> runs;
  std::vector<std::string> common_sets;
  for (const std::string& sc : o.scenarios) runs.push_back(NamedRun{sc, {sc}, {}, {}, {}, {}});
  for (const std::string& set : o.sets) {
    const auto colon = set.find(':');
    const auto eq = set.find('=');
    if (colon != std::string::npos && (eq == std::string::npos || colon < eq)) {
      const std::string name = set.substr(0, colon);
      auto it =
          std::find_if(runs.begin(), runs.end(), [&](const NamedRun& r) { return r.name == name; });
      if (it == runs.end()) {
        runs.push_back(NamedRun{name, {}, {}, {}, {}, {}});
        it = runs.end() - 1;
      }
      it->sets.push_back(set.substr(colon + 1));
    } else {
      common_sets.push_back(set);
    }
  }
  if (runs.empty() && !common_sets.empty()) {
    // Plain --set values with nothing else: they are one run, compared with the declared values.
    runs.push_back(NamedRun{"run1", {}, common_sets, {}, {}, {}});
    common_sets.clear();
  }
  if (runs.size() < 2) runs.insert(runs.begin(), NamedRun{"current", {}, {}, {}, {}, {}});
  if (auto status = open_session(base, s)) return *status;
  for (NamedRun& run : runs) {
    std::vector<std::string> scenarios;
    for (const std::string& sc : run.scenarios)
      if (!(sc == "current" && !s.front->program.find_scenario("current"))) scenarios.push_back(sc);
    std::vector<std::string> sets = common_sets;
    sets.insert(sets.end(), run.sets.begin(), run.sets.end());
    if (auto status = resolve_params(*s.front, scenarios, sets, run.params, &run.replaced))
      return *status;
  }
  for (NamedRun& run : runs) {
    runtime::RunRequest request = s.request;
    request.params = run.params;
    request.params_replaced = run.replaced;
    std::vector<runtime::Issue> errors;
    run.result = runtime::execute(s.plan, s.data, s.caches, request, errors);
    apply_suppression(s, o, run.result);
    if (report_exec_errors(errors, s.front->sources, o.diagnostics)) return 1;
  }

  // Colour changes against the first run, in the period asked and in every period shown.
  const runtime::RunResult& first = runs.front().result;
  int changing = 0;
  std::vector<std::string> sentences;
  for (std::size_t r = 1; r < runs.size(); ++r) {
    std::map<std::pair<Rag, Rag>, int> moves;
    int cells = 0, changed_cells = 0;
    for (std::size_t i = 0; i < first.indicators.size(); ++i) {
      const auto& a = first.indicators[i].results;
      const auto& b = runs[r].result.indicators[i].results;
      for (std::size_t p = 0; p < a.size(); ++p) {
        ++cells;
        if (a[p].rag != b[p].rag) ++changed_cells;
      }
      if (a.back().rag != b.back().rag) ++moves[{a.back().rag, b.back().rag}];
    }
    if (moves.empty()) {
      sentences.push_back(
          fmt::format("{} changes no colour in {} ({} of {} figures shown change colour)",
                      runs[r].name, first.period_label, changed_cells, cells));
      continue;
    }
    std::vector<std::string> parts;
    for (const auto& [move, count] : moves)
      parts.push_back(fmt::format("{} {} indicator{} {}", count, runtime::rag_name(move.first),
                                  count == 1 ? "" : "s", runtime::rag_name(move.second)));
    sentences.push_back(fmt::format("{} turns {} in {}, and {} of the {} figures shown",
                                    runs[r].name, fmt::join(parts, ", "), first.period_label,
                                    changed_cells, cells));
  }
  for (std::size_t i = 0; i < first.indicators.size(); ++i) {
    for (std::size_t r = 1; r < runs.size(); ++r) {
      if (runs[r].result.indicators[i].results.back().rag !=
          first.indicators[i].results.back().rag) {
        ++changing;
        break;
      }
    }
  }

  const std::string format = output_format(o);
  std::string text, error;
  if (format == "json") {
    nlohmann::ordered_json j;
    j["period"] = first.period_label;
    if (first.is_public) j["public"] = true;
    if (const std::string as = parameters_as(s.plan, s.request); !as.empty())
      j["parameters_as"] = as;
    nlohmann::ordered_json jruns = nlohmann::ordered_json::array();
    for (const NamedRun& run : runs)
      jruns.push_back({{"name", run.name}, {"parameters", parameters_json(s.plan, run.params)}});
    j["runs"] = jruns;
    nlohmann::ordered_json inds = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < first.indicators.size(); ++i) {
      const plan::IndicatorPlan& ind = *first.indicators[i].plan;
      nlohmann::ordered_json ji = indicator_json(ind);
      nlohmann::ordered_json results = nlohmann::ordered_json::array();
      for (std::size_t p = 0; p < first.indicators[i].results.size(); ++p) {
        const PeriodResult& a = first.indicators[i].results[p];
        nlohmann::ordered_json jr;
        jr["period"] = calendar::label(a.period);
        jr["start"] = format_iso(a.period.start);
        jr["end"] = format_iso(a.period.end);
        nlohmann::ordered_json rr = nlohmann::ordered_json::array();
        bool changed = false;
        for (const NamedRun& run : runs) {
          const PeriodResult& b = run.result.indicators[i].results[p];
          rr.push_back(figure_json(b, ind));
          changed = changed || b.rag != a.rag;
        }
        jr["runs"] = rr;
        jr["rag_changed"] = changed;
        if (!first.indicators[i].by.empty()) {
          jr["by"] = first.indicators[i].by;
          nlohmann::ordered_json groups = nlohmann::ordered_json::array();
          for (const runtime::GroupResult& g : compare_groups(runs, i, p)) {
            nlohmann::ordered_json jg;
            jg["group"] = group_key_json(g);
            nlohmann::ordered_json gr = nlohmann::ordered_json::array();
            bool group_changed = false;
            for (const NamedRun& run : runs) {
              const PeriodResult& b = group_figures(run, i, p, g);
              gr.push_back(figure_json(b, ind));
              group_changed = group_changed || b.rag != group_figures(runs.front(), i, p, g).rag;
            }
            jg["runs"] = gr;
            jg["rag_changed"] = group_changed;
            groups.push_back(jg);
          }
          jr["groups"] = groups;
        }
        results.push_back(jr);
      }
      ji["results"] = results;
      inds.push_back(ji);
    }
    j["indicators"] = inds;
    j["summary"] = {{"indicators_changing_colour", changing}, {"sentences", sentences}};
    text = json_text(j);
  } else if (format == "html" || format == "markdown" || format == "xlsx") {
    CompareView view;
    view.period_label = first.period_label;
    view.runs = names_of(runs);
    for (const NamedRun& run : runs) {
      std::vector<std::string> changed;
      for (std::size_t k = 0; k < s.plan.params.size(); ++k)
        if (constant_source(run.params[k]) != constant_source(s.plan.params[k].declared))
          changed.push_back(s.plan.params[k].name + " = " + constant_display(run.params[k]));
      view.parameters.push_back(changed.empty() ? "the declared values"
                                                : fmt::format("{}", fmt::join(changed, "; ")));
      // Which values apply of the dated parameters the run did not replace.
      bool dated = false;
      for (std::size_t k = 0; k < s.plan.params.size(); ++k)
        dated = dated || (!s.plan.params[k].dated.empty() &&
                          !(k < run.replaced.size() && run.replaced[k] != 0));
      if (dated) view.parameters.back() += "; dated values " + parameters_as(s.plan, s.request);
    }
    for (std::size_t i = 0; i < first.indicators.size(); ++i) {
      for (std::size_t p = 0; p < first.indicators[i].results.size(); ++p) {
        CompareView::Row row;
        row.indicator = first.indicators[i].plan;
        row.period = calendar::label(first.indicators[i].results[p].period);
        for (const NamedRun& run : runs) {
          row.figures.push_back(&run.result.indicators[i].results[p]);
          row.changed = row.changed || row.figures.back()->rag != row.figures.front()->rag;
        }
        view.rows.push_back(std::move(row));
        // A breakdown: a row per group, its period naming the group.
        for (const runtime::GroupResult& g : compare_groups(runs, i, p)) {
          CompareView::Row grow;
          grow.indicator = first.indicators[i].plan;
          grow.period =
              fmt::format("{} ({}: {})", calendar::label(first.indicators[i].results[p].period),
                          first.indicators[i].by, g.label);
          for (const NamedRun& run : runs) {
            grow.figures.push_back(&group_figures(run, i, p, g));
            grow.changed = grow.changed || grow.figures.back()->rag != grow.figures.front()->rag;
          }
          view.rows.push_back(std::move(grow));
        }
      }
    }
    view.sentences = sentences;
    if (format == "xlsx") {
      auto bytes =
          compare_xlsx(view, definitions_of(s, runs.front().params, runs.front().replaced), error);
      if (!bytes) return workbook_error(error);
      text = std::move(*bytes);
    } else {
      text = format == "html" ? compare_html(view) : compare_markdown(view);
    }
  } else if (format == "csv") {
    // A breakdown adds a last column, the group ("" on the total's rows).
    bool broken_down = false;
    for (const auto& ir : first.indicators) broken_down = broken_down || !ir.by.empty();
    text = "indicator,code,period";
    for (const NamedRun& run : runs) text += fmt::format(",{0}_value,{0}_rag", csv_field(run.name));
    text += broken_down ? ",rag_changed,group\n" : ",rag_changed\n";
    for (std::size_t i = 0; i < first.indicators.size(); ++i) {
      const plan::IndicatorPlan& ind = *first.indicators[i].plan;
      for (std::size_t p = 0; p < first.indicators[i].results.size(); ++p) {
        const PeriodResult& a = first.indicators[i].results[p];
        text += fmt::format("{},{},{}", csv_field(ind.name), csv_field(ind.code),
                            calendar::label(a.period));
        bool changed = false;
        for (const NamedRun& run : runs) {
          const PeriodResult& b = run.result.indicators[i].results[p];
          text += fmt::format(",{},{}", csv_field(value_field(b, ind)), runtime::rag_name(b.rag));
          changed = changed || b.rag != a.rag;
        }
        text += changed ? ",yes" : ",no";
        text += broken_down ? ",\n" : "\n";
        for (const runtime::GroupResult& g : compare_groups(runs, i, p)) {
          text += fmt::format("{},{},{}", csv_field(ind.name), csv_field(ind.code),
                              calendar::label(a.period));
          bool group_changed = false;
          for (const NamedRun& run : runs) {
            const PeriodResult& b = group_figures(run, i, p, g);
            text += fmt::format(",{},{}", csv_field(value_field(b, ind)), runtime::rag_name(b.rag));
            group_changed = group_changed || b.rag != group_figures(runs.front(), i, p, g).rag;
          }
          text += fmt::format("{},{}\n", group_changed ? ",yes" : ",no", csv_field(g.label));
        }
      }
    }
  } else {
    text = fmt::format("{}: {}\n\n", first.period_label, fmt::join(names_of(runs), " vs "));
    std::vector<std::string> header = {"Code", "Indicator", "Period"};
    for (const NamedRun& run : runs) header.push_back(run.name);
    header.push_back("");
    std::vector<std::vector<std::string>> rows = {header};
    for (std::size_t i = 0; i < first.indicators.size(); ++i) {
      const plan::IndicatorPlan& ind = *first.indicators[i].plan;
      for (std::size_t p = 0; p < first.indicators[i].results.size(); ++p) {
        const PeriodResult& a = first.indicators[i].results[p];
        std::vector<std::string> row = {ind.code, ind.title, calendar::label(a.period)};
        bool changed = false;
        for (const NamedRun& run : runs) {
          const PeriodResult& b = run.result.indicators[i].results[p];
          row.push_back(figure_text(b, ind));
          changed = changed || b.rag != a.rag;
        }
        row.push_back(changed ? "* colour changes" : "");
        rows.push_back(row);
        // A breakdown: a row per group under the total, indented.
        for (const runtime::GroupResult& g : compare_groups(runs, i, p)) {
          std::vector<std::string> grow = {"", "  " + g.label, calendar::label(a.period)};
          bool group_changed = false;
          for (const NamedRun& run : runs) {
            const PeriodResult& b = group_figures(run, i, p, g);
            grow.push_back(figure_text(b, ind));
            group_changed = group_changed || b.rag != group_figures(runs.front(), i, p, g).rag;
          }
          grow.push_back(group_changed ? "* colour changes" : "");
          rows.push_back(grow);
        }
      }
    }
    std::vector<TextColumn> columns(header.size(), TextColumn{false, 0, 200});
    columns[1].limit = 50;
    text += text_table(columns, rows);
    text += "\n";
    for (const auto& sentence : sentences) text += sentence + "\n";
  }
  finish(format == "table" ? visible(text, true) : text, o.output);
}

namespace {

// The values of --vary: FROM..TO[:STEP] (numbers, in the parameter's unit) or A,B,C.
std::optional<std::vector<std::string>> vary_values(const std::string& spec, std::string& error) {
  std::vector<std::string> out;
  const auto dots = spec.find("..");
  if (dots == std::string::npos) {
    std::size_t start = 0;
    while (true) {
      const auto comma = spec.find(',', start);
      std::string item =
          spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      while (!item.empty() && item.front() == ' ') item.erase(item.begin());
      while (!item.empty() && item.back() == ' ') item.pop_back();
      if (item.empty()) {
        error = "an empty value in the list";
        return std::nullopt;
      }
      out.push_back(item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return out;
  }
  const std::string from_text = spec.substr(0, dots);
  std::string rest = spec.substr(dots + 2);
  std::string step_text = "1";
  if (const auto colon = rest.find(':'); colon != std::string::npos) {
    step_text = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }
  auto from = parse_decimal(from_text), to = parse_decimal(rest), step = parse_decimal(step_text);
  if (!from || !to || !step) {
    error = "FROM, TO and STEP must be plain numbers, as in 5..20 or 80..95:2.5";
    return std::nullopt;
  }
  if (*step <= 0) {
    error = "STEP must be more than 0";
    return std::nullopt;
  }
  if (*to < *from) {
    error = "TO must not be less than FROM";
    return std::nullopt;
  }
  for (Rational v = *from; v <= *to; v += *step) {
    out.push_back(format_exact(v));
    if (out.size() > 10000) {
      error = "that range has more than 10,000 values";
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace

int sweep_command(const RunOptions& o) {
  if (auto status = refuse_xlsx_to_terminal(o)) return *status;
  const auto eq = o.vary.find('=');
  if (eq == std::string::npos || eq == 0)
    return usage_error(fmt::format("--vary '{}' is not NAME=FROM..TO[:STEP] or NAME=A,B,C", o.vary),
                       "write, for example, --vary cp_visit_days=5..20");
  const std::string name = o.vary.substr(0, eq);
  std::string error;
  auto values = vary_values(o.vary.substr(eq + 1), error);
  if (!values) return usage_error(fmt::format("--vary {}: {}", name, error), "");
  Session s;
  if (auto status = open_session(o, s)) return *status;
  auto index = s.front->program.find_param(name);
  if (!index) {
    return unknown_name_error(fmt::format("--vary: unknown parameter '{}'", name), name,
                              names_of(s.front->program.params), "");
  }
  struct Row {
    std::string shown;
    runtime::RunResult result;
  };
  std::vector<Row> rows;
  // Resolve every value first (each is checked as a --set would be), then evaluate them all at
  // once where the plan allows, and one run per value where it does not.
  std::vector<std::vector<Constant>> runs;
  std::vector<Constant> constants;
  for (const std::string& value : *values) {
    std::vector<std::string> sets = o.sets;
    sets.push_back(name + "=" + value);
    if (auto status = resolve_params(*s.front, o.scenarios, sets, runs.emplace_back()))
      return *status;
    constants.push_back(runs.back()[*index]);
  }
  runtime::RunRequest request = s.request;
  request.history = 1;
  std::vector<runtime::Issue> errors;
  auto all = runtime::execute_sweep(s.plan, s.data, s.caches, request, *index, constants, errors);
  if (report_exec_errors(errors, s.front->sources, o.diagnostics)) return 1;
  if (!all) {
    all.emplace();
    request.params_replaced.resize(s.plan.params.size(), 0);
    request.params_replaced[*index] = 1;
    for (const std::vector<Constant>& params : runs) {
      request.params = params;
      all->push_back(runtime::execute(s.plan, s.data, s.caches, request, errors));
      if (report_exec_errors(errors, s.front->sources, o.diagnostics)) return 1;
    }
  }
  for (std::size_t k = 0; k < constants.size(); ++k) {
    apply_suppression(s, o, (*all)[k]);
    rows.push_back(Row{constant_display(constants[k]), std::move((*all)[k])});
  }
  const std::string format = output_format(o);
  std::string text;
  if (format == "json") {
    nlohmann::ordered_json j;
    j["period"] = s.request.period_label;
    if (!rows.empty() && rows.front().result.is_public) j["public"] = true;
    if (const std::string as = parameters_as(s.plan, s.request); !as.empty())
      j["parameters_as"] = as;
    j["parameter"] = name;
    nlohmann::ordered_json inds = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < s.plan.indicators.size(); ++i) {
      const plan::IndicatorPlan& ind = s.plan.indicators[i];
      nlohmann::ordered_json ji;
      ji["name"] = ind.name;
      nlohmann::ordered_json jrows = nlohmann::ordered_json::array();
      for (const Row& row : rows) {
        nlohmann::ordered_json jr;
        jr["parameter_value"] = row.shown;
        const nlohmann::ordered_json figure =
            figure_json(row.result.indicators[i].results.back(), ind);
        for (const auto& item : figure.items()) jr[item.key()] = item.value();
        const IndicatorResult& ir = row.result.indicators[i];
        if (!ir.by.empty()) {
          jr["by"] = ir.by;
          nlohmann::ordered_json groups = nlohmann::ordered_json::array();
          for (const runtime::GroupResult& g : ir.results.back().groups) {
            nlohmann::ordered_json jg;
            jg["group"] = group_key_json(g);
            const nlohmann::ordered_json figures = figure_json(g.figures, ind);
            for (const auto& item : figures.items()) jg[item.key()] = item.value();
            groups.push_back(jg);
          }
          jr["groups"] = groups;
        }
        jrows.push_back(jr);
      }
      ji["rows"] = jrows;
      inds.push_back(ji);
    }
    j["indicators"] = inds;
    text = json_text(j);
  } else if (format == "html" || format == "markdown" || format == "xlsx") {
    SweepView view;
    view.period_label = s.request.period_label;
    view.parameter = name;
    for (const Row& row : rows) view.values.push_back(row.shown);
    for (std::size_t i = 0; i < s.plan.indicators.size(); ++i) {
      SweepView::Indicator si;
      si.indicator = &s.plan.indicators[i];
      for (const Row& row : rows) si.figures.push_back(&row.result.indicators[i].results.back());
      view.indicators.push_back(std::move(si));
      // A breakdown: each group as an indicator of its own, named after its group.
      std::vector<PeriodResult> lasts;
      for (const Row& row : rows) lasts.push_back(row.result.indicators[i].results.back());
      for (const runtime::GroupResult* g : runtime::groups_met(lasts)) {
        SweepView::Indicator gi;
        gi.indicator = &s.plan.indicators[i];
        gi.group = rows.front().result.indicators[i].by + ": " + g->label;
        for (const Row& row : rows) {
          const runtime::GroupResult* here =
              runtime::find_group(row.result.indicators[i].results.back(), *g);
          gi.figures.push_back(here ? &here->figures : nullptr);
        }
        view.indicators.push_back(std::move(gi));
      }
    }
    if (format == "xlsx") {
      auto bytes =
          sweep_xlsx(view, definitions_of(s, s.request.params, s.request.params_replaced), error);
      if (!bytes) return workbook_error(error);
      text = std::move(*bytes);
    } else {
      text = format == "html" ? sweep_html(view) : sweep_markdown(view);
    }
  } else if (format == "csv") {
    // A breakdown adds a last column, the group ("" on the total's rows).
    bool broken_down = false;
    for (const plan::IndicatorPlan& ind : s.plan.indicators)
      broken_down = broken_down || ind.by != plan::kNone;
    text = broken_down ? "indicator,parameter_value,numerator,denominator,value,rag,group\n"
                       : "indicator,parameter_value,numerator,denominator,value,rag\n";
    for (std::size_t i = 0; i < s.plan.indicators.size(); ++i) {
      const plan::IndicatorPlan& ind = s.plan.indicators[i];
      for (const Row& row : rows) {
        auto line = [&](const PeriodResult& r, const std::string& group) {
          text +=
              fmt::format("{},{},{},{},{},{}", csv_field(ind.name), csv_field(row.shown),
                          csv_field(numerator_text(r, ind)), csv_field(denominator_text(r, ind)),
                          csv_field(value_field(r, ind)), runtime::rag_name(r.rag));
          text += broken_down ? "," + csv_field(group) + "\n" : "\n";
        };
        const PeriodResult& r = row.result.indicators[i].results.back();
        line(r, "");
        for (const runtime::GroupResult& g : r.groups) line(g.figures, g.label);
      }
    }
  } else {
    text = fmt::format("{}: {} from {} to {}\n", s.request.period_label, name, rows.front().shown,
                       rows.back().shown);
    // The figures stand in columns of a set width, as wide as their headings need and more.
    const std::vector<TextColumn> columns = {{}, {true, 12, 0}, {true, 8, 0}, {}};
    for (std::size_t i = 0; i < s.plan.indicators.size(); ++i) {
      const plan::IndicatorPlan& ind = s.plan.indicators[i];
      text += fmt::format("\n{} {}\n", ind.code, ind.title);
      std::vector<std::vector<std::string>> table = {{name, "num / den", "value", "rag"}};
      for (const Row& row : rows) {
        const PeriodResult& r = row.result.indicators[i].results.back();
        table.push_back({row.shown, ratio_text(r, ind),
                         r.value || r.hidden.value ? value_field(r, ind) : "-",
                         runtime::rag_name(r.rag)});
      }
      text += text_table(columns, table, "  ");
      // A breakdown: the same table for each group.
      std::vector<PeriodResult> lasts;
      for (const Row& row : rows) lasts.push_back(row.result.indicators[i].results.back());
      for (const runtime::GroupResult* g : runtime::groups_met(lasts)) {
        text += fmt::format("\n  {}: {}\n", rows.front().result.indicators[i].by, g->label);
        std::vector<std::vector<std::string>> gtable = {{name, "num / den", "value", "rag"}};
        for (const PeriodResult& last : lasts) {
          const runtime::GroupResult* here = runtime::find_group(last, *g);
          const PeriodResult none;
          const PeriodResult& r = here ? here->figures : none;
          gtable.push_back({rows[gtable.size() - 1].shown, ratio_text(r, ind),
                            r.value ? value_field(r, ind) : "-", runtime::rag_name(r.rag)});
        }
        text += text_table(columns, gtable, "    ");
      }
    }
  }
  finish(format == "table" ? visible(text, true) : text, o.output);
}

int explain_command(const RunOptions& o) {
  if (o.public_output)
    return usage_error("tally explain has no public form: it lists the rows behind a figure",
                       "row listings are for the service's own checks, not for publication; "
                       "leave out --public, or publish the figures with tally run --public");
  if (auto status = refuse_xlsx_to_terminal(o)) return *status;
  if (o.indicators.size() != 1)
    return usage_error("explain needs exactly one --indicator NAME",
                       "name the indicator whose figure to explain");
  Session s;
  if (auto status = open_session(o, s)) return *status;
  if (o.group) {
    if (s.plan.indicators.front().by == plan::kNone)
      return usage_error(
          fmt::format("--group: indicator '{}' has no breakdown", s.plan.indicators.front().name),
          "give the breakdown with --by, or add a `by` clause to the indicator");
    s.request.group = *o.group;
  }
  const runtime::ExplainRows which = o.rows == "passing" ? runtime::ExplainRows::passing
                                     : o.rows == "all"   ? runtime::ExplainRows::all
                                                         : runtime::ExplainRows::failing;
  const SourceManager& sources = s.front->sources;
  auto source = [&](Span span) {
    const std::string& text = sources.get(span.file).text();
    return text.substr(span.begin, span.end - span.begin);
  };
  std::vector<runtime::Issue> errors;
  const runtime::ExplainResult r =
      runtime::explain(s.plan, s.data, s.caches, s.request, 0, which,
                       static_cast<std::size_t>(o.limit), source, errors);
  if (report_exec_errors(errors, sources, o.diagnostics)) return 1;
  const std::string format = output_format(o);
  std::string text;
  if (format == "json") {
    nlohmann::ordered_json j;
    j["indicator"] = r.indicator;
    j["period"] = r.period_label;
    if (const std::string as = parameters_as(s.plan, s.request); !as.empty())
      j["parameters_as"] = as;
    j["table"] = r.table;
    if (o.group) j["group"] = r.group;
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const auto& row : r.rows) {
      nlohmann::ordered_json jr;
      jr["line"] = row.line;
      jr["in_numerator"] = row.in_numerator;
      nlohmann::ordered_json values = nlohmann::ordered_json::object();
      for (const auto& [k, v] : row.values) values[k] = v;
      jr["values"] = values;
      if (!row.reason.empty()) jr["reason"] = row.reason;
      rows.push_back(jr);
    }
    j["rows"] = rows;
    text = json_text(j);
  } else if (format == "xlsx") {
    std::string error;
    auto bytes =
        explain_xlsx(r, definitions_of(s, s.request.params, s.request.params_replaced), error);
    if (!bytes) return workbook_error(error);
    text = std::move(*bytes);
  } else if (format == "html") {
    text = explain_html(r);
  } else if (format == "markdown") {
    text = explain_markdown(r);
  } else if (format == "csv") {
    std::vector<std::string> names;
    if (!r.rows.empty())
      for (const auto& [k, v] : r.rows.front().values) names.push_back(k);
    text = "line,in_numerator";
    for (const auto& n : names) text += "," + csv_field(n);
    text += ",reason\n";
    for (const auto& row : r.rows) {
      text += fmt::format("{},{}", row.line, row.in_numerator ? "yes" : "no");
      for (const auto& [k, v] : row.values) text += "," + csv_field(v);
      text += "," + csv_field(row.reason) + "\n";
    }
  } else {
    text = fmt::format("{} in {}: {} row{} of {}.csv{}\n\n", r.indicator, r.period_label,
                       r.rows.size(), r.rows.size() == 1 ? "" : "s", r.table,
                       o.group ? fmt::format(" in group {}", r.group) : "");
    for (const auto& row : r.rows) {
      std::vector<std::string> parts;
      for (const auto& [k, v] : row.values) parts.push_back(fmt::format("{}={}", k, v));
      text += fmt::format("line {:>6}  {}  {}\n", row.line,
                          row.in_numerator ? "counted " : "NOT counted", fmt::join(parts, "  "));
      if (!row.reason.empty()) text += fmt::format("             because {}\n", row.reason);
    }
  }
  finish(format == "table" ? visible(text, true) : text, o.output);
}

int describe_command(const RunOptions& o) {
  auto front = check::load_definitions(o.defs);
  print_diagnostics_if_any(*front, o.diagnostics);
  if (front->diags.has_errors()) return 1;
  std::vector<Constant> params;
  std::vector<std::uint8_t> replaced;
  if (auto status = resolve_params(*front, o.scenarios, o.sets, params, &replaced)) return *status;
  const check::Program& p = front->program;
  std::vector<std::uint32_t> chosen;
  if (auto status = select_indicators(p, o.indicators, chosen)) return *status;
  if (chosen.empty())
    for (std::uint32_t i = 0; i < p.indicators.size(); ++i)
      if (p.indicators[i].named_on_command_line) chosen.push_back(i);
  std::string text;
  for (std::uint32_t i : chosen)
    text += fmt::format("{}\n{}\n\n", check::describe_heading(p, i),
                        check::describe_indicator(p, i, params, replaced));
  return write_output(visible(text, true), "") ? 0 : 1;
}

}  // namespace tally::cli
