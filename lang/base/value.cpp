#include "lang/base/value.hpp"

namespace tally {

Dimension dimension(Unit unit) {
  switch (unit) {
    case Unit::none:
      return Dimension::none;
    case Unit::days:
    case Unit::weeks:
      return Dimension::days;
    case Unit::working_days:
      return Dimension::working_days;
    case Unit::months:
    case Unit::years:
      return Dimension::months;
    case Unit::percent:
      return Dimension::percent;
  }
  return Dimension::none;
}

int unit_factor(Unit unit) {
  switch (unit) {
    case Unit::weeks:
      return 7;
    case Unit::years:
      return 12;
    default:
      return 1;
  }
}

const char* unit_text(Unit unit) {
  switch (unit) {
    case Unit::none:
      return "";
    case Unit::days:
      return "days";
    case Unit::working_days:
      return "working days";
    case Unit::weeks:
      return "weeks";
    case Unit::months:
      return "months";
    case Unit::years:
      return "years";
    case Unit::percent:
      return "percent";
  }
  return "";
}

std::string describe(const Type& t) {
  switch (t.kind) {
    case Kind::error:
      return "an invalid value";
    case Kind::boolean:
      return "true/false";
    case Kind::text:
      return "text";
    case Kind::date:
      return "a date";
    case Kind::list:
      return "a list";
    case Kind::number:
      if (t.unit == Unit::none)
        return t.adaptive ? "a plain number" : "a number (a count or amount)";
      if (t.unit == Unit::percent) return "a percentage";
      return unit_text(t.unit);
  }
  return "?";
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

namespace {
std::string number_source(const Constant& c) {
  const Rational shown = c.number / unit_factor(c.type.unit);
  std::string n = format_exact(shown);
  switch (c.type.unit) {
    case Unit::none:
      return n;
    case Unit::percent:
      return n + "%";
    default: {
      const bool one = shown == 1;
      std::string u = unit_text(c.type.unit);
      if (one) u.pop_back();  // "1 day", "1 working day", "1 year"
      return n + " " + u;
    }
  }
}
}  // namespace

std::string constant_source(const Constant& c) {
  switch (c.type.kind) {
    case Kind::number:
      return number_source(c);
    case Kind::date:
      return format_iso(c.date);
    case Kind::boolean:
      return c.boolean ? "true" : "false";
    case Kind::text:
      return quoted(c.text);
    case Kind::list: {
      std::string out = "(";
      for (std::size_t i = 0; i < c.items.size(); ++i)
        out += (i ? ", " : "") + constant_source(c.items[i]);
      return out + ")";
    }
    case Kind::error:
      return "?";
  }
  return "?";
}

std::string constant_display(const Constant& c) {
  if (c.type.kind == Kind::text) return c.text;
  if (c.type.kind == Kind::list) {
    std::string out;
    for (std::size_t i = 0; i < c.items.size(); ++i)
      out += (i ? ", " : "") + constant_display(c.items[i]);
    return out;
  }
  return constant_source(c);
}

}  // namespace tally
