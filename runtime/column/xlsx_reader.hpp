// Reads a declared table from a sheet of an Excel workbook (.xlsx: a zip of XML parts, read with
// libzip and expat, the sheet streamed row by row): the header is the first row that names every
// column asked for; shared and inline strings, numbers (also when stored as text), booleans, and
// dates as Excel stores them (serial numbers from 1900, with its phantom 29 February 1900, or from
// 1904 when the workbook says so) or as text. Faults name the sheet and cell: Sheet1!C14.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lang/base/date.hpp"
#include "lang/base/schema.hpp"
#include "runtime/column/column.hpp"
#include "runtime/column/loader.hpp"

namespace tally::runtime {

// A header or a sheet's name written as a name: letters and digits in lower case, each run of
// anything else one underscore, none at either end ("Age of Child (Years)" is
// age_of_child_years).
std::string as_name(std::string_view text);

// Whether sheet `sheet` holds table `table`: its name is the table's, or written as a name it is
// the table's name or starts with it and an underscore ("List 3 - Referrals" holds list_3).
bool sheet_holds(std::string_view sheet, std::string_view table);

// The names of a workbook's sheets, in order; nullopt when it cannot be read as a workbook.
std::optional<std::vector<std::string>> xlsx_sheet_names(const std::filesystem::path& file);

// Loads `schema` (keeping `columns`, as load_table) from sheet `sheet` of `file`; an empty sheet
// name means the sheet that holds the table (sheet_holds), or else the first sheet. A header
// cell names a column when it is the column's name, or is it once written as a name.
LoadResult load_xlsx_table(const TableSchema& schema, const std::vector<std::string>& columns,
                           const std::filesystem::path& file, const std::string& sheet,
                           StringPool& pool, const LoadOptions& options);

// The day of an Excel serial number (whole days; a time of day is dropped), or nullopt for one
// that names no day: before 1 (0 in a 1904 workbook), 60 in a 1900 workbook (29 February 1900,
// which Excel counts but which did not exist), or past the years tally holds.
std::optional<Day> excel_serial_day(std::string_view number, bool date1904);

// A number as Excel writes it (digits, point, optional exponent: 1.5E-3) in plain decimal
// notation (0.0015); nullopt when it is not a number or the exponent is out of reach.
std::optional<std::string> plain_number(std::string_view number);

}  // namespace tally::runtime
