#include <gtest/gtest.h>

#include "runtime/column/column.hpp"

namespace tally::runtime {
namespace {

LineMap of(std::initializer_list<std::int64_t> lines) {
  LineMap m;
  for (std::int64_t l : lines) m.push_back(l);
  return m;
}

TEST(LineMap, GivesEveryRowsLineAcrossGaps) {
  // A blank line after row 2, a quoted field over three lines in row 4, a rejected row after it.
  const LineMap m = of({2, 3, 5, 6, 9, 10, 12});
  EXPECT_EQ(m.size(), 7u);
  EXPECT_EQ(m.all(), (std::vector<std::int64_t>{2, 3, 5, 6, 9, 10, 12}));
  EXPECT_EQ(m[0], 2);
  EXPECT_EQ(m[4], 9);
  EXPECT_EQ(m.back(), 12);
}

TEST(LineMap, AppendedRowsKeepTheirLinesWhetherOrNotTheyContinue) {
  LineMap first = of({2, 3, 4});
  first.append(of({5, 6}));   // continues: rows 3 and 4 on lines 5 and 6
  first.append(of({9, 10}));  // a gap
  first.append(LineMap{});
  EXPECT_EQ(first.all(), (std::vector<std::int64_t>{2, 3, 4, 5, 6, 9, 10}));
  LineMap empty;
  empty.append(of({7}));
  EXPECT_EQ(empty.all(), (std::vector<std::int64_t>{7}));
  EXPECT_TRUE(LineMap{}.empty());
  EXPECT_EQ(LineMap{}.back(),
            0);  // no rows: asked for nothing, answers 0 rather than reading outside
}

TEST(LineMap, AMillionConsecutiveRowsNeedOneEntry) {
  LineMap m;
  for (std::int64_t l = 2; l < 1000002; ++l) m.push_back(l);
  EXPECT_EQ(m.size(), 1000000u);
  EXPECT_EQ(m[999999], 1000001);
  EXPECT_EQ(m[123456], 123458);
}

}  // namespace
}  // namespace tally::runtime
