#include "cli/xlsx.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cli/markdown.hpp"
#include "lang/base/date.hpp"
#include "lang/base/number.hpp"
#include "lang/base/text.hpp"

namespace tally::cli {

using runtime::PeriodResult;
using runtime::Rag;

namespace {

// Text as a cell holds it: control characters and bytes that are not UTF-8 shown visibly, and at
// most Excel's 32,767 characters. A text is never a formula: it is written as a string.
std::string cell_text(const std::string& s) {
  std::string text = visible(s);
  constexpr std::size_t kMax = 32767;
  if (text.size() > kMax) {
    std::size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text.resize(cut);
  }
  return text;
}

// An exact value as the number a cell holds: its decimal expansion to 15 places, read once.
double cell_number(const Rational& v) {
  const std::string text = format_decimal(v, 15);
  return std::strtod(text.c_str(), nullptr);
}

// The number format of an indicator's values: "0.0%" for a percentage (the cell holds the
// fraction), "0" or "0.00" otherwise.
std::string decimals_format(int decimals) {
  return decimals <= 0 ? "0" : "0." + std::string(static_cast<std::size_t>(decimals), '0');
}

// A workbook being written to a temporary file, read back as bytes when closed.
class Book {
 public:
  Book() {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = ".";
    std::string templ = (dir / "tally-XXXXXX").string();
    const int fd = ::mkstemp(templ.data());
    if (fd >= 0) {
      ::close(fd);
      path_ = templ;
      book_ = workbook_new(path_.c_str());
    }
  }
  ~Book() {
    if (book_) workbook_close(book_);
    if (!path_.empty()) std::remove(path_.c_str());
  }
  Book(const Book&) = delete;
  Book& operator=(const Book&) = delete;

  bool ok() const { return book_ != nullptr; }

  lxw_worksheet* sheet(const std::string& wanted) {
    std::string name = sheet_name(wanted);
    for (int k = 2; used_.count(name); ++k) {
      const std::string suffix = fmt::format(" ({})", k);
      name = sheet_name(wanted.substr(0, 31 - suffix.size()) + suffix);
    }
    used_[name] = true;
    return workbook_add_worksheet(book_, name.c_str());
  }

  // A format by its parts, made once: number format, fill, font colour, bold, wrap.
  lxw_format* format(const std::string& number, lxw_color_t fill = 0, lxw_color_t font = 0,
                     bool bold = false, bool wrap = false) {
    const std::string key = fmt::format("{}|{}|{}|{}|{}", number, fill, font, bold, wrap);
    auto it = formats_.find(key);
    if (it != formats_.end()) return it->second;
    lxw_format* f = workbook_add_format(book_);
    if (!number.empty()) format_set_num_format(f, number.c_str());
    if (fill != 0) {
      format_set_pattern(f, LXW_PATTERN_SOLID);
      format_set_bg_color(f, fill);
    }
    if (font != 0) format_set_font_color(f, font);
    if (bold) format_set_bold(f);
    if (wrap) format_set_text_wrap(f);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    formats_[key] = f;
    return f;
  }
  lxw_format* header() { return format("", 0x1F3A5F, 0xFFFFFF, true, true); }
  lxw_format* wrap() { return format("", 0, 0, false, true); }
  // A RAG cell: filled in its colour, with dark text that reads on it (WCAG AA).
  lxw_format* rag(Rag rag) {
    switch (rag) {
      case Rag::red:
        return format("", 0xF6C9C5, 0x7A1712, true);
      case Rag::amber:
        return format("", 0xFFE59A, 0x4D3600, true);
      case Rag::green:
        return format("", 0xBFE6C8, 0x14451A, true);
      case Rag::none:
        break;
    }
    return format("");
  }

  std::optional<std::string> close(std::string& error) {
    const lxw_error status = workbook_close(book_);
    book_ = nullptr;
    if (status != LXW_NO_ERROR) {
      error = lxw_strerror(status);
      return std::nullopt;
    }
    std::ifstream in(path_, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
  }

 private:
  std::string path_;
  lxw_workbook* book_ = nullptr;
  std::map<std::string, bool> used_;
  std::map<std::string, lxw_format*> formats_;
};

void text(lxw_worksheet* ws, std::size_t row, std::size_t col, const std::string& s,
          lxw_format* f = nullptr) {
  if (s.empty() && f == nullptr) return;
  worksheet_write_string(ws, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(col),
                         cell_text(s).c_str(), f);
}

void number(lxw_worksheet* ws, std::size_t row, std::size_t col, const Rational& v, lxw_format* f) {
  worksheet_write_number(ws, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(col),
                         cell_number(v), f);
}

// A date as a date cell, formatted yyyy-mm-dd.
void date_cell(Book& book, lxw_worksheet* ws, std::size_t row, std::size_t col, Day day) {
  const Ymd d = civil_from_days(day);
  lxw_datetime when = {d.year, static_cast<uint8_t>(d.month), static_cast<uint8_t>(d.day), 0, 0, 0};
  worksheet_write_datetime(ws, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(col), &when,
                           book.format("yyyy-mm-dd"));
}

// A header row, frozen, with an autofilter over `columns`.
void header_row(Book& book, lxw_worksheet* ws, const std::vector<std::string>& names,
                const std::vector<double>& widths) {
  for (std::size_t c = 0; c < names.size(); ++c) {
    text(ws, 0, c, names[c], book.header());
    worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                         c < widths.size() ? widths[c] : 12, nullptr);
  }
  worksheet_freeze_panes(ws, 1, 0);
  if (!names.empty()) worksheet_autofilter(ws, 0, 0, 0, static_cast<lxw_col_t>(names.size() - 1));
}

// An indicator's value in its cell: a percentage as a fraction formatted "0.0%", else a number.
void value_cell(Book& book, lxw_worksheet* ws, std::size_t row, std::size_t col,
                const std::optional<Rational>& v, const plan::IndicatorPlan& ind) {
  if (!v) return;
  if (ind.unit == plan::UnitKind::percent)
    number(ws, row, col, *v / 100, book.format(decimals_format(ind.decimals) + "%"));
  else
    number(ws, row, col, *v, book.format(decimals_format(ind.decimals)));
}

// A count: whole numbers as "0", exact decimals with their places.
void count_cell(Book& book, lxw_worksheet* ws, std::size_t row, std::size_t col,
                const std::optional<Rational>& v) {
  if (!v) return;
  const std::string exact = format_exact(*v);
  const auto dot = exact.find('.');
  const int places = dot == std::string::npos ? 0 : static_cast<int>(exact.size() - dot - 1);
  number(ws, row, col, *v, book.format(decimals_format(std::min(places, 15))));
}

// A figure a public workbook hides (runtime/result/suppress.hpp): its cell holds the suppression's
// text and no number. Returns whether it wrote the text.
bool hidden_cell(lxw_worksheet* ws, std::size_t row, std::size_t col, bool hidden,
                 const runtime::Hidden& marks) {
  if (!hidden) return false;
  text(ws, row, col, marks.text);
  return true;
}

// The figures of one period's row, or of one group's (columns 5 to 7 and 9 to 11): numerator,
// denominator, value, colour, trend and change, each hidden one as the suppression's text.
void figure_cells(Book& book, lxw_worksheet* ws, std::size_t row, const PeriodResult& r,
                  const plan::IndicatorPlan& ind) {
  if (ind.ratio) {
    if (!hidden_cell(ws, row, 5, r.hidden.numerator, r.hidden))
      count_cell(book, ws, row, 5, r.numerator);
    if (!hidden_cell(ws, row, 6, r.hidden.denominator, r.hidden))
      count_cell(book, ws, row, 6, r.denominator);
  }
  if (!hidden_cell(ws, row, 7, r.hidden.value, r.hidden))
    value_cell(book, ws, row, 7, r.value, ind);
  text(ws, row, 9, runtime::rag_name(r.rag), book.rag(r.rag));
  text(ws, row, 10, runtime::trend_name(r.trend));
  // A percentage's change is in points: a number, not a percentage.
  if (r.change && r.trend != runtime::Trend::none &&
      !hidden_cell(ws, row, 11, r.hidden.change, r.hidden))
    number(ws, row, 11, *r.change,
           book.format("+" + decimals_format(ind.decimals) + ";-" + decimals_format(ind.decimals) +
                       ";" + decimals_format(ind.decimals)));
}

void definitions_sheet(Book& book, const Definitions& definitions) {
  lxw_worksheet* ws = book.sheet("Definitions");
  header_row(book, ws, {"Code", "Name", "Title", "Unit", "Polarity", "Definition"},
             {9, 28, 50, 10, 10, 100});
  std::size_t row = 1;
  for (const auto& [ind, words] : definitions) {
    text(ws, row, 0, ind->code);
    text(ws, row, 1, ind->name);
    text(ws, row, 2, ind->title, book.wrap());
    text(ws, row, 3, ind->unit_text);
    text(ws, row, 4, plan::polarity_name(ind->polarity));
    text(ws, row, 5, words, book.wrap());
    ++row;
  }
}

}  // namespace

std::string sheet_name(const std::string& wanted) {
  std::string name;
  for (char c : visible(wanted))
    if (std::string_view("[]:*?/\\").find(c) == std::string_view::npos) name += c;
  while (!name.empty() && name.front() == '\'') name.erase(name.begin());
  if (name.size() > 31) {
    std::size_t cut = 31;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
    name.resize(cut);
  }
  while (!name.empty() && (name.back() == '\'' || name.back() == ' ')) name.pop_back();
  return name.empty() || name == "History" ? "Sheet" : name;
}

std::optional<std::string> run_xlsx(const runtime::RunResult& result, const RenderContext& ctx,
                                    std::string& error) {
  Book book;
  if (!book.ok()) {
    error = "cannot create a temporary file for the workbook";
    return std::nullopt;
  }
  auto index_of = [&](const runtime::IndicatorResult& ir) {
    return static_cast<std::size_t>(ir.plan - ctx.plan->indicators.data());
  };
  // Summary first: the heading of the report and the colours of the period asked.
  lxw_worksheet* summary = book.sheet("Summary");
  worksheet_set_column(summary, 0, 0, 24, nullptr);
  worksheet_set_column(summary, 1, 1, 40, nullptr);
  std::size_t row = 0;
  auto line = [&](const std::string& k, const std::string& v) {
    text(summary, row, 0, k, book.format("", 0, 0, true));
    text(summary, row, 1, v);
    ++row;
  };
  if (!ctx.council.empty()) line("Council", ctx.council);
  line("Report", ctx.title.empty() ? "Performance indicators" : ctx.title);
  line("Period", result.period_label);
  if (!ctx.as_at.empty()) line("Data as at", ctx.as_at);
  if (!ctx.scenario.empty()) line("Applied", ctx.scenario);
  if (!ctx.public_note.empty()) line("Small numbers", ctx.public_note);
  if (!ctx.parameters_as.empty()) line("Parameters", ctx.parameters_as);
  const auto counts = result.summary();
  const Rag order[] = {Rag::red, Rag::amber, Rag::green, Rag::none};
  for (std::size_t k = 0; k < 4; ++k) {
    if (k == 3 && counts[3] == 0) continue;
    text(summary, row, 0, runtime::rag_name(order[k]), book.rag(order[k]));
    worksheet_write_number(summary, static_cast<lxw_row_t>(row), 1, counts[k], nullptr);
    ++row;
  }

  // A sheet per service area: one row per indicator and period, like the CSV.
  std::vector<std::string> areas;
  for (const auto& ir : result.indicators) {
    const std::string area = index_of(ir) < ctx.areas.size() ? ctx.areas[index_of(ir)] : "";
    if (std::find(areas.begin(), areas.end(), area) == areas.end()) areas.push_back(area);
  }
  std::size_t most_benchmarks = 0;
  for (const auto& ir : result.indicators)
    most_benchmarks = std::max(most_benchmarks, ir.plan->benchmarks.size());
  for (const std::string& area : areas) {
    lxw_worksheet* ws = book.sheet(area.empty() ? "Indicators" : area);
    std::vector<std::string> names = {"Code",   "Indicator", "Period",      "Start",
                                      "End",    "Numerator", "Denominator", "Value",
                                      "Target", "RAG",       "Trend",       "Change"};
    std::vector<double> widths = {9, 50, 11, 11, 11, 11, 12, 9, 9, 8, 13, 8};
    for (std::size_t k = 0; k < most_benchmarks; ++k) {
      names.push_back(fmt::format("Benchmark {}", k + 1));
      names.push_back(fmt::format("Benchmark {} label", k + 1));
      widths.push_back(11);
      widths.push_back(22);
    }
    names.push_back("Commentary");
    widths.push_back(60);
    // With dated parameters, the values that applied to each period.
    const bool dated = !ctx.parameters_as.empty();
    if (dated) {
      names.push_back("Parameters");
      widths.push_back(40);
    }
    header_row(book, ws, names, widths);
    row = 1;
    for (const auto& ir : result.indicators) {
      const std::size_t i = index_of(ir);
      if ((i < ctx.areas.size() ? ctx.areas[i] : "") != area) continue;
      const plan::IndicatorPlan& ind = *ir.plan;
      for (std::size_t p = 0; p < ir.results.size(); ++p) {
        const PeriodResult& r = ir.results[p];
        text(ws, row, 0, ind.code);
        text(ws, row, 1, ind.title);
        text(ws, row, 2, calendar::label(r.period));
        date_cell(book, ws, row, 3, r.period.start);
        date_cell(book, ws, row, 4, r.period.end);
        figure_cells(book, ws, row, r, ind);
        value_cell(book, ws, row, 8, r.target, ind);
        if (!r.target && r.target_low && r.target_high)
          text(ws, row, 8, target_text(r, ind.decimals));
        for (std::size_t k = 0; k < ind.benchmarks.size(); ++k) {
          if (k < r.benchmarks.size()) value_cell(book, ws, row, 12 + 2 * k, r.benchmarks[k], ind);
          const auto& labels = i < ctx.benchmark_labels.size() ? ctx.benchmark_labels[i]
                                                               : std::vector<std::string>{};
          text(ws, row, 13 + 2 * k, k < labels.size() ? labels[k] : ind.benchmarks[k].name);
        }
        if (p + 1 == ir.results.size() && i < ctx.commentary.size() && !ctx.commentary[i].empty())
          text(ws, row, 12 + 2 * most_benchmarks, markdown_to_text(ctx.commentary[i]));
        if (dated && !r.parameters.empty())
          text(ws, row, 13 + 2 * most_benchmarks, applied_text(r.parameters));
        ++row;
        // A breakdown: a row per group under the total, named after the expression.
        for (const runtime::GroupResult& g : r.groups) {
          text(ws, row, 1, "  " + ir.by + ": " + g.label);
          text(ws, row, 2, calendar::label(r.period));
          date_cell(book, ws, row, 3, r.period.start);
          date_cell(book, ws, row, 4, r.period.end);
          figure_cells(book, ws, row, g.figures, ind);
          ++row;
        }
      }
    }
  }
  Definitions definitions;
  for (const auto& ir : result.indicators)
    definitions.emplace_back(ir.plan, index_of(ir) < ctx.descriptions.size()
                                          ? ctx.descriptions[index_of(ir)]
                                          : std::string());
  definitions_sheet(book, definitions);
  return book.close(error);
}

std::optional<std::string> compare_xlsx(const CompareView& view, const Definitions& definitions,
                                        std::string& error) {
  Book book;
  if (!book.ok()) {
    error = "cannot create a temporary file for the workbook";
    return std::nullopt;
  }
  lxw_worksheet* ws = book.sheet("Compare");
  std::vector<std::string> names = {"Code", "Indicator", "Period"};
  std::vector<double> widths = {9, 50, 11};
  for (const std::string& run : view.runs) {
    names.push_back(run + " value");
    names.push_back(run + " RAG");
    widths.push_back(12);
    widths.push_back(9);
  }
  names.push_back("Colour changes");
  widths.push_back(14);
  header_row(book, ws, names, widths);
  std::size_t row = 1;
  for (const CompareView::Row& r : view.rows) {
    const plan::IndicatorPlan& ind = *r.indicator;
    text(ws, row, 0, ind.code);
    text(ws, row, 1, ind.title);
    text(ws, row, 2, r.period);
    for (std::size_t k = 0; k < r.figures.size(); ++k) {
      if (!r.figures[k]) continue;
      if (!hidden_cell(ws, row, 3 + 2 * k, r.figures[k]->hidden.value, r.figures[k]->hidden))
        value_cell(book, ws, row, 3 + 2 * k, r.figures[k]->value, ind);
      text(ws, row, 4 + 2 * k, runtime::rag_name(r.figures[k]->rag), book.rag(r.figures[k]->rag));
    }
    text(ws, row, 3 + 2 * r.figures.size(), r.changed ? "yes" : "no",
         r.changed ? book.format("", 0xFFF1C2, 0x4D3600, true) : nullptr);
    ++row;
  }
  lxw_worksheet* runs = book.sheet("Runs");
  header_row(book, runs, {"Run", "Parameters"}, {18, 80});
  for (std::size_t k = 0; k < view.runs.size(); ++k) {
    text(runs, k + 1, 0, view.runs[k]);
    text(runs, k + 1, 1, k < view.parameters.size() ? view.parameters[k] : "");
  }
  definitions_sheet(book, definitions);
  return book.close(error);
}

std::optional<std::string> sweep_xlsx(const SweepView& view, const Definitions& definitions,
                                      std::string& error) {
  Book book;
  if (!book.ok()) {
    error = "cannot create a temporary file for the workbook";
    return std::nullopt;
  }
  lxw_worksheet* ws = book.sheet("Sweep");
  header_row(book, ws,
             {"Code", "Indicator", view.parameter, "Numerator", "Denominator", "Value", "RAG"},
             {9, 50, 16, 11, 12, 9, 8});
  std::size_t row = 1;
  for (const SweepView::Indicator& si : view.indicators) {
    const plan::IndicatorPlan& ind = *si.indicator;
    for (std::size_t k = 0; k < si.figures.size(); ++k) {
      const PeriodResult* f = si.figures[k];
      text(ws, row, 0, ind.code);
      text(ws, row, 1, si.group.empty() ? ind.title : ind.title + " (" + si.group + ")");
      text(ws, row, 2, view.values[k]);
      if (f) {
        if (ind.ratio) {
          if (!hidden_cell(ws, row, 3, f->hidden.numerator, f->hidden))
            count_cell(book, ws, row, 3, f->numerator);
          if (!hidden_cell(ws, row, 4, f->hidden.denominator, f->hidden))
            count_cell(book, ws, row, 4, f->denominator);
        }
        if (!hidden_cell(ws, row, 5, f->hidden.value, f->hidden))
          value_cell(book, ws, row, 5, f->value, ind);
        text(ws, row, 6, runtime::rag_name(f->rag), book.rag(f->rag));
      }
      ++row;
    }
  }
  definitions_sheet(book, definitions);
  return book.close(error);
}

std::optional<std::string> explain_xlsx(const runtime::ExplainResult& r,
                                        const Definitions& definitions, std::string& error) {
  Book book;
  if (!book.ok()) {
    error = "cannot create a temporary file for the workbook";
    return std::nullopt;
  }
  lxw_worksheet* ws = book.sheet("Explain");
  std::vector<std::string> names = {"Line", "Counted"};
  std::vector<double> widths = {8, 12};
  if (!r.rows.empty())
    for (const auto& [k, v] : r.rows.front().values) {
      names.push_back(k);
      widths.push_back(14);
    }
  names.push_back("Because");
  widths.push_back(50);
  header_row(book, ws, names, widths);
  std::size_t row = 1;
  for (const auto& e : r.rows) {
    worksheet_write_number(ws, static_cast<lxw_row_t>(row), 0, static_cast<double>(e.line),
                           book.format("0"));
    text(ws, row, 1, e.in_numerator ? "counted" : "not counted",
         e.in_numerator ? nullptr : book.rag(Rag::red));
    std::size_t c = 2;
    for (const auto& [k, v] : e.values) text(ws, row, c++, v);
    text(ws, row, c, e.reason);
    ++row;
  }
  definitions_sheet(book, definitions);
  return book.close(error);
}

}  // namespace tally::cli
