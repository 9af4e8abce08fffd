// The comparison table, and comparisons as the evaluator makes them: text ordered by its
// characters (not by its codes, which follow the order the texts were met), against constants
// the data does not hold too; numbers of different scales and rationals exactly.
#include "runtime/exec/comparison.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/exec/evaluator.hpp"

namespace tally::runtime {
namespace {

const Comparison kAll[] = {Comparison::eq, Comparison::ne, Comparison::lt,
                           Comparison::le, Comparison::gt, Comparison::ge};

TEST(ComparisonTable, EachRowAgreesWithItsMirrorAndOpposite) {
  for (const Comparison c : kAll) {
    SCOPED_TRACE(info(c).text);
    EXPECT_EQ(comparison_of(info(c).op), c);
    EXPECT_EQ(info(info(c).mirror).mirror, c);
    EXPECT_EQ(info(info(c).opposite).opposite, c);
    for (const int t : {-1, 0, 1}) {
      EXPECT_EQ(holds(info(c).opposite, t), !holds(c, t));
      EXPECT_EQ(holds(info(c).mirror, -t), holds(c, t));
    }
  }
  EXPECT_TRUE(holds(Comparison::lt, -1));
  EXPECT_FALSE(holds(Comparison::lt, 1));
  EXPECT_TRUE(holds(Comparison::ge, 0));
  EXPECT_EQ(std::string(info(Comparison::le).text), "<=");
  EXPECT_EQ(info(Comparison::lt).mirror, Comparison::gt);
  EXPECT_EQ(info(Comparison::lt).opposite, Comparison::ge);
  EXPECT_FALSE(orders(Comparison::eq));
  EXPECT_TRUE(orders(Comparison::gt));
  EXPECT_FALSE(is_comparison(NodeOp::add));
  EXPECT_TRUE(is_comparison(NodeOp::ne));
}

// One table of one column and a plan of comparisons over it, evaluated as the executor does.
class EvaluatorComparisonTest : public ::testing::Test {
 protected:
  // The column's texts, interned in the order given (so codes do not follow the alphabet).
  void column_of_texts(const std::vector<std::string>& texts) {
    Column c;
    c.name = "t";
    c.type = ColumnType::text;
    for (const std::string& t : texts) {
      c.data.push_back(pool_.intern(t));
      c.validity.push_back(true);
    }
    table_.name = "tab";
    table_.columns.push_back(std::move(c));
    table_.lines.push_run(2, texts.size());
  }
  void column_of_numbers(const std::vector<std::int64_t>& units, int scale) {
    Column c;
    c.name = "x";
    c.type = ColumnType::decimal;
    c.scale = scale;
    for (std::int64_t u : units) {
      c.data.push_back(u);
      c.validity.push_back(true);
    }
    table_.columns.push_back(std::move(c));
    if (table_.lines.empty()) table_.lines.push_run(2, units.size());
  }

  NodeId add(plan::Node node) {
    plan_.nodes.push_back(node);
    return static_cast<NodeId>(plan_.nodes.size() - 1);
  }
  NodeId column(std::uint32_t index, Kind kind) {
    plan::Node n;
    n.op = NodeOp::column;
    n.type.kind = kind;
    n.payload = index;
    return add(n);
  }
  NodeId constant(Constant c) {
    plan_.constants.push_back(std::move(c));
    plan::Node n;
    n.op = NodeOp::constant;
    n.type = plan_.constants.back().type;
    n.payload = static_cast<std::uint32_t>(plan_.constants.size() - 1);
    return add(n);
  }
  NodeId text(const std::string& t) {
    Constant c;
    c.type = Type::text();
    c.text = t;
    return constant(c);
  }
  NodeId number(const Rational& r) {
    Constant c;
    c.type = Type::number();
    c.number = r;
    return constant(c);
  }
  NodeId compare(Comparison c, NodeId a, NodeId b) {
    plan::Node n;
    n.op = info(c).op;
    n.type = Type::boolean();
    n.a = a;
    n.b = b;
    return add(n);
  }

  // Whether each row meets node `id`, as a value and as a mask (which must agree).
  std::vector<int> rows_meeting(NodeId id) {
    TextCodes texts(pool_, constant_texts_);
    std::vector<Vec> constants, params;
    for (const Constant& c : plan_.constants) constants.push_back(constant_vec(c, texts));
    const std::vector<DerivedColumn> derived;
    std::vector<Issue> errors;
    Evaluator eval(EvalInputs{plan_, texts, params, constants, derived}, errors);
    const std::size_t n = table_.rows();
    const Frame frame;
    eval.set_frame(&frame);
    eval.start_batch(&table_, 0, n);
    const Vec& v = eval.eval(id);
    std::vector<int> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(v.known[at(v, i)] && v.v[at(v, i)] ? 1 : 0);
    std::vector<std::uint8_t> mask(n, 1);
    eval.mask(id, mask);
    for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(mask[i], out[i]) << "row " << i;
    EXPECT_TRUE(errors.empty());
    return out;
  }

  plan::Plan plan_;
  StringPool pool_, constant_texts_;
  Table table_;
};

TEST_F(EvaluatorComparisonTest, TextOrdersByItsCharactersNotItsCodes) {
  column_of_texts({"pear", "apple", "fig", "banana", "fig"});  // codes 0, 1, 2, 3, 2
  const NodeId t = column(0, Kind::text);
  EXPECT_EQ(rows_meeting(compare(Comparison::lt, t, text("fig"))),
            (std::vector<int>{0, 1, 0, 1, 0}));
  EXPECT_EQ(rows_meeting(compare(Comparison::le, t, text("fig"))),
            (std::vector<int>{0, 1, 1, 1, 1}));
  EXPECT_EQ(rows_meeting(compare(Comparison::gt, t, text("fig"))),
            (std::vector<int>{1, 0, 0, 0, 0}));
  EXPECT_EQ(rows_meeting(compare(Comparison::ge, t, text("banana"))),
            (std::vector<int>{1, 0, 1, 1, 1}));
  // The constant on the left.
  EXPECT_EQ(rows_meeting(compare(Comparison::lt, text("banana"), t)),
            (std::vector<int>{1, 0, 1, 0, 1}));
}

TEST_F(EvaluatorComparisonTest, TextAgainstAConstantNoCellHolds) {
  column_of_texts({"b", "a", "bb", "c", "ba"});
  const NodeId t = column(0, Kind::text);
  // "bab" is in no cell: it has a code of its own, equal to none, and still orders by its text.
  EXPECT_EQ(rows_meeting(compare(Comparison::lt, t, text("bab"))),
            (std::vector<int>{1, 1, 0, 0, 1}));
  EXPECT_EQ(rows_meeting(compare(Comparison::gt, t, text("bab"))),
            (std::vector<int>{0, 0, 1, 1, 0}));
  EXPECT_EQ(rows_meeting(compare(Comparison::eq, t, text("bab"))),
            (std::vector<int>{0, 0, 0, 0, 0}));
  EXPECT_EQ(rows_meeting(compare(Comparison::ne, t, text("bab"))),
            (std::vector<int>{1, 1, 1, 1, 1}));
  EXPECT_EQ(rows_meeting(compare(Comparison::eq, t, text("bb"))),
            (std::vector<int>{0, 0, 1, 0, 0}));
  // The data's pool is only read.
  EXPECT_EQ(pool_.size(), 5u);
  EXPECT_EQ(pool_.find("bab"), -1);
}

TEST_F(EvaluatorComparisonTest, NumbersOfDifferentScalesAndRationalsCompareExactly) {
  column_of_numbers({150, 149, 151, -150}, 2);  // 1.50, 1.49, 1.51, -1.50
  const NodeId x = column(0, Kind::number);
  EXPECT_EQ(rows_meeting(compare(Comparison::eq, x, number(Rational(3, 2)))),
            (std::vector<int>{1, 0, 0, 0}));
  EXPECT_EQ(rows_meeting(compare(Comparison::lt, x, number(Rational(3, 2)))),
            (std::vector<int>{0, 1, 0, 1}));
  EXPECT_EQ(rows_meeting(compare(Comparison::gt, x, number(Rational(4, 3)))),
            (std::vector<int>{1, 1, 1, 0}));
  EXPECT_EQ(rows_meeting(compare(Comparison::ge, x, number(Rational(-3, 2)))),
            (std::vector<int>{1, 1, 1, 1}));
}

}  // namespace
}  // namespace tally::runtime
