// Loads the tables of a run on several threads: each table into a string pool of its own, a large
// file with no double quote in it as two halves at once, the pools then merged into the run's.
// What comes out (rows, errors, warnings, the rejects file) is what loading the tables one after
// another with load_table gives; only the text codes may differ.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "lang/base/schema.hpp"
#include "runtime/column/column.hpp"
#include "runtime/column/loader.hpp"

namespace tally::runtime {

struct TableRequest {
  const TableSchema* schema = nullptr;
  std::vector<std::string> columns;  // as for load_table
  std::filesystem::path file;
};

// What a load did, for tests and timing.
struct ParallelStats {
  std::size_t threads = 0;
  std::size_t split = 0;   // files read as two halves
  std::size_t reread = 0;  // of those, second halves read again on from the first
};

// Files larger than this are read as two halves: 64 MiB, unless the environment variable
// TALLY_SPLIT_BYTES holds a whole number of bytes from 64 up (a hook for tests of small files).
std::uint64_t default_split_bytes();

struct ParallelOptions {
  unsigned threads = 0;                               // 0: as many as the machine has cores
  std::uint64_t split_bytes = default_split_bytes();  // files larger are read as two halves
  ParallelStats* stats = nullptr;                     // filled in when given
};

// One result per request, in the order asked. Errors and warnings come as load_table gives them
// for each table, and rejected rows reach the rejects file in the order of the requests.
std::vector<LoadResult> load_tables(const std::vector<TableRequest>& requests, StringPool& pool,
                                    const LoadOptions& options,
                                    const ParallelOptions& parallel = {});

}  // namespace tally::runtime
