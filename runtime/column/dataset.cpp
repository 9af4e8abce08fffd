#include "runtime/column/dataset.hpp"

#include "runtime/column/parallel_load.hpp"

namespace tally::runtime {

Dataset load_dataset(const plan::Plan& plan, const std::filesystem::path& data_dir,
                     const LoadOptions& options) {
  Dataset data;
  data.tables.resize(plan.tables.size());
  // The used tables, loaded at once; results, errors and warnings in table order.
  std::vector<TableRequest> requests;
  std::vector<std::size_t> table_of;
  for (std::size_t t = 0; t < plan.tables.size(); ++t) {
    const plan::TablePlan& tp = plan.tables[t];
    if (!tp.used) continue;
    requests.push_back({&tp.schema, tp.columns, data_dir / (tp.schema.name + ".csv")});
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
