// What a sweep of one parameter keeps: for an indicator that reads the parameter only as the
// limit of one comparison in its numerator (`gap <= cp_visit_days`), that comparison, and the
// compared quantity of every row that meets the numerator's other conditions. The quantities are
// sorted once; each value of the sweep is then answered by a binary search.
#pragma once

#include <cstdint>
#include <vector>

#include "lang/base/number.hpp"
#include "runtime/exec/comparison.hpp"
#include "runtime/exec/vector.hpp"

namespace tally::runtime {

// A numerator condition `quantity op limit` where only `limit` reads the swept parameter.
struct Threshold {
  NodeId quantity = kNone;
  NodeId limit = kNone;
  Comparison op = Comparison::le;
  std::vector<NodeId> others;  // the numerator's other conditions
};

// The quantities met: whole values of one scale while they all are, exact values otherwise.
class Quantities {
 public:
  // Adds row i's quantity; a missing one meets no threshold and is left out.
  void collect(const Vec& x, std::size_t i);
  // Adds the quantities of rows after these.
  void merge(Quantities&& o);
  void sort();
  // How many quantities q satisfy `q op limit` (after sort()).
  std::int64_t count_meeting(Comparison op, const Rational& limit) const;

 private:
  void make_exact();

  std::vector<std::int64_t> whole_;
  int scale_ = 0;
  std::vector<Rational> exact_;
};

}  // namespace tally::runtime
