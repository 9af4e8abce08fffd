#!/usr/bin/env bash
# A generated census return (bench/gen_census.py, 3,000 children) and the same rows as the
# flattened CSV files of std/cin.tally give the DfE's CIN indicators the same figures, and so
# does explain (whose lines differ: an element's line against a CSV row's, so only the values
# are compared). The return is read in one pass and in two halves at once.
# usage: cli_census_matches_csv.sh PATH/TO/tally PATH/TO/bench
set -euo pipefail
tally=$1
bench=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$bench/gen_census.py" "$work" 3000 5
echo 'import "std/dfe.tally"' >"$work/defs.tally"
args=(--period 2017-18 --history 3 --format json --indicator dfe_re_referrals
      --indicator dfe_assessments_45_working_days --indicator dfe_cp_plans_second_time
      --indicator dfe_cp_plans_second_time_24_months --indicator dfe_cp_plans_lasting_2_years)
"$tally" run "$work/defs.tally" --data "$work/csv" "${args[@]}" >"$work/csv.json" 2>/dev/null
"$tally" run "$work/defs.tally" --data "$work/xml/census.xml" "${args[@]}" >"$work/xml.json" 2>/dev/null
TALLY_SPLIT_BYTES=64 "$tally" run "$work/defs.tally" --data "$work/xml" "${args[@]}" >"$work/halves.json" 2>/dev/null
status=0
for other in xml halves; do
  if ! cmp -s "$work/csv.json" "$work/$other.json"; then
    echo "the census ($other) gives other figures than the CSV files:" >&2
    diff "$work/csv.json" "$work/$other.json" | head -20 >&2
    status=1
  fi
done
# Figures worth comparing: every indicator has a denominator in 2017-18.
if grep -q '"denominator": 0' "$work/csv.json"; then
  echo "an indicator has no rows in 2017-18: the generated census is too small" >&2
  status=1
fi
for source in csv xml/census.xml; do
  "$tally" explain "$work/defs.tally" --data "$work/$source" --period 2017-18 \
    --indicator dfe_re_referrals --rows all --limit 100000 --format csv | cut -d, -f2- | sort \
    >"$work/explain-${source%%/*}.csv"
done
if ! cmp -s "$work/explain-csv.csv" "$work/explain-xml.csv"; then
  echo "explain lists other rows from the census than from the CSV files" >&2
  status=1
fi
exit $status
