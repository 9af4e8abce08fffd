// The tables a plan reads, loaded once (every table at once, on all cores) and then only read:
// every run over them (run, compare, sweep, explain) takes them as they are.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "lang/plan/plan.hpp"
#include "runtime/column/column.hpp"
#include "runtime/column/issue.hpp"
#include "runtime/column/loader.hpp"

namespace tally::runtime {

struct Dataset {
  StringPool pool;                           // the text of every text cell, one code per text
  std::vector<std::optional<Table>> tables;  // by plan table index; empty when unused or failed
  std::vector<Issue> errors;
  std::vector<Issue> warnings;
};

// Loads the tables `plan` uses from `data_dir`/TABLE.csv; errors and warnings in table order.
Dataset load_dataset(const plan::Plan& plan, const std::filesystem::path& data_dir,
                     const LoadOptions& options);

}  // namespace tally::runtime
