// The shape of a declared table: column names, types, whether a cell may be empty, the date
// layout and the key. Built by the checker, carried by the plan, read by the loader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tally {

enum class ColumnType : std::uint8_t { text, integer, decimal, date, boolean };

const char* column_type_name(ColumnType type);

struct ColumnSchema {
  std::string name;
  ColumnType type = ColumnType::text;
  bool nullable = false;    // declared with `?`
  std::string date_format;  // layout such as "dd/mm/yyyy"; empty means yyyy-mm-dd
  bool key = false;         // values unique; the table can be looked up by it
};

struct TableSchema {
  std::string name;   // the table's name; its data is read from NAME.csv
  std::string title;  // the optional display title
  std::vector<ColumnSchema> columns;

  const ColumnSchema* find(const std::string& column) const {
    for (const auto& c : columns)
      if (c.name == column) return &c;
    return nullptr;
  }
};

}  // namespace tally
