// Loads one declared table from its CSV file into columns, reading only the columns asked for,
// and reports every bad cell (file:line:column, the column's name and the text found). Strict
// by default; lenient mode skips bad rows into a rejects file and counts them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lang/base/schema.hpp"
#include "runtime/column/column.hpp"
#include "runtime/column/issue.hpp"

namespace tally::runtime {

struct LoadOptions {
  bool lenient = false;
  // Under lenient: where rejected rows go, as CSV with columns line,reason,record. Created only
  // when a row is rejected.
  std::filesystem::path rejects_file;
  unsigned threads = 0;  // threads to load on; 0 = one per core
  // Plain rows (no quote, every field there) are read a block at a time; false reads every
  // record one at a time, the way the others are read, which tests compare the blocks with.
  bool plain_blocks = true;
};

struct LoadResult {
  std::optional<Table> table;   // absent when the load failed
  std::vector<Issue> errors;    // strict mode: every bad cell; always: file-level faults
  std::vector<Issue> warnings;  // lenient mode: one summary per table that lost rows
};

// Reads `csv_path` for `schema`, keeping `columns` (names declared in `schema`) in that order.
// Every key column among `columns` is checked for duplicate values.
LoadResult load_table(const TableSchema& schema, const std::vector<std::string>& columns,
                      const std::filesystem::path& csv_path, StringPool& pool,
                      const LoadOptions& options);

}  // namespace tally::runtime
