// A streaming RFC 4180 reader: quoted fields with doubled quotes, embedded commas and newlines,
// LF, CRLF or CR line ends (mixed in one file too), a UTF-8 byte order mark. It hands over one
// record at a time with the line (1-based) and byte column of every field, reading a regular file
// (or a byte range of it that starts at a line) in blocks, with a limit on one record's size and
// fields so that memory stays bounded whatever the file holds.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tally::runtime {

// The most bytes one record may take with its line end, and the most fields it may have.
constexpr std::size_t kMaxRecordBytes = std::size_t{64} << 20;
constexpr std::size_t kMaxRecordFields = 100000;

// The record-size limit readers use: kMaxRecordBytes, unless the environment variable
// TALLY_MAX_RECORD_BYTES holds a whole number of bytes from 16 to 2^40 (a hook for tests).
std::size_t max_record_bytes();

// Opens `path` for reading in binary when it names a regular file, following symbolic links,
// without waiting on a named pipe that has no writer. Null otherwise, with `error` saying why
// (the file is missing, a folder, a pipe, a device...) and what to do.
std::FILE* open_regular_file(const std::string& path, std::string& error);

struct CsvField {
  std::string_view text;    // unquoted, with doubled quotes undone; valid until the next record
  std::int64_t line = 0;    // line where the field starts
  std::int64_t column = 0;  // 1-based column (in bytes) where the field starts
};

struct CsvError {
  std::int64_t line = 0;
  std::int64_t column = 0;
  std::string message;  // e.g. "unterminated quoted field"
};

// A line ends at a line feed, a carriage return and line feed pair, or a carriage return that no
// line feed follows; inside a quoted field these bytes are text but still count lines.

// A part of a file to read: from `begin`, which must be the start of a line (then a byte order
// mark there is text), up to `end`, numbering lines from `first_line`.
struct CsvRange {
  std::uint64_t begin = 0;
  std::uint64_t end = UINT64_MAX;
  std::int64_t first_line = 1;
  // Stop, with `stopped_at_quote()` set, on reading a block that holds a double quote: for
  // readers of a part of a file that was cut where no quoted field could span the cut.
  bool stop_at_quote = false;
};

class CsvReader {
 public:
  // Opens `path` (see open_regular_file); on failure `error()` says why and `next()` returns
  // false. A record that does not fit in `max_record` bytes with its line end, or that has more
  // than kMaxRecordFields fields, ends the reading with an error at the line it starts on.
  explicit CsvReader(const std::string& path, std::size_t block_size = 1 << 20,
                     std::size_t max_record = max_record_bytes());
  CsvReader(const std::string& path, const CsvRange& range, std::size_t block_size = 1 << 20,
            std::size_t max_record = max_record_bytes());
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into `fields`. Returns false at the end of the file or on a malformed
  // file (then `error()` is set). Empty lines at the end of the file are not records.
  bool next(std::vector<CsvField>& fields);
  // The line the last record started on.
  std::int64_t record_line() const { return record_line_; }
  const std::optional<CsvError>& error() const { return error_; }
  bool stopped_at_quote() const { return quote_found_; }
  // Where the next record starts (file offset and line), once no blank lines are held back.
  bool blanks_pending() const { return pending_blanks_ > 0; }
  std::uint64_t next_offset() const { return base_ + begin_; }
  std::int64_t next_line() const { return line_; }

  // The whole lines read ahead of the next record, for a caller that splits plain records itself
  // (see split_plain): they start at line next_line() and the last ends in a whole line end (a
  // carriage return last is one that no line feed follows). Empty when no whole line is in the
  // buffer, before the first record, while blank lines are held back, and once halted. Reads
  // another block when the buffer holds no whole line.
  std::string_view lines_ahead();
  // Takes the first `bytes` of lines_ahead(), `lines` lines, as read: next() goes on after them.
  void take(std::size_t bytes, std::int64_t lines);

 private:
  enum class Step : std::uint8_t { record, more, fault };
  bool fill();
  bool ensure(std::size_t bytes);
  Step parse(std::vector<CsvField>& fields);
  Step finish(std::vector<CsvField>& fields, std::size_t after, std::int64_t line,
              std::uint64_t line_start);
  void fail(std::int64_t line, std::int64_t column, std::string message);
  void find_lines_end();
  bool halted() const { return error_.has_value() || quote_found_; }
  std::FILE* file_ = nullptr;
  std::vector<char> buffer_;
  std::size_t begin_ = 0, end_ = 0;
  std::size_t lines_end_ = 0;  // just after the last whole line end in buffer_[0, end_), or 0
  std::size_t max_record_ = kMaxRecordBytes;
  std::optional<CsvField> open_quote_;  // a quoted field the last parse stopped in, for messages
  bool eof_ = false;
  bool first_ = true;
  bool stop_at_quote_ = false;
  bool quote_found_ = false;
  std::uint64_t end_offset_ = UINT64_MAX;  // file offset where reading stops
  std::int64_t line_ = 1;
  std::int64_t record_line_ = 0;
  std::uint64_t base_ = 0;            // file offset of buffer_[0]
  std::uint64_t line_start_ = 0;      // file offset where line_ starts
  std::int64_t pending_blanks_ = 0;   // blank lines read ahead, still to hand over as records
  std::int64_t pending_line_ = 0;     // the line of the first of them
  std::string storage_;               // unescaped field text of the current record
  std::vector<std::size_t> offsets_;  // (field index, start, size) triples of fields in storage_
  std::optional<CsvError> error_;
};

// Splits the plain records at the start of `text`, at most `max_records` of them, and returns
// the bytes they take. `text` holds whole lines (a carriage return at its end is a line end on
// its own). A record is plain when it holds no double quote, has exactly `width` fields, and
// ends in a line end within `text`; a blank line is never plain. Splitting stops before the first
// record that is not (which CsvReader::next reads, and says what is wrong with). For each record
// `cuts` gets width + 1 offsets into `text`: where the record starts, then where each field ends;
// field f runs from the record's start (f = 0) or just after the end of field f - 1 to its own end.
std::size_t split_plain(std::string_view text, std::size_t width, std::size_t max_records,
                        std::vector<std::uint32_t>& cuts);

// Field f of the record whose width + 1 offsets from split_plain start at `cut`.
inline std::string_view plain_field(std::string_view text, const std::uint32_t* cut,
                                    std::size_t f) {
  const std::size_t from = f == 0 ? cut[0] : cut[f] + 1;
  return text.substr(from, cut[f + 1] - from);
}

}  // namespace tally::runtime
