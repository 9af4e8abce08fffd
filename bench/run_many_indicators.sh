#!/usr/bin/env bash
# Times `tally check` and `tally run` over definitions of many indicators (the example pack's
# tables and data), to show that both grow linearly with the number of indicators. Builds nothing:
# it uses the tally in the build folder.
#
# usage: bench/run_many_indicators.sh [COUNT...]   (default: 5000 20000 100000)
#   TALLY_BUILD  the build folder (default: build/ at the top of the repository)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tally=${TALLY_BUILD:-$repo/build}/tally
pack=$repo/examples/children-services
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(5000 20000 100000)
[ -x "$tally" ] || { echo "run_many_indicators.sh: $tally not found; build first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$pack/indicators/tables.tally" "$work/"
printf '%10s %10s %10s %14s\n' indicators check_s run_s run_us_per_ind
for n in "${counts[@]}"; do
  defs=$work/many_$n.tally
  {
    echo 'import "tables.tally"'
    for ((i = 0; i < n; i++)); do
      printf 'indicator ind_%d {\n  from cp_plans\n  period quarter\n' "$i"
      printf '  denominator count where start_date in period\n  numerator count where end_date is known\n'
      printf '  target %d%%\n}\n' $((i % 100))
    done
  } >"$defs"
  start=$(date +%s.%N)
  "$tally" check "$defs" >/dev/null
  mid=$(date +%s.%N)
  "$tally" run "$defs" --data "$pack/data" --period 2017-18Q1 --format json --output /dev/null
  end=$(date +%s.%N)
  awk -v n="$n" -v a="$start" -v b="$mid" -v c="$end" \
    'BEGIN { printf "%10d %10.2f %10.2f %14.1f\n", n, b - a, c - b, (c - b) * 1e6 / n }'
done
