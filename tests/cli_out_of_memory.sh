#!/usr/bin/env bash
# Running out of memory while loading is a clear message and exit 1, never "internal error" (exit
# 3) or a crash: tally runs under an address-space limit (ulimit -v) a little above what it needs
# to start, found by trying `tally check`, over a million rows that need more.
# usage: cli_out_of_memory.sh PATH/TO/tally DEFS_DIR (a case with defs.tally over cp_visits)
set -uo pipefail
tally=$1
defs=$2/defs.tally
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/data"
awk 'BEGIN { print "child_id,visit_date,note";
             for (i = 0; i < 1000000; i++) printf "C%07d,2019-0%d-1%d,n%d\n", i, 1 + i % 9, i % 10, i }' \
  >"$work/data/cp_visits.csv"
run=(run "$defs" --data "$work/data" --period 2018-19Q4 --format csv)
if ! TALLY_THREADS=1 "$tally" "${run[@]}" >/dev/null; then
  echo "the run fails even without a limit" >&2
  exit 1
fi
# The least limit (in KiB) at which tally starts and checks the definitions.
limit=
for kib in $(seq 4000 1000 64000); do
  if (ulimit -v "$kib" && "$tally" check "$defs" >/dev/null 2>&1); then
    limit=$((kib + 1000))
    break
  fi
done
if [ -z "$limit" ]; then
  echo "tally check does not run under 64 MiB of address space: nothing to test" >&2
  exit 1
fi
(ulimit -v "$limit" && TALLY_THREADS=1 "$tally" "${run[@]}" >"$work/out" 2>"$work/err")
status=$?
if [ "$status" -ne 1 ] || ! grep -q '^tally: out of memory' "$work/err" ||
  ! grep -q 'try fewer --history periods' "$work/err"; then
  echo "under a limit of $limit KiB: exit $status, expected 1 with the out-of-memory message:" >&2
  cat "$work/err" >&2
  exit 1
fi
if [ -s "$work/out" ]; then
  echo "something was written to standard output" >&2
  exit 1
fi
echo "out of memory under $limit KiB: exit 1 with the message"
