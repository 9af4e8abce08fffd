// libFuzzer target: definitions and the tables they read, end to end. The input is a definition
// file, then each table as a line `%% NAME` followed by its CSV text. Everything is checked,
// compiled, loaded and evaluated for 2017-18 Q1 with four periods of history on one thread and on
// three: the figures, colours, notes and errors must be the same, and nothing may crash or hang.
#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lang/check/front.hpp"
#include "lang/plan/compiler.hpp"
#include "lang/plan/plan.hpp"
#include "runtime/column/dataset.hpp"
#include "runtime/exec/executor.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace tally;

std::string text_of(const std::optional<Rational>& r) { return r ? r->str() : "-"; }

// Everything a run gave that a reader sees.
std::string canonical(const runtime::RunResult& result, const std::vector<runtime::Issue>& errors) {
  std::string out;
  for (const auto& e : errors)
    out += fmt::format("error {}-{}: {} ({})\n", e.span.begin, e.span.end, e.message, e.hint);
  for (const auto& ind : result.indicators) {
    out += ind.plan->name + "\n";
    for (const auto& p : ind.results) {
      out += fmt::format("  {} {} / {} = {} target {} rag {} trend {} change {} note '{}'",
                         calendar::label(p.period), text_of(p.numerator), text_of(p.denominator),
                         text_of(p.value), text_of(p.target), runtime::rag_name(p.rag),
                         runtime::trend_name(p.trend), text_of(p.change), p.note);
      for (const auto& b : p.benchmarks) out += " " + text_of(b);
      out += "\n";
    }
  }
  return out;
}

// Splits the input into the definitions and (name, CSV text) pairs; writes them into `dir`.
std::filesystem::path lay_out(const fuzz::Scratch& scratch, std::string_view input) {
  const auto data = scratch.dir() / "data";
  std::error_code ec;
  std::filesystem::remove_all(data, ec);
  std::filesystem::create_directories(data);
  std::size_t at = input.find("%% ");
  const std::string_view defs = input.substr(0, at);
  while (at != std::string_view::npos) {
    const std::size_t name_end = input.find('\n', at);
    if (name_end == std::string_view::npos) break;
    std::string name(input.substr(at + 3, name_end - at - 3));
    std::size_t next = input.find("\n%% ", name_end);
    const std::string_view csv =
        input.substr(name_end + 1, next == std::string_view::npos ? next : next - name_end);
    // Only plain table names become files in the data folder.
    bool plain = !name.empty() && name.size() < 64;
    for (char c : name)
      plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    if (plain) scratch.write("data/" + name + ".csv", csv);
    at = next == std::string_view::npos ? next : next + 1;
  }
  return scratch.write("defs.tally", defs);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  static const fuzz::Scratch scratch;
  const auto defs = lay_out(scratch, std::string_view(reinterpret_cast<const char*>(bytes), size));
  const auto front = check::load_definitions({defs.string()});
  if (front->diags.has_errors()) return 0;
  std::vector<std::uint32_t> all;
  for (std::uint32_t i = 0; i < front->program.indicators.size(); ++i) all.push_back(i);
  const plan::Plan plan = plan::compile(front->program, all);
  if (plan.indicators.empty()) return 0;

  runtime::RunRequest request;
  request.period = *calendar::parse_period_arg("2017-18Q1");
  request.period_label = "2017-18 Q1";
  request.history = 4;
  for (const auto& p : plan.params) request.params.push_back(p.declared);
  for (std::uint32_t i = 0; i < plan.indicators.size(); ++i) request.indicators.push_back(i);

  std::string first;
  for (const unsigned threads : {1u, 3u}) {
    runtime::LoadOptions load;
    load.threads = threads;
    load.rejects_file = scratch.dir() / "rejects.csv";
    runtime::Dataset data = runtime::load_dataset(plan, scratch.dir() / "data", load);
    std::string seen;
    for (const auto& e : data.errors) seen += e.render("error") + "\n";
    if (data.errors.empty()) {
      request.threads = threads;
      runtime::ExecCaches caches;
      std::vector<runtime::Issue> errors;
      const runtime::RunResult result = runtime::execute(plan, data, caches, request, errors);
      seen += canonical(result, errors);
    }
    if (threads == 1)
      first = seen;
    else
      fuzz::require_same(first == seen, "runs on 1 and 3 threads", first, seen);
  }
  return 0;
}
