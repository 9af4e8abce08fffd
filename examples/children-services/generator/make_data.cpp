// Writes the synthetic case data of the children's-services example pack (a council of about
// 35,000 children, April 2015 to March 2020, with history before that; its social work teams and
// staff; the child population), then reads the files back and recounts every indicator of the
// pack with the rules of its .tally definitions written out again in C++, so the expected figures
// are known without running tally.
//
//   tally_example_data [--out DIR]     (default: the pack's data/ folder beside this source)
//
// Deterministic: one splitmix64 stream per table up to March 2019 and another for its rows after
// (see kFirstExtract), no std distributions, no clock. The figures are printed to standard error;
// the exit status is 1 when a figure the pack promises does not hold.

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "lang/base/date.hpp"

namespace {

using tally::Day;

[[noreturn]] void die(const std::string& message) {
  fmt::print(stderr, "tally_example_data: {}\n", message);
  std::exit(2);
}

// ---- Random numbers ---------------------------------------------------------------------------

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // A whole number from lo to hi, both included.
  int between(int lo, int hi) {
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<int>(next() % span);
  }
  bool per_mille(int p) { return between(0, 999) < p; }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    if (v.empty()) die("internal: pick from an empty list");
    return v[static_cast<std::size_t>(between(0, static_cast<int>(v.size()) - 1))];
  }
  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[next() % i]);
  }

 private:
  std::uint64_t state_;
};

// ---- Calendar ---------------------------------------------------------------------------------

Day ymd(int y, int m, int d) { return tally::days_from_civil(y, m, d); }
std::string iso(Day d) { return tally::format_iso(d); }
std::string uk(Day d) {
  const tally::Ymd c = tally::civil_from_days(d);
  return fmt::format("{:02}/{:02}/{:04}", c.day, c.month, c.year);
}

// England and Wales bank holidays for the years the data covers. The same days as
// stdlib/bank_holidays.cpp, which this program cannot link (it links tally_base only).
const std::set<Day>& bank_holidays() {
  static const std::set<Day> days = [] {
    const int table[][3] = {
        {2014, 1, 1},   {2014, 4, 18},  {2014, 4, 21},  {2014, 5, 5},   {2014, 5, 26},
        {2014, 8, 25},  {2014, 12, 25}, {2014, 12, 26}, {2015, 1, 1},   {2015, 4, 3},
        {2015, 4, 6},   {2015, 5, 4},   {2015, 5, 25},  {2015, 8, 31},  {2015, 12, 25},
        {2015, 12, 28}, {2016, 1, 1},   {2016, 3, 25},  {2016, 3, 28},  {2016, 5, 2},
        {2016, 5, 30},  {2016, 8, 29},  {2016, 12, 26}, {2016, 12, 27}, {2017, 1, 2},
        {2017, 4, 14},  {2017, 4, 17},  {2017, 5, 1},   {2017, 5, 29},  {2017, 8, 28},
        {2017, 12, 25}, {2017, 12, 26}, {2018, 1, 1},   {2018, 3, 30},  {2018, 4, 2},
        {2018, 5, 7},   {2018, 5, 28},  {2018, 8, 27},  {2018, 12, 25}, {2018, 12, 26},
        {2019, 1, 1},   {2019, 4, 19},  {2019, 4, 22},  {2019, 5, 6},   {2019, 5, 27},
        {2019, 8, 26},  {2019, 12, 25}, {2019, 12, 26}, {2020, 1, 1},   {2020, 4, 10},
        {2020, 4, 13},  {2020, 5, 8},   {2020, 5, 25},  {2020, 8, 31},  {2020, 12, 25},
        {2020, 12, 28}};
    std::set<Day> out;
    for (const auto& r : table) out.insert(ymd(r[0], r[1], r[2]));
    return out;
  }();
  return days;
}

bool weekend(Day d) { return tally::weekday(d) >= 5; }
bool working_day(Day d) { return !weekend(d) && !bank_holidays().contains(d); }

// Monday-Friday days after a up to and including b, less bank holidays (the language's rule).
int working_days(Day a, Day b) {
  int n = 0;
  for (Day d = a + 1; d <= b; ++d) n += working_day(d) ? 1 : 0;
  return n;
}

// A UK financial quarter: Q1 = April-June of `year`, Q4 = January-March of year + 1.
struct Quarter {
  int year = 2017;
  int q = 1;

  static Quarter at(int index) { return {index / 4, index % 4 + 1}; }
  int index() const { return year * 4 + q - 1; }
  Day start() const { return q == 4 ? ymd(year + 1, 1, 1) : ymd(year, 3 * q + 1, 1); }
  Day end() const { return at(index() + 1).start() - 1; }
  Quarter previous() const { return at(index() - 1); }
  bool contains(Day d) const { return d >= start() && d <= end(); }
  std::string label() const { return fmt::format("{}-{:02} Q{}", year, (year + 1) % 100, q); }
  bool operator==(const Quarter&) const = default;
};

Quarter quarter_of(Day d) {
  const tally::Ymd c = tally::civil_from_days(d);
  return c.month >= 4 ? Quarter{c.year, (c.month - 4) / 3 + 1} : Quarter{c.year - 1, 4};
}

std::vector<Day> working_days_in(Quarter q) {
  std::vector<Day> out;
  for (Day d = q.start(); d <= q.end(); ++d)
    if (working_day(d)) out.push_back(d);
  return out;
}

Day random_day(Rng& rng, Day from, Day to) { return from + rng.between(0, to - from); }

// The data is an extract taken at the end of 2019-20: later events are not known yet.
const Day kExtract = ymd(2020, 3, 31);
// The data first ended with 2018-19. Everything up to then is drawn from the first streams, as it
// was; what happens after it (new rows, and the later days of what was open then) is drawn from
// separate streams, so that no figure up to 2018-19 changes when the data grows.
const Day kFirstExtract = ymd(2019, 3, 31);
// Visits are extracted from January 2015, so that 2015-16 Q1 has every previous visit.
const Day kVisitsFrom = ymd(2015, 1, 1);
constexpr Day kNever = -1000000;

const Quarter kReportQuarter{2017, 1};   // the committee report of September 2017
const Quarter kMinutesQuarter{2018, 2};  // the red indicators discussed for 2018-19 Q2

// ---- The council's records, as generated ------------------------------------------------------

struct Child {
  std::string id;
  Day dob;
  bool female;
  bool uasc;
};

struct Referral {
  int child;
  Day date;
};

struct Plan {
  int child;
  Day start;
  Day end;  // after kExtract: still open
  std::string category;
  std::vector<Day> visits;
  Day next_visit = kNever;  // the first visit after kFirstExtract, as drawn then
  int team = -1;            // the team holding the plan
};

// One placement within a period of care; distances in tenths of a mile.
struct Stay {
  Day start;
  std::string place;
  std::string ls;
  std::optional<int> home;  // miles from home: unknown for unaccompanied asylum-seeking children
  int area;                 // miles outside the area's boundary, 0 inside
};

struct Career {
  int child;
  Day start;
  Day end;  // after kExtract: still looked after
  std::string rec;
  std::vector<Stay> stays;
};

struct School {
  std::string id;
  std::string name;
  std::string phase;
  int pupils;
  std::vector<std::pair<Day, std::string>> inspections;
};

// Exit is how a child leaves care (below); a period of care drawn with the first streams that
// begins after kFirstExtract waits here until the later streams give it a child and placements.
enum class Exit { adoption, sgo, cao, home, at18, other };

struct PendingCareer {
  Exit exit;
  std::string rec;
  Day start, end, dob;
  bool uasc;
};

struct Team {
  std::string id;
  std::string name;
  std::string locality;
};

struct StaffMember {
  int team;
  std::string role;
  bool agency;
  Day start;
  Day leave;  // after kExtract: still in post
  std::string leave_reason;
};

// The state a table's generation carries from one quarter to the next.
struct ReferralState {
  std::vector<int> referred;
  std::vector<Day> last;  // by child: the latest referral so far
};

struct PlanState {
  std::vector<int> planned;
  std::vector<Day> latest_end;  // by child: the end of the latest plan
};

// How visits fell in a quarter: per mille of gaps of up to 10 days, 11-15, 16-20; the rest late.
struct VisitMix {
  int by_10;
  int by_15;
  int by_20;
};

struct World {
  std::vector<Child> children;
  std::vector<Referral> referrals;
  std::vector<Plan> plans;
  std::vector<Career> careers;
  std::vector<School> schools;
  std::vector<Team> teams;
  std::vector<StaffMember> staff;
  // Carried from the first streams to the later ones.
  ReferralState referral_state;
  PlanState plan_state;
  std::map<int, VisitMix> visit_mixes;
  std::vector<PendingCareer> pending_careers;
  Day next_short_break = kNever;
};

int add_child(World& w, Rng& rng, Day dob, bool uasc) {
  const int index = static_cast<int>(w.children.size());
  w.children.push_back({fmt::format("C{:05}", 10001 + index), dob, rng.per_mille(490), uasc});
  return index;
}

int age_at(const World& w, int child, Day d) { return tally::age_years(w.children[child].dob, d); }

// ---- Referrals: a few hundred a quarter, some of them repeats within 12 months ----------------

struct ReferralMix {
  int total;
  int repeats;
};

ReferralMix referral_mix(Quarter q, Rng& rng) {
  if (q == kReportQuarter) return {368, 57};
  if (q == kMinutesQuarter) return {399, 94};  // the figures given to the committee
  const int total = rng.between(330, 415);
  const int per_mille = q.year == 2014 ? 40 + 30 * (q.q - 1) : rng.between(140, 195);
  return {total, (total * per_mille + 500) / 1000};
}

// The referrals of the quarters from `first` to `final`, continuing from w.referral_state.
void build_referrals(World& w, Rng& rng, Quarter first, Quarter final) {
  std::vector<int>& referred = w.referral_state.referred;
  std::vector<Day>& last = w.referral_state.last;
  for (int qi = first.index(); qi <= final.index(); ++qi) {
    const Quarter q = Quarter::at(qi);
    const ReferralMix mix = referral_mix(q, rng);
    const std::vector<Day> days = working_days_in(q);
    std::vector<Day> dates;
    for (int i = 0; i < mix.total; ++i) dates.push_back(rng.pick(days));
    std::sort(dates.begin(), dates.end());
    std::vector<int> order(static_cast<std::size_t>(mix.total));
    for (int i = 0; i < mix.total; ++i) order[static_cast<std::size_t>(i)] = i;
    rng.shuffle(order);
    std::vector<char> repeat(order.size(), 0);
    for (int i = 0; i < mix.repeats; ++i)
      repeat[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = 1;

    for (std::size_t i = 0; i < dates.size(); ++i) {
      const Day d = dates[i];
      int child = -1;
      auto choose = [&](Day lo, Day hi) {
        std::vector<int> candidates;
        for (int c : referred)
          if (last[static_cast<std::size_t>(c)] >= lo && last[static_cast<std::size_t>(c)] <= hi &&
              age_at(w, c, d) < 18)
            candidates.push_back(c);
        return candidates.empty() ? -1 : rng.pick(candidates);
      };
      if (repeat[i]) {
        // Clearly within 12 months of the child's previous referral, never on the boundary.
        child = choose(tally::add_months(d, -12) + 7, d - 14);
        if (child < 0 && q.year > 2014) die("no child to re-refer in " + q.label());
      } else if (rng.per_mille(60)) {
        // Known to the service before, but more than 12 months ago: not a repeat.
        child = choose(kNever, tally::add_months(d, -12) - 14);
      }
      if (child < 0) child = add_child(w, rng, d - rng.between(0, 17 * 365 + 300), false);
      if (static_cast<std::size_t>(child) >= last.size()) last.resize(w.children.size(), kNever);
      if (last[static_cast<std::size_t>(child)] == kNever) referred.push_back(child);
      last[static_cast<std::size_t>(child)] = d;
      w.referrals.push_back({child, d});
    }
  }
}

// ---- Child protection plans (about 150 open at a time) and their visits -----------------------

struct PlanMix {
  int starts;
  int within_24_months;  // second or later plan, within 24 months of the previous one ending
  int beyond_24_months;  // second or later plan, longer after
};

PlanMix plan_mix(Quarter q, Rng& rng) {
  if (q == kReportQuarter) return {47, 3, 4};
  if (q == kMinutesQuarter) return {46, 2, 3};
  return {rng.between(44, 56), rng.between(1, 5), rng.between(1, 4)};
}

// The plans starting in the quarters from `first` to `final`, continuing from w.plan_state.
void build_plans(World& w, Rng& rng, Quarter first, Quarter final) {
  static const std::vector<std::string> categories = {
      "Neglect",         "Neglect",        "Neglect",      "Emotional abuse",
      "Emotional abuse", "Physical abuse", "Sexual abuse", "Multiple"};
  std::vector<int>& planned = w.plan_state.planned;
  std::vector<Day>& latest_end = w.plan_state.latest_end;
  auto latest = [&](int c) -> Day& {
    if (static_cast<std::size_t>(c) >= latest_end.size())
      latest_end.resize(w.children.size(), kNever);
    return latest_end[static_cast<std::size_t>(c)];
  };
  const Day from_referrals = ymd(2014, 7, 1);

  for (int qi = first.index(); qi <= final.index(); ++qi) {
    const Quarter q = Quarter::at(qi);
    const PlanMix mix = plan_mix(q, rng);
    const std::vector<Day> days = working_days_in(q);
    std::vector<Day> dates;
    for (int i = 0; i < mix.starts; ++i) dates.push_back(rng.pick(days));
    std::sort(dates.begin(), dates.end());
    std::vector<char> kinds;
    for (int i = 0; i < mix.starts; ++i)
      kinds.push_back(i < mix.within_24_months                          ? 'W'
                      : i < mix.within_24_months + mix.beyond_24_months ? 'E'
                                                                        : 'F');
    rng.shuffle(kinds);

    for (std::size_t i = 0; i < dates.size(); ++i) {
      const Day d = dates[i];
      int child = -1;
      auto young = [&](int c) { return age_at(w, c, d) < 16; };
      if (kinds[i] != 'F') {
        const Day cut = tally::add_months(d, -24);
        std::vector<int> candidates;
        for (int c : planned) {
          const Day end = latest(c);
          const bool fits = kinds[i] == 'W' ? (end >= cut + 30 && end <= d - 30) : end < cut - 30;
          if (fits && young(c)) candidates.push_back(c);
        }
        if (!candidates.empty())
          child = rng.pick(candidates);
        else if (q == kReportQuarter)
          die("no child for a repeat plan in " + q.label());
      }
      if (child < 0 && d >= from_referrals) {
        // A first plan follows a referral made in the three months before it.
        std::vector<int> candidates;
        auto it = std::lower_bound(w.referrals.begin(), w.referrals.end(), d - 90,
                                   [](const Referral& r, Day day) { return r.date < day; });
        for (; it != w.referrals.end() && it->date < d; ++it)
          if (latest(it->child) == kNever && young(it->child)) candidates.push_back(it->child);
        if (!candidates.empty()) child = rng.pick(candidates);
      }
      if (child < 0) child = add_child(w, rng, d - rng.between(0, 15 * 365), false);

      const int r = rng.between(0, 999);
      const int months = r < 300   ? rng.between(3, 6)
                         : r < 800 ? rng.between(6, 12)
                                   : rng.between(12, 20);
      Day end = tally::add_months(d, months) + rng.between(-10, 10);
      end = std::min(end,
                     tally::add_months(w.children[static_cast<std::size_t>(child)].dob, 216) - 1);
      if (latest(child) == kNever) planned.push_back(child);
      latest(child) = end;
      w.plans.push_back({child, d, end, rng.pick(categories), {}});
    }
  }
}

std::map<int, VisitMix> visit_mixes(Rng& rng) {
  std::map<int, VisitMix> out;
  for (int qi = Quarter{2010, 1}.index(); qi <= Quarter{2019, 1}.index(); ++qi) {
    const int late = rng.between(10, 30);
    const int by_20 = rng.between(30, 60);
    const int by_10 = rng.between(700, 830);
    out[qi] = {by_10, 1000 - late - by_20 - by_10, by_20};
  }
  out[Quarter{2016, 2}.index()] = {930, 50, 15};  // "on occasions green for a short period"
  // The report's quarter: no late gaps here; tune_report_visits() makes the few it quotes.
  out[kReportQuarter.index()] = {790, 160, 50};
  out[kMinutesQuarter.index()] = {780, 140, 60};
  return out;
}

// Visits under a plan from `cur` while they fall on or before `last`, added to `visits`; returns
// the visit that would come next.
Day visit_until(std::vector<Day>& visits, Day cur, Day last, const std::map<int, VisitMix>& mixes,
                Rng& rng) {
  while (cur <= last) {
    visits.push_back(cur);
    const VisitMix& mix = mixes.at(quarter_of(cur + 8).index());
    const int r = rng.between(0, 999);
    const int gap = r < mix.by_10                           ? rng.between(6, 10)
                    : r < mix.by_10 + mix.by_15             ? rng.between(11, 15)
                    : r < mix.by_10 + mix.by_15 + mix.by_20 ? rng.between(16, 20)
                                                            : rng.between(22, 35);
    Day next = cur + gap;
    while (!working_day(next)) --next;  // visits happen on working days
    cur = next;
  }
  return cur;
}

Day first_visit(const Plan& plan, Rng& rng) {
  Day cur = plan.start + rng.between(0, 2);
  while (!working_day(cur)) ++cur;
  return cur;
}

void build_visits(World& w, Rng& rng) {
  w.visit_mixes = visit_mixes(rng);
  for (Plan& plan : w.plans) {
    std::vector<Day> visits;
    plan.next_visit = visit_until(visits, first_visit(plan, rng), std::min(plan.end, kFirstExtract),
                                  w.visit_mixes, rng);
    for (Day v : visits)
      if (v >= kVisitsFrom) plan.visits.push_back(v);
  }
}

// The visits after kFirstExtract: plans open then carry on from the visit drawn next, plans begun
// since from their start.
void extend_visits(World& w, Rng& rng) {
  for (int qi = Quarter{2019, 2}.index(); qi <= Quarter{2020, 1}.index(); ++qi) {
    const int late = rng.between(10, 30);
    const int by_20 = rng.between(30, 60);
    const int by_10 = rng.between(720, 830);
    w.visit_mixes[qi] = {by_10, 1000 - late - by_20 - by_10, by_20};
  }
  for (Plan& plan : w.plans) {
    const Day from = plan.next_visit == kNever ? first_visit(plan, rng) : plan.next_visit;
    plan.next_visit =
        visit_until(plan.visits, from, std::min(plan.end, kExtract), w.visit_mixes, rng);
  }
}

// The report quotes 97.4% of the quarter's visits within 15 working days of the previous one.
// Removes single visits (so that the next one comes late) until the figure is exactly that.
void tune_report_visits(World& w, Rng& rng) {
  const Quarter q = kReportQuarter;
  for (;;) {
    long due = 0, late = 0;
    struct Spot {
      std::size_t plan, visit;
    };
    std::vector<Spot> spots;
    for (std::size_t p = 0; p < w.plans.size(); ++p) {
      const std::vector<Day>& v = w.plans[p].visits;
      for (std::size_t i = 1; i < v.size(); ++i) {
        if (!q.contains(v[i])) continue;
        ++due;
        if (working_days(v[i - 1], v[i]) > 15) ++late;
        if (i + 1 < v.size() && q.contains(v[i + 1]) && working_days(v[i - 1], v[i]) <= 15 &&
            working_days(v[i], v[i + 1]) <= 15 && working_days(v[i - 1], v[i + 1]) > 15)
          spots.push_back({p, i});
      }
    }
    const long tenths = (2000 * (due - late) + due) / (2 * due);  // 100 x share, 1 place, half up
    if (tenths == 974) return;
    if (tenths < 974 || spots.empty()) die("cannot shape the report quarter's visits to 97.4%");
    const Spot s = rng.pick(spots);
    std::vector<Day>& v = w.plans[s.plan].visits;
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(s.visit));
  }
}

// ---- Children in care (about 140 at a time) ----------------------------------------------------

struct Leaver {
  Exit exit;
  std::string rec;
};

// Who leaves care in a quarter, by how they leave. Quarters after the extract give the children
// still in care at its end.
std::vector<Leaver> leavers_in(Quarter q, Rng& rng) {
  std::vector<Leaver> out;
  auto add = [&](Exit e, const char* rec, int n) {
    for (int i = 0; i < n; ++i) out.push_back({e, rec});
  };
  if (q == kReportQuarter) {
    // Five reached permanence; the other nine all reached 18: four staying put with their foster
    // carers, three to independent living, two to residential care commissioned by adult services.
    add(Exit::adoption, "E11", 1);
    add(Exit::adoption, "E12", 1);
    add(Exit::sgo, "E45", 1);
    add(Exit::sgo, "E46", 1);
    add(Exit::home, "E4A", 1);
    add(Exit::at18, "E17", 4);
    add(Exit::at18, "E5", 3);
    add(Exit::at18, "E6", 2);
    return out;
  }
  if (q == kMinutesQuarter) {
    // Four of ten reached permanence; six left at 18: three to independent living, one staying
    // put, two remaining in residential placements for their health needs.
    add(Exit::adoption, "E11", 1);
    add(Exit::sgo, "E45", 1);
    add(Exit::sgo, "E46", 1);
    add(Exit::home, "E4A", 1);
    add(Exit::at18, "E17", 1);
    add(Exit::at18, "E5", 3);
    add(Exit::at18, "E6", 2);
    return out;
  }
  for (int n = rng.between(1, 3); n > 0; --n)
    add(Exit::adoption, rng.per_mille(700) ? "E11" : "E12", 1);
  for (int n = rng.between(1, 2); n > 0; --n) add(Exit::sgo, rng.per_mille(500) ? "E45" : "E46", 1);
  add(Exit::cao, "E41", rng.between(0, 1));
  add(Exit::home, "E4A", rng.between(1, 3));
  for (int n = rng.between(4, 6); n > 0; --n) {
    const int r = rng.between(0, 999);
    add(Exit::at18, r < 350 ? "E17" : r < 800 ? "E5" : "E6", 1);
  }
  for (int n = rng.between(0, 2); n > 0; --n) {
    const int r = rng.between(0, 999);
    add(Exit::other, r < 500 ? "E13" : r < 800 ? "E8" : "E3", 1);
  }
  return out;
}

// Shares per mille of children in care placed far from home, and living outside the area.
constexpr int kFarAtReport = 245, kOutsideAtReport = 170, kOutsideBeforeReport = 185;
constexpr int kFarAtMinutes = 165;
// Share per mille of children settled in care who are in a permanent placement, at least.
constexpr int kPermanentAtReport = 740, kPermanentAtMinutes = 720;

// Children's homes and residential care homes: more often far from home.
bool residential(std::string_view place) { return place == "K2" || place == "R1"; }

// Placements far from home were common before local capacity grew from 2016.
int far_per_mille(Day start, std::string_view place) {
  if (place == "P1") return 0;
  const int base = start < ymd(2016, 4, 1)   ? 380
                   : start < ymd(2017, 4, 1) ? 250
                   : start < ymd(2018, 4, 1) ? 120
                                             : 70;
  return residential(place) ? std::min(700, 2 * base) : base;
}

Stay make_stay(Rng& rng, Day start, const char* place, const char* ls, bool uasc) {
  Stay s{start, place, ls, std::nullopt, 0};
  const bool far = rng.per_mille(far_per_mille(start, place));
  if (uasc) {
    s.area = far ? rng.between(210, 500) : rng.per_mille(700) ? 0 : rng.between(5, 150);
    return s;
  }
  const int home = std::string_view(place) == "P1" ? rng.between(0, 30)
                   : far ? (rng.per_mille(650) ? rng.between(201, 300) : rng.between(301, 650))
                         : rng.between(3, 199);
  s.home = home;
  s.area = std::max(0, home - rng.between(10, 80));  // the home lies 1 to 8 miles inside the area
  return s;
}

void build_stays(Career& c, Exit exit, bool uasc, Rng& rng) {
  const int length = c.end - c.start;
  auto add = [&](Day start, const char* place, const char* ls) {
    c.stays.push_back(make_stay(rng, start, place, ls, uasc));
  };
  switch (exit) {
    case Exit::adoption: {
      const int adoptive = std::min(rng.between(120, 330), length / 2);
      const Day placed = c.end - adoptive;
      add(c.start, rng.per_mille(700) ? "U6" : "U3", "C2");
      if (placed - c.start > 240 && rng.per_mille(300))
        add(c.start + rng.between(60, placed - c.start - 60), "U6", "C2");
      add(placed, rng.per_mille(900) ? "A6" : "A5", "E1");
      break;
    }
    case Exit::sgo:
    case Exit::cao: {
      const char* ls = rng.per_mille(700) ? "C2" : "V2";
      add(c.start, exit == Exit::cao || rng.per_mille(600) ? "U3" : "U6", ls);
      if (length > 300 && (exit == Exit::cao || rng.per_mille(500)))
        add(c.end - rng.between(120, length / 2), "U1", ls);
      break;
    }
    case Exit::home: {
      const bool order = rng.per_mille(600);
      add(c.start, "U6", order ? "C2" : "V2");
      if (order && length > 180 && rng.per_mille(850))
        add(c.end - rng.between(120, std::min(400, length - 60)), "P1", "C2");
      break;
    }
    case Exit::at18: {
      if (uasc) {
        add(c.start, rng.per_mille(600) ? "U6" : "H5", "V2");
        if (length > 300 && rng.per_mille(500))
          add(c.end - rng.between(90, length - 150), "H5", "V2");
        break;
      }
      const char* ls = rng.per_mille(800) ? "C2" : "V2";
      add(c.start, "U6", ls);
      const int r = rng.between(0, 999);
      const char* settled = c.rec == "E6"    ? (r < 400 ? "R1" : "K2")
                            : c.rec == "E17" ? (r < 750 ? "U4" : "U1")
                                             : (r < 600   ? "U4"
                                                : r < 850 ? "K2"
                                                          : "U1");
      Day from = c.start + std::min(rng.between(60, 365), length / 3);
      Day to = c.end;
      if (c.rec == "E5" && length >= 700 && rng.per_mille(600))
        to = c.end - std::min(rng.between(180, 540), length / 3);
      add(from, settled, ls);
      for (Day cur = from; to - cur > 900;) {  // a change of carers every few years
        cur += rng.between(500, 1400);
        if (cur >= to - 120) break;
        if (rng.per_mille(500)) add(cur, settled, ls);
      }
      if (to < c.end) add(to, "H5", ls);
      break;
    }
    case Exit::other:
      add(c.start, rng.per_mille(700) ? "U6" : "K2", "V2");
      break;
  }
  for (std::size_t i = 1; i < c.stays.size(); ++i)
    if (c.stays[i].start <= c.stays[i - 1].start) die("internal: placements out of order");
}

// Among the children in care at `at` (short breaks aside), sets the share per mille placed more
// than 20 miles from home (of those the indicator counts: unaccompanied asylum-seeking children
// and placements with parents aside) and the share living more than 20 miles outside the area.
// A negative share leaves that figure alone. Only placements for which `may_change(stay, until)`
// holds are touched; placements made far are, where possible, ones begun before April 2016
// (settled children are not moved), and placements made local later ones.
void shape_distances(World& w, Rng& rng, Day at, int far_per_mille, int outside_per_mille,
                     const std::function<bool(const Stay&, Day)>& may_change) {
  struct Current {
    Stay* stay;
    Day until;
  };
  std::vector<Current> counted, all;
  for (Career& c : w.careers) {
    for (std::size_t j = 0; j < c.stays.size(); ++j) {
      Stay& s = c.stays[j];
      const Day until = j + 1 < c.stays.size() ? c.stays[j + 1].start : c.end;
      if (s.start > at || until <= at || s.ls == "V4") continue;
      all.push_back({&s, until});
      if (s.home && s.place != "P1") counted.push_back({&s, until});
    }
  }
  auto is_far = [](const Stay& s) { return s.home && *s.home > 200; };
  auto is_outside = [](const Stay& s) { return s.area > 200; };
  auto share = [](int per_mille, std::size_t of) {
    return (per_mille * static_cast<int>(of) + 500) / 1000;
  };
  const Day settled = ymd(2016, 4, 1);
  auto flip = [&](std::vector<Current>& pool, const std::function<bool(const Stay&)>& want, int n,
                  const std::function<void(Stay&)>& change, const char* what) {
    std::vector<Stay*> candidates;
    for (const Current& c : pool)
      if (want(*c.stay) && may_change(*c.stay, c.until)) candidates.push_back(c.stay);
    rng.shuffle(candidates);
    const bool to_far = std::string_view(what) == "far placements";
    std::stable_partition(candidates.begin(), candidates.end(),
                          [&](const Stay* s) { return (s->start < settled) == to_far; });
    if (static_cast<int>(candidates.size()) < n)
      die(fmt::format("cannot shape {} at {}", what, iso(at)));
    for (int i = 0; i < n; ++i) change(*candidates[static_cast<std::size_t>(i)]);
  };
  auto place_at = [&](Stay& s, int home_lo, int home_hi, int inside_lo) {
    s.home = rng.between(home_lo, home_hi);
    s.area = std::max(0, *s.home - rng.between(inside_lo, 80));
  };
  auto local = [&](Stay& s) { place_at(s, 3, 199, 10); };
  auto far_outside = [&](Stay& s) { place_at(s, 290, 450, 10); };
  auto far_near = [&](Stay& s) { place_at(s, 201, 260, 61); };

  if (far_per_mille >= 0) {
    const int want = share(far_per_mille, counted.size());
    const int now = static_cast<int>(std::count_if(
        counted.begin(), counted.end(), [&](const Current& c) { return is_far(*c.stay); }));
    if (now < want)
      flip(
          counted, [&](const Stay& s) { return !is_far(s); }, want - now,
          [&](Stay& s) { rng.per_mille(600) ? far_outside(s) : far_near(s); }, "far placements");
    if (now > want)
      flip(
          counted, [&](const Stay& s) { return is_far(s); }, now - want, local, "local placements");
  }
  if (outside_per_mille >= 0) {
    const int want = share(outside_per_mille, all.size());
    const int now = static_cast<int>(std::count_if(
        all.begin(), all.end(), [&](const Current& c) { return is_outside(*c.stay); }));
    if (now < want)
      flip(
          all, [&](const Stay& s) { return is_far(s) && !is_outside(s); }, want - now, far_outside,
          "placements outside the area");
    if (now > want)
      flip(
          all, [&](const Stay& s) { return is_far(s) && is_outside(s); }, now - want, far_near,
          "placements near the area");
  }
}

// Raises to at least `per_mille` the share of children in care at `at` for more than three months,
// outside residential placements, who are in a permanent placement: short-term foster placements
// become long-term matches with the same carers (a new episode, begun after `after`).
void shape_permanence(World& w, Rng& rng, Day at, int per_mille, Day after) {
  // The residential placements of this data: children's homes, care homes, semi-independence.
  auto residential_care = [](const std::string& p) { return p == "K2" || p == "R1" || p == "H5"; };
  auto permanent = [](const std::string& p) { return p == "U1" || p == "U4" || p[0] == 'A'; };
  for (;;) {
    int counted = 0, settled = 0;
    struct Spot {
      std::size_t career, stay;
      Day until;
    };
    std::vector<Spot> spots;
    for (std::size_t k = 0; k < w.careers.size(); ++k) {
      const Career& c = w.careers[k];
      for (std::size_t j = 0; j < c.stays.size(); ++j) {
        const Stay& s = c.stays[j];
        const Day until = j + 1 < c.stays.size() ? c.stays[j + 1].start : c.end;
        if (s.start > at || until <= at || s.ls == "V4" || residential_care(s.place) ||
            c.start >= tally::add_months(at, -3))
          continue;
        ++counted;
        settled += permanent(s.place) ? 1 : 0;
        const bool heading_home = c.rec == "E11" || c.rec == "E12" || c.rec == "E4A";
        if ((s.place == "U6" || s.place == "U3") && !heading_home &&
            std::max(s.start, after) + 30 < at)
          spots.push_back({k, j, until});
      }
    }
    if (1000 * settled >= per_mille * counted) return;
    if (spots.empty()) die("cannot shape permanent placements at " + iso(at));
    const Spot spot = rng.pick(spots);
    Career& c = w.careers[spot.career];
    Stay matched = c.stays[spot.stay];
    matched.start = rng.between(std::max(matched.start, after) + 30, at);
    matched.place = matched.place == "U3" ? "U1" : "U4";
    c.stays.insert(c.stays.begin() + static_cast<std::ptrdiff_t>(spot.stay) + 1, matched);
  }
}

// A short break from `s` (legal status V4); returns its end.
Day add_short_break(World& w, Rng& rng, Day s) {
  const Day end = s + rng.between(180, 720);
  Career c{add_child(w, rng, s - rng.between(5 * 365, 12 * 365), false), s, end, "E8", {}};
  c.stays.push_back(make_stay(rng, s, rng.per_mille(500) ? "K2" : "U6", "V4", false));
  w.careers.push_back(std::move(c));
  return end;
}

void build_care(World& w, Rng& rng) {
  for (int qi = Quarter{2014, 1}.index(); qi <= Quarter{2033, 4}.index(); ++qi) {
    const Quarter q = Quarter::at(qi);
    for (const Leaver& l : leavers_in(q, rng)) {
      Day end = random_day(rng, q.start(), q.end());
      Day dob = 0;
      int length = 0;
      bool uasc = false;
      switch (l.exit) {
        case Exit::at18: {
          const tally::Ymd e = tally::civil_from_days(end);
          if (e.month == 2 && e.day == 29) --end;
          dob = tally::add_months(end, -216);  // leaves on the 18th birthday
          uasc = rng.per_mille(300);
          const int r = rng.between(0, 999);
          length = uasc      ? rng.between(365, 1000)
                   : r < 300 ? rng.between(365, 1095)
                   : r < 700 ? rng.between(1095, 2920)
                             : rng.between(2920, 5475);
          break;
        }
        case Exit::adoption: {
          const int age = rng.between(400, 2400);
          dob = end - age;
          length = std::min(rng.between(270, 900), age - 20);
          break;
        }
        case Exit::sgo:
        case Exit::cao: {
          const int age = rng.between(730, 5800);
          dob = end - age;
          length = std::min(rng.between(180, 1400), age - 20);
          break;
        }
        case Exit::home: {
          const int age = rng.between(200, 6000);
          dob = end - age;
          length = std::min(rng.between(120, 800), age - 20);
          break;
        }
        case Exit::other:
          dob = end - rng.between(1800, 6200);
          length = rng.between(30, 365);
          break;
      }
      const Day start = end - length;
      if (start > kFirstExtract) {  // comes into care after the first extract
        w.pending_careers.push_back({l.exit, l.rec, start, end, dob, uasc});
        continue;
      }
      Career c{add_child(w, rng, dob, uasc), start, end, l.rec, {}};
      build_stays(c, l.exit, uasc, rng);
      w.careers.push_back(std::move(c));
    }
  }

  // The report's quarter: every child entering care was placed within 20 miles of home, except
  // one placed in an emergency over 20 miles away for one night and moved locally the next day.
  Career* emergency = nullptr;
  for (Career& c : w.careers) {
    if (!kReportQuarter.contains(c.start) || w.children[static_cast<std::size_t>(c.child)].uasc)
      continue;
    Stay& first = c.stays.front();
    if (first.home && *first.home > 200) {
      first.home = rng.between(3, 199);
      first.area = std::max(0, *first.home - rng.between(10, 80));
    }
    if (!emergency && first.place != "P1" && c.stays.size() > 1 && c.stays[1].start - c.start > 30)
      emergency = &c;
  }
  if (!emergency) die("no child entering care in the report's quarter");
  Stay night = emergency->stays.front();
  night.place = "U6";
  night.home = 362;
  night.area = 301;
  emergency->stays.front().start += 1;
  emergency->stays.insert(emergency->stays.begin(), night);

  // Two children going home at the report's quarter end are placed with their parents by then
  // (placement P1, under their care order), so that the indicators' exclusion of them matters.
  const Day report_end = kReportQuarter.end();
  int with_parents = 0;
  for (Career& c : w.careers) {
    if (with_parents == 2) break;
    if (c.rec != "E4A" || c.start > report_end - 120 || c.end < report_end + 30 ||
        c.stays.size() != 1)
      continue;
    c.stays.push_back(make_stay(rng, report_end - rng.between(10, 80), "P1", "C2", false));
    ++with_parents;
  }
  if (with_parents < 2) die("too few children going home at the report's quarter end");

  // The report's quarter end: about a quarter placed far from home. The quarter before: more of
  // them outside the area (touching only placements over by the report's quarter end). 2018-19
  // Q2, when local capacity had grown: touching only placements begun after the report's quarter.
  shape_distances(w, rng, report_end, kFarAtReport, kOutsideAtReport,
                  [](const Stay&, Day) { return true; });
  shape_distances(w, rng, kReportQuarter.previous().end(), -1, kOutsideBeforeReport,
                  [&](const Stay&, Day until) { return until <= report_end; });
  shape_distances(w, rng, kMinutesQuarter.end(), kFarAtMinutes, -1,  // area: as it falls
                  [&](const Stay& s, Day) { return s.start > report_end; });
  shape_permanence(w, rng, report_end, kPermanentAtReport, kReportQuarter.previous().end());
  shape_permanence(w, rng, kMinutesQuarter.end(), kPermanentAtMinutes, report_end);

  // Short breaks for disabled children (legal status V4): looked after during the breaks, left
  // out of every looked-after figure here, as in the national returns.
  std::vector<std::size_t> breaks;
  Day s = ymd(2012, 6, 4);
  for (; s <= kFirstExtract; s += rng.between(50, 110)) {
    const Day end = add_short_break(w, rng, s);
    if (s <= kReportQuarter.end() && end > kReportQuarter.end())
      breaks.push_back(w.careers.size() - 1);
  }
  w.next_short_break = s;
  // Two of the short breaks running at the report's quarter end are at a unit over 20 miles away.
  if (breaks.size() < 2) die("too few short breaks at the report's quarter end");
  Stay& first_far = w.careers[breaks[0]].stays[0];
  first_far.home = 246;
  first_far.area = 190;
  Stay& second_far = w.careers[breaks[1]].stays[0];
  second_far.home = 312;
  second_far.area = 251;
}

// ---- Schools (60) and their Ofsted inspections ------------------------------------------------

void build_schools(World& w, Rng& rng) {
  std::vector<std::string> stems = {
      "Alder",       "Ashcombe",   "Badgers Hill", "Bramble",     "Brookside",   "Castle View",
      "Cedar",       "Chestnut",   "Clover",       "Copse Hill",  "Deanfield",   "Elm Tree",
      "Fernhill",    "Foxglove",   "Gorse Hill",   "Hawthorn",    "Hazel Grove", "Heathland",
      "Holly Lane",  "Juniper",    "Kestrel",      "Lark Rise",   "Linden",      "Maple",
      "Meadowbank",  "Mill Lane",  "Oakfield",     "Orchard",     "Pinewood",    "Poplar",
      "Riverside",   "Rowan",      "Sandpit Lane", "Sycamore",    "Thistle",     "Valley Road",
      "Willow",      "Wren",       "Yew Tree",     "Acorn",       "Blackbird",   "Bluebell",
      "Church Lane", "Coppice",    "Dovecote",     "Fieldway",    "Green Lane",  "Heron",
      "Kingfisher",  "Larch",      "Moorside",     "Nightingale", "Otter",       "Primrose",
      "Redwood",     "Skylark",    "Spinney",      "Stonebridge", "Teasel",      "Whitegate",
      "Windmill",    "Woodpecker", "Aspen",        "Hornbeam"};
  rng.shuffle(stems);

  // Inspection dates outside the two quarters whose reports named every inspection published.
  auto quiet_day = [&](Day from, Day to) {
    for (;;) {
      Day d = random_day(rng, from, to);
      while (!working_day(d)) --d;
      if (!kReportQuarter.contains(d) && !kMinutesQuarter.contains(d)) return d;
    }
  };
  auto add = [&](const char* phase, int pupils,
                 std::vector<std::pair<Day, std::string>> inspections) {
    const std::size_t n = w.schools.size();
    const std::string suffix = std::string_view(phase) == "Primary" ? " Primary School"
                               : std::string_view(phase) == "Secondary"
                                   ? (n % 3 ? " School" : " Academy")
                                   : " School";
    w.schools.push_back(
        {fmt::format("SCH{:02}", n + 1), stems[n] + suffix, phase, pupils, std::move(inspections)});
  };
  // A school whose judgement only ever stays Good or better.
  auto steady = [&](const char* phase, int pupils) {
    std::vector<std::pair<Day, std::string>> v;
    v.push_back({quiet_day(ymd(2008, 1, 1), ymd(2014, 12, 31)),
                 rng.per_mille(750) ? "Good" : "Outstanding"});
    if (rng.per_mille(500))
      v.push_back(
          {quiet_day(ymd(2015, 4, 1), kFirstExtract), rng.per_mille(850) ? "Good" : "Outstanding"});
    add(phase, pupils, std::move(v));
  };
  const std::string g = "Good", o = "Outstanding", ri = "Requires improvement", bad = "Inadequate";

  // Primary schools: 44, one of them new (opened September 2016, first inspected in 2017-18 Q1).
  add("Primary", 60, {{ymd(2017, 5, 18), g}});
  add("Primary", 315, {{ymd(2013, 3, 14), ri}, {ymd(2015, 11, 19), g}});
  add("Primary", 270, {{ymd(2014, 6, 12), ri}, {ymd(2016, 9, 22), g}});
  add("Primary", 300, {{ymd(2015, 10, 8), ri}, {ymd(2017, 11, 16), g}});
  add("Primary", 240, {{ymd(2014, 2, 6), ri}, {ymd(2016, 5, 26), ri}, {ymd(2019, 2, 14), g}});
  add("Primary", 180, {{ymd(2013, 11, 21), ri}, {ymd(2016, 1, 28), ri}});
  add("Primary", 210, {{ymd(2014, 10, 9), bad}, {ymd(2016, 6, 23), ri}});
  add("Primary", 330, {{ymd(2012, 12, 6), g}, {ymd(2014, 11, 27), ri}, {ymd(2017, 1, 19), ri}});
  add("Primary", 240, {{ymd(2014, 3, 20), ri}, {ymd(2016, 11, 10), ri}});
  // Three schools judged Good before, judged below it in 2018-19 Q2.
  add("Primary", 630, {{ymd(2012, 5, 17), g}, {ymd(2018, 7, 5), ri}});
  add("Primary", 420, {{ymd(2013, 6, 13), g}, {ymd(2018, 9, 13), ri}});
  add("Primary", 480, {{ymd(2011, 3, 10), o}, {ymd(2014, 5, 8), g}, {ymd(2018, 9, 27), bad}});
  static const int forms[] = {210, 315, 420, 630, 180, 270, 360};
  for (int i = 0; i < 32; ++i) steady("Primary", forms[rng.between(0, 6)] + rng.between(-12, 12));

  // Secondary schools: 11.
  add("Secondary", 1050, {{ymd(2014, 1, 16), ri}, {ymd(2016, 6, 16), g}});
  add("Secondary", 1200, {{ymd(2013, 4, 25), g}, {ymd(2017, 6, 8), g}});  // the report's one
  add("Secondary", 980, {{ymd(2014, 9, 25), ri}, {ymd(2016, 10, 13), ri}, {ymd(2018, 11, 22), g}});
  add("Secondary", 860, {{ymd(2013, 5, 23), ri}, {ymd(2017, 2, 9), ri}});
  for (int i = 0; i < 7; ++i) steady("Secondary", rng.between(700, 1500));

  // Special schools: 5.
  for (int i = 0; i < 5; ++i) steady("Special", rng.between(90, 220));
}

// ---- 2019-20: the rows after kFirstExtract, from the later streams ------------------------------

// Children coming into care in 2019-20, as drawn with the first streams, and the short breaks
// begun since.
void extend_care(World& w, Rng& rng) {
  for (const PendingCareer& p : w.pending_careers) {
    if (p.start > kExtract) continue;
    Career c{add_child(w, rng, p.dob, p.uasc), p.start, p.end, p.rec, {}};
    build_stays(c, p.exit, p.uasc, rng);
    w.careers.push_back(std::move(c));
  }
  for (Day s = w.next_short_break; s <= kExtract; s += rng.between(50, 110))
    add_short_break(w, rng, s);
}

// A few schools inspected in 2019-20.
void extend_schools(World& w, Rng& rng) {
  std::vector<std::size_t> order(w.schools.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  rng.shuffle(order);
  for (std::size_t k = 0; k < 6; ++k) {
    Day d = random_day(rng, ymd(2019, 4, 1), kExtract);
    while (!working_day(d)) --d;
    const int r = rng.between(0, 999);
    w.schools[order[k]].inspections.push_back({d, r < 700   ? "Good"
                                                  : r < 800 ? "Outstanding"
                                                            : "Requires improvement"});
  }
}

// ---- Teams, and the social work staff in them ------------------------------------------------

constexpr int kDisabledChildrenTeam = 4;

void build_teams(World& w) {
  w.teams = {{"T1", "North Safeguarding Team", "North"},
             {"T2", "South Safeguarding Team", "South"},
             {"T3", "East Safeguarding Team", "East"},
             {"T4", "West Safeguarding Team", "West"},
             {"T5", "Disabled Children's Team", "Countywide"}};
}

// Each plan is held by a team: the locality team of the child's home, the same for a child's
// later plans unless the family has moved, or the disabled children's team for a few children.
// The East team, short of permanent staff, holds more of the plans whose visits fall late.
void assign_teams(World& w, Rng& rng) {
  std::map<int, int> team_of_child;
  for (Plan& plan : w.plans) {
    int late = 0, gaps = 0;
    for (std::size_t i = 1; i < plan.visits.size(); ++i) {
      ++gaps;
      late += plan.visits[i] - plan.visits[i - 1] > 10 ? 1 : 0;
    }
    const auto known = team_of_child.find(plan.child);
    if (known != team_of_child.end() &&
        (known->second == kDisabledChildrenTeam || rng.per_mille(850))) {
      plan.team = known->second;
      continue;
    }
    if (known == team_of_child.end() && rng.per_mille(25)) {
      plan.team = kDisabledChildrenTeam;
    } else {
      // Plans with three in ten visits or more made over 10 days after the one before.
      const bool often_late = gaps > 0 && 10 * late >= 3 * gaps;
      const int weights[] = {28, 26, often_late ? 150 : 8, 22};
      int r = rng.between(0, weights[0] + weights[1] + weights[2] + weights[3] - 1);
      int team = 0;
      while (r >= weights[team]) r -= weights[team++];
      plan.team = team;
    }
    team_of_child[plan.child] = plan.team;
  }
}

// The first day of the month after the one holding d.
Day month_after(Day d) {
  const tally::Ymd c = tally::civil_from_days(d);
  return c.month == 12 ? ymd(c.year + 1, 1, 1) : ymd(c.year, c.month + 1, 1);
}

// Posts held from April 2014 (or before) to the extract. A holder leaves in a month with the
// team's chance per mille; the post stays vacant for a few weeks to four months, often covered by
// an agency worker until the new holder starts.
void build_staff(World& w, Rng& rng) {
  struct Post {
    int team;
    const char* role;
    int per_mille_a_month;
  };
  std::vector<Post> posts;
  auto add = [&](int team, const char* role, int n, int hazard) {
    for (int i = 0; i < n; ++i) posts.push_back({team, role, hazard});
  };
  const int social_workers[] = {13, 12, 13, 11, 5};
  const int seniors[] = {3, 3, 3, 2, 1};
  for (int t = 0; t < 5; ++t) {
    add(t, "team manager", 1, 7);
    add(t, "senior practitioner", seniors[t], t == 2 ? 16 : 10);
    add(t, "social worker", social_workers[t], t == 2 ? 26 : t == 4 ? 9 : 14);
  }
  const Day from = ymd(2014, 4, 1);
  for (const Post& post : posts) {
    Day first = std::max(random_day(rng, ymd(2003, 1, 1), from - 30),
                         random_day(rng, ymd(2003, 1, 1), from - 30));
    while (!working_day(first)) ++first;
    w.staff.push_back({post.team, post.role, false, first, kExtract + 1, ""});
    std::size_t holder = w.staff.size() - 1;
    // Each month from the one after the holder starts, the holder may leave.
    Day month = std::max(from, month_after(first));
    while (month <= kExtract) {
      if (!rng.per_mille(post.per_mille_a_month)) {
        month = month_after(month);
        continue;
      }
      const Day leave = random_day(rng, month, tally::add_months(month, 1) - 1);
      const int r = rng.between(0, 999);
      const int served = leave - w.staff[holder].start;
      const char* reason = r < 740                        ? "voluntary"
                           : r < 840 && served > 10 * 365 ? "retired"
                           : r < 890                      ? "dismissed"
                           : r < 970 && served < 3 * 365  ? "end of contract"  // fixed-term posts
                                                          : "voluntary";
      w.staff[holder].leave = leave;
      w.staff[holder].leave_reason = reason;
      Day next = leave + rng.between(post.team == 2 ? 45 : 30, post.team == 2 ? 240 : 180);
      while (!working_day(next)) ++next;
      if (next - leave > 42 && rng.per_mille(post.team == 2 ? 900 : 700)) {
        Day cover = leave + rng.between(3, 14);
        while (!working_day(cover)) ++cover;
        const bool early = rng.per_mille(100);
        const Day until = early ? cover + (next - cover) / 2 : next;
        if (cover <= kExtract)
          w.staff.push_back(
              {post.team, post.role, true, cover, until, early ? "voluntary" : "end of contract"});
      }
      if (next > kExtract) break;
      w.staff.push_back({post.team, post.role, false, next, kExtract + 1, ""});
      holder = w.staff.size() - 1;
      month = month_after(next);
    }
  }
  std::stable_sort(w.staff.begin(), w.staff.end(),
                   [](const StaffMember& a, const StaffMember& b) { return a.start < b.start; });
}

// ---- Writing the files ------------------------------------------------------------------------

std::string miles(int tenths) { return fmt::format("{}.{}", tenths / 10, tenths % 10); }

class CsvOut {
 public:
  CsvOut(const std::filesystem::path& dir, const char* name, const char* header)
      : path_(dir / name), out_(path_) {
    if (!out_) die("cannot write " + path_.string());
    out_ << header << '\n';
  }
  template <typename... Args>
  void row(fmt::format_string<Args...> f, Args&&... args) {
    out_ << fmt::format(f, std::forward<Args>(args)...) << '\n';
  }

 private:
  std::filesystem::path path_;
  std::ofstream out_;
};

std::string open_end(Day d) { return d <= kExtract ? iso(d) : ""; }

void write_world(const World& w, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  auto id = [&](int child) -> const std::string& {
    return w.children[static_cast<std::size_t>(child)].id;
  };
  {
    CsvOut out(dir, "children.csv", "child_id,dob,sex,uasc");
    for (const Child& c : w.children)
      out.row("{},{},{},{}", c.id, iso(c.dob), c.female ? "F" : "M", c.uasc ? 1 : 0);
  }
  {
    CsvOut out(dir, "referrals.csv", "referral_id,child_id,referral_date");
    int n = 0;
    for (const Referral& r : w.referrals) out.row("R{:06},{},{}", ++n, id(r.child), iso(r.date));
  }
  {
    CsvOut out(dir, "cp_plans.csv", "plan_id,child_id,start_date,end_date,category,team_id");
    struct VisitRow {
      Day date;
      std::size_t plan;
    };
    std::vector<VisitRow> visits;
    for (std::size_t p = 0; p < w.plans.size(); ++p) {
      const Plan& plan = w.plans[p];
      out.row("CP{:04},{},{},{},{},{}", p + 1, id(plan.child), iso(plan.start), open_end(plan.end),
              plan.category, w.teams.at(static_cast<std::size_t>(plan.team)).id);
      for (Day v : plan.visits) visits.push_back({v, p});
    }
    std::sort(visits.begin(), visits.end(), [](const VisitRow& a, const VisitRow& b) {
      return a.date != b.date ? a.date < b.date : a.plan < b.plan;
    });
    CsvOut vout(dir, "cp_visits.csv", "child_id,plan_id,visit_date");
    for (const VisitRow& v : visits)
      vout.row("{},CP{:04},{}", id(w.plans[v.plan].child), v.plan + 1, iso(v.date));
  }
  {
    // SSDA903-style episodes: one row per placement, dates as dd/mm/yyyy.
    CsvOut out(dir, "episodes.csv",
               "child_id,decom,rne,ls,place,dec,rec,pl_distance,area_distance,care_start");
    std::vector<const Career*> careers;
    for (const Career& c : w.careers) careers.push_back(&c);
    std::sort(careers.begin(), careers.end(), [&](const Career* a, const Career* b) {
      return a->child != b->child ? id(a->child) < id(b->child) : a->start < b->start;
    });
    // The placements begun by kFirstExtract keep their lines; the later ones follow them.
    for (const bool later : {false, true}) {
      for (const Career* c : careers) {
        for (std::size_t j = 0; j < c->stays.size() && c->stays[j].start <= kExtract; ++j) {
          const Stay& s = c->stays[j];
          if ((s.start > kFirstExtract) != later) continue;
          const bool last = j + 1 == c->stays.size();
          const Day until = last ? c->end : c->stays[j + 1].start;
          std::string rne = "S";
          if (j > 0) {
            const Stay& before = c->stays[j - 1];
            rne = before.place != s.place && before.ls != s.ls ? "T"
                  : before.ls != s.ls                          ? "L"
                                                               : "P";
          }
          const bool ended = until <= kExtract;
          out.row("{},{},{},{},{},{},{},{},{},{}", id(c->child), uk(s.start), rne, s.ls, s.place,
                  ended ? uk(until) : "", ended ? (last ? c->rec : "X1") : "",
                  s.home ? miles(*s.home) : "", miles(s.area), uk(c->start));
        }
      }
    }
  }
  {
    CsvOut out(dir, "schools.csv", "school_id,name,phase,pupils");
    for (const School& s : w.schools) out.row("{},{},{},{}", s.id, s.name, s.phase, s.pupils);
    CsvOut iout(dir, "inspections.csv", "school_id,published,rating");
    std::vector<std::pair<Day, std::string>> rows;
    for (const School& s : w.schools)
      for (const auto& [day, rating] : s.inspections)
        rows.push_back({day, s.id + "," + iso(day) + "," + rating});
    std::sort(rows.begin(), rows.end());
    for (const auto& r : rows) iout.row("{}", r.second);
  }
  {
    CsvOut out(dir, "teams.csv", "team_id,name,locality");
    for (const Team& t : w.teams) out.row("{},{},{}", t.id, t.name, t.locality);
  }
  {
    CsvOut out(dir, "staff.csv", "staff_id,team_id,role,agency,start_date,leave_date,leave_reason");
    int n = 0;
    for (const StaffMember& s : w.staff) {
      const bool left = s.leave <= kExtract;
      out.row("ST{:04},{},{},{},{},{},{}", ++n, w.teams.at(static_cast<std::size_t>(s.team)).id,
              s.role, s.agency ? 1 : 0, iso(s.start), left ? iso(s.leave) : "",
              left ? s.leave_reason : "");
    }
  }
  {
    // The ONS mid-year estimates of the area's population aged 0 to 17.
    CsvOut out(dir, "population.csv", "year,children");
    const int children[] = {34712, 34958, 35187, 35402, 35561, 35698, 35820};
    for (int i = 0; i < 7; ++i) out.row("{},{}", 2014 + i, children[i]);
  }
}

// ---- Reading the files back -------------------------------------------------------------------

struct Csv {
  std::string name;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  std::size_t col(std::string_view column) const {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == column) return i;
    die(name + " has no column " + std::string(column));
  }
};

Csv read_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) die("cannot read " + path.string());
  Csv csv;
  csv.name = path.filename().string();
  std::string line;
  auto split = [](const std::string& s) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream ss(s);
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    if (!s.empty() && s.back() == ',') cells.emplace_back();
    return cells;
  };
  std::getline(in, line);
  csv.header = split(line);
  while (std::getline(in, line)) {
    csv.rows.push_back(split(line));
    if (csv.rows.back().size() != csv.header.size())
      die(csv.name + ": a row has the wrong width: " + line);
  }
  return csv;
}

Day read_iso(const std::string& s) {
  const auto d = tally::parse_iso(s);
  if (!d) die("not a date: " + s);
  return *d;
}
std::optional<Day> read_uk(const std::string& s) {
  if (s.empty()) return std::nullopt;
  static const tally::DateFormat format = *tally::DateFormat::parse("dd/mm/yyyy");
  const auto d = format.read(s);
  if (!d) die("not a dd/mm/yyyy date: " + s);
  return d;
}
// Miles with one decimal place, as tenths.
std::optional<int> read_tenths(const std::string& s) {
  if (s.empty()) return std::nullopt;
  const auto dot = s.find('.');
  return std::stoi(s.substr(0, dot)) * 10 +
         (dot == std::string::npos ? 0 : std::stoi(s.substr(dot + 1)));
}

// previous(EXPR per KEY order by ORD): rows grouped by key, each group sorted by ORD keeping file
// order for ties; returns for each row the index of the row before it in its group (or -1).
std::vector<long> previous_rows(const std::vector<std::string>& keys,
                                const std::vector<Day>& order) {
  std::map<std::string, std::vector<long>> groups;
  for (std::size_t i = 0; i < keys.size(); ++i) groups[keys[i]].push_back(static_cast<long>(i));
  std::vector<long> prev(keys.size(), -1);
  for (auto& [key, rows] : groups) {
    std::stable_sort(rows.begin(), rows.end(), [&](long a, long b) {
      return order[static_cast<std::size_t>(a)] < order[static_cast<std::size_t>(b)];
    });
    for (std::size_t i = 1; i < rows.size(); ++i)
      prev[static_cast<std::size_t>(rows[i])] = rows[i - 1];
  }
  return prev;
}

// ---- The pack's rules, recounted ---------------------------------------------------------------

// The parameters of indicators/params.tally.
struct Params {
  int cp_visit_days = 10;
  int cp_visit_working_days = 15;
  int distance_limit_tenths = 200;
  std::set<std::string> permanence_codes = {"E11", "E12", "E41", "E43", "E44",
                                            "E45", "E46", "E47", "E48", "E4A"};
  std::set<std::string> short_break_statuses = {"V3", "V4"};
  std::set<std::string> residential_placements = {"K1", "K2", "R1", "R2", "R5", "H5", "S1"};
  std::set<std::string> permanent_placements = {"A3", "A4", "A5", "A6", "U1", "U4"};
  std::set<std::string> good_or_better = {"Outstanding", "Good"};
};

struct Data {
  struct Episode {
    Day decom;
    std::optional<Day> dec;
    std::string rne, ls, place, rec;
    std::optional<int> pl_distance;
    int area_distance;
    Day care_start;
    bool uasc;
  };
  struct Referral {
    Day date;
    std::optional<Day> previous;
  };
  struct Plan {
    Day start;
    std::optional<Day> previous_end;
    bool has_previous;
  };
  struct Visit {
    Day date;
    std::optional<Day> previous;
  };
  struct Inspection {
    std::string phase;
    long pupils;
    Day published;
    std::optional<Day> next;
    std::string rating;
  };
  std::vector<Episode> episodes;
  std::vector<Referral> referrals;
  std::vector<Plan> plans;
  std::vector<Visit> visits;
  std::vector<Inspection> inspections;
};

Data load(const std::filesystem::path& dir) {
  Data data;
  std::map<std::string, bool> uasc;
  {
    const Csv c = read_csv(dir / "children.csv");
    for (const auto& r : c.rows) {
      if (!uasc.emplace(r[c.col("child_id")], r[c.col("uasc")] == "1").second)
        die("duplicate child");
    }
  }
  {
    const Csv c = read_csv(dir / "episodes.csv");
    for (const auto& r : c.rows) {
      const auto child = uasc.find(r[c.col("child_id")]);
      if (child == uasc.end()) die("episode of an unknown child");
      const std::optional<Day> dec = read_uk(r[c.col("dec")]);
      const std::string rec = r[c.col("rec")];
      if (dec.has_value() != !rec.empty()) die("an episode's dec and rec disagree");
      data.episodes.push_back({*read_uk(r[c.col("decom")]), dec, r[c.col("rne")], r[c.col("ls")],
                               r[c.col("place")], rec, read_tenths(r[c.col("pl_distance")]),
                               *read_tenths(r[c.col("area_distance")]),
                               *read_uk(r[c.col("care_start")]), child->second});
    }
  }
  {
    const Csv c = read_csv(dir / "referrals.csv");
    std::vector<std::string> keys;
    std::vector<Day> dates;
    for (const auto& r : c.rows) {
      keys.push_back(r[c.col("child_id")]);
      dates.push_back(read_iso(r[c.col("referral_date")]));
    }
    const std::vector<long> prev = previous_rows(keys, dates);
    for (std::size_t i = 0; i < dates.size(); ++i)
      data.referrals.push_back(
          {dates[i], prev[i] < 0 ? std::nullopt
                                 : std::optional<Day>(dates[static_cast<std::size_t>(prev[i])])});
  }
  {
    const Csv c = read_csv(dir / "cp_plans.csv");
    std::vector<std::string> keys;
    std::vector<Day> starts;
    std::vector<std::optional<Day>> ends;
    for (const auto& r : c.rows) {
      keys.push_back(r[c.col("child_id")]);
      starts.push_back(read_iso(r[c.col("start_date")]));
      const std::string& e = r[c.col("end_date")];
      ends.push_back(e.empty() ? std::nullopt : std::optional<Day>(read_iso(e)));
    }
    const std::vector<long> prev = previous_rows(keys, starts);
    for (std::size_t i = 0; i < starts.size(); ++i)
      data.plans.push_back({starts[i],
                            prev[i] < 0 ? std::nullopt : ends[static_cast<std::size_t>(prev[i])],
                            prev[i] >= 0});
  }
  {
    const Csv c = read_csv(dir / "cp_visits.csv");
    std::vector<std::string> keys;
    std::vector<Day> dates;
    for (const auto& r : c.rows) {
      keys.push_back(r[c.col("plan_id")]);
      dates.push_back(read_iso(r[c.col("visit_date")]));
    }
    const std::vector<long> prev = previous_rows(keys, dates);
    for (std::size_t i = 0; i < dates.size(); ++i)
      data.visits.push_back(
          {dates[i], prev[i] < 0 ? std::nullopt
                                 : std::optional<Day>(dates[static_cast<std::size_t>(prev[i])])});
  }
  {
    std::map<std::string, std::pair<std::string, long>> schools;
    const Csv s = read_csv(dir / "schools.csv");
    for (const auto& r : s.rows)
      schools[r[s.col("school_id")]] = {r[s.col("phase")], std::stol(r[s.col("pupils")])};
    const Csv c = read_csv(dir / "inspections.csv");
    std::vector<std::string> keys;
    std::vector<Day> dates;
    for (const auto& r : c.rows) {
      keys.push_back(r[c.col("school_id")]);
      dates.push_back(read_iso(r[c.col("published")]));
    }
    // next(published per school_id) is the previous row in the reversed order.
    std::vector<Day> reversed;
    for (Day d : dates) reversed.push_back(-d);
    const std::vector<long> next = previous_rows(keys, reversed);
    for (std::size_t i = 0; i < dates.size(); ++i) {
      const auto& [phase, pupils] = schools.at(keys[i]);
      data.inspections.push_back(
          {phase, pupils, dates[i],
           next[i] < 0 ? std::nullopt
                       : std::optional<Day>(dates[static_cast<std::size_t>(next[i])]),
           c.rows[i][c.col("rating")]});
    }
  }
  return data;
}

struct Period {
  Day start, end;
  bool contains(Day d) const { return d >= start && d <= end; }
};

bool active(Day start, std::optional<Day> end, Day at) {
  return start <= at && (!end || *end > at);
}

// A figure: numerator and denominator, or (den < 0) a count.
struct Figure {
  long num = 0;
  long den = 0;
};

enum class Polarity { higher, lower };

struct Indicator {
  const char* name;
  const char* code;
  const char* file;
  bool percent;
  Polarity polarity;
  long target;
  long green;  // value >= green (higher) or <= green (lower) is green
  long amber;  // likewise for amber; anything else is red
  long stable_within;
  bool boundary_intended;  // the report's value sits on a RAG edge on purpose
  std::function<Figure(const Data&, const Period&, const Params&)> count;
};

bool has(const std::set<std::string>& s, const std::string& v) { return s.contains(v); }

std::vector<Indicator> indicators() {
  using P = Polarity;
  std::vector<Indicator> out;
  // looked_after.tally
  out.push_back({"children_in_care_placed_far", "VP1", "looked_after", true, P::lower, 15, 15, 20,
                 1, false, [](const Data& d, const Period& p, const Params& k) {
                   Figure f;
                   for (const auto& e : d.episodes) {
                     if (!active(e.decom, e.dec, p.end) || e.uasc || e.place == "P1" ||
                         has(k.short_break_statuses, e.ls))
                       continue;
                     ++f.den;
                     if (e.pl_distance && *e.pl_distance > k.distance_limit_tenths) ++f.num;
                   }
                   return f;
                 }});
  out.push_back({"looked_after_within_area", "VP2", "looked_after", true, P::higher, 85, 85, 80, 1,
                 false, [](const Data& d, const Period& p, const Params& k) {
                   Figure f;
                   for (const auto& e : d.episodes) {
                     if (!active(e.decom, e.dec, p.end) || has(k.short_break_statuses, e.ls))
                       continue;
                     ++f.den;
                     if (e.area_distance <= k.distance_limit_tenths) ++f.num;
                   }
                   return f;
                 }});
  out.push_back({"entrants_placed_far", "VP3", "looked_after", false, P::lower, 0, 1, 3, 0, true,
                 [](const Data& d, const Period& p, const Params& k) {
                   Figure f{0, -1};
                   for (const auto& e : d.episodes)
                     if (e.rne == "S" && p.contains(e.decom) && !e.uasc && e.place != "P1" &&
                         !has(k.short_break_statuses, e.ls) && e.pl_distance &&
                         *e.pl_distance > k.distance_limit_tenths)
                       ++f.num;
                   return f;
                 }});
  out.push_back({"leavers_achieving_permanence", "VP7", "looked_after", true, P::higher, 50, 50, 45,
                 1, false, [](const Data& d, const Period& p, const Params& k) {
                   Figure f;
                   for (const auto& e : d.episodes) {
                     if (!e.dec || !p.contains(*e.dec) || e.rec == "X1" ||
                         has(k.short_break_statuses, e.ls))
                       continue;
                     ++f.den;
                     if (has(k.permanence_codes, e.rec)) ++f.num;
                   }
                   return f;
                 }});
  out.push_back({"settled_in_permanent_placement", "VP9", "looked_after", true, P::higher, 70, 70,
                 65, 1, false, [](const Data& d, const Period& p, const Params& k) {
                   Figure f;
                   const Day settled_before = tally::add_months(p.end, -3);
                   for (const auto& e : d.episodes) {
                     if (!active(e.decom, e.dec, p.end) || has(k.short_break_statuses, e.ls) ||
                         has(k.residential_placements, e.place) || !(e.care_start < settled_before))
                       continue;
                     ++f.den;
                     if (has(k.permanent_placements, e.place)) ++f.num;
                   }
                   return f;
                 }});
  // front_door.tally
  out.push_back({"repeat_referrals", "VP4", "front_door", true, P::lower, 17, 17, 22, 1, false,
                 [](const Data& d, const Period& p, const Params&) {
                   Figure f;
                   for (const auto& r : d.referrals) {
                     if (!p.contains(r.date)) continue;
                     ++f.den;
                     if (r.previous && *r.previous >= tally::add_months(r.date, -12)) ++f.num;
                   }
                   return f;
                 }});
  // child_protection.tally
  out.push_back({"repeat_plans_within_24_months", "VP5", "child_protection", true, P::lower, 10, 10,
                 15, 1, false, [](const Data& d, const Period& p, const Params&) {
                   Figure f;
                   for (const auto& r : d.plans) {
                     if (!p.contains(r.start)) continue;
                     ++f.den;
                     if (r.previous_end && *r.previous_end >= tally::add_months(r.start, -24))
                       ++f.num;
                   }
                   return f;
                 }});
  out.push_back({"repeat_plans_ever", "VP6", "child_protection", true, P::lower, 18, 18, 23, 1,
                 false, [](const Data& d, const Period& p, const Params&) {
                   Figure f;
                   for (const auto& r : d.plans) {
                     if (!p.contains(r.start)) continue;
                     ++f.den;
                     if (r.has_previous) ++f.num;
                   }
                   return f;
                 }});
  out.push_back({"cp_visits_on_time", "VP8", "child_protection", true, P::higher, 90, 90, 85, 1,
                 false, [](const Data& d, const Period& p, const Params& k) {
                   Figure f;
                   for (const auto& v : d.visits) {
                     if (!p.contains(v.date) || !v.previous) continue;
                     ++f.den;
                     if (v.date - *v.previous <= k.cp_visit_days) ++f.num;
                   }
                   return f;
                 }});
  // schools.tally
  auto schools = [](const char* phase, bool weighted) {
    return [phase, weighted](const Data& d, const Period& p, const Params& k) {
      Figure f;
      for (const auto& i : d.inspections) {
        if (!active(i.published, i.next, p.end) || (phase && i.phase != phase)) continue;
        const long n = weighted ? i.pupils : 1;
        f.den += n;
        if (has(k.good_or_better, i.rating)) f.num += n;
      }
      return f;
    };
  };
  out.push_back({"primary_schools_good", "EA1i", "schools", true, P::higher, 90, 90, 85, 1, false,
                 schools("Primary", false)});
  out.push_back({"secondary_schools_good", "EA1ii", "schools", true, P::higher, 85, 85, 80, 1,
                 false, schools("Secondary", false)});
  out.push_back({"special_schools_good", "EA1iii", "schools", true, P::higher, 100, 100, 95, 1,
                 true, schools("Special", false)});
  out.push_back({"pupils_in_good_schools", "EA2", "schools", true, P::higher, 90, 90, 85, 1, false,
                 schools(nullptr, true)});
  // extra/cp_visits_working_days.tally
  out.push_back({"cp_visits_within_15_working_days", "VP8b", "extra", true, P::higher, 95, 95, 90,
                 1, false, [](const Data& d, const Period& p, const Params& k) {
                   Figure f;
                   for (const auto& v : d.visits) {
                     if (!p.contains(v.date) || !v.previous) continue;
                     ++f.den;
                     if (working_days(*v.previous, v.date) <= k.cp_visit_working_days) ++f.num;
                   }
                   return f;
                 }});
  return out;
}

// ---- Exact values, colours and trends ----------------------------------------------------------

// An exact value as a fraction top / bottom (bottom > 0).
struct Value {
  long top, bottom;
};

std::optional<Value> value_of(const Indicator& ind, const Figure& f) {
  if (f.den < 0) return Value{f.num, 1};
  if (f.den == 0) return std::nullopt;
  return ind.percent ? Value{100 * f.num, f.den} : Value{f.num, f.den};
}

long tenths(Value v) {  // v rounded to one decimal place, half away from zero, in tenths
  const long t = (20 * std::labs(v.top) + std::labs(v.bottom)) / (2 * std::labs(v.bottom));
  return (v.top < 0) != (v.bottom < 0) ? -t : t;
}

// Rounded to one decimal place, half away from zero.
std::string one_place(Value v) {
  const long t = tenths(v);
  return fmt::format("{}{}.{}", t < 0 ? "-" : "", std::labs(t) / 10, std::labs(t) % 10);
}

int compare(Value v, long n) {  // sign of v - n
  const long lhs = v.top, rhs = n * v.bottom;
  return lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
}

std::string colour(const Indicator& ind, const std::optional<Value>& v) {
  if (!v) return "none";
  if (ind.polarity == Polarity::higher)
    return compare(*v, ind.green) >= 0 ? "green" : compare(*v, ind.amber) >= 0 ? "amber" : "red";
  return compare(*v, ind.green) <= 0 ? "green" : compare(*v, ind.amber) <= 0 ? "amber" : "red";
}

// Distance from the nearest RAG edge, in tenths of a point (rounded down).
long margin_tenths(const Indicator& ind, Value v) {
  auto dist = [&](long edge) { return std::labs(10 * v.top - 10 * edge * v.bottom) / v.bottom; };
  return std::min(dist(ind.green), dist(ind.amber));
}

std::optional<Value> change_of(const std::optional<Value>& before,
                               const std::optional<Value>& now) {
  if (!before || !now) return std::nullopt;
  return Value{now->top * before->bottom - before->top * now->bottom, now->bottom * before->bottom};
}

std::string trend(const Indicator& ind, const std::optional<Value>& change) {
  if (!change) return "none";
  if (std::labs(change->top) <= ind.stable_within * change->bottom) return "stable";
  return (change->top > 0) == (ind.polarity == Polarity::higher) ? "improving" : "deteriorating";
}

// Whether the trend would read differently if worked out from the values as displayed.
bool trend_depends_on_rounding(const Indicator& ind, const std::optional<Value>& before,
                               const std::optional<Value>& now) {
  if (!before || !now) return false;
  const long shown = tenths(*now) - tenths(*before);
  const std::string from_shown = std::labs(shown) <= 10 * ind.stable_within ? "stable"
                                 : (shown > 0) == (ind.polarity == Polarity::higher)
                                     ? "improving"
                                     : "deteriorating";
  return from_shown != trend(ind, change_of(before, now));
}

struct Result {
  Figure figure;
  std::optional<Value> value;
  std::string rag, trend;
  bool trend_depends_on_rounding;
};

Result evaluate(const Indicator& ind, const Data& d, Quarter q, const Params& k) {
  const Figure now = ind.count(d, {q.start(), q.end()}, k);
  const Figure before = ind.count(d, {q.previous().start(), q.previous().end()}, k);
  const auto v = value_of(ind, now);
  const auto was = value_of(ind, before);
  return {now, v, colour(ind, v), trend(ind, change_of(was, v)),
          trend_depends_on_rounding(ind, was, v)};
}

std::string cells(const Result& r) {
  const std::string value = r.value ? one_place(*r.value) : "-";
  if (r.figure.den < 0) return fmt::format("| | | {} | {} | {} |", r.figure.num, r.rag, r.trend);
  return fmt::format("| {} | {} | {} | {} | {} |", r.figure.num, r.figure.den, value, r.rag,
                     r.trend);
}

int report(const Data& d) {
  const std::vector<Indicator> all = indicators();
  const Params current;
  Params proposal = current;
  proposal.cp_visit_days = 15;
  std::vector<std::string> failures;
  auto expect = [&](bool ok, const std::string& what) {
    if (!ok) failures.push_back(what);
  };

  auto find = [&](std::string_view code) -> const Indicator& {
    for (const Indicator& ind : all)
      if (ind.code == code) return ind;
    die("no indicator " + std::string(code));
  };
  auto result = [&](std::string_view code, Quarter q, const Params& k = Params{}) {
    return evaluate(find(code), d, q, k);
  };
  const Indicator& visits_on_time = find("VP8");

  const Quarter periods[] = {Quarter{2016, 4}, kReportQuarter, kMinutesQuarter};
  for (const Quarter& q : periods) {
    fmt::print(stderr, "\n### {}\n\n", q.label());
    fmt::print(stderr, "| indicator | code | numerator | denominator | value | rag | trend |\n");
    fmt::print(stderr, "| --- | --- | ---: | ---: | ---: | --- | --- |\n");
    std::map<std::string, int> summary;
    for (const Indicator& ind : all) {
      const Result r = evaluate(ind, d, q, current);
      if (std::string_view(ind.file) != "extra") ++summary[r.rag];
      fmt::print(stderr, "| {} | {} {}\n", ind.name, ind.code, cells(r));
      expect(!r.trend_depends_on_rounding,
             fmt::format("{} {}: the trend differs when worked out from rounded values", ind.code,
                         q.label()));
      if (r.value && !ind.boundary_intended)
        expect(margin_tenths(ind, *r.value) >= 5,
               fmt::format("{} {} is within 0.5 of a RAG edge", ind.code, q.label()));
    }
    fmt::print(stderr, "| {} under proposal_15 | {} {}\n", visits_on_time.name, visits_on_time.code,
               cells(evaluate(visits_on_time, d, q, proposal)));
    fmt::print(stderr, "\nThe thirteen: {} red, {} amber, {} green, {} none.\n", summary["red"],
               summary["amber"], summary["green"], summary["none"]);
  }

  // 2019-20, the year after the committee's documents: the figures, with no promise about them.
  for (const Quarter& q : {Quarter{2019, 1}, Quarter{2019, 4}}) {
    fmt::print(stderr, "\n### {}\n\n", q.label());
    fmt::print(stderr, "| indicator | code | numerator | denominator | value | rag | trend |\n");
    fmt::print(stderr, "| --- | --- | ---: | ---: | ---: | --- | --- |\n");
    for (const Indicator& ind : all)
      fmt::print(stderr, "| {} | {} {}\n", ind.name, ind.code, cells(evaluate(ind, d, q, current)));
    fmt::print(stderr, "| {} at 15 days | {} {}\n", visits_on_time.name, visits_on_time.code,
               cells(evaluate(visits_on_time, d, q, proposal)));
  }

  // What the pack promises (README.md, EXPECTED.md): the committee's documents, reproduced.
  const std::map<std::string, std::string> report_colours = {
      {"VP1", "red"},      {"VP7", "red"},     {"VP8", "red"},   {"VP2", "amber"},
      {"EA1i", "amber"},   {"EA1ii", "amber"}, {"EA2", "amber"}, {"VP4", "green"},
      {"VP5", "green"},    {"VP6", "green"},   {"VP3", "green"}, {"VP9", "green"},
      {"EA1iii", "green"}, {"VP8b", "green"}};
  for (const auto& [code, rag] : report_colours)
    expect(result(code, kReportQuarter).rag == rag, code + " is not " + rag + " in 2017-18 Q1");
  const Result leavers = result("VP7", kReportQuarter);
  expect(leavers.figure.den - leavers.figure.num == 9,
         "2017-18 Q1: not 9 leavers without permanence");
  expect(result("VP3", kReportQuarter).figure.num == 1, "2017-18 Q1: not 1 entrant placed far");
  const Result wd = result("VP8b", kReportQuarter);
  expect(wd.value && one_place(*wd.value) == "97.4",
         "2017-18 Q1: visits within 15 working days not 97.4%");
  expect(result("VP8", kReportQuarter, proposal).rag == "green",
         "2017-18 Q1: VP8 not green at 15 days");
  expect(result("VP2", kReportQuarter).trend == "improving", "2017-18 Q1: VP2 not improving");
  expect(result("EA1i", kReportQuarter).trend == "stable", "2017-18 Q1: EA1i not stable");
  const Result pupils = result("EA2", kReportQuarter),
               pupils_before = result("EA2", Quarter{2016, 4});
  expect(one_place(*pupils.value) == one_place(*pupils_before.value), "2017-18 Q1: EA2 changed");

  const Result repeats = result("VP4", kMinutesQuarter);
  expect(repeats.figure.num == 94 && repeats.figure.den == 399,
         "2018-19 Q2: not 94 of 399 repeat referrals");
  const Result leavers2 = result("VP7", kMinutesQuarter);
  expect(leavers2.figure.num == 4 && leavers2.figure.den == 10, "2018-19 Q2: not 4 of 10 leavers");
  const std::set<std::string> minutes_reds = {"EA1i", "EA2", "VP4", "VP7", "VP8"};
  for (const Indicator& ind : all)
    if (std::string_view(ind.file) != "extra")
      expect((result(ind.code, kMinutesQuarter).rag == "red") == minutes_reds.contains(ind.code),
             fmt::format("2018-19 Q2: {} red or not red against the minutes", ind.code));

  for (const std::string& f : failures) fmt::print(stderr, "NOT AS PROMISED: {}\n", f);
  return failures.empty() ? 0 : 1;
}

void print_sizes(const Data& d, const std::filesystem::path& dir) {
  std::uintmax_t bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) bytes += entry.file_size();
  long in_care = 0;
  const Day at = kReportQuarter.end();
  for (const auto& e : d.episodes) in_care += active(e.decom, e.dec, at) && e.ls != "V4" ? 1 : 0;
  fmt::print(
      stderr,
      "Wrote {} ({} KB): {} referrals, {} CP plans, {} CP visits, {} episodes, {} inspections.\n",
      dir.string(), bytes / 1024, d.referrals.size(), d.plans.size(), d.visits.size(),
      d.episodes.size(), d.inspections.size());
  fmt::print(stderr, "At {}: {} children looked after (short breaks aside).\n", iso(at), in_care);
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path out = std::filesystem::path(__FILE__).parent_path().parent_path() / "data";
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else {
      fmt::print(stderr, "usage: tally_example_data [--out DIR]\n");
      return 2;
    }
  }

  World world;
  {
    Rng referrals(0x7A11E5001ull), plans(0x7A11E5002ull), visits(0x7A11E5003ull),
        tune(0x7A11E5004ull), care(0x7A11E5005ull), schools(0x7A11E5006ull);
    build_referrals(world, referrals, Quarter{2014, 1}, Quarter{2018, 4});
    build_plans(world, plans, Quarter{2011, 1}, Quarter{2018, 4});
    build_visits(world, visits);
    tune_report_visits(world, tune);
    build_care(world, care);
    build_schools(world, schools);
  }
  {
    Rng referrals(0x7A11E5011ull), plans(0x7A11E5012ull), visits(0x7A11E5013ull),
        care(0x7A11E5015ull), schools(0x7A11E5016ull), teams(0x7A11E5017ull), staff(0x7A11E5029ull);
    build_referrals(world, referrals, Quarter{2019, 1}, Quarter{2019, 4});
    build_plans(world, plans, Quarter{2019, 1}, Quarter{2019, 4});
    extend_visits(world, visits);
    extend_care(world, care);
    extend_schools(world, schools);
    build_teams(world);
    assign_teams(world, teams);
    build_staff(world, staff);
  }
  write_world(world, out);
  fmt::print(stderr, "{} teams, {} staff (agency workers included), {} years of population.\n",
             world.teams.size(), world.staff.size(), 7);

  const Data data = load(out);
  print_sizes(data, out);
  return report(data);
}
