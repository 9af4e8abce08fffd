// Work shared between threads: the parts of a job run at once, one of them on the calling thread.
#pragma once

#include <exception>
#include <thread>
#include <vector>

namespace tally::runtime {

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
