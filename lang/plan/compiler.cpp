// The compiler: checked program to plan. Lets become shared nodes, literals constants in base
// units, plain numbers that meet weeks or years are scaled, `previous`/`next` and lookups become
// derived columns shared by every indicator that asks for the same one.
#include "lang/plan/compiler.hpp"

#include <fmt/format.h>

#include <map>

#include "stdlib/builtins.hpp"

namespace tally::plan {

namespace {

using ast::ExprId;
using ast::ExprKind;
using ast::Op;
using check::Ref;

// The syntax tree's choices as the plan's.
AggOp agg_op(ast::Op op) {
  switch (op) {
    case ast::Op::count_distinct:
      return AggOp::count_distinct;
    case ast::Op::sum:
      return AggOp::sum;
    case ast::Op::mean:
      return AggOp::mean;
    case ast::Op::median:
      return AggOp::median;
    case ast::Op::min:
      return AggOp::min;
    case ast::Op::max:
      return AggOp::max;
    default:
      return AggOp::count;
  }
}

class Compiler {
 public:
  explicit Compiler(const check::Program& program) : p_(program), m_(*program.module) {
    for (const auto& t : p_.tables) {
      TablePlan tp;
      tp.schema = t.schema;
      plan_.tables.push_back(std::move(tp));
    }
    for (const auto& param : p_.params) {
      plan_.params.push_back(ParamSlot{param.name, param.value, param.dated});
    }
  }

  Plan run(const std::vector<std::uint32_t>& selected) {
    for (std::uint32_t i : selected) indicator(i);
    // This row's columns inside `from T`: read from the pairs of rows, where they follow T's
    // loaded columns (known only now).
    for (const auto& [n, tables] : this_row_columns_)
      plan_.nodes[static_cast<std::size_t>(n)].payload +=
          static_cast<std::uint32_t>(plan_.tables[tables.first].columns.size());
    return std::move(plan_);
  }

 private:
  NodeId add(Node n) {
    plan_.nodes.push_back(std::move(n));
    return static_cast<NodeId>(plan_.nodes.size() - 1);
  }

  NodeId constant(Constant c, Span span) {
    Node n;
    n.op = NodeOp::constant;
    n.type = c.type;
    n.span = span;
    n.payload = static_cast<std::uint32_t>(plan_.constants.size());
    plan_.constants.push_back(std::move(c));
    return add(std::move(n));
  }

  NodeId number(const Rational& value, Span span) {
    Constant c;
    c.type = Type::number();
    c.number = value;
    return constant(std::move(c), span);
  }

  NodeId node(NodeOp op, Type type, Span span, NodeId a = kNone, NodeId b = kNone, NodeId c = kNone,
              std::uint32_t payload = 0) {
    Node n;
    n.op = op;
    n.type = type;
    n.span = span;
    n.a = a;
    n.b = b;
    n.c = c;
    n.payload = payload;
    for (NodeId child : {a, b, c})
      if (child != kNone && plan_.nodes[static_cast<std::size_t>(child)].uses_period)
        n.uses_period = true;
    if (op == NodeOp::period_start || op == NodeOp::period_end || op == NodeOp::window_start ||
        op == NodeOp::window_end)
      n.uses_period = true;
    return add(std::move(n));
  }

  std::uint32_t column_slot(std::uint32_t table, const std::string& name) {
    TablePlan& t = plan_.tables[table];
    t.used = true;
    for (std::uint32_t i = 0; i < t.columns.size(); ++i)
      if (t.columns[i] == name) return i;
    t.columns.push_back(name);
    return static_cast<std::uint32_t>(t.columns.size() - 1);
  }

  // A plain number that meets weeks or years is read in that unit: scale it to the base unit.
  NodeId adapt(NodeId n, const Type& mine, const Type& other) {
    if (n == kNone || mine.kind != Kind::number || !mine.adaptive) return n;
    const int f = unit_factor(other.unit);
    if (f == 1) return n;
    const Span s = plan_.nodes[static_cast<std::size_t>(n)].span;
    return node(NodeOp::mul, Type::number(other.unit), s, n, number(f, s));
  }

  const Type& type(ExprId id) const { return p_.type(id); }

  // What a node computes, as text: equal texts compute equal columns (used to share derived
  // columns and sorts between indicators).
  std::string structural(NodeId id) const {
    if (id == kNone) return "_";
    const Node& n = plan_.nodes[static_cast<std::size_t>(id)];
    std::string s = node_op_name(n.op);
    if (n.op == NodeOp::constant) return s + ":" + constant_source(plan_.constants[n.payload]);
    if (auto it = this_row_columns_.find(id); it != this_row_columns_.end())
      return fmt::format("this:{}.{}", it->second.second,
                         plan_.tables[it->second.second].columns[n.payload]);
    if (n.op == NodeOp::column)
      return fmt::format("{}:{}.{}", s, table_, plan_.tables[table_].columns[n.payload]);
    if (n.op == NodeOp::param || n.op == NodeOp::derived) s += fmt::format("#{}", n.payload);
    if (n.a != kNone || n.b != kNone || n.c != kNone)
      s += "(" + structural(n.a) + "," + structural(n.b) + "," + structural(n.c) + ")";
    return s;
  }

  // ---- expressions ----
  NodeId lower(ExprId id) {
    if (!id.valid()) return kNone;
    if (this_row_) {
      const std::pair<std::uint32_t, std::uint32_t> k{inner_table_, id.value};
      if (auto it = this_row_memo_.find(k); it != this_row_memo_.end()) return it->second;
      const NodeId n = lower_uncached(id);
      this_row_memo_[k] = n;
      return n;
    }
    if (auto it = memo_.find(id.value); it != memo_.end()) return it->second;
    const NodeId n = lower_uncached(id);
    memo_[id.value] = n;
    return n;
  }

  // This row's column or let inside `from T` (a Ref with `sub` 1), read from the pairs of rows.
  NodeId this_row_value(const Ref& r, const Type& t, Span span) {
    if (r.what == Ref::What::column) {
      const std::string& name = plan_.tables[outer_table_].schema.columns[r.index].name;
      const NodeId n =
          node(NodeOp::column, t, span, kNone, kNone, kNone, column_slot(outer_table_, name));
      this_row_columns_[n] = {table_, outer_table_};
      return n;
    }
    // A let: lowered again over this row's columns.
    const std::uint32_t inner = table_;
    const bool was = this_row_;
    inner_table_ = inner;
    table_ = outer_table_;
    this_row_ = true;
    const NodeId n = lower(decl_->lets.at(r.index).value);
    this_row_ = was;
    table_ = inner;
    return n;
  }

  NodeId lower_uncached(ExprId id) {
    const ast::Expr& e = m_.expr(id);
    const Type& t = type(id);
    switch (e.kind) {
      case ExprKind::number:
      case ExprKind::percent:
      case ExprKind::duration:
      case ExprKind::string:
      case ExprKind::date:
      case ExprKind::boolean:
      case ExprKind::list: {
        Diagnostics ignored;
        auto c = check::constant_of(m_, id, nullptr, ignored, "a literal");
        if (c) {
          c->type.adaptive = t.adaptive;
          return constant(std::move(*c), e.span);
        }
        break;  // a list of row values
      }
      default:
        break;
    }
    switch (e.kind) {
      case ExprKind::list: {
        // A list of row values stands only on the right of `in`, where the in_list case below
        // lowers it element by element; it is never a value of its own.
        return kNone;
      }
      case ExprKind::name:
        return name(id, e, t);
      case ExprKind::member: {
        const Ref& r = p_.ref(id);
        switch (r.what) {
          case Ref::What::period_start:
            return node(NodeOp::period_start, t, e.span);
          case Ref::What::period_end:
            return node(NodeOp::period_end, t, e.span);
          case Ref::What::window_start:
            return node(NodeOp::window_start, t, e.span);
          case Ref::What::window_end:
            return node(NodeOp::window_end, t, e.span);
          case Ref::What::benchmark:
            return node(NodeOp::ind_benchmark, t, e.span, kNone, kNone, kNone, r.index);
          case Ref::What::let:
            return this_row_value(r, t, e.span);
          case Ref::What::column:  // `T.col` inside `from T`, or this row's column there
            if (r.sub == 1) return this_row_value(r, t, e.span);
            return node(NodeOp::column, t, e.span, kNone, kNone, kNone,
                        column_slot(table_, plan_.tables[table_].schema.columns[r.index].name));
          default:
            return kNone;
        }
      }
      case ExprKind::lookup:
        return lookup(id, e, t);
      case ExprKind::call:
        return call(id, e, t);
      case ExprKind::unary:
        return node(e.op == Op::not_ ? NodeOp::not_ : NodeOp::neg, t, e.span, lower(e.args[0]));
      case ExprKind::binary:
        return binary(e, t);
      case ExprKind::in_list: {
        const NodeId a = lower(e.args[0]);
        const ast::Expr& list = m_.expr(e.args[1]);
        if (list.kind == ExprKind::list && !plan_constant(e.args[1])) {
          // `x in (a, b, c)` with row values: x = a or x = b or x = c.
          NodeId any = kNone;
          for (ExprId item : list.args) {
            const NodeId test = node(NodeOp::eq, Type::boolean(), e.span, a,
                                     adapt(lower(item), type(item), type(e.args[0])));
            any = any == kNone ? test : node(NodeOp::or_, Type::boolean(), e.span, any, test);
          }
          return e.negated ? node(NodeOp::not_, Type::boolean(), e.span, any) : any;
        }
        return node(e.negated ? NodeOp::not_in_list : NodeOp::in_list, t, e.span, a,
                    lower(e.args[1]));
      }
      case ExprKind::in_period: {
        const bool window = e.field == "window";
        const NodeId lo =
            node(window ? NodeOp::window_start : NodeOp::period_start, Type::date(), e.span);
        const NodeId hi =
            node(window ? NodeOp::window_end : NodeOp::period_end, Type::date(), e.span);
        return node(NodeOp::in_range, t, e.span, lower(e.args[0]), lo, hi);
      }
      case ExprKind::between: {
        const Type& ta = type(e.args[0]);
        return node(NodeOp::in_range, t, e.span, lower(e.args[0]),
                    adapt(lower(e.args[1]), type(e.args[1]), ta),
                    adapt(lower(e.args[2]), type(e.args[2]), ta));
      }
      case ExprKind::is_known:
        return node(e.negated ? NodeOp::is_missing : NodeOp::is_known, t, e.span, lower(e.args[0]));
      case ExprKind::previous:
        return previous(id, e, t);
      case ExprKind::conditional:
        return conditional(e, t);
      case ExprKind::rows:
        return e.text.empty() ? rows(e, t) : other_rows(id, e, t);
      default:
        break;
    }
    return kNone;
  }

  bool plan_constant(ExprId id) const { return p_.levels[id.value] == check::Level::constant; }

  NodeId name(ExprId id, const ast::Expr& e, const Type& t) {
    const Ref& r = p_.ref(id);
    switch (r.what) {
      case Ref::What::column:
        if (this_row_) {
          const NodeId n =
              node(NodeOp::column, t, e.span, kNone, kNone, kNone,
                   column_slot(table_, plan_.tables[table_].schema.columns[r.index].name));
          this_row_columns_[n] = {inner_table_, table_};
          return n;
        }
        return node(NodeOp::column, t, e.span, kNone, kNone, kNone,
                    column_slot(table_, plan_.tables[table_].schema.columns[r.index].name));
      case Ref::What::let:
        if (this_row_) return lower(decl_->lets.at(r.index).value);
        return let_nodes_.at(r.index);
      case Ref::What::param: {
        const NodeId n = node(NodeOp::param, t, e.span, kNone, kNone, kNone, r.index);
        // A parameter with dated values takes the value in force for each period.
        if (!plan_.params[r.index].dated.empty())
          plan_.nodes[static_cast<std::size_t>(n)].uses_period = true;
        return n;
      }
      case Ref::What::value:
        return node(NodeOp::ind_value, t, e.span);
      case Ref::What::target:
        return node(NodeOp::ind_target, t, e.span);
      case Ref::What::measure:
        return node(NodeOp::ind_measure, t, e.span, kNone, kNone, kNone, r.index);
      default:
        return kNone;
    }
  }

  NodeId binary(const ast::Expr& e, const Type& t) {
    const Type& ta = type(e.args[0]);
    const Type& tb = type(e.args[1]);
    NodeId a = lower(e.args[0]);
    NodeId b = lower(e.args[1]);
    // Dates and durations.
    if (e.op == Op::add || e.op == Op::sub) {
      if (ta.kind == Kind::number && tb.kind == Kind::date) {
        std::swap(a, b);
      }
      const Type& dur = ta.kind == Kind::date ? tb : ta;
      if (t.kind == Kind::date) {
        if (e.op == Op::sub) b = node(NodeOp::neg, dur, e.span, b);
        const Dimension d = dimension(dur.unit);
        const NodeOp op = d == Dimension::months         ? NodeOp::date_add_months
                          : d == Dimension::working_days ? NodeOp::date_add_working_days
                                                         : NodeOp::date_add_days;
        return node(op, t, e.span, a, b);
      }
    }
    a = adapt(a, ta, tb);
    b = adapt(b, tb, ta);
    NodeOp op = NodeOp::add;
    switch (e.op) {
      case Op::add:
        op = NodeOp::add;
        break;
      case Op::sub:
        op = NodeOp::sub;
        break;
      case Op::mul:
        op = NodeOp::mul;
        break;
      case Op::div:
        op = NodeOp::div;
        break;
      case Op::eq:
        op = NodeOp::eq;
        break;
      case Op::ne:
        op = NodeOp::ne;
        break;
      case Op::lt:
        op = NodeOp::lt;
        break;
      case Op::le:
        op = NodeOp::le;
        break;
      case Op::gt:
        op = NodeOp::gt;
        break;
      case Op::ge:
        op = NodeOp::ge;
        break;
      case Op::and_:
        op = NodeOp::and_;
        break;
      case Op::or_:
        op = NodeOp::or_;
        break;
      default:
        break;
    }
    return node(op, t, e.span, a, b);
  }

  NodeId call(ExprId id, const ast::Expr& e, const Type& t) {
    const auto builtin = static_cast<stdlib::Builtin>(p_.ref(id).index);
    std::vector<NodeId> args;
    for (ExprId a : e.args) args.push_back(lower(a));
    args.resize(3, kNone);
    NodeOp op = NodeOp::days;
    switch (builtin) {
      case stdlib::Builtin::days:
        op = NodeOp::days;
        break;
      case stdlib::Builtin::working_days:
        op = NodeOp::working_days;
        break;
      case stdlib::Builtin::weeks:
        op = NodeOp::weeks;
        break;
      case stdlib::Builtin::months:
        op = NodeOp::months;
        break;
      case stdlib::Builtin::age:
        op = NodeOp::age;
        break;
      case stdlib::Builtin::active:
        op = NodeOp::active;
        break;
      case stdlib::Builtin::coalesce:
        op = NodeOp::coalesce;
        args[0] = adapt(args[0], type(e.args[0]), type(e.args[1]));
        args[1] = adapt(args[1], type(e.args[1]), type(e.args[0]));
        break;
      case stdlib::Builtin::abs:
        op = NodeOp::abs;
        break;
      case stdlib::Builtin::year:
        op = NodeOp::year;
        break;
      case stdlib::Builtin::financial_year:
        op = NodeOp::financial_year;
        break;
      case stdlib::Builtin::least:
      case stdlib::Builtin::greatest:
        return extremes(builtin == stdlib::Builtin::least ? NodeOp::least : NodeOp::greatest, e, t);
      default:
        op = text_op(builtin);
        break;
    }
    return node(op, t, e.span, args[0], args[1], args[2]);
  }

  // least(a, b, c, d) as least(least(a, b), least(c, d)): each step skips a missing side, and
  // the plan is only log2(arguments) deep however many are given.
  NodeId extremes(NodeOp op, const ast::Expr& e, const Type& t) {
    std::vector<NodeId> level;
    for (ExprId a : e.args) level.push_back(adapt(lower(a), type(a), t));
    while (level.size() > 1) {
      std::vector<NodeId> up;
      for (std::size_t i = 0; i + 1 < level.size(); i += 2)
        up.push_back(node(op, t, e.span, level[i], level[i + 1]));
      if (level.size() % 2 == 1) up.push_back(level.back());
      level = std::move(up);
    }
    return level.empty() ? kNone : level.front();
  }

  static NodeOp text_op(stdlib::Builtin b) {
    switch (b) {
      case stdlib::Builtin::length:
        return NodeOp::length;
      case stdlib::Builtin::upper:
        return NodeOp::upper;
      case stdlib::Builtin::lower:
        return NodeOp::lower;
      case stdlib::Builtin::trim:
        return NodeOp::trim;
      case stdlib::Builtin::starts_with:
        return NodeOp::starts_with;
      case stdlib::Builtin::ends_with:
        return NodeOp::ends_with;
      case stdlib::Builtin::contains:
        return NodeOp::contains;
      case stdlib::Builtin::substring:
        return NodeOp::substring;
      default:
        return NodeOp::matches;
    }
  }

  NodeId conditional(const ast::Expr& e, const Type& t) {
    return node(NodeOp::if_, t, e.span, lower(e.args[0]),
                adapt(lower(e.args[1]), type(e.args[1]), t),
                adapt(lower(e.args[2]), type(e.args[2]), t));
  }

  NodeId lookup(ExprId id, const ast::Expr& e, const Type& t) {
    const Ref& r = p_.ref(id);
    const std::uint32_t target = r.index;
    const auto& schema = plan_.tables[target].schema;
    const std::uint32_t key_decl = *p_.tables[target].key;
    if (p_.levels[id.value] == check::Level::indicator && lookups_) {
      // Once per period, in the figures: the key is the period's.
      TableLookup l;
      l.table = target;
      l.key_column = column_slot(target, schema.columns[key_decl].name);
      l.column = column_slot(target, schema.columns[r.sub].name);
      l.key = lower(e.args[0]);
      l.text = ast::expr_source(m_, id);
      lookups_->push_back(std::move(l));
      return node(NodeOp::ind_lookup, t, e.span, kNone, kNone, kNone,
                  static_cast<std::uint32_t>(lookups_->size() - 1));
    }
    Derived d;
    d.kind = Derived::Kind::lookup;
    d.table = table_;
    d.type = t;
    d.key = lower(e.args[0]);
    d.target_table = target;
    d.target_key = column_slot(target, schema.columns[key_decl].name);
    d.target_column = column_slot(target, schema.columns[r.sub].name);
    plan_.tables[target].key = d.target_key;
    d.signature = fmt::format("lookup {}.{} by {}", schema.name, e.field, structural(d.key));
    return derived(std::move(d), t, e.span);
  }

  // `order by A, B desc`: every key in d.orders with its direction, d.order the first; the text
  // that names the sort (d.order's own for one ascending key).
  std::string order_keys(ExprId order, Derived& d) {
    if (!order.valid() || m_.expr(order).kind != ExprKind::order_keys) return structural(d.order);
    const ast::Expr& keys = m_.expr(order);
    std::string text;
    for (std::size_t k = 0; k < keys.args.size(); ++k) {
      d.orders.push_back(lower(keys.args[k]));
      const char dir = k < keys.text.size() && keys.text[k] == 'd' ? 'd' : 'a';
      d.directions += dir;
      text += fmt::format("{}{}{}", k ? ", " : "", structural(d.orders.back()),
                          dir == 'd' ? " desc" : "");
    }
    d.order = d.orders.front();
    return text;
  }

  NodeId previous(ExprId, const ast::Expr& e, const Type& t) {
    Derived d;
    d.kind = e.op == Op::next ? Derived::Kind::next : Derived::Kind::previous;
    d.table = table_;
    d.type = t;
    d.value = lower(e.args[0]);
    d.key = lower(e.args[1]);
    d.order = e.args[2].valid() ? lower(e.args[2]) : d.value;
    const std::string order_text = order_keys(e.args[2], d);
    d.where = lower(e.args[3]);
    d.signature = fmt::format("per {} order by {}", structural(d.key), order_text);
    const std::string full = fmt::format("{} {} value {} where {}", ast::op_text(e.op), d.signature,
                                         structural(d.value), structural(d.where));
    if (auto it = derived_by_text_.find(full); it != derived_by_text_.end())
      return node(NodeOp::derived, t, e.span, kNone, kNone, kNone, it->second);
    const NodeId n = derived(std::move(d), t, e.span);
    derived_by_text_[full] = plan_.nodes[static_cast<std::size_t>(n)].payload;
    return n;
  }

#include "lang/plan/compile_rows.inc"

  NodeId derived(Derived d, const Type& t, Span span) {
    for (const NodeId n : {d.value, d.key, d.order, d.where, d.link})
      if (n != kNone && plan_.nodes[static_cast<std::size_t>(n)].uses_period) d.per_period = true;
    if (d.per_period) {
      plan_.derived.push_back(std::move(d));
      const NodeId n = node(NodeOp::derived, t, span, kNone, kNone, kNone,
                            static_cast<std::uint32_t>(plan_.derived.size() - 1));
      plan_.nodes[static_cast<std::size_t>(n)].uses_period = true;
      return n;
    }
    if (d.kind == Derived::Kind::lookup) {
      for (std::uint32_t i = 0; i < plan_.derived.size(); ++i)
        if (plan_.derived[i].signature == d.signature)
          return node(NodeOp::derived, t, span, kNone, kNone, kNone, i);
    }
    plan_.derived.push_back(std::move(d));
    return node(NodeOp::derived, t, span, kNone, kNone, kNone,
                static_cast<std::uint32_t>(plan_.derived.size() - 1));
  }

  // ---- indicators ----
  AggSpec agg(const ast::AggClause& c) {
    AggSpec a;
    const ast::Expr& e = m_.expr(c.aggregate);
    if (check::is_headcount(e)) {
      a.op = AggOp::headcount;
      a.operand = active_days(lower(e.args[0]), lower(e.args[1]), e.span);
      return a;
    }
    a.op = agg_op(e.op);
    if (!e.args.empty()) a.operand = lower(e.args[0]);
    return a;
  }

  // The days of the window a row is active, for headcount(START, END): active on day d when
  // START <= d and (END is missing or END > d), so the days from greatest(START, window.start)
  // up to but not including least(END, window.end + 1 day), none when that is not after it.
  NodeId active_days(NodeId start, NodeId end, Span span) {
    const Type day = Type::date();
    const Type days = Type::number(Unit::days);
    const NodeId after = node(NodeOp::date_add_days, day, span, node(NodeOp::window_end, day, span),
                              number(1, span));
    const NodeId from =
        node(NodeOp::greatest, day, span, start, node(NodeOp::window_start, day, span));
    // A missing START stays missing, so the row counts no day.
    const NodeId from_known = node(
        NodeOp::if_, day, span, node(NodeOp::is_known, Type::boolean(), span, start), from, start);
    const NodeId to =
        node(NodeOp::least, day, span, node(NodeOp::coalesce, day, span, end, after), after);
    Constant zero;
    zero.type = days;
    zero.number = 0;
    return node(NodeOp::greatest, days, span, node(NodeOp::days, days, span, from_known, to),
                constant(std::move(zero), span));
  }

  void indicator(std::uint32_t index) {
    const check::Indicator& ci = p_.indicators[index];
    const ast::IndicatorDecl& d = *ci.decl;
    memo_.clear();
    this_row_memo_.clear();
    let_nodes_.clear();
    table_ = ci.table;
    decl_ = &d;
    plan_.tables[table_].used = true;

    IndicatorPlan ip;
    ip.index = index;
    ip.name = ci.name;
    ip.code = d.code ? d.code->text : "";
    ip.title = d.title ? d.title->text : (d.heading.empty() ? ci.name : d.heading);
    ip.clauses = ast::clause_texts(m_, d);
    ip.selected_by_default = ci.named_on_command_line;
    ip.table = ci.table;
    ip.cadence = d.period.value_or(Cadence::quarter);
    if (d.window) {
      ip.window = d.window->kind;
      ip.window_months = d.window->months;
    }
    for (const auto& l : d.lets) {
      const NodeId n = lower(l.value);
      let_nodes_.push_back(n);
      ip.lets.push_back(Let{l.name.text, n});
    }
    if (d.where) ip.where = lower(*d.where);
    ip.ratio = !d.value.has_value();
    for (const auto& mc : d.measures)
      ip.measures.push_back(Measure{
          mc.name.text, agg(ast::AggClause{mc.aggregate, mc.where, mc.span}), lower(mc.where)});
    lookups_ = &ip.lookups;
    if (d.denominator && check::uses_measures(m_, d, *d.denominator)) {
      ip.denominator_expr = lower(d.denominator->aggregate);
    } else if (d.denominator) {
      ip.denominator = agg(*d.denominator);
      ip.denominator_where = lower(d.denominator->where);
    }
    if (d.numerator && check::uses_measures(m_, d, *d.numerator)) {
      ip.numerator_expr = lower(d.numerator->aggregate);
    } else if (d.numerator) {
      ip.numerator = agg(*d.numerator);
      ip.numerator_where = lower(d.numerator->where);
    }
    if (d.value && check::uses_measures(m_, d, *d.value)) {
      ip.value_expr = lower(d.value->aggregate);
    } else if (d.value) {
      ip.value = agg(*d.value);
      ip.value_where = lower(d.value->where);
    }
    lookups_ = nullptr;
    ip.unit = ci.unit;
    ip.unit_text = ci.unit == ast::UnitKind::rate && d.unit
                       ? fmt::format("rate per {}", d.unit->per)
                       : ast::unit_name(ci.unit);
    ip.multiplier = ci.unit_multiplier;
    ip.decimals = ci.decimals;
    ip.polarity = ci.polarity;
    auto adapt_value = [&](ExprId id) { return adapt(lower(id), type(id), ci.value_type); };
    if (d.target) {
      const ast::Expr& t = m_.expr(*d.target);
      if (t.kind == ExprKind::interval) {
        ip.target_low = adapt_value(t.args[0]);
        ip.target_high = adapt_value(t.args[1]);
      } else {
        ip.target = adapt_value(*d.target);
      }
    }
    for (const auto& b : d.benchmarks)
      ip.benchmarks.push_back(Benchmark{b.name.text, adapt_value(b.value)});
    if (d.rag)
      for (const auto& r : d.rag->rules) ip.rag.push_back(RagRule{r.colour, lower(r.when)});
    if (d.trend) {
      ip.has_trend = true;
      ip.trend = d.trend->kind;
      ip.stable_within =
          d.trend->stable_within.valid() ? adapt_value(d.trend->stable_within) : kNone;
    }
    if (ci.by) {
      ip.by = lower(*ci.by);
      ip.by_text = ast::expr_source(m_, *ci.by);
    }
    plan_.indicators.push_back(std::move(ip));
  }

  const check::Program& p_;
  const ast::Module& m_;
  Plan plan_;
  std::uint32_t table_ = 0;
  std::map<std::uint32_t, NodeId> memo_;
  std::vector<NodeId> let_nodes_;
  const ast::IndicatorDecl* decl_ = nullptr;
  // Inside `from T`: this row's table; while lowering one of this row's lets there, T.
  std::uint32_t outer_table_ = 0, inner_table_ = 0;
  bool this_row_ = false;  // lowering one of this row's lets inside `from T`
  std::map<std::pair<std::uint32_t, std::uint32_t>, NodeId> this_row_memo_;  // by (T, expr)
  // This row's column nodes inside `from T`: (T, this row's table). Their slots are this row's
  // table's, moved past T's loaded columns once all are known.
  std::map<NodeId, std::pair<std::uint32_t, std::uint32_t>> this_row_columns_;
  std::map<std::string, std::uint32_t> derived_by_text_;
  // While an indicator's clauses are lowered: where its indicator-level lookups go.
  std::vector<TableLookup>* lookups_ = nullptr;
};

}  // namespace

Plan compile(const check::Program& program, const std::vector<std::uint32_t>& selected) {
  std::vector<std::uint32_t> chosen = selected;
  if (chosen.empty()) {
    for (std::uint32_t i = 0; i < program.indicators.size(); ++i)
      if (program.indicators[i].named_on_command_line) chosen.push_back(i);
  }
  Compiler c(program);
  Plan plan = c.run(chosen);
  plan.suppression = program.suppression;
  return plan;
}

}  // namespace tally::plan
