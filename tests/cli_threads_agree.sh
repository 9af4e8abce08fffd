#!/usr/bin/env bash
# The figures must not depend on the order of the rows in the files or on the number of threads:
# the reference indicators over generated data big enough for every table to be evaluated in
# parallel stretches, sorted (walked in place) and shuffled, on 1, 2 and 3 threads, must print
# the same bytes; so must sweeps (thresholds gathered per thread) and explanations.
# usage: cli_threads_agree.sh PATH/TO/tally PATH/TO/tally_gen REFERENCE_DIR
set -euo pipefail
tally=$1
gen=$2
defs=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# 2.5 million visits, 350,000 referrals, 100,000 plans and 75,000 episodes.
"$gen" --out "$work/shuffled" --scale 0.25 --seed 7 >/dev/null
"$gen" --out "$work/sorted" --scale 0.25 --seed 7 --sorted >/dev/null

args=(--period 2019-20Q4 --history 8 --format json)
# shellcheck source=tests/runs_agree.sh
source "$(dirname "$0")/runs_agree.sh"
# Five indicators over eight quarters.
runs_agree "$tally" "$defs" "$work" 40 sorted shuffled

for threads in 1 2; do
  TALLY_THREADS=$threads "$tally" sweep "$defs" --data "$work/shuffled" --period 2019-20Q4 \
    --vary cp_visit_days=5..20 --format csv >"$work/sweep-$threads.csv"
  TALLY_THREADS=$threads "$tally" explain "$defs" --data "$work/shuffled" --period 2019-20Q4 \
    --indicator repeat_referrals --rows all --limit 200 --format csv >"$work/explain-$threads.csv"
done
for kind in sweep explain; do
  ext=csv
  if ! cmp -s "$work/$kind-1.$ext" "$work/$kind-2.$ext"; then
    echo "$kind on 1 and 2 threads differs:" >&2
    diff "$work/$kind-1.$ext" "$work/$kind-2.$ext" | head -20 >&2
    exit 1
  fi
  if [ "$(wc -l <"$work/$kind-1.$ext")" -lt 10 ]; then
    echo "$kind printed almost nothing" >&2
    exit 1
  fi
done
echo "same figures for sorted and shuffled rows on 1, 2 and 3 threads; sweeps and explanations agree"
