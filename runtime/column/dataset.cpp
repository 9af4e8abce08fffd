#include "runtime/column/dataset.hpp"

#include <fmt/format.h>

#include <optional>
#include <string>

#include "runtime/column/parallel_load.hpp"

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

}  // namespace

Dataset load_dataset(const plan::Plan& plan, const std::filesystem::path& data_dir,
                     const LoadOptions& options) {
  Dataset data;
  data.tables.resize(plan.tables.size());
  // The used tables, loaded at once; results, errors and warnings in table order.
  std::vector<TableRequest> requests;
  std::vector<std::size_t> table_of;
  std::error_code ec;
  const std::filesystem::path folder = std::filesystem::weakly_canonical(data_dir, ec);
  for (std::size_t t = 0; t < plan.tables.size(); ++t) {
    const plan::TablePlan& tp = plan.tables[t];
    if (!tp.used) continue;
    const std::filesystem::path file = data_dir / (tp.schema.name + ".csv");
    if (auto outside = leads_outside(file, folder)) {
      data.errors.push_back(Issue::in_data(file.string(), 0, 0, *outside));
      continue;
    }
    requests.push_back({&tp.schema, tp.columns, file});
    table_of.push_back(t);
  }
  ParallelOptions parallel;
  parallel.threads = options.threads;
  std::vector<LoadResult> loaded = load_tables(requests, data.pool, options, parallel);
  for (std::size_t k = 0; k < loaded.size(); ++k) {
    LoadResult& r = loaded[k];
    for (auto& e : r.errors) data.errors.push_back(std::move(e));
    for (auto& w : r.warnings) data.warnings.push_back(std::move(w));
    if (r.table) data.tables[table_of[k]] = std::move(*r.table);
  }
  return data;
}

}  // namespace tally::runtime
