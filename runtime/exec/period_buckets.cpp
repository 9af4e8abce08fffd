#include "runtime/exec/period_buckets.hpp"

namespace tally::runtime {

namespace {

// The period bound a node reads, when it is one.
std::optional<Day> bound_of(NodeOp op, const Frame& f) {
  switch (op) {
    case NodeOp::period_start:
      return f.period_start;
    case NodeOp::period_end:
      return f.period_end;
    case NodeOp::window_start:
      return f.window_start;
    case NodeOp::window_end:
      return f.window_end;
    default:
      return std::nullopt;
  }
}

}  // namespace

Ranks::Ranks(const std::vector<Day>& days, bool upper) : days_(days), upper_(upper) {
  if (days.empty() || days.back() - days.front() >= (1 << 22)) return;
  from_ = days.front();
  at_.resize(static_cast<std::size_t>(days.back() - days.front()) + 1);
  for (std::size_t i = 0; i < at_.size(); ++i)
    at_[i] = static_cast<std::uint32_t>(search(from_ + static_cast<Day>(i)));
}

void Buckets::rank() {
  lo_lower = Ranks(lo, false);
  lo_upper = Ranks(lo, true);
  hi_lower = Ranks(hi, false);
  if (active || lo.empty() || hi.back() - lo.front() >= (1 << 22)) return;
  const auto days = static_cast<std::size_t>(hi.back() - lo.front()) + 1;
  std::vector<std::uint32_t> firsts(days), lasts(days);
  for (std::size_t k = 0; k < days; ++k) {
    const auto [first, last] = span(lo.front() + static_cast<Day>(k), std::nullopt);
    firsts[k] = static_cast<std::uint32_t>(first);
    lasts[k] = static_cast<std::uint32_t>(last);
  }
  first_day = lo.front();
  span_first = std::move(firsts);
  span_last = std::move(lasts);
}

Buckets buckets_for(const RunState& run, std::uint32_t indicator, const std::vector<Job>& jobs,
                    const std::vector<std::size_t>& mine) {
  const plan::IndicatorPlan& ind = run.plan.indicators[indicator];
  const auto node = [&](NodeId id) -> const plan::Node& { return run.node(id); };
  Buckets b;
  if (!ind.measures.empty()) return b;  // each measure has its own condition
  std::vector<NodeId> all;
  run.conjuncts(ind.where, all);
  run.conjuncts(ind.ratio ? ind.denominator_where : ind.value_where, all);
  NodeId range = kNone;
  for (NodeId c : all) {
    if (!node(c).uses_period) {
      b.rest.push_back(c);
      continue;
    }
    if (range != kNone) return {};
    range = c;
  }
  if (range == kNone) return {};
  const plan::Node& r = node(range);
  for (NodeId other : {ind.numerator_where, ind.numerator.operand, ind.denominator.operand,
                       ind.value.operand, ind.by})
    if (other != kNone && node(other).uses_period) return {};
  if (r.op == NodeOp::active) {
    // active(S, E, P): S and E dates of the row, P a bound of the period.
    if (node(r.a).uses_period || node(r.b).uses_period || node(r.a).type.kind != Kind::date ||
        node(r.b).type.kind != Kind::date || !bound_of(node(r.c).op, Frame{}))
      return {};
    b.active = true;
    b.anchor = r.a;
    b.until = r.b;
    b.jobs = mine;
    const NodeOp at = node(r.c).op;
    auto point = [&](std::size_t j) { return *bound_of(at, jobs[j].frame); };
    std::sort(b.jobs.begin(), b.jobs.end(),
              [&](std::size_t x, std::size_t y) { return point(x) < point(y); });
    for (std::size_t j : b.jobs) b.lo.push_back(point(j));
    b.rank();
    b.ok = true;
    return b;
  }
  if (r.op != NodeOp::in_range || node(r.a).uses_period) return {};
  const NodeOp lo_op = node(r.b).op, hi_op = node(r.c).op;
  const bool period = lo_op == NodeOp::period_start && hi_op == NodeOp::period_end;
  const bool window = lo_op == NodeOp::window_start && hi_op == NodeOp::window_end;
  if (!period && !window) return {};
  if (node(r.a).type.kind != Kind::date) return {};
  b.anchor = r.a;
  b.jobs = mine;
  auto low = [&](std::size_t j) {
    return window ? jobs[j].frame.window_start : jobs[j].frame.period_start;
  };
  auto high = [&](std::size_t j) {
    return window ? jobs[j].frame.window_end : jobs[j].frame.period_end;
  };
  std::sort(b.jobs.begin(), b.jobs.end(),
            [&](std::size_t x, std::size_t y) { return low(x) < low(y); });
  for (std::size_t j : b.jobs) {
    b.lo.push_back(low(j));
    b.hi.push_back(high(j));
  }
  // Upper bounds must rise with lower bounds for the search in span() (equal-length windows).
  for (std::size_t k = 1; k < b.hi.size(); ++k)
    if (b.hi[k] < b.hi[k - 1]) return {};
  b.rank();
  b.ok = true;
  return b;
}

namespace {

// The loop of count_by_day, row i counting at offset(i) + q: one copy for the plain and the
// grouped counts, each compiled with its offset inlined.
template <class Offset>
void count_days(const Buckets& b, const Vec& day, const std::uint8_t* in_den,
                const std::uint8_t* in_num, std::size_t n, std::int64_t* den, std::int64_t* num,
                Offset offset) {
  const std::int64_t* days = day.v.data();
  const std::uint8_t* known = day.known.data();
  const std::uint32_t* first = b.span_first.data();
  const std::uint32_t* last = b.span_last.data();
  const std::uint64_t spanned = b.span_first.size();
  const std::int64_t first_day = b.first_day;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t k = static_cast<std::uint64_t>(days[i] - first_day);
    if (!(in_den[i] & known[i]) || k >= spanned) continue;
    const std::size_t row = offset(i);
    for (std::uint32_t q = first[k]; q < last[k]; ++q) {
      ++den[row + q];
      num[row + q] += in_num[i];
    }
  }
}

}  // namespace

void count_by_day(const Buckets& b, const Vec& day, const std::uint8_t* in_den,
                  const std::uint8_t* in_num, std::size_t n, std::int64_t* den, std::int64_t* num) {
  count_days(b, day, in_den, in_num, n, den, num, [](std::size_t) { return std::size_t{0}; });
}

void count_by_day_grouped(const Buckets& b, const Vec& day, const std::uint8_t* in_den,
                          const std::uint8_t* in_num, const std::uint32_t* group, std::size_t n,
                          std::size_t positions, std::int64_t* den, std::int64_t* num) {
  count_days(b, day, in_den, in_num, n, den, num,
             [group, positions](std::size_t i) { return group[i] * positions; });
}

}  // namespace tally::runtime
