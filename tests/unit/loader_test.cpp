// Unit tests for loading a declared table from CSV into columns: each column type, date layouts,
// the header, bad cells and their positions, keys, decimal scales, lenient rejects, and the
// validity masks and string pool the tables are made of.
#include "runtime/column/loader.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lang/base/date.hpp"
#include "runtime/column/csv_reader.hpp"
#include "tests/unit/temp_folder.hpp"

namespace tally::runtime {
namespace {

namespace fs = std::filesystem;

ColumnSchema col(std::string name, ColumnType type, bool nullable = false,
                 std::string date_format = "", bool key = false) {
  ColumnSchema c;
  c.name = std::move(name);
  c.type = type;
  c.nullable = nullable;
  c.date_format = std::move(date_format);
  c.key = key;
  return c;
}

TableSchema table_schema(std::string name, std::vector<ColumnSchema> columns) {
  TableSchema t;
  t.name = std::move(name);
  t.columns = std::move(columns);
  return t;
}

std::vector<std::string> messages(const std::vector<Issue>& issues) {
  std::vector<std::string> out;
  for (const Issue& i : issues) out.push_back(i.message);
  return out;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class LoaderTest : public tally::test_support::TempFolderTest {
 protected:
  LoadResult load(const TableSchema& schema, const std::vector<std::string>& columns,
                  const std::string& content, const LoadOptions& options = {}) {
    return load_table(schema, columns, write(schema.name + ".csv", content), pool_, options);
  }

  // The single error of a failed strict load, rendered.
  std::string only_error(const LoadResult& r) {
    EXPECT_FALSE(r.table);
    EXPECT_EQ(r.errors.size(), 1u) << ::testing::PrintToString(messages(r.errors));
    return r.errors.empty() ? std::string() : r.errors.front().render("error");
  }

  std::string path_of(const std::string& table) const { return (dir_ / (table + ".csv")).string(); }

  StringPool pool_;
};

TEST_F(LoaderTest, EachType) {
  const auto schema =
      table_schema("t", {col("name", ColumnType::text), col("n", ColumnType::integer),
                         col("amount", ColumnType::decimal), col("when", ColumnType::date),
                         col("flag", ColumnType::boolean)});
  const auto r = load(schema, {"name", "n", "amount", "when", "flag"},
                      "name,n,amount,when,flag\n"
                      "Ann,42,12.50,2017-04-01,yes\n"
                      "Bo,-7,-0.25,1969-12-31,N\n"
                      "Ann,+0,3,2000-02-29,TRUE\n");
  ASSERT_TRUE(r.errors.empty()) << ::testing::PrintToString(messages(r.errors));
  ASSERT_TRUE(r.table);
  const Table& t = *r.table;
  EXPECT_EQ(t.name, "t");
  EXPECT_EQ(t.file, path_of("t"));
  EXPECT_EQ(t.rows(), 3u);
  EXPECT_EQ(t.lines.all(), (std::vector<std::int64_t>{2, 3, 4}));
  ASSERT_EQ(t.columns.size(), 5u);

  const Column& name = t.columns[0];
  EXPECT_EQ(name.type, ColumnType::text);
  EXPECT_EQ(pool_.text(name.data[0]), "Ann");
  EXPECT_EQ(pool_.text(name.data[1]), "Bo");
  EXPECT_EQ(name.data[0], name.data[2]);
  EXPECT_EQ(pool_.find("Bo"), name.data[1]);

  EXPECT_EQ(t.columns[1].data, (std::vector<std::int64_t>{42, -7, 0}));
  EXPECT_EQ(t.columns[2].scale, 2);
  EXPECT_EQ(t.columns[2].data, (std::vector<std::int64_t>{1250, -25, 300}));
  EXPECT_EQ(t.columns[3].data, (std::vector<std::int64_t>{days_from_civil(2017, 4, 1), -1,
                                                          days_from_civil(2000, 2, 29)}));
  EXPECT_EQ(t.columns[4].data, (std::vector<std::int64_t>{1, 0, 1}));
  for (const Column& c : t.columns) EXPECT_TRUE(c.validity.all_known()) << c.name;
  EXPECT_EQ(t.find("amount"), &t.columns[2]);
  EXPECT_EQ(t.find("absent"), nullptr);
}

TEST_F(LoaderTest, IntegerLimitsAndSpaces) {
  const auto schema = table_schema("t", {col("n", ColumnType::integer)});
  const auto r =
      load(schema, {"n"}, "n\n9223372036854775807\n-9223372036854775808\n  12 \n\"\t5\"\n");
  ASSERT_TRUE(r.table);
  EXPECT_EQ(r.table->columns[0].data, (std::vector<std::int64_t>{INT64_MAX, INT64_MIN, 12, 5}));

  const auto bad = load(schema, {"n"}, "n\n9223372036854775808\n1.0\n1 2\n");
  EXPECT_FALSE(bad.table);
  EXPECT_EQ(messages(bad.errors),
            (std::vector<std::string>{
                "cell '9223372036854775808' in column 'n' is too large: whole numbers must lie "
                "within +/-9223372036854775807",
                "cell '1.0' in column 'n' is not a whole number; write digits with an optional "
                "sign, such as 42 or -7",
                "cell '1 2' in column 'n' is not a whole number; write digits with an optional "
                "sign, such as 42 or -7"}));
}

TEST_F(LoaderTest, BoolSpellings) {
  const auto schema = table_schema("t", {col("b", ColumnType::boolean)});
  const auto r = load(schema, {"b"}, "b\n1\n0\ntrue\nFalse\nYES\nno\nY\nn\n");
  ASSERT_TRUE(r.table);
  EXPECT_EQ(r.table->columns[0].data, (std::vector<std::int64_t>{1, 0, 1, 0, 1, 0, 1, 0}));
  const auto bad = load(schema, {"b"}, "b\nmaybe\n");
  EXPECT_EQ(only_error(bad),
            path_of("t") +
                ":2:1: error: cell 'maybe' in column 'b' is not a yes/no value; write 1/0, "
                "true/false, yes/no or y/n");
}

TEST_F(LoaderTest, TextIsKeptAsWritten) {
  const auto schema = table_schema("t", {col("s", ColumnType::text, true)});
  const auto r = load(schema, {"s"}, "s\n a \n\"\"\n\" \"\n");
  ASSERT_TRUE(r.table);
  const Column& s = r.table->columns[0];
  EXPECT_EQ(pool_.text(s.data[0]), " a ");
  EXPECT_FALSE(s.validity.known(1));
  EXPECT_TRUE(s.validity.known(2));
  EXPECT_EQ(pool_.text(s.data[2]), " ");
}

TEST_F(LoaderTest, DayMonthYearLayout) {
  const auto schema =
      table_schema("episodes", {col("DECOM", ColumnType::date, false, "dd/mm/yyyy")});
  const auto r = load(schema, {"DECOM"}, "DECOM\n01/04/2017\n29/02/2016\n");
  ASSERT_TRUE(r.table);
  EXPECT_EQ(r.table->columns[0].data,
            (std::vector<std::int64_t>{days_from_civil(2017, 4, 1), days_from_civil(2016, 2, 29)}));
}

TEST_F(LoaderTest, BadCellMessageAndPosition) {
  const auto schema = table_schema(
      "episodes",
      {col("CHILD", ColumnType::text), col("DECOM", ColumnType::date, false, "dd/mm/yyyy")});
  const auto r = load(schema, {"CHILD", "DECOM"}, "CHILD,DECOM\nC1,01/04/2017\nC22,31/02/2017\n");
  EXPECT_EQ(only_error(r), path_of("episodes") +
                               ":3:5: error: cell '31/02/2017' in column 'DECOM' is not a date "
                               "in the layout dd/mm/yyyy");
  EXPECT_EQ(r.errors[0].line, 3);
  EXPECT_EQ(r.errors[0].column, 5);
}

TEST_F(LoaderTest, IsoIsTheDefaultLayout) {
  const auto schema = table_schema("t", {col("d", ColumnType::date)});
  const auto r = load(schema, {"d"}, "d\n01/04/2017\n");
  EXPECT_EQ(only_error(r), path_of("t") +
                               ":2:1: error: cell '01/04/2017' in column 'd' is not a date in "
                               "the layout yyyy-mm-dd");
}

TEST_F(LoaderTest, EveryBadCellIsReported) {
  const auto schema = table_schema(
      "t",
      {col("a", ColumnType::integer), col("b", ColumnType::boolean), col("c", ColumnType::text)});
  const auto r = load(schema, {"a", "b", "c"}, "a,b,c\nx,1,ok\n1,2,ok\ny,z,\n");
  EXPECT_FALSE(r.table);
  ASSERT_EQ(r.errors.size(), 5u);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[1].line, 3);
  EXPECT_EQ(r.errors[1].column, 3);
  EXPECT_EQ(r.errors[4].render("error"),
            path_of("t") +
                ":4:5: error: empty cell in column 'c', which is not declared optional; declare it "
                "`text?` if it may be empty");
}

TEST_F(LoaderTest, ErrorsAreCappedPerFile) {
  const auto schema = table_schema("t", {col("n", ColumnType::integer)});
  std::string content = "n\n";
  for (int k = 0; k < 130; ++k) content += "bad\n";
  const auto r = load(schema, {"n"}, content);
  EXPECT_FALSE(r.table);
  ASSERT_EQ(r.errors.size(), 101u);
  EXPECT_EQ(r.errors[99].line, 101);
  EXPECT_EQ(r.errors[100].line, 0);
  EXPECT_EQ(r.errors[100].message, "... and 30 more errors in " + path_of("t"));
}

TEST_F(LoaderTest, MissingColumn) {
  const auto schema =
      table_schema("children", {col("child_id", ColumnType::text), col("dob", ColumnType::date),
                                col("uasc", ColumnType::boolean)});
  const auto r = load(schema, {"child_id", "dob"}, "child_id,DOB ,uasc\nC1,2010-01-01,1\n");
  EXPECT_EQ(only_error(r), path_of("children") +
                               ":1:1: error: missing column 'dob' declared in table children; the "
                               "header has: child_id, DOB , uasc ('DOB ' differs only in case or "
                               "spaces: rename it to 'dob')");
  const auto plain = load(schema, {"uasc"}, "child_id,dob\n");
  EXPECT_EQ(plain.errors.at(0).message,
            "missing column 'uasc' declared in table children; the header has: child_id, dob");
  EXPECT_EQ(plain.errors[0].line, 1);
  EXPECT_EQ(plain.errors[0].column, 1);
}

TEST_F(LoaderTest, DuplicatedHeaderName) {
  const auto schema = table_schema("t", {col("a", ColumnType::text), col("b", ColumnType::text)});
  const auto r = load(schema, {"a"}, "a,b,a\nx,y,z\n");
  EXPECT_EQ(only_error(r), path_of("t") +
                               ":1:5: error: column 'a' appears twice in the header (columns 1 "
                               "and 3); rename or remove one");
  // A duplicated name that is not asked for does no harm.
  const auto fine = load(schema, {"a"}, "a,b,b\nx,y,z\n");
  EXPECT_TRUE(fine.table);
}

TEST_F(LoaderTest, EmptyCellInRequiredColumn) {
  const auto schema =
      table_schema("t", {col("id", ColumnType::text), col("n", ColumnType::integer)});
  const auto r = load(schema, {"id", "n"}, "id,n\nC1,  \n");
  EXPECT_EQ(only_error(r), path_of("t") +
                               ":2:4: error: empty cell in column 'n', which is not declared "
                               "optional; declare it `int?` if it may be empty");
}

TEST_F(LoaderTest, NullableColumns) {
  const auto schema =
      table_schema("t", {col("d", ColumnType::date, true, "dd/mm/yyyy"),
                         col("x", ColumnType::decimal, true), col("s", ColumnType::text, true)});
  const auto r = load(schema, {"d", "x", "s"}, "d,x,s\n,,\n02/01/2020, 1.5 ,a\n , , \n");
  ASSERT_TRUE(r.table) << ::testing::PrintToString(messages(r.errors));
  const Table& t = *r.table;
  for (const Column& c : t.columns) {
    EXPECT_FALSE(c.validity.known(0)) << c.name;
    EXPECT_TRUE(c.validity.known(1)) << c.name;
    EXPECT_EQ(c.data[0], 0) << c.name;
    EXPECT_FALSE(c.validity.all_known());
  }
  EXPECT_EQ(t.columns[0].data[1], days_from_civil(2020, 1, 2));
  EXPECT_EQ(t.columns[1].data[1], 15);
  EXPECT_FALSE(t.columns[0].validity.known(2));
  EXPECT_FALSE(t.columns[1].validity.known(2));
  // Spaces are a text value, not a missing one.
  EXPECT_TRUE(t.columns[2].validity.known(2));
}

TEST_F(LoaderTest, DuplicateKey) {
  const auto schema = table_schema("children", {col("child_id", ColumnType::text, false, "", true),
                                                col("n", ColumnType::integer)});
  const auto r = load(schema, {"child_id", "n"}, "child_id,n\nC0,1\nC1,2\nC2,3\nC1,4\n");
  EXPECT_EQ(only_error(r), path_of("children") +
                               ":5:1: error: duplicate key 'C1' in column 'child_id' (first at "
                               "line 3); a key column holds each value once");
  // Missing values are not keys.
  const auto nullable = table_schema("k", {col("id", ColumnType::integer, true, "", true)});
  EXPECT_TRUE(load(nullable, {"id"}, "id\n\n1\n\n2\n").table);
}

TEST_F(LoaderTest, DecimalScaleGrowsWithTheData) {
  const auto schema = table_schema("t", {col("x", ColumnType::decimal, true)});
  const auto r = load(schema, {"x"}, "x\n1\n2.5\n\n-0.125\n7.10\n");
  ASSERT_TRUE(r.table);
  const Column& x = r.table->columns[0];
  EXPECT_EQ(x.scale, 3);
  EXPECT_EQ(x.data, (std::vector<std::int64_t>{1000, 2500, 0, -125, 7100}));
}

TEST_F(LoaderTest, DecimalRescaleOverflowNamesTheCell) {
  const auto schema = table_schema("t", {col("x", ColumnType::decimal)});
  const auto r = load(schema, {"x"}, "x\n922337203685478\n0.0001\n1.5\n");
  EXPECT_EQ(only_error(r), path_of("t") +
                               ":3:1: error: cell '0.0001' in column 'x' has 4 decimal places, "
                               "and with that many the value at line 2 is too large to hold "
                               "exactly; round the column's values to fewer places");
  const auto big = load(schema, {"x"}, "x\n0.5\n92233720368547758.08\n");
  EXPECT_EQ(big.errors.size(), 1u);
  EXPECT_EQ(big.errors.at(0).line, 3);
}

TEST_F(LoaderTest, DecimalKeysCompareByValue) {
  const auto schema = table_schema("t", {col("x", ColumnType::decimal, false, "", true)});
  const auto r = load(schema, {"x"}, "x\n1.5\n2\n1.50\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 4);
  EXPECT_NE(r.errors[0].message.find("(first at line 2)"), std::string::npos);
  const auto fine = load(schema, {"x"}, "x\n1.5\n2\n1.55\n2.000\n");
  EXPECT_EQ(fine.errors.size(), 1u);
  EXPECT_EQ(fine.errors.at(0).line, 5);
}

TEST_F(LoaderTest, ExtraColumnsAreIgnoredAndNotConverted) {
  const auto schema = table_schema("t", {col("id", ColumnType::text), col("n", ColumnType::integer),
                                         col("d", ColumnType::date)});
  const auto r = load(schema, {"id"}, "junk,id,n,d\n???,C1,not a number,not a date\n");
  ASSERT_TRUE(r.table);
  ASSERT_EQ(r.table->columns.size(), 1u);
  EXPECT_EQ(pool_.text(r.table->columns[0].data[0]), "C1");
}

TEST_F(LoaderTest, ColumnsComeInTheAskedOrder) {
  const auto schema =
      table_schema("t", {col("a", ColumnType::integer), col("b", ColumnType::integer),
                         col("c", ColumnType::integer)});
  const auto r = load(schema, {"c", "a"}, "b,a,c\n1,2,3\n4,5,6\n");
  ASSERT_TRUE(r.table);
  ASSERT_EQ(r.table->columns.size(), 2u);
  EXPECT_EQ(r.table->columns[0].name, "c");
  EXPECT_EQ(r.table->columns[0].data, (std::vector<std::int64_t>{3, 6}));
  EXPECT_EQ(r.table->columns[1].name, "a");
  EXPECT_EQ(r.table->columns[1].data, (std::vector<std::int64_t>{2, 5}));
}

TEST_F(LoaderTest, RowWithTheWrongNumberOfFields) {
  const auto schema = table_schema("t", {col("a", ColumnType::text), col("b", ColumnType::text)});
  const auto r = load(schema, {"a"}, "a,b\nx,y,z\nx\n\nx,y\n");
  EXPECT_FALSE(r.table);
  EXPECT_EQ(messages(r.errors),
            (std::vector<std::string>{
                "row has 3 fields but the header has 2; quote any cell that contains a comma",
                "row has 1 field but the header has 2; give every row a cell, possibly empty, for "
                "each header column",
                "blank line, but the header has 2 columns; remove the blank line"}));
  EXPECT_EQ(r.errors[0].render("error"), path_of("t") + ":2: error: " + r.errors[0].message);
  EXPECT_EQ(r.errors[2].line, 4);
}

TEST_F(LoaderTest, MissingAndEmptyFiles) {
  const auto schema = table_schema("absent", {col("a", ColumnType::text)});
  const auto r = load_table(schema, {"a"}, dir_ / "absent.csv", pool_, {});
  const std::string error = only_error(r);
  EXPECT_EQ(error.rfind(path_of("absent") + ": error: cannot open the file", 0), 0u) << error;
  EXPECT_EQ(r.errors.at(0).line, 0);
  EXPECT_NE(error.find("table absent is read from it, so check the folder given with --data"),
            std::string::npos);

  const auto folder = load_table(schema, {"a"}, dir_, pool_, {});
  EXPECT_EQ(only_error(folder).rfind(dir_.string() + ": error: it is a folder", 0), 0u);
  EXPECT_FALSE(folder.errors.at(0).row);

  const auto empty = load(table_schema("e", {col("a", ColumnType::text)}), {"a"}, "");
  EXPECT_EQ(only_error(empty), path_of("e") +
                                   ": error: the file is empty; table e needs a header row "
                                   "naming its columns, then one row per case");
}

TEST_F(LoaderTest, HeaderOnlyGivesAnEmptyTable) {
  const auto r = load(table_schema("t", {col("a", ColumnType::text)}), {"a"}, "a\n");
  ASSERT_TRUE(r.table);
  EXPECT_EQ(r.table->rows(), 0u);
  EXPECT_EQ(r.table->columns.at(0).data.size(), 0u);
}

TEST_F(LoaderTest, MalformedFileFailsEvenWhenLenient) {
  const auto schema = table_schema("t", {col("a", ColumnType::text)});
  LoadOptions lenient;
  lenient.lenient = true;
  lenient.rejects_file = dir_ / "rejects.csv";
  const auto r = load(schema, {"a"}, "a\nok\n\"never closed\n", lenient);
  EXPECT_EQ(only_error(r), path_of("t") +
                               ":3:1: error: unterminated quoted field: the quote that opens here "
                               "is never closed, as the file ends first; add the closing quote, "
                               "and write a quote inside a quoted field twice (\"\")");
  // Skipping rows cannot mend it.
  EXPECT_FALSE(r.errors.at(0).row);
}

// A CSV with carriage returns alone for line ends (old Mac and Excel exports) loads as the same
// file with line feeds does, one row at a time or a block at a time.
TEST_F(LoaderTest, CarriageReturnLineEnds) {
  const auto schema = table_schema(
      "visits", {col("child_id", ColumnType::text), col("visit_date", ColumnType::date),
                 col("n", ColumnType::integer, true)});
  std::string lf = "child_id,visit_date,n\n";
  for (int k = 0; k < 2500; ++k)
    lf += "C" + std::to_string(k % 97) + ",2019-0" + std::to_string(1 + k % 9) + "-1" +
          std::to_string(k % 10) + "," + (k % 7 == 0 ? "" : std::to_string(k)) + "\n";
  lf += "C1,\"2019-01-01\",3\nC2,2019-02-30,4\n";
  std::string cr = lf, mixed = lf;
  for (char& c : cr)
    if (c == '\n') c = '\r';
  int count = 0;
  mixed.clear();
  for (char c : lf) {
    if (c != '\n') {
      mixed += c;
      continue;
    }
    const int kind = count++ % 3;
    mixed += kind == 0 ? "\n" : kind == 1 ? "\r\n" : "\r";
  }
  for (const bool blocks : {true, false}) {
    SCOPED_TRACE(blocks);
    LoadOptions options;
    options.plain_blocks = blocks;
    const auto expected = load(schema, {"child_id", "visit_date", "n"}, lf, options);
    ASSERT_EQ(expected.errors.size(), 1u);
    EXPECT_EQ(expected.errors[0].line, 2503);
    EXPECT_TRUE(expected.errors[0].row);
    for (const std::string* content : {&cr, &mixed}) {
      const auto r = load(schema, {"child_id", "visit_date", "n"}, *content, options);
      ASSERT_EQ(r.errors.size(), 1u);
      EXPECT_EQ(r.errors[0].render("error"), expected.errors[0].render("error"));
      LoadOptions lenient = options;
      lenient.lenient = true;
      const auto a = load(schema, {"child_id", "visit_date", "n"}, lf, lenient);
      const auto b = load(schema, {"child_id", "visit_date", "n"}, *content, lenient);
      ASSERT_TRUE(a.table);
      ASSERT_TRUE(b.table);
      EXPECT_EQ(b.table->rows(), 2501u);
      EXPECT_EQ(b.table->lines.all(), a.table->lines.all());
      for (std::size_t k = 0; k < 3; ++k) {
        EXPECT_EQ(b.table->columns[k].data, a.table->columns[k].data);
        EXPECT_EQ(b.table->columns[k].validity.size(), a.table->columns[k].validity.size());
      }
    }
  }
}

TEST_F(LoaderTest, DatesOutsideTheYears1000To9999) {
  const auto schema = table_schema(
      "t", {col("when", ColumnType::date, true), col("uk", ColumnType::date, true, "dd/mm/yyyy")});
  const auto r = load(schema, {"when", "uk"},
                      "when,uk\n2019-04-01,01/04/2019\n0000-01-01,\n,29/02/0996\n0999-02-30,\n"
                      "1000-01-01,31/12/9999\n");
  EXPECT_EQ(messages(r.errors),
            (std::vector<std::string>{
                "cell '0000-01-01' in column 'when' has a year before 1000; dates must lie in the "
                "years 1000 to 9999, so check the year",
                "cell '29/02/0996' in column 'uk' has a year before 1000; dates must lie in the "
                "years 1000 to 9999, so check the year",
                "cell '0999-02-30' in column 'when' is not a date in the layout yyyy-mm-dd"}));
  LoadOptions lenient;
  lenient.lenient = true;
  const auto kept =
      load(schema, {"when", "uk"}, "when,uk\n0999-12-31,\n1000-01-01,31/12/9999\n", lenient);
  ASSERT_TRUE(kept.table);
  EXPECT_EQ(kept.table->rows(), 1u);
  EXPECT_EQ(kept.table->columns[0].data.at(0), days_from_civil(1000, 1, 1));
  EXPECT_EQ(kept.table->columns[1].data.at(0), days_from_civil(9999, 12, 31));
}

TEST_F(LoaderTest, SpecialFilesAndLongRecordsAreRefusedWithTheirReason) {
  const auto schema = table_schema("visits", {col("a", ColumnType::text)});
  const std::string fifo = (dir_ / "pipe.csv").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto pipe = load_table(schema, {"a"}, fifo, pool_, {});
  EXPECT_EQ(only_error(pipe),
            fifo +
                ": error: it is a named pipe (FIFO), and data are read only from regular files "
                "(or links to them); copy the data into a file; table visits is read from it, "
                "so check the folder given with --data");
  EXPECT_FALSE(pipe.errors.at(0).row);

  // A file of zeros with no line end: its header can never end.
  const fs::path zeros = write("zeros.csv", std::string(kMaxRecordBytes + 10, '\0'));
  const auto zero = load_table(schema, {"a"}, zeros, pool_, {});
  EXPECT_EQ(only_error(zero).rfind(zeros.string() +
                                       ":1: error: the record starting at line 1 is longer than "
                                       "64 MiB, the most one CSV record may take",
                                   0),
            0u);
  EXPECT_FALSE(zero.errors.at(0).row);
}

TEST_F(LoaderTest, ExcelFileWithByteOrderMarkAndCrLf) {
  const auto schema = table_schema(
      "episodes", {col("CHILD", ColumnType::text, false, "", true),
                   col("DECOM", ColumnType::date, false, "dd/mm/yyyy"),
                   col("REC", ColumnType::text, true), col("UASC", ColumnType::boolean)});
  const auto r = load(schema, {"CHILD", "DECOM", "REC", "UASC"},
                      "\xEF\xBB\xBF"
                      "CHILD,DECOM,REC,UASC\r\n"
                      "C1,01/04/2017,E11,0\r\n"
                      "C2,15/05/2017,,1\r\n"
                      "\"C3\",\"30/06/2017\",\"E4, A\",\"0\"\r\n"
                      "\r\n");
  ASSERT_TRUE(r.table) << ::testing::PrintToString(messages(r.errors));
  const Table& t = *r.table;
  EXPECT_EQ(t.rows(), 3u);
  EXPECT_EQ(pool_.text(t.columns[0].data[0]), "C1");
  EXPECT_EQ(t.columns[1].data[2], days_from_civil(2017, 6, 30));
  EXPECT_FALSE(t.columns[2].validity.known(1));
  EXPECT_EQ(pool_.text(t.columns[2].data[2]), "E4, A");
  EXPECT_EQ(t.columns[3].data, (std::vector<std::int64_t>{0, 1, 0}));
}

TEST_F(LoaderTest, LenientSkipsBadRowsIntoTheRejectsFile) {
  const auto children =
      table_schema("children", {col("child_id", ColumnType::text, false, "", true),
                                col("dob", ColumnType::date, false, "dd/mm/yyyy"),
                                col("n", ColumnType::integer)});
  LoadOptions lenient;
  lenient.lenient = true;
  lenient.rejects_file = dir_ / "out" / "nested" / "rejects.csv";
  const auto r = load(children, {"child_id", "dob", "n"},
                      "child_id,dob,n\n"
                      "C1,01/01/2010,1\n"
                      "C2,31/02/2010,x\n"
                      "C3,02/01/2010,3\n"
                      "C1,03/01/2010,4\n"
                      "C4\n"
                      "C5,04/01/2010,5\n",
                      lenient);
  EXPECT_TRUE(r.errors.empty()) << ::testing::PrintToString(messages(r.errors));
  ASSERT_TRUE(r.table);
  const Table& t = *r.table;
  EXPECT_EQ(t.rejected, 3u);
  EXPECT_EQ(t.lines.all(), (std::vector<std::int64_t>{2, 4, 7}));
  EXPECT_EQ(t.columns[2].data, (std::vector<std::int64_t>{1, 3, 5}));
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].render("warning"),
            path_of("children") + ": warning: skipped 3 rows of children with bad data; see " +
                lenient.rejects_file.string());
  EXPECT_EQ(slurp(lenient.rejects_file),
            "table,line,reason\n"
            "children,3,\"cell '31/02/2010' in column 'dob' is not a date in the layout "
            "dd/mm/yyyy; cell 'x' in column 'n' is not a whole number; write digits with an "
            "optional sign, such as 42 or -7\"\n"
            "children,5,duplicate key 'C1' in column 'child_id' (first at line 2); a key column "
            "holds each value once\n"
            "children,6,\"row has 1 field but the header has 3; give every row a cell, possibly "
            "empty, for each header column\"\n");

  // A second table appends to the same file without a second header.
  const auto visits = table_schema("visits", {col("visit_date", ColumnType::date)});
  const auto v = load(visits, {"visit_date"}, "visit_date\n2017-04-01\nsoon\n", lenient);
  ASSERT_TRUE(v.table);
  EXPECT_EQ(v.table->rejected, 1u);
  EXPECT_EQ(v.warnings.at(0).message,
            "skipped 1 row of visits with bad data; see " + lenient.rejects_file.string());
  const std::string all = slurp(lenient.rejects_file);
  EXPECT_EQ(all.find("table,line,reason"), all.rfind("table,line,reason"));
  EXPECT_NE(all.find("visits,3,cell 'soon' in column 'visit_date' is not a date in the layout "
                     "yyyy-mm-dd\n"),
            std::string::npos);
}

TEST_F(LoaderTest, ThousandsOfPlainRowsAroundBadCellsAndAGrowingScale) {
  // Plain rows are converted a block at a time, column by column: a bad cell, an empty cell in
  // a required column, a quoted field and a decimal with more places than the rows before it
  // each stop a block there; every row must still be loaded, or rejected, as one at a time.
  const auto schema =
      table_schema("t", {col("id", ColumnType::text), col("when", ColumnType::date),
                         col("x", ColumnType::decimal), col("note", ColumnType::text, true)});
  std::string content = "id,when,x,note\n";
  std::vector<std::int64_t> lines, xs, days;
  std::vector<std::string> ids, notes;
  for (int k = 0; k < 3000; ++k) {
    const std::int64_t line = k + 2;
    const std::string id = "C" + std::to_string(k % 700);
    const int day = 1 + k % 28;
    const std::string when = "2019-05-" + std::string(day < 10 ? "0" : "") + std::to_string(day);
    const std::string note =
        k % 5 == 0 ? "" : (k % 5 == 1 ? "\"a, b\"" : "n" + std::to_string(k % 3));
    if (k == 1500) {
      content += id + ",2019-02-30,1," + note + "\n";  // no such day
      continue;
    }
    if (k == 2500) {
      content += "," + when + ",1," + note + "\n";  // empty required id
      continue;
    }
    const std::string x = k >= 2000 ? std::to_string(k) + ".25" : std::to_string(k);
    content += id + "," + when + "," + x + "," + note + "\n";
    lines.push_back(line);
    ids.push_back(id);
    days.push_back(*parse_iso(when));
    xs.push_back(k >= 2000 ? k * 100 + 25 : k * 100);
    notes.push_back(note == "\"a, b\"" ? "a, b" : note);
  }
  LoadOptions lenient;
  lenient.lenient = true;
  const auto r = load(schema, {"id", "when", "x", "note"}, content, lenient);
  ASSERT_TRUE(r.table);
  const Table& t = *r.table;
  EXPECT_EQ(t.rejected, 2u);
  EXPECT_EQ(t.lines.all(), lines);
  EXPECT_EQ(t.columns[1].data, days);
  EXPECT_EQ(t.columns[2].scale, 2);
  EXPECT_EQ(t.columns[2].data, xs);
  ASSERT_EQ(t.rows(), ids.size());
  for (std::size_t row = 0; row < ids.size(); ++row) {
    EXPECT_EQ(pool_.text(t.columns[0].data[row]), ids[row]) << "row " << row;
    EXPECT_EQ(t.columns[3].validity.known(row), !notes[row].empty()) << "row " << row;
    if (!notes[row].empty()) {
      EXPECT_EQ(pool_.text(t.columns[3].data[row]), notes[row]) << "row " << row;
    }
  }

  const auto strict = load(schema, {"id", "when", "x", "note"}, content);
  ASSERT_EQ(strict.errors.size(), 2u);
  EXPECT_EQ(strict.errors[0].line, 1502);
  EXPECT_EQ(strict.errors[0].column, 6);  // after "C100,"
  EXPECT_EQ(strict.errors[1].line, 2502);
  EXPECT_EQ(strict.errors[1].column, 1);
}

TEST_F(LoaderTest, DuplicateKeysAmongThousandsOfPlainRows) {
  // Keys are checked row by row within a block of plain rows too: a key met in an earlier block,
  // one met earlier in the same block, and rows after them, kept as one at a time would.
  const auto schema = table_schema("children", {col("child_id", ColumnType::text, false, "", true),
                                                col("n", ColumnType::integer)});
  std::string content = "child_id,n\n";
  std::vector<std::int64_t> lines, ns;
  for (int k = 0; k < 3000; ++k) {
    std::string id = "C" + std::to_string(k);
    if (k == 1200) id = "C10";    // first at line 12
    if (k == 2999) id = "C2998";  // the row just before
    content += id + "," + std::to_string(k) + "\n";
    if (k == 1200 || k == 2999) continue;
    lines.push_back(k + 2);
    ns.push_back(k);
  }
  LoadOptions lenient;
  lenient.lenient = true;
  lenient.rejects_file = dir_ / "rejects.csv";
  const auto r = load(schema, {"child_id", "n"}, content, lenient);
  ASSERT_TRUE(r.table);
  EXPECT_EQ(r.table->rejected, 2u);
  EXPECT_EQ(r.table->lines.all(), lines);
  EXPECT_EQ(r.table->columns[1].data, ns);
  EXPECT_EQ(slurp(lenient.rejects_file),
            "table,line,reason\n"
            "children,1202,duplicate key 'C10' in column 'child_id' (first at line 12); a key "
            "column holds each value once\n"
            "children,3001,duplicate key 'C2998' in column 'child_id' (first at line 3000); a "
            "key column holds each value once\n");
}

TEST_F(LoaderTest, LenientWithNothingBadWritesNoFile) {
  LoadOptions lenient;
  lenient.lenient = true;
  lenient.rejects_file = dir_ / "rejects.csv";
  const auto r = load(table_schema("t", {col("a", ColumnType::integer)}), {"a"}, "a\n1\n", lenient);
  ASSERT_TRUE(r.table);
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_FALSE(fs::exists(lenient.rejects_file));
}

TEST_F(LoaderTest, LenientStillFailsOnAMissingColumn) {
  LoadOptions lenient;
  lenient.lenient = true;
  lenient.rejects_file = dir_ / "rejects.csv";
  const auto r = load(table_schema("t", {col("a", ColumnType::integer)}), {"a"}, "b\n1\n", lenient);
  EXPECT_FALSE(r.table);
  EXPECT_EQ(r.errors.size(), 1u);
}

TEST_F(LoaderTest, ManyTextRowsKeepTheirTexts) {
  // More rows than text is interned at a time, with empty cells and repeats among them.
  const auto schema =
      table_schema("t", {col("a", ColumnType::text, true),
                         col("k", ColumnType::text, false, "", true), col("b", ColumnType::text)});
  std::string content = "a,k,b\n";
  std::vector<std::string> a, b;
  for (int r = 0; r < 1000; ++r) {
    a.push_back(r % 7 == 0 ? "" : std::string("a") + std::to_string(r % 13));
    b.push_back(std::string("b") + std::to_string(r * 31 % 997) +
                std::string(static_cast<std::size_t>(r % 20), 'x'));
    content += a.back() + std::string(",k") + std::to_string(r) + "," + b.back() + "\n";
  }
  const auto r = load(schema, {"a", "k", "b"}, content);
  ASSERT_TRUE(r.table) << ::testing::PrintToString(messages(r.errors));
  const Table& t = *r.table;
  ASSERT_EQ(t.rows(), 1000u);
  for (std::size_t k = 0; k < 1000; ++k) {
    EXPECT_EQ(t.columns[0].validity.known(k), !a[k].empty());
    if (a[k].empty())
      EXPECT_EQ(t.columns[0].data[k], 0);
    else
      EXPECT_EQ(pool_.text(t.columns[0].data[k]), a[k]);
    EXPECT_EQ(pool_.text(t.columns[1].data[k]), std::string("k") + std::to_string(k));
    EXPECT_EQ(pool_.text(t.columns[2].data[k]), b[k]);
  }
}

TEST_F(LoaderTest, ManyRejectedRowsAllReachTheFileInOrder) {
  // More rejected rows than are held in memory at once.
  LoadOptions lenient;
  lenient.lenient = true;
  lenient.rejects_file = dir_ / "rejects.csv";
  std::string content = "n\n";
  for (int r = 0; r < 100000; ++r) content += r % 10 == 0 ? "1\n" : "not a number\n";
  const auto r = load(table_schema("t", {col("n", ColumnType::integer)}), {"n"}, content, lenient);
  ASSERT_TRUE(r.table);
  EXPECT_EQ(r.table->rows(), 10000u);
  EXPECT_EQ(r.table->rejected, 90000u);
  const std::string all = slurp(lenient.rejects_file);
  std::istringstream lines(all);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "table,line,reason");
  std::size_t count = 0;
  std::int64_t last = 0;
  while (std::getline(lines, line)) {
    ++count;
    const std::int64_t at = std::stoll(line.substr(2));
    EXPECT_GT(at, last);
    last = at;
  }
  EXPECT_EQ(count, 90000u);
}

TEST_F(LoaderTest, RenderLeavesOutUnknownPositions) {
  EXPECT_EQ((Issue::in_data("f.csv", 3, 7, "m").render("error")), "f.csv:3:7: error: m");
  EXPECT_EQ((Issue::in_data("f.csv", 3, 0, "m").render("error")), "f.csv:3: error: m");
  EXPECT_EQ((Issue::in_data("f.csv", 0, 0, "m").render("warning")), "f.csv: warning: m");
}

TEST(Validity, PushAndResize) {
  Validity v;
  EXPECT_TRUE(v.all_known());
  for (int k = 0; k < 70; ++k) v.push_back(k != 3);
  EXPECT_EQ(v.size(), 70u);
  EXPECT_FALSE(v.known(3));
  EXPECT_TRUE(v.known(69));
  EXPECT_FALSE(v.all_known());
  v.resize(3, true);  // the missing row dropped
  EXPECT_TRUE(v.all_known());
  v.resize(200, true);
  EXPECT_TRUE(v.all_known());
  v.resize(250, false);
  EXPECT_TRUE(v.known(199));
  EXPECT_FALSE(v.known(200));
  EXPECT_FALSE(v.all_known());
  v.resize(10, false);
  EXPECT_TRUE(v.all_known());
  v.resize(130, true);
  EXPECT_TRUE(v.all_known());
  v.resize(0, true);
  EXPECT_EQ(v.size(), 0u);
  v.resize(5, false);
  EXPECT_FALSE(v.known(4));
  v.push_back(true);
  EXPECT_TRUE(v.known(5));
}

TEST(StringPool, EqualTextEqualCode) {
  StringPool pool;
  const auto a = pool.intern("E11");
  const auto b = pool.intern("E12");
  EXPECT_NE(a, b);
  EXPECT_EQ(pool.intern("E11"), a);
  EXPECT_EQ(pool.find("E12"), b);
  EXPECT_EQ(pool.find("E13"), -1);
  EXPECT_EQ(pool.text(b), "E12");
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_EQ(pool.intern(""), 2u);
}

TEST(StringPool, ManyTextsLongAndShort) {
  StringPool pool;
  std::vector<std::string> texts;
  for (int k = 0; k < 5000; ++k) {
    texts.push_back(std::to_string(k));
    texts.push_back("same-head-" + std::to_string(k));  // longer than 8 bytes, same first 8
  }
  texts.push_back(std::string("a\0b", 3));
  texts.push_back("a");
  for (std::size_t k = 0; k < texts.size(); ++k) EXPECT_EQ(pool.intern(texts[k]), k);
  EXPECT_EQ(pool.size(), texts.size());
  for (std::size_t k = 0; k < texts.size(); ++k) {
    EXPECT_EQ(pool.find(texts[k]), static_cast<std::int64_t>(k));
    EXPECT_EQ(pool.intern(texts[k]), k);
    EXPECT_EQ(pool.text(static_cast<std::int64_t>(k)), texts[k]);
  }
  EXPECT_EQ(pool.find("same-head-5000"), -1);
  EXPECT_EQ(pool.find("same-head"), -1);
  EXPECT_EQ(pool.find(std::string_view()), -1);
}

TEST(StringPool, PiecesOfItsOwnTextsWhileItGrows) {
  // Texts that point into the pool itself stay right as adding others moves its bytes, one at a
  // time and in a batch.
  StringPool pool;
  std::string long_text;
  for (int k = 0; k < 3000; ++k) long_text += static_cast<char>('a' + k % 26);
  const auto whole = pool.intern(long_text);
  std::vector<std::string_view> pieces;
  std::vector<std::string> expected;
  for (std::size_t at = 0; at + 40 <= long_text.size(); at += 7) {
    pieces.push_back(pool.text(whole).substr(at, 40));
    expected.push_back(long_text.substr(at, 40));
  }
  std::vector<std::uint32_t> codes(pieces.size());
  pool.intern_all(pieces.data(), pieces.size(), codes.data());
  for (std::size_t k = 0; k < expected.size(); ++k) EXPECT_EQ(pool.text(codes[k]), expected[k]);
  const std::string_view tail = pool.text(whole).substr(2000, 900);
  const auto one = pool.intern(tail);
  EXPECT_EQ(pool.text(one), long_text.substr(2000, 900));
}

}  // namespace
}  // namespace tally::runtime
