// libFuzzer target: any bytes as a census return or as an Excel workbook. The first byte picks:
// 0 a census XML file, read in one pass and in two halves at once, which must give the same rows
// and the same faults at the same places; 1 the bytes as an .xlsx file
// as they are; 2 a workbook zipped here from the rest, cut at "\n%%\n" into a sheet, its shared
// strings and its workbook part. None may crash, hang or grow without bound.
#include <fmt/format.h>
#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/column/xlsx_reader.hpp"
#include "runtime/column/xml_census.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "tests/fuzz/fuzz_tables.hpp"

namespace {

using namespace tally;

using fuzz::canonical;
using fuzz::column;

std::vector<TableSchema> census_schemas() {
  std::vector<TableSchema> out(4);
  out[0].name = "referrals";
  out[0].columns = {column("referral_id", ColumnType::text, false, "", true),
                    column("child_id", ColumnType::text, false),
                    column("referral_date", ColumnType::date, false),
                    column("primary_need", ColumnType::text, true),
                    column("referral_nfa", ColumnType::boolean, true)};
  out[1].name = "assessments";
  out[1].columns = {column("child_id", ColumnType::text, false),
                    column("referral_id", ColumnType::text, false),
                    column("assessment_start", ColumnType::date, true),
                    column("assessment_factors", ColumnType::text, true)};
  out[2].name = "cp_plans";
  out[2].columns = {column("plan_id", ColumnType::text, true, "", true),
                    column("plan_start", ColumnType::date, true),
                    column("initial_category", ColumnType::text, true),
                    column("previous_plans", ColumnType::integer, true)};
  out[3].name = "cin_children";
  out[3].columns = {column("child_id", ColumnType::text, true),
                    column("birth_date", ColumnType::date, true),
                    column("disabilities", ColumnType::text, true)};
  return out;
}

TableSchema sheet_schema() {
  TableSchema s;
  s.name = "visits";
  s.columns = {column("child_id", ColumnType::text, false, "", true),
               column("visit_date", ColumnType::date, true),
               column("due", ColumnType::date, true, "dd/mm/yyyy"),
               column("score", ColumnType::integer, true),
               column("amount", ColumnType::decimal, true),
               column("flag", ColumnType::boolean, true)};
  return s;
}

std::vector<std::string> names_of(const TableSchema& s) {
  std::vector<std::string> out;
  for (const auto& c : s.columns) out.push_back(c.name);
  return out;
}

std::string load_census(const std::filesystem::path& file, bool lenient, bool halves) {
  static const std::vector<TableSchema> schemas = census_schemas();
  std::vector<runtime::CensusRequest> requests;
  for (const auto& s : schemas) requests.push_back({&s, names_of(s)});
  runtime::StringPool pool;
  runtime::LoadOptions options;
  options.lenient = lenient;
  // Halves: any file of more than 64 bytes is read as two halves at once when it can be.
  const auto results =
      runtime::load_census(file, requests, pool, options, halves ? 64 : std::uint64_t{1} << 62);
  std::string out;
  for (const auto& r : results) out += canonical(r, pool);
  return out;
}

// Writes a workbook of the given parts to `path`; false when libzip cannot.
bool write_workbook(const std::filesystem::path& path, const std::vector<std::string>& parts) {
  static const std::string kWorkbook =
      "<workbook><sheets><sheet name=\"visits\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
  static const std::string kRels =
      "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/>"
      "<Relationship Id=\"rId2\" Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/>"
      "</Relationships>";
  int error = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (!z) return false;
  // libzip reads the buffers when the zip is closed: they live until then.
  const std::string texts[] = {parts.size() > 0 ? parts[0] : std::string(),
                               parts.size() > 1 ? parts[1] : std::string(),
                               parts.size() > 2 ? parts[2] : kWorkbook, kRels};
  const char* names[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml",
                         "xl/_rels/workbook.xml.rels"};
  for (std::size_t k = 0; k < 4; ++k) {
    zip_source_t* src = zip_source_buffer(z, texts[k].data(), texts[k].size(), 0);
    if (src && zip_file_add(z, names[k], src, ZIP_FL_OVERWRITE) < 0) zip_source_free(src);
  }
  return zip_close(z) == 0;
}

std::string load_sheet(const std::filesystem::path& file, bool lenient) {
  static const TableSchema schema = sheet_schema();
  runtime::StringPool pool;
  runtime::LoadOptions options;
  options.lenient = lenient;
  return canonical(runtime::load_xlsx_table(schema, names_of(schema), file, "", pool, options),
                   pool);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tally::fuzz::Scratch scratch;
  if (size == 0) return 0;
  const int mode = data[0] % 3;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (mode == 0) {
    const auto file = scratch.write("census.xml", bytes);
    for (const bool lenient : {false, true}) {
      const std::string whole = load_census(file, lenient, false);
      const std::string halves = load_census(file, lenient, true);
      tally::fuzz::require_same(whole == halves, "the census read whole and in two halves", whole,
                                halves);
    }
    return 0;
  }
  if (mode == 1) {
    const auto file = scratch.write("visits.xlsx", bytes);
    load_sheet(file, false);
    load_sheet(file, true);
    return 0;
  }
  std::vector<std::string> parts;
  std::size_t from = 0;
  for (;;) {
    const std::size_t cut = bytes.find("\n%%\n", from);
    parts.emplace_back(bytes.substr(from, cut == std::string_view::npos ? cut : cut - from));
    if (cut == std::string_view::npos || parts.size() == 3) break;
    from = cut + 4;
  }
  const auto file = scratch.dir() / "built.xlsx";
  if (!write_workbook(file, parts)) return 0;
  load_sheet(file, false);
  load_sheet(file, true);
  return 0;
}
