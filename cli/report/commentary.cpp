#include "cli/report/commentary.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fstream>

namespace tally::cli {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxCommentaryBytes = 64 * 1024;

// The text of a regular file, at most `limit` bytes; nullopt when it is not one.
std::optional<std::string> read_small_file(const fs::path& path, std::size_t limit) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(limit, '\0');
  in.read(text.data(), static_cast<std::streamsize>(limit));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // a byte-order mark
  return text;
}

bool safe_file_name(const std::string& s) {
  if (s.empty() || s.size() > 100 || s[0] == '.') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-' || c == '.'))
      return false;
  return true;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

}  // namespace

std::optional<fs::path> commentary_folder(const RunOptions& o) {
  std::error_code ec;
  if (!o.commentary.empty()) return fs::path(o.commentary);
  for (const std::string& def : o.defs) {
    fs::path folder = fs::is_directory(def, ec) ? fs::path(def) : fs::path(def).parent_path();
    if (folder.empty()) folder = ".";
    for (const fs::path& candidate : {folder / "commentary", folder / ".." / "commentary"})
      if (fs::is_directory(candidate, ec)) return candidate.lexically_normal();
  }
  return std::nullopt;
}

std::optional<int> check_commentary_option(const RunOptions& o) {
  std::error_code ec;
  if (o.commentary.empty() || fs::is_directory(o.commentary, ec)) return std::nullopt;
  return usage_error(fmt::format("--commentary '{}' is not a folder", o.commentary),
                     "name the folder that holds PERIOD/CODE.md, such as commentary");
}

std::string period_folder(const std::string& period_label) {
  std::string out;
  for (char c : period_label)
    if (c != ' ') out += c;
  return out;
}

std::string read_commentary(const fs::path& folder, const std::string& period_label,
                            const plan::IndicatorPlan& ind) {
  const fs::path dir = folder / period_folder(period_label);
  for (const std::string& stem : {ind.code, ind.name}) {
    if (!safe_file_name(stem)) continue;
    if (auto text = read_small_file(dir / (stem + ".md"), kMaxCommentaryBytes)) return *text;
  }
  return "";
}

std::string area_title(const std::string& stem) {
  std::string out;
  for (char c : stem) out += c == '_' || c == '-' ? ' ' : c;
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
  return out;
}

void fill_report_context(const Session& s, const RunOptions& o, const runtime::RunResult& result,
                         RenderContext& ctx) {
  const check::Program& program = s.front->program;
  if (result.is_public && s.plan.suppression)
    ctx.public_note = suppression_note(*s.plan.suppression);
  const std::optional<fs::path> folder = commentary_folder(o);
  ctx.commentary.assign(s.plan.indicators.size(), "");
  ctx.areas.assign(s.plan.indicators.size(), "");
  ctx.benchmark_labels.assign(s.plan.indicators.size(), {});
  for (std::size_t i = 0; i < s.plan.indicators.size(); ++i) {
    const plan::IndicatorPlan& ind = s.plan.indicators[i];
    const ast::IndicatorDecl* decl = program.indicators[ind.index].decl;
    if (decl) {
      ctx.areas[i] = area_title(fs::path(s.front->sources.get(decl->span.file).path()).stem());
      for (std::size_t k = 0; k < ind.benchmarks.size(); ++k)
        ctx.benchmark_labels[i].push_back(k < decl->benchmarks.size() &&
                                                  !decl->benchmarks[k].label.empty()
                                              ? decl->benchmarks[k].label
                                              : area_title(ind.benchmarks[k].name));
    }
    if (folder) ctx.commentary[i] = read_commentary(*folder, result.period_label, ind);
  }
  // The council and the title: the options, else `council:` and `title:` lines of report.txt.
  ctx.council = o.council;
  ctx.title = o.title;
  if (folder) {
    if (auto text = read_small_file(*folder / "report.txt", kMaxCommentaryBytes)) {
      std::size_t start = 0;
      while (start < text->size()) {
        std::size_t end = text->find('\n', start);
        if (end == std::string::npos) end = text->size();
        const std::string line = text->substr(start, end - start);
        start = end + 1;
        const auto colon = line.find(':');
        if (colon == std::string::npos || line[0] == '#') continue;
        const std::string key = trimmed(line.substr(0, colon));
        const std::string value = trimmed(line.substr(colon + 1));
        if (key == "council" && ctx.council.empty()) ctx.council = value;
        if (key == "title" && ctx.title.empty()) ctx.title = value;
      }
    }
  }
  if (ctx.title.empty()) ctx.title = "Performance indicators";
  std::vector<std::string> applied;
  for (const std::string& sc : o.scenarios) applied.push_back("scenario " + sc);
  for (const std::string& set : o.sets) applied.push_back(set);
  ctx.scenario = fmt::format("{}", fmt::join(applied, "; "));
}

}  // namespace tally::cli
