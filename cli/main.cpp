// The `tally` program: sub-commands check, run, compare, sweep, explain and describe. Exit
// status: 0 success, 1 errors in definitions or data, 2 wrong usage.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <iostream>
#include <new>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  try {
    return tally::cli::main(argc, argv);
  } catch (const std::bad_alloc&) {
    std::fputs(
        "tally: out of memory: the data and the periods asked for need more memory than this "
        "machine allows tally\nhint: try fewer --history periods, a smaller extract of the data "
        "(fewer years or tables), or a machine with more memory\n",
        stderr);
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr,
                 "tally: internal error: %s\nThis is a fault in tally, not in your files; please "
                 "report it with the command that caused it.\n",
                 e.what());
    return 3;
  }
}
