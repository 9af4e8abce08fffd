// The pieces `load_table` is made of, shared with the parallel loader: a table's layout read from
// its header, the rows of one byte range of its file loaded into a part, two parts of one file
// joined as if read in one go, and the result built from a part.
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lang/base/date.hpp"
#include "runtime/column/csv_reader.hpp"
#include "runtime/column/loader.hpp"

namespace tally::runtime {

// The values of a key column seen so far, each with the line of the row that holds it: open
// addressing over (value, line) pairs, line 0 marking a free place (rows start at line 2). For
// text, whose values are string pool codes, a line per code instead.
class KeyLines {
 public:
  explicit KeyLines(bool codes = false) : codes_(codes) {}
  // The line holding `value`, or 0.
  std::int64_t find(std::int64_t value) const;
  // Records `value` at `line` unless it is there already.
  void add(std::int64_t value, std::int64_t line);
  // Multiplies every value by `factor` (a decimal column's scale grew).
  void scale_by(std::int64_t factor);
  bool empty() const { return count_ == 0; }

 private:
  struct Entry {
    std::int64_t value = 0;
    std::int64_t line = 0;
  };
  bool codes_ = false;
  std::vector<std::int64_t> by_code_;  // codes_: the line of each code, 0 for none
  std::vector<Entry> entries_;
  std::size_t count_ = 0;
};

// One asked-for column: its declaration, where it sits in the header and, for key columns, the
// values seen so far.
struct LoadSlot {
  const ColumnSchema* schema = nullptr;
  ColumnType type = ColumnType::text;
  bool nullable = false;
  bool key = false;
  std::size_t field = 0;  // index of the column in the header
  const DateFormat* date = nullptr;
  // Key columns: value (at the column's current scale) -> line of the row that holds it.
  KeyLines keys;
};

// A table's file once its header is read. Parts of one file share it; it does not move, since
// slots point into `layouts`.
struct TableLayout {
  const TableSchema* schema = nullptr;
  std::filesystem::path path;
  std::string file;             // path as a string, for messages
  std::vector<LoadSlot> slots;  // without keys: each part copies them
  std::vector<std::unique_ptr<DateFormat>> layouts;
  std::size_t width = 0;  // header fields
  bool any_key = false;
  // Faults found before any row (undeclared column, missing header...): the load failed.
  std::vector<Issue> errors;
  std::uint64_t file_bytes = 0;   // 0 when unknown
  std::uint64_t body_offset = 0;  // where the row after the header starts
  std::int64_t body_line = 0;     // and its line
  bool body_known = false;        // false: rows cannot be read from an offset
};

// Rejected rows (table,line,reason lines of the rejects file) held until they can be written in
// table order; past a few megabytes they go to a temporary file so memory stays bounded.
class RejectsBuffer {
 public:
  RejectsBuffer() = default;
  RejectsBuffer(RejectsBuffer&& other) noexcept;
  RejectsBuffer& operator=(RejectsBuffer&& other) noexcept;
  RejectsBuffer(const RejectsBuffer&) = delete;
  RejectsBuffer& operator=(const RejectsBuffer&) = delete;
  ~RejectsBuffer();

  void add(const std::string& table, std::int64_t line, std::string_view reason);
  bool empty() const { return text_.empty() && spilled_ == 0; }
  // Appends the rows held to `out`; false with `error` set when they cannot be read back.
  bool copy_to(std::FILE* out, std::string& error);

 private:
  std::string text_;
  std::FILE* spill_ = nullptr;
  std::uint64_t spilled_ = 0;
};

// Appends every buffer's rows, in order, to the rejects file at `path` (created with its folder
// and a header when new or empty). False with `error` set when it cannot be written.
bool write_rejects(const std::filesystem::path& path, std::vector<RejectsBuffer>& buffers,
                   std::string& error);

// The rows of one byte range of a table's file.
struct TablePart {
  std::vector<LoadSlot> slots;
  Table table;
  StringPool pool;              // text codes of a part loaded on its own (see read_rows)
  std::vector<Issue> errors;    // the first row errors (strict mode), at most the cap
  std::size_t error_count = 0;  // all of them
  std::vector<RejectsBuffer> rejects;
  std::optional<CsvError> fault;  // the reader's, which ends the file
  bool stopped_at_quote = false;  // the reader met a double quote and stopped
  // A decimal cell failed only because of the scale reached by the rows before it in the part.
  bool scale_trouble = false;
  // Key cells of rows turned away only as duplicates, kept when the part records them.
  struct DuplicateCell {
    std::size_t slot = 0;
    std::int64_t value = 0;
    int scale = 0;
    std::string text;
  };
  std::vector<DuplicateCell> duplicates;
  bool record_duplicates = false;
};

// Checks the asked columns against the schema, opens the file and reads its header. On return
// `reader` is just past the header (null when the load already failed: see `errors`).
std::unique_ptr<TableLayout> read_layout(const TableSchema& schema,
                                         const std::vector<std::string>& columns,
                                         const std::filesystem::path& csv_path,
                                         std::unique_ptr<CsvReader>& reader);

// An empty part of `layout`'s table.
std::unique_ptr<TablePart> start_part(const TableLayout& layout);

// Loads the records `reader` hands over into `part`, interning text into `pool`, exactly as one
// pass over the whole file would from the state `part` holds. `range_bytes` (0 = unknown) sizes
// the columns once from the first rows.
void read_rows(const TableLayout& layout, TablePart& part, CsvReader& reader, StringPool& pool,
               const LoadOptions& options, std::uint64_t range_bytes);

// Appends `second` (the rest of the file from where `first` ended, loaded on its own into its own
// pool, with record_duplicates set) to `first` (loaded into its own pool), as one pass over both
// would have loaded them; `first` is not read on after that. When `first` ended on a fault, a
// pass stops there: `second` is left out. False, leaving both unchanged, when the result could
// differ from reading on from `first`: a key of `first` met again in `second`, a decimal value
// that does not hold at the larger scale of the two, or a quote or a scale fault met by `second`.
bool join_parts(const TableLayout& layout, TablePart& first, TablePart& second);

// Interns every text of `from` into `into`; the result maps codes of `from` to codes of `into`.
// When `into` is empty it takes `from` whole and the map is empty (codes are unchanged).
std::vector<std::uint32_t> merge_pool(StringPool& into, StringPool&& from);
// Rewrites the known cells of every text column of `table` through `map` (empty: no change).
void remap_text(Table& table, const std::vector<std::uint32_t>& map);

// Writes the rejected rows of `part` to the rejects file, when lenient and there are any; the
// reason when they could not be written.
std::optional<std::string> write_part_rejects(TablePart* part, const LoadOptions& options);

// The result of a load whose rows are all in `part` (null when the load failed before the rows),
// once its rejects were written (`rejects_error` set when they could not be).
LoadResult finish_load(const TableLayout& layout, std::unique_ptr<TablePart> part,
                       const LoadOptions& options, const std::optional<std::string>& rejects_error);

}  // namespace tally::runtime

namespace tally::runtime {

// ---- For readers of other formats (row_builder): the CSV loader's conversion and messages ----

// One cell converted exactly as the CSV loader converts it.
struct CellValue {
  std::int64_t value = 0;
  bool known = false;
  int scale = 0;  // decimal: the scale `value` is at
};

// Converts `text` for `slot` given the column so far (its scale, and `lines` for messages); false
// with `bad` saying what is wrong.
bool convert_cell(const LoadSlot& slot, const Column& column, const LineMap& lines,
                  std::string_view text, CellValue& out, std::string& bad);

// The loader's messages, so that every format says the same about the same fault.
std::string message_duplicate_key(std::string_view cell, const ColumnSchema& c, std::int64_t first);
std::string message_too_many(std::size_t more, const std::string& file);
std::string message_skipped(std::size_t rows, const std::string& table, const std::string& rejects);
std::string message_rejects_failed(const std::string& rejects, const std::string& reason);
std::string message_not_declared(const std::string& column, const std::string& table);
std::string message_bad_layout(const ColumnSchema& c);
std::string message_missing_column(const std::string& column, const std::string& table,
                                   const std::string& header, std::string_view near);
std::string message_empty_cell(const ColumnSchema& c);

}  // namespace tally::runtime
