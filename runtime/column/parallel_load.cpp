#include "runtime/column/parallel_load.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "runtime/column/load_part.hpp"

namespace tally::runtime {

namespace {

constexpr std::size_t kScanBlock = 1 << 20;

// The number of newline bytes in data[0, n).
std::uint64_t count_newlines(const char* data, std::size_t n) {
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Fu;
  constexpr std::uint64_t kNewlines = 0x0A0A0A0A0A0A0A0Au;
  std::uint64_t count = 0;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, data + i, 8);
    const std::uint64_t x = word ^ kNewlines;  // zero bytes where the newlines are
    // High bit of each byte set exactly where the byte of x is not zero.
    const std::uint64_t nonzero = ((x & kLow7) + kLow7) | x;
    // One per newline byte, added up in the top byte.
    const std::uint64_t ones = (~nonzero & ~kLow7) >> 7;
    count += (ones * 0x0101010101010101u) >> 56;
  }
  for (; i < n; ++i) count += data[i] == '\n';
  return count;
}

// Where a file may be cut in two: just after a newline at or past its middle that ends a line
// that is not blank (a reader of the first half would take trailing blank lines for the end of
// the file), with the line the second half starts on. Only when the first half holds no double
// quote (no quoted field can then span the cut); the second half is looked at by its own thread,
// and its reader stops on a quote too, should the file change meanwhile.
struct Cut {
  std::uint64_t offset = 0;
  std::int64_t line = 0;
};

std::optional<Cut> find_cut(const TableLayout& layout) {
  const std::uint64_t body = layout.body_offset;
  const std::uint64_t size = layout.file_bytes;
  if (!layout.body_known || body == 0 || size <= body + 2) return std::nullopt;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(layout.file.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) return std::nullopt;
  std::vector<char> block(kScanBlock);

  // The cut: `from` is two bytes before the first place a newline may stand, so that the two
  // bytes before any candidate are in the block too.
  const std::uint64_t first = std::max(body + (size - body) / 2, body + 1);
  std::uint64_t from = first - 2;
  std::optional<std::uint64_t> cut;
  char before[2] = {0, 0};  // the two bytes before the block, once past the first one
  bool carried = false;
  while (!cut && from < size) {
    if (fseeko(file.get(), static_cast<off_t>(from), SEEK_SET) != 0) return std::nullopt;
    const std::size_t got = std::fread(block.data(), 1, block.size(), file.get());
    if (got == 0) return std::nullopt;
    const auto at = [&](std::int64_t i) {
      return i >= 0 ? block[static_cast<std::size_t>(i)] : before[i + 2];
    };
    for (std::size_t i = carried ? 0 : 2; i < got; ++i) {
      if (block[i] != '\n') continue;
      const auto p = static_cast<std::int64_t>(i);
      const bool blank = at(p - 1) == '\n' || (at(p - 1) == '\r' && at(p - 2) == '\n');
      if (!blank) {
        cut = from + i + 1;
        break;
      }
    }
    before[0] = got >= 2 ? block[got - 2] : before[1];
    before[1] = block[got - 1];
    carried = true;
    from += got;
  }
  if (!cut || *cut >= size) return std::nullopt;

  // The first half: no quote, and its newlines give the second half's first line.
  if (fseeko(file.get(), static_cast<off_t>(body), SEEK_SET) != 0) return std::nullopt;
  std::uint64_t left = *cut - body;
  std::uint64_t newlines = 0;
  while (left > 0) {
    const std::size_t want = left < block.size() ? static_cast<std::size_t>(left) : block.size();
    if (std::fread(block.data(), 1, want, file.get()) != want) return std::nullopt;
    if (std::memchr(block.data(), '"', want)) return std::nullopt;
    newlines += count_newlines(block.data(), want);
    left -= want;
  }
  return Cut{*cut, layout.body_line + static_cast<std::int64_t>(newlines)};
}

// Whether the file holds a double quote in [from, to).
bool has_quote(const std::string& path, std::uint64_t from, std::uint64_t to) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file || fseeko(file.get(), static_cast<off_t>(from), SEEK_SET) != 0) return true;
  std::vector<char> block(kScanBlock);
  while (from < to) {
    const std::uint64_t left = to - from;
    const std::size_t want = left < block.size() ? static_cast<std::size_t>(left) : block.size();
    const std::size_t got = std::fread(block.data(), 1, want, file.get());
    if (std::memchr(block.data(), '"', got)) return true;
    if (got < want) return false;
    from += got;
  }
  return false;
}

// One table of the run, and the parts it is loaded as.
struct Job {
  const TableRequest* request = nullptr;
  std::uint64_t bytes = 0;
  bool may_split = false;
  std::unique_ptr<TableLayout> layout;
  std::unique_ptr<TablePart> first, second;
  Cut cut;
  int loading = 1;  // parts not yet loaded
  bool ready = false;
};

struct Unit {
  std::size_t job = 0;
  bool second_half = false;
};

class Loader {
 public:
  Loader(const std::vector<TableRequest>& requests, StringPool& pool, const LoadOptions& options,
         const ParallelOptions& parallel)
      : pool_(pool), options_(options), stats_(parallel.stats) {
    unsigned threads = parallel.threads ? parallel.threads : std::thread::hardware_concurrency();
    if (threads == 0) threads = 1;
    jobs_.resize(requests.size());
    for (std::size_t j = 0; j < requests.size(); ++j) {
      Job& job = jobs_[j];
      job.request = &requests[j];
      std::error_code ec;
      const auto bytes = std::filesystem::file_size(requests[j].file, ec);
      job.bytes = ec ? 0 : bytes;
      job.may_split = threads > 1 && job.bytes > parallel.split_bytes;
      if (job.may_split) ++undecided_;
    }
    // Largest first, so that the long loads start early.
    std::vector<std::size_t> start(jobs_.size());
    for (std::size_t j = 0; j < start.size(); ++j) start[j] = j;
    std::stable_sort(start.begin(), start.end(),
                     [&](std::size_t a, std::size_t b) { return jobs_[a].bytes > jobs_[b].bytes; });
    for (std::size_t j : start) queue_.push_back(Unit{j, false});
    // Pools merge in that order too, except that files read in halves, which finish last, come
    // last: the others need not wait for them. The order depends only on the files' sizes, so
    // that the codes are the same from one run to the next.
    order_ = start;
    std::stable_partition(order_.begin(), order_.end(),
                          [&](std::size_t j) { return !jobs_[j].may_split; });
    const std::size_t units = jobs_.size() + undecided_;
    threads_ = static_cast<unsigned>(std::min<std::size_t>(threads, units == 0 ? 1 : units));
    if (stats_) *stats_ = ParallelStats{threads_, 0, 0};
  }

  std::vector<LoadResult> run() {
    std::vector<std::thread> helpers;
    try {
      for (unsigned t = 1; t < threads_; ++t) helpers.emplace_back([this] { work(); });
    } catch (const std::system_error&) {
      // No more threads to be had: the ones running, this one included, do all the work.
    }
    work();
    for (std::thread& t : helpers) t.join();
    if (failure_) std::rethrow_exception(failure_);

    // Rejected rows go to the shared file in the order of the requests, as one load after another
    // would write them.
    std::vector<LoadResult> results;
    results.reserve(jobs_.size());
    for (Job& job : jobs_) {
      const auto rejects_error = write_part_rejects(job.first.get(), options_);
      results.push_back(finish_load(*job.layout, std::move(job.first), options_, rejects_error));
    }
    return results;
  }

 private:
  void work() {
    try {
      for (;;) {
        Unit unit;
        {
          std::unique_lock<std::mutex> lock(mutex_);
          // A large file not yet looked at may still give a second half to load.
          wake_.wait(lock, [&] { return failure_ || !queue_.empty() || undecided_ == 0; });
          if (failure_ || queue_.empty()) return;
          unit = queue_.front();
          queue_.pop_front();
        }
        if (unit.second_half)
          load_second(jobs_[unit.job]);
        else
          load_first(jobs_[unit.job]);
        loaded(unit.job);
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (!failure_) failure_ = std::current_exception();
      wake_.notify_all();
    }
  }

  void decided(const Job& job, std::optional<std::size_t> second_of) {
    if (!job.may_split) return;
    const std::lock_guard<std::mutex> lock(mutex_);
    --undecided_;
    if (second_of) {
      if (stats_) ++stats_->split;
      jobs_[*second_of].loading = 2;
      queue_.push_front(Unit{*second_of, true});
    }
    wake_.notify_all();
  }

  void load_first(Job& job) {
    const TableRequest& request = *job.request;
    std::unique_ptr<CsvReader> reader;
    job.layout = read_layout(*request.schema, request.columns, request.file, reader);
    if (!reader) {
      decided(job, std::nullopt);
      return;
    }
    const TableLayout& layout = *job.layout;
    job.first = start_part(layout);
    std::optional<Cut> cut;
    if (job.may_split) cut = find_cut(layout);
    if (!cut) {
      decided(job, std::nullopt);
      read_rows(layout, *job.first, *reader, job.first->pool, options_, layout.file_bytes);
      return;
    }
    job.cut = *cut;
    job.second = start_part(layout);
    job.second->record_duplicates = true;
    decided(job, static_cast<std::size_t>(&job - jobs_.data()));
    reader.reset();
    CsvReader half(layout.file, CsvRange{layout.body_offset, cut->offset, layout.body_line, false});
    // Sized for the whole file, so that the second half is appended without moving the first.
    read_rows(layout, *job.first, half, job.first->pool, options_,
              layout.file_bytes - layout.body_offset);
  }

  void load_second(Job& job) {
    const TableLayout& layout = *job.layout;
    // A quote anywhere in this half: the first half's part reads on over it instead (see loaded).
    if (has_quote(layout.file, job.cut.offset, layout.file_bytes)) {
      job.second->stopped_at_quote = true;
      return;
    }
    CsvReader half(layout.file, CsvRange{job.cut.offset, UINT64_MAX, job.cut.line, true});
    read_rows(layout, *job.second, half, job.second->pool, options_,
              layout.file_bytes - job.cut.offset);
  }

  // A part of job `j` is loaded: once all are, join them, then merge what is ready into the run's
  // pool, in `order_`, unless another thread is doing that already.
  void loaded(std::size_t j) {
    Job& job = jobs_[j];
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (--job.loading > 0) return;
    }
    if (job.second) {
      const TableLayout& layout = *job.layout;
      if (!join_parts(layout, *job.first, *job.second)) {
        if (stats_) {
          const std::lock_guard<std::mutex> lock(mutex_);
          ++stats_->reread;
        }
        // Read the second half again, on from where the first ended, as one pass would.
        CsvReader rest(layout.file, CsvRange{job.cut.offset, UINT64_MAX, job.cut.line, false});
        read_rows(layout, *job.first, rest, job.first->pool, options_,
                  layout.file_bytes - job.cut.offset);
      }
      job.second.reset();
    }
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      job.ready = true;
      if (merging_) return;
      merging_ = true;
    }
    for (;;) {
      Job* next = nullptr;
      {
        const std::lock_guard<std::mutex> lock(mutex_);
        if (merged_ < order_.size() && jobs_[order_[merged_]].ready) {
          next = &jobs_[order_[merged_++]];
        } else {
          merging_ = false;
          return;
        }
      }
      if (!next->first) continue;
      remap_text(next->first->table, merge_pool(pool_, std::move(next->first->pool)));
      next->first->slots.clear();
    }
  }

  StringPool& pool_;
  const LoadOptions& options_;
  std::vector<Job> jobs_;
  std::vector<std::size_t> order_;
  ParallelStats* stats_ = nullptr;
  unsigned threads_ = 1;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Unit> queue_;
  std::size_t undecided_ = 0;  // jobs that may split and have not said whether they do
  std::size_t merged_ = 0;     // jobs of order_ merged into pool_
  bool merging_ = false;
  std::exception_ptr failure_;
};

}  // namespace

std::vector<LoadResult> load_tables(const std::vector<TableRequest>& requests, StringPool& pool,
                                    const LoadOptions& options, const ParallelOptions& parallel) {
  Loader loader(requests, pool, options, parallel);
  return loader.run();
}

}  // namespace tally::runtime
