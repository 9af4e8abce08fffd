#include "runtime/result/result.hpp"

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

}  // namespace tally::runtime
