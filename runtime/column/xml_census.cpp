// The census reader: the census's elements as a small tree of rows, groups and fields (the one
// place that knows the return's layout), and an expat handler that walks it, one open row per
// level, handing each row to its table's RowBuilder when the row's element closes.
#include "runtime/column/xml_census.hpp"

#include <expat.h>
#include <fmt/format.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <system_error>
#include <thread>
#include <type_traits>

#include "lang/base/text.hpp"
#include "runtime/column/csv_reader.hpp"
#include "runtime/column/load_part.hpp"
#include "runtime/column/newlines.hpp"
#include "runtime/column/parallel_load.hpp"
#include "runtime/column/row_builder.hpp"

namespace tally::runtime {

namespace {

constexpr std::size_t kMaxDepth = 64;
constexpr std::size_t kMaxValueBytes = 1 << 20;
constexpr std::size_t kBlock = 1 << 20;

enum Level : std::uint8_t {
  kChild,
  kReferral,
  kAssessment,
  kCinPlan,
  kSection47,
  kCpPlan,
  kReview,
  kPreProceedings,
  kLevels
};

struct LevelInfo {
  const char* table;
  const char* element;
  bool referral_id;  // rows carry the referral's generated identifier
  bool plan_id;      // rows carry the plan's generated identifier
};

constexpr std::array<LevelInfo, kLevels> kLevelInfo = {{
    {"cin_children", "Child", false, false},
    {"referrals", "CINdetails", true, false},
    {"assessments", "Assessments", true, false},
    {"cin_plans", "CINPlanDates", true, false},
    {"section47", "Section47", true, false},
    {"cp_plans", "ChildProtectionPlans", true, true},
    {"cp_reviews", "CPPreviewDate", true, true},
    {"pre_proceedings", "PreProceedingsandFGDM", true, false},
}};

enum class Kind : std::uint8_t { row, group, field, list };

// One element of the census below <Children>. A field is a value of its level's row; a list's
// repeated values are joined with ";"; a row whose `column` is set is itself a value (a review
// date).
struct Node {
  std::string name;
  int parent = -1;
  Kind kind = Kind::group;
  Level level = kChild;
  std::string column;                   // fields: the column's name in std/cin.tally
  int slot = -1;                        // fields: the value's place in its row
  std::string relative;                 // fields: the path from the row's element, for messages
  std::vector<int> children;            // by index into the tree
  std::vector<std::string_view> codes;  // fields with a code list: the census's codes
};

// The census's code lists (the DfE's CIN census guide).
constexpr std::string_view kReferralSources[] = {"1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B",
                                                 "3C", "3D", "3E", "3F", "4",  "5A", "5B", "5C",
                                                 "5D", "6",  "7",  "8",  "9",  "10"};
constexpr std::string_view kNeeds[] = {"N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"};
constexpr std::string_view kAbuse[] = {"NEG", "PHY", "EMO", "SAB", "MUL"};

// What a table of a level holds: a value of the row, or an identifier carried or given.
enum class Source : std::uint8_t { value, child_id, referral_id, plan_id };

struct LevelColumn {
  std::string name;
  std::string element;  // the census's element, also accepted as the column's name
  Source source = Source::value;
  int node = -1;  // Source::value: the field's node
};

struct Census {
  std::vector<Node> nodes;  // nodes[0] is <Child>
  std::array<std::vector<LevelColumn>, kLevels> columns;
  std::array<int, kLevels> values{};  // value slots of each level's rows
  int lachildid = -1;                 // the node of LAchildID

  int add(int parent, const char* name, Kind kind, Level level, const char* column = "") {
    Node n;
    n.name = name;
    n.parent = parent;
    n.kind = kind;
    n.level = level;
    n.column = column;
    nodes.push_back(std::move(n));
    const int id = static_cast<int>(nodes.size()) - 1;
    if (parent >= 0) nodes[static_cast<std::size_t>(parent)].children.push_back(id);
    Node& me = nodes.back();
    if (!me.column.empty()) {
      me.slot = values[level]++;
      // The path from the row's element: the names up to (not including) the row.
      std::string rel;
      for (int at = id; at >= 0; at = nodes[static_cast<std::size_t>(at)].parent) {
        const Node& a = nodes[static_cast<std::size_t>(at)];
        if (a.kind == Kind::row) {
          if (at == id) rel = "";
          break;
        }
        rel = rel.empty() ? a.name : a.name + "/" + rel;
      }
      nodes.back().relative = rel;
      columns[level].push_back({column, name, Source::value, id});
    }
    return id;
  }
  void field(int parent, const char* name, Level level, const char* column) {
    add(parent, name, Kind::field, level, column);
  }
  template <std::size_t N>
  void coded(int parent, const char* name, Level level, const char* column,
             const std::string_view (&codes)[N]) {
    add(parent, name, Kind::field, level, column);
    nodes.back().codes.assign(codes, codes + N);
  }

  Census() {
    // Identifiers carried down come first in every table below the child, as in std/cin.tally.
    for (int l = kReferral; l < kLevels; ++l) {
      auto& c = columns[static_cast<std::size_t>(l)];
      if (l == kReferral) c.push_back({"referral_id", "", Source::referral_id, -1});
      c.push_back({"child_id", "LAchildID", Source::child_id, -1});
      if (l != kReferral) c.push_back({"referral_id", "", Source::referral_id, -1});
      if (kLevelInfo[static_cast<std::size_t>(l)].plan_id)
        c.push_back({"plan_id", "", Source::plan_id, -1});
    }
    const int child = add(-1, "Child", Kind::row, kChild);
    const int ids = add(child, "ChildIdentifiers", Kind::group, kChild);
    field(ids, "LAchildID", kChild, "child_id");
    lachildid = static_cast<int>(nodes.size()) - 1;
    field(ids, "UPN", kChild, "upn");
    field(ids, "FormerUPN", kChild, "former_upn");
    field(ids, "UPNunknown", kChild, "upn_unknown");
    field(ids, "PersonBirthDate", kChild, "birth_date");
    field(ids, "ExpectedPersonBirthDate", kChild, "expected_birth_date");
    field(ids, "Sex", kChild, "sex");
    field(ids, "GenderCurrent", kChild, "gender_current");
    field(ids, "PersonDeathDate", kChild, "death_date");
    const int chars = add(child, "ChildCharacteristics", Kind::group, kChild);
    field(chars, "Ethnicity", kChild, "ethnicity");
    const int dis = add(chars, "Disabilities", Kind::group, kChild);
    add(dis, "Disability", Kind::list, kChild, "disabilities");

    const int ref = add(child, "CINdetails", Kind::row, kReferral);
    field(ref, "CINreferralDate", kReferral, "referral_date");
    coded(ref, "ReferralSource", kReferral, "referral_source", kReferralSources);
    coded(ref, "PrimaryNeedCode", kReferral, "primary_need", kNeeds);
    field(ref, "CINclosureDate", kReferral, "closure_date");
    field(ref, "ReasonForClosure", kReferral, "closure_reason");
    field(ref, "DateOfInitialCPC", kReferral, "icpc_date");
    field(ref, "ReferralNFA", kReferral, "referral_nfa");

    const int as = add(ref, "Assessments", Kind::row, kAssessment);
    field(as, "AssessmentActualStartDate", kAssessment, "assessment_start");
    field(as, "AssessmentInternalReviewDate", kAssessment, "assessment_review");
    field(as, "AssessmentAuthorisationDate", kAssessment, "assessment_authorised");
    const int factors = add(as, "FactorsIdentifiedAtAssessment", Kind::group, kAssessment);
    add(factors, "AssessmentFactors", Kind::list, kAssessment, "assessment_factors");

    const int cin = add(ref, "CINPlanDates", Kind::row, kCinPlan);
    field(cin, "CINPlanStartDate", kCinPlan, "cin_plan_start");
    field(cin, "CINPlanEndDate", kCinPlan, "cin_plan_end");

    const int s47 = add(ref, "Section47", Kind::row, kSection47);
    field(s47, "S47ActualStartDate", kSection47, "s47_start");
    field(s47, "InitialCPCtarget", kSection47, "icpc_target");
    field(s47, "DateOfInitialCPC", kSection47, "icpc_date");
    field(s47, "ICPCnotRequired", kSection47, "icpc_not_required");

    const int cp = add(ref, "ChildProtectionPlans", Kind::row, kCpPlan);
    field(cp, "CPPstartDate", kCpPlan, "plan_start");
    field(cp, "CPPendDate", kCpPlan, "plan_end");
    coded(cp, "InitialCategoryOfAbuse", kCpPlan, "initial_category", kAbuse);
    coded(cp, "LatestCategoryOfAbuse", kCpPlan, "latest_category", kAbuse);
    field(cp, "NumberOfPreviousCPP", kCpPlan, "previous_plans");
    const int reviews = add(cp, "Reviews", Kind::group, kCpPlan);
    add(reviews, "CPPreviewDate", Kind::row, kReview, "review_date");

    const int pp = add(ref, "PreProceedingsandFGDM", Kind::row, kPreProceedings);
    field(pp, "PPStartDate", kPreProceedings, "pp_start");
    field(pp, "LBPSentDate", kPreProceedings, "lbp_sent");
    field(pp, "FGDMMeetingOffer", kPreProceedings, "fgdm_offered");
    field(pp, "FGDMMeetingFac", kPreProceedings, "fgdm_facilitated");
    field(pp, "InitialPPMeetingDate", kPreProceedings, "initial_pp_meeting");
    field(pp, "ReviewMeetingsCount", kPreProceedings, "review_meetings");
    field(pp, "StepDecisionDate", kPreProceedings, "step_decision");
    field(pp, "PPOutcome", kPreProceedings, "pp_outcome");
    field(pp, "CourtAppDate", kPreProceedings, "court_application");
    field(pp, "LetterInitCPDate", kPreProceedings, "letter_initial_cp");

    for (std::size_t id = 1; id < nodes.size(); ++id) {
      std::size_t at = slot_of(nodes[id].parent, nodes[id].name);
      while (by_name[at] >= 0) at = (at + 1) % kSlots;
      by_name[at] = static_cast<int>(id);
    }
  }

  // The child of node `parent` named `name` (ended by a zero, as expat gives it), or -1: looked
  // up in a table of (parent, name) made once, keyed by a few of the name's bytes and its length.
  int child_named(int parent, const char* name) const {
    const std::string_view wanted(name);
    if (wanted.empty()) return -1;
    for (std::size_t at = slot_of(parent, wanted); by_name[at] >= 0; at = (at + 1) % kSlots) {
      const Node& n = nodes[static_cast<std::size_t>(by_name[at])];
      if (n.parent == parent && n.name == wanted) return by_name[at];
    }
    return -1;
  }

 private:
  static constexpr std::size_t kSlots = 256;  // more than twice the nodes
  std::array<int, kSlots> by_name = [] {
    std::array<int, kSlots> t{};
    t.fill(-1);
    return t;
  }();

  static std::size_t slot_of(int parent, std::string_view name) {
    const auto byte = [&](std::size_t k) {
      return static_cast<std::uint32_t>(static_cast<unsigned char>(name[k]));
    };
    std::uint32_t h = static_cast<std::uint32_t>(parent) * 97u +
                      static_cast<std::uint32_t>(name.size()) * 131u + byte(0) * 31u +
                      byte(name.size() / 2) * 7u + byte(name.size() - 1);
    h *= 0x9E3779B1u;
    return (h >> 16) % kSlots;
  }
};

const Census& census() {
  static const Census c;
  return c;
}

std::optional<Level> level_of(std::string_view table) {
  for (std::size_t l = 0; l < kLevels; ++l)
    if (table == kLevelInfo[l].table) return static_cast<Level>(l);
  return std::nullopt;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trimmed(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::string shown(std::string_view text) {
  if (text.size() <= 40) return visible(text);
  std::size_t cut = 40;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return visible(text.substr(0, cut)) + "...";
}

std::string element_list(const Census& c, int node) {
  std::string out;
  for (int ch : c.nodes[static_cast<std::size_t>(node)].children) {
    if (!out.empty()) out += ", ";
    out += c.nodes[static_cast<std::size_t>(ch)].name;
  }
  return out;
}

struct Value {
  std::string text;
  std::int64_t line = 0;
  std::int64_t column = 0;
  bool present = false;
};

// The one open row of a level.
struct Row {
  std::vector<Value> values;
  std::vector<RowFault> faults;
  std::int64_t line = 0;
  std::int64_t column = 0;
  std::uint32_t ordinal = 0;
  std::string id;  // the referral's or plan's generated identifier
  bool open = false;
};

enum class FrameKind : std::uint8_t { message, children, node };

struct Frame {
  FrameKind kind = FrameKind::node;
  int node = -1;
  std::uint32_t ordinal = 0;                  // shown as [n] in paths when not 0
  std::array<std::uint32_t, kLevels> rows{};  // rows of each level met inside it so far
  bool text_fault = false;                    // stray text reported already
};

// A requested table: its builder and where each asked column comes from.
struct Target {
  std::unique_ptr<RowBuilder> builder;
  std::vector<const LevelColumn*> columns;
  std::vector<RowCell> cells;
};

// A file mapped into memory for reading, unmapped when it goes; `error` says why it could not
// be opened. An empty file is no data and no error.
struct Mapped {
  const char* data = nullptr;
  std::size_t size = 0;
  std::string error;
  explicit Mapped(const std::string& path) {
    std::FILE* f = open_regular_file(path, error);
    if (!f) return;
    struct stat st {};
    if (fstat(fileno(f), &st) != 0) {
      error = fmt::format("{}: cannot be read", path);
    } else if (st.st_size > 0) {
      void* map =
          mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fileno(f), 0);
      if (map == MAP_FAILED) {
        error = fmt::format("{}: cannot be read", path);
      } else {
        data = static_cast<const char*>(map);
        size = static_cast<std::size_t>(st.st_size);
        madvise(map, size, MADV_SEQUENTIAL);
      }
    }
    std::fclose(f);
  }
  ~Mapped() {
    if (data) munmap(const_cast<char*>(data), size);
  }
  Mapped(const Mapped&) = delete;
  Mapped& operator=(const Mapped&) = delete;
};

class CensusReader;

class Places final : public RowPlaces {
 public:
  Places(const CensusReader& reader, const Target& target) : reader_(reader), target_(target) {}
  std::string place(std::size_t k) const override;

 private:
  const CensusReader& reader_;
  const Target& target_;
};

class CensusReader {
 public:
  CensusReader(std::string file, std::array<Target*, kLevels> targets, Target* first)
      : c_(census()), file_(std::move(file)), targets_(targets), first_(first) {
    for (std::size_t l = 0; l < kLevels; ++l)
      rows_[l].values.resize(static_cast<std::size_t>(c_.values[l]));
  }

  // Which part of a file a parse reads: all of it; the first part, which must end between two
  // <Child> elements; or the rest, from the start of the line of such a <Child>.
  enum class Part : std::uint8_t { whole, first, rest };

  // Reads the whole file with expat.
  void read() {
    const Mapped file(file_);
    if (!file.error.empty()) {
      file_fault(0, 0, fmt::format("{}; the census tables are read from it", file.error));
      return;
    }
    parse(file.data, file.data + file.size, Part::whole, 0, 0);
  }

  // Gives expat [begin, end) in large blocks. A whole file's faults are reported here. A part
  // is read as its share of one pass: the rest is given to expat after a synthetic
  // "<Message><Children>" line, so that it is well-formed, with `lines_before` lines and
  // `children_before` children of the file before it; the first is closed by a synthetic end once
  // read. False when the part cannot stand for its share of one pass (the caller then reads the
  // file in one pass): the first part did not end between two children, or the rest met a fault
  // of the whole file.
  bool parse(const char* begin, const char* end, Part part, std::int64_t lines_before,
             std::uint32_t children_before) {
    XML_Parser p = XML_ParserCreate(nullptr);
    if (!p) throw std::bad_alloc();
    const std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> owned(
        p, &XML_ParserFree);
    parser_ = p;
    XML_SetUserData(p, this);
    XML_SetElementHandler(p, &CensusReader::on_start, &CensusReader::on_end);
    XML_SetCharacterDataHandler(p, &CensusReader::on_text);
    XML_SetStartDoctypeDeclHandler(p, &CensusReader::on_doctype);
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
#if XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 6)
    // Each block is parsed as far as it goes: the first part's end is checked once it is read.
    XML_SetReparseDeferralEnabled(p, XML_FALSE);
#endif
    const auto feed = [&](const char* data, std::size_t size, bool last) {
      return XML_Parse(p, data, static_cast<int>(size), last ? XML_TRUE : XML_FALSE) !=
             XML_STATUS_ERROR;
    };
    if (part == Part::rest) {
      constexpr std::string_view kOpen = "<Message><Children>\n";
      if (!feed(kOpen.data(), kOpen.size(), false) || stack_.size() != 2) return false;
      stack_[1].rows[kChild] = children_before;
      line_offset_ = lines_before - 1;
    }
    // Pages already read are given back as the parse goes, so that a national file does not stay
    // in memory: expat keeps nothing of a block once it has returned.
    constexpr std::size_t kGiveBack = std::size_t{64} << 20;
    constexpr std::uintptr_t kPage = 4096;
    const char* given_back = reinterpret_cast<const char*>(
        (reinterpret_cast<std::uintptr_t>(begin) + kPage - 1) / kPage * kPage);
    bool ok = true;
    const bool close = part != Part::first;
    for (const char* at = begin;;) {
      const std::size_t size = std::min(kBlock, static_cast<std::size_t>(end - at));
      const bool last = close && at + size == end;
      ok = feed(at, size, last);
      at += size;
      if (!ok || stopped_ || last || at == end) break;
      if (static_cast<std::size_t>(at - given_back) > 2 * kGiveBack) {
        madvise(const_cast<char*>(given_back), kGiveBack, MADV_DONTNEED);
        given_back += kGiveBack;
      }
    }
    if (part == Part::rest) return ok && !stopped_ && !first_failed();
    if (part == Part::first) {
      if (stopped_) return true;  // one pass stops here too
      if (!ok || stack_.size() != 2 || stack_[1].kind != FrameKind::children || skip_ != 0)
        return false;
      children_read_ = stack_[1].rows[kChild];
      constexpr std::string_view kClose = "</Children></Message>";
      return feed(kClose.data(), kClose.size(), true) && !stopped_;
    }
    if (!ok && !stopped_)
      file_fault(line(), column(),
                 fmt::format("the XML is malformed: {}; the file must be well-formed XML, as the "
                             "census's software writes it",
                             XML_ErrorString(XML_GetErrorCode(p))));
    else if (ok && !stopped_ && !seen_root_)
      file_fault(0, 0, "the file holds no element; a census file is <Message>");
    return true;
  }

  // The path of the open elements, up to `depth` of them (all when 0).
  std::string path(std::size_t depth = 0) const {
    std::string out;
    const std::size_t n = depth == 0 || depth > stack_.size() ? stack_.size() : depth;
    for (std::size_t k = 0; k < n; ++k) {
      if (k > 0) out += '/';
      const Frame& fr = stack_[k];
      if (fr.kind == FrameKind::message)
        out += "Message";
      else if (fr.kind == FrameKind::children)
        out += "Children";
      else
        out += c_.nodes[static_cast<std::size_t>(fr.node)].name;
      if (fr.ordinal > 0) out += fmt::format("[{}]", fr.ordinal);
    }
    return out;
  }
  const Census& census_tree() const { return c_; }

 private:
  static void XMLCALL on_start(void* self, const XML_Char* name, const XML_Char**) {
    static_cast<CensusReader*>(self)->start(name);
  }
  static void XMLCALL on_end(void* self, const XML_Char*) {
    static_cast<CensusReader*>(self)->end_element();
  }
  static void XMLCALL on_text(void* self, const XML_Char* s, int len) {
    static_cast<CensusReader*>(self)->text(std::string_view(s, static_cast<std::size_t>(len)));
  }
  static void XMLCALL on_doctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*,
                                 int) {
    auto* r = static_cast<CensusReader*>(self);
    r->stop("the file declares a DOCTYPE; a census file has none, so it is not read");
  }

  std::int64_t line() const {
    if (at_) return at_->first;
    return static_cast<std::int64_t>(XML_GetCurrentLineNumber(parser_)) + line_offset_;
  }
  std::int64_t column() const {
    if (at_) return at_->second;
    return static_cast<std::int64_t>(XML_GetCurrentColumnNumber(parser_)) + 1;
  }

 public:
  bool stopped() const { return stopped_; }
  // The <Child> elements the first part read.
  std::uint32_t children_read() const { return children_read_; }

 private:
  bool first_failed() const { return first_ && first_->builder->failed(); }

  void file_fault(std::int64_t line, std::int64_t column, std::string message) {
    if (first_) first_->builder->fail(line, column, std::move(message));
  }
  void stop(std::string message) {
    if (stopped_) return;
    file_fault(line(), column(), std::move(message));
    stopped_ = true;
    XML_StopParser(parser_, XML_FALSE);
  }

  // A fault inside the innermost open row (or of the file when none is open).
  void row_fault(std::string message) {
    const std::string where = path();
    message = fmt::format("{}: {}", visible(where), message);
    for (int l = kLevels - 1; l >= 0; --l) {
      Row& r = rows_[static_cast<std::size_t>(l)];
      if (!r.open) continue;
      if (targets_[static_cast<std::size_t>(l)] && r.faults.size() < 20)
        r.faults.push_back({line(), column(), std::move(message)});
      return;
    }
    file_fault(line(), column(), std::move(message));
  }

  void start(const char* name) {
    if (stopped_) return;
    if (skip_ > 0) {
      ++skip_;
      return;
    }
    if (stack_.size() >= kMaxDepth) {
      stop(
          fmt::format("elements nest more than {} deep; a census file nests at most 8", kMaxDepth));
      return;
    }
    if (stack_.empty()) {
      seen_root_ = true;
      if (std::strcmp(name, "Message") != 0) {
        stop(fmt::format(
            "the root element is <{}>, not <Message>: this is not a children in need census file",
            shown(name)));
        return;
      }
      stack_.push_back(Frame{FrameKind::message, -1, 0, {}, false});
      return;
    }
    Frame& top = stack_.back();
    if (top.kind == FrameKind::message) {
      if (std::strcmp(name, "Header") == 0) {
        skip_ = 1;
      } else if (std::strcmp(name, "Children") == 0) {
        stack_.push_back(Frame{FrameKind::children, -1, 0, {}, false});
      } else {
        file_fault(line(), column(),
                   fmt::format("Message: unexpected element <{}>; a census message holds "
                               "<Header> and <Children>",
                               shown(name)));
        skip_ = 1;
      }
      return;
    }
    int node = -1;
    if (top.kind == FrameKind::children) {
      if (std::strcmp(name, "Child") == 0) node = 0;
      if (node < 0) {
        file_fault(line(), column(),
                   fmt::format("{}: unexpected element <{}>; <Children> holds only <Child>",
                               visible(path()), shown(name)));
        skip_ = 1;
        return;
      }
    } else {
      const Node& parent = c_.nodes[static_cast<std::size_t>(top.node)];
      if ((parent.kind == Kind::field || parent.kind == Kind::list || !parent.column.empty())) {
        row_fault(
            fmt::format("element <{}> inside <{}>, which holds a value", shown(name), parent.name));
        skip_ = 1;
        return;
      }
      node = c_.child_named(top.node, name);
      if (node < 0) {
        row_fault(fmt::format("unexpected element <{}> in <{}>; the census has there: {}",
                              shown(name), parent.name, element_list(c_, top.node)));
        skip_ = 1;
        return;
      }
    }
    const Node& n = c_.nodes[static_cast<std::size_t>(node)];
    Frame fr{FrameKind::node, node, 0, {}, false};
    if (n.kind == Kind::row) {
      fr.ordinal = ++stack_.back().rows[n.level];
      Row& r = rows_[n.level];
      for (Value& v : r.values) {
        v.text.clear();
        v.present = false;
      }
      r.faults.clear();
      r.line = line();
      r.column = column();
      r.ordinal = fr.ordinal;
      r.open = true;
      // Identifiers given as the flattening gives them: the child's LAchildID (read by now in
      // a census in order) and the place of the referral among the child's, of the plan among
      // the referral's.
      if (n.level == kReferral) {
        const Value& child_id = rows_[kChild].values[static_cast<std::size_t>(
            c_.nodes[static_cast<std::size_t>(c_.lachildid)].slot)];
        set_id(r, child_id.text);
      } else if (n.level == kCpPlan) {
        set_id(r, rows_[kReferral].id);
      }
      if (!n.column.empty()) begin_value(r.values[static_cast<std::size_t>(n.slot)], n, true);
    } else if (n.kind == Kind::field || n.kind == Kind::list) {
      Row& r = rows_[n.level];
      begin_value(r.values[static_cast<std::size_t>(n.slot)], n, n.kind == Kind::field);
    }
    stack_.push_back(fr);
  }

  // The row's identifier, "<parent>/<ordinal>", written over the last row's.
  static void set_id(Row& r, std::string_view parent) {
    char digits[16];
    const auto done = std::to_chars(digits, digits + sizeof digits, r.ordinal);
    r.id.assign(parent);
    r.id += '/';
    r.id.append(digits, done.ptr);
  }

  void begin_value(Value& v, const Node& n, bool single) {
    if (v.present && single) {
      row_fault(fmt::format("<{}> appears twice; it holds one value", n.name));
      v.text.clear();
    }
    if (!v.present) {
      v.line = line();
      v.column = column();
    } else if (!single) {
      v.text += ';';
    }
    v.present = true;
    value_ = &v;
  }

  void end_element() {
    if (stopped_) return;
    if (skip_ > 0) {
      --skip_;
      return;
    }
    if (stack_.empty()) return;
    const Frame fr = stack_.back();
    if (fr.kind == FrameKind::node) {
      const Node& n = c_.nodes[static_cast<std::size_t>(fr.node)];
      if (value_ && (n.kind != Kind::group) && (n.kind != Kind::row || !n.column.empty())) {
        std::string& text = value_->text;
        const std::string_view t = trimmed(text);
        if (t.size() != text.size()) {
          const auto from = static_cast<std::size_t>(t.data() - text.data());
          text.resize(from + t.size());  // trimmed in place: the buffer is kept for the next row
          text.erase(0, from);
        }
        value_ = nullptr;
      }
      if (n.kind == Kind::row) emit(n.level);
    }
    stack_.pop_back();
  }

  void text(std::string_view s) {
    if (stopped_ || skip_ > 0 || stack_.empty()) return;
    Frame& top = stack_.back();
    if (value_ && top.kind == FrameKind::node) {
      const Node& n = c_.nodes[static_cast<std::size_t>(top.node)];
      if (n.kind == Kind::field || n.kind == Kind::list || !n.column.empty()) {
        if (value_->text.size() + s.size() > kMaxValueBytes) {
          if (!top.text_fault) row_fault(fmt::format("<{}> holds more than 1 MiB of text", n.name));
          top.text_fault = true;
          return;
        }
        value_->text.append(s);
        return;
      }
    }
    if (trimmed(s).empty() || top.text_fault) return;
    top.text_fault = true;
    const std::string where = top.kind == FrameKind::message ? "Message"
                              : top.kind == FrameKind::children
                                  ? "Children"
                                  : c_.nodes[static_cast<std::size_t>(top.node)].name;
    // Placed at the text's first visible character, not where the run of text began.
    std::size_t first = 0;
    while (first < s.size() && is_space(s[first])) ++first;
    std::int64_t at_line = line(), at_column = column();
    for (std::size_t k = 0; k < first; ++k) {
      if (s[k] == '\n') {
        ++at_line;
        at_column = 1;
      } else {
        ++at_column;
      }
    }
    at_ = {at_line, at_column};
    row_fault(fmt::format("text '{}' directly inside <{}>, where only elements belong",
                          shown(trimmed(s)), where));
    at_.reset();
  }

  void emit(Level level) {
    Row& row = rows_[level];
    row.open = false;
    const Row& child = rows_[kChild];
    const Value& child_id = child.values[static_cast<std::size_t>(
        c_.nodes[static_cast<std::size_t>(c_.lachildid)].slot)];
    Target* target = targets_[level];
    if (!target) return;
    const std::size_t width = target->columns.size();
    for (std::size_t k = 0; k < width; ++k) {
      const LevelColumn& col = *target->columns[k];
      RowCell& cell = target->cells[k];
      cell = RowCell{};
      switch (col.source) {
        case Source::value: {
          const Node& n = c_.nodes[static_cast<std::size_t>(col.node)];
          const Value& v = row.values[static_cast<std::size_t>(n.slot)];
          cell.text = v.text;
          cell.line = v.present ? v.line : row.line;
          cell.column = v.present ? v.column : row.column;
          if (!n.codes.empty() && !v.text.empty() &&
              std::find(n.codes.begin(), n.codes.end(), std::string_view(v.text)) ==
                  n.codes.end()) {
            std::string list;
            for (std::string_view code : n.codes)
              list += (list.empty() ? "" : " ") + std::string(code);
            row.faults.push_back(
                {cell.line, cell.column,
                 fmt::format("{}/{}: '{}' is not a code the census gives <{}>: {}", visible(path()),
                             n.relative, shown(v.text), n.name, list)});
          }
          break;
        }
        case Source::child_id:
          cell.text = child_id.text;
          cell.line = child_id.present ? child_id.line : child.line;
          cell.column = child_id.present ? child_id.column : child.column;
          break;
        case Source::referral_id:
        case Source::plan_id:
          cell.text = col.source == Source::referral_id ? rows_[kReferral].id : rows_[kCpPlan].id;
          cell.line = row.line;
          cell.column = row.column;
          break;
      }
    }
    const Places places(*this, *target);
    target->builder->add(row.line, target->cells.data(), row.faults, &places);
  }

  const Census& c_;
  std::string file_;
  std::array<Target*, kLevels> targets_;
  Target* first_;
  XML_Parser parser_ = nullptr;
  std::vector<Frame> stack_;
  std::array<Row, kLevels> rows_;
  Value* value_ = nullptr;
  std::size_t skip_ = 0;
  bool stopped_ = false;
  bool seen_root_ = false;
  std::optional<std::pair<std::int64_t, std::int64_t>> at_;  // a place other than the parser's
  std::int64_t line_offset_ = 0;     // the rest of a file: its lines before the part, less one
  std::uint32_t children_read_ = 0;  // the first part of a file: its <Child> elements
};

std::string Places::place(std::size_t k) const {
  const LevelColumn& col = *target_.columns[k];
  const Census& c = reader_.census_tree();
  switch (col.source) {
    case Source::value: {
      const Node& n = c.nodes[static_cast<std::size_t>(col.node)];
      const std::string row = reader_.path();
      return n.relative.empty() ? row : row + "/" + n.relative;
    }
    case Source::child_id:
      return reader_.path(3) + "/ChildIdentifiers/LAchildID";
    case Source::referral_id:
    case Source::plan_id:
      return reader_.path();
  }
  return {};
}

}  // namespace

bool is_census_table(std::string_view table) { return level_of(table).has_value(); }

std::string census_table_names() {
  std::string out;
  for (const LevelInfo& l : kLevelInfo) out += (out.empty() ? "" : ", ") + std::string(l.table);
  return out;
}

std::vector<std::string> census_columns(std::string_view table) {
  std::vector<std::string> out;
  const auto level = level_of(table);
  if (!level) return out;
  for (const LevelColumn& col : census().columns[*level])
    out.push_back(col.element.empty() ? col.name : fmt::format("{} ({})", col.name, col.element));
  return out;
}

namespace {

// The targets of `requests`, building into `pool`; the first that can take rows, or null.
Target* make_targets(const std::vector<CensusRequest>& requests, const std::string& name,
                     StringPool& pool, const LoadOptions& options, std::vector<Target>& targets,
                     std::array<Target*, kLevels>& by_level) {
  const Census& c = census();
  targets.clear();
  targets.resize(requests.size());
  by_level = {};
  for (std::size_t r = 0; r < requests.size(); ++r) {
    const CensusRequest& req = requests[r];
    Target& t = targets[r];
    t.builder = std::make_unique<RowBuilder>(*req.schema, req.columns, name, pool, options);
    const auto level = level_of(req.schema->name);
    if (!level) {
      t.builder->fail(
          0, 0,
          fmt::format("table {} is not one the children in need census gives", req.schema->name));
      continue;
    }
    for (const std::string& asked : req.columns) {
      const LevelColumn* found = nullptr;
      for (const LevelColumn& col : c.columns[*level])
        if (col.name == asked || col.element == asked) found = &col;
      if (!found) {
        std::string list;
        for (const std::string& s : census_columns(req.schema->name))
          list += (list.empty() ? "" : ", ") + s;
        t.builder->fail(0, 0,
                        fmt::format("column '{}' of table {} is not in the census's <{}>; it "
                                    "gives: {}",
                                    asked, req.schema->name, kLevelInfo[*level].element, list));
      }
      t.columns.push_back(found);
    }
    t.cells.resize(req.columns.size());
    if (!t.builder->failed()) by_level[*level] = &t;
  }
  for (Target& t : targets)
    if (!t.builder->failed()) return &t;
  return nullptr;
}

// Whether the file is UTF-8 by its start (no byte order mark but UTF-8's, and an XML declaration,
// if any, naming no encoding or UTF-8), so that its second half may be given to expat alone.
bool utf8_declared(const char* data, std::size_t size) {
  std::string_view head(data, std::min<std::size_t>(size, 512));
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  if (!head.empty() && head[0] != '<') return false;
  if (!head.starts_with("<?xml")) return true;
  const std::size_t end = head.find("?>");
  if (end == std::string_view::npos) return false;
  std::string declaration(head.substr(0, end));
  if (declaration.find("encoding") == std::string::npos) return true;
  for (char& ch : declaration) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return declaration.find("\"utf-8\"") != std::string::npos ||
         declaration.find("'utf-8'") != std::string::npos;
}

// Where a file may be cut in two: the start of the first line at or after its middle that holds,
// after spaces and tabs, a <Child> start tag.
std::optional<std::size_t> census_cut(const char* data, std::size_t size) {
  constexpr std::string_view kChildTag = "<Child>";
  for (std::size_t at = size / 2; at < size;) {
    const void* hit = memmem(data + at, size - at, kChildTag.data(), kChildTag.size());
    if (!hit) return std::nullopt;
    const auto tag = static_cast<std::size_t>(static_cast<const char*>(hit) - data);
    std::size_t b = tag;
    while (b > 0 && (data[b - 1] == ' ' || data[b - 1] == '\t')) --b;
    if (b > 0 && data[b - 1] == '\n') return b;
    at = tag + 1;
  }
  return std::nullopt;
}

// Reads the census in two halves at once, each with an expat parser, into builders and a string
// pool of its own, and joins them as one pass would have read them. Nothing (the caller reads the
// file in one pass) when that cannot be done or could give anything else: a file in an encoding
// other than UTF-8, a first half that does not end between two children, a fault of the whole
// file in the second half, a key met in both halves, or a decimal column.
std::optional<std::vector<LoadResult>> load_census_halves(
    const std::string& name, const std::vector<CensusRequest>& requests, StringPool& pool,
    const LoadOptions& options) {
  const Mapped file(name);
  if (!file.data || !utf8_declared(file.data, file.size)) return std::nullopt;
  const auto cut = census_cut(file.data, file.size);
  if (!cut) return std::nullopt;
  StringPool pool_a, pool_b;
  std::vector<Target> targets_a, targets_b;
  std::array<Target*, kLevels> by_a{}, by_b{};
  Target* first_a = make_targets(requests, name, pool_a, options, targets_a, by_a);
  Target* first_b = make_targets(requests, name, pool_b, options, targets_b, by_b);
  if (!first_a || !first_b) return std::nullopt;
  for (Target& t : targets_a)
    if (t.builder->has_decimal()) return std::nullopt;
  CensusReader a(name, by_a, first_a), b(name, by_b, first_b);
  bool read_a = false, read_b = false;
  std::exception_ptr fault_a, fault_b;
  std::thread first;
  try {
    first = std::thread([&] {
      try {
        read_a = a.parse(file.data, file.data + *cut, CensusReader::Part::first, 0, 0);
      } catch (...) {
        fault_a = std::current_exception();
      }
    });
  } catch (const std::system_error&) {
    return std::nullopt;  // no thread to be had: one pass
  }
  std::int64_t lines = 0;
  std::uint32_t children = 0;
  try {
    lines = static_cast<std::int64_t>(count_newlines(file.data, *cut));
    // A carriage return alone ends a line too, for expat (the cut follows a line feed).
    for (const char* cr = file.data; cr < file.data + *cut; ++cr) {
      cr = static_cast<const char*>(
          std::memchr(cr, '\r', static_cast<std::size_t>(file.data + *cut - cr)));
      if (!cr) break;
      if (cr[1] != '\n') ++lines;
    }
    constexpr std::string_view kChildTag = "<Child>";
    for (const char* p = file.data; p < file.data + *cut;) {
      const void* hit = memmem(p, static_cast<std::size_t>(file.data + *cut - p), kChildTag.data(),
                               kChildTag.size());
      if (!hit) break;
      ++children;
      p = static_cast<const char*>(hit) + kChildTag.size();
    }
    read_b =
        b.parse(file.data + *cut, file.data + file.size, CensusReader::Part::rest, lines, children);
  } catch (...) {
    fault_b = std::current_exception();
  }
  first.join();
  if (fault_a) std::rethrow_exception(fault_a);
  if (fault_b) std::rethrow_exception(fault_b);
  if (!read_a || !read_b) return std::nullopt;
  std::vector<LoadResult> results;
  if (a.stopped()) {
    // One pass stops where the first half stopped: the rest is never read.
    const std::vector<std::uint32_t> map = merge_pool(pool, std::move(pool_a));
    for (Target& t : targets_a) {
      t.builder->settle();
      t.builder->remap(map);
      results.push_back(t.builder->finish());
    }
    return results;
  }
  if (a.children_read() != children) return std::nullopt;
  // A fault of the file (not of one row) changes what one pass goes on to report after it: the
  // halves cannot say the same, so such a file is read again in one pass.
  for (std::size_t k = 0; k < targets_a.size(); ++k)
    if (targets_a[k].builder->failed() || targets_b[k].builder->failed()) return std::nullopt;
  for (std::size_t k = 0; k < targets_a.size(); ++k) {
    targets_a[k].builder->settle();
    targets_b[k].builder->settle();
    if (!targets_a[k].builder->can_append(*targets_b[k].builder, pool_a, pool_b))
      return std::nullopt;
  }
  const std::vector<std::uint32_t> map_a = merge_pool(pool, std::move(pool_a));
  for (Target& t : targets_a) t.builder->remap(map_a);
  const std::vector<std::uint32_t> map_b = merge_pool(pool, std::move(pool_b));
  for (std::size_t k = 0; k < targets_a.size(); ++k) {
    targets_b[k].builder->remap(map_b);
    targets_a[k].builder->append(std::move(*targets_b[k].builder));
    results.push_back(targets_a[k].builder->finish());
  }
  return results;
}

}  // namespace

std::vector<LoadResult> load_census(const std::filesystem::path& file,
                                    const std::vector<CensusRequest>& requests, StringPool& pool,
                                    const LoadOptions& options, std::uint64_t split_bytes) {
  const std::string name = file.string();
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(file, ec);
  const unsigned threads = options.threads ? options.threads : std::thread::hardware_concurrency();
  if (!ec && bytes > split_bytes && threads > 1 && std::filesystem::is_regular_file(file, ec))
    if (auto results = load_census_halves(name, requests, pool, options))
      return std::move(*results);
  std::vector<Target> targets;
  std::array<Target*, kLevels> by_level{};
  if (Target* first = make_targets(requests, name, pool, options, targets, by_level)) {
    CensusReader reader(name, by_level, first);
    reader.read();
  }
  std::vector<LoadResult> results;
  for (Target& t : targets) results.push_back(t.builder->finish());
  return results;
}

bool looks_like_census(const std::filesystem::path& path) {
  std::string error;
  std::FILE* f = open_regular_file(path.string(), error);
  if (!f) return false;
  char head[4096];
  const std::size_t got = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  return std::string_view(head, got).find("<Message") != std::string_view::npos;
}

}  // namespace tally::runtime
