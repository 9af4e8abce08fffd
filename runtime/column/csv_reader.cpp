#include "runtime/column/csv_reader.hpp"

#include <array>
#include <bit>
#include <cerrno>
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
    const __m128i stops =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, feed)), _mm_cmpeq_epi8(v, ret));
    m.stops |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(stops))) << (16 * k);
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
        if (p + 1 >= n || data[p + 1] != '\n') goto done;  // a carriage return on its own
        feed_taken = p + 1;
        next = p + 2;
      } else if (p == feed_taken) {
        continue;  // the line feed of a CRLF already taken
      }
      if (field + 1 != width) goto done;  // fewer fields than the header, or a blank line
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

CsvReader::CsvReader(const std::string& path, std::size_t block_size)
    : CsvReader(path, CsvRange{}, block_size) {}

CsvReader::CsvReader(const std::string& path, const CsvRange& range, std::size_t block_size)
    : buffer_(block_size == 0 ? 1 : block_size),
      first_(range.begin == 0),
      stop_at_quote_(range.stop_at_quote),
      end_offset_(range.end) {
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_) {
    error_ = CsvError{0, 0, std::string("cannot open the file (") + std::strerror(errno) + ")"};
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
// a buffer already full of unread bytes (one record longer than a block) is doubled first.
bool CsvReader::fill() {
  if (eof_ || halted() || !file_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    base_ += begin_;
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
  const std::uint64_t left = end_offset_ - (base_ + end_);
  const std::size_t room = buffer_.size() - end_;
  const std::size_t want = left < room ? static_cast<std::size_t>(left) : room;
  const std::size_t got = want == 0 ? 0 : std::fread(buffer_.data() + end_, 1, want, file_);
  if (stop_at_quote_ && got > 0 && std::memchr(buffer_.data() + end_, '"', got)) {
    quote_found_ = true;
    return false;
  }
  end_ += got;
  const void* last_feed = end_ == 0 ? nullptr : memrchr(buffer_.data(), '\n', end_);
  lines_end_ = last_feed ? static_cast<std::size_t>(static_cast<const char*>(last_feed) - buffer_.data()) + 1 : 0;
  if (got < want || want == 0) {
    if (want > 0 && std::ferror(file_)) {
      fail(0, 0, std::string("cannot read the file (") + std::strerror(errno) + ")");
      return false;
    }
    eof_ = true;
  }
  return got > 0;
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
  const auto column_at = [&](std::size_t pos) {
    return static_cast<std::int64_t>(base_ + pos - line_start) + 1;
  };
  // A record ending in a line end of `width` bytes at `pos` (width 0 at the end of the file).
  const auto end_line = [&](std::size_t pos, std::size_t width) {
    return finish(fields, pos + width, line + 1, base_ + pos + width);
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
        for (const char* p = data + i; (p = static_cast<const char*>(std::memchr(
                                            p, '\n', q - static_cast<std::size_t>(p - data))));
             ++p) {
          ++line;
          line_start = base_ + static_cast<std::size_t>(p - data) + 1;
        }
        i = q;
        if (!quote) {
          if (!eof_) return Step::more;
          fail(field.line, field.column,
               "unterminated quoted field: the file ends before its closing quote");
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
      fields.push_back(field);
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
        if (data[i + 1] == '\n') return end_line(i, 2);
      }
      fail(line, column_at(i),
           "unexpected text after closing quote; a quote inside a quoted field is written "
           "twice (\"\")");
      return Step::fault;
    }

    const std::size_t from = i;
    std::size_t width = 0;  // of the line end found, 0 for a separator or the end of the file
    for (;;) {
      i = find_stop(data, i, n);
      if (i == n) {
        if (!eof_) return Step::more;
        break;
      }
      if (data[i] == ',') break;
      if (data[i] == '\n') {
        width = 1;
        break;
      }
      if (i + 1 == n) {
        if (!eof_) return Step::more;
        width = 1;
        break;
      }
      if (data[i + 1] == '\n') {
        width = 2;
        break;
      }
      ++i;  // a carriage return on its own is text
    }
    field.text = std::string_view(data + from, i - from);
    fields.push_back(field);
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
      if (!ensure(2))
        width = 1;
      else if (buffer_[begin_ + 1] == '\n')
        width = 2;
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
