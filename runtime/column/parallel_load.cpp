#include "runtime/column/parallel_load.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "runtime/column/load_part.hpp"
#include "runtime/column/newlines.hpp"

namespace tally::runtime {

namespace {

constexpr std::size_t kScanBlock = 1 << 20;

// A file opened with open_regular_file, closed when it goes.
using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

File open_file(const std::string& path) {
  std::string error;
  return File(open_regular_file(path, error), &std::fclose);
}

// The line ends in data[0, n): line feeds, and carriage returns that no line feed follows.
// `cr_before` says whether the byte before data[0] was a carriage return (still to be counted
// unless data[0] is a line feed), and is left saying so of data[n - 1].
std::uint64_t count_line_ends(const char* data, std::size_t n, bool& cr_before) {
  if (n == 0) return 0;
  std::uint64_t count = count_newlines(data, n);
  if (cr_before && data[0] != '\n') ++count;
  for (const char* p = data;
       (p = static_cast<const char*>(std::memchr(p, '\r', n - static_cast<std::size_t>(p - data))));
       ++p) {
    const auto at = static_cast<std::size_t>(p - data);
    if (at + 1 < n && data[at + 1] != '\n') ++count;
  }
  cr_before = data[n - 1] == '\r';
  return count;
}

// Bytes of a file read forward through a block, with a few bytes before each block kept.
class Bytes {
 public:
  explicit Bytes(std::FILE* file) : file_(file), block_(kScanBlock) {}
  // The byte at `pos`, or -1 past the end or on a read error.
  int at(std::uint64_t pos) {
    if (pos < start_ || pos >= start_ + got_) {
      start_ = pos < 8 ? 0 : pos - 8;
      got_ = 0;
      if (fseeko(file_, static_cast<off_t>(start_), SEEK_SET) != 0) return -1;
      got_ = std::fread(block_.data(), 1, block_.size(), file_);
      if (pos >= start_ + got_) return -1;
    }
    return static_cast<unsigned char>(block_[pos - start_]);
  }

 private:
  std::FILE* file_;
  std::vector<char> block_;
  std::uint64_t start_ = 0;
  std::size_t got_ = 0;
};

// Where a file may be cut in two: just after a line end at or past its middle that ends a line
// that is not blank (a reader of the first half would take trailing blank lines for the end of
// the file), with the line the second half starts on. A line end is a line feed, a carriage
// return and line feed, or a carriage return that no line feed follows, so a cut after a carriage
// return needs a byte other than a line feed after it. Only when the first half holds no double
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
  const File file = open_file(layout.file);
  if (!file) return std::nullopt;

  // A line longer than the record limit stops any reader: no need to look further for a cut.
  const std::uint64_t first = std::max(body + (size - body) / 2, body + 1);
  const std::uint64_t last = std::min<std::uint64_t>(size - 1, first + max_record_bytes());
  const auto is_end = [](int c) { return c == '\n' || c == '\r'; };
  std::optional<std::uint64_t> cut;
  {
    Bytes bytes(file.get());
    for (std::uint64_t c = first; c <= last && !cut; ++c) {
      // A line end whose last byte is at c - 1 and that starts at `e`.
      const int b = bytes.at(c - 1);
      if (b < 0) return std::nullopt;
      std::uint64_t e = c - 1;
      if (b == '\n') {
        if (e > body && bytes.at(e - 1) == '\r') --e;
      } else if (b != '\r' || bytes.at(c) == '\n') {
        continue;
      }
      if (e > body && !is_end(bytes.at(e - 1))) cut = c;
    }
  }
  if (!cut || *cut >= size) return std::nullopt;

  // The first half: no quote, and its line ends give the second half's first line.
  std::vector<char> block(kScanBlock);
  if (fseeko(file.get(), static_cast<off_t>(body), SEEK_SET) != 0) return std::nullopt;
  std::uint64_t left = *cut - body;
  std::uint64_t lines = 0;
  bool cr_before = false;
  while (left > 0) {
    const std::size_t want = left < block.size() ? static_cast<std::size_t>(left) : block.size();
    if (std::fread(block.data(), 1, want, file.get()) != want) return std::nullopt;
    if (std::memchr(block.data(), '"', want)) return std::nullopt;
    // Most files hold no carriage return, or only in CRLF pairs.
    if (!cr_before && !std::memchr(block.data(), '\r', want))
      lines += count_newlines(block.data(), want);
    else
      lines += count_line_ends(block.data(), want, cr_before);
    left -= want;
  }
  if (cr_before) ++lines;  // the byte at the cut is no line feed
  return Cut{*cut, layout.body_line + static_cast<std::int64_t>(lines)};
}

// Whether the file holds a double quote in [from, to).
bool has_quote(const std::string& path, std::uint64_t from, std::uint64_t to) {
  const File file = open_file(path);
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

std::uint64_t default_split_bytes() {
  constexpr std::uint64_t kSplitBytes = 64ull << 20;
  static const std::uint64_t bytes = [] {
    const char* v = std::getenv("TALLY_SPLIT_BYTES");
    if (v == nullptr || *v == 0) return kSplitBytes;
    std::uint64_t n = 0;
    for (const char* c = v; *c; ++c) {
      if (*c < '0' || *c > '9' || n > (std::uint64_t{1} << 50)) return kSplitBytes;
      n = n * 10 + static_cast<std::uint64_t>(*c - '0');
    }
    return n < 64 ? kSplitBytes : n;
  }();
  return bytes;
}

std::vector<LoadResult> load_tables(const std::vector<TableRequest>& requests, StringPool& pool,
                                    const LoadOptions& options, const ParallelOptions& parallel) {
  Loader loader(requests, pool, options, parallel);
  return loader.run();
}

}  // namespace tally::runtime
