// What the fuzz targets share: a scratch folder of their own for the files an input becomes, and
// a stop that names what went wrong when two ways of computing one thing disagree.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace tally::fuzz {

// A folder made once per process and removed at exit.
class Scratch {
 public:
  Scratch() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tally-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("tally fuzz: mkdtemp");
      std::abort();
    }
    dir_ = pattern;
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  const std::filesystem::path& dir() const { return dir_; }

  // Writes `bytes` to NAME in the folder (replacing it) and returns its path.
  std::filesystem::path write(const std::string& name, std::string_view bytes) const {
    const std::filesystem::path path = dir_ / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::fprintf(stderr, "tally fuzz: cannot write %s\n", path.c_str());
      std::abort();
    }
    return path;
  }

 private:
  std::filesystem::path dir_;
};

// Stops the run, so that libFuzzer keeps the input, when `same` is false.
inline void require_same(bool same, const char* what, const std::string& a, const std::string& b) {
  if (same) return;
  std::fprintf(stderr, "tally fuzz: %s disagree\n--- first\n%s\n--- second\n%s\n", what, a.c_str(),
               b.c_str());
  std::abort();
}

}  // namespace tally::fuzz
