// The workbook reader: the parts of an .xlsx it needs (workbook, relationships, shared strings,
// one sheet) each parsed by expat straight out of the zip, the sheet a row at a time.
#include "runtime/column/xlsx_reader.hpp"

#include <expat.h>
#include <fmt/format.h>
#include <unistd.h>
#include <zip.h>

#include <cstdio>
#include <cstring>
#include <memory>

#include "lang/base/text.hpp"
#include "runtime/column/csv_reader.hpp"
#include "runtime/column/row_builder.hpp"

namespace tally::runtime {

namespace {

constexpr std::size_t kMaxCellBytes = 1 << 20;
constexpr std::size_t kMaxSharedBytes = std::size_t{512} << 20;
constexpr std::uint64_t kMaxPartBytes = std::uint64_t{8} << 30;
constexpr std::size_t kHeaderRows = 100;
constexpr std::int64_t kMaxColumns = 16384;  // XFD, Excel's last column

// The local part of an element or attribute name (`x:row` is `row`).
std::string_view local(const char* name) {
  const char* colon = std::strrchr(name, ':');
  return colon ? std::string_view(colon + 1) : std::string_view(name);
}

const char* attribute(const XML_Char** atts, std::string_view want) {
  for (std::size_t k = 0; atts[k]; k += 2)
    if (local(atts[k]) == want) return atts[k + 1];
  return nullptr;
}

std::string shown(std::string_view text) {
  if (text.size() <= 40) return visible(text);
  std::size_t cut = 40;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return visible(text.substr(0, cut)) + "...";
}

std::string_view trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r'))
    --e;
  return s.substr(b, e - b);
}

// "C14" as a column index from 0 and a row from 1; false when it is not a cell reference.
bool cell_reference(std::string_view ref, std::int64_t& column, std::int64_t& row) {
  std::size_t i = 0;
  std::int64_t c = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z' && c <= kMaxColumns)
    c = c * 26 + (ref[i++] - 'A' + 1);
  if (i == 0 || c > kMaxColumns) return false;
  std::int64_t r = 0;
  const std::size_t digits = i;
  while (i < ref.size() && ref[i] >= '0' && ref[i] <= '9' && r < (std::int64_t{1} << 40))
    r = r * 10 + (ref[i++] - '0');
  if (i != ref.size() || i == digits || r == 0) return false;
  column = c - 1;
  row = r;
  return true;
}

std::string column_letters(std::int64_t column) {
  std::string out;
  for (std::int64_t c = column + 1; c > 0; c = (c - 1) / 26)
    out.insert(out.begin(), static_cast<char>('A' + (c - 1) % 26));
  return out;
}

// The workbook once opened: the zip, closed when it goes.
struct Zip {
  zip_t* zip = nullptr;
  ~Zip() {
    if (zip) zip_discard(zip);
  }
};

// Opens `path` as a zip (a regular file only); null with `error` set otherwise.
bool open_zip(const std::filesystem::path& path, Zip& out, std::string& error) {
  std::FILE* f = open_regular_file(path.string(), error);
  if (!f) return false;
  const int fd = dup(fileno(f));
  std::fclose(f);
  if (fd < 0) {
    error = "cannot open the file";
    return false;
  }
  int code = 0;
  out.zip = zip_fdopen(fd, ZIP_RDONLY, &code);
  if (!out.zip) {
    close(fd);
    error = "the file is not an Excel workbook (.xlsx is a zip file, and this is not one)";
    return false;
  }
  return true;
}

// Feeds entry `name` of the zip to `parser`. False with `error` set when the entry is missing
// (`missing` set), cannot be read, is not well-formed XML, or declares a DOCTYPE (`stop`, set by
// refuse_doctype).
bool parse_entry(zip_t* zip, const std::string& name, XML_Parser parser, std::string& error,
                 bool& missing, const bool& stop) {
  missing = false;
  zip_file_t* f = zip_fopen(zip, name.c_str(), 0);
  if (!f) {
    missing = true;
    error = fmt::format("the workbook has no part {}", name);
    return false;
  }
  XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER);
  constexpr std::size_t kBlock = 1 << 16;
  std::uint64_t total = 0;
  bool ok = true;
  for (;;) {
    void* buffer = XML_GetBuffer(parser, kBlock);
    if (!buffer) {
      zip_fclose(f);
      throw std::bad_alloc();
    }
    const zip_int64_t got = zip_fread(f, buffer, kBlock);
    if (got < 0) {
      error = fmt::format("the workbook's part {} cannot be read (the zip is damaged)", name);
      ok = false;
      break;
    }
    total += static_cast<std::uint64_t>(got);
    if (total > kMaxPartBytes) {
      error = fmt::format("the workbook's part {} is larger than 8 GiB", name);
      ok = false;
      break;
    }
    const bool last = got == 0;
    if (XML_ParseBuffer(parser, static_cast<int>(got), last) == XML_STATUS_ERROR) {
      if (!stop)
        error = fmt::format("the workbook's part {} is not well-formed XML (line {}: {})", name,
                            XML_GetCurrentLineNumber(parser),
                            XML_ErrorString(XML_GetErrorCode(parser)));
      ok = false;
      break;
    }
    if (last) break;
  }
  zip_fclose(f);
  if (stop) {
    error = "the workbook declares a DOCTYPE, which an Excel workbook never does";
    return false;
  }
  return ok;
}

struct Parser {
  XML_Parser p = XML_ParserCreate(nullptr);
  Parser() {
    if (!p) throw std::bad_alloc();
  }
  ~Parser() { XML_ParserFree(p); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
};

void XMLCALL refuse_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int);

// ---- Workbook: sheets, their parts, the date system ------------------------------------------

struct Sheet {
  std::string name;
  std::string rel;
  std::string part;
};

struct Workbook {
  std::vector<Sheet> sheets;
  bool date1904 = false;
  std::string shared_part = "xl/sharedStrings.xml";
  bool stop = false;
  XML_Parser parser = nullptr;
};

void XMLCALL refuse_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto* stop = static_cast<bool*>(data);
  *stop = true;
}

// Reads the workbook part and its relationships; false with `error`.
bool read_workbook(zip_t* zip, Workbook& book, std::string& error) {
  bool missing = false;
  {
    Parser parser;
    struct State {
      bool stop = false;  // first: refuse_doctype sets it
      Workbook* book;
    } state{false, &book};
    XML_SetUserData(parser.p, &state);
    XML_SetStartDoctypeDeclHandler(parser.p, &refuse_doctype);
    XML_SetStartElementHandler(parser.p, [](void* d, const XML_Char* name, const XML_Char** atts) {
      auto* s = static_cast<State*>(d);
      const std::string_view n = local(name);
      if (n == "sheet") {
        const char* sheet_name = attribute(atts, "name");
        const char* id = attribute(atts, "id");
        if (s->book->sheets.size() < 10000)
          s->book->sheets.push_back({sheet_name ? sheet_name : "", id ? id : "", ""});
      } else if (n == "workbookPr") {
        const char* d1904 = attribute(atts, "date1904");
        if (d1904 && (std::strcmp(d1904, "1") == 0 || std::strcmp(d1904, "true") == 0))
          s->book->date1904 = true;
      }
    });
    if (!parse_entry(zip, "xl/workbook.xml", parser.p, error, missing, state.stop)) return false;
  }
  {
    Parser parser;
    struct State {
      bool stop = false;
      Workbook* book;
    } state{false, &book};
    XML_SetUserData(parser.p, &state);
    XML_SetStartDoctypeDeclHandler(parser.p, &refuse_doctype);
    XML_SetStartElementHandler(parser.p, [](void* d, const XML_Char* name, const XML_Char** atts) {
      auto* s = static_cast<State*>(d);
      if (local(name) != "Relationship") return;
      const char* id = attribute(atts, "Id");
      const char* target = attribute(atts, "Target");
      const char* type = attribute(atts, "Type");
      if (!id || !target) return;
      std::string part = target;
      if (!part.empty() && part[0] == '/')
        part.erase(0, 1);
      else
        part = "xl/" + part;
      for (Sheet& sheet : s->book->sheets)
        if (sheet.rel == id) sheet.part = part;
      if (type && std::string_view(type).ends_with("/sharedStrings")) s->book->shared_part = part;
    });
    if (!parse_entry(zip, "xl/_rels/workbook.xml.rels", parser.p, error, missing, state.stop))
      return false;
  }
  return true;
}

// ---- Shared strings -----------------------------------------------------------------------

bool read_shared(zip_t* zip, const std::string& part, std::vector<std::string>& out,
                 std::string& error) {
  Parser parser;
  struct State {
    bool stop = false;
    std::vector<std::string>* out;
    int phonetic = 0;  // inside <rPh>: a reading aid, not the text
    bool in_t = false;
    bool in_si = false;
    std::size_t bytes = 0;
    bool too_big = false;
  } state{false, &out};
  XML_SetUserData(parser.p, &state);
  XML_SetStartDoctypeDeclHandler(parser.p, &refuse_doctype);
  XML_SetElementHandler(
      parser.p,
      [](void* d, const XML_Char* name, const XML_Char**) {
        auto* s = static_cast<State*>(d);
        const std::string_view n = local(name);
        if (n == "si") {
          s->out->emplace_back();
          s->in_si = true;
        } else if (n == "rPh") {
          ++s->phonetic;
        } else if (n == "t") {
          s->in_t = s->in_si && s->phonetic == 0;
        }
      },
      [](void* d, const XML_Char* name) {
        auto* s = static_cast<State*>(d);
        const std::string_view n = local(name);
        if (n == "si") s->in_si = false;
        if (n == "rPh" && s->phonetic > 0) --s->phonetic;
        if (n == "t") s->in_t = false;
      });
  XML_SetCharacterDataHandler(parser.p, [](void* d, const XML_Char* text, int len) {
    auto* s = static_cast<State*>(d);
    if (!s->in_t || s->out->empty()) return;
    s->bytes += static_cast<std::size_t>(len);
    if (s->bytes > kMaxSharedBytes) {
      s->too_big = true;
      return;
    }
    s->out->back().append(text, static_cast<std::size_t>(len));
  });
  bool missing = false;
  if (!parse_entry(zip, part, parser.p, error, missing, state.stop)) {
    if (missing) {
      error.clear();
      return true;  // a workbook without shared strings has none to refer to
    }
    return false;
  }
  if (state.too_big) {
    error = "the workbook's shared strings hold more than 512 MiB of text";
    return false;
  }
  return true;
}

// ---- The sheet, row by row ------------------------------------------------------------------

struct Cell {
  std::int64_t column = 0;
  std::string text;
  std::string type;  // the t attribute: s, str, inlineStr, b, e, d, n or empty
};

struct SheetRow {
  std::int64_t row = 0;
  std::vector<Cell> cells;
};

class SheetReader {
 public:
  using OnRow = void (*)(void*, SheetRow&);
  SheetReader(OnRow on_row, void* data) : on_row_(on_row), data_(data) {}

  bool read(zip_t* zip, const std::string& part, std::string& error) {
    Parser parser;
    parser_ = parser.p;
    XML_SetUserData(parser.p, this);
    XML_SetStartDoctypeDeclHandler(
        parser.p, [](void* d, const XML_Char*, const XML_Char*, const XML_Char*, int) {
          auto* self = static_cast<SheetReader*>(d);
          self->halt("the sheet declares a DOCTYPE, which an Excel workbook never does");
        });
    XML_SetElementHandler(parser.p, &SheetReader::on_start, &SheetReader::on_end);
    XML_SetCharacterDataHandler(parser.p, &SheetReader::on_text);
    bool missing = false;
    const bool ok = parse_entry(zip, part, parser.p, error, missing, stopped_);
    if (stopped_) {
      error = stop_reason_;
      return false;
    }
    return ok;
  }
  void halt(std::string reason) {
    if (stopped_) return;
    stopped_ = true;
    stop_reason_ = std::move(reason);
    XML_StopParser(parser_, XML_FALSE);
  }

 private:
  static void XMLCALL on_start(void* d, const XML_Char* name, const XML_Char** atts) {
    auto* self = static_cast<SheetReader*>(d);
    if (self->stopped_) return;
    const std::string_view n = local(name);
    if (n == "sheetData") {
      self->in_data_ = true;
    } else if (!self->in_data_) {
      return;
    } else if (n == "row") {
      self->row_.cells.clear();
      const char* r = attribute(atts, "r");
      std::int64_t number = self->row_.row + 1;
      if (r) {
        number = 0;
        for (const char* c = r; *c; ++c) {
          if (*c < '0' || *c > '9' || number > (std::int64_t{1} << 40)) {
            number = -1;
            break;
          }
          number = number * 10 + (*c - '0');
        }
      }
      if (number <= self->row_.row) {
        self->halt(fmt::format("row '{}' of the sheet is out of order", shown(r ? r : "")));
        return;
      }
      self->row_.row = number;
      self->next_column_ = 0;
    } else if (n == "c") {
      Cell cell;
      const char* r = attribute(atts, "r");
      std::int64_t column = self->next_column_, row = self->row_.row;
      if (r && (!cell_reference(r, column, row) || row != self->row_.row)) {
        self->halt(fmt::format("cell reference '{}' in row {} is not a cell of that row", shown(r),
                               self->row_.row));
        return;
      }
      if (column < self->next_column_ || column >= kMaxColumns) {
        self->halt(
            fmt::format("cell '{}' is out of order in row {}", shown(r ? r : ""), self->row_.row));
        return;
      }
      self->next_column_ = column + 1;
      cell.column = column;
      const char* t = attribute(atts, "t");
      if (t) cell.type = t;
      self->row_.cells.push_back(std::move(cell));
      self->in_cell_ = true;
    } else if (n == "v" && self->in_cell_) {
      self->collect_ = true;
    } else if (n == "is" && self->in_cell_) {
      self->in_inline_ = true;
    } else if (n == "rPh") {
      ++self->phonetic_;
    } else if (n == "t" && self->in_inline_ && self->phonetic_ == 0) {
      self->collect_ = true;
    }
  }
  static void XMLCALL on_end(void* d, const XML_Char* name) {
    auto* self = static_cast<SheetReader*>(d);
    if (self->stopped_) return;
    const std::string_view n = local(name);
    if (n == "sheetData") {
      self->in_data_ = false;
    } else if (n == "row" && self->in_data_) {
      self->on_row_(self->data_, self->row_);
    } else if (n == "c") {
      self->in_cell_ = false;
      self->in_inline_ = false;
    } else if (n == "v" || n == "t") {
      self->collect_ = false;
    } else if (n == "is") {
      self->in_inline_ = false;
    } else if (n == "rPh" && self->phonetic_ > 0) {
      --self->phonetic_;
    }
  }
  static void XMLCALL on_text(void* d, const XML_Char* text, int len) {
    auto* self = static_cast<SheetReader*>(d);
    if (!self->collect_ || self->stopped_ || self->row_.cells.empty()) return;
    std::string& out = self->row_.cells.back().text;
    if (out.size() + static_cast<std::size_t>(len) > kMaxCellBytes) {
      self->halt(fmt::format("a cell of row {} holds more than 1 MiB of text", self->row_.row));
      return;
    }
    out.append(text, static_cast<std::size_t>(len));
  }

  OnRow on_row_;
  void* data_;
  XML_Parser parser_ = nullptr;
  SheetRow row_;
  std::int64_t next_column_ = 0;
  int phonetic_ = 0;
  bool in_data_ = false, in_cell_ = false, in_inline_ = false, collect_ = false;
  bool stopped_ = false;
  std::string stop_reason_;
};

// ---- The table from the sheet ---------------------------------------------------------------

// A sheet's name as Excel writes it in a reference: quoted when it is not one plain word.
std::string sheet_reference(const std::string& sheet) {
  bool plain = !sheet.empty();
  for (char c : sheet)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      plain = false;
  if (plain) return visible(sheet);
  std::string quoted = "'";
  for (char c : sheet) {
    if (c == '\'') quoted += '\'';
    quoted += c;
  }
  return visible(quoted + "'");
}

class Places final : public RowPlaces {
 public:
  Places(const std::string& sheet, const std::vector<std::int64_t>& columns, std::int64_t row)
      : sheet_(sheet), columns_(columns), row_(row) {}
  std::string place(std::size_t k) const override {
    return fmt::format("{}!{}{}", sheet_reference(sheet_), column_letters(columns_[k]), row_);
  }

 private:
  const std::string& sheet_;
  const std::vector<std::int64_t>& columns_;
  std::int64_t row_;
};

class TableFromSheet {
 public:
  TableFromSheet(RowBuilder& builder, const std::vector<std::string>& shared, bool date1904,
                 std::string sheet)
      : builder_(builder), shared_(shared), date1904_(date1904), sheet_(std::move(sheet)) {
    cells_.resize(builder.width());
    texts_.resize(builder.width());
  }

  static void on_row(void* self, SheetRow& row) { static_cast<TableFromSheet*>(self)->row(row); }

  void finish() {
    if (header_found_ || builder_.failed()) return;
    if (first_row_ == 0) {
      builder_.fail(0, 0,
                    fmt::format("sheet {} is empty; table {} needs a header row naming its "
                                "columns, then one row per case",
                                sheet_, builder_.table_name()));
      return;
    }
    report_missing(first_, first_row_);
  }

 private:
  // The text of a cell as a header or text; `bad` set for an error value or a missing string.
  std::string text_of(const Cell& cell, std::string& bad) const {
    if (cell.type == "s") {
      std::size_t index = 0;
      const std::string_view v = trim(cell.text);
      bool digits = !v.empty() && v.size() < 12;
      for (char c : v) {
        if (c < '0' || c > '9') digits = false;
        if (digits) index = index * 10 + static_cast<std::size_t>(c - '0');
      }
      if (!digits || index >= shared_.size()) {
        bad = fmt::format("the cell refers to shared string '{}', which the workbook lacks",
                          shown(v));
        return {};
      }
      return shared_[index];
    }
    if (cell.type == "inlineStr" || cell.type == "str") return cell.text;
    if (cell.type == "e") {
      bad = fmt::format("the cell holds the error {}; correct the formula or the value",
                        shown(trim(cell.text)));
      return {};
    }
    if (cell.type == "b") return trim(cell.text) == "1" ? "true" : "false";
    if (cell.type == "d") return std::string(trim(cell.text));
    const std::string_view v = trim(cell.text);
    if (auto plain = plain_number(v)) return *plain;
    return std::string(v);
  }

  static bool is_number(const Cell& cell) { return cell.type.empty() || cell.type == "n"; }

  void report_missing(const SheetRow& row, std::int64_t number) {
    std::vector<std::string> names;
    std::string joined;
    for (const Cell& c : row.cells) {
      std::string bad;
      const std::string t = text_of(c, bad);
      if (t.empty()) continue;
      joined += (joined.empty() ? "" : ", ") + t;
      names.push_back(t);
    }
    for (std::size_t k = 0; k < builder_.width(); ++k) {
      const std::string& name = builder_.column(k).name;
      bool found = false;
      std::string near;
      for (const std::string& n : names) {
        if (std::string(trim(n)) == name || as_name(n) == name) found = true;
        std::string a(trim(n)), b(name);
        for (char& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (char& c : b) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (a == b) near = n;
      }
      if (!found)
        builder_.fail(
            number, 1,
            fmt::format("{}!{}:{}: {}", sheet_reference(sheet_), number, number,
                        message_missing_column(name, builder_.table_name(), joined, near)));
    }
  }

  // Whether `row` names every asked column; if so its columns are taken.
  bool take_header(const SheetRow& row) {
    std::vector<std::int64_t> at(builder_.width(), -1);
    for (const Cell& c : row.cells) {
      std::string bad;
      const std::string t = std::string(trim(text_of(c, bad)));
      const std::string named = as_name(t);
      for (std::size_t k = 0; k < builder_.width(); ++k)
        if ((t == builder_.column(k).name || named == builder_.column(k).name) && at[k] < 0)
          at[k] = c.column;
    }
    for (std::int64_t a : at)
      if (a < 0) return false;
    columns_ = std::move(at);
    return true;
  }

  void row(SheetRow& row) {
    if (builder_.failed()) return;
    bool empty = true;
    for (const Cell& c : row.cells)
      if (!trim(c.text).empty()) empty = false;
    if (empty) return;  // a row with no value, wherever it is, holds no case
    if (!header_found_) {
      if (first_row_ == 0) {
        first_ = row;
        first_row_ = row.row;
      }
      if (take_header(row)) {
        header_found_ = true;
        return;
      }
      if (++scanned_ >= kHeaderRows) {
        report_missing(first_, first_row_);
      }
      return;
    }
    faults_.clear();
    const Places places(sheet_, columns_, row.row);
    std::size_t next = 0;  // cells are in column order
    for (std::size_t k = 0; k < builder_.width(); ++k) {
      RowCell& cell = cells_[k];
      cell = RowCell{};
      cell.line = row.row;
      cell.column = columns_[k] + 1;
      const Cell* found = nullptr;
      for (const Cell& c : row.cells)
        if (c.column == columns_[k]) found = &c;
      (void)next;
      texts_[k].clear();
      if (!found) continue;
      std::string bad;
      const ColumnType type = builder_.column(k).type;
      if (is_number(*found) && type == ColumnType::date && !trim(found->text).empty()) {
        texts_[k] = std::string(trim(found->text));
        cell.day = excel_serial_day(texts_[k], date1904_);
        cell.faulted = !cell.day;
        if (!cell.day)
          faults_.push_back(
              {cell.line, cell.column,
               fmt::format(
                   "{}: cell '{}' in column '{}' is a number that is no day: Excel counts "
                   "days from 1 (1 January {}){}; write the date as a date or as text",
                   places.place(k), shown(texts_[k]), builder_.column(k).name,
                   date1904_ ? "1904, from 0" : "1900",
                   date1904_ ? "" : ", and its 60 is 29 February 1900, which did not exist")});
      } else {
        texts_[k] = text_of(*found, bad);
        if (type == ColumnType::date && found->type == "d") {
          const std::size_t t = texts_[k].find('T');
          if (t != std::string::npos) texts_[k].resize(t);
        }
        cell.faulted = !bad.empty();
        if (!bad.empty()) faults_.push_back({cell.line, cell.column, places.place(k) + ": " + bad});
      }
      cell.text = texts_[k];
    }
    builder_.add(row.row, cells_.data(), faults_, &places);
  }

  RowBuilder& builder_;
  const std::vector<std::string>& shared_;
  bool date1904_;
  std::string sheet_;
  bool header_found_ = false;
  std::size_t scanned_ = 0;
  SheetRow first_;
  std::int64_t first_row_ = 0;
  std::vector<std::int64_t> columns_;
  std::vector<RowCell> cells_;
  std::vector<std::string> texts_;
  std::vector<RowFault> faults_;
};

}  // namespace

std::string as_name(std::string_view text) {
  std::string out;
  bool gap = false;
  for (const char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) {
      gap = !out.empty();
      continue;
    }
    if (gap) out += '_';
    gap = false;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out;
}

bool sheet_holds(std::string_view sheet, std::string_view table) {
  if (sheet == table) return true;
  const std::string name = as_name(sheet);
  return name == table ||
         (name.size() > table.size() && name.starts_with(table) && name[table.size()] == '_');
}

std::optional<Day> excel_serial_day(std::string_view number, bool date1904) {
  const auto plain = plain_number(number);
  if (!plain || plain->empty() || (*plain)[0] == '-') return std::nullopt;
  std::int64_t whole = 0;
  for (char c : *plain) {
    if (c == '.') break;
    if (c == '+') continue;
    whole = whole * 10 + (c - '0');
    if (whole > 10000000) return std::nullopt;
  }
  Day day = 0;
  if (date1904) {
    day = days_from_civil(1904, 1, 1) + static_cast<Day>(whole);
  } else {
    if (whole < 1 || whole == 60) return std::nullopt;
    day = whole < 60 ? days_from_civil(1899, 12, 31) + static_cast<Day>(whole)
                     : days_from_civil(1899, 12, 30) + static_cast<Day>(whole);
  }
  if (day > days_from_civil(kMaxYear, 12, 31)) return std::nullopt;
  return day;
}

std::optional<std::string> plain_number(std::string_view s) {
  std::size_t i = 0;
  std::string sign;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
    if (s[i] == '-') sign = "-";
    ++i;
  }
  std::string digits;
  std::int64_t point = -1;
  for (; i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'); ++i) {
    if (s[i] == '.') {
      if (point >= 0) return std::nullopt;
      point = static_cast<std::int64_t>(digits.size());
    } else {
      digits += s[i];
    }
  }
  if (digits.empty()) return std::nullopt;
  if (point < 0) point = static_cast<std::int64_t>(digits.size());
  if (i == s.size()) return std::string(s);  // no exponent: as written
  if (s[i] != 'E' && s[i] != 'e') return std::nullopt;
  ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  if (i == s.size()) return std::nullopt;
  std::int64_t exponent = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    exponent = exponent * 10 + (s[i] - '0');
    if (exponent > 40) return std::nullopt;
  }
  point += negative ? -exponent : exponent;
  std::string out = sign;
  if (point <= 0) {
    out += "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
  } else if (point >= static_cast<std::int64_t>(digits.size())) {
    out += digits + std::string(static_cast<std::size_t>(point) - digits.size(), '0');
  } else {
    out += digits.substr(0, static_cast<std::size_t>(point)) + "." +
           digits.substr(static_cast<std::size_t>(point));
  }
  return out;
}

std::optional<std::vector<std::string>> xlsx_sheet_names(const std::filesystem::path& file) {
  Zip zip;
  std::string error;
  if (!open_zip(file, zip, error)) return std::nullopt;
  Workbook book;
  if (!read_workbook(zip.zip, book, error)) return std::nullopt;
  std::vector<std::string> names;
  for (const Sheet& s : book.sheets) names.push_back(s.name);
  return names;
}

LoadResult load_xlsx_table(const TableSchema& schema, const std::vector<std::string>& columns,
                           const std::filesystem::path& file, const std::string& sheet,
                           StringPool& pool, const LoadOptions& options) {
  RowBuilder builder(schema, columns, file.string(), pool, options);
  if (!builder.ready()) return builder.finish();
  Zip zip;
  std::string error;
  Workbook book;
  std::vector<std::string> shared;
  if (!open_zip(file, zip, error) || !read_workbook(zip.zip, book, error)) {
    builder.fail(0, 0, fmt::format("{}; table {} is read from it", error, schema.name));
    return builder.finish();
  }
  const Sheet* chosen = nullptr;
  const std::string& want = sheet.empty() ? schema.name : sheet;
  for (const Sheet& s : book.sheets)
    if (s.name == want && !chosen) chosen = &s;
  if (!chosen && sheet.empty())
    for (const Sheet& s : book.sheets)
      if (sheet_holds(s.name, schema.name) && !chosen) chosen = &s;
  if (!chosen && sheet.empty() && !book.sheets.empty()) chosen = &book.sheets.front();
  if (!chosen || chosen->part.empty()) {
    std::string names;
    for (const Sheet& s : book.sheets) names += (names.empty() ? "" : ", ") + s.name;
    builder.fail(0, 0,
                 fmt::format("the workbook has no sheet {} to read table {} from; its sheets: {}",
                             want, schema.name, names.empty() ? "none" : names));
    return builder.finish();
  }
  if (!read_shared(zip.zip, book.shared_part, shared, error)) {
    builder.fail(0, 0, error);
    return builder.finish();
  }
  TableFromSheet table(builder, shared, book.date1904, chosen->name);
  SheetReader reader(&TableFromSheet::on_row, &table);
  if (!reader.read(zip.zip, chosen->part, error)) {
    builder.fail(0, 0, fmt::format("sheet {}: {}", chosen->name, error));
    return builder.finish();
  }
  table.finish();
  return builder.finish();
}

}  // namespace tally::runtime
