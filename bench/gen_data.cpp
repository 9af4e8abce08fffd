// tally_gen: writes a synthetic set of children's-services case data (CP visits, referrals,
// CP plans, looked-after episodes and children) for benchmarks and demonstrations. A seed and a
// scale always give the same bytes on every platform: all chance comes from one splitmix64
// stream and integer arithmetic, never from floating point or the standard distributions.
//
// usage: tally_gen --out DIR [--scale national|council|FACTOR] [--seed N] [--sorted]

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lang/base/date.hpp"

namespace {

using tally::Day;

// ---------------------------------------------------------------------------------------------
// Chance

// splitmix64: small, fast, and defined bit for bit.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) for n > 0, by multiply-shift (bias below 2^-32 for every n used here).
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32);
  }
  // Uniform in [lo, hi].
  int between(int lo, int hi) {
    return lo + static_cast<int>(below(static_cast<std::uint32_t>(hi - lo + 1)));
  }
  // True with probability ppm / 1,000,000.
  bool chance(std::uint32_t ppm) { return below(1'000'000) < ppm; }

 private:
  std::uint64_t state_;
};

// A finite distribution: values with integer weights.
template <typename T>
class Choice {
 public:
  struct Item {
    T value;
    std::uint32_t weight;
  };

  Choice(std::initializer_list<Item> items) {
    for (const Item& item : items) {
      total_ += item.weight;
      values_.push_back(item.value);
      bounds_.push_back(total_);
    }
  }

  // The weighted mean of the values times 100, rounded down (numeric values only).
  std::uint64_t mean_x100() const {
    std::uint64_t sum = 0;
    std::uint32_t below = 0;
    for (std::size_t i = 0; i < values_.size(); ++i) {
      sum += static_cast<std::uint64_t>(values_[i]) * (bounds_[i] - below);
      below = bounds_[i];
    }
    return sum * 100 / total_;
  }

  const T& pick(Rng& rng) const {
    const std::uint32_t r = rng.below(total_);
    const auto it = std::upper_bound(bounds_.begin(), bounds_.end(), r);
    return values_[static_cast<std::size_t>(it - bounds_.begin())];
  }

 private:
  std::vector<T> values_;
  std::vector<std::uint32_t> bounds_;  // running totals of the weights
  std::uint32_t total_ = 0;
};

// An inclusive range of integers; a Choice of spans picks a span, then a value inside it.
struct Span {
  int lo;
  int hi;
};

int pick_in(const Choice<Span>& spans, Rng& rng) {
  const Span& span = spans.pick(rng);
  return rng.between(span.lo, span.hi);
}

// ---------------------------------------------------------------------------------------------
// The model: how often things happen, and which codes they carry

using Codes = Choice<std::string_view>;

// A kind of placement: its codes, who provides it, and how far from home it tends to be.
struct PlacementKind {
  Codes place;
  Codes provider;
  Choice<Span> distance;  // hundredths of a mile
};

// One placement as written on an episode.
struct Placement {
  std::string_view place;
  std::string_view provider;
  std::int32_t distance = -1;        // hundredths of a mile; -1 when not recorded
  std::uint8_t distance_places = 0;  // decimal places written: 1 or 2
};

// Probabilities in parts per million. Those of a plan and of care are adjusted while generating
// (see Generator::paced) so that every table's quota fills at about the same child.
constexpr std::uint32_t kUascPpm = 55'000;
constexpr std::uint32_t kRereferralPpm = 420'000;  // another referral follows this one
constexpr std::uint32_t kPlanPpm = 360'000;        // a child becomes subject of a CP plan
constexpr std::uint32_t kPlanUascPpm = 20'000;
constexpr std::uint32_t kNextPlanPpm = 300'000;  // another plan follows this one
constexpr std::uint32_t kCarePpm = 170'000;      // a child becomes looked after
constexpr std::uint32_t kCareUascPpm = 250'000;
constexpr std::uint32_t kBreakSeriesPpm = 3'600;    // of looked-after children: series of breaks
constexpr std::uint32_t kSingleBreakPpm = 2'000;    // ... a single short break
constexpr std::uint32_t kNextEpisodePpm = 550'000;  // care continues in a new episode
constexpr std::uint32_t kReturnToCarePpm = 120'000;
constexpr std::uint32_t kDistanceMissingPpm = 50'000;
constexpr std::uint32_t kOneDecimalPpm = 700'000;  // a distance written with one decimal place
constexpr int kNominalVisits = 25;                 // visits in a plan outside the extract

struct Model {
  // Age in whole years when the child first comes to notice.
  Choice<int> age = {{0, 120}, {1, 60},  {2, 60},  {3, 60},  {4, 60},  {5, 50},
                     {6, 50},  {7, 50},  {8, 50},  {9, 50},  {10, 60}, {11, 60},
                     {12, 60}, {13, 60}, {14, 60}, {15, 60}, {16, 45}, {17, 35}};
  Choice<int> uasc_age = {{14, 10}, {15, 25}, {16, 40}, {17, 25}};
  Codes sex = {{"1", 52}, {"2", 48}};
  Codes uasc_sex = {{"1", 90}, {"2", 10}};

  // Referrals: source, and the days until a re-referral (about half within a year).
  Codes referral_source = {{"1A", 40}, {"1B", 20}, {"1C", 10}, {"1D", 5},  {"2A", 180}, {"2B", 20},
                           {"3A", 30}, {"3B", 40}, {"3C", 50}, {"3D", 10}, {"3E", 10},  {"3F", 10},
                           {"4", 20},  {"5A", 60}, {"5B", 20}, {"5C", 10}, {"5D", 20},  {"6", 290},
                           {"7", 20},  {"8", 70},  {"9", 5},   {"10", 30}};
  Choice<Span> rereferral_gap = {
      {{14, 90}, 15}, {{91, 180}, 15}, {{181, 365}, 22}, {{366, 730}, 25}, {{731, 1460}, 23}};

  // CP plans: category of abuse; days from the end of a plan to the start of the next one.
  Codes plan_category = {{"NEG", 50}, {"EMO", 35}, {"PHY", 7}, {"SAB", 4}, {"MUL", 4}};
  Choice<Span> next_plan_gap = {
      {{30, 180}, 25}, {{181, 365}, 25}, {{366, 730}, 22}, {{731, 1460}, 28}};
  // Days between two visits: mostly 7 to 10, 8% over 10, a tail to 40 (mean about 9).
  Choice<Span> visit_gap = {{{5, 5}, 15},  {{6, 6}, 35},    {{7, 7}, 180},  {{8, 8}, 210},
                            {{9, 9}, 230}, {{10, 10}, 250}, {{11, 11}, 22}, {{12, 12}, 13},
                            {{13, 13}, 9}, {{14, 14}, 7},   {{15, 15}, 6},  {{16, 21}, 14},
                            {{22, 40}, 9}};
  // A plan's number of visits as a percentage of the mean (before a jitter of +-25%).
  Choice<int> visit_share = {{10, 8},  {25, 10}, {50, 17}, {75, 17}, {100, 15}, {125, 11},
                             {150, 8}, {200, 7}, {300, 4}, {400, 2}, {600, 1}};
  std::uint64_t visit_share_mean_x100 = visit_share.mean_x100();

  // Looked-after episodes (SSDA903 codes).
  Codes need = {{"N1", 63}, {"N2", 3}, {"N3", 3}, {"N4", 15},
                {"N5", 4},  {"N6", 4}, {"N7", 1}, {"N8", 7}};
  Codes first_legal_status = {{"V2", 45}, {"C1", 30}, {"L1", 8}, {"L2", 10},
                              {"J1", 2},  {"J2", 1},  {"J3", 1}, {"C2", 3}};
  Codes later_legal_status = {{"C2", 60}, {"E1", 12}, {"C1", 12}, {"V2", 14}, {"J1", 1}, {"L3", 1}};
  Codes new_episode_reason = {{"P", 60}, {"L", 25}, {"T", 15}};
  Choice<Span> episode_days = {{{1, 14}, 10},    {{15, 90}, 15},   {{91, 180}, 15},
                               {{181, 365}, 20}, {{366, 730}, 22}, {{731, 1500}, 13},
                               {{1501, 3000}, 5}};
  Codes ceased = {{"E4A", 250}, {"E4B", 50}, {"E13", 50}, {"E11", 110}, {"E12", 10}, {"E41", 20},
                  {"E43", 10},  {"E44", 20}, {"E45", 70}, {"E46", 20},  {"E47", 20}, {"E48", 10},
                  {"E15", 10},  {"E16", 10}, {"E17", 5},  {"E2", 2},    {"E3", 20},  {"E5", 70},
                  {"E6", 40},   {"E7", 10},  {"E8", 140}, {"E9", 10}};
  Codes ceased_at_18 = {{"E17", 25}, {"E5", 30}, {"E6", 15}, {"E7", 5}, {"E8", 25}};
  Codes short_break_ceased = {{"E13", 80}, {"E8", 20}};

  std::vector<PlacementKind> placement_kinds = {
      // placed with parents
      {{{"P1", 1}}, {{"PR0", 1}}, {{{0, 300}, 1}}},
      // fostered by relatives or friends
      {{{"U1", 30}, {"U2", 4}, {"U3", 66}},
       {{"PR1", 90}, {"PR2", 10}},
       {{{10, 1000}, 70}, {{1001, 2000}, 20}, {{2001, 6000}, 7}, {{6001, 25000}, 3}}},
      // fostered by other carers
      {{{"U4", 35}, {"U5", 2}, {"U6", 63}},
       {{"PR1", 55}, {"PR4", 40}, {"PR5", 5}},
       {{{20, 1000}, 65}, {{1001, 2000}, 27}, {{2001, 5000}, 6}, {{5001, 12000}, 2}}},
      // children's homes
      {{{"K2", 1}},
       {{"PR1", 25}, {"PR4", 70}, {"PR5", 5}},
       {{{100, 2000}, 60}, {{2001, 6000}, 28}, {{6001, 20000}, 12}}},
      // placed for adoption
      {{{"A3", 20}, {"A4", 10}, {"A5", 50}, {"A6", 20}},
       {{"PR1", 60}, {"PR5", 30}, {"PR2", 10}},
       {{{100, 2000}, 65}, {{2001, 10000}, 35}}},
      // semi-independent living
      {{{"H5", 1}},
       {{"PR1", 40}, {"PR4", 55}, {"PR5", 5}},
       {{{20, 1500}, 75}, {{1501, 2000}, 10}, {{2001, 5000}, 15}}},
      // secure units and custody
      {{{"K1", 40}, {"R5", 60}},
       {{"PR1", 30}, {"PR2", 30}, {"PR3", 40}},
       {{{500, 2000}, 30}, {{2001, 15000}, 70}}},
      // other placements
      {{{"R1", 20}, {"R2", 10}, {"R3", 10}, {"S1", 25}, {"Z1", 35}},
       {{"PR1", 30}, {"PR3", 20}, {"PR4", 50}},
       {{{100, 2000}, 65}, {{2001, 10000}, 35}}},
      // short breaks
      {{{"U6", 60}, {"K2", 40}}, {{"PR1", 70}, {"PR4", 30}}, {{{20, 1500}, 1}}}};
  Choice<std::size_t> placement_kind = {{0, 50}, {1, 125}, {2, 520}, {3, 100},
                                        {4, 45}, {5, 40},  {6, 15},  {7, 50}};
  std::size_t short_break_kind = 8;

  Placement placement(std::size_t kind, Rng& rng) const {
    const PlacementKind& k = placement_kinds[kind];
    Placement p;
    p.place = k.place.pick(rng);
    p.provider = k.provider.pick(rng);
    if (rng.chance(kDistanceMissingPpm)) return p;
    p.distance = pick_in(k.distance, rng);
    p.distance_places = 2;
    if (rng.chance(kOneDecimalPpm)) {
      p.distance = (p.distance + 5) / 10 * 10;
      p.distance_places = 1;
    }
    return p;
  }
};

// ---------------------------------------------------------------------------------------------
// Rows

constexpr Day kOpen = std::numeric_limits<Day>::min();  // an end date not reached by the extract

struct Visit {
  std::uint32_t child;
  std::uint32_t plan;
  Day date;
};

struct Referral {
  std::uint32_t id;
  std::uint32_t child;
  Day date;
  std::string_view source;
};

struct Plan {
  std::uint32_t id;
  std::uint32_t child;
  Day start;
  Day end;  // kOpen while the plan continues
  std::string_view category;
};

struct Episode {
  std::uint32_t child;
  Day decom;
  Day dec;  // kOpen while the episode continues
  std::string_view rne;
  std::string_view ls;
  std::string_view cin;
  std::string_view rec;  // empty while the episode continues
  Placement placement;
};

struct Child {
  std::uint32_t id;
  Day dob;
  std::string_view sex;
  bool uasc;
};

// Every table's rows, in the order they were made.
struct CaseData {
  std::vector<Visit> visits;
  std::vector<Referral> referrals;
  std::vector<Plan> plans;
  std::vector<Episode> episodes;
  std::vector<Child> children;
};

struct Counts {
  std::uint64_t visits = 0;
  std::uint64_t referrals = 0;
  std::uint64_t plans = 0;
  std::uint64_t episodes = 0;
};

// ---------------------------------------------------------------------------------------------
// Generation

// Children are drawn one at a time, each with a history that may begin up to three years before
// the extract, so that work arrives at a steady rate from its first day. Rows dated before the
// extract are left out, as in a system that went live on that day: measures that look back
// further (a plan's predecessor, episodes open at the start) settle over the first two years.
// Each table stops at its quota; plans and episodes are paced against referrals so that all
// quotas fill at about the same child.
class Generator {
 public:
  Generator(Counts quota, std::uint64_t seed) : quota_(quota), rng_(seed) {
    first_ = tally::days_from_civil(2014, 4, 1);
    last_ = tally::days_from_civil(2020, 3, 31);
    burn_in_ = tally::days_from_civil(2011, 4, 1);
    data_.visits.reserve(quota.visits);
    data_.referrals.reserve(quota.referrals);
    data_.plans.reserve(quota.plans);
    data_.episodes.reserve(quota.episodes);
  }

  CaseData run() && {
    while (data_.referrals.size() < quota_.referrals || data_.plans.size() < quota_.plans ||
           data_.episodes.size() < quota_.episodes) {
      add_child();
    }
    top_up_visits();
    return std::move(data_);
  }

 private:
  std::size_t rows() const {
    return data_.referrals.size() + data_.plans.size() + data_.episodes.size();
  }

  static std::uint64_t progress_ppm(std::size_t done, std::uint64_t quota) {
    return quota == 0 ? 1'000'000 : static_cast<std::uint64_t>(done) * 1'000'000 / quota;
  }

  // `base` adjusted by how far a table runs ahead of (or behind) the referrals.
  std::uint32_t paced(std::uint32_t base, std::size_t done, std::uint64_t quota) const {
    if (done >= quota) return 0;
    const auto lead =
        static_cast<std::int64_t>(progress_ppm(done, quota)) -
        static_cast<std::int64_t>(progress_ppm(data_.referrals.size(), quota_.referrals));
    const std::int64_t factor = std::clamp<std::int64_t>(1'000'000 - 4 * lead, 250'000, 2'500'000);
    return static_cast<std::uint32_t>(std::min<std::int64_t>(base * factor / 1'000'000, 1'000'000));
  }

  bool in_extract(Day day) const { return day >= first_ && day <= last_; }

  void add_child() {
    const auto id = static_cast<std::uint32_t>(data_.children.size() + 1);
    const bool uasc = rng_.chance(kUascPpm);
    const Day noticed = rng_.between(burn_in_, last_);
    const int age = uasc ? model_.uasc_age.pick(rng_) : model_.age.pick(rng_);
    const Day dob = noticed - age * 365 - rng_.between(0, 364);
    const Day adult = tally::add_months(dob, 18 * 12);
    const std::string_view sex = uasc ? model_.uasc_sex.pick(rng_) : model_.sex.pick(rng_);
    const std::size_t before = rows();

    add_referrals(id, noticed, adult);
    if (rng_.chance(paced(uasc ? kPlanUascPpm : kPlanPpm, data_.plans.size(), quota_.plans))) {
      add_plans(id, noticed + rng_.between(20, 60), adult);
    }
    if (rng_.chance(
            paced(uasc ? kCareUascPpm : kCarePpm, data_.episodes.size(), quota_.episodes))) {
      const std::uint32_t kind = rng_.below(1'000'000);
      const Day start = noticed + rng_.between(0, 540);
      if (kind < kBreakSeriesPpm) {
        add_short_breaks(id, start, adult, "V4", rng_.between(6, 30));
      } else if (kind < kBreakSeriesPpm + kSingleBreakPpm) {
        add_short_breaks(id, start, adult, "V3", 1);
      } else {
        add_care(id, start, adult, uasc ? std::string_view("N8") : model_.need.pick(rng_));
      }
    }
    // A child whose whole history fell before the extract is not written at all.
    if (rows() > before) data_.children.push_back({id, dob, sex, uasc});
  }

  void add_referrals(std::uint32_t child, Day date, Day adult) {
    while (date <= last_ && date < adult) {
      const std::string_view source = model_.referral_source.pick(rng_);
      if (date >= first_ && data_.referrals.size() < quota_.referrals) {
        data_.referrals.push_back(
            {static_cast<std::uint32_t>(data_.referrals.size() + 1), child, date, source});
      }
      if (!rng_.chance(kRereferralPpm)) return;
      date += pick_in(model_.rereferral_gap, rng_);
    }
  }

  // How many visits the next plan gets: spread so that the visits' quota is met with the plans'.
  std::uint64_t visits_for_next_plan() {
    const std::uint64_t visits_left = quota_.visits - data_.visits.size();
    const std::uint64_t plans_left = quota_.plans - data_.plans.size();
    const std::uint64_t share = static_cast<std::uint64_t>(model_.visit_share.pick(rng_)) *
                                static_cast<std::uint64_t>(rng_.between(75, 125));
    const std::uint64_t den = plans_left * model_.visit_share_mean_x100;
    std::uint64_t visits = (visits_left * share + den / 2) / den;
    const std::uint64_t reserve = plans_left - 1;  // at least one for each plan still to come
    const std::uint64_t most =
        visits_left > reserve ? visits_left - reserve : std::min<std::uint64_t>(visits_left, 1);
    return std::clamp<std::uint64_t>(visits, std::min<std::uint64_t>(most, 1), most);
  }

  void add_plans(std::uint32_t child, Day start, Day adult) {
    while (start <= last_ && start < adult) {
      const std::string_view category = model_.plan_category.pick(rng_);
      const bool written = start >= first_;
      if (written && data_.plans.size() >= quota_.plans) return;
      const auto plan = static_cast<std::uint32_t>(data_.plans.size() + 1);
      const std::uint64_t visits =
          written ? visits_for_next_plan()
                  : static_cast<std::uint64_t>(kNominalVisits) *
                        static_cast<std::uint64_t>(model_.visit_share.pick(rng_)) / 100;
      Day visit = start + rng_.between(0, 6);
      Day last_visit = start;
      for (std::uint64_t i = 0; i < visits; ++i) {
        if (i > 0) visit += pick_in(model_.visit_gap, rng_);
        if (written && visit <= last_) data_.visits.push_back({child, plan, visit});
        last_visit = visit;
      }
      const Day end = last_visit + rng_.between(1, 25);
      if (written) data_.plans.push_back({plan, child, start, end > last_ ? kOpen : end, category});
      if (end > last_ || !rng_.chance(kNextPlanPpm)) return;
      start = end + pick_in(model_.next_plan_gap, rng_);
    }
  }

  void add_episode(const Episode& episode) {
    if (in_extract(episode.decom) && data_.episodes.size() < quota_.episodes) {
      data_.episodes.push_back(episode);
    }
  }

  // Periods of care, each a run of episodes: a new episode at each change of placement or
  // legal status, the last one ending with the reason the child left care.
  void add_care(std::uint32_t child, Day start, Day adult, std::string_view cin) {
    while (start <= last_ && start < adult) {
      std::string_view rne = "S";
      std::string_view ls = model_.first_legal_status.pick(rng_);
      Placement placement = model_.placement(model_.placement_kind.pick(rng_), rng_);
      Day end = start;
      for (;;) {
        end = start + pick_in(model_.episode_days, rng_);
        bool more = rng_.chance(kNextEpisodePpm);
        std::string_view rec;
        if (end >= adult) {
          end = adult;
          more = false;
          rec = model_.ceased_at_18.pick(rng_);
        } else {
          rec = more ? std::string_view("X1") : model_.ceased.pick(rng_);
        }
        if (end > last_) {
          add_episode({child, start, kOpen, rne, ls, cin, {}, placement});
          return;
        }
        add_episode({child, start, end, rne, ls, cin, rec, placement});
        if (!more) break;
        start = end;
        rne = model_.new_episode_reason.pick(rng_);
        if (rne != "P") ls = model_.later_legal_status.pick(rng_);
        if (rne != "L") placement = model_.placement(model_.placement_kind.pick(rng_), rng_);
      }
      if (!rng_.chance(kReturnToCarePpm)) return;
      start = end + rng_.between(30, 900);
    }
  }

  // Short breaks for disabled children: each break is an episode of its own, a few days long.
  void add_short_breaks(std::uint32_t child, Day start, Day adult, std::string_view ls,
                        int breaks) {
    for (int i = 0; i < breaks && start <= last_ && start < adult; ++i) {
      const Placement placement = model_.placement(model_.short_break_kind, rng_);
      const Day end = start + rng_.between(1, 4);
      if (end > last_) {
        add_episode({child, start, kOpen, "S", ls, "N2", {}, placement});
        return;
      }
      add_episode(
          {child, start, end, "S", ls, "N2", model_.short_break_ceased.pick(rng_), placement});
      start = end + rng_.between(7, 45);
    }
  }

  // Visits lost to plans still open at the extract date are made up by extra visits halfway
  // through gaps of two days or more, so the visits' quota is met exactly.
  void top_up_visits() {
    const std::size_t existing = data_.visits.size();
    if (existing < 2) return;
    std::vector<std::size_t> used;
    std::uint64_t attempts = 0;
    while (data_.visits.size() < quota_.visits && attempts++ < 100 * quota_.visits) {
      const std::size_t i = rng_.below(static_cast<std::uint32_t>(existing - 1));
      const Visit a = data_.visits[i];
      const Visit b = data_.visits[i + 1];
      if (a.plan != b.plan || b.date - a.date < 2) continue;
      if (std::find(used.begin(), used.end(), i) != used.end()) continue;
      used.push_back(i);
      data_.visits.push_back({a.child, a.plan, a.date + (b.date - a.date) / 2});
    }
  }

  Counts quota_;
  Rng rng_;
  Model model_;
  CaseData data_;
  Day first_ = 0;
  Day last_ = 0;
  Day burn_in_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Order

template <typename Row>
void shuffle(std::vector<Row>& rows, Rng& rng) {
  for (std::size_t i = rows.size(); i > 1; --i) {
    const std::size_t j = rng.below(static_cast<std::uint32_t>(i));
    std::swap(rows[i - 1], rows[j]);
  }
}

// Orders rows by (child, date); equal keys keep the order in which they were made.
template <typename Row, typename DateOf>
void sort_by_child(std::vector<Row>& rows, DateOf date_of) {
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    if (a.child != b.child) return a.child < b.child;
    return date_of(a) < date_of(b);
  });
}

// ---------------------------------------------------------------------------------------------
// Writing

// Dates formatted once for every day the files can hold.
class DateText {
 public:
  DateText() {
    first_ = tally::days_from_civil(1990, 1, 1);
    const Day last = tally::days_from_civil(2030, 12, 31);
    iso_.resize(static_cast<std::size_t>(last - first_ + 1));
    uk_.resize(iso_.size());
    for (Day day = first_; day <= last; ++day) {
      const tally::Ymd ymd = tally::civil_from_days(day);
      auto& iso = iso_[static_cast<std::size_t>(day - first_)];
      auto& uk = uk_[static_cast<std::size_t>(day - first_)];
      put_digits(iso.data(), ymd.year, 4);
      iso[4] = '-';
      put_digits(iso.data() + 5, ymd.month, 2);
      iso[7] = '-';
      put_digits(iso.data() + 8, ymd.day, 2);
      put_digits(uk.data(), ymd.day, 2);
      uk[2] = '/';
      put_digits(uk.data() + 3, ymd.month, 2);
      uk[5] = '/';
      put_digits(uk.data() + 6, ymd.year, 4);
    }
  }

  const std::array<char, 10>& iso(Day day) const { return iso_[index(day)]; }
  const std::array<char, 10>& uk(Day day) const { return uk_[index(day)]; }

  static void put_digits(char* out, int value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      out[i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  }

 private:
  std::size_t index(Day day) const { return static_cast<std::size_t>(day - first_); }

  Day first_ = 0;
  std::vector<std::array<char, 10>> iso_;
  std::vector<std::array<char, 10>> uk_;
};

// A CSV file written through a large buffer, with numbers and dates formatted by hand.
class CsvFile {
 public:
  static constexpr std::size_t kCapacity = 1 << 22;

  explicit CsvFile(const std::filesystem::path& path) : path_(path), buffer_(kCapacity) {
    file_ = std::fopen(path.string().c_str(), "wb");
  }
  ~CsvFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;

  bool is_open() const { return file_ != nullptr; }

  void text(std::string_view s) {
    std::memcpy(buffer_.data() + used_, s.data(), s.size());
    used_ += s.size();
  }
  void comma() { buffer_[used_++] = ','; }
  void date(const std::array<char, 10>& formatted) {
    std::memcpy(buffer_.data() + used_, formatted.data(), formatted.size());
    used_ += formatted.size();
  }
  // `prefix` then `value` zero-padded to `width` digits.
  void id(char prefix, std::uint32_t value, int width) {
    buffer_[used_++] = prefix;
    DateText::put_digits(buffer_.data() + used_, static_cast<int>(value), width);
    used_ += static_cast<std::size_t>(width);
  }
  // A value in hundredths, written with one or two decimal places.
  void hundredths(std::int32_t value, int places) {
    unsigned_number(static_cast<std::uint32_t>(value / 100));
    buffer_[used_++] = '.';
    buffer_[used_++] = static_cast<char>('0' + value / 10 % 10);
    if (places == 2) buffer_[used_++] = static_cast<char>('0' + value % 10);
  }
  void unsigned_number(std::uint32_t value) {
    char digits[10];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value != 0);
    while (n > 0) buffer_[used_++] = digits[--n];
  }
  void end_row() {
    buffer_[used_++] = '\n';
    ++rows_;
    if (used_ > kCapacity - 512) flush();
  }

  // Writes what is left; false if anything failed to reach the file.
  bool close() {
    flush();
    const bool ok = !failed_ && std::fclose(file_) == 0;
    file_ = nullptr;
    return ok;
  }

  std::uint64_t rows() const { return rows_ - 1; }  // less the header
  std::uint64_t bytes() const { return bytes_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  void flush() {
    if (used_ != 0 && std::fwrite(buffer_.data(), 1, used_, file_) != used_) failed_ = true;
    bytes_ += used_;
    used_ = 0;
  }

  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  std::vector<char> buffer_;
  std::size_t used_ = 0;
  std::uint64_t rows_ = 0;
  std::uint64_t bytes_ = 0;
  bool failed_ = false;
};

int digits_for(std::size_t count) {
  int width = 7;
  for (std::size_t limit = 10'000'000; count >= limit && width < 10; limit *= 10) ++width;
  return width;
}

struct Written {
  std::string name;
  std::uint64_t rows;
  std::uint64_t bytes;
};

class Writer {
 public:
  Writer(const std::filesystem::path& dir, const CaseData& data)
      : dir_(dir),
        data_(data),
        child_width_(digits_for(data.children.size())),
        plan_width_(digits_for(data.plans.size())),
        referral_width_(digits_for(data.referrals.size())) {}

  bool write_all() { return visits() && referrals() && plans() && episodes() && children(); }
  const std::vector<Written>& written() const { return written_; }

 private:
  bool finish(CsvFile& file) {
    if (!file.close()) {
      std::fprintf(stderr, "tally_gen: could not write %s\n", file.path().string().c_str());
      return false;
    }
    written_.push_back({file.path().filename().string(), file.rows(), file.bytes()});
    return true;
  }

  static bool opened(const CsvFile& file) {
    if (!file.is_open()) {
      std::fprintf(stderr, "tally_gen: cannot create %s\n", file.path().string().c_str());
    }
    return file.is_open();
  }

  bool visits() {
    CsvFile file(dir_ / "cp_visits.csv");
    if (!opened(file)) return false;
    file.text("child_id,plan_id,visit_date");
    file.end_row();
    for (const Visit& v : data_.visits) {
      file.id('C', v.child, child_width_);
      file.comma();
      file.id('P', v.plan, plan_width_);
      file.comma();
      file.date(dates_.iso(v.date));
      file.end_row();
    }
    return finish(file);
  }

  bool referrals() {
    CsvFile file(dir_ / "referrals.csv");
    if (!opened(file)) return false;
    file.text("referral_id,child_id,referral_date,source");
    file.end_row();
    for (const Referral& r : data_.referrals) {
      file.id('R', r.id, referral_width_);
      file.comma();
      file.id('C', r.child, child_width_);
      file.comma();
      file.date(dates_.iso(r.date));
      file.comma();
      file.text(r.source);
      file.end_row();
    }
    return finish(file);
  }

  bool plans() {
    CsvFile file(dir_ / "cp_plans.csv");
    if (!opened(file)) return false;
    file.text("plan_id,child_id,start_date,end_date,category");
    file.end_row();
    for (const Plan& p : data_.plans) {
      file.id('P', p.id, plan_width_);
      file.comma();
      file.id('C', p.child, child_width_);
      file.comma();
      file.date(dates_.iso(p.start));
      file.comma();
      if (p.end != kOpen) file.date(dates_.iso(p.end));
      file.comma();
      file.text(p.category);
      file.end_row();
    }
    return finish(file);
  }

  bool episodes() {
    CsvFile file(dir_ / "episodes.csv");
    if (!opened(file)) return false;
    file.text("child_id,decom,rne,ls,cin,place,place_provider,dec,rec,pl_distance");
    file.end_row();
    for (const Episode& e : data_.episodes) {
      file.id('C', e.child, child_width_);
      file.comma();
      file.date(dates_.uk(e.decom));
      file.comma();
      file.text(e.rne);
      file.comma();
      file.text(e.ls);
      file.comma();
      file.text(e.cin);
      file.comma();
      file.text(e.placement.place);
      file.comma();
      file.text(e.placement.provider);
      file.comma();
      if (e.dec != kOpen) file.date(dates_.uk(e.dec));
      file.comma();
      file.text(e.rec);
      file.comma();
      if (e.placement.distance >= 0) {
        file.hundredths(e.placement.distance, e.placement.distance_places);
      }
      file.end_row();
    }
    return finish(file);
  }

  bool children() {
    CsvFile file(dir_ / "children.csv");
    if (!opened(file)) return false;
    file.text("child_id,dob,sex,uasc");
    file.end_row();
    for (const Child& c : data_.children) {
      file.id('C', c.id, child_width_);
      file.comma();
      file.date(dates_.iso(c.dob));
      file.comma();
      file.text(c.sex);
      file.comma();
      file.text(c.uasc ? "1" : "0");
      file.end_row();
    }
    return finish(file);
  }

  std::filesystem::path dir_;
  const CaseData& data_;
  DateText dates_;
  int child_width_;
  int plan_width_;
  int referral_width_;
  std::vector<Written> written_;
};

// ---------------------------------------------------------------------------------------------
// Options

constexpr Counts kNational = {10'000'000, 1'400'000, 400'000, 300'000};

struct Options {
  std::filesystem::path out;
  std::uint64_t scale_num = 1;  // quotas are national * scale_num / scale_den, rounded
  std::uint64_t scale_den = 1;
  std::uint64_t seed = 1;
  bool sorted = false;
};

void usage(std::FILE* to) {
  std::fputs(
      "usage: tally_gen --out DIR [--scale national|council|FACTOR] [--seed N] [--sorted]\n"
      "  Writes cp_visits.csv, referrals.csv, cp_plans.csv, episodes.csv and children.csv.\n"
      "  --scale  national (10M visits, 1.4M referrals, 400k plans, 300k episodes), council\n"
      "           (1/300 of that) or a decimal multiple of national such as 0.1 (at most 20)\n"
      "  --seed   any unsigned integer (default 1); the same seed gives the same files\n"
      "  --sorted rows ordered by (child_id, date) instead of shuffled\n",
      to);
}

bool parse_unsigned(std::string_view text, std::uint64_t& out) {
  if (text.empty() || text.size() > 19) return false;
  out = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

// A decimal such as "0.25" or "3" as a fraction; at most 9 decimal places, at most 20.
bool parse_factor(std::string_view text, std::uint64_t& num, std::uint64_t& den) {
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view part = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (part.size() > 9 || (whole.empty() && part.empty())) return false;
  std::uint64_t w = 0;
  std::uint64_t f = 0;
  if (!whole.empty() && !parse_unsigned(whole, w)) return false;
  if (!part.empty() && !parse_unsigned(part, f)) return false;
  if (dot != std::string_view::npos && part.empty()) return false;
  den = 1;
  for (std::size_t i = 0; i < part.size(); ++i) den *= 10;
  if (w > 20) return false;
  num = w * den + f;
  return num > 0 && num <= 20 * den;
}

// Returns the options, or the exit status to stop with.
std::optional<Options> parse_options(int argc, char** argv, int& status) {
  Options options;
  bool have_out = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--help" || arg == "-h") {
      usage(stdout);
      status = 0;
      return std::nullopt;
    }
    if (arg == "--sorted") {
      options.sorted = true;
    } else if (arg == "--out" && has_value) {
      options.out = argv[++i];
      have_out = true;
    } else if (arg == "--seed" && has_value) {
      if (!parse_unsigned(argv[++i], options.seed)) {
        std::fprintf(stderr, "tally_gen: --seed wants an unsigned integer, not '%s'\n", argv[i]);
        status = 2;
        return std::nullopt;
      }
    } else if (arg == "--scale" && has_value) {
      const std::string_view scale = argv[++i];
      if (scale == "national") {
        options.scale_num = options.scale_den = 1;
      } else if (scale == "council") {
        options.scale_num = 1;
        options.scale_den = 300;
      } else if (!parse_factor(scale, options.scale_num, options.scale_den)) {
        std::fprintf(stderr,
                     "tally_gen: --scale wants national, council or a number above 0 and at "
                     "most 20, not '%s'\n",
                     argv[i]);
        status = 2;
        return std::nullopt;
      }
    } else {
      std::fprintf(stderr, "tally_gen: unknown or incomplete option '%s'\n", argv[i]);
      usage(stderr);
      status = 2;
      return std::nullopt;
    }
  }
  if (!have_out) {
    usage(stderr);
    status = 2;
    return std::nullopt;
  }
  return options;
}

std::uint64_t scaled(std::uint64_t national, const Options& options) {
  return (national * options.scale_num + options.scale_den / 2) / options.scale_den;
}

}  // namespace

int main(int argc, char** argv) {
  int status = 0;
  const std::optional<Options> options = parse_options(argc, argv, status);
  if (!options) return status;

  const Counts quota = {scaled(kNational.visits, *options), scaled(kNational.referrals, *options),
                        scaled(kNational.plans, *options), scaled(kNational.episodes, *options)};
  CaseData data = Generator(quota, options->seed).run();

  if (options->sorted) {
    sort_by_child(data.visits, [](const Visit& v) { return v.date; });
    sort_by_child(data.referrals, [](const Referral& r) { return r.date; });
    sort_by_child(data.plans, [](const Plan& p) { return p.start; });
    sort_by_child(data.episodes, [](const Episode& e) { return e.decom; });
  } else {
    // A stream of its own, so that sorted and shuffled files hold the same rows.
    Rng order(options->seed ^ 0x5eed0f0a7d3c1b29ULL);
    shuffle(data.visits, order);
    shuffle(data.referrals, order);
    shuffle(data.plans, order);
    shuffle(data.episodes, order);
    shuffle(data.children, order);
  }

  std::error_code error;
  std::filesystem::create_directories(options->out, error);
  if (error) {
    std::fprintf(stderr, "tally_gen: cannot create %s: %s\n", options->out.string().c_str(),
                 error.message().c_str());
    return 1;
  }
  Writer writer(options->out, data);
  if (!writer.write_all()) return 1;

  std::string summary = "tally_gen: " + options->out.string() + ":";
  std::uint64_t total = 0;
  for (const Written& w : writer.written()) {
    summary += " " + w.name + " " + std::to_string(w.rows) + " rows " + std::to_string(w.bytes) +
               " bytes;";
    total += w.bytes;
  }
  summary += " total " + std::to_string(total) + " bytes";
  std::puts(summary.c_str());
  return 0;
}
