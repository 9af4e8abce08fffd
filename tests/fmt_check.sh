#!/usr/bin/env bash
# Every .tally file of the repository is laid out as `tally fmt` lays it out. A file may fail to
# parse only inside a golden case that expects an error in it (definitions malformed on purpose).
# The inputs of the fmt golden cases (tests/golden/fmt/) are unformatted on purpose: for those,
# formatting the formatted text must change nothing.
# usage: fmt_check.sh PATH/TO/tally [REPO]
set -u
tally=$1
repo=${2:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$repo" || exit 2
mapfile -t files < <(find . \( -name 'build*' -o -name .git -o -name node_modules \) -prune -o \
  -name '*.tally' -type f -print | sed 's#^\./##' | sort)
bad=0
checked=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "${files[@]}"; do
  case $f in
    tests/golden/fmt/*)
      # Idempotence: the formatted text of a fmt case's input is formatted.
      if "$tally" fmt "$f" >"$tmp/once.tally" 2>/dev/null; then
        if ! "$tally" fmt --check "$tmp/once.tally" >"$tmp/diff" 2>&1; then
          echo "fmt_check.sh: formatting $f twice changes it:" >&2
          cat "$tmp/diff" >&2
          bad=$((bad + 1))
        fi
      fi
      continue
      ;;
  esac
  checked=$((checked + 1))
  "$tally" fmt --check "$f" >"$tmp/diff" 2>"$tmp/err"
  status=$?
  case $status in
    0) ;;
    1)
      cat "$tmp/diff" >&2
      bad=$((bad + 1))
      ;;
    2)
      dir=$(dirname "$f")
      name=$(basename "$f")
      if [[ $f == tests/golden/* && -f $dir/expected ]] && grep -q "error" "$dir/expected" &&
        grep -qF "$name" "$dir/expected"; then
        continue  # malformed on purpose: its golden case expects the error
      fi
      echo "fmt_check.sh: $f does not parse:" >&2
      cat "$tmp/err" >&2
      bad=$((bad + 1))
      ;;
    *)
      echo "fmt_check.sh: tally fmt failed on $f (exit $status):" >&2
      cat "$tmp/err" >&2
      bad=$((bad + 1))
      ;;
  esac
done
if [ "$bad" -gt 0 ]; then
  echo "fmt_check.sh: $bad of $checked files are not formatted; run: tally fmt --write FILE..." >&2
  exit 1
fi
echo "fmt_check.sh: $checked files formatted"
