#include "runtime/column/dataset.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>

#include "runtime/column/parallel_load.hpp"
#include "runtime/column/xlsx_reader.hpp"
#include "runtime/column/xml_census.hpp"

namespace tally::runtime {

namespace {

// Data files are read only inside the data folder: a TABLE.csv that is a symbolic link leading out
// of it is refused (the message names where it leads, never what it holds).
std::optional<std::string> leads_outside(const std::filesystem::path& file,
                                         const std::filesystem::path& folder) {
  std::error_code ec;
  if (!std::filesystem::is_symlink(std::filesystem::symlink_status(file, ec))) return std::nullopt;
  const std::filesystem::path target = std::filesystem::weakly_canonical(file, ec);
  if (ec) return std::nullopt;  // a broken link: the loader says the file cannot be read
  const auto rel = target.lexically_relative(folder);
  if (!rel.empty() && *rel.begin() != ".." && rel.is_relative()) return std::nullopt;
  return fmt::format(
      "{} is a symbolic link that leads out of the data folder (to {} from it); tally reads data "
      "only inside the folder named by --data: copy the file into it",
      file.filename().string(), rel.empty() ? target.string() : rel.string());
}

bool present(const std::filesystem::path& file) {
  std::error_code ec;
  return std::filesystem::symlink_status(file, ec).type() !=
             std::filesystem::file_type::not_found &&
         !ec;
}

// The other files a data folder may hold tables in: workbooks (with their sheets' names) and
// census returns, in name order.
struct FolderFiles {
  std::vector<std::pair<std::filesystem::path, std::vector<std::string>>> workbooks;
  std::vector<std::filesystem::path> censuses;
};

FolderFiles folder_files(const std::filesystem::path& data_dir) {
  FolderFiles out;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(data_dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::filesystem::path& p = it->path();
    const std::string name = p.filename().string();
    if (name.starts_with("~$") || name.starts_with(".")) continue;  // Excel's lock files
    files.push_back(p);
  }
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    const std::string ext = p.extension().string();
    if (ext == ".xlsx") {
      if (auto sheets = xlsx_sheet_names(p)) out.workbooks.emplace_back(p, std::move(*sheets));
    } else if (ext == ".xml" && looks_like_census(p)) {
      out.censuses.push_back(p);
    }
  }
  return out;
}

}  // namespace

Dataset load_dataset(const plan::Plan& plan, const std::filesystem::path& data_dir,
                     const LoadOptions& options) {
  Dataset data;
  data.tables.resize(plan.tables.size());
  // The used tables, loaded at once; results, errors and warnings in table order.
  // Each table from TABLE.csv; without one, from TABLE.xlsx, a workbook's sheet named TABLE, or
  // the census return in the folder.
  std::vector<TableRequest> requests;
  std::vector<std::size_t> table_of;
  std::vector<std::pair<std::size_t, std::pair<std::filesystem::path, std::string>>> sheets;
  std::vector<CensusRequest> census;
  std::vector<std::size_t> census_of;
  std::filesystem::path census_file;
  std::vector<std::optional<LoadResult>> results(plan.tables.size());
  std::error_code ec;
  const std::filesystem::path folder = std::filesystem::weakly_canonical(data_dir, ec);
  std::optional<FolderFiles> others;
  // --data naming one file: a census return or a workbook gives every table.
  if (!std::filesystem::is_directory(data_dir, ec)) {
    others = FolderFiles{};
    if (data_dir.extension() == ".xlsx") {
      others->workbooks.emplace_back(data_dir, std::vector<std::string>{});
      if (auto names = xlsx_sheet_names(data_dir)) others->workbooks.back().second = *names;
    } else {
      others->censuses.push_back(data_dir);
    }
  }
  const bool one_file = others.has_value();
  for (std::size_t t = 0; t < plan.tables.size(); ++t) {
    const plan::TablePlan& tp = plan.tables[t];
    if (!tp.used) continue;
    std::filesystem::path file = data_dir / (tp.schema.name + ".csv");
    std::string sheet;
    bool from_census = false;
    if (one_file) {
      file = data_dir;
      if (data_dir.extension() == ".xlsx") {
        // The sheet that holds the table; none names the table in the message.
        sheet = tp.schema.name;
        for (const std::string& n : others->workbooks.front().second)
          if (sheet_holds(n, tp.schema.name)) {
            sheet = n;
            break;
          }
      } else {
        from_census = true;
        if (!is_census_table(tp.schema.name)) {
          data.errors.push_back(Issue::in_data(
              data_dir.string(), 0, 0,
              fmt::format("table {} is not one the children in need census gives (it gives {}); "
                          "name a folder with --data, holding {}.csv",
                          tp.schema.name, census_table_names(), tp.schema.name)));
          continue;
        }
      }
    } else if (!present(file)) {
      if (!others) others = folder_files(data_dir);
      const std::filesystem::path book = data_dir / (tp.schema.name + ".xlsx");
      bool found = false;
      if (present(book)) {
        file = book;
        found = true;
      }
      for (const auto& [path, names] : others->workbooks) {
        if (found) break;
        for (const std::string& n : names)
          if (sheet_holds(n, tp.schema.name) && !found) {
            file = path;
            sheet = n;
            found = true;
          }
      }
      if (!found && is_census_table(tp.schema.name) && !others->censuses.empty()) {
        if (others->censuses.size() > 1) {
          std::string names;
          for (const auto& c : others->censuses)
            names += (names.empty() ? "" : ", ") + c.filename().string();
          data.errors.push_back(Issue::in_data(
              data_dir.string(), 0, 0,
              fmt::format("the data folder holds {} census files ({}), and table {} could come "
                          "from any of them; keep one census file in the folder",
                          others->censuses.size(), names, tp.schema.name)));
          continue;
        }
        file = others->censuses.front();
        from_census = true;
      }
    }
    if (!one_file)
      if (auto outside = leads_outside(file, folder)) {
        data.errors.push_back(Issue::in_data(file.string(), 0, 0, *outside));
        continue;
      }
    if (from_census) {
      census_file = file;
      census.push_back({&tp.schema, tp.columns});
      census_of.push_back(t);
    } else if (file.extension() == ".xlsx") {
      sheets.push_back({t, {file, sheet}});
    } else {
      requests.push_back({&tp.schema, tp.columns, file});
      table_of.push_back(t);
    }
  }
  ParallelOptions parallel;
  parallel.threads = options.threads;
  std::vector<LoadResult> loaded = load_tables(requests, data.pool, options, parallel);
  for (std::size_t k = 0; k < loaded.size(); ++k) results[table_of[k]] = std::move(loaded[k]);
  for (auto& [t, where] : sheets)
    results[t] = load_xlsx_table(plan.tables[t].schema, plan.tables[t].columns, where.first,
                                 where.second, data.pool, options);
  if (!census.empty()) {
    std::vector<LoadResult> from = load_census(census_file, census, data.pool, options);
    for (std::size_t k = 0; k < from.size(); ++k) results[census_of[k]] = std::move(from[k]);
  }
  for (std::size_t t = 0; t < results.size(); ++t) {
    if (!results[t]) continue;
    LoadResult& r = *results[t];
    for (auto& e : r.errors) data.errors.push_back(std::move(e));
    for (auto& w : r.warnings) data.warnings.push_back(std::move(w));
    if (r.table) data.tables[t] = std::move(*r.table);
  }
  return data;
}

}  // namespace tally::runtime
