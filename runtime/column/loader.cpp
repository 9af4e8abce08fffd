#include "runtime/column/loader.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <limits>
#include <mutex>
#include <system_error>
#include <unordered_map>

#include "lang/base/date.hpp"
#include "lang/base/number.hpp"
#include "runtime/column/csv_reader.hpp"

namespace tally::runtime {

namespace {

using plan::ColumnSchema;
using plan::ColumnType;

constexpr std::size_t kMaxErrors = 100;
constexpr int kMaxScale = 18;
constexpr std::size_t kRejectsFlushBytes = 1 << 20;
constexpr std::size_t kShownBytes = 60;
constexpr std::size_t kSampleRows = 1024;

constexpr std::array<std::int64_t, kMaxScale + 1> kPow10 = [] {
  std::array<std::int64_t, kMaxScale + 1> p{};
  p[0] = 1;
  for (std::size_t k = 1; k < p.size(); ++k) p[k] = p[k - 1] * 10;
  return p;
}();

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
  if (text.size() <= kShownBytes) return std::string(text);
  std::size_t cut = kShownBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
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
      c.name, plan::column_type_name(c.type));
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

struct Slot {
  const ColumnSchema* schema = nullptr;
  ColumnType type = ColumnType::text;
  bool nullable = false;
  bool key = false;
  std::size_t field = 0;  // index of the column in the header
  const DateFormat* date = nullptr;
  // Key columns: value (at the column's current scale) -> line of the row that holds it.
  std::unordered_map<std::int64_t, std::int64_t> keys;
};

// One row's converted cells, held until the whole row is known to be good.
struct Cell {
  std::int64_t value = 0;
  bool known = false;
  int scale = 0;          // decimal: the scale `value` is at
  std::string_view text;  // text: the cell, interned only when the row is kept
  const CsvField* field = nullptr;
};

struct RowIssue {
  std::int64_t line = 0;
  std::int64_t column = 0;
  std::string message;
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

void rescale(Column& column, Slot& slot, int scale) {
  const std::int64_t factor = kPow10[scale - column.scale];
  for (std::int64_t& v : column.data) v *= factor;
  if (!slot.keys.empty()) {
    std::unordered_map<std::int64_t, std::int64_t> keys;
    keys.reserve(slot.keys.size());
    for (const auto& [value, line] : slot.keys) keys.emplace(value * factor, line);
    slot.keys = std::move(keys);
  }
  column.scale = scale;
}

// Converts one cell into `cell`; on bad data returns false with the message in `bad`.
bool convert(const Slot& slot, const Column& column, const std::vector<std::int64_t>& lines,
             const CsvField& field, Cell& cell, std::string& bad) {
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
        return false;
      }
      std::size_t row = 0;
      if (scale > column.scale && !fits_rescaled(column.data, scale - column.scale, row)) {
        bad = msg_rescale_overflow(text, c, scale, lines[row]);
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

// The line of an earlier row holding the same key as `cell`, or 0.
std::int64_t earlier_key(const Slot& slot, const Column& column, const Cell& cell,
                         const StringPool& pool) {
  if (!cell.known) return 0;
  std::int64_t value = cell.value;
  if (slot.type == ColumnType::text) {
    value = pool.find(cell.text);
    if (value < 0) return 0;
  } else if (slot.type == ColumnType::decimal && cell.scale > column.scale) {
    const std::int64_t factor = kPow10[cell.scale - column.scale];
    if (value % factor != 0) return 0;
    value /= factor;
  }
  const auto it = slot.keys.find(value);
  return it == slot.keys.end() ? 0 : it->second;
}

// ---- Issues and rejects ---------------------------------------------------------------------

// Errors of one file, the first kMaxErrors kept and the rest counted.
class Errors {
 public:
  Errors(const std::string& file, std::vector<LoadIssue>& out) : file_(file), out_(out) {}
  void add(std::int64_t line, std::int64_t column, std::string message) {
    if (count_++ < kMaxErrors) out_.push_back(LoadIssue{file_, line, column, std::move(message)});
  }
  void close() {
    if (count_ > kMaxErrors)
      out_.push_back(LoadIssue{file_, 0, 0, msg_too_many(count_ - kMaxErrors, file_)});
  }
  std::size_t count() const { return count_; }

 private:
  const std::string& file_;
  std::vector<LoadIssue>& out_;
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

// Appends `text` (rows of table,line,reason) to the rejects file, creating it and its folder, with
// a header when the file is new or empty. Serialised so that tables loaded on several threads of
// one run can share the file.
bool flush_rejects(const std::filesystem::path& path, std::string& text, std::string& error) {
  static std::mutex mutex;
  const std::lock_guard<std::mutex> lock(mutex);
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  const auto size = std::filesystem::file_size(path, ec);
  const bool fresh = ec || size == 0;
  std::FILE* f = std::fopen(path.c_str(), "ab");
  if (!f) {
    error = std::strerror(errno);
    return false;
  }
  bool ok = true;
  if (fresh) ok = std::fputs("table,line,reason\n", f) >= 0;
  ok = ok && std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (!ok) error = std::strerror(errno);
  if (std::fclose(f) != 0 && ok) {
    error = std::strerror(errno);
    ok = false;
  }
  text.clear();
  return ok;
}

}  // namespace

std::string LoadIssue::render(const char* severity) const {
  std::string out = file;
  if (line > 0) {
    out += fmt::format(":{}", line);
    if (column > 0) out += fmt::format(":{}", column);
  }
  return out + fmt::format(": {}: {}", severity, message);
}

LoadResult load_table(const plan::TableSchema& schema, const std::vector<std::string>& columns,
                      const std::filesystem::path& csv_path, StringPool& pool,
                      const LoadOptions& options) {
  LoadResult result;
  const std::string file = csv_path.string();
  Errors errors(file, result.errors);

  // The asked-for columns as declared, and their date layouts.
  std::vector<Slot> slots(columns.size());
  std::vector<std::optional<DateFormat>> layouts(columns.size());
  for (std::size_t k = 0; k < columns.size(); ++k) {
    slots[k].schema = schema.find(columns[k]);
    if (!slots[k].schema) {
      errors.add(0, 0, msg_not_declared(columns[k], schema.name));
      continue;
    }
    slots[k].type = slots[k].schema->type;
    slots[k].nullable = slots[k].schema->nullable;
    slots[k].key = slots[k].schema->key;
    if (slots[k].schema->type != ColumnType::date) continue;
    if (slots[k].schema->date_format.empty()) {
      slots[k].date = &DateFormat::iso();
    } else {
      layouts[k] = DateFormat::parse(slots[k].schema->date_format);
      if (layouts[k])
        slots[k].date = &*layouts[k];
      else
        errors.add(0, 0, msg_bad_layout(*slots[k].schema));
    }
  }
  if (errors.count() > 0) {
    errors.close();
    return result;
  }

  CsvReader reader(file);
  std::vector<CsvField> fields;
  if (!reader.next(fields)) {
    if (reader.error() && reader.error()->line == 0)
      errors.add(0, 0, msg_cannot_open(reader.error()->message, schema.name));
    else if (reader.error())
      errors.add(reader.error()->line, reader.error()->column, reader.error()->message);
    else
      errors.add(0, 0, msg_empty_file(schema.name));
    errors.close();
    return result;
  }

  // Map the asked-for columns onto the header by exact name.
  const std::size_t width = fields.size();
  std::vector<std::string> header;
  header.reserve(width);
  for (const CsvField& f : fields) header.emplace_back(f.text);
  std::vector<std::int64_t> header_columns;
  for (const CsvField& f : fields) header_columns.push_back(f.column);
  const std::int64_t header_line = reader.record_line();
  for (Slot& slot : slots) {
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
    return result;
  }

  Table table;
  table.name = schema.name;
  table.file = file;
  table.columns.resize(slots.size());
  for (std::size_t k = 0; k < slots.size(); ++k) {
    table.columns[k].name = slots[k].schema->name;
    table.columns[k].type = slots[k].schema->type;
  }

  const std::size_t count = slots.size();
  bool any_key = false;
  for (const Slot& slot : slots) any_key = any_key || slot.key;
  std::vector<Cell> cells(count);
  std::vector<RowIssue> issues;
  std::string bad;
  std::string rejects;
  bool rejects_ok = true;
  std::string rejects_error;
  // The first rows' size gives an estimate of the row count, to size the columns once.
  std::size_t sampled_rows = 0, sampled_bytes = 0;
  std::error_code size_error;
  const auto file_bytes = std::filesystem::file_size(csv_path, size_error);

  while (reader.next(fields)) {
    const std::int64_t line = reader.record_line();
    if (sampled_rows < kSampleRows && !size_error) {
      for (const CsvField& f : fields) sampled_bytes += f.text.size() + 1;
      if (++sampled_rows == kSampleRows && sampled_bytes > 0) {
        const std::size_t rows = file_bytes / sampled_bytes * kSampleRows / 10 * 11;
        table.lines.reserve(rows);
        for (Column& column : table.columns) column.data.reserve(rows);
      }
    }
    issues.clear();
    if (fields.size() != width) {
      const bool blank = fields.size() == 1 && fields[0].text.empty();
      issues.push_back(
          {line, 0, blank ? msg_blank_line(width) : msg_field_count(fields.size(), width)});
    } else {
      for (std::size_t k = 0; k < count; ++k) {
        const CsvField& f = fields[slots[k].field];
        if (!convert(slots[k], table.columns[k], table.lines, f, cells[k], bad))
          issues.push_back({f.line, f.column, std::move(bad)});
      }
      if (any_key && issues.empty()) {
        for (std::size_t k = 0; k < count; ++k) {
          if (!slots[k].key) continue;
          if (const std::int64_t first = earlier_key(slots[k], table.columns[k], cells[k], pool)) {
            const std::string_view text = slots[k].type == ColumnType::text
                                              ? cells[k].field->text
                                              : trim(cells[k].field->text);
            issues.push_back({cells[k].field->line, cells[k].field->column,
                              msg_duplicate_key(text, *slots[k].schema, first)});
          }
        }
      }
    }

    if (!issues.empty()) {
      if (!options.lenient) {
        for (RowIssue& issue : issues)
          errors.add(issue.line, issue.column, std::move(issue.message));
        continue;
      }
      ++table.rejected;
      if (options.rejects_file.empty()) continue;
      rejects += schema.name;
      rejects += ',';
      rejects += std::to_string(line);
      rejects += ',';
      std::string reason;
      for (std::size_t k = 0; k < issues.size(); ++k) {
        if (k > 0) reason += "; ";
        reason += issues[k].message;
      }
      append_csv_field(rejects, reason);
      rejects += '\n';
      if (rejects.size() >= kRejectsFlushBytes && rejects_ok)
        rejects_ok = flush_rejects(options.rejects_file, rejects, rejects_error);
      continue;
    }

    for (std::size_t k = 0; k < count; ++k) {
      Column& column = table.columns[k];
      const Cell& cell = cells[k];
      std::int64_t value = cell.value;
      if (slots[k].type == ColumnType::decimal && cell.scale > column.scale)
        rescale(column, slots[k], cell.scale);
      if (slots[k].type == ColumnType::text && cell.known) value = pool.intern(cell.text);
      column.data.push_back(value);
      column.validity.push_back(cell.known);
      if (slots[k].key && cell.known) slots[k].keys.emplace(value, line);
    }
    table.lines.push_back(line);
  }

  if (const auto& fault = reader.error()) errors.add(fault->line, fault->column, fault->message);
  if (!rejects.empty() && rejects_ok && !options.rejects_file.empty())
    rejects_ok = flush_rejects(options.rejects_file, rejects, rejects_error);
  if (!rejects_ok)
    errors.add(0, 0, msg_rejects_failed(options.rejects_file.string(), rejects_error));
  errors.close();
  if (errors.count() > 0) return result;

  if (table.rejected > 0)
    result.warnings.push_back(LoadIssue{
        file, 0, 0, msg_skipped(table.rejected, schema.name, options.rejects_file.string())});
  result.table = std::move(table);
  return result;
}

}  // namespace tally::runtime
