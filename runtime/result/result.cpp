#include "runtime/result/result.hpp"

#include <algorithm>

namespace tally::runtime {

const char* rag_name(Rag rag) {
  switch (rag) {
    case Rag::none:
      return "none";
    case Rag::red:
      return "red";
    case Rag::amber:
      return "amber";
    case Rag::green:
      return "green";
  }
  return "none";
}

const char* trend_name(Trend trend) {
  switch (trend) {
    case Trend::none:
      return "none";
    case Trend::improving:
      return "improving";
    case Trend::deteriorating:
      return "deteriorating";
    case Trend::stable:
      return "stable";
    case Trend::up:
      return "up";
    case Trend::down:
      return "down";
  }
  return "none";
}

std::array<int, 4> RunResult::summary() const {
  std::array<int, 4> counts{0, 0, 0, 0};
  for (const IndicatorResult& r : indicators) {
    if (r.results.empty()) continue;
    switch (r.results.back().rag) {
      case Rag::red:
        ++counts[0];
        break;
      case Rag::amber:
        ++counts[1];
        break;
      case Rag::green:
        ++counts[2];
        break;
      case Rag::none:
        ++counts[3];
        break;
    }
  }
  return counts;
}

bool group_before(const GroupResult& a, const GroupResult& b) {
  if (a.missing != b.missing) return b.missing;
  if (a.missing) return false;
  if (a.kind == Kind::number && b.kind == Kind::number) {
    const auto x = parse_decimal(a.label), y = parse_decimal(b.label);
    if (x && y) return *x < *y;
  }
  if (a.kind == Kind::boolean && b.kind == Kind::boolean)
    return a.label == "false" && b.label == "true";
  return a.label < b.label;
}

std::vector<const GroupResult*> groups_met(const std::vector<PeriodResult>& results) {
  std::vector<const GroupResult*> out;
  for (const PeriodResult& r : results)
    for (const GroupResult& g : r.groups) {
      bool seen = false;
      for (const GroupResult* o : out)
        seen = seen || (o->missing == g.missing && o->label == g.label);
      if (!seen) out.push_back(&g);
    }
  std::stable_sort(out.begin(), out.end(),
                   [](const GroupResult* a, const GroupResult* b) { return group_before(*a, *b); });
  return out;
}

const GroupResult* find_group(const PeriodResult& r, const GroupResult& like) {
  for (const GroupResult& g : r.groups)
    if (g.missing == like.missing && g.label == like.label) return &g;
  return nullptr;
}

}  // namespace tally::runtime
