#!/usr/bin/env bash
# Every row of a sweep must equal a separate `tally run --set` of the same value: numerator,
# denominator, value and colour of the period asked.
# usage: cli_sweep_matches_run.sh PATH/TO/tally CASE_DIR
set -euo pipefail
tally=$1
cd "$2"
period=2017-18Q1
sweep=$("$tally" sweep defs.tally --data data --period "$period" --vary cp_visit_days=5..20 --format csv)
checked=0
while IFS=, read -r indicator value numerator denominator shown rag; do
  [ "$indicator" = indicator ] && continue
  days=${value% days}
  run=$("$tally" run defs.tally --data data --period "$period" --history 1 --set "cp_visit_days=$days" --format csv |
        awk -F, -v ind="$indicator" '$1 == ind { print $7 "," $8 "," $9 "," $11 }')
  if [ "$run" != "$numerator,$denominator,$shown,$rag" ]; then
    echo "sweep row for $value: $numerator,$denominator,$shown,$rag; run --set: $run" >&2
    exit 1
  fi
  checked=$((checked + 1))
done <<<"$sweep"
if [ "$checked" -ne 16 ]; then
  echo "expected 16 sweep rows (5..20), checked $checked" >&2
  exit 1
fi
echo "sweep matches run --set for $checked values"
