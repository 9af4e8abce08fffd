#!/usr/bin/env bash
# Runs one golden case: a folder holding `cmd` (the tally command line, starting with `tally`,
# after it any NAME=VALUE settings of the environment), the definitions and data it names (paths
# relative to the folder), and `expected` (the exit status, then standard output, then standard
# error). A `setup` script, when the case has one, makes what git cannot hold (a named pipe) before
# the run, and is run again with `clean` after it. With TALLY_UPDATE=1 it rewrites `expected` from
# what tally printed, for review with git diff. tally is stopped after two minutes: a case must
# never hang.
#
# usage: run_case.sh PATH/TO/tally CASE_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
tally=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$2
# ${TALLY_SHARED} in cmd stands for the shared test data folder beside the project.
shared=${TALLY_SHARED:-$(cd "$here/../../.." && pwd)/shared}
cd "$dir" || exit 2
line=$(sed -e "s#\${TALLY_SHARED}#${shared}#g" cmd | sed -e '/^#/d' | head -n 1)
# Words are split as the shell would, so a value with spaces can be quoted.
eval "words=($line)"
settings=(NO_COLOR=1)
while [[ ${#words[@]} -gt 0 && ${words[0]} =~ ^[A-Z_][A-Z0-9_]*= ]]; do
  settings+=("${words[0]}")
  words=("${words[@]:1}")
done
if [ "${words[0]:-}" != "tally" ]; then
  echo "cmd must start with 'tally': $line" >&2
  exit 2
fi
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"; if [ -f setup ]; then bash setup clean; fi' EXIT
if [ -f setup ] && ! bash setup; then
  echo "the setup of $dir failed" >&2
  exit 2
fi
env "${settings[@]}" timeout 120 "$tally" "${words[@]:1}" >"$out" 2>"$err"
status=$?
actual=$(printf 'exit: %s\n--- stdout\n%s\n--- stderr\n%s\n' "$status" "$(cat "$out")" "$(cat "$err")")
if [ "${TALLY_UPDATE:-0}" = 1 ]; then
  printf '%s\n' "$actual" >expected
  echo "updated $dir/expected"
  exit 0
fi
if [ ! -f expected ]; then
  echo "no expected file in $dir; run with TALLY_UPDATE=1 and review it" >&2
  printf '%s\n' "$actual"
  exit 1
fi
if ! diff -u expected <(printf '%s\n' "$actual"); then
  echo "golden case $dir differs from its expected output (above: - expected, + actual)" >&2
  exit 1
fi
