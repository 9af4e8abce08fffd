// Google Benchmark: the front end (parse and check generated definitions) and evaluation over
// generated in-memory case data. Whole-run timings on the national-scale extract are in
// bench/run_national.sh.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "lang/check/front.hpp"
#include "lang/plan/compiler.hpp"
#include "lang/plan/plan.hpp"
#include "runtime/exec/derived/radix_sort.hpp"
#include "runtime/exec/executor.hpp"

namespace {

// Writes `count` indicator definitions over one table into a temporary folder.
std::filesystem::path write_definitions(int count) {
  const auto dir =
      std::filesystem::temp_directory_path() / fmt::format("tally_bench_defs_{}", count);
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

// Writes cp_visits.csv with `rows` visits of rows/20 children, every 5-15 days from 2014-04-01,
// in child order or shuffled, and the definitions of the on-time indicator.
std::filesystem::path write_visits(std::int64_t rows, bool sorted) {
  const auto dir = std::filesystem::temp_directory_path() /
                   fmt::format("tally_bench_visits_{}_{}", rows, sorted ? "sorted" : "shuffled");
  std::filesystem::create_directories(dir / "data");
  if (!std::filesystem::exists(dir / "data" / "cp_visits.csv")) {
    std::vector<std::string> lines;
    lines.reserve(static_cast<std::size_t>(rows));
    std::uint64_t state = 42;
    auto next = [&] {
      state += 0x9E3779B97F4A7C15ull;
      std::uint64_t z = state;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      return z ^ (z >> 31);
    };
    const std::int64_t children = std::max<std::int64_t>(1, rows / 20);
    for (std::int64_t c = 0; c < children; ++c) {
      tally::Day day = tally::days_from_civil(2014, 4, 1) + static_cast<tally::Day>(next() % 400);
      for (std::int64_t k = 0; k < rows / children; ++k) {
        day += 5 + static_cast<tally::Day>(next() % 11);
        lines.push_back(fmt::format("C{:07},P{:07},{}\n", c, c, tally::format_iso(day)));
      }
    }
    if (!sorted)
      for (std::size_t i = lines.size(); i > 1; --i) std::swap(lines[i - 1], lines[next() % i]);
    std::ofstream out(dir / "data" / "cp_visits.csv");
    out << "child_id,plan_id,visit_date\n";
    for (const auto& l : lines) out << l;
  }
  std::ofstream defs(dir / "defs.tally");
  defs << R"tally(
table cp_visits { child_id text  plan_id text  visit_date date }
param cp_visit_days = 10 days
indicator cp_visits_on_time {
  from        cp_visits
  period      quarter
  let gap     = days(previous(visit_date per child_id), visit_date)
  denominator count where visit_date in period and gap is known
  numerator   count where gap <= cp_visit_days
  target      90%
  rag { green when value >= target  amber when value >= target - 5  red otherwise }
  trend previous period
}
)tally";
  return dir;
}

struct Loaded {
  std::unique_ptr<tally::check::Frontend> front;
  tally::plan::Plan plan;
  tally::runtime::Dataset data;
  tally::runtime::RunRequest request;
};

// A run of `history` periods ending with `period` (as `--period`), under the declared parameters.
tally::runtime::RunRequest request_for(const tally::check::Program& program, const char* period,
                                       const char* label, int history) {
  tally::runtime::RunRequest request;
  request.period = *tally::calendar::parse_period_arg(period);
  request.period_label = label;
  request.history = history;
  for (const auto& p : program.params) request.params.push_back(p.value);
  return request;
}

Loaded load(const std::filesystem::path& dir) {
  Loaded l;
  l.front = tally::check::load_definitions({(dir / "defs.tally").string()});
  l.plan = tally::plan::compile(l.front->program, {});
  l.data = tally::runtime::load_dataset(l.plan, dir / "data", tally::runtime::LoadOptions{});
  l.request = request_for(l.front->program, "2017-18Q4", "2017-18 Q4", 12);
  return l;
}

constexpr std::int64_t kRows = 2'000'000;

void load_visits(benchmark::State& state) {
  const auto dir = write_visits(kRows, false);
  for (auto _ : state) {
    Loaded l = load(dir);
    if (!l.data.errors.empty()) state.SkipWithError("data did not load");
    benchmark::DoNotOptimize(l);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(load_visits)->Unit(benchmark::kMillisecond);

// Evaluation alone, the sort included: 12 quarters and their comparators.
void evaluate_visits(benchmark::State& state) {
  const bool sorted = state.range(0) != 0;
  Loaded l = load(write_visits(kRows, sorted));
  for (auto _ : state) {
    tally::runtime::ExecCaches caches;  // the sort included: nothing kept from the last run
    std::vector<tally::runtime::Issue> errors;
    auto result = tally::runtime::execute(l.plan, l.data, caches, l.request, errors);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetLabel(sorted ? "rows in (child, date) order" : "rows shuffled");
}
BENCHMARK(evaluate_visits)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

// A sweep of 100 thresholds against one run (ratio = sweep / run).
void sweep_100_thresholds(benchmark::State& state) {
  Loaded l = load(write_visits(kRows, false));
  std::vector<tally::Constant> values;
  for (int d = 1; d <= 100; ++d) {
    tally::Constant c = l.request.params[0];
    c.number = d;
    values.push_back(c);
  }
  for (auto _ : state) {
    tally::runtime::ExecCaches caches;
    std::vector<tally::runtime::Issue> errors;
    auto results =
        tally::runtime::execute_sweep(l.plan, l.data, caches, l.request, 0, values, errors);
    if (!results) state.SkipWithError("the sweep was not evaluated at once");
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(sweep_100_thresholds)->Unit(benchmark::kMillisecond);

// The radix sort of previous(...) on 10 million shuffled rows packed as the CP visits' are: a
// 20-bit key, a 12-bit order and a 24-bit row number, sorted on key and order.
void radix_sort_visits(benchmark::State& state) {
  constexpr std::size_t kWords = 10'000'000;
  tally::runtime::Words words(kWords);
  std::uint64_t x = 7;
  for (std::size_t i = 0; i < kWords; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    words[i] = (x >> 28 & ((1u << 20) - 1)) << 36 | (x >> 16 & 0xFFF) << 24 | i;
  }
  tally::runtime::Words work;
  for (auto _ : state) {
    state.PauseTiming();
    work = words;
    state.ResumeTiming();
    tally::runtime::radix_sort_bits(work, 24, 56, 2);
    benchmark::DoNotOptimize(work.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kWords));
}
BENCHMARK(radix_sort_visits)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---- The reference set over the national-scale extract, and two baselines in the same run ----
//
// The folders come from bench/run_national.sh (or tally_gen): TALLY_BENCH_DATA, by default
// build/bench-data/national, holds the shuffled rows and the same name with "-sorted" the rows in
// (child, date) order. The definitions are bench/reference. Each set is loaded once; the
// benchmarks time evaluation alone, sorting included, as `tally run --period 2019-20Q4 --history
// 20` does it. The baselines put the figures in proportion on whatever machine runs them: a plain
// std::sort of the CP visits' (child, date) keys, and a hand-written loop that computes the CP
// visits indicator's counts for the same quarters over the sorted rows.

std::filesystem::path national_folder(bool sorted) {
  const char* given = std::getenv("TALLY_BENCH_DATA");
  std::string dir = given && *given ? given : "build/bench-data/national";
  return sorted ? dir + "-sorted" : dir;
}

struct National : Loaded {
  std::string problem;  // why it could not be loaded
};

National& national(bool sorted) {
  static std::map<bool, National> loaded;
  auto [it, fresh] = loaded.try_emplace(sorted);
  National& n = it->second;
  if (!fresh) return n;
  const auto dir = national_folder(sorted);
  if (!std::filesystem::exists(dir / "cp_visits.csv")) {
    n.problem = fmt::format(
        "no national data in {}: run bench/run_national.sh once, or set TALLY_BENCH_DATA",
        dir.string());
    return n;
  }
  n.front = tally::check::load_definitions({std::string(TALLY_SOURCE_DIR "/bench/reference")});
  if (n.front->diags.has_errors()) {
    n.problem = "bench/reference does not check";
    return n;
  }
  // TALLY_BENCH_INDICATOR=NAME times one indicator alone, as `--indicator NAME` would.
  std::vector<std::uint32_t> chosen;
  const char* only = std::getenv("TALLY_BENCH_INDICATOR");
  for (std::uint32_t i = 0; only && i < n.front->program.indicators.size(); ++i)
    if (n.front->program.indicators[i].name == only) chosen.push_back(i);
  n.plan = tally::plan::compile(n.front->program, chosen);
  n.data = tally::runtime::load_dataset(n.plan, dir, tally::runtime::LoadOptions{});
  if (!n.data.errors.empty()) n.problem = fmt::format("the data in {} did not load", dir.string());
  n.request = request_for(n.front->program, "2019-20Q4", "2019-20 Q4", 20);
  return n;
}

void evaluate_reference(benchmark::State& state) {
  const bool sorted = state.range(0) != 0;
  National& n = national(sorted);
  if (!n.problem.empty()) {
    state.SkipWithError(n.problem.c_str());
    return;
  }
  for (auto _ : state) {
    tally::runtime::ExecCaches caches;
    std::vector<tally::runtime::Issue> errors;
    auto result = tally::runtime::execute(n.plan, n.data, caches, n.request, errors);
    benchmark::DoNotOptimize(result);
  }
  state.SetLabel(sorted ? "rows in (child, date) order" : "rows shuffled");
}
BENCHMARK(evaluate_reference)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

// The CP visits' child and visit date columns of a national set; both null, and the benchmark
// skipped with the reason, when there are none.
std::pair<const tally::runtime::Column*, const tally::runtime::Column*> visit_columns(
    benchmark::State& state, bool sorted) {
  National& n = national(sorted);
  for (std::size_t t = 0; n.problem.empty() && t < n.plan.tables.size(); ++t) {
    if (n.plan.tables[t].schema.name != "cp_visits" || !n.data.tables[t]) continue;
    const auto* child = n.data.tables[t]->find("child_id");
    const auto* date = n.data.tables[t]->find("visit_date");
    if (child && date) return {child, date};
  }
  state.SkipWithError(n.problem.empty() ? "no cp_visits table" : n.problem.c_str());
  return {nullptr, nullptr};
}

void baseline_std_sort(benchmark::State& state) {
  const auto [child, date] = visit_columns(state, false);
  if (!child) return;
  std::vector<std::uint64_t> keys(child->data.size());
  for (std::size_t i = 0; i < keys.size(); ++i)
    keys[i] = static_cast<std::uint64_t>(child->data[i]) << 32 |
              static_cast<std::uint32_t>(date->data[i]);
  std::vector<std::uint64_t> work;
  for (auto _ : state) {
    state.PauseTiming();
    work = keys;
    state.ResumeTiming();
    std::sort(work.begin(), work.end());
    benchmark::DoNotOptimize(work.data());
  }
  state.SetLabel("std::sort of the CP visits' (child, date) keys");
}
BENCHMARK(baseline_std_sort)->Unit(benchmark::kMillisecond)->UseRealTime();

void baseline_hand_loop(benchmark::State& state) {
  const auto [child, date] = visit_columns(state, true);
  if (!child) return;
  // Each day's quarter, 0 for 2014-15 Q4 (the comparator of the first) to 20 for 2019-20 Q4;
  // visits on other days are not counted.
  const tally::Day first = tally::days_from_civil(2015, 1, 1),
                   last = tally::days_from_civil(2020, 3, 31);
  std::vector<std::int8_t> quarter_of(static_cast<std::size_t>(last - first + 1));
  for (tally::Day d = first; d <= last; ++d) {
    const auto c = tally::civil_from_days(d);
    quarter_of[static_cast<std::size_t>(d - first)] =
        static_cast<std::int8_t>((c.year - 2015) * 4 + (c.month - 1) / 3);
  }
  const std::int64_t* kid = child->data.data();
  const std::int64_t* day = date->data.data();
  const std::size_t rows = child->data.size();
  for (auto _ : state) {
    std::array<std::int64_t, 21> den{}, num{};
    for (std::size_t i = 1; i < rows; ++i) {
      if (kid[i] != kid[i - 1]) continue;
      const auto k = static_cast<std::uint64_t>(day[i] - first);
      if (k >= quarter_of.size()) continue;
      const int q = quarter_of[k];
      ++den[static_cast<std::size_t>(q)];
      num[static_cast<std::size_t>(q)] += day[i] - day[i - 1] <= 10;
    }
    benchmark::DoNotOptimize(den);
    benchmark::DoNotOptimize(num);
  }
  state.SetLabel("hand-written CP visits loop, sorted rows, one thread");
}
BENCHMARK(baseline_hand_loop)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---- Rows of a key and of another table against the CP visits indicator ----
//
// evaluate_rows/0 is cp_visits_on_time (bench/reference), /1 visits_of_short_plans (a row
// aggregate over the rows of a plan), /2 visits_of_school_referred (a question about the
// referrals of each visit's child), all over the 10 million shuffled national CP visits, 20
// quarters, each loaded and compiled alone. The issue asks /1 and /2 to cost at most twice /0.

Loaded& national_rows(int which, std::string& problem) {
  static std::map<int, Loaded> loaded;
  static std::map<int, std::string> problems;
  auto [it, fresh] = loaded.try_emplace(which);
  Loaded& l = it->second;
  std::string& why = problems[which];
  if (fresh) {
    const auto dir = national_folder(false);
    const char* names[] = {"cp_visits_on_time", "visits_of_short_plans",
                           "visits_of_school_referred"};
    if (!std::filesystem::exists(dir / "cp_visits.csv")) {
      why = fmt::format(
          "no national data in {}: run bench/run_national.sh once, or set "
          "TALLY_BENCH_DATA",
          dir.string());
    } else {
      l.front = tally::check::load_definitions({std::string(TALLY_SOURCE_DIR "/bench/reference"),
                                                std::string(TALLY_SOURCE_DIR "/bench/rows")});
      std::vector<std::uint32_t> chosen;
      if (auto i = l.front->program.find_indicator(names[which])) chosen.push_back(*i);
      if (l.front->diags.has_errors() || chosen.empty()) {
        why = "bench/reference and bench/rows do not check";
      } else {
        l.plan = tally::plan::compile(l.front->program, chosen);
        l.data = tally::runtime::load_dataset(l.plan, dir, tally::runtime::LoadOptions{});
        if (!l.data.errors.empty()) why = "the national data did not load";
        l.request = request_for(l.front->program, "2019-20Q4", "2019-20 Q4", 20);
      }
    }
  }
  problem = why;
  return l;
}

void evaluate_rows(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  std::string problem;
  Loaded& l = national_rows(which, problem);
  if (!problem.empty()) {
    state.SkipWithError(problem.c_str());
    return;
  }
  for (auto _ : state) {
    tally::runtime::ExecCaches caches;
    std::vector<tally::runtime::Issue> errors;
    auto result = tally::runtime::execute(l.plan, l.data, caches, l.request, errors);
    benchmark::DoNotOptimize(result);
  }
  const char* labels[] = {"CP visits indicator (previous)", "row aggregate: count(per plan_id)",
                          "other table: exists(from referrals per child_id where ...)"};
  state.SetLabel(labels[which]);
}
BENCHMARK(evaluate_rows)
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

// ---- A breakdown against the same indicator without it ----
//
// evaluate_breakdown/0 is repeat_referrals (bench/reference) over the 1.4 million shuffled
// national referrals, 20 quarters; /1 the same broken down by the referral's source (`--by
// source`: 22 groups). The caches (previous()'s row order) are kept from one iteration to the next,
// so the scan, where the groups are counted, is what is timed. The issue asks /1 to cost under 1.5
// times /0.

Loaded& national_breakdown(int which, std::string& problem) {
  static std::map<int, Loaded> loaded;
  static std::map<int, std::string> problems;
  auto [it, fresh] = loaded.try_emplace(which);
  Loaded& l = it->second;
  std::string& why = problems[which];
  if (fresh) {
    const auto dir = national_folder(false);
    const char* name = "repeat_referrals";
    const char* by = "source";
    if (!std::filesystem::exists(dir / "referrals.csv")) {
      why = fmt::format(
          "no national data in {}: run bench/run_national.sh once, or set TALLY_BENCH_DATA",
          dir.string());
    } else {
      tally::check::AdHocBreakdown breakdown{by, {name}};
      l.front = tally::check::load_definitions({std::string(TALLY_SOURCE_DIR "/bench/reference")},
                                               nullptr, which == 1 ? &breakdown : nullptr);
      std::vector<std::uint32_t> chosen;
      if (auto i = l.front->program.find_indicator(name)) chosen.push_back(*i);
      if (l.front->diags.has_errors() || chosen.empty()) {
        why = "bench/reference does not check with the breakdown";
      } else {
        l.plan = tally::plan::compile(l.front->program, chosen);
        l.data = tally::runtime::load_dataset(l.plan, dir, tally::runtime::LoadOptions{});
        if (!l.data.errors.empty()) why = "the national data did not load";
        l.request = request_for(l.front->program, "2019-20Q4", "2019-20 Q4", 20);
      }
    }
  }
  problem = why;
  return l;
}

void evaluate_breakdown(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  std::string problem;
  Loaded& l = national_breakdown(which, problem);
  if (!problem.empty()) {
    state.SkipWithError(problem.c_str());
    return;
  }
  tally::runtime::ExecCaches caches;
  std::size_t groups = 0;
  for (auto _ : state) {
    std::vector<tally::runtime::Issue> errors;
    auto result = tally::runtime::execute(l.plan, l.data, caches, l.request, errors);
    groups = result.indicators.empty() ? 0 : result.indicators[0].results.back().groups.size();
    benchmark::DoNotOptimize(result);
  }
  const char* labels[] = {"repeat_referrals", "repeat_referrals by source", "cp_visits_on_time",
                          "cp_visits_on_time by substring(child_id, 8, 1)"};
  state.SetLabel(fmt::format("{} ({} groups)", labels[which], groups));
}
BENCHMARK(evaluate_breakdown)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
