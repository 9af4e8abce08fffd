// Parsing: the PEGTL parse tree of each declaration, and the builder that turns it into the
// syntax tree. Long on purpose: the builder has one short case per kind of node, and the parse
// tree never leaves this file.
#include "lang/syntax/parse.hpp"

#include <fmt/format.h>

#include <tao/pegtl/contrib/parse_tree.hpp>

#include "lang/base/text.hpp"
#include "lang/syntax/grammar.hpp"

namespace tally::syntax {

namespace pegtl = tao::pegtl;
namespace g = grammar;

namespace {

// ---- Which rules become parse-tree nodes, and the tag each node carries ----
// clang-format off
#define TALLY_NODES(X) \
  X(name) \
  X(string_lit) \
  X(date_lit) \
  X(number_text) \
  X(unit_percent) \
  X(unit_working_days) \
  X(unit_days) \
  X(unit_weeks) \
  X(unit_months) \
  X(unit_years) \
  X(number_lit) \
  X(bool_lit) \
  X(paren_expr) \
  X(rparen) \
  X(rbracket) \
  X(call_suffix) \
  X(lookup_suffix) \
  X(member_suffix) \
  X(name_expr) \
  X(agg_word) \
  X(agg_distinct) \
  X(count_agg) \
  X(other_agg) \
  X(prev_word) \
  X(prev_expr) \
  X(prev_order) \
  X(prev_where) \
  X(rows_word) \
  X(rows_operand) \
  X(rows_table) \
  X(rows_while) \
  X(rows_expr) \
  X(negation) \
  X(mul_op) \
  X(mul_expr) \
  X(add_op) \
  X(add_expr) \
  X(cmp_rhs) \
  X(cmp_op) \
  X(compare) \
  X(not_in) \
  X(in_test) \
  X(in_period) \
  X(in_window) \
  X(between_test) \
  X(is_not) \
  X(known_word) \
  X(missing_word) \
  X(is_test) \
  X(cmp_expr) \
  X(logical_not) \
  X(and_expr) \
  X(expression) \
  X(import_decl) \
  X(column_type) \
  X(optional_mark) \
  X(column_key) \
  X(column_format) \
  X(column_decl) \
  X(table_decl) \
  X(param_decl) \
  X(dated_date) \
  X(dated_value) \
  X(assignment) \
  X(scenario_decl) \
  X(code_clause) \
  X(title_clause) \
  X(description_clause) \
  X(from_clause) \
  X(cadence) \
  X(period_clause) \
  X(window_months) \
  X(rolling_window) \
  X(ytd_window) \
  X(period_window) \
  X(let_clause) \
  X(where_clause) \
  X(agg_where) \
  X(measure_clause) \
  X(denominator_clause) \
  X(numerator_clause) \
  X(value_clause) \
  X(unit_spec) \
  X(rate_unit) \
  X(decimals_value) \
  X(polarity_word) \
  X(target_clause) \
  X(target_upper) \
  X(colour) \
  X(rag_when) \
  X(rag_otherwise) \
  X(rag_rule) \
  X(rag_clause) \
  X(trend_previous) \
  X(trend_same) \
  X(trend_stable) \
  X(trend_clause) \
  X(benchmark_clause) \
  X(by_clause) \
  X(indicator_decl) \
  X(rbrace) \
  X(if_expr) \
  X(order_key) \
  X(order_desc) \
  X(order_asc) \
  X(extend_decl) \
  X(test_indicator) \
  X(test_period) \
  X(test_set) \
  X(test_scenario) \
  X(test_csv) \
  X(test_columns) \
  X(test_row) \
  X(test_table) \
  X(expect_kind) \
  X(expect_subject) \
  X(test_expect) \
  X(test_decl) \
  X(suppress_low) \
  X(suppress_high) \
  X(suppress_always) \
  X(suppress_decl)
// clang-format on

enum class NK : std::uint8_t {
  none,
#define X(r) r,
  TALLY_NODES(X)
#undef X
};

template <typename Rule>
inline constexpr NK kind_of = NK::none;
#define X(r)  \
  template <> \
  inline constexpr NK kind_of<g::r> = NK::r;
TALLY_NODES(X)
#undef X

template <typename Rule>
struct selector : std::bool_constant<kind_of<Rule> != NK::none> {};

struct Node : pegtl::parse_tree::basic_node<Node> {
  NK kind = NK::none;
  template <typename Rule, typename Input, typename... States>
  void start(const Input& in, States&&... st) {
    pegtl::parse_tree::basic_node<Node>::start<Rule>(in, st...);
    kind = kind_of<Rule>;
  }
};

template <typename Rule>
struct control : pegtl::normal<Rule> {
  template <typename Input, typename... States>
  [[noreturn]] static void raise(const Input& in, States&&...) {
    static_assert(g::error_message<Rule> != nullptr, "every rule under must<> needs a message");
    throw pegtl::parse_error(g::error_message<Rule>, in);
  }
};

bool is_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// What the parser met where it stopped, in words.
std::string found_at(std::string_view text, std::size_t offset) {
  if (offset >= text.size()) return "the end of the file";
  const char c = text[offset];
  if (is_ident_char(c)) {
    std::size_t end = offset;
    while (end < text.size() && is_ident_char(text[end]) && end - offset < 40) ++end;
    return fmt::format("`{}`", text.substr(offset, end - offset));
  }
  if (c == '"') return "a string";
  if (c == '\n' || c == '\r') return "the end of the line";
  const auto u = static_cast<unsigned char>(c);
  if (u < 0x20 || u >= 0x7F) return fmt::format("the byte 0x{:02X}", u);
  return fmt::format("`{}`", c);
}

bool starts_declaration(std::string_view rest) {
  for (std::string_view word :
       {"table", "extend", "param", "scenario", "indicator", "import", "test", "suppress"}) {
    if (rest.substr(0, word.size()) == word &&
        (rest.size() == word.size() || !is_ident_char(rest[word.size()])))
      return true;
  }
  return false;
}

// Where parsing resumes after an error at `offset`: the error's own position when a declaration
// starts there at the beginning of a line (a missing `}` is found at the next `indicator`),
// otherwise the next line whose first word begins a declaration.
std::size_t recovery_point(std::string_view text, std::size_t offset,
                           std::size_t declaration_start) {
  if (offset > declaration_start && starts_declaration(text.substr(offset))) {
    std::size_t b = offset;
    while (b > 0 && (text[b - 1] == ' ' || text[b - 1] == '\t')) --b;
    if (b == 0 || text[b - 1] == '\n') return offset;
  }
  std::size_t pos = text.find('\n', offset);
  while (pos != std::string_view::npos) {
    std::size_t p = pos + 1;
    while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
    if (starts_declaration(text.substr(p))) return p;
    pos = text.find('\n', p);
  }
  return text.size();
}

// The first byte that is not valid UTF-8, or a NUL byte; npos when there is none.
std::size_t first_invalid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = utf8_length(text, i);
    if (len == 0 || text[i] == 0) return i;
    i += len;
  }
  return std::string_view::npos;
}

std::string unescape(std::string_view quoted) {
  std::string out;
  for (std::size_t i = 1; i + 1 < quoted.size(); ++i) {
    if (quoted[i] == '\\' && i + 2 < quoted.size()) ++i;
    out += quoted[i];
  }
  return out;
}

// Turns the parse tree of one declaration into syntax-tree nodes.
class Builder {
 public:
  Builder(const SourceFile& source, FileId id, ast::Module& module, ast::File& file,
          Diagnostics& diags)
      : text_(source.text()),
        id_(id),
        module_(module),
        file_(file),
        diags_(diags),
        first_expr_(module.exprs.size()) {}

  // Builds one declaration. One whose expression is too deep is left out, as after a syntax
  // error, so that no later phase meets a tree deeper than ast::kMaxDepth.
  void declaration(const Node& n) {
    try {
      build(n);
    } catch (const TooDeep& deep) {
      if (deep.chain) {
        diags_.error(DiagKind::too_deep, deep.at,
                     fmt::format("this expression nests more than {} levels deep: each operator "
                                 "of a chain such as `a or b or c` counts as a level",
                                 ast::kMaxDepth),
                     "split the chain into steps with `let`, or test several values at once "
                     "with `in (...)`");
      } else {
        diags_.error(DiagKind::too_deep, deep.at,
                     fmt::format("this expression nests more than {} levels deep", ast::kMaxDepth),
                     "split it into steps with `let`");
      }
    }
  }

 private:
  void build(const Node& n) {
    switch (n.kind) {
      case NK::import_decl:
        import(n);
        break;
      case NK::table_decl:
      case NK::extend_decl:
        table(n);
        break;
      case NK::param_decl:
        param(n);
        break;
      case NK::scenario_decl:
        scenario(n);
        break;
      case NK::test_decl:
        test(n);
        break;
      case NK::indicator_decl:
        indicator(n);
        break;
      case NK::suppress_decl:
        suppress(n);
        break;
      default:
        break;
    }
  }

  // Thrown by add() when a node would be deeper than ast::kMaxDepth; `at` is the operand that
  // took it past the limit (in a chain of operators, the first term too many).
  struct TooDeep {
    Span at;
    bool chain = false;
  };
  Span span(const Node& n) const {
    const auto begin = static_cast<std::uint32_t>(n.m_begin.data - text_.data());
    return Span{id_, begin, end_of(n)};
  }
  std::uint32_t end_of(const Node& n) const {
    if (!n.children.empty()) return end_of(*n.children.back());
    std::size_t end = static_cast<std::size_t>(n.m_end.data - text_.data());
    const std::size_t begin = static_cast<std::size_t>(n.m_begin.data - text_.data());
    while (end > begin && (text_[end - 1] == ' ' || text_[end - 1] == '\t' ||
                           text_[end - 1] == '\n' || text_[end - 1] == '\r'))
      --end;
    return static_cast<std::uint32_t>(end);
  }
  static std::string word(const Node& n) {
    std::string_view v = n.string_view();
    std::size_t end = 0;
    while (end < v.size() && is_ident_char(v[end])) ++end;
    return std::string(v.substr(0, end));
  }
  static std::string token(const Node& n) {
    std::string_view v = n.string_view();
    while (!v.empty() &&
           (v.back() == ' ' || v.back() == '\t' || v.back() == '\n' || v.back() == '\r'))
      v.remove_suffix(1);
    return std::string(v);
  }
  const Node* child(const Node& n, NK kind) const {
    for (const auto& c : n.children)
      if (c->kind == kind) return c.get();
    return nullptr;
  }
  ast::Name name(const Node& n) const { return ast::Name{std::string(n.string_view()), span(n)}; }
  std::string string_value(const Node& n) const { return unescape(n.string_view()); }

  ast::ExprId add(ast::Expr e) {
    std::uint32_t depth = 1;
    Span last = e.span;
    for (const ast::ExprId a : e.args) {
      if (!a.valid()) continue;
      depth = std::max(depth, depth_[a.value - first_expr_] + 1);
      last = expr_span(a);
    }
    if (depth > ast::kMaxDepth) throw TooDeep{last, e.kind == ast::ExprKind::binary};
    const ast::ExprId id = module_.add(std::move(e));
    depth_.push_back(depth);
    return id;
  }
  ast::ExprId make(ast::ExprKind kind, Span s, std::vector<ast::ExprId> args = {},
                   ast::Op op = ast::Op::none) {
    ast::Expr e;
    e.kind = kind;
    e.span = s;
    e.args = std::move(args);
    e.op = op;
    return add(std::move(e));
  }
  Span expr_span(ast::ExprId id) const { return module_.expr(id).span; }

  ast::ExprId expr(const Node& n) {
    switch (n.kind) {
      case NK::expression:
        return fold(n, ast::Op::or_);
      case NK::and_expr:
        return fold(n, ast::Op::and_);
      case NK::add_expr:
      case NK::dated_date:
      case NK::cmp_rhs:
      case NK::mul_expr:
        return arithmetic(n);
      case NK::cmp_expr:
        return comparison(n);
      case NK::logical_not: {
        const ast::ExprId operand = expr(*n.children.front());
        return make(ast::ExprKind::unary, Span{id_, span(n).begin, expr_span(operand).end},
                    {operand}, ast::Op::not_);
      }
      case NK::negation: {
        const ast::ExprId operand = expr(*n.children.front());
        return make(ast::ExprKind::unary, Span{id_, span(n).begin, expr_span(operand).end},
                    {operand}, ast::Op::neg);
      }
      case NK::date_lit: {
        ast::ExprId e = make(ast::ExprKind::date, span(n));
        module_.exprs[e.value].text = std::string(n.string_view());
        return e;
      }
      case NK::number_lit:
        return number(n);
      case NK::string_lit: {
        ast::ExprId e = make(ast::ExprKind::string, span(n));
        module_.exprs[e.value].text = string_value(n);
        return e;
      }
      case NK::bool_lit: {
        ast::ExprId e = make(ast::ExprKind::boolean, span(n));
        module_.exprs[e.value].text = word(n);
        return e;
      }
      case NK::paren_expr:
        return paren(n);
      case NK::name_expr:
        return name_expr(n);
      case NK::count_agg:
      case NK::other_agg:
        return aggregate(n);
      case NK::prev_expr:
        return previous(n);
      case NK::if_expr:
        return make(ast::ExprKind::conditional, span(n),
                    {expr(*n.children[0]), expr(*n.children[1]), expr(*n.children[2])});
      case NK::rows_expr:
        return rows(n);
      default:
        break;
    }
    // A node kind the builder does not know: an engine fault, reported rather than hidden.
    diags_.error(DiagKind::syntax, span(n), "internal error: unexpected syntax node");
    return make(ast::ExprKind::number, span(n));
  }

  ast::ExprId fold(const Node& n, ast::Op op) {
    ast::ExprId left = expr(*n.children.front());
    for (std::size_t i = 1; i < n.children.size(); ++i) {
      const ast::ExprId right = expr(*n.children[i]);
      left =
          make(ast::ExprKind::binary, join(expr_span(left), expr_span(right)), {left, right}, op);
    }
    return left;
  }

  ast::ExprId arithmetic(const Node& n) {
    ast::ExprId left = expr(*n.children.front());
    for (std::size_t i = 1; i + 1 < n.children.size(); i += 2) {
      const std::string sign = token(*n.children[i]);
      const ast::ExprId right = expr(*n.children[i + 1]);
      const ast::Op op = sign == "+"   ? ast::Op::add
                         : sign == "-" ? ast::Op::sub
                         : sign == "*" ? ast::Op::mul
                                       : ast::Op::div;
      left =
          make(ast::ExprKind::binary, join(expr_span(left), expr_span(right)), {left, right}, op);
    }
    return left;
  }

  ast::ExprId comparison(const Node& n) {
    const ast::ExprId left = expr(*n.children.front());
    if (n.children.size() < 2) return left;
    const Node& tail = *n.children[1];
    const Span whole{id_, expr_span(left).begin, end_of(tail)};
    switch (tail.kind) {
      case NK::compare: {
        const std::string op = token(*tail.children[0]);
        const ast::ExprId right = expr(*tail.children[1]);
        const ast::Op o = op == "="    ? ast::Op::eq
                          : op == "!=" ? ast::Op::ne
                          : op == "<"  ? ast::Op::lt
                          : op == "<=" ? ast::Op::le
                          : op == ">"  ? ast::Op::gt
                                       : ast::Op::ge;
        return make(ast::ExprKind::binary, whole, {left, right}, o);
      }
      case NK::not_in: {
        ast::ExprId e = make(ast::ExprKind::in_list, whole, {left, expr(*tail.children[0])});
        module_.exprs[e.value].negated = true;
        return e;
      }
      case NK::in_test: {
        const Node& target = *tail.children[0];
        if (target.kind == NK::in_period || target.kind == NK::in_window) {
          ast::ExprId e = make(ast::ExprKind::in_period, whole, {left});
          module_.exprs[e.value].field = target.kind == NK::in_period ? "period" : "window";
          return e;
        }
        return make(ast::ExprKind::in_list, whole, {left, expr(target)});
      }
      case NK::between_test:
        return make(ast::ExprKind::between, whole,
                    {left, expr(*tail.children[0]), expr(*tail.children[1])});
      case NK::is_test: {
        const bool negated_is = child(tail, NK::is_not) != nullptr;
        const bool missing = child(tail, NK::missing_word) != nullptr;
        ast::ExprId e = make(ast::ExprKind::is_known, whole, {left});
        module_.exprs[e.value].negated = negated_is != missing;
        return e;
      }
      default:
        return left;
    }
  }

  ast::ExprId number(const Node& n) {
    const Node& digits = *n.children.front();
    ast::Expr e;
    e.span = span(n);
    e.text = std::string(digits.string_view());
    e.kind = ast::ExprKind::number;
    if (n.children.size() > 1) {
      switch (n.children[1]->kind) {
        case NK::unit_percent:
          e.kind = ast::ExprKind::percent;
          break;
        case NK::unit_working_days:
          e.kind = ast::ExprKind::duration;
          e.unit = ast::DurationUnit::working_days;
          break;
        case NK::unit_days:
          e.kind = ast::ExprKind::duration;
          e.unit = ast::DurationUnit::days;
          break;
        case NK::unit_weeks:
          e.kind = ast::ExprKind::duration;
          e.unit = ast::DurationUnit::weeks;
          break;
        case NK::unit_months:
          e.kind = ast::ExprKind::duration;
          e.unit = ast::DurationUnit::months;
          break;
        case NK::unit_years:
          e.kind = ast::ExprKind::duration;
          e.unit = ast::DurationUnit::years;
          break;
        default:
          break;
      }
    }
    return add(std::move(e));
  }

  ast::ExprId paren(const Node& n) {
    std::vector<ast::ExprId> items;
    for (const auto& c : n.children)
      if (c->kind != NK::rparen) items.push_back(expr(*c));
    const Span s = span(n);
    // Parentheses group, except around one string: ("P1") is a list of one code, as it is
    // in `param placed_with_parents = ("P1")`.
    if (items.size() == 1 && module_.expr(items[0]).kind != ast::ExprKind::string) return items[0];
    return make(ast::ExprKind::list, s, std::move(items));
  }

  ast::ExprId name_expr(const Node& n) {
    const Node& head = *n.children.front();
    const std::string text(head.string_view());
    if (n.children.size() == 1) {
      ast::ExprId e = make(ast::ExprKind::name, span(head));
      module_.exprs[e.value].text = text;
      return e;
    }
    const Node& suffix = *n.children[1];
    const Span whole = span(n);
    switch (suffix.kind) {
      case NK::call_suffix: {
        std::vector<ast::ExprId> args;
        for (const auto& c : suffix.children)
          if (c->kind != NK::rparen) args.push_back(expr(*c));
        ast::ExprId e = make(ast::ExprKind::call, whole, std::move(args));
        module_.exprs[e.value].text = text;
        return e;
      }
      case NK::lookup_suffix: {
        const ast::ExprId key = expr(*suffix.children[0]);
        const Node* column = nullptr;
        for (const auto& c : suffix.children)
          if (c->kind == NK::name) column = c.get();
        ast::ExprId e = make(ast::ExprKind::lookup, whole, {key});
        module_.exprs[e.value].text = text;
        module_.exprs[e.value].field = column ? std::string(column->string_view()) : "";
        return e;
      }
      case NK::member_suffix: {
        const Node* field = child(suffix, NK::name);
        ast::ExprId e = make(ast::ExprKind::member, whole);
        module_.exprs[e.value].text = text;
        module_.exprs[e.value].field = field ? std::string(field->string_view()) : "";
        return e;
      }
      default:
        break;
    }
    ast::ExprId e = make(ast::ExprKind::name, span(head));
    module_.exprs[e.value].text = text;
    return e;
  }

  ast::ExprId aggregate(const Node& n) {
    ast::Op op = ast::Op::count;
    std::vector<ast::ExprId> args;
    if (n.kind == NK::count_agg) {
      if (const Node* d = child(n, NK::agg_distinct)) {
        op = ast::Op::count_distinct;
        args.push_back(expr(*d->children.front()));
      }
    } else {
      const std::string w = word(*n.children.front());
      op = w == "sum"      ? ast::Op::sum
           : w == "mean"   ? ast::Op::mean
           : w == "median" ? ast::Op::median
           : w == "min"    ? ast::Op::min
                           : ast::Op::max;
      args.push_back(expr(*n.children[1]));
    }
    Span s = span(n);
    if (args.empty()) s.end = s.begin + 5;  // `count`
    return make(ast::ExprKind::aggregate, s, std::move(args), op);
  }

  ast::ExprId previous(const Node& n) {
    const bool is_next = word(*n.children.front()) == "next";
    std::vector<ast::ExprId> args(4);
    std::size_t next_expr = 0;
    for (std::size_t i = 1; i < n.children.size(); ++i) {
      const Node& c = *n.children[i];
      if (c.kind == NK::expression) {
        args[next_expr++] = expr(c);
      } else if (c.kind == NK::prev_order) {
        args[2] = order_keys(c);
      } else if (c.kind == NK::prev_where) {
        args[3] = expr(*c.children.front());
      }
    }
    return make(ast::ExprKind::previous, span(n), std::move(args),
                is_next ? ast::Op::next : ast::Op::previous);
  }

  // The keys of `order by`: the expression itself for one key with no direction, otherwise an
  // order_keys node.
  ast::ExprId order_keys(const Node& order) {
    std::vector<ast::ExprId> keys;
    std::string directions;
    for (const auto& k : order.children) {
      if (k->kind != NK::order_key) continue;
      keys.push_back(expr(*k->children.front()));
      directions += child(*k, NK::order_desc) ? 'd' : child(*k, NK::order_asc) ? 'a' : '-';
    }
    if (keys.size() == 1 && directions == "-") return keys.front();
    ast::ExprId e = make(ast::ExprKind::order_keys,
                         Span{id_, span(*order.children.front()).begin, end_of(order)}, keys);
    module_.exprs[e.value].text = directions;
    return e;
  }

  ast::ExprId rows(const Node& n) {
    const std::string w = word(*n.children.front());
    const ast::Op op = w == "count"    ? ast::Op::count
                       : w == "sum"    ? ast::Op::sum
                       : w == "mean"   ? ast::Op::mean
                       : w == "min"    ? ast::Op::min
                       : w == "max"    ? ast::Op::max
                       : w == "any"    ? ast::Op::any
                       : w == "exists" ? ast::Op::exists
                       : w == "first"  ? ast::Op::first
                       : w == "last"   ? ast::Op::last
                                       : ast::Op::run_number;
    std::vector<ast::ExprId> args(5);
    std::string table;
    for (std::size_t i = 1; i < n.children.size(); ++i) {
      const Node& c = *n.children[i];
      if (c.kind == NK::rows_operand) {
        args[0] = expr(*c.children.front());
      } else if (c.kind == NK::rows_table) {
        table = token(c);
      } else if (c.kind == NK::expression) {
        args[1] = expr(c);
      } else if (c.kind == NK::prev_order) {
        args[2] = order_keys(c);
      } else if (c.kind == NK::rows_while) {
        args[3] = expr(*c.children.front());
      } else if (c.kind == NK::prev_where) {
        args[4] = expr(*c.children.front());
      }
    }
    const ast::ExprId id = make(ast::ExprKind::rows, span(n), std::move(args), op);
    module_.exprs[id.value].text = table;
    return id;
  }

  // ---- declarations ----
  void import(const Node& n) {
    const Node& s = *n.children.front();
    file_.imports.push_back(ast::ImportDecl{string_value(s), span(s)});
  }

  void table(const Node& n) {
    ast::TableDecl t;
    t.span = span(n);
    t.extends = n.kind == NK::extend_decl;
    for (const auto& c : n.children) {
      if (c->kind == NK::name)
        t.name = name(*c);
      else if (c->kind == NK::string_lit)
        t.title = string_value(*c);
      else if (c->kind == NK::column_decl)
        t.columns.push_back(column(*c));
    }
    file_.tables.push_back(std::move(t));
  }

  ast::ColumnDecl column(const Node& n) {
    ast::ColumnDecl col;
    col.span = span(n);
    for (const auto& c : n.children) {
      switch (c->kind) {
        case NK::name:
          col.name = name(*c);
          break;
        case NK::column_type: {
          const std::string w = word(*c);
          col.type_span = span(*c);
          col.type = w == "text"      ? ast::ColumnType::text
                     : w == "int"     ? ast::ColumnType::integer
                     : w == "decimal" ? ast::ColumnType::decimal
                     : w == "date"    ? ast::ColumnType::date
                                      : ast::ColumnType::boolean;
          break;
        }
        case NK::optional_mark:
          col.nullable = true;
          break;
        case NK::column_key:
          col.key = true;
          break;
        case NK::column_format: {
          const Node& s = *c->children.front();
          col.format = string_value(s);
          col.format_span = span(s);
          break;
        }
        default:
          break;
      }
    }
    return col;
  }

  void param(const Node& n) {
    ast::ParamDecl p;
    p.span = span(n);
    for (const auto& c : n.children) {
      if (c->kind == NK::name)
        p.name = name(*c);
      else if (c->kind == NK::expression)
        p.value = expr(*c);
      else if (c->kind == NK::string_lit)
        p.doc = string_value(*c);
      else if (c->kind == NK::dated_value)
        p.dated.push_back(dated_value(*c));
    }
    file_.params.push_back(std::move(p));
  }

  ast::DatedValue dated_value(const Node& n) {
    ast::DatedValue d;
    d.span = span(n);
    for (const auto& c : n.children) {
      if (c->kind == NK::dated_date)
        d.from = expr(*c);
      else if (c->kind == NK::expression)
        d.value = expr(*c);
      else if (c->kind == NK::string_lit)
        d.decision = string_value(*c);
    }
    return d;
  }

  void scenario(const Node& n) {
    ast::ScenarioDecl s;
    s.span = span(n);
    for (const auto& c : n.children) {
      if (c->kind == NK::name)
        s.name = name(*c);
      else if (c->kind == NK::string_lit)
        s.title = string_value(*c);
      else if (c->kind == NK::assignment) {
        ast::Assignment a;
        a.name = name(*c->children[0]);
        a.value = expr(*c->children[1]);
        s.overrides.push_back(std::move(a));
      }
    }
    file_.scenarios.push_back(std::move(s));
  }

  void suppress(const Node& n) {
    ast::SuppressDecl d;
    d.span = span(n);
    for (const auto& c : n.children) {
      if (c->kind == NK::suppress_low) {
        d.low = token(*c);
        d.low_span = span(*c);
      } else if (c->kind == NK::suppress_high) {
        d.high = token(*c);
        d.high_span = span(*c);
      } else if (c->kind == NK::string_lit) {
        d.text = ast::TextClause{string_value(*c), span(*c)};
      } else if (c->kind == NK::suppress_always) {
        d.always = true;
      }
    }
    file_.suppressions.push_back(std::move(d));
  }

  template <typename T>
  bool once(std::optional<T>& slot, const Node& clause, const char* what) {
    if (slot.has_value()) {
      diags_.error(DiagKind::duplicate_clause, span(clause),
                   fmt::format("`{}` is given twice in this indicator", what),
                   "keep one; an indicator takes each clause once (except `let` and `benchmark`)");
      return false;
    }
    return true;
  }

  void indicator(const Node& n) {
    ast::IndicatorDecl ind;
    ind.span = span(n);
    for (const auto& cp : n.children) {
      const Node& c = *cp;
      switch (c.kind) {
        case NK::name:
          ind.name = name(c);
          break;
        case NK::string_lit:
          ind.heading = string_value(c);
          break;
        case NK::code_clause:
          if (once(ind.code, c, "code"))
            ind.code = ast::TextClause{string_value(*c.children[0]), span(c)};
          break;
        case NK::title_clause:
          if (once(ind.title, c, "title"))
            ind.title = ast::TextClause{string_value(*c.children[0]), span(c)};
          break;
        case NK::description_clause:
          if (once(ind.description, c, "description"))
            ind.description = ast::TextClause{string_value(*c.children[0]), span(c)};
          break;
        case NK::from_clause:
          if (once(ind.from, c, "from")) ind.from = name(*c.children[0]);
          break;
        case NK::period_clause:
          if (once(ind.period, c, "period")) {
            const std::string w = word(*c.children[0]);
            ind.period = w == "month"     ? ast::Cadence::month
                         : w == "quarter" ? ast::Cadence::quarter
                                          : ast::Cadence::year;
            ind.period_span = span(c);
          }
          break;
        default:
          clause(ind, c);
          break;
      }
    }
    file_.indicators.push_back(std::move(ind));
  }

  void clause(ast::IndicatorDecl& ind, const Node& c) {
    switch (c.kind) {
      case NK::rolling_window:
      case NK::ytd_window:
      case NK::period_window: {
        if (!once(ind.window, c, "window")) break;
        ast::WindowClause w;
        w.span = span(c);
        if (c.kind == NK::rolling_window) {
          w.kind = ast::WindowKind::rolling_months;
          const std::string digits = token(*c.children[0]);
          w.months = digits.size() > 4 ? 10000 : std::stoi(digits);
        } else {
          w.kind =
              c.kind == NK::ytd_window ? ast::WindowKind::year_to_date : ast::WindowKind::period;
        }
        ind.window = w;
        break;
      }
      case NK::let_clause:
        ind.lets.push_back(ast::LetClause{name(*c.children[0]), expr(*c.children[1]), span(c)});
        break;
      case NK::where_clause:
        if (once(ind.where, c, "where")) {
          ind.where = expr(*c.children[0]);
          ind.where_span = span(c);
        }
        break;
      case NK::measure_clause: {
        ast::MeasureClause mc;
        mc.name = name(*c.children[0]);
        const ast::AggClause a = agg_clause(c, 1);
        mc.aggregate = a.aggregate;
        mc.where = a.where;
        mc.span = a.span;
        ind.measures.push_back(mc);
        break;
      }
      case NK::denominator_clause:
        if (once(ind.denominator, c, "denominator")) ind.denominator = agg_clause(c);
        break;
      case NK::numerator_clause:
        if (once(ind.numerator, c, "numerator")) ind.numerator = agg_clause(c);
        break;
      case NK::value_clause:
        if (once(ind.value, c, "value")) ind.value = agg_clause(c);
        break;
      case NK::unit_spec: {
        if (!once(ind.unit, c, "unit")) break;
        ast::UnitClause u;
        u.span = span(c);
        if (const Node* rate = child(c, NK::rate_unit)) {
          u.kind = ast::UnitKind::rate;
          u.per = token(*rate->children.back());
        } else {
          const std::string w = word(c);
          u.kind = w == "percent" ? ast::UnitKind::percent
                   : w == "ratio" ? ast::UnitKind::ratio
                   : w == "count" ? ast::UnitKind::count
                   : w == "days"  ? ast::UnitKind::days
                                  : ast::UnitKind::number;
        }
        ind.unit = u;
        break;
      }
      case NK::decimals_value: {
        if (!once(ind.decimals, c, "decimals")) break;
        const std::string digits = token(c);
        ind.decimals_span = span(c);
        if (digits.find('.') != std::string::npos || digits.size() > 2 || std::stoi(digits) > 20) {
          diags_.error(
              DiagKind::bad_literal, span(c),
              fmt::format("`decimals {}` is not a whole number of places from 0 to 20", digits),
              "write, for example, `decimals 1`");
          break;
        }
        ind.decimals = std::stoi(digits);
        break;
      }
      case NK::polarity_word: {
        if (!once(ind.polarity, c, "polarity")) break;
        const std::string w = word(c);
        ind.polarity = w == "higher"    ? ast::Polarity::higher
                       : w == "lower"   ? ast::Polarity::lower
                       : w == "neutral" ? ast::Polarity::neutral
                                        : ast::Polarity::range;
        ind.polarity_span = span(c);
        break;
      }
      case NK::target_clause: {
        if (!once(ind.target, c, "target")) break;
        const ast::ExprId low = expr(*c.children[0]);
        ind.target_span = span(c);
        if (const Node* upper = child(c, NK::target_upper)) {
          const ast::ExprId high = expr(*upper->children.front());
          ind.target =
              make(ast::ExprKind::interval, join(expr_span(low), expr_span(high)), {low, high});
        } else {
          ind.target = low;
        }
        break;
      }
      case NK::rag_clause: {
        if (!once(ind.rag, c, "rag")) break;
        ast::RagClause rag;
        rag.span = span(c);
        for (const auto& r : c.children) {
          if (r->kind != NK::rag_rule) continue;
          ast::RagRule rule;
          rule.span = span(*r);
          const std::string w = word(*r->children[0]);
          rule.colour = w == "red"     ? ast::Colour::red
                        : w == "amber" ? ast::Colour::amber
                                       : ast::Colour::green;
          const Node& cond = *r->children[1];
          if (cond.kind == NK::rag_when) rule.when = expr(*cond.children.front());
          rag.rules.push_back(rule);
        }
        ind.rag = std::move(rag);
        break;
      }
      case NK::trend_clause: {
        if (!once(ind.trend, c, "trend")) break;
        ast::TrendClause t;
        t.span = span(c);
        t.kind = child(c, NK::trend_same) ? ast::TrendKind::same_period_last_year
                                          : ast::TrendKind::previous_period;
        if (const Node* stable = child(c, NK::trend_stable))
          t.stable_within = expr(*stable->children.front());
        ind.trend = t;
        break;
      }
      case NK::by_clause:
        if (once(ind.by, c, "by")) {
          ind.by = expr(*c.children[0]);
          ind.by_span = span(c);
        }
        break;
      case NK::benchmark_clause: {
        ast::BenchmarkClause b;
        b.span = span(c);
        b.name = name(*c.children[0]);
        b.value = expr(*c.children[1]);
        if (c.children.size() > 2 && c.children[2]->kind == NK::string_lit)
          b.label = string_value(*c.children[2]);
        ind.benchmarks.push_back(std::move(b));
        break;
      }
      default:
        break;
    }
  }

  void test(const Node& n) {
    ast::TestDecl t;
    t.span = span(n);
    for (const auto& cp : n.children) {
      const Node& c = *cp;
      switch (c.kind) {
        case NK::string_lit:
          t.name = string_value(c);
          t.name_span = span(c);
          break;
        case NK::test_indicator:
          t.indicators_span = span(c);
          for (const auto& k : c.children)
            if (k->kind == NK::name) t.indicators.push_back(name(*k));
          break;
        case NK::test_period:
          t.period = ast::TextClause{string_value(*c.children[0]), span(c)};
          break;
        case NK::test_set: {
          ast::Assignment a;
          a.name = name(*c.children[0]);
          a.value = expr(*c.children[1]);
          t.sets.push_back(std::move(a));
          break;
        }
        case NK::test_scenario:
          t.scenarios.push_back(name(*c.children[0]));
          break;
        case NK::test_table:
          t.tables.push_back(test_table(c));
          break;
        case NK::test_expect: {
          ast::TestExpect e;
          e.span = span(c);
          for (const auto& k : c.children) {
            if (k->kind == NK::expect_subject) {
              e.indicator = name(*k->children.front());
            } else if (k->kind == NK::expect_kind) {
              const std::string w = word(*k);
              e.what = w == "failing" || w == "passing" ? w + " rows" : w;
            } else {
              e.values.push_back(expr(*k));
            }
          }
          t.expects.push_back(std::move(e));
          break;
        }
        default:
          break;
      }
    }
    file_.tests.push_back(std::move(t));
  }

  ast::TestTable test_table(const Node& c) {
    ast::TestTable t;
    t.span = span(c);
    for (const auto& k : c.children) {
      switch (k->kind) {
        case NK::name:
          t.name = name(*k);
          break;
        case NK::test_csv:
          t.csv = string_value(*k->children.front());
          break;
        case NK::test_columns:
          for (const auto& col : k->children)
            if (col->kind == NK::name) t.columns.push_back(name(*col));
          break;
        case NK::test_row:
          t.rows.push_back(expr(*k->children.front()));
          break;
        default:
          break;
      }
    }
    return t;
  }

  ast::AggClause agg_clause(const Node& c, std::size_t first = 0) {
    ast::AggClause a;
    a.span = span(c);
    a.aggregate = expr(*c.children[first]);
    if (const Node* w = child(c, NK::agg_where)) a.where = expr(*w->children.front());
    return a;
  }

  std::string_view text_;
  FileId id_;
  ast::Module& module_;
  ast::File& file_;
  Diagnostics& diags_;
  // The depth of each expression this builder made, indexed from first_expr_.
  std::size_t first_expr_;
  std::vector<std::uint32_t> depth_;
};

}  // namespace

void parse_file(const SourceManager& sources, FileId id, ast::Module& module, Diagnostics& diags) {
  const SourceFile& source = sources.get(id);
  const std::string_view text = source.text();
  module.files.push_back(ast::File{id, {}, {}, {}, {}, {}, {}, {}});
  ast::File& file = module.files.back();

  if (const std::size_t bad = first_invalid_utf8(text); bad != std::string_view::npos) {
    const auto byte = static_cast<unsigned char>(text[bad]);
    diags.error(DiagKind::encoding,
                Span{id, static_cast<std::uint32_t>(bad), static_cast<std::uint32_t>(bad + 1)},
                byte == 0 ? "this file holds a NUL byte: it is not a text file"
                          : fmt::format("this file is not valid UTF-8 (byte 0x{:02X})", byte),
                "definition files are UTF-8 text; save the file as UTF-8 (in Excel or Notepad: "
                "Save As, encoding UTF-8)");
    return;
  }

  Builder builder(source, id, module, file, diags);
  std::size_t pos = 0;
  while (pos < text.size()) {
    pegtl::memory_input<> in(text.data() + pos, text.data() + text.size(), source.path());
    try {
      auto root =
          pegtl::parse_tree::parse<g::next_declaration, Node, selector, pegtl::nothing, control>(
              in);
      const std::size_t next = static_cast<std::size_t>(in.current() - text.data());
      if (!root || root->children.empty()) break;  // only white space and comments were left
      for (const auto& decl : root->children) builder.declaration(*decl);
      if (next <= pos) break;
      pos = next;
    } catch (const pegtl::parse_error& e) {
      const std::size_t at = pos + (e.positions().empty() ? 0 : e.positions().front().byte);
      const std::string what(e.message());
      const Span s{id, static_cast<std::uint32_t>(at),
                   static_cast<std::uint32_t>(std::min(at + 1, text.size()))};
      if (what == "expression nested too deeply") {
        diags.error(DiagKind::too_deep, s,
                    fmt::format("this expression nests more than {} levels deep", g::kMaxNesting),
                    "split it into steps with `let`");
      } else {
        diags.error(DiagKind::syntax, s, fmt::format("{}, found {}", what, found_at(text, at)));
      }
      pos = recovery_point(text, at, pos);
    }
  }
}

}  // namespace tally::syntax
