#include "runtime/column/row_builder.hpp"

#include <fmt/format.h>

#include "lang/base/scale.hpp"
#include "lang/base/text.hpp"

namespace tally::runtime {

namespace {

constexpr std::size_t kMaxErrors = 100;

std::string placed(const RowPlaces* places, std::size_t k, const std::string& message) {
  if (!places) return message;
  return fmt::format("{}: {}", visible(places->place(k)), message);
}

}  // namespace

RowBuilder::RowBuilder(const TableSchema& schema, const std::vector<std::string>& columns,
                       std::string file, StringPool& pool, const LoadOptions& options)
    : schema_(schema), file_(std::move(file)), pool_(pool), options_(options) {
  table_.name = schema.name;
  table_.file = file_;
  slots_.resize(columns.size());
  table_.columns.resize(columns.size());
  values_.resize(columns.size());
  rejects_.emplace_back();
  for (std::size_t k = 0; k < columns.size(); ++k) {
    LoadSlot& slot = slots_[k];
    slot.schema = schema.find(columns[k]);
    if (!slot.schema) {
      fail(0, 0, message_not_declared(columns[k], schema.name));
      ready_ = false;
      continue;
    }
    slot.type = slot.schema->type;
    slot.nullable = slot.schema->nullable;
    slot.key = slot.schema->key;
    slot.keys = KeyLines(slot.type == ColumnType::text);
    table_.columns[k].name = slot.schema->name;
    table_.columns[k].type = slot.type;
    if (slot.type != ColumnType::date) continue;
    if (slot.schema->date_format.empty()) {
      slot.date = &DateFormat::iso();
    } else if (auto parsed = DateFormat::parse(slot.schema->date_format)) {
      layouts_.push_back(std::make_unique<DateFormat>(std::move(*parsed)));
      slot.date = layouts_.back().get();
    } else {
      fail(0, 0, message_bad_layout(*slot.schema));
      ready_ = false;
    }
  }
}

void RowBuilder::error(std::int64_t line, std::int64_t column, std::string message, bool row) {
  if (error_count_++ < kMaxErrors)
    errors_.push_back(Issue::in_data(file_, line, column, std::move(message), row));
}

void RowBuilder::fail(std::int64_t line, std::int64_t column, std::string message) {
  ++file_faults_;
  error(line, column, std::move(message), false);
}

void RowBuilder::add(std::int64_t line, const RowCell* cells, const std::vector<RowFault>& faults,
                     const RowPlaces* places) {
  if (failed()) return;
  issues_.assign(faults.begin(), faults.end());
  const std::size_t count = slots_.size();
  for (std::size_t k = 0; k < count; ++k) {
    const RowCell& cell = cells[k];
    CellValue& v = values_[k];
    if (cell.faulted) {
      v = CellValue{};
      continue;
    }
    if (cell.day && slots_[k].type == ColumnType::date) {
      v = CellValue{*cell.day, true, 0};
      continue;
    }
    if (!convert_cell(slots_[k], table_.columns[k], table_.lines, cell.text, v, bad_))
      issues_.push_back({cell.line, cell.column, placed(places, k, bad_)});
  }
  // Keys, once every cell is good: each met before is an error at the cell.
  if (issues_.empty()) {
    for (std::size_t k = 0; k < count; ++k) {
      LoadSlot& slot = slots_[k];
      CellValue& v = values_[k];
      if (!slot.key || !v.known) continue;
      if (slot.type == ColumnType::text) v.value = pool_.intern(cells[k].text);
      std::int64_t value = v.value;
      const Column& column = table_.columns[k];
      bool comparable = true;
      if (slot.type == ColumnType::decimal && v.scale > column.scale) {
        const std::int64_t factor = kPow10[static_cast<std::size_t>(v.scale - column.scale)];
        comparable = value % factor == 0;
        value /= factor;
      }
      if (!comparable) continue;
      if (const std::int64_t first = slot.keys.find(value)) {
        duplicates_.push_back(
            {k, value, slot.type == ColumnType::text ? std::string(cells[k].text) : std::string()});
        issues_.push_back(
            {cells[k].line, cells[k].column,
             placed(places, k, message_duplicate_key(cells[k].text, *slot.schema, first))});
      }
    }
  }
  if (!issues_.empty()) {
    if (!options_.lenient) {
      for (RowFault& f : issues_) error(f.line, f.column, std::move(f.message), true);
      return;
    }
    ++table_.rejected;
    if (options_.rejects_file.empty()) return;
    std::string reason;
    for (std::size_t k = 0; k < issues_.size(); ++k) {
      if (k > 0) reason += "; ";
      reason += issues_[k].message;
    }
    rejects_.back().add(schema_.name, line, reason);
    return;
  }
  for (std::size_t k = 0; k < count; ++k) {
    Column& column = table_.columns[k];
    LoadSlot& slot = slots_[k];
    const CellValue& v = values_[k];
    if (slot.type == ColumnType::decimal && v.scale > column.scale) {
      const std::int64_t factor = kPow10[static_cast<std::size_t>(v.scale - column.scale)];
      for (std::int64_t& d : column.data) d *= factor;
      slot.keys.scale_by(factor);
      column.scale = v.scale;
    }
    std::int64_t value = v.value;
    if (slot.type == ColumnType::text && v.known && !slot.key) {
      pending_.bytes.append(cells[k].text);
      pending_.ends.push_back(pending_.bytes.size());
      pending_.cells.emplace_back(k, column.data.size());
      value = 0;
    }
    column.data.push_back(v.known ? value : 0);
    column.validity.push_back(v.known);
    if (slot.key && v.known) slot.keys.add(value, line);
  }
  table_.lines.push_back(line);
  if (pending_.cells.size() >= 1024) flush_texts();
}

void RowBuilder::flush_texts() {
  const std::size_t n = pending_.cells.size();
  if (n == 0) return;
  std::vector<std::string_view> views(n);
  std::vector<std::uint32_t> codes(n);
  for (std::size_t k = 0, from = 0; k < n; from = pending_.ends[k++])
    views[k] = std::string_view(pending_.bytes.data() + from, pending_.ends[k] - from);
  pool_.intern_all(views.data(), n, codes.data());
  for (std::size_t k = 0; k < n; ++k)
    table_.columns[pending_.cells[k].first].data[pending_.cells[k].second] = codes[k];
  pending_.bytes.clear();
  pending_.ends.clear();
  pending_.cells.clear();
}

bool RowBuilder::has_decimal() const {
  for (const LoadSlot& slot : slots_)
    if (slot.type == ColumnType::decimal) return true;
  return false;
}

bool RowBuilder::can_append(const RowBuilder& later, const StringPool& mine,
                            const StringPool& theirs) const {
  if (!ready_ || !later.ready_) return ready_ == later.ready_;
  const auto met = [&](std::size_t k, std::int64_t value, std::string_view text) {
    if (slots_[k].type == ColumnType::text) {
      value = mine.find(text);
      if (value < 0) return false;
    }
    return slots_[k].keys.find(value) != 0;
  };
  for (std::size_t k = 0; k < slots_.size(); ++k) {
    if (!slots_[k].key) continue;
    const Column& column = later.table_.columns[k];
    for (std::size_t r = 0; r < column.data.size(); ++r) {
      if (!column.validity.known(r)) continue;
      const bool text = slots_[k].type == ColumnType::text;
      if (met(k, column.data[r], text ? theirs.text(column.data[r]) : std::string_view()))
        return false;
    }
  }
  for (const Duplicate& d : later.duplicates_)
    if (met(d.slot, d.value, d.text)) return false;
  return true;
}

void RowBuilder::remap(const std::vector<std::uint32_t>& map) {
  if (map.empty()) return;
  for (Column& column : table_.columns) {
    if (column.type != ColumnType::text) continue;
    for (std::size_t r = 0; r < column.data.size(); ++r)
      if (column.validity.known(r)) column.data[r] = map[static_cast<std::size_t>(column.data[r])];
  }
}

void RowBuilder::append(RowBuilder&& later) {
  if (!ready_) return;  // the same faults of the declaration, said once
  for (Issue& issue : later.errors_)
    if (errors_.size() < kMaxErrors) errors_.push_back(std::move(issue));
  error_count_ += later.error_count_;
  file_faults_ += later.file_faults_;
  for (std::size_t k = 0; k < table_.columns.size(); ++k) {
    Column& mine = table_.columns[k];
    const Column& theirs = later.table_.columns[k];
    mine.data.insert(mine.data.end(), theirs.data.begin(), theirs.data.end());
    mine.validity.append(theirs.validity);
  }
  table_.lines.append(later.table_.lines);
  table_.rejected += later.table_.rejected;
  for (RejectsBuffer& b : later.rejects_) rejects_.push_back(std::move(b));
}

LoadResult RowBuilder::finish() {
  LoadResult result;
  flush_texts();
  bool any_rejects = false;
  for (const RejectsBuffer& b : rejects_) any_rejects = any_rejects || !b.empty();
  if (options_.lenient && !options_.rejects_file.empty() && any_rejects) {
    std::string why;
    if (!write_rejects(options_.rejects_file, rejects_, why))
      fail(0, 0, message_rejects_failed(options_.rejects_file.string(), why));
  }
  if (error_count_ > kMaxErrors) {
    const std::size_t more = error_count_ - kMaxErrors;
    errors_.push_back(Issue::in_data(file_, 0, 0, message_too_many(more, file_)));
    errors_.back().more = more;
  }
  if (error_count_ > 0) {
    result.errors = std::move(errors_);
    return result;
  }
  if (table_.rejected > 0)
    result.warnings.push_back(Issue::in_data(
        file_, 0, 0,
        message_skipped(table_.rejected, schema_.name, options_.rejects_file.string())));
  result.table = std::move(table_);
  return result;
}

}  // namespace tally::runtime
