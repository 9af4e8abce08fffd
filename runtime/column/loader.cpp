// Loading a table's columns from its CSV records. Long on purpose: its sections (messages, cell
// parsing, per-column state, issues and rejects, keys, the block and record paths) work on one
// part of a table in flight, and the block path must give exactly what the record path gives, so
// both stay side by side.
#include "runtime/column/loader.hpp"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <mutex>
#include <system_error>

#include "lang/base/date.hpp"
#include "lang/base/number.hpp"
#include "lang/base/scale.hpp"
#include "lang/base/text.hpp"
#include "runtime/column/csv_reader.hpp"
#include "runtime/column/load_part.hpp"

namespace tally::runtime {

namespace {

constexpr std::size_t kMaxErrors = 100;
constexpr std::size_t kRejectsSpillBytes = 8 << 20;
constexpr std::size_t kShownBytes = 60;
constexpr std::size_t kSampleRows = 1024;

// ---- Text helpers ---------------------------------------------------------------------------

std::string_view trim(std::string_view text) {
  std::size_t b = 0, e = text.size();
  while (b < e && (text[b] == ' ' || text[b] == '\t')) ++b;
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
  return text.substr(b, e - b);
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (lower(a[k]) != lower(b[k])) return false;
  return true;
}

// A cell as quoted in a message: long text is cut at a character boundary.
std::string shown(std::string_view text) {
  // Shown in a message on a terminal: control characters and stray bytes written out visibly.
  if (text.size() <= kShownBytes) return visible(text);
  std::size_t cut = kShownBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return visible(text.substr(0, cut)) + "...";
}

std::string join(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::size_t k = 0; k < names.size(); ++k) {
    if (k > 0) out += ", ";
    out += names[k];
  }
  return out;
}

// ---- Messages: what was found and what to do ------------------------------------------------

std::string msg_cannot_open(const std::string& reason, const std::string& table) {
  return fmt::format("{}; table {} is read from it, so check the folder given with --data", reason,
                     table);
}

std::string msg_empty_file(const std::string& table) {
  return fmt::format(
      "the file is empty; table {} needs a header row naming its columns, then one row per case",
      table);
}

std::string msg_not_declared(const std::string& column, const std::string& table) {
  return fmt::format("column '{}' is not declared in table {}", column, table);
}

std::string msg_bad_layout(const ColumnSchema& c) {
  return fmt::format(
      "column '{}' declares the date layout \"{}\", which is not made of d or dd, m or mm, yyyy "
      "and the separators / - . or space",
      c.name, c.date_format);
}

std::string msg_missing_column(const std::string& column, const std::string& table,
                               const std::string& header, std::string_view near) {
  std::string m = fmt::format("missing column '{}' declared in table {}; the header has: {}",
                              column, table, header);
  if (!near.empty())
    m += fmt::format(" ('{}' differs only in case or spaces: rename it to '{}')", near, column);
  return m;
}

std::string msg_duplicate_header(const std::string& column, std::size_t first, std::size_t again) {
  return fmt::format(
      "column '{}' appears twice in the header (columns {} and {}); rename or remove one", column,
      first, again);
}

std::string msg_field_count(std::size_t found, std::size_t expected) {
  if (found > expected)
    return fmt::format(
        "row has {} fields but the header has {}; quote any cell that contains a comma", found,
        expected);
  return fmt::format(
      "row has {} field{} but the header has {}; give every row a cell, possibly empty, for each "
      "header column",
      found, found == 1 ? "" : "s", expected);
}

std::string msg_blank_line(std::size_t expected) {
  return fmt::format("blank line, but the header has {} columns; remove the blank line", expected);
}

std::string msg_empty_cell(const ColumnSchema& c) {
  return fmt::format(
      "empty cell in column '{}', which is not declared optional; declare it `{}?` if it may be "
      "empty",
      c.name, column_type_name(c.type));
}

std::string msg_not_int(std::string_view cell, const ColumnSchema& c) {
  return fmt::format(
      "cell '{}' in column '{}' is not a whole number; write digits with an optional sign, such "
      "as 42 or -7",
      shown(cell), c.name);
}

std::string msg_int_too_large(std::string_view cell, const ColumnSchema& c) {
  return fmt::format("cell '{}' in column '{}' is too large: whole numbers must lie within +/-{}",
                     shown(cell), c.name, std::numeric_limits<std::int64_t>::max());
}

std::string msg_not_decimal(std::string_view cell, const ColumnSchema& c) {
  return fmt::format(
      "cell '{}' in column '{}' is not a decimal number; write digits with an optional sign and "
      "point, such as 12.5 or -0.25 (no exponents or thousands separators)",
      shown(cell), c.name);
}

std::string msg_too_many_places(std::string_view cell, const ColumnSchema& c) {
  return fmt::format(
      "cell '{}' in column '{}' has more than {} decimal places; round it to at most {}",
      shown(cell), c.name, kMaxScale, kMaxScale);
}

std::string msg_decimal_too_large(std::string_view cell, const ColumnSchema& c, int scale) {
  return fmt::format(
      "cell '{}' in column '{}' is too large to hold exactly with the column's {} decimal places; "
      "round the column's values to fewer places",
      shown(cell), c.name, scale);
}

std::string msg_rescale_overflow(std::string_view cell, const ColumnSchema& c, int scale,
                                 std::int64_t line) {
  return fmt::format(
      "cell '{}' in column '{}' has {} decimal places, and with that many the value at line {} "
      "is too large to hold exactly; round the column's values to fewer places",
      shown(cell), c.name, scale, line);
}

std::string msg_not_date(std::string_view cell, const ColumnSchema& c, const DateFormat& layout) {
  if (layout.year_out_of_range(cell))
    return fmt::format(
        "cell '{}' in column '{}' has a year before {}; dates must lie in the years {} to {}, so "
        "check the year",
        shown(cell), c.name, kMinYear, kMinYear, kMaxYear);
  return fmt::format("cell '{}' in column '{}' is not a date in the layout {}", shown(cell), c.name,
                     layout.layout());
}

std::string msg_not_bool(std::string_view cell, const ColumnSchema& c) {
  return fmt::format(
      "cell '{}' in column '{}' is not a yes/no value; write 1/0, true/false, yes/no or y/n",
      shown(cell), c.name);
}

std::string msg_duplicate_key(std::string_view cell, const ColumnSchema& c, std::int64_t first) {
  return fmt::format(
      "duplicate key '{}' in column '{}' (first at line {}); a key column holds each value once",
      shown(cell), c.name, first);
}

std::string msg_too_many(std::size_t more, const std::string& file) {
  return fmt::format("... and {} more error{} in {}", more, more == 1 ? "" : "s", file);
}

std::string msg_skipped(std::size_t rows, const std::string& table, const std::string& rejects) {
  std::string m =
      fmt::format("skipped {} row{} of {} with bad data", rows, rows == 1 ? "" : "s", table);
  if (!rejects.empty()) m += "; see " + rejects;
  return m;
}

std::string msg_rejects_failed(const std::string& rejects, const std::string& reason) {
  return fmt::format("cannot write the rejects file {} ({}); check that its folder is writable",
                     rejects, reason);
}

// ---- Cell parsing ---------------------------------------------------------------------------

enum class IntRead : std::uint8_t { ok, bad, too_large };

IntRead read_int(std::string_view text, std::int64_t& out) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  if (i == text.size()) return IntRead::bad;
  const std::uint64_t limit =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + (negative ? 1 : 0);
  std::uint64_t v = 0;
  bool too_large = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return IntRead::bad;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (limit - d) / 10) too_large = true;
    if (!too_large) v = v * 10 + d;
  }
  if (too_large) return IntRead::too_large;
  out = negative ? static_cast<std::int64_t>(0 - v) : static_cast<std::int64_t>(v);
  return IntRead::ok;
}

// 1/0, true/false, yes/no, y/n in any case; -1 for anything else.
int read_bool(std::string_view text) {
  char buf[6];
  if (text.empty() || text.size() > 5) return -1;
  for (std::size_t k = 0; k < text.size(); ++k) buf[k] = lower(text[k]);
  const std::string_view t(buf, text.size());
  if (t == "1" || t == "true" || t == "yes" || t == "y") return 1;
  if (t == "0" || t == "false" || t == "no" || t == "n") return 0;
  return -1;
}

// ---- Per-column state -----------------------------------------------------------------------

// One row's converted cells, held until the whole row is known to be good.
struct Cell {
  std::int64_t value = 0;
  bool known = false;
  int scale = 0;          // decimal: the scale `value` is at
  std::string_view text;  // text: the cell, interned only when the row is kept
  const CsvField* field = nullptr;
  bool interned = false;  // text: `value` is its code already (key columns)
};

struct RowIssue {
  std::int64_t line = 0;
  std::int64_t column = 0;
  std::string message;
};

// Texts of kept cells of one column waiting to be interned together (see StringPool::intern_all),
// with the rows whose codes they give.
class TextBatch {
 public:
  static constexpr std::size_t kTexts = 256;
  bool add(std::string_view text, std::size_t row) {
    bytes_.append(text);
    ends_.push_back(bytes_.size());
    rows_.push_back(row);
    return rows_.size() == kTexts;
  }
  void flush(StringPool& pool, std::vector<std::int64_t>& data) {
    const std::size_t n = rows_.size();
    if (n == 0) return;
    views_.resize(n);
    codes_.resize(n);
    for (std::size_t k = 0, from = 0; k < n; from = ends_[k++])
      views_[k] = std::string_view(bytes_.data() + from, ends_[k] - from);
    pool.intern_all(views_.data(), n, codes_.data());
    for (std::size_t k = 0; k < n; ++k) data[rows_[k]] = codes_[k];
    bytes_.clear();
    ends_.clear();
    rows_.clear();
  }

 private:
  std::string bytes_;
  std::vector<std::size_t> ends_;
  std::vector<std::size_t> rows_;
  std::vector<std::string_view> views_;
  std::vector<std::uint32_t> codes_;
};

// Whether every value of `data` still fits in 64 bits once multiplied by 10^by; when one does not,
// `bad` is its row.
bool fits_rescaled(const std::vector<std::int64_t>& data, int by, std::size_t& bad) {
  const std::int64_t limit = std::numeric_limits<std::int64_t>::max() / kPow10[by];
  for (std::size_t r = 0; r < data.size(); ++r) {
    if (data[r] > limit || data[r] < -limit) {
      bad = r;
      return false;
    }
  }
  return true;
}

void rescale(Column& column, LoadSlot& slot, int scale) {
  const std::int64_t factor = kPow10[scale - column.scale];
  for (std::int64_t& v : column.data) v *= factor;
  slot.keys.scale_by(factor);
  column.scale = scale;
}

// Converts one cell into `cell`; on bad data returns false with the message in `bad`, and sets
// `scale_trouble` when the cell failed only because of the scale the column had reached.
bool convert(const LoadSlot& slot, const Column& column, const LineMap& lines,
             const CsvField& field, Cell& cell, std::string& bad, bool& scale_trouble) {
  const ColumnSchema& c = *slot.schema;
  cell.field = &field;
  cell.scale = column.scale;
  cell.value = 0;
  const std::string_view text = slot.type == ColumnType::text ? field.text : trim(field.text);
  cell.known = !text.empty();
  if (!cell.known) {
    if (slot.nullable) return true;
    bad = msg_empty_cell(c);
    return false;
  }
  switch (slot.type) {
    case ColumnType::text:
      cell.text = text;
      return true;
    case ColumnType::integer:
      switch (read_int(text, cell.value)) {
        case IntRead::ok:
          return true;
        case IntRead::bad:
          bad = msg_not_int(text, c);
          return false;
        case IntRead::too_large:
          bad = msg_int_too_large(text, c);
          return false;
      }
      return true;
    case ColumnType::decimal: {
      const int places = decimal_places(text);
      if (places < 0) {
        bad = msg_not_decimal(text, c);
        return false;
      }
      if (places > kMaxScale) {
        bad = msg_too_many_places(text, c);
        return false;
      }
      const int scale = places > column.scale ? places : column.scale;
      const auto units = parse_scaled(text, scale);
      if (!units) {
        bad = msg_decimal_too_large(text, c, scale);
        scale_trouble = true;
        return false;
      }
      std::size_t row = 0;
      if (scale > column.scale && !fits_rescaled(column.data, scale - column.scale, row)) {
        bad = msg_rescale_overflow(text, c, scale, lines[row]);
        scale_trouble = true;
        return false;
      }
      cell.value = *units;
      cell.scale = scale;
      return true;
    }
    case ColumnType::date: {
      const auto day = slot.date->read(text);
      if (!day) {
        bad = msg_not_date(text, c, *slot.date);
        return false;
      }
      cell.value = *day;
      return true;
    }
    case ColumnType::boolean: {
      const int b = read_bool(text);
      if (b < 0) {
        bad = msg_not_bool(text, c);
        return false;
      }
      cell.value = b;
      return true;
    }
  }
  return true;
}

// The line of an earlier row holding the same key as `cell`, or 0. A text cell must be interned.
std::int64_t earlier_key(const LoadSlot& slot, const Column& column, const Cell& cell) {
  if (!cell.known) return 0;
  std::int64_t value = cell.value;
  if (slot.type == ColumnType::decimal && cell.scale > column.scale) {
    const std::int64_t factor = kPow10[cell.scale - column.scale];
    if (value % factor != 0) return 0;
    value /= factor;
  }
  return slot.keys.find(value);
}

// ---- Issues and rejects ---------------------------------------------------------------------

// Errors of one file, the first kMaxErrors kept and the rest counted.
class Errors {
 public:
  Errors(const std::string& file, std::vector<Issue>& out) : file_(file), out_(out) {}
  void add(std::int64_t line, std::int64_t column, std::string message) {
    if (count_++ < kMaxErrors)
      out_.push_back(Issue::in_data(file_, line, column, std::move(message)));
  }
  // Errors already made, `count` of them of which the first are `kept`.
  void add_kept(std::vector<Issue>& kept, std::size_t count) {
    for (Issue& issue : kept)
      if (out_.size() < kMaxErrors) out_.push_back(std::move(issue));
    count_ += count;
  }
  void close() {
    if (count_ > kMaxErrors) {
      out_.push_back(Issue::in_data(file_, 0, 0, msg_too_many(count_ - kMaxErrors, file_)));
      out_.back().more = count_ - kMaxErrors;
    }
  }
  std::size_t count() const { return count_; }

 private:
  const std::string& file_;
  std::vector<Issue>& out_;
  std::size_t count_ = 0;
};

void append_csv_field(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string error_text() { return std::strerror(errno); }

// Whether a key cell of a later part, `value` at `scale` (or `text`), is among the keys of
// `slot`, held at `column`'s scale and as codes of `pool`.
bool among_keys(const LoadSlot& slot, const Column& column, const StringPool& pool,
                std::int64_t value, int scale, std::string_view text) {
  if (slot.type == ColumnType::text) {
    value = pool.find(text);
    if (value < 0) return false;
  } else if (slot.type == ColumnType::decimal && scale > column.scale) {
    const std::int64_t factor = kPow10[scale - column.scale];
    if (value % factor != 0) return false;
    value /= factor;
  } else if (slot.type == ColumnType::decimal && scale < column.scale) {
    const std::int64_t factor = kPow10[column.scale - scale];
    const std::int64_t limit = std::numeric_limits<std::int64_t>::max() / factor;
    if (value > limit || value < -limit) return false;
    value *= factor;
  }
  return slot.keys.find(value) != 0;
}

// Whether no key cell of a row of `second` that reached the key check holds a key of `first`.
bool keys_disjoint(const TablePart& first, const TablePart& second) {
  for (std::size_t k = 0; k < first.slots.size(); ++k) {
    const LoadSlot& slot = first.slots[k];
    if (!slot.key || slot.keys.empty()) continue;
    const Column& mine = first.table.columns[k];
    const Column& theirs = second.table.columns[k];
    if (slot.type == ColumnType::text) {
      // Each text once: 0 unknown, 1 not a key of `first`, 2 a key of `first`.
      std::vector<std::uint8_t> seen(second.pool.size(), 0);
      for (std::size_t r = 0; r < theirs.data.size(); ++r) {
        if (!theirs.validity.known(r)) continue;
        std::uint8_t& s = seen[static_cast<std::size_t>(theirs.data[r])];
        if (s == 0)
          s = among_keys(slot, mine, first.pool, 0, 0, second.pool.text(theirs.data[r])) ? 2 : 1;
        if (s == 2) return false;
      }
    } else {
      for (std::size_t r = 0; r < theirs.data.size(); ++r)
        if (theirs.validity.known(r) &&
            among_keys(slot, mine, first.pool, theirs.data[r], theirs.scale, {}))
          return false;
    }
    for (const TablePart::DuplicateCell& d : second.duplicates)
      if (d.slot == k && among_keys(slot, mine, first.pool, d.value, d.scale, d.text)) return false;
  }
  return true;
}

}  // namespace

// ---- Keys -----------------------------------------------------------------------------------

namespace {
std::size_t key_place(std::int64_t value, std::size_t mask) {
  auto h = static_cast<std::uint64_t>(value);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdu;
  h ^= h >> 33;
  return static_cast<std::size_t>(h) & mask;
}
}  // namespace

std::int64_t KeyLines::find(std::int64_t value) const {
  if (codes_) {
    const auto code = static_cast<std::uint64_t>(value);
    return code < by_code_.size() ? by_code_[code] : 0;
  }
  if (entries_.empty()) return 0;
  const std::size_t mask = entries_.size() - 1;
  for (std::size_t i = key_place(value, mask);; i = (i + 1) & mask) {
    const Entry& e = entries_[i];
    if (e.line == 0) return 0;
    if (e.value == value) return e.line;
  }
}

void KeyLines::add(std::int64_t value, std::int64_t line) {
  if (codes_) {
    const auto code = static_cast<std::size_t>(value);
    if (code >= by_code_.size()) by_code_.resize(code + 1, 0);
    if (by_code_[code] == 0) {
      by_code_[code] = line;
      ++count_;
    }
    return;
  }
  // At most half full.
  if ((count_ + 1) * 2 > entries_.size()) {
    std::vector<Entry> old(entries_.empty() ? 1024 : entries_.size() * 2);
    old.swap(entries_);
    count_ = 0;
    for (const Entry& e : old)
      if (e.line != 0) add(e.value, e.line);
  }
  const std::size_t mask = entries_.size() - 1;
  for (std::size_t i = key_place(value, mask);; i = (i + 1) & mask) {
    Entry& e = entries_[i];
    if (e.line == 0) {
      e = Entry{value, line};
      ++count_;
      return;
    }
    if (e.value == value) return;
  }
}

void KeyLines::scale_by(std::int64_t factor) {
  if (codes_ || count_ == 0 || factor == 1) return;
  std::vector<Entry> old(entries_.size());
  old.swap(entries_);
  count_ = 0;
  for (const Entry& e : old)
    if (e.line != 0) add(e.value * factor, e.line);
}

// ---- Rejects --------------------------------------------------------------------------------

RejectsBuffer::RejectsBuffer(RejectsBuffer&& other) noexcept
    : text_(std::move(other.text_)), spill_(other.spill_), spilled_(other.spilled_) {
  other.spill_ = nullptr;
  other.spilled_ = 0;
}

RejectsBuffer& RejectsBuffer::operator=(RejectsBuffer&& other) noexcept {
  if (this != &other) {
    if (spill_) std::fclose(spill_);
    text_ = std::move(other.text_);
    spill_ = other.spill_;
    spilled_ = other.spilled_;
    other.spill_ = nullptr;
    other.spilled_ = 0;
  }
  return *this;
}

RejectsBuffer::~RejectsBuffer() {
  if (spill_) std::fclose(spill_);
}

void RejectsBuffer::add(const std::string& table, std::int64_t line, std::string_view reason) {
  text_ += table;
  text_ += ',';
  text_ += std::to_string(line);
  text_ += ',';
  append_csv_field(text_, reason);
  text_ += '\n';
  if (text_.size() < kRejectsSpillBytes) return;
  // Past the limit the rows go to a temporary file; without one they stay in memory.
  if (!spill_) spill_ = std::tmpfile();
  if (spill_ && std::fwrite(text_.data(), 1, text_.size(), spill_) == text_.size()) {
    spilled_ += text_.size();
    text_.clear();
  }
}

bool RejectsBuffer::copy_to(std::FILE* out, std::string& error) {
  if (spill_) {
    if (std::fflush(spill_) != 0 || std::fseek(spill_, 0, SEEK_SET) != 0) {
      error = error_text();
      return false;
    }
    std::vector<char> block(1 << 20);
    std::uint64_t left = spilled_;
    while (left > 0) {
      const std::size_t want = left < block.size() ? static_cast<std::size_t>(left) : block.size();
      if (std::fread(block.data(), 1, want, spill_) != want) {
        error = "cannot read back the rejected rows";
        return false;
      }
      if (std::fwrite(block.data(), 1, want, out) != want) {
        error = error_text();
        return false;
      }
      left -= want;
    }
  }
  if (std::fwrite(text_.data(), 1, text_.size(), out) != text_.size()) {
    error = error_text();
    return false;
  }
  return true;
}

// Serialised so that loads on several threads of one run can share the file.
bool write_rejects(const std::filesystem::path& path, std::vector<RejectsBuffer>& buffers,
                   std::string& error) {
  static std::mutex mutex;
  const std::lock_guard<std::mutex> lock(mutex);
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  const auto size = std::filesystem::file_size(path, ec);
  const bool fresh = ec || size == 0;
  std::FILE* f = std::fopen(path.c_str(), "ab");
  if (!f) {
    error = error_text();
    return false;
  }
  bool ok = true;
  if (fresh && std::fputs("table,line,reason\n", f) < 0) {
    error = error_text();
    ok = false;
  }
  for (RejectsBuffer& b : buffers)
    if (ok) ok = b.copy_to(f, error);
  if (std::fclose(f) != 0 && ok) {
    error = error_text();
    ok = false;
  }
  return ok;
}

// ---- Loading --------------------------------------------------------------------------------

std::unique_ptr<TableLayout> read_layout(const TableSchema& schema,
                                         const std::vector<std::string>& columns,
                                         const std::filesystem::path& csv_path,
                                         std::unique_ptr<CsvReader>& reader) {
  reader.reset();
  auto layout = std::make_unique<TableLayout>();
  layout->schema = &schema;
  layout->path = csv_path;
  layout->file = csv_path.string();
  const std::string& file = layout->file;
  Errors errors(file, layout->errors);

  // The asked-for columns as declared, and their date layouts.
  std::vector<LoadSlot>& slots = layout->slots;
  slots.resize(columns.size());
  for (std::size_t k = 0; k < columns.size(); ++k) {
    slots[k].schema = schema.find(columns[k]);
    if (!slots[k].schema) {
      errors.add(0, 0, msg_not_declared(columns[k], schema.name));
      continue;
    }
    slots[k].type = slots[k].schema->type;
    slots[k].nullable = slots[k].schema->nullable;
    slots[k].key = slots[k].schema->key;
    slots[k].keys = KeyLines(slots[k].type == ColumnType::text);
    layout->any_key = layout->any_key || slots[k].key;
    if (slots[k].schema->type != ColumnType::date) continue;
    if (slots[k].schema->date_format.empty()) {
      slots[k].date = &DateFormat::iso();
    } else if (auto parsed = DateFormat::parse(slots[k].schema->date_format)) {
      layout->layouts.push_back(std::make_unique<DateFormat>(std::move(*parsed)));
      slots[k].date = layout->layouts.back().get();
    } else {
      errors.add(0, 0, msg_bad_layout(*slots[k].schema));
    }
  }
  if (errors.count() > 0) {
    errors.close();
    return layout;
  }

  auto opened = std::make_unique<CsvReader>(file);
  std::vector<CsvField> fields;
  if (!opened->next(fields)) {
    const auto& fault = opened->error();
    if (fault && fault->line == 0)
      errors.add(0, 0, msg_cannot_open(fault->message, schema.name));
    else if (fault)
      errors.add(fault->line, fault->column, fault->message);
    else
      errors.add(0, 0, msg_empty_file(schema.name));
    errors.close();
    return layout;
  }

  // Map the asked-for columns onto the header by exact name.
  const std::size_t width = fields.size();
  layout->width = width;
  std::vector<std::string> header;
  header.reserve(width);
  for (const CsvField& f : fields) header.emplace_back(f.text);
  std::vector<std::int64_t> header_columns;
  for (const CsvField& f : fields) header_columns.push_back(f.column);
  const std::int64_t header_line = opened->record_line();
  for (LoadSlot& slot : slots) {
    const std::string& name = slot.schema->name;
    std::size_t found = width;
    for (std::size_t h = 0; h < width; ++h) {
      if (header[h] != name) continue;
      if (found == width) {
        found = h;
      } else {
        errors.add(header_line, header_columns[h], msg_duplicate_header(name, found + 1, h + 1));
        break;
      }
    }
    if (found < width) {
      slot.field = found;
      continue;
    }
    std::string_view near;
    for (const std::string& h : header)
      if (same_ignoring_case(trim(h), name)) near = h;
    std::vector<std::string_view> names(header.begin(), header.end());
    errors.add(header_line, 1, msg_missing_column(name, schema.name, join(names), near));
  }
  if (errors.count() > 0) {
    errors.close();
    return layout;
  }

  std::error_code size_error;
  const auto bytes = std::filesystem::file_size(csv_path, size_error);
  layout->file_bytes = size_error ? 0 : bytes;
  layout->body_known = !opened->blanks_pending();
  layout->body_offset = opened->next_offset();
  layout->body_line = opened->next_line();
  reader = std::move(opened);
  return layout;
}

std::unique_ptr<TablePart> start_part(const TableLayout& layout) {
  auto part = std::make_unique<TablePart>();
  part->slots = layout.slots;
  Table& table = part->table;
  table.name = layout.schema->name;
  table.file = layout.file;
  table.columns.resize(layout.slots.size());
  for (std::size_t k = 0; k < layout.slots.size(); ++k) {
    table.columns[k].name = layout.slots[k].schema->name;
    table.columns[k].type = layout.slots[k].schema->type;
  }
  part->rejects.emplace_back();
  return part;
}

void read_rows(const TableLayout& layout, TablePart& part, CsvReader& reader, StringPool& pool,
               const LoadOptions& options, std::uint64_t range_bytes) {
  const std::string& file = layout.file;
  const std::string& name = layout.schema->name;
  const std::size_t width = layout.width;
  const bool any_key = layout.any_key;
  std::vector<LoadSlot>& slots = part.slots;
  Table& table = part.table;
  const std::size_t count = slots.size();
  const auto add_error = [&](std::int64_t line, std::int64_t column, std::string message) {
    if (part.error_count++ < kMaxErrors)
      part.errors.push_back(Issue::in_data(file, line, column, std::move(message), true));
  };
  if (part.rejects.empty()) part.rejects.emplace_back();
  RejectsBuffer& rejects = part.rejects.back();

  std::vector<CsvField> fields;
  std::vector<Cell> cells(count);
  std::vector<RowIssue> issues;
  std::string bad;
  std::string reason;
  // Text outside key columns is interned a batch at a time; key columns need each row's text in
  // the pool before the next row's key is looked up.
  std::vector<std::unique_ptr<TextBatch>> batches(count);
  for (std::size_t k = 0; k < count; ++k)
    if (slots[k].type == ColumnType::text && !slots[k].key)
      batches[k] = std::make_unique<TextBatch>();
  // The first rows' size gives an estimate of the row count, to size the columns once.
  std::size_t sampled_rows = 0, sampled_bytes = 0;
  const auto sample = [&](std::size_t bytes) {
    if (sampled_rows >= kSampleRows || range_bytes == 0) return;
    sampled_bytes += bytes;
    if (++sampled_rows == kSampleRows && sampled_bytes > 0) {
      const std::size_t rows =
          table.lines.size() + range_bytes / sampled_bytes * kSampleRows / 10 * 11;
      for (Column& column : table.columns) column.data.reserve(rows);
    }
  };
  // The line of an earlier row holding the key of a converted row, for each key column; text
  // keys are interned on the way (a key met before is in the pool already, and one not met
  // before is interned when the row is kept).
  const auto earlier_keys = [&](auto on_duplicate) {
    for (std::size_t k = 0; k < count; ++k) {
      if (!slots[k].key) continue;
      Cell& cell = cells[k];
      if (cell.known && slots[k].type == ColumnType::text) {
        cell.value = pool.intern(cell.text);
        cell.interned = true;
      }
      if (const std::int64_t first = earlier_key(slots[k], table.columns[k], cell))
        on_duplicate(k, first);
    }
  };
  // Adds a row whose cells are converted and good.
  const auto keep = [&](std::int64_t line) {
    for (std::size_t k = 0; k < count; ++k) {
      Column& column = table.columns[k];
      const Cell& cell = cells[k];
      std::int64_t value = cell.value;
      if (slots[k].type == ColumnType::decimal && cell.scale > column.scale)
        rescale(column, slots[k], cell.scale);
      const bool batched = batches[k] && cell.known;
      if (slots[k].type == ColumnType::text && cell.known && !batched && !cell.interned)
        value = pool.intern(cell.text);
      column.data.push_back(value);
      column.validity.push_back(cell.known);
      if (batched && batches[k]->add(cell.text, column.data.size() - 1))
        batches[k]->flush(pool, column.data);
      if (slots[k].key && cell.known) slots[k].keys.add(value, line);
    }
    table.lines.push_back(line);
  };
  constexpr std::size_t kPlainRecords = 1024;
  std::vector<std::uint32_t> cuts;
  std::vector<CsvField> plain_fields(count);
  // One asked column of a block of plain records, converted before any row of it is kept.
  struct BlockColumn {
    std::vector<std::int64_t> values;
    std::vector<std::uint8_t> known;
    std::vector<std::string_view> texts;  // text cells that are known, in row order
    std::vector<std::uint32_t> codes;
  };
  std::vector<BlockColumn> block(count);
  // A block goes column by column: every cell of one column, then the next, up to the first
  // cell that is not good or would raise a decimal column's scale; then the keys, row by row, up
  // to the first met before; the rows before those are added at once. Returns the records kept.
  const auto keep_block = [&](std::string_view text, std::size_t records, std::int64_t line) {
    std::size_t good_rows = records;
    bool no_trouble = false;  // a cell that fails here is read again, and reported, below
    for (std::size_t k = 0; k < count && good_rows > 0; ++k) {
      BlockColumn& b = block[k];
      b.values.resize(records);
      b.known.resize(records);
      b.texts.clear();
      const std::size_t f = slots[k].field;
      const Column& column = table.columns[k];
      CsvField& field = plain_fields[k];
      field.line = line;
      Cell& cell = cells[k];
      const auto cell_text = [&](std::size_t r) {
        return plain_field(text, cuts.data() + r * (width + 1), f);
      };
      // Text and dates, most of the cells, without the general conversion; as convert() does.
      if (slots[k].type == ColumnType::text || slots[k].type == ColumnType::date) {
        const bool is_text = slots[k].type == ColumnType::text;
        const bool nullable = slots[k].nullable;
        const DateFormat& format = is_text ? DateFormat::iso() : *slots[k].date;
        for (std::size_t r = 0; r < good_rows; ++r) {
          const std::string_view cell_text_r = is_text ? cell_text(r) : trim(cell_text(r));
          if (cell_text_r.empty()) {
            if (!nullable) {
              good_rows = r;
              break;
            }
            b.values[r] = 0;
            b.known[r] = 0;
            continue;
          }
          b.known[r] = 1;
          if (is_text) {
            b.values[r] = 0;
            b.texts.push_back(cell_text_r);
            continue;
          }
          const std::optional<Day> day = format.read(cell_text_r);
          if (!day) {
            good_rows = r;
            break;
          }
          b.values[r] = *day;
        }
        continue;
      }
      for (std::size_t r = 0; r < good_rows; ++r) {
        field.text = cell_text(r);
        if (!convert(slots[k], column, table.lines, field, cell, bad, no_trouble) ||
            cell.scale != column.scale) {
          good_rows = r;
          break;
        }
        b.values[r] = cell.value;
        b.known[r] = cell.known;
        if (cell.known && slots[k].type == ColumnType::text) b.texts.push_back(cell.text);
      }
    }
    // The codes of the known texts of rows [0, good_rows) of text column k.
    const auto intern_column = [&](std::size_t k) {
      BlockColumn& b = block[k];
      std::size_t known = 0;
      for (std::size_t r = 0; r < good_rows; ++r) known += b.known[r];
      b.codes.resize(known);
      pool.intern_all(b.texts.data(), known, b.codes.data());
      for (std::size_t r = 0, t = 0; r < good_rows; ++r)
        if (b.known[r]) b.values[r] = b.codes[t++];
    };
    if (any_key && good_rows > 0) {
      // Key texts are interned first: a key met before is in the pool already, and the others
      // belong to rows that are kept now or once the row stopping the block is read.
      for (std::size_t k = 0; k < count; ++k)
        if (slots[k].key && slots[k].type == ColumnType::text) intern_column(k);
      for (std::size_t r = 0; r < good_rows; ++r) {
        bool met = false;
        for (std::size_t k = 0; k < count && !met; ++k)
          met = slots[k].key && block[k].known[r] && slots[k].keys.find(block[k].values[r]) != 0;
        if (met) {
          good_rows = r;
          break;
        }
        for (std::size_t k = 0; k < count; ++k)
          if (slots[k].key && block[k].known[r])
            slots[k].keys.add(block[k].values[r], line + static_cast<std::int64_t>(r));
      }
    }
    if (good_rows == 0) return good_rows;
    for (std::size_t r = 0; r < good_rows && sampled_rows < kSampleRows; ++r) {
      const std::uint32_t* cut = cuts.data() + r * (width + 1);
      sample(cut[width] + 1 - cut[0]);
    }
    for (std::size_t k = 0; k < count; ++k) {
      BlockColumn& b = block[k];
      Column& column = table.columns[k];
      if (slots[k].type == ColumnType::text && !slots[k].key) intern_column(k);
      column.data.insert(column.data.end(), b.values.begin(),
                         b.values.begin() + static_cast<std::ptrdiff_t>(good_rows));
      column.validity.append(b.known.data(), good_rows);
    }
    table.lines.push_run(line, good_rows);
    return good_rows;
  };
  // Plain records (see split_plain) straight from the reader's buffer, up to the first that is
  // not plain or not good: that one is read again below, which reports what is wrong with it.
  const auto read_plain = [&] {
    for (;;) {
      const std::string_view text = reader.lines_ahead();
      if (text.empty()) return;
      const std::size_t bytes = split_plain(text, width, kPlainRecords, cuts);
      const std::size_t records = cuts.size() / (width + 1);
      const std::int64_t line = reader.next_line();
      const std::size_t kept = keep_block(text, records, line);
      // Every record split was kept: read on, unless splitting stopped before the lines' end.
      if (kept == records) {
        reader.take(bytes, static_cast<std::int64_t>(records));
        if (records < kPlainRecords) return;
        continue;
      }
      reader.take(cuts[kept * (width + 1)], static_cast<std::int64_t>(kept));
      return;
    }
  };

  for (;;) {
    if (options.plain_blocks) read_plain();
    if (!reader.next(fields)) break;
    const std::int64_t line = reader.record_line();
    {
      std::size_t bytes = 0;
      for (const CsvField& f : fields) bytes += f.text.size() + 1;
      sample(bytes);
    }
    issues.clear();
    bool converted = false;
    if (fields.size() != width) {
      const bool blank = fields.size() == 1 && fields[0].text.empty();
      issues.push_back(
          {line, 0, blank ? msg_blank_line(width) : msg_field_count(fields.size(), width)});
    } else {
      for (std::size_t k = 0; k < count; ++k) {
        const CsvField& f = fields[slots[k].field];
        cells[k].interned = false;
        if (!convert(slots[k], table.columns[k], table.lines, f, cells[k], bad, part.scale_trouble))
          issues.push_back({f.line, f.column, std::move(bad)});
      }
      converted = issues.empty();
      if (any_key && converted) {
        earlier_keys([&](std::size_t k, std::int64_t first) {
          const std::string_view text =
              slots[k].type == ColumnType::text ? cells[k].field->text : trim(cells[k].field->text);
          issues.push_back({cells[k].field->line, cells[k].field->column,
                            msg_duplicate_key(text, *slots[k].schema, first)});
        });
      }
    }

    if (!issues.empty()) {
      if (converted && part.record_duplicates) {
        for (std::size_t k = 0; k < count; ++k)
          if (slots[k].key && cells[k].known)
            part.duplicates.push_back(
                {k, cells[k].value, cells[k].scale,
                 std::string(slots[k].type == ColumnType::text ? cells[k].text
                                                               : std::string_view())});
      }
      if (!options.lenient) {
        for (RowIssue& issue : issues)
          add_error(issue.line, issue.column, std::move(issue.message));
        continue;
      }
      ++table.rejected;
      if (options.rejects_file.empty()) continue;
      reason.clear();
      for (std::size_t k = 0; k < issues.size(); ++k) {
        if (k > 0) reason += "; ";
        reason += issues[k].message;
      }
      rejects.add(name, line, reason);
      continue;
    }
    keep(line);
  }

  for (std::size_t k = 0; k < count; ++k)
    if (batches[k]) batches[k]->flush(pool, table.columns[k].data);
  if (const auto& fault = reader.error()) part.fault = *fault;
  part.stopped_at_quote = reader.stopped_at_quote();
}

bool join_parts(const TableLayout& layout, TablePart& first, TablePart& second) {
  if (first.fault) return true;  // one pass stops at the fault: `second` is never reached
  if (second.stopped_at_quote || second.scale_trouble) return false;
  const std::size_t count = first.slots.size();

  // Every decimal value must hold at the larger of the two parts' scales: then a single pass
  // meets no scale it cannot hold either.
  std::vector<int> scales(count, 0);
  for (std::size_t k = 0; k < count; ++k) {
    if (first.slots[k].type != ColumnType::decimal) continue;
    const Column& a = first.table.columns[k];
    const Column& b = second.table.columns[k];
    scales[k] = a.scale > b.scale ? a.scale : b.scale;
    std::size_t row = 0;
    if (scales[k] > a.scale && !fits_rescaled(a.data, scales[k] - a.scale, row)) return false;
    if (scales[k] > b.scale && !fits_rescaled(b.data, scales[k] - b.scale, row)) return false;
  }
  // A key of `first` met again in `second` changes which of `second`'s rows a single pass keeps.
  if (layout.any_key && !keys_disjoint(first, second)) return false;

  const std::vector<std::uint32_t> map = merge_pool(first.pool, std::move(second.pool));
  remap_text(second.table, map);
  for (std::size_t k = 0; k < count; ++k) {
    Column& a = first.table.columns[k];
    Column& b = second.table.columns[k];
    if (a.type == ColumnType::decimal) {
      for (Column* c : {&a, &b}) {
        if (c->scale == scales[k]) continue;
        const std::int64_t factor = kPow10[scales[k] - c->scale];
        for (std::int64_t& v : c->data) v *= factor;
        c->scale = scales[k];
      }
    }
    a.data.insert(a.data.end(), b.data.begin(), b.data.end());
    a.validity.append(b.validity);
    // The keys are not carried over: a joined part is not read on.
    first.slots[k].keys = KeyLines();
  }
  Table& table = first.table;
  table.lines.append(second.table.lines);
  table.rejected += second.table.rejected;
  for (Issue& issue : second.errors)
    if (first.errors.size() < kMaxErrors) first.errors.push_back(std::move(issue));
  first.error_count += second.error_count;
  first.fault = second.fault;
  for (RejectsBuffer& b : second.rejects) first.rejects.push_back(std::move(b));
  second = TablePart{};
  return true;
}

std::vector<std::uint32_t> merge_pool(StringPool& into, StringPool&& from) {
  if (into.size() == 0) {
    into = std::move(from);
    return {};
  }
  // No reserve: most texts of one table are often in the pool already (the same ids).
  std::vector<std::uint32_t> map(from.size());
  std::vector<std::string_view> texts;
  texts.reserve(from.size());
  for (std::size_t code = 0; code < from.size(); ++code)
    texts.emplace_back(from.text(static_cast<std::int64_t>(code)));
  into.intern_all(texts.data(), texts.size(), map.data());
  return map;
}

void remap_text(Table& table, const std::vector<std::uint32_t>& map) {
  if (map.empty()) return;
  for (Column& column : table.columns) {
    if (column.type != ColumnType::text) continue;
    std::vector<std::int64_t>& data = column.data;
    if (column.validity.all_known()) {
      for (std::int64_t& v : data) v = map[static_cast<std::size_t>(v)];
      continue;
    }
    for (std::size_t r = 0; r < data.size(); ++r)
      if (column.validity.known(r)) data[r] = map[static_cast<std::size_t>(data[r])];
  }
}

std::optional<std::string> write_part_rejects(TablePart* part, const LoadOptions& options) {
  if (!part || !options.lenient || options.rejects_file.empty()) return std::nullopt;
  bool any = false;
  for (const RejectsBuffer& b : part->rejects) any = any || !b.empty();
  if (!any) return std::nullopt;
  std::string error;
  if (write_rejects(options.rejects_file, part->rejects, error)) return std::nullopt;
  return error;
}

LoadResult finish_load(const TableLayout& layout, std::unique_ptr<TablePart> part,
                       const LoadOptions& options,
                       const std::optional<std::string>& rejects_error) {
  LoadResult result;
  if (!part) {
    result.errors = layout.errors;
    return result;
  }
  const std::string& file = layout.file;
  Errors errors(file, result.errors);
  errors.add_kept(part->errors, part->error_count);
  if (part->fault) errors.add(part->fault->line, part->fault->column, part->fault->message);
  if (rejects_error)
    errors.add(0, 0, msg_rejects_failed(options.rejects_file.string(), *rejects_error));
  errors.close();
  if (errors.count() > 0) return result;

  Table& table = part->table;
  if (table.rejected > 0)
    result.warnings.push_back(Issue::in_data(
        file, 0, 0,
        msg_skipped(table.rejected, layout.schema->name, options.rejects_file.string())));
  result.table = std::move(table);
  return result;
}

LoadResult load_table(const TableSchema& schema, const std::vector<std::string>& columns,
                      const std::filesystem::path& csv_path, StringPool& pool,
                      const LoadOptions& options) {
  std::unique_ptr<CsvReader> reader;
  const auto layout = read_layout(schema, columns, csv_path, reader);
  if (!reader) return finish_load(*layout, nullptr, options, std::nullopt);
  auto part = start_part(*layout);
  read_rows(*layout, *part, *reader, pool, options, layout->file_bytes);
  const auto rejects_error = write_part_rejects(part.get(), options);
  return finish_load(*layout, std::move(part), options, rejects_error);
}

}  // namespace tally::runtime

namespace tally::runtime {

bool convert_cell(const LoadSlot& slot, const Column& column, const LineMap& lines,
                  std::string_view text, CellValue& out, std::string& bad) {
  CsvField field;
  field.text = text;
  Cell cell;
  bool scale_trouble = false;
  const bool ok = convert(slot, column, lines, field, cell, bad, scale_trouble);
  out.value = cell.value;
  out.known = cell.known;
  out.scale = cell.scale;
  return ok;
}

std::string message_duplicate_key(std::string_view cell, const ColumnSchema& c,
                                  std::int64_t first) {
  return msg_duplicate_key(cell, c, first);
}
std::string message_too_many(std::size_t more, const std::string& file) {
  return msg_too_many(more, file);
}
std::string message_skipped(std::size_t rows, const std::string& table,
                            const std::string& rejects) {
  return msg_skipped(rows, table, rejects);
}
std::string message_rejects_failed(const std::string& rejects, const std::string& reason) {
  return msg_rejects_failed(rejects, reason);
}
std::string message_not_declared(const std::string& column, const std::string& table) {
  return msg_not_declared(column, table);
}
std::string message_bad_layout(const ColumnSchema& c) { return msg_bad_layout(c); }
std::string message_missing_column(const std::string& column, const std::string& table,
                                   const std::string& header, std::string_view near) {
  return msg_missing_column(column, table, header, near);
}
std::string message_empty_cell(const ColumnSchema& c) { return msg_empty_cell(c); }

}  // namespace tally::runtime
