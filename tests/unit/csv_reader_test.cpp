// Unit tests for the streaming CSV reader: quoting, line ends, the byte order mark, line and
// column positions, records split across blocks, malformed files and blank lines.
#include "runtime/column/csv_reader.hpp"

#include <gtest/gtest.h>

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
            record.push_back({std::string(field), line,
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

TEST_F(CsvReaderTest, LoneCarriageReturnIsText) {
  const Read r = read("a\rb,c\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(texts(r), (Texts{{"a\rb", "c"}}));
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

TEST_F(CsvReaderTest, DirectoryIsAReadError) {
  const Read r = read_path(dir_.string(), 64);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->line, 0);
  EXPECT_NE(r.error->message.find("cannot read"), std::string::npos);
  EXPECT_TRUE(r.records.empty());
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
  EXPECT_EQ(split_texts("a,b\nc,d\r", 2, 100, bytes), (Texts{{"a", "b"}}));
  // A record without its line end.
  EXPECT_EQ(split_texts("a,b\nc,d", 2, 100, bytes), (Texts{{"a", "b"}}));
  EXPECT_EQ(bytes, 4u);
  EXPECT_TRUE(split_texts("", 2, 100, bytes).empty());
  EXPECT_EQ(bytes, 0u);
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
      case 0: content += "C" + n + ",\"Smith, J\",2019-04-01\n"; break;
      case 1: content += "C" + n + ",Ann,2019-04-01\r\n"; break;
      case 2: content += "\n"; break;
      case 3: content += "C" + n + ",short\n"; break;
      case 4: content += "C" + n + ",a\rb,2019-04-01\n"; break;
      case 5: content += "C" + n + ",x,y,z\n"; break;
      default: content += "C" + n + ",Bo" + std::string(static_cast<std::size_t>(k % 70), 'o') + ",2020-01-0" + std::to_string(k % 9 + 1) + "\n"; break;
    }
  }
  content += "C-last,end,2021-01-01";
  const std::string path = write(content);
  for (const std::size_t block : {std::size_t{1}, std::size_t{7}, std::size_t{64}, std::size_t{1} << 20}) {
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
