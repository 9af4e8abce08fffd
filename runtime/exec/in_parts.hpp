// Work shared between threads: the parts of a job run at once, one of them on the calling thread.
#pragma once

#include <exception>
#include <thread>
#include <vector>

namespace tally::runtime {

// Runs part(0) .. part(parts - 1) at once, the last on this thread, and returns when all are
// done. The first exception a part throws is rethrown here, after every part has finished.
template <typename F>
void in_parts(unsigned parts, F part) {
  std::vector<std::thread> others;
  std::vector<std::exception_ptr> failures(parts);
  for (unsigned p = 0; p + 1 < parts; ++p)
    others.emplace_back([&, p] {
      try {
        part(p);
      } catch (...) {
        failures[p] = std::current_exception();
      }
    });
  try {
    if (parts > 0) part(parts - 1);
  } catch (...) {
    failures[parts - 1] = std::current_exception();
  }
  for (std::thread& t : others) t.join();
  for (const std::exception_ptr& f : failures)
    if (f) std::rethrow_exception(f);
}

}  // namespace tally::runtime
