// Work shared between threads: rows evaluated a batch at a time, big tables cut into one stretch
// of rows per thread at batch boundaries, and the parts of a job run at once, one of them on the
// calling thread.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace tally::runtime {

// Rows evaluated at once.
inline constexpr std::size_t kBatch = 4096;

// Tables of at least this many rows are worked on in one stretch of rows per thread.
inline constexpr std::size_t kParallelRows = std::size_t{1} << 16;

// How many stretches `rows` rows are cut into on `threads` threads.
inline unsigned parts_for(std::size_t rows, unsigned threads) {
  return rows >= kParallelRows ? threads : 1;
}

// The first batch boundary at or after `row`, at most `rows`: where a thread's stretch of rows
// begins, so that batches are the same whichever thread evaluates them.
inline std::size_t batch_boundary(std::size_t row, std::size_t rows) {
  return std::min((row + kBatch - 1) / kBatch * kBatch, rows);
}

// Runs part(0) .. part(parts - 1) at once, the last on this thread (and any whose thread cannot
// be started), and returns when all are done. The first exception a part throws is rethrown
// here, after every part has finished.
template <typename F>
void in_parts(unsigned parts, F part) {
  std::vector<std::thread> others;
  std::vector<std::exception_ptr> failures(parts);
  const auto run = [&](unsigned p) {
    try {
      part(p);
    } catch (...) {
      failures[p] = std::current_exception();
    }
  };
  // Parts whose thread could not be started (a limit on threads or memory) run here instead.
  unsigned started = 0;
  try {
    others.reserve(parts);
    for (; started + 1 < parts; ++started) others.emplace_back(run, started);
  } catch (...) {
  }
  for (unsigned p = started; p < parts; ++p) run(p);
  for (std::thread& t : others) t.join();
  for (const std::exception_ptr& f : failures)
    if (f) std::rethrow_exception(f);
}

}  // namespace tally::runtime
