// Builds one declared table from rows handed over a row at a time, by readers of formats other
// than CSV (the census XML, Excel sheets): cells converted as the CSV loader converts them, keys
// checked, bad rows reported at the place of their cell or sent to the rejects file under
// --lenient.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lang/base/date.hpp"
#include "runtime/column/load_part.hpp"
#include "runtime/column/loader.hpp"

namespace tally::runtime {

// One cell of a row as its reader found it; empty text is a missing cell.
struct RowCell {
  std::string_view text;
  std::int64_t line = 0;
  std::int64_t column = 0;
  // A date the reader has read itself (an Excel serial number); `text` is then only shown.
  std::optional<Day> day;
  // The reader has reported what is wrong with the cell already: it is not converted.
  bool faulted = false;
};

// A fault of a row found by its reader (an element out of place, text where none belongs).
struct RowFault {
  std::int64_t line = 0;
  std::int64_t column = 0;
  std::string message;
};

// Where each cell of a row is, asked only for a message: an element's path, or Sheet1!C14.
class RowPlaces {
 public:
  virtual std::string place(std::size_t k) const = 0;

 protected:
  ~RowPlaces() = default;
};

class RowBuilder {
 public:
  // The table `schema`, keeping `columns` in that order; `file` names the source in messages.
  RowBuilder(const TableSchema& schema, const std::vector<std::string>& columns, std::string file,
             StringPool& pool, const LoadOptions& options);

  // Whether the asked columns are declared and their date layouts readable; when not, the load
  // has failed already and rows are not taken.
  bool ready() const { return ready_; }
  std::size_t width() const { return slots_.size(); }
  const ColumnSchema& column(std::size_t k) const { return *slots_[k].schema; }
  const std::string& file() const { return file_; }
  const std::string& table_name() const { return schema_.name; }

  // Adds the row at `line`: cells[k] for asked column k, with the faults its reader found. A row
  // with a fault or a bad cell is an error, or a rejected row under --lenient.
  // `places` (may be null) names the cells in messages.
  void add(std::int64_t line, const RowCell* cells, const std::vector<RowFault>& faults,
           const RowPlaces* places);
  // A fault of the whole file (or of the table's place in it): the load fails, --lenient or not.
  void fail(std::int64_t line, std::int64_t column, std::string message);
  bool failed() const { return !ready_ || file_faults_ > 0; }

  LoadResult finish();

  // For a file read in two parts at once, each by a builder with its own string pool.
  // Interns the texts still waiting.
  void settle() { flush_texts(); }
  // Whether a column is decimal (its scale would make the parts differ from one pass).
  bool has_decimal() const;
  // Whether `later`, the rows that follow these, read into `theirs` (these into `mine`), holds no
  // key of these, not even in a row turned away as a duplicate: then appending gives what one
  // builder reading on would have.
  bool can_append(const RowBuilder& later, const StringPool& mine, const StringPool& theirs) const;
  // Rewrites the text codes through `map` (the pool merged into another; empty: no change).
  void remap(const std::vector<std::uint32_t>& map);
  // Appends `later` (settled, its codes those of this builder's pool).
  void append(RowBuilder&& later);

 private:
  void error(std::int64_t line, std::int64_t column, std::string message, bool row);

  const TableSchema& schema_;
  std::string file_;
  StringPool& pool_;
  const LoadOptions& options_;
  bool ready_ = true;
  std::vector<LoadSlot> slots_;
  std::vector<std::unique_ptr<DateFormat>> layouts_;
  Table table_;
  std::vector<Issue> errors_;
  std::size_t error_count_ = 0;
  std::size_t file_faults_ = 0;
  std::vector<RejectsBuffer> rejects_;
  std::vector<CellValue> values_;
  std::vector<RowFault> issues_;
  std::string bad_;
  // Texts of kept cells of non-key text columns waiting to be interned together, as the CSV
  // loader does: their bytes, where each ends, and the (column, row) each code goes to.
  struct Pending {
    std::string bytes;
    std::vector<std::size_t> ends;
    std::vector<std::pair<std::size_t, std::size_t>> cells;
  };
  Pending pending_;
  // Key cells of rows turned away as duplicates: (column, value or text).
  struct Duplicate {
    std::size_t slot = 0;
    std::int64_t value = 0;
    std::string text;
  };
  std::vector<Duplicate> duplicates_;
  void flush_texts();
};

}  // namespace tally::runtime
