// The standard library's definition files (stdlib/std/*.tally), compiled into the program so
// that `import "std/ssda903.tally"` works wherever tally runs.
#pragma once

#include <string>
#include <vector>

namespace tally::stdlib {

struct StdFile {
  std::string path;  // "std/ssda903.tally"
  std::string text;
};

const std::vector<StdFile>& std_files();

}  // namespace tally::stdlib
