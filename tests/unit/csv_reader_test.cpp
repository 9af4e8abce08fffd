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
    while (reader.next(fields)) {
      std::vector<Field> record;
      for (const CsvField& f : fields) record.push_back({std::string(f.text), f.line, f.column});
      out.records.push_back(record);
      out.lines.push_back(reader.record_line());
    }
    out.error = reader.error();
    return out;
  }

  static std::vector<std::vector<std::string>> texts(const Read& r) {
    std::vector<std::vector<std::string>> out;
    for (const auto& record : r.records) {
      out.emplace_back();
      for (const Field& f : record) out.back().push_back(f.text);
    }
    return out;
  }

  int files_ = 0;
};

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

}  // namespace
}  // namespace tally::runtime
