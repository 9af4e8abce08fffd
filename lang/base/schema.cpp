#include "lang/base/schema.hpp"

namespace tally {

const char* column_type_name(ColumnType type) {
  switch (type) {
    case ColumnType::text:
      return "text";
    case ColumnType::integer:
      return "int";
    case ColumnType::decimal:
      return "decimal";
    case ColumnType::date:
      return "date";
    case ColumnType::boolean:
      return "bool";
  }
  return "?";
}

}  // namespace tally
