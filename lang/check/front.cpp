#include "lang/check/front.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string_view>

#include "lang/syntax/parse.hpp"
#include "stdlib/std_files.hpp"

namespace tally::check {

namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxFileBytes = 256u << 20;

// A definition file's name ends in `.tally`.
bool is_definition_name(const fs::path& p) { return p.extension() == ".tally"; }

// Whether `path` lies in `folder` or below it (both absolute and without `..`).
bool inside(const fs::path& path, const fs::path& folder) {
  auto p = path.begin();
  for (auto f = folder.begin(); f != folder.end(); ++f, ++p) {
    if (f->empty() && std::next(f) == folder.end()) break;  // a trailing separator
    if (p == path.end() || *p != *f) return false;
  }
  return true;
}

// The UTF-8 byte-order mark some editors put at the start of a file.
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

struct Loader {
  Frontend& out;
  std::map<std::string, FileId> loaded;  // canonical path -> file
  // The folders imports may reach: those named on the command line and those of the files
  // named there, with symbolic links resolved.
  std::vector<fs::path> roots;
  const std::map<std::string, std::string>* unsaved = nullptr;

  std::optional<std::string> read(const fs::path& path, std::string& error) {
    std::error_code ec;
    if (unsaved) {
      const fs::path real = fs::weakly_canonical(fs::absolute(path, ec), ec);
      if (auto it = unsaved->find(real.string()); !ec && it != unsaved->end()) {
        std::string text = it->second;
        if (text.starts_with(kByteOrderMark)) text.erase(0, kByteOrderMark.size());
        return text;
      }
    }
    const auto size = fs::file_size(path, ec);
    if (ec) {
      error = ec.message();
      return std::nullopt;
    }
    if (size > kMaxFileBytes) {
      error = fmt::format("it is {} bytes; definition files are limited to {} bytes", size,
                          kMaxFileBytes);
      return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      error = "it cannot be opened";
      return std::nullopt;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    // A byte-order mark is not part of the text: without it, columns on the first line are
    // counted from the first real character.
    if (text.starts_with(kByteOrderMark)) text.erase(0, kByteOrderMark.size());
    return text;
  }

  // Adds and parses a file once; returns its index in module.files.
  std::optional<std::size_t> add(const std::string& key, const std::string& shown,
                                 std::string text) {
    if (auto it = loaded.find(key); it != loaded.end()) return file_index(it->second);
    const FileId id = out.sources.add(shown, std::move(text));
    loaded.emplace(key, id);
    syntax::parse_file(out.sources, id, *out.module, out.diags);
    return out.module->files.size() - 1;
  }

  // The file an import of `p` may read (its path with symbolic links resolved), or nothing,
  // reported, when it is not a definition or lies outside the roots. Nothing is read to decide.
  std::optional<fs::path> confined(const ast::ImportDecl& imp, const fs::path& p) {
    const char* allowed =
        "an import names a .tally file in a folder named on the command line, or in the folder "
        "of a file named there (or below them), or a file of the standard library (\"std/...\")";
    if (!is_definition_name(fs::path(imp.path))) {
      out.diags.error(DiagKind::import_refused, imp.span,
                      fmt::format("\"{}\" is not a definition file: imports bring in .tally files "
                                  "only",
                                  imp.path),
                      allowed);
      return std::nullopt;
    }
    std::error_code ec;
    const fs::path real = fs::weakly_canonical(fs::absolute(p, ec), ec);
    const bool within = !ec && std::any_of(roots.begin(), roots.end(), [&](const fs::path& root) {
      return inside(real, root);
    });
    if (!within) {
      out.diags.error(
          DiagKind::import_refused, imp.span,
          fmt::format("\"{}\" is outside the folders named on the command line", imp.path),
          fmt::format("{}; name the folder that holds it as well", allowed));
      return std::nullopt;
    }
    if (!is_definition_name(real)) {
      out.diags.error(DiagKind::import_refused, imp.span,
                      fmt::format("\"{}\" leads to a file that is not a definition file", imp.path),
                      allowed);
      return std::nullopt;
    }
    return real;
  }

  std::size_t file_index(FileId id) const {
    for (std::size_t i = 0; i < out.module->files.size(); ++i)
      if (out.module->files[i].id == id) return i;
    return 0;
  }

  std::optional<std::size_t> add_path(const fs::path& path, const std::string& shown) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(path, ec);
    const std::string key = ec ? path.string() : canonical.string();
    if (auto it = loaded.find(key); it != loaded.end()) return file_index(it->second);
    if (!is_definition_name(path) || (!ec && !is_definition_name(canonical))) {
      out.diags.error_nowhere(
          DiagKind::file_unreadable,
          fmt::format("{} is not a definition file: their names end in .tally", shown),
          "name .tally files or folders that hold them");
      return std::nullopt;
    }
    std::string error;
    auto text = read(path, error);
    if (!text) {
      out.diags.error_nowhere(DiagKind::file_unreadable,
                              fmt::format("cannot read {}: {}", shown, error),
                              "check the path and that the file is readable");
      return std::nullopt;
    }
    return add(key, shown, std::move(*text));
  }
};

std::string display(const fs::path& p) { return p.lexically_normal().generic_string(); }

}  // namespace

std::unique_ptr<Frontend> load_definitions(const std::vector<std::string>& paths,
                                           const std::map<std::string, std::string>* unsaved,
                                           const AdHocBreakdown* by) {
  auto front = std::make_unique<Frontend>();
  Loader loader{*front, {}, {}, unsaved};

  // 1. Files named on the command line, and every .tally below named folders (sorted).
  std::vector<fs::path> files;
  for (const std::string& arg : paths) {
    std::error_code ec;
    const fs::path p(arg);
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (auto it = fs::recursive_directory_iterator(
               p, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".tally")
          found.push_back(it->path());
      }
      if (ec) {
        front->diags.error_nowhere(DiagKind::file_unreadable,
                                   fmt::format("cannot read folder {}: {}", arg, ec.message()), "");
      }
      std::sort(found.begin(), found.end());
      if (found.empty())
        front->diags.error_nowhere(DiagKind::file_unreadable,
                                   fmt::format("folder {} holds no .tally files", arg),
                                   "name the folder that holds the definitions");
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      front->diags.error_nowhere(DiagKind::file_unreadable,
                                 fmt::format("no such file or folder: {}", arg),
                                 "name .tally files or folders that hold them");
    }
  }
  for (const std::string& arg : paths) {
    std::error_code ec;
    const fs::path p = fs::absolute(fs::path(arg), ec);
    if (ec || !fs::exists(p, ec)) continue;
    const fs::path folder = fs::is_directory(p, ec) ? p : p.parent_path();
    const fs::path real = fs::weakly_canonical(folder, ec);
    if (!ec) loader.roots.push_back(real);
  }
  for (const fs::path& f : files) loader.add_path(f, display(f));
  const std::size_t named = front->module->files.size();

  // 2. Imports, breadth first; then look for loops among them.
  std::map<std::size_t, std::vector<std::pair<std::size_t, Span>>> edges;
  for (std::size_t i = 0; i < front->module->files.size(); ++i) {
    const std::vector<ast::ImportDecl> imports = front->module->files[i].imports;
    const FileId id = front->module->files[i].id;
    const fs::path base = fs::path(front->sources.get(id).path()).parent_path();
    for (const ast::ImportDecl& imp : imports) {
      std::optional<std::size_t> target;
      if (imp.path.rfind("std/", 0) == 0) {
        for (const auto& f : stdlib::std_files()) {
          if (f.path == imp.path) target = loader.add("<std>/" + f.path, f.path, f.text);
        }
        if (!target) {
          std::vector<std::string> names;
          for (const auto& f : stdlib::std_files()) names.push_back(f.path);
          front->diags.error(
              DiagKind::import_missing, imp.span,
              fmt::format("the standard library has no file \"{}\"", imp.path),
              names.empty() ? std::string("") : fmt::format("it has: {}", fmt::join(names, ", ")));
          continue;
        }
      } else {
        const fs::path p = base / imp.path;
        const std::optional<fs::path> allowed = loader.confined(imp, p);
        if (!allowed) continue;
        std::error_code ec;
        if (!fs::is_regular_file(*allowed, ec)) {
          front->diags.error(
              DiagKind::import_missing, imp.span,
              fmt::format("cannot find \"{}\" (looked for {})", imp.path, display(p)),
              "imports are relative to the importing file's folder");
          continue;
        }
        target = loader.add_path(*allowed, display(p));
      }
      if (target) edges[i].emplace_back(*target, imp.span);
    }
  }
  // Depth-first search for a cycle, with a stack of its own (a chain of imports can be as long as
  // there are files); report each import that closes one.
  std::vector<int> state(front->module->files.size(), 0);
  std::vector<std::size_t> stack;  // the files on the current path
  std::vector<std::size_t> next;   // for each of them, its next import to follow
  for (std::size_t root = 0; root < state.size(); ++root) {
    if (state[root] != 0) continue;
    state[root] = 1;
    stack.push_back(root);
    next.push_back(0);
    while (!stack.empty()) {
      const std::size_t f = stack.back();
      const auto& out_edges = edges[f];
      if (next.back() == out_edges.size()) {
        state[f] = 2;
        stack.pop_back();
        next.pop_back();
        continue;
      }
      const auto& [to, span] = out_edges[next.back()++];
      if (state[to] == 1) {
        std::string chain;
        const auto start = std::find(stack.begin(), stack.end(), to);
        for (auto it = start; it != stack.end(); ++it)
          chain += front->sources.get(front->module->files[*it].id).path() + " -> ";
        chain += front->sources.get(front->module->files[to].id).path();
        front->diags.error(DiagKind::import_cycle, span,
                           fmt::format("this import closes a loop: {}", chain),
                           "move the shared declarations into one file that both import");
      } else if (state[to] == 0) {
        state[to] = 1;
        stack.push_back(to);
        next.push_back(0);
      }
    }
  }

  // 3. Check everything that parsed, with `--by` parsed once for each indicator it applies to
  // (each copy takes the types of its own indicator's table).
  std::map<std::string, ast::ExprId> ad_hoc;
  if (by) {
    for (const std::string& name : by->indicators) {
      const std::size_t kept = front->module->files.size();
      auto id = parse_literal(by->text, "--by", front->sources, *front->module, front->diags);
      // The expression stays in the syntax tree's arena; the file wrapped around it does not.
      front->module->files.resize(kept);
      if (!id) break;
      ad_hoc.emplace(name, *id);
    }
  }
  front->program = check_module(*front->module, named, front->diags, by ? &ad_hoc : nullptr);
  front->diags.sort();
  return front;
}

std::optional<ast::ExprId> parse_literal(const std::string& text, const std::string& origin,
                                         SourceManager& sources, ast::Module& module,
                                         Diagnostics& diags) {
  // A literal is parsed as the value of a parameter declaration, so it follows the same grammar.
  // The value has a line of its own, so that an error in it shows the text as written.
  const std::string wrapped = "param __value =\n" + text + "\n";
  const FileId id = sources.add(origin, wrapped);
  const std::size_t before = diags.error_count();
  syntax::parse_file(sources, id, module, diags);
  const ast::File& file = module.files.back();
  if (diags.error_count() != before || file.params.size() != 1 || !file.scenarios.empty() ||
      !file.tables.empty() || !file.indicators.empty() || !file.imports.empty() ||
      !file.params.front().doc.empty()) {
    if (diags.error_count() == before)
      diags.error_nowhere(DiagKind::bad_parameter,
                          fmt::format("{}: `{}` is not a single value", origin, text), "");
    return std::nullopt;
  }
  return file.params.front().value;
}

}  // namespace tally::check
