// Plain-words renderings of indicators: what a councillor reads under a figure.
#include "lang/check/describe.hpp"

#include <fmt/format.h>

#include "lang/check/describe_rows.hpp"
#include "stdlib/builtins.hpp"

namespace tally::check {

namespace {

using ast::ExprId;
using ast::ExprKind;
using ast::Op;

const char* cadence_noun(ast::Cadence c) {
  switch (c) {
    case ast::Cadence::month:
      return "month";
    case ast::Cadence::quarter:
      return "quarter";
    case ast::Cadence::year:
      return "year";
  }
  return "period";
}

class Describer {
 public:
  Describer(const Program& p, const Indicator& ind, const std::vector<Constant>& params,
            const std::vector<std::uint8_t>& replaced)
      : p_(p), m_(*p.module), ind_(ind), d_(*ind.decl), params_(params), replaced_(replaced) {}

  std::string words(ExprId id) const {
    if (!id.valid()) return "";
    const ast::Expr& e = m_.expr(id);
    auto arg = [&](std::size_t i) { return words(e.args[i]); };
    switch (e.kind) {
      case ExprKind::name: {
        const Ref& r = p_.ref(id);
        if (r.what == Ref::What::param) {
          const bool replaced = r.index < replaced_.size() && replaced_[r.index] != 0;
          if (!p_.params[r.index].dated.empty() && !replaced)
            return fmt::format("{} ({})", e.text, dated_words(p_.params[r.index]));
          const Constant& c =
              r.index < params_.size() ? params_[r.index] : p_.params[r.index].value;
          return fmt::format("{} ({})", e.text, constant_display(c));
        }
        if (r.what == Ref::What::value) return "the value";
        if (r.what == Ref::What::target) return "the target";
        return e.text;
      }
      case ExprKind::member:
        if (e.text == "period" || e.text == "window")
          return fmt::format("the {} of the {}", e.field == "start" ? "start" : "end",
                             e.text == "period" ? cadence_noun(*d_.period) : "window");
        if (e.text == "benchmark") return fmt::format("the {} benchmark", e.field);
        if (const Ref& r = p_.ref(id);
            r.sub == 1 && (r.what == Ref::What::column || r.what == Ref::What::let))
          return fmt::format("this row's {}", e.field);  // inside `from T`: this row's value
        return ast::expr_source(m_, id);
      case ExprKind::lookup:
        return fmt::format("the {} of the {} row with key {}", e.field, e.text, arg(0));
      case ExprKind::call:
        if (e.text == "days") return fmt::format("the days from {} to {}", arg(0), arg(1));
        if (e.text == "working_days")
          return fmt::format("the working days from {} to {}", arg(0), arg(1));
        if (e.text == "weeks") return fmt::format("the whole weeks from {} to {}", arg(0), arg(1));
        if (e.text == "months")
          return fmt::format("the whole months from {} to {}", arg(0), arg(1));
        if (e.text == "age")
          return fmt::format("the age on {} of someone born on {}", arg(1), arg(0));
        if (e.text == "active")
          return fmt::format("the span from {} to {} covers {}", arg(0), arg(1), arg(2));
        if (e.text == "coalesce")
          return fmt::format("{}, or {} when it is not recorded", arg(0), arg(1));
        if (e.text == "least" || e.text == "greatest") {
          std::string list;
          for (std::size_t i = 0; i < e.args.size(); ++i)
            list += (i == 0 ? "" : i + 1 == e.args.size() ? " and " : ", ") + arg(i);
          return fmt::format("the {} of {} (leaving out any not recorded)",
                             e.text == "least" ? "earlier or smaller" : "later or larger", list);
        }
        if (e.text == "length") return fmt::format("the number of characters in {}", arg(0));
        if (e.text == "upper") return fmt::format("{} in capitals", arg(0));
        if (e.text == "lower") return fmt::format("{} in small letters", arg(0));
        if (e.text == "trim") return fmt::format("{} without surrounding spaces", arg(0));
        if (e.text == "starts_with") return fmt::format("{} begins with {}", arg(0), arg(1));
        if (e.text == "ends_with") return fmt::format("{} ends with {}", arg(0), arg(1));
        if (e.text == "contains") return fmt::format("{} contains {}", arg(0), arg(1));
        if (e.text == "substring")
          return fmt::format("{} from character {}, {} character(s) long", arg(0), arg(1), arg(2));
        if (e.text == "matches") return fmt::format("{} has the form {}", arg(0), arg(1));
        if (e.text == "year") return fmt::format("the calendar year of {}", arg(0));
        if (e.text == "financial_year")
          return fmt::format("the year the financial year holding {} starts", arg(0));
        if (e.text == "headcount" && e.args.size() == 2)
          return fmt::format(
              "the average daily number of rows active over the {} (from {}, until {} when "
              "recorded)",
              window_words(), arg(0), arg(1));
        return ast::expr_source(m_, id);
      case ExprKind::previous:
        return fmt::format(
            "the {} {} for the same {}{}{}", e.op == Op::next ? "next" : "previous", arg(0), arg(1),
            e.args[2].valid() && m_.expr(e.args[2]).kind == ExprKind::order_keys
                ? fmt::format(" in order of {}", arg(2))
                : std::string(),
            e.args[3].valid() ? fmt::format(" among rows where {}", arg(3)) : std::string());
      case ExprKind::order_keys: {
        std::string out;
        for (std::size_t i = 0; i < e.args.size(); ++i)
          out += fmt::format(
              "{}{}{}", i == 0 ? "" : ", then ", arg(i),
              i < e.text.size() && e.text[i] == 'd' ? " (latest or largest first)" : "");
        return out;
      }
      case ExprKind::rows:
        return rows_words(m_, e, [&](ExprId x) { return words(x); });
      case ExprKind::unary:
        return e.op == Op::not_ ? fmt::format("not ({})", arg(0)) : "-" + arg(0);
      case ExprKind::binary: {
        const char* verb = nullptr;
        switch (e.op) {
          case Op::and_:
            return fmt::format("{} and {}", arg(0), arg(1));
          case Op::or_:
            return fmt::format("{} or {}", arg(0), arg(1));
          case Op::le:
            verb = "is at most";
            break;
          case Op::lt:
            verb = "is less than";
            break;
          case Op::ge:
            verb = "is at least";
            break;
          case Op::gt:
            verb = "is more than";
            break;
          case Op::eq:
            verb = "is";
            break;
          case Op::ne:
            verb = "is not";
            break;
          default:
            return fmt::format("{} {} {}", arg(0), ast::op_text(e.op), arg(1));
        }
        return fmt::format("{} {} {}", arg(0), verb, arg(1));
      }
      case ExprKind::in_period:
        if (e.field == "window") return fmt::format("{} falls in the {}", arg(0), window_words());
        return fmt::format("{} falls in the {}", arg(0), cadence_noun(*d_.period));
      case ExprKind::in_list:
        return fmt::format("{} is {}one of {}", arg(0), e.negated ? "not " : "", arg(1));
      case ExprKind::between:
        return fmt::format("{} is between {} and {}", arg(0), arg(1), arg(2));
      case ExprKind::is_known:
        return fmt::format("{} is {}", arg(0), e.negated ? "not recorded" : "recorded");
      case ExprKind::aggregate: {
        switch (e.op) {
          case Op::count:
            return "the number of rows";
          case Op::count_distinct:
            return fmt::format("the number of different {}", arg(0));
          case Op::sum:
            return fmt::format("the total of {}", arg(0));
          case Op::mean:
            return fmt::format("the mean of {}", arg(0));
          case Op::median:
            return fmt::format("the median of {}", arg(0));
          case Op::min:
            return fmt::format("the smallest {}", arg(0));
          case Op::max:
            return fmt::format("the largest {}", arg(0));
          default:
            break;
        }
        break;
      }
      case ExprKind::interval:
        return fmt::format("{} to {}", arg(0), arg(1));
      case ExprKind::conditional: {
        // `if a then x else if b then y else z`: "x when a, otherwise y when b, otherwise z".
        std::string out;
        ExprId at = id;
        for (std::size_t depth = 0; m_.expr(at).kind == ExprKind::conditional && depth < 100;
             ++depth) {
          const ast::Expr& c = m_.expr(at);
          out += fmt::format("{}{} when {}", out.empty() ? "" : ", otherwise ", words(c.args[1]),
                             words(c.args[0]));
          at = c.args[2];
        }
        return fmt::format("{}, otherwise {} (a condition not known counts as not holding)", out,
                           words(at));
      }
      default:
        break;
    }
    return ast::expr_source(m_, id);
  }

  std::string window_words() const {
    if (!d_.window) return cadence_noun(*d_.period);
    switch (d_.window->kind) {
      case ast::WindowKind::rolling_months:
        return fmt::format("{} months to the end of the {}", d_.window->months,
                           cadence_noun(*d_.period));
      case ast::WindowKind::year_to_date:
        return fmt::format("financial year to the end of the {}", cadence_noun(*d_.period));
      case ast::WindowKind::period:
        break;
    }
    return cadence_noun(*d_.period);
  }

  std::string sentence() const {
    std::string out;
    const Table& t = p_.tables[ind_.table];
    const std::string rows = t.schema.title.empty() ? t.schema.name + " rows" : t.schema.title;
    std::vector<std::string> filters;
    if (d_.where) filters.push_back(words(*d_.where));
    const bool measures = (d_.value && uses_measures(m_, d_, *d_.value)) ||
                          (d_.numerator && uses_measures(m_, d_, *d_.numerator));
    if (measures) {
      out = fmt::format("Measures over the {}", lower_first(rows));
      if (!filters.empty()) out += fmt::format(" where {}", join_and(filters));
      out += ", each over its own rows:";
      for (std::size_t k = 0; k < d_.measures.size(); ++k) {
        const ast::MeasureClause& mc = d_.measures[k];
        out += fmt::format(" {} is {}{}{}", mc.name.text, words(mc.aggregate),
                           mc.where.valid() ? " where " + words(mc.where) : std::string(),
                           k + 1 == d_.measures.size() ? "." : ";");
      }
      if (d_.value) {
        out += fmt::format(" The value is {}.", ast::expr_source(m_, d_.value->aggregate));
      } else if (d_.numerator && d_.denominator) {
        std::string share;
        switch (ind_.unit) {
          case ast::UnitKind::percent:
            share = "percentage";
            break;
          case ast::UnitKind::rate:
            share = fmt::format("rate per {}", d_.unit ? d_.unit->per : "1");
            break;
          default:
            share = "share";
            break;
        }
        out += fmt::format(
            " The {} is {} out of {}; the numerator's rows need not be among the "
            "denominator's.",
            share, ast::expr_source(m_, d_.numerator->aggregate),
            ast::expr_source(m_, d_.denominator->aggregate));
      }
    } else if (d_.value) {
      if (d_.value->where.valid()) filters.push_back(words(d_.value->where));
      out = fmt::format("{} among the {}", capital(words(d_.value->aggregate)), lower_first(rows));
      if (!filters.empty()) out += fmt::format(" where {}", join_and(filters));
      out += ".";
    } else if (d_.denominator && d_.numerator) {
      if (d_.denominator->where.valid()) filters.push_back(words(d_.denominator->where));
      const bool counts = m_.expr(d_.denominator->aggregate).op == Op::count;
      out = counts ? fmt::format("Of the {}", lower_first(rows))
                   : fmt::format("Of {} over the {}", words(d_.denominator->aggregate),
                                 lower_first(rows));
      if (!filters.empty()) out += fmt::format(" where {}", join_and(filters));
      std::string share;
      switch (ind_.unit) {
        case ast::UnitKind::percent:
          share = "the percentage";
          break;
        case ast::UnitKind::rate:
          share = fmt::format("the rate per {}", d_.unit ? d_.unit->per : "1");
          break;
        default:
          share = "the share";
          break;
      }
      out += fmt::format(", {}", share);
      if (m_.expr(d_.numerator->aggregate).op != Op::count)
        out += fmt::format(" of {}", words(d_.numerator->aggregate));
      if (d_.numerator->where.valid()) out += fmt::format(" where {}", words(d_.numerator->where));
      out += ".";
    }
    for (const auto& let : d_.lets)
      out += fmt::format(" {} is {}.", let.name.text, words(let.value));
    if (d_.target) out += fmt::format(" Target: {}.", words(*d_.target));
    if (d_.rag) {
      std::vector<std::string> rules;
      for (const auto& r : d_.rag->rules) {
        rules.push_back(r.when.valid()
                            ? fmt::format("{} when {}", ast::colour_name(r.colour), words(r.when))
                            : fmt::format("{} otherwise", ast::colour_name(r.colour)));
      }
      out += " " + capital(fmt::format("{}", fmt::join(rules, "; "))) + ".";
    }
    switch (ind_.polarity) {
      case ast::Polarity::higher:
        out += " Higher is better";
        break;
      case ast::Polarity::lower:
        out += " Lower is better";
        break;
      case ast::Polarity::range:
        out += " Within the target range is best";
        break;
      case ast::Polarity::neutral:
        out += " No direction is better: a change is reported as up or down";
        break;
    }
    if (d_.trend) {
      out += d_.trend->kind == ast::TrendKind::previous_period
                 ? fmt::format("; compared with the previous {}", cadence_noun(*d_.period))
                 : fmt::format("; compared with the same {} last year", cadence_noun(*d_.period));
      if (d_.trend->stable_within.valid())
        out += fmt::format(", stable within {}", words(d_.trend->stable_within));
    }
    out += ".";
    if (ind_.by)
      out += fmt::format(" Broken down by {}: each group has its own figures beside the total.",
                         words(*ind_.by));
    return out;
  }

 private:
  static std::string capital(std::string s) {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s;
  }
  static std::string lower_first(std::string s) {
    if (s.size() > 1 && s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z'))
      s[0] = static_cast<char>(s[0] - 'A' + 'a');
    return s;
  }
  static std::string join_and(const std::vector<std::string>& parts) {
    return fmt::format("{}", fmt::join(parts, " and "));
  }

  const Program& p_;
  const ast::Module& m_;
  const Indicator& ind_;
  const ast::IndicatorDecl& d_;
  const std::vector<Constant>& params_;
  const std::vector<std::uint8_t>& replaced_;
};

}  // namespace

std::string describe_heading(const Program& program, std::uint32_t indicator) {
  const Indicator& ind = program.indicators[indicator];
  const ast::IndicatorDecl& d = *ind.decl;
  return fmt::format("{}{}{}", d.code ? d.code->text + " " : "", d.title ? d.title->text : ind.name,
                     d.code || d.title ? fmt::format(" ({})", ind.name) : "");
}

std::string describe_indicator(const Program& program, std::uint32_t indicator,
                               const std::vector<Constant>& params,
                               const std::vector<std::uint8_t>& replaced) {
  const Indicator& ind = program.indicators[indicator];
  if (!ind.decl || !ind.decl->period) return "";
  return Describer(program, ind, params, replaced).sentence();
}

std::string dated_words(const Param& param) {
  std::string out = constant_display(param.value);
  for (const DatedConstant& d : param.dated)
    out += fmt::format("; {} from {}", constant_display(d.value), format_iso(d.from));
  return out;
}

}  // namespace tally::check
