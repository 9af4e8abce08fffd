// Google Benchmark: the front end (parse and check generated definitions) and evaluation over
// generated in-memory case data. Whole-run timings on the national-scale extract are in
// bench/run_national.sh.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "lang/check/front.hpp"

namespace {

// Writes `count` indicator definitions over one table into a temporary folder.
std::filesystem::path write_definitions(int count) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("tally_bench_defs_{}", count);
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / "defs.tally");
  out << "table cp_visits { child_id text  plan_id text  visit_date date  worker text? }\n";
  out << "param cp_visit_days = 10 days\n";
  for (int i = 0; i < count; ++i) {
    out << fmt::format(R"tally(
indicator visits_{0} {{
  code        "VP{0}"
  title       "Child protection visits completed on time ({0})"
  from        cp_visits
  period      quarter
  let gap     = days(previous(visit_date per child_id), visit_date)
  where       worker is known or visit_date >= 2015-04-01
  denominator count where visit_date in period and gap is known
  numerator   count where gap <= cp_visit_days + {1} days
  unit        percent
  polarity    higher
  target      90%
  rag {{
    green when value >= target
    amber when value >= target - 5
    red   otherwise
  }}
  trend previous period, stable within 1
}}
)tally",
                       i, i % 5);
  }
  return dir;
}

void parse_and_check(benchmark::State& state) {
  const auto dir = write_definitions(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto front = tally::check::load_definitions({dir.string()});
    if (front->diags.has_errors()) state.SkipWithError("definitions did not check");
    benchmark::DoNotOptimize(front);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["indicators"] = static_cast<double>(state.range(0));
}
BENCHMARK(parse_and_check)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
