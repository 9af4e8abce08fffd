// `tally fmt FILES...`: prints each definition file in its canonical layout, or with --check says
// which are not (a unified diff, exit 1), or with --write rewrites them in place.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/session.hpp"
#include "lang/format/format.hpp"

namespace tally::cli {

namespace fs = std::filesystem;

namespace {

// The files named, with every .tally file below a named folder (sorted); nullopt after a usage
// error has been printed.
std::optional<std::vector<std::string>> definition_files(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(arg, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".tally")
          found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(arg, ec)) {
      files.push_back(arg);
    } else {
      usage_error(fmt::format("{} is not a file or a folder", arg),
                  "name .tally files or folders that hold them");
      return std::nullopt;
    }
  }
  return files;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return s.str();
}

}  // namespace

int fmt_command(const FmtOptions& o) {
  const auto files = definition_files(o.files);
  if (!files) return 2;
  int status = 0;
  for (const std::string& path : *files) {
    const auto text = read_file(path);
    if (!text) {
      std::cerr << fmt::format("tally: error: cannot read {}\n", path);
      status = std::max(status, 2);
      continue;
    }
    const format::Outcome out = format::format_source(path, *text);
    if (out.status == format::Outcome::Status::parse_error) {
      std::cerr << out.diagnostics;
      status = std::max(status, 2);
      continue;
    }
    if (out.status == format::Outcome::Status::unsafe) {
      std::cerr << "tally: internal error: " << out.diagnostics;
      status = std::max(status, 3);
      continue;
    }
    if (o.check) {
      const std::string diff = format::unified_diff(*text, out.text, path, path + " (formatted)");
      if (!diff.empty()) {
        std::cout << diff;
        status = std::max(status, 1);
      }
    } else if (o.write) {
      if (out.text != *text && !write_output(out.text, path)) status = std::max(status, 2);
    } else {
      std::cout << out.text;
    }
  }
  std::cout.flush();
  if (o.check && status == 1)
    std::cerr << "tally: some files are not formatted; run: tally fmt --write FILES...\n";
  return status;
}

}  // namespace tally::cli
