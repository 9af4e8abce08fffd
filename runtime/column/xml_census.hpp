// Reads the tables of std/cin.tally straight from a children in need census return (the DfE's
// XML: children, their CIN details, and within those assessments, CIN plans, section 47
// enquiries, child protection plans and their reviews), streaming it with expat so that a
// national file is never held whole. Each nested level is a table that carries the child's
// LAchildID down, with the identifiers the flattening gives (referral_id, plan_id); every fault
// is reported at the element's line and column with its path.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "lang/base/schema.hpp"
#include "runtime/column/column.hpp"
#include "runtime/column/loader.hpp"
#include "runtime/column/parallel_load.hpp"

namespace tally::runtime {

// Whether the census gives a table of this name (children, referrals, assessments, cin_plans,
// section47, cp_plans, cp_reviews, pre_proceedings).
bool is_census_table(std::string_view table);

// The census tables' names joined with ", ", for messages.
std::string census_table_names();

// The columns the census gives table `table`, each as "name (Element)", for docs and messages.
std::vector<std::string> census_columns(std::string_view table);

struct CensusRequest {
  const TableSchema* schema = nullptr;  // its name is one of the census tables
  std::vector<std::string> columns;     // as for load_table
};

// Loads every requested table in one pass over `file`; one result per request, in order. A
// fault of the whole file (malformed XML, not a census) is reported once, with the first table.
// A file larger than `split_bytes` is read as two halves at once when it can be (the result is
// the same).
std::vector<LoadResult> load_census(const std::filesystem::path& file,
                                    const std::vector<CensusRequest>& requests, StringPool& pool,
                                    const LoadOptions& options,
                                    std::uint64_t split_bytes = default_split_bytes());

// Whether the file at `path` starts like a census message: its first element is <Message>.
bool looks_like_census(const std::filesystem::path& path);

}  // namespace tally::runtime
