#include "runtime/column/csv_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tally::runtime {

namespace {

// Bytes that end an unquoted field: the separator and the two bytes of a line end.
constexpr std::array<bool, 256> kStops = [] {
  std::array<bool, 256> stops{};
  stops[static_cast<unsigned char>(',')] = true;
  stops[static_cast<unsigned char>('\n')] = true;
  stops[static_cast<unsigned char>('\r')] = true;
  return stops;
}();

constexpr char kBom[] = "\xEF\xBB\xBF";

// Nonzero when some byte of `word` equals `byte`; the lowest set bit marks the first such byte.
constexpr std::uint64_t bytes_equal(std::uint64_t word, unsigned char byte) {
  constexpr std::uint64_t kOnes = 0x0101010101010101u;
  constexpr std::uint64_t kHighs = 0x8080808080808080u;
  const std::uint64_t x = word ^ (kOnes * byte);
  return (x - kOnes) & ~x & kHighs;
}

// The position of the first separator or line-end byte in data[i, n), or n. Eight bytes at a time
// where the machine is little-endian, so that the lowest marked byte is the first in memory.
std::size_t find_stop(const char* data, std::size_t i, std::size_t n) {
  if constexpr (std::endian::native == std::endian::little) {
    for (; i + 8 <= n; i += 8) {
      std::uint64_t word;
      std::memcpy(&word, data + i, 8);
      const std::uint64_t hits =
          bytes_equal(word, ',') | bytes_equal(word, '\n') | bytes_equal(word, '\r');
      if (hits != 0) return i + static_cast<std::size_t>(std::countr_zero(hits) >> 3);
    }
  }
  while (i < n && !kStops[static_cast<unsigned char>(data[i])]) ++i;
  return i;
}

// The position of the first line feed or carriage return in data[i, n), or n.
std::size_t find_line_byte(const char* data, std::size_t i, std::size_t n) {
  if constexpr (std::endian::native == std::endian::little) {
    for (; i + 8 <= n; i += 8) {
      std::uint64_t word;
      std::memcpy(&word, data + i, 8);
      const std::uint64_t hits = bytes_equal(word, '\n') | bytes_equal(word, '\r');
      if (hits != 0) return i + static_cast<std::size_t>(std::countr_zero(hits) >> 3);
    }
  }
  while (i < n && data[i] != '\n' && data[i] != '\r') ++i;
  return i;
}

// "64 MiB", or the number of bytes when it is not a whole number of MiB.
std::string size_text(std::size_t bytes) {
  if (bytes % (std::size_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

std::string msg_record_too_long(std::int64_t line, std::size_t limit) {
  return "the record starting at line " + std::to_string(line) + " is longer than " +
         size_text(limit) +
         ", the most one CSV record may take; check that the file is CSV with a line end after "
         "each row and that every quoted field has its closing quote, or shorten the long cell";
}

std::string msg_unclosed_quote() {
  return "unterminated quoted field: the quote that opens here is never closed, as the file ends "
         "first; add the closing quote, and write a quote inside a quoted field twice (\"\")";
}

std::string msg_quote_too_long(std::size_t limit) {
  return "unterminated quoted field: the quote that opens here is not closed within " +
         size_text(limit) +
         ", the most one CSV record may take; add the closing quote, and write a quote inside a "
         "quoted field twice (\"\")";
}

std::string msg_too_many_fields(std::int64_t line) {
  return "the record starting at line " + std::to_string(line) + " has more than " +
         std::to_string(kMaxRecordFields) +
         " fields, the most one CSV record may have; check that the file is CSV separated by "
         "commas";
}

std::string msg_not_regular(const struct stat& st) {
  const char* kind = S_ISDIR(st.st_mode)                          ? "a folder"
                     : S_ISFIFO(st.st_mode)                       ? "a named pipe (FIFO)"
                     : S_ISSOCK(st.st_mode)                       ? "a socket"
                     : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                                  : "not a regular file";
  return std::string("it is ") + kind +
         ", and data are read only from regular files (or links to them); copy the data into a "
         "file";
}

// Where the separators and line-end bytes (`stops`) and the double quotes (`quotes`) are among
// the 64 bytes at p, one bit per byte, the first byte lowest.
struct Marks {
  std::uint64_t stops = 0;
  std::uint64_t quotes = 0;
};

Marks marks_of(const char* p) {
  Marks m;
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(','), feed = _mm_set1_epi8('\n'), ret = _mm_set1_epi8('\r'),
                quote = _mm_set1_epi8('"');
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    const __m128i stops = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, feed)), _mm_cmpeq_epi8(v, ret));
    m.stops |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(stops)))
               << (16 * k);
    m.quotes |= static_cast<std::uint64_t>(
                    static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote))))
                << (16 * k);
  }
#else
  for (int k = 0; k < 64; ++k) {
    const std::uint64_t bit = std::uint64_t{1} << k;
    if (kStops[static_cast<unsigned char>(p[k])]) m.stops |= bit;
    if (p[k] == '"') m.quotes |= bit;
  }
#endif
  return m;
}

}  // namespace

std::size_t split_plain(std::string_view text, std::size_t width, std::size_t max_records,
                        std::vector<std::uint32_t>& cuts) {
  cuts.clear();
  const char* const data = text.data();
  const std::size_t n = std::min<std::size_t>(text.size(), UINT32_MAX);
  const bool cut_short = n < text.size();
  if (width == 0 || max_records == 0) return 0;
  std::size_t start = 0, field = 0, records = 0, consumed = 0, feed_taken = SIZE_MAX;
  cuts.push_back(0);
  for (std::size_t base = 0; base < n; base += 64) {
    Marks m;
    if (n - base >= 64) {
      m = marks_of(data + base);
    } else {
      char tail[64] = {};
      std::memcpy(tail, data + base, n - base);
      m = marks_of(tail);
    }
    // A record holding a quote is not plain: stop at the first quote.
    std::uint64_t bits = m.quotes ? m.stops & ((m.quotes & (0 - m.quotes)) - 1) : m.stops;
    for (; bits != 0; bits &= bits - 1) {
      const std::size_t p = base + static_cast<std::size_t>(std::countr_zero(bits));
      const char c = data[p];
      if (c == ',') {
        if (field + 1 == width) goto done;  // more fields than the header
        cuts.push_back(static_cast<std::uint32_t>(p));
        ++field;
        continue;
      }
      std::size_t next = p + 1;
      if (c == '\r') {
        if (p + 1 < n && data[p + 1] == '\n') {
          feed_taken = p + 1;
          next = p + 2;
        } else if (p + 1 >= n && cut_short) {
          goto done;  // a line feed may follow past what is looked at
        }
      } else if (p == feed_taken) {
        continue;  // the line feed of a CRLF already taken
      }
      if (field + 1 != width) goto done;        // fewer fields than the header, or a blank line
      if (width == 1 && p == start) goto done;  // a blank line
      cuts.push_back(static_cast<std::uint32_t>(p));
      consumed = start = next;
      field = 0;
      if (++records == max_records) goto done;
      cuts.push_back(static_cast<std::uint32_t>(start));
    }
    if (m.quotes) break;
  }
done:
  cuts.resize(records * (width + 1));
  return consumed;
}

std::size_t max_record_bytes() {
  static const std::size_t limit = [] {
    const char* v = std::getenv("TALLY_MAX_RECORD_BYTES");
    if (v == nullptr || *v == 0) return kMaxRecordBytes;
    std::uint64_t n = 0;
    for (const char* c = v; *c; ++c) {
      if (*c < '0' || *c > '9' || n > (std::uint64_t{1} << 40)) return kMaxRecordBytes;
      n = n * 10 + static_cast<std::uint64_t>(*c - '0');
    }
    if (n < 16 || n > (std::uint64_t{1} << 40)) return kMaxRecordBytes;
    return static_cast<std::size_t>(n);
  }();
  return limit;
}

std::FILE* open_regular_file(const std::string& path, std::string& error) {
  const auto failed = [&](const char* what) {
    error = std::string(what) + " (" + std::strerror(errno) + ")";
    return nullptr;
  };
  // Looked at before opening, so that opening has no effect on a device; and again once open,
  // in case the name was pointed elsewhere meanwhile. A pipe is opened without waiting.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return failed("cannot open the file");
  if (!S_ISREG(st.st_mode)) {
    error = msg_not_regular(st);
    return nullptr;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return failed("cannot open the file");
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    error = msg_not_regular(st);
    ::close(fd);
    return nullptr;
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    failed("cannot read the file");
    ::close(fd);
    return nullptr;
  }
  std::FILE* file = ::fdopen(fd, "rb");
  if (!file) {
    failed("cannot read the file");
    ::close(fd);
  }
  return file;
}

CsvReader::CsvReader(const std::string& path, std::size_t block_size, std::size_t max_record)
    : CsvReader(path, CsvRange{}, block_size, max_record) {}

// The buffer never grows past the record limit, so that a record that does not fit in it ends
// the reading wherever the record starts and whatever the block size.
CsvReader::CsvReader(const std::string& path, const CsvRange& range, std::size_t block_size,
                     std::size_t max_record)
    : buffer_(std::max<std::size_t>(1, std::min(block_size, max_record))),
      max_record_(std::max<std::size_t>(max_record, 1)),
      first_(range.begin == 0),
      stop_at_quote_(range.stop_at_quote),
      end_offset_(range.end) {
  std::string why;
  file_ = open_regular_file(path, why);
  if (!file_) {
    error_ = CsvError{0, 0, why};
    return;
  }
  line_ = range.first_line;
  if (range.begin > 0) {
    if (fseeko(file_, static_cast<off_t>(range.begin), SEEK_SET) != 0) {
      error_ = CsvError{0, 0, std::string("cannot read the file (") + std::strerror(errno) + ")"};
      return;
    }
    base_ = range.begin;
    line_start_ = range.begin;
  }
}

CsvReader::~CsvReader() {
  if (file_) std::fclose(file_);
}

void CsvReader::fail(std::int64_t line, std::int64_t column, std::string message) {
  error_ = CsvError{line, column, std::move(message)};
}

// Keeps the unread bytes, moved to the front of the buffer, and reads after them as much as fits;
// a buffer already full of unread bytes (one record longer than a block) is doubled first, up to
// the record limit. The unread bytes are always the start of one record (or of blank lines).
bool CsvReader::fill() {
  if (eof_ || halted() || !file_) return false;
  if (end_ - begin_ >= max_record_) {
    if (open_quote_)
      fail(open_quote_->line, open_quote_->column, msg_quote_too_long(max_record_));
    else
      fail(line_, 0, msg_record_too_long(line_, max_record_));
    return false;
  }
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    base_ += begin_;
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) buffer_.resize(std::min(buffer_.size() * 2, max_record_));
  const std::uint64_t left = end_offset_ - (base_ + end_);
  const std::size_t room = buffer_.size() - end_;
  const std::size_t want = left < room ? static_cast<std::size_t>(left) : room;
  const std::size_t got = want == 0 ? 0 : std::fread(buffer_.data() + end_, 1, want, file_);
  if (stop_at_quote_ && got > 0 && std::memchr(buffer_.data() + end_, '"', got)) {
    quote_found_ = true;
    return false;
  }
  end_ += got;
  if (got < want || want == 0) {
    if (want > 0 && std::ferror(file_)) {
      fail(0, 0, std::string("cannot read the file (") + std::strerror(errno) + ")");
      return false;
    }
    eof_ = true;
  }
  find_lines_end();
  return got > 0;
}

// Just after the last line end in the buffer that is whole: a carriage return last in the buffer
// is one only at the end of the file, since a line feed may follow it.
void CsvReader::find_lines_end() {
  const char* const data = buffer_.data();
  std::size_t e = end_;
  if (e > 0 && data[e - 1] == '\r' && !eof_) --e;
  while (e > 0 && data[e - 1] != '\n' && data[e - 1] != '\r') --e;
  lines_end_ = e;
}

std::string_view CsvReader::lines_ahead() {
  if (!file_ || halted() || first_ || pending_blanks_ > 0) return {};
  if (lines_end_ <= begin_) {
    fill();
    if (halted() || lines_end_ <= begin_) return {};
  }
  return std::string_view(buffer_.data() + begin_, lines_end_ - begin_);
}

void CsvReader::take(std::size_t bytes, std::int64_t lines) {
  if (bytes == 0) return;
  begin_ += bytes;
  line_ += lines;
  record_line_ = line_ - 1;
  line_start_ = base_ + begin_;
}

bool CsvReader::ensure(std::size_t bytes) {
  while (end_ - begin_ < bytes)
    if (!fill()) return false;
  return true;
}

CsvReader::Step CsvReader::finish(std::vector<CsvField>& fields, std::size_t after,
                                  std::int64_t line, std::uint64_t line_start) {
  for (std::size_t k = 0; k + 2 < offsets_.size(); k += 3)
    fields[offsets_[k]].text = std::string_view(storage_.data() + offsets_[k + 1], offsets_[k + 2]);
  begin_ = after;
  line_ = line;
  line_start_ = line_start;
  record_line_ = fields.front().line;
  return Step::record;
}

// Parses one record starting at begin_. Nothing is committed unless it returns Step::record:
// on Step::more the caller reads another block and the record is parsed again from its start.
CsvReader::Step CsvReader::parse(std::vector<CsvField>& fields) {
  const char* const data = buffer_.data();
  const std::size_t n = end_;
  std::size_t i = begin_;
  std::int64_t line = line_;
  std::uint64_t line_start = line_start_;
  fields.clear();
  storage_.clear();
  offsets_.clear();
  open_quote_.reset();
  const auto column_at = [&](std::size_t pos) {
    return static_cast<std::int64_t>(base_ + pos - line_start) + 1;
  };
  // A record ending in a line end of `width` bytes at `pos` (width 0 at the end of the file).
  const auto end_line = [&](std::size_t pos, std::size_t width) {
    return finish(fields, pos + width, line + 1, base_ + pos + width);
  };
  const auto add_field = [&](std::vector<CsvField>& out, const CsvField& field) {
    if (out.size() == kMaxRecordFields) {
      fail(line_, 0, msg_too_many_fields(line_));
      return false;
    }
    out.push_back(field);
    return true;
  };

  for (;;) {
    CsvField field;
    field.line = line;
    field.column = column_at(i);
    if (i < n && data[i] == '"') {
      std::size_t from = ++i;  // first byte not yet taken into the field
      bool escaped = false;
      std::size_t stored = 0;
      for (;;) {
        const auto* quote = static_cast<const char*>(std::memchr(data + i, '"', n - i));
        const std::size_t q = quote ? static_cast<std::size_t>(quote - data) : n;
        // Lines inside the field; the line feed of a CRLF pair counts it.
        for (std::size_t p = find_line_byte(data, i, q); p < q;
             p = find_line_byte(data, p + 1, q)) {
          if (data[p] == '\r' && p + 1 < n && data[p + 1] == '\n') continue;
          ++line;
          line_start = base_ + p + 1;
        }
        i = q;
        if (!quote) {
          if (!eof_) {
            open_quote_ = field;
            return Step::more;
          }
          fail(field.line, field.column, msg_unclosed_quote());
          return Step::fault;
        }
        if (q + 1 == n && !eof_) return Step::more;
        if (q + 1 < n && data[q + 1] == '"') {
          if (!escaped) {
            escaped = true;
            stored = storage_.size();
          }
          storage_.append(data + from, q + 1 - from);
          i = from = q + 2;
          continue;
        }
        if (escaped) {
          storage_.append(data + from, q - from);
          offsets_.insert(offsets_.end(), {fields.size(), stored, storage_.size() - stored});
        } else {
          field.text = std::string_view(data + from, q - from);
        }
        i = q + 1;
        break;
      }
      if (!add_field(fields, field)) return Step::fault;
      if (i == n) return end_line(i, 0);
      const char c = data[i];
      if (c == ',') {
        ++i;
        continue;
      }
      if (c == '\n') return end_line(i, 1);
      if (c == '\r') {
        if (i + 1 == n) {
          if (!eof_) return Step::more;
          return end_line(i, 1);
        }
        return end_line(i, data[i + 1] == '\n' ? 2 : 1);
      }
      fail(line, column_at(i),
           "unexpected text after closing quote; a quote inside a quoted field is written "
           "twice (\"\")");
      return Step::fault;
    }

    const std::size_t from = i;
    std::size_t width = 0;  // of the line end found, 0 for a separator or the end of the file
    i = find_stop(data, i, n);
    if (i == n) {
      if (!eof_) return Step::more;
    } else if (data[i] == '\n') {
      width = 1;
    } else if (data[i] == '\r') {
      if (i + 1 == n && !eof_) return Step::more;
      width = i + 1 < n && data[i + 1] == '\n' ? 2 : 1;
    }
    field.text = std::string_view(data + from, i - from);
    if (!add_field(fields, field)) return Step::fault;
    if (i < n && data[i] == ',') {
      ++i;
      continue;
    }
    return end_line(i, width);
  }
}

bool CsvReader::next(std::vector<CsvField>& fields) {
  if (!file_ || halted()) return false;
  const auto blank_record = [&](std::int64_t line) {
    fields.clear();
    fields.push_back(CsvField{std::string_view(), line, 1});
    record_line_ = line;
    return true;
  };
  if (pending_blanks_ > 0) {
    --pending_blanks_;
    return blank_record(pending_line_++);
  }
  if (first_) {
    first_ = false;
    ensure(3);
    if (halted()) return false;
    if (end_ - begin_ >= 3 && std::memcmp(buffer_.data() + begin_, kBom, 3) == 0) {
      begin_ += 3;
      line_start_ = base_ + begin_;
    }
  }

  // Blank lines are held back until a record follows them: at the end they are not records.
  const std::int64_t first_blank = line_;
  std::int64_t blanks = 0;
  for (;;) {
    if (!ensure(1)) break;
    std::size_t width = 0;
    if (buffer_[begin_] == '\n') {
      width = 1;
    } else if (buffer_[begin_] == '\r') {
      width = ensure(2) && buffer_[begin_ + 1] == '\n' ? 2 : 1;
    }
    if (width == 0) break;
    begin_ += width;
    ++blanks;
    ++line_;
    line_start_ = base_ + begin_;
  }
  if (halted() || begin_ == end_) return false;
  if (blanks > 0) {
    pending_blanks_ = blanks - 1;
    pending_line_ = first_blank + 1;
    return blank_record(first_blank);
  }

  for (;;) {
    switch (parse(fields)) {
      case Step::record:
        return true;
      case Step::fault:
        return false;
      case Step::more:
        fill();
        if (halted()) return false;
        break;
    }
  }
}

}  // namespace tally::runtime
