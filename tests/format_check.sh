#!/usr/bin/env bash
# Every C++ source the repository tracks is laid out as .clang-format says. On failure it names
# the files and the command that lays them out.
# usage: format_check.sh [REPO]
set -euo pipefail
repo=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$repo"
command -v clang-format >/dev/null || {
  echo "format_check.sh: clang-format not found (apt-get install clang-format)" >&2
  exit 2
}
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.cc')
bad=()
for f in "${files[@]}"; do
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  printf '%s\n' "${bad[@]}" >&2
  echo "format_check.sh: ${#bad[@]} of ${#files[@]} files are not formatted; run: clang-format -i FILE..." >&2
  exit 1
fi
echo "format_check.sh: ${#files[@]} files formatted"
