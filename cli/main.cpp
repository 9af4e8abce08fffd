// The `tally` program: sub-commands check, run, compare, sweep, explain and describe. Exit
// status: 0 success, 1 errors in definitions or data, 2 wrong usage.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <iostream>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  try {
    return tally::cli::main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr,
                 "tally: internal error: %s\nThis is a fault in tally, not in your files; please "
                 "report it with the command that caused it.\n",
                 e.what());
    return 3;
  }
}
