// Columnar tables: every column is a vector of 64-bit integers (dates as day numbers, text as
// codes into one run-wide string pool, decimals scaled by the column's scale, bools 0/1) with a
// separate validity mask that says which cells are known.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lang/base/schema.hpp"

namespace tally::runtime {

// One validity bit per row: set = the cell is known, clear = missing.
class Validity {
 public:
  void resize(std::size_t rows, bool known);
  bool known(std::size_t row) const { return (bits_[row >> 6] >> (row & 63)) & 1u; }
  std::size_t size() const { return rows_; }
  bool all_known() const;
  void push_back(bool known);
  // Adds n rows, row k known when known[k] is not 0.
  void append(const std::uint8_t* known, std::size_t n);
  // Adds the rows of `other` after these.
  void append(const Validity& other);
  // Writes 1 (known) or 0 (missing) for rows [begin, begin + n) to out[0, n).
  void expand(std::size_t begin, std::size_t n, std::uint8_t* out) const;

 private:
  std::vector<std::uint64_t> bits_;
  std::size_t rows_ = 0;
};

// Interns text: equal strings get equal codes across every column and table of a run.
class StringPool {
 public:
  std::uint32_t intern(std::string_view text);
  // Interns texts[0, n) in order into codes[0, n), as n calls of intern would, faster: the table
  // places of all are looked up before any is read.
  void intern_all(const std::string_view* texts, std::size_t n, std::uint32_t* codes);
  // The code of `text`, or -1 when it was never interned (no cell or constant holds it; a key
  // cell of a row turned away as a duplicate may have added one).
  std::int64_t find(std::string_view text) const;
  // The text of `code`; valid until the next text is interned.
  std::string_view text(std::int64_t code) const {
    const auto c = static_cast<std::size_t>(code);
    const std::size_t begin = c == 0 ? 0 : ends_[c - 1];
    return std::string_view(bytes_.data() + begin, ends_[c] - begin);
  }
  std::size_t size() const { return ends_.size(); }

 private:
  // The texts one after another in bytes_, text k ending at ends_[k]; open addressing over them.
  // A slot holds the top bits of the text's hash, its length (up to 15) and code + 1 (0 = empty),
  // and the text's first 8 bytes, so that short texts are matched without reading bytes_. A
  // text's first slot is given by the top bits of its hash, which the slot keeps, so growing the
  // table does not read bytes_ either.
  struct Slot {
    std::uint64_t meta = 0;
    std::uint64_t head = 0;
  };
  struct Probe;
  static Probe probe_of(std::string_view text);
  void rehash(std::size_t slots);
  void grow_for(std::size_t strings);
  // Whether `text` lies in bytes_ (a view of this pool's own text).
  bool owns(std::string_view text) const;
  std::uint32_t insert(std::string_view text, const Probe& probe);
  std::size_t first_slot(std::uint64_t hash) const {
    return static_cast<std::size_t>(hash >> shift_);
  }
  std::vector<char> bytes_;
  std::vector<std::size_t> ends_;
  std::vector<Slot> slots_;
  int shift_ = 64;  // 64 - log2(slots_.size())
};

// Each row's line in its CSV file. Rows mostly follow one another a line apart, so only the rows
// where that breaks (after blank lines, quoted line breaks or rejected rows) are kept, each with
// its line: a table of millions of rows needs a few entries instead of a number per row.
class LineMap {
 public:
  void push_back(std::int64_t line);
  // Adds `rows` rows on consecutive lines from `line`.
  void push_run(std::int64_t line, std::size_t rows);
  // Adds the rows of `other` after these.
  void append(const LineMap& other);
  std::int64_t operator[](std::size_t row) const;
  std::int64_t back() const { return size_ == 0 ? 0 : (*this)[size_ - 1]; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::vector<std::int64_t> all() const;  // every row's line, for tests

 private:
  struct Run {
    std::size_t row;    // the first row of the run
    std::int64_t line;  // its line; row + k is on line + k
  };
  std::vector<Run> runs_;
  std::size_t size_ = 0;
};

struct Column {
  std::string name;
  ColumnType type = ColumnType::text;
  int scale = 0;                   // decimal: value = data[i] / 10^scale
  std::vector<std::int64_t> data;  // one entry per row; 0 where missing
  Validity validity;
};

struct Table {
  std::string name;
  std::string file;             // the CSV path as given, for messages
  std::vector<Column> columns;  // only the columns that were asked for, in asked order
  LineMap lines;                // each row's line in the CSV file (the header is line 1)
  std::size_t rejected = 0;     // rows skipped under --lenient

  std::size_t rows() const { return lines.size(); }
  const Column* find(std::string_view column) const;
};

}  // namespace tally::runtime
