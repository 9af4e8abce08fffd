// Unit tests for the streaming CSV reader: quoting, line ends of every kind, the byte order mark,
// line and column positions, records split across blocks, malformed files, blank lines, the limits
// on a record and the files it refuses to read.
#include "runtime/column/csv_reader.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/unit/temp_folder.hpp"

namespace tally::runtime {
namespace {

struct Field {
  std::string text;
  std::int64_t line;
  std::int64_t column;
  bool operator==(const Field&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Field& f) {
  return os << "{\"" << f.text << "\" " << f.line << ":" << f.column << "}";
}

struct Read {
  std::vector<std::vector<Field>> records;
  std::vector<std::int64_t> lines;  // record_line() of each record
  std::optional<CsvError> error;
};

class CsvReaderTest : public tally::test_support::TempFolderTest {
 protected:
  std::string write(const std::string& content) {
    return TempFolderTest::write("data" + std::to_string(files_++) + ".csv", content).string();
  }

  Read read(const std::string& content, std::size_t block_size = 1 << 20) {
    return read_path(write(content), block_size);
  }

  static Read read_path(const std::string& path, std::size_t block_size) {
    Read out;
    CsvReader reader(path, block_size);
    std::vector<CsvField> fields;
    while (reader.next(fields)) add(out, fields, reader.record_line());
    out.error = reader.error();
    return out;
  }

  // Adds a record that next() read.
  static void add(Read& out, const std::vector<CsvField>& fields, std::int64_t line) {
    std::vector<Field> record;
    for (const CsvField& f : fields) record.push_back({std::string(f.text), f.line, f.column});
    out.records.push_back(record);
    out.lines.push_back(line);
  }

  static std::vector<std::vector<std::string>> texts(const Read& r) {
    std::vector<std::vector<std::string>> out;
    for (const auto& record : r.records) {
      out.emplace_back();
      for (const Field& f : record) out.back().push_back(f.text);
    }
    return out;
  }

  // Reads as a loader does: plain records split straight from the reader's lines ahead (see
  // split_plain), every other record with next(), a few plain records at a time.
  static Read read_mixed(const std::string& path, std::size_t block_size, std::size_t width,
                         std::size_t batch) {
    Read out;
    CsvReader reader(path, block_size);
    std::vector<CsvField> fields;
    std::vector<std::uint32_t> cuts;
    for (;;) {
      if (!out.records.empty()) {
        const std::string_view text = reader.lines_ahead();
        const std::size_t bytes = split_plain(text, width, batch, cuts);
        std::int64_t line = reader.next_line();
        for (std::size_t r = 0; r * (width + 1) < cuts.size(); ++r, ++line) {
          const std::uint32_t* cut = cuts.data() + r * (width + 1);
          std::vector<Field> record;
          for (std::size_t f = 0; f < width; ++f) {
            const std::string_view field = plain_field(text, cut, f);
            record.push_back(
                {std::string(field), line,
                 static_cast<std::int64_t>(field.data() - (text.data() + cut[0])) + 1});
          }
          out.records.push_back(record);
          out.lines.push_back(line);
        }
        reader.take(bytes, line - reader.next_line());
      }
      if (!reader.next(fields)) break;
      add(out, fields, reader.record_line());
    }
    out.error = reader.error();
    return out;
  }

  int files_ = 0;
};

// The offsets split_plain gives, as the fields' texts.
std::vector<std::vector<std::string>> split_texts(std::string_view text, std::size_t width,
                                                  std::size_t max_records, std::size_t& bytes) {
  std::vector<std::uint32_t> cuts;
  bytes = split_plain(text, width, max_records, cuts);
  std::vector<std::vector<std::string>> out;
  for (std::size_t r = 0; r * (width + 1) < cuts.size(); ++r) {
    const std::uint32_t* cut = cuts.data() + r * (width + 1);
    out.emplace_back();
    for (std::size_t f = 0; f < width; ++f) out.back().emplace_back(plain_field(text, cut, f));
  }
  return out;
}

using Texts = std::vector<std::vector<std::string>>;

TEST_F(CsvReaderTest, PlainRecordsWithPositions) {
  const Read r = read("id,name\nC1,Ann\nC22,Bo\n");
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0], (std::vector<Field>{{"id", 1, 1}, {"name", 1, 4}}));
  EXPECT_EQ(r.records[2], (std::vector<Field>{{"C22", 3, 1}, {"Bo", 3, 5}}));
  EXPECT_EQ(r.lines, (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_F(CsvReaderTest, QuotedFields) {
  const Read r = read("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"\"\n\"\"\"\",plain,\"q\"\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(texts(r), (Texts{{"a", "b", "c"}, {"x, y", "say \"hi\"", ""}, {"\"", "plain", "q"}}));
  // A quoted field's column is where its opening quote is.
  EXPECT_EQ(r.records[1][1].column, 8);
}

TEST_F(CsvReaderTest, EmptyFields) {
  const Read r = read(",a,,\n,,,\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(texts(r), (Texts{{"", "a", "", ""}, {"", "", "", ""}}));
  EXPECT_EQ(r.records[0][3].column, 5);
}

TEST_F(CsvReaderTest, QuoteInsideUnquotedFieldIsText) {
  const Read r = read("a,b\n5'10\",x\"y\"\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(texts(r), (Texts{{"a", "b"}, {"5'10\"", "x\"y\""}}));
}

TEST_F(CsvReaderTest, CrLfLineEnds) {
  const Read r = read("a,b\r\n1,\"2\"\r\n3,4\r\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(texts(r), (Texts{{"a", "b"}, {"1", "2"}, {"3", "4"}}));
  EXPECT_EQ(r.lines, (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_F(CsvReaderTest, LoneCarriageReturnEndsALine) {
  const Read r = read("a\rb,c\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(texts(r), (Texts{{"a"}, {"b", "c"}}));
  EXPECT_EQ(r.lines, (std::vector<std::int64_t>{1, 2}));
}

// Old Mac and some Excel exports end lines with a carriage return alone: read as LF files are,
// with the same lines and columns, and a carriage return in a quoted field stays in it.
TEST_F(CsvReaderTest, CarriageReturnLineEnds) {
  const std::string lf = "id,note,n\nC1,\"two\nlines\",1\n\nC2,,\"2\"\nC3,x,3\n\n";
  std::string cr = lf;
  for (char& c : cr)
    if (c == '\n') c = '\r';
  const Read a = read(lf);
  const Read b = read(cr);
  ASSERT_FALSE(a.error);
  ASSERT_FALSE(b.error);
  EXPECT_EQ(texts(b), (Texts{{"id", "note", "n"},
                             {"C1", "two\rlines", "1"},
                             {""},
                             {"C2", "", "2"},
                             {"C3", "x", "3"}}));
  EXPECT_EQ(b.lines, a.lines);
  EXPECT_EQ(b.lines, (std::vector<std::int64_t>{1, 2, 4, 5, 6}));
  for (std::size_t r = 0; r < a.records.size(); ++r) {
    ASSERT_EQ(a.records[r].size(), b.records[r].size());
    for (std::size_t f = 0; f < a.records[r].size(); ++f) {
      EXPECT_EQ(a.records[r][f].line, b.records[r][f].line);
      EXPECT_EQ(a.records[r][f].column, b.records[r][f].column);
    }
  }
}

// LF, CRLF and CR line ends mixed in one file, cut at every block boundary and read by next()
// alone or with plain records split from the lines ahead: the same records, lines and columns.
TEST_F(CsvReaderTest, MixedLineEndsAtEveryBlockBoundary) {
  const std::string content =
      "id,name,n\r"
      "C1,Ann,1\n"
      "C2,Bo,2\r\n"
      "C3,\"multi\rline\r\nthree\nfour\",3\r"
      "\r"
      "C4,Cy,4\r\r\n"
      "C5,\"q\"\r"
      "C6,Di,6\n\r"
      "C7,Ed,7\r";
  const std::string path = write(content);
  const Read whole = read_path(path, 1 << 20);
  ASSERT_FALSE(whole.error);
  EXPECT_EQ(texts(whole), (Texts{{"id", "name", "n"},
                                 {"C1", "Ann", "1"},
                                 {"C2", "Bo", "2"},
                                 {"C3", "multi\rline\r\nthree\nfour", "3"},
                                 {""},
                                 {"C4", "Cy", "4"},
                                 {""},
                                 {"C5", "q"},
                                 {"C6", "Di", "6"},
                                 {""},
                                 {"C7", "Ed", "7"}}));
  EXPECT_EQ(whole.lines, (std::vector<std::int64_t>{1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14}));
  // The field after the multi-line one starts on line 7, after `four",`.
  EXPECT_EQ(whole.records[3][2], (Field{"3", 7, 7}));
  for (std::size_t block = 1; block <= 40; ++block) {
    const Read r = read_path(path, block);
    EXPECT_FALSE(r.error) << "block " << block;
    EXPECT_EQ(r.records, whole.records) << "block " << block;
    EXPECT_EQ(r.lines, whole.lines) << "block " << block;
    for (const std::size_t batch : {std::size_t{1}, std::size_t{1000}}) {
      const Read mixed = read_mixed(path, block, 3, batch);
      EXPECT_FALSE(mixed.error) << "block " << block;
      EXPECT_EQ(mixed.records, whole.records) << "block " << block << ", batch " << batch;
      EXPECT_EQ(mixed.lines, whole.lines) << "block " << block << ", batch " << batch;
    }
  }
}

TEST_F(CsvReaderTest, ByteOrderMarkIsSkipped) {
  const Read r = read("\xEF\xBB\xBFid,n\r\nC1,2\r\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(texts(r), (Texts{{"id", "n"}, {"C1", "2"}}));
  EXPECT_EQ(r.records[0][0].column, 1);
  EXPECT_EQ(r.records[0][1].column, 4);
}

TEST_F(CsvReaderTest, ByteOrderMarkOnlyAtTheStart) {
  const Read r = read(
      "a\n\xEF\xBB\xBF"
      "b\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(texts(r), (Texts{{"a"},
                             {"\xEF\xBB\xBF"
                              "b"}}));
}

TEST_F(CsvReaderTest, EmbeddedNewlinesCountLines) {
  const Read r = read("id,note\nC1,\"two\nlines\"\nC2,\"three\r\nlines\nhere\",x\nC3,y\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(
      texts(r),
      (Texts{
          {"id", "note"}, {"C1", "two\nlines"}, {"C2", "three\r\nlines\nhere", "x"}, {"C3", "y"}}));
  EXPECT_EQ(r.lines, (std::vector<std::int64_t>{1, 2, 4, 7}));
  // The field after a multi-line field reports the line and column where it starts.
  EXPECT_EQ(r.records[2][2], (Field{"x", 6, 7}));
}

TEST_F(CsvReaderTest, FinalRecordWithoutNewline) {
  EXPECT_EQ(texts(read("a,b\n1,2")), (Texts{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(texts(read("a,b\n1,\"2\"")), (Texts{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(texts(read("a,b\n1,")), (Texts{{"a", "b"}, {"1", ""}}));
  EXPECT_EQ(texts(read("a,b\r\n1,2\r")), (Texts{{"a", "b"}, {"1", "2"}}));
}

TEST_F(CsvReaderTest, TrailingBlankLinesAreNotRecords) {
  const Read r = read("a\n1\n\n\r\n\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(texts(r), (Texts{{"a"}, {"1"}}));
}

TEST_F(CsvReaderTest, BlankLineInTheMiddleIsOneEmptyField) {
  const Read r = read("a,b\n1,2\n\n\r\n3,4\n\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(texts(r), (Texts{{"a", "b"}, {"1", "2"}, {""}, {""}, {"3", "4"}}));
  EXPECT_EQ(r.lines, (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(r.records[4][1], (Field{"4", 5, 3}));
}

TEST_F(CsvReaderTest, EmptyFile) {
  const Read r = read("");
  EXPECT_FALSE(r.error);
  EXPECT_TRUE(r.records.empty());
  EXPECT_TRUE(read("\xEF\xBB\xBF").records.empty());
  EXPECT_TRUE(read("\n\n").records.empty());
}

TEST_F(CsvReaderTest, UnterminatedQuote) {
  const Read r = read("a,b\n1,2\n3,\"open\nstill open\n");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->line, 3);
  EXPECT_EQ(r.error->column, 3);
  EXPECT_NE(r.error->message.find("unterminated quoted field"), std::string::npos);
  EXPECT_EQ(r.records.size(), 2u);
}

TEST_F(CsvReaderTest, TextAfterClosingQuote) {
  const Read r = read("a,b\n\"x\"y,2\n");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->line, 2);
  EXPECT_EQ(r.error->column, 4);
  EXPECT_NE(r.error->message.find("unexpected text after closing quote"), std::string::npos);
  EXPECT_EQ(r.records.size(), 1u);
}

TEST_F(CsvReaderTest, MissingFile) {
  const Read r = read_path((dir_ / "absent.csv").string(), 64);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->line, 0);
  EXPECT_NE(r.error->message.find("cannot open"), std::string::npos);
  EXPECT_TRUE(r.records.empty());
}

TEST_F(CsvReaderTest, OnlyRegularFilesAreRead) {
  const Read folder = read_path(dir_.string(), 64);
  ASSERT_TRUE(folder.error);
  EXPECT_EQ(folder.error->line, 0);
  EXPECT_NE(folder.error->message.find("it is a folder"), std::string::npos);
  EXPECT_TRUE(folder.records.empty());

  // A named pipe with no writer: refused at once rather than waited on.
  const std::string fifo = (dir_ / "pipe.csv").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const Read pipe = read_path(fifo, 64);
  ASSERT_TRUE(pipe.error);
  EXPECT_NE(pipe.error->message.find("named pipe (FIFO)"), std::string::npos);
  EXPECT_NE(pipe.error->message.find("only from regular files"), std::string::npos);

  // A device that never ends; a link to it is no better.
  const Read zero = read_path("/dev/zero", 64);
  ASSERT_TRUE(zero.error);
  EXPECT_NE(zero.error->message.find("it is a device"), std::string::npos);
  std::filesystem::create_symlink("/dev/zero", dir_ / "zero.csv");
  const Read linked = read_path((dir_ / "zero.csv").string(), 64);
  ASSERT_TRUE(linked.error);
  EXPECT_NE(linked.error->message.find("it is a device"), std::string::npos);

  // A link to a regular file is read.
  const std::string target = write("a,b\n1,2\n");
  std::filesystem::create_symlink(target, dir_ / "link.csv");
  const Read through = read_path((dir_ / "link.csv").string(), 64);
  EXPECT_FALSE(through.error);
  EXPECT_EQ(texts(through), (Texts{{"a", "b"}, {"1", "2"}}));

  std::string error;
  EXPECT_EQ(open_regular_file(fifo, error), nullptr);
  EXPECT_NE(error.find("named pipe"), std::string::npos);
}

// A record that does not fit in the limit ends the reading at the line it starts on, whatever
// the block size and whether its lines are taken by split_plain or next(); records before it are
// read, and records that fit are read whole.
TEST_F(CsvReaderTest, RecordLongerThanTheLimit) {
  const std::string fits(40, 'f');
  const std::string too_long(200, 'x');
  const std::string path =
      write("a,b\n1," + fits + "\n2,\"" + fits + "\"\r\n3," + too_long + "\n4,after\n");
  for (const std::size_t block :
       {std::size_t{1}, std::size_t{7}, std::size_t{64}, std::size_t{1} << 20}) {
    SCOPED_TRACE(block);
    CsvReader reader(path, block, 64);
    std::vector<CsvField> fields;
    Read plain;
    while (reader.next(fields)) add(plain, fields, reader.record_line());
    EXPECT_EQ(texts(plain), (Texts{{"a", "b"}, {"1", fits}, {"2", fits}}));
    ASSERT_TRUE(reader.error());
    EXPECT_EQ(reader.error()->line, 4);
    EXPECT_EQ(reader.error()->column, 0);
    EXPECT_EQ(reader.error()->message,
              "the record starting at line 4 is longer than 64 bytes, the most one CSV record may "
              "take; check that the file is CSV with a line end after each row and that every "
              "quoted field has its closing quote, or shorten the long cell");
  }
  // A file of one long line with no line end at all, as /dev/zero copied into a file.
  const std::string zeros = write(std::string(5000, '\0'));
  CsvReader reader(zeros, 1 << 20, 1024);
  std::vector<CsvField> fields;
  EXPECT_FALSE(reader.next(fields));
  ASSERT_TRUE(reader.error());
  EXPECT_EQ(reader.error()->line, 1);
  EXPECT_NE(reader.error()->message.find("longer than 1024 bytes"), std::string::npos);
}

TEST_F(CsvReaderTest, QuoteLeftOpenPastTheLimitIsNamedWhereItOpens) {
  std::string content = "a,b\n1,2\n3,\"open";
  for (int k = 0; k < 50; ++k) content += "\nmore text";
  const std::string path = write(content + "\n");
  for (const std::size_t block : {std::size_t{5}, std::size_t{1} << 20}) {
    SCOPED_TRACE(block);
    CsvReader reader(path, block, 128);
    std::vector<CsvField> fields;
    int records = 0;
    while (reader.next(fields)) ++records;
    EXPECT_EQ(records, 2);
    ASSERT_TRUE(reader.error());
    EXPECT_EQ(reader.error()->line, 3);
    EXPECT_EQ(reader.error()->column, 3);
    EXPECT_NE(reader.error()->message.find("not closed within 128 bytes"), std::string::npos);
  }
}

TEST_F(CsvReaderTest, TooManyFields) {
  const std::string path = write("a\n" + std::string(kMaxRecordFields + 5, ',') + "\n");
  const Read r = read_path(path, 1 << 20);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->line, 2);
  EXPECT_NE(r.error->message.find("more than 100000 fields"), std::string::npos);
  EXPECT_EQ(r.records.size(), 1u);
  // As many fields as allowed are read.
  const Read most = read(std::string(kMaxRecordFields - 1, ',') + "\n");
  EXPECT_FALSE(most.error);
  ASSERT_EQ(most.records.size(), 1u);
  EXPECT_EQ(most.records[0].size(), kMaxRecordFields);
}

// Every block size from 1 byte up gives the same records, fields, lines and columns as one
// large block: records, quotes, doubled quotes, CRLF pairs and the BOM all get split.
TEST_F(CsvReaderTest, BlockBoundariesDoNotMatter) {
  const std::string content =
      "\xEF\xBB\xBFid,\"na,me\",n\r\n"
      "C1,\"say \"\"hi\"\"\",1\r\n"
      "C2,\"multi\r\nline\",22\r\n"
      "\r\n"
      "C3,,\"\"\r\n"
      "C4,\"\"\"\",x\"y\r\n"
      "C5,last,5\r\n\r\n";
  const std::string path = write(content);
  const Read whole = read_path(path, 1 << 20);
  ASSERT_FALSE(whole.error);
  ASSERT_EQ(whole.records.size(), 7u);
  EXPECT_EQ(whole.records[1][1], (Field{"say \"hi\"", 2, 4}));
  EXPECT_EQ(whole.records[3], (std::vector<Field>{{"", 5, 1}}));
  EXPECT_EQ(whole.records[6][2], (Field{"5", 8, 9}));
  for (std::size_t block = 1; block <= 40; ++block) {
    const Read r = read_path(path, block);
    EXPECT_FALSE(r.error) << "block " << block;
    EXPECT_EQ(r.records, whole.records) << "block " << block;
    EXPECT_EQ(r.lines, whole.lines) << "block " << block;
  }
}

TEST_F(CsvReaderTest, RecordLongerThanTheBlockGrowsIt) {
  const std::string long_plain(5000, 'p');
  std::string long_quoted;
  for (int k = 0; k < 700; ++k) long_quoted += "ab\"\"c,\n";
  std::string expected_quoted;
  for (int k = 0; k < 700; ++k) expected_quoted += "ab\"c,\n";
  const std::string path = write("x,y\n" + long_plain + ",\"" + long_quoted + "\"\nend,1\n");
  const Read r = read_path(path, 7);
  ASSERT_FALSE(r.error);
  EXPECT_EQ(texts(r), (Texts{{"x", "y"}, {long_plain, expected_quoted}, {"end", "1"}}));
  EXPECT_EQ(r.lines, (std::vector<std::int64_t>{1, 2, 703}));
}

TEST_F(CsvReaderTest, UnterminatedQuoteAcrossBlocks) {
  const std::string path = write("a\n\"never closed, and long enough to span blocks\n\n");
  const Read r = read_path(path, 7);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->line, 2);
  EXPECT_EQ(r.error->column, 1);
}

TEST_F(CsvReaderTest, ManyRecordsSmallBlocks) {
  std::string content = "id,v\n";
  Texts expected{{"id", "v"}};
  for (int k = 0; k < 2000; ++k) {
    std::string id = "C";
    id += std::to_string(k);
    const std::string value = std::to_string(k * 7);
    content += id + ",\"" + value + "\"\n";
    expected.push_back({id, value});
  }
  const Read r = read_path(write(content), 13);
  ASSERT_FALSE(r.error);
  EXPECT_EQ(texts(r), expected);
  EXPECT_EQ(r.lines.back(), 2001);
}

TEST(SplitPlain, SplitsWholePlainRecords) {
  std::size_t bytes = 0;
  const std::string text = "C1,,2019-04-01\nC22,P9,2019-04-02\r\nC3,P1,x\n";
  EXPECT_EQ(split_texts(text, 3, 100, bytes),
            (std::vector<std::vector<std::string>>{
                {"C1", "", "2019-04-01"}, {"C22", "P9", "2019-04-02"}, {"C3", "P1", "x"}}));
  EXPECT_EQ(bytes, text.size());
  // At most max_records, and the bytes they take.
  EXPECT_EQ(split_texts(text, 3, 1, bytes).size(), 1u);
  EXPECT_EQ(bytes, 15u);
}

TEST(SplitPlain, StopsBeforeTheFirstRecordThatIsNotPlain) {
  std::size_t bytes = 0;
  // A quote anywhere in the record, even past a plain field.
  EXPECT_EQ(split_texts("a,b\nc,\"d\"\ne,f\n", 2, 100, bytes), (Texts{{"a", "b"}}));
  EXPECT_EQ(bytes, 4u);
  EXPECT_EQ(split_texts("a,b\nc,x\"\n", 2, 100, bytes), (Texts{{"a", "b"}}));
  // Fewer or more fields than the header, a blank line, a carriage return on its own.
  EXPECT_EQ(split_texts("a,b\nc\ne,f\n", 2, 100, bytes), (Texts{{"a", "b"}}));
  EXPECT_EQ(split_texts("a,b\nc,d,e\n", 2, 100, bytes), (Texts{{"a", "b"}}));
  EXPECT_EQ(split_texts("a,b\n\ne,f\n", 2, 100, bytes), (Texts{{"a", "b"}}));
  EXPECT_EQ(split_texts("a\n\nb\n", 1, 100, bytes), (Texts{{"a"}}));
  EXPECT_EQ(split_texts("a\n\r\nb\n", 1, 100, bytes), (Texts{{"a"}}));
  EXPECT_EQ(split_texts("a,b\nc\rd,e\n", 2, 100, bytes), (Texts{{"a", "b"}}));
  EXPECT_EQ(split_texts("a,b\nc,d\r\r\n", 2, 100, bytes), (Texts{{"a", "b"}, {"c", "d"}}));
  // A record without its line end.
  EXPECT_EQ(split_texts("a,b\nc,d", 2, 100, bytes), (Texts{{"a", "b"}}));
  EXPECT_EQ(bytes, 4u);
  EXPECT_TRUE(split_texts("", 2, 100, bytes).empty());
  EXPECT_EQ(bytes, 0u);
}

TEST(SplitPlain, CarriageReturnsEndRecords) {
  std::size_t bytes = 0;
  const std::string text = "a,b\rc,d\r\ne,f\ng,h\r";
  EXPECT_EQ(split_texts(text, 2, 100, bytes),
            (Texts{{"a", "b"}, {"c", "d"}, {"e", "f"}, {"g", "h"}}));
  EXPECT_EQ(bytes, text.size());
  EXPECT_EQ(split_texts(text, 2, 1, bytes).size(), 1u);
  EXPECT_EQ(bytes, 4u);
  EXPECT_EQ(split_texts(text, 2, 2, bytes).size(), 2u);
  EXPECT_EQ(bytes, 9u);
}

TEST(SplitPlain, RecordsAcrossManyChunksOfMarks) {
  // Records longer and shorter than the 64 bytes marked at a time, CRLF split across chunks.
  std::string text;
  std::vector<std::vector<std::string>> expected;
  for (int k = 0; k < 300; ++k) {
    const std::string a(static_cast<std::size_t>(k % 97), 'x');
    const std::string b = std::to_string(k);
    text += a + "," + b + (k % 3 == 0 ? "\r\n" : "\n");
    expected.push_back({a, b});
  }
  std::size_t bytes = 0;
  EXPECT_EQ(split_texts(text, 2, 1000, bytes), expected);
  EXPECT_EQ(bytes, text.size());
}

TEST_F(CsvReaderTest, PlainRecordsTakenFromLinesAheadReadAsNextWould) {
  // Plain records among quoted ones, CRLF, blank lines, short and long records, a lone carriage
  // return and a last line without its line end: read by next() alone, or by split_plain
  // wherever it can, the records, their lines and columns are the same.
  std::string content = "id,name,date\n";
  for (int k = 0; k < 400; ++k) {
    const std::string n = std::to_string(k);
    switch (k % 9) {
      case 0:
        content += "C" + n + ",\"Smith, J\",2019-04-01\n";
        break;
      case 1:
        content += "C" + n + ",Ann,2019-04-01\r\n";
        break;
      case 2:
        content += "\n";
        break;
      case 3:
        content += "C" + n + ",short\n";
        break;
      case 4:
        content += "C" + n + ",a\rb,2019-04-01\n";
        break;
      case 5:
        content += "C" + n + ",x,y,z\n";
        break;
      default:
        content += "C" + n + ",Bo" + std::string(static_cast<std::size_t>(k % 70), 'o') +
                   ",2020-01-0" + std::to_string(k % 9 + 1) + "\n";
        break;
    }
  }
  content += "C-last,end,2021-01-01";
  const std::string path = write(content);
  for (const std::size_t block :
       {std::size_t{1}, std::size_t{7}, std::size_t{64}, std::size_t{1} << 20}) {
    const Read whole = read_path(path, block);
    ASSERT_FALSE(whole.error);
    for (const std::size_t batch : {std::size_t{1}, std::size_t{5}, std::size_t{1000}}) {
      const Read mixed = read_mixed(path, block, 3, batch);
      ASSERT_FALSE(mixed.error);
      EXPECT_EQ(mixed.records, whole.records) << "block " << block << ", batch " << batch;
      EXPECT_EQ(mixed.lines, whole.lines) << "block " << block << ", batch " << batch;
    }
  }
}

}  // namespace
}  // namespace tally::runtime
