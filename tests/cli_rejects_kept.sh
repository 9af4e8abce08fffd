#!/usr/bin/env bash
# --lenient removes a rejects file left by an earlier run, and nothing else: a FIFO or a device
# named by --rejects (such as /dev/null) is left as it is, and a folder is refused.
# usage: cli_rejects_kept.sh PATH/TO/tally
set -euo pipefail
tally=$1
case=$(cd "$(dirname "$0")" && pwd)/golden/cli/csv_format
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$case"
fail=0
mkfifo "$work/fifo"
"$tally" run defs.tally --data data --period 2017-18Q1 --lenient --rejects "$work/fifo" >/dev/null
[ -p "$work/fifo" ] || { echo "--rejects FIFO: the FIFO was removed" >&2; fail=1; }
echo "line,reason,record" >"$work/old.csv"
"$tally" run defs.tally --data data --period 2017-18Q1 --lenient --rejects "$work/old.csv" >/dev/null
[ ! -e "$work/old.csv" ] || { echo "--rejects FILE: the old rejects file was kept" >&2; fail=1; }
mkdir "$work/empty"
if "$tally" run defs.tally --data data --period 2017-18Q1 --lenient --rejects "$work/empty" \
     >/dev/null 2>"$work/err"; then
  echo "--rejects FOLDER: accepted" >&2
  fail=1
fi
[ -d "$work/empty" ] || { echo "--rejects FOLDER: the folder was removed" >&2; fail=1; }
exit $fail
