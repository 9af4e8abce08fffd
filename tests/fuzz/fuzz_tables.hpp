// What the fuzz targets that load tables share: a column's schema in one line, and everything a
// load gave as text, so that two ways of loading one file can be compared.
#pragma once

#include <fmt/format.h>

#include <string>

#include "runtime/column/loader.hpp"

namespace tally::fuzz {

inline ColumnSchema column(const char* name, ColumnType type, bool nullable,
                           const char* layout = "", bool key = false) {
  ColumnSchema c;
  c.name = name;
  c.type = type;
  c.nullable = nullable;
  c.date_format = layout;
  c.key = key;
  return c;
}

// Everything a load gave, with text cells as their text (codes differ between pools).
inline std::string canonical(const runtime::LoadResult& r, const runtime::StringPool& pool) {
  std::string out;
  for (const auto& e : r.errors) out += e.render("error") + "\n";
  for (const auto& w : r.warnings) out += w.render("warning") + "\n";
  if (!r.table) return out + "no table\n";
  const runtime::Table& t = *r.table;
  out += fmt::format("rows {} rejected {}\n", t.rows(), t.rejected);
  for (std::size_t row = 0; row < t.rows(); ++row) {
    out += fmt::format("{}:", t.lines[row]);
    for (const auto& c : t.columns) {
      if (!c.validity.known(row)) {
        out += " -";
      } else if (c.type == ColumnType::text) {
        out += fmt::format(" '{}'", pool.text(c.data[row]));
      } else {
        out += fmt::format(" {}e-{}", c.data[row], c.scale);
      }
    }
    out += "\n";
  }
  return out;
}

}  // namespace tally::fuzz
