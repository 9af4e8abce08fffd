#!/usr/bin/env bash
# Times loading a children in need census return of 400,000 children (bench/gen_census.py)
# against loading the same rows as the flattened CSV files of std/cin.tally, running the DfE's
# four CIN indicators (std/dfe.tally) over each; checks that both give the same figures. Each
# load is timed RUNS times (3 unless set) and the best is shown, as other work may share the
# machine.
# usage: bench/census_vs_csv.sh [CHILDREN] (build/tally, or $TALLY_BUILD/tally; the data is
# written to build/bench-data unless $CENSUS_DATA names a folder holding xml/census.xml and csv/)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${TALLY_BUILD:-$here/../build}
children=${1:-400000}
runs=${RUNS:-3}
data=${CENSUS_DATA:-$build/bench-data/census-$children}
if [ ! -f "$data/xml/census.xml" ]; then
  echo "writing $data (about 650 MB for 400,000 children)" >&2
  python3 "$here/gen_census.py" "$data" "$children"
fi
echo 'import "std/dfe.tally"' >"$data/defs.tally"
args=(--period 2017-18 --format json --indicator dfe_re_referrals --indicator dfe_assessments_45_working_days
      --indicator dfe_cp_plans_second_time --indicator dfe_cp_plans_lasting_2_years)
declare -A best
for source in csv xml/census.xml; do
  size=$(du -sh "$data/$source" | cut -f1)
  for ((run = 0; run < runs; run++)); do
    load=$(TALLY_TIMING=1 "$build/tally" run "$data/defs.tally" --data "$data/$source" "${args[@]}" \
      --output "$data/out-${source//\//-}.json" 2>&1 | sed -n 's/^timing: load \([0-9.]*\) s$/\1/p')
    if [ -z "${best[$source]:-}" ] || awk "BEGIN { exit !($load < ${best[$source]}) }"; then
      best[$source]=$load
    fi
  done
  echo "$source ($size): load ${best[$source]} s (best of $runs)"
done
awk "BEGIN { printf \"census / CSV: %.1f times\\n\", ${best[xml/census.xml]} / ${best[csv]} }"
cmp "$data/out-csv.json" "$data/out-xml-census.xml.json" && echo "same figures"
