// libFuzzer target: any bytes as a table's CSV file. The block path (plain rows a block at a
// time), the record path (every record on its own) and the split load (the file read as two
// halves on two threads) must give the same rows, cells, lines, errors and warnings, strict and
// lenient; and none may crash, hang or grow without bound.
#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/column/loader.hpp"
#include "runtime/column/parallel_load.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "tests/fuzz/fuzz_tables.hpp"

namespace {

using namespace tally;
using fuzz::canonical;

TableSchema make_schema() {
  TableSchema s;
  s.name = "cases";
  auto add = [&](const char* name, ColumnType type, bool nullable, const char* layout = "",
                 bool key = false) {
    s.columns.push_back(fuzz::column(name, type, nullable, layout, key));
  };
  add("id", ColumnType::text, false, "", true);
  add("child", ColumnType::text, true);
  add("opened", ColumnType::date, true);
  add("closed", ColumnType::date, true, "dd/mm/yyyy");
  add("visits", ColumnType::integer, true);
  add("miles", ColumnType::decimal, true);
  add("open", ColumnType::boolean, true);
  return s;
}

// The rejects file's text, which is then removed for the next load.
std::string take_rejects(const std::filesystem::path& rejects) {
  std::ifstream in(rejects, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::error_code ec;
  std::filesystem::remove(rejects, ec);
  return text.empty() ? text : "rejects:\n" + text;
}

std::string load_once(const TableSchema& schema, const std::vector<std::string>& columns,
                      const std::filesystem::path& csv, const std::filesystem::path& rejects,
                      bool lenient, int how) {
  runtime::StringPool pool;
  runtime::LoadOptions options;
  options.lenient = lenient;
  options.rejects_file = rejects;
  options.threads = 1;
  if (how == 2) {
    runtime::ParallelOptions parallel;
    parallel.threads = 2;
    parallel.split_bytes = 1;
    const std::vector<runtime::TableRequest> requests{{&schema, columns, csv}};
    auto results = runtime::load_tables(requests, pool, options, parallel);
    return canonical(results.at(0), pool) + take_rejects(rejects);
  }
  options.plain_blocks = how == 0;
  return canonical(runtime::load_table(schema, columns, csv, pool, options), pool) +
         take_rejects(rejects);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fuzz::Scratch scratch;
  static const TableSchema schema = make_schema();
  static const std::vector<std::string> columns = {"id",     "child", "opened", "closed",
                                                   "visits", "miles", "open"};
  const auto csv =
      scratch.write("cases.csv", std::string_view(reinterpret_cast<const char*>(data), size));
  const auto rejects = scratch.dir() / "rejects.csv";
  for (const bool lenient : {false, true}) {
    const std::string blocks = load_once(schema, columns, csv, rejects, lenient, 0);
    const std::string records = load_once(schema, columns, csv, rejects, lenient, 1);
    const std::string split = load_once(schema, columns, csv, rejects, lenient, 2);
    fuzz::require_same(blocks == records, "block and record loads", blocks, records);
    fuzz::require_same(blocks == split, "whole and split loads", blocks, split);
  }
  return 0;
}
