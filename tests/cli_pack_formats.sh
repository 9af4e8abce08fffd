#!/usr/bin/env bash
# The example pack read from a census return (referrals) and an Excel workbook (every other
# table), as generator/make_formats.py writes them from data/, must give the same figures as the
# pack's CSV files: run (three quarters, with extra/), compare, sweep, byte for byte.
# usage: cli_pack_formats.sh PATH/TO/tally PACK_DIR
set -euo pipefail
tally=$1
pack=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$pack/generator/make_formats.py" --data "$pack/data" --out "$work/formats" 2>/dev/null
test -f "$work/formats/census.xml" && test -f "$work/formats/pack.xlsx"
if ls "$work/formats"/*.csv >/dev/null 2>&1; then
  echo "the formats folder holds CSV files; it must hold only the census and the workbook" >&2
  exit 1
fi

status=0
same() {  # name, then the command line after `tally`, without --data
  local name=$1
  shift
  "$tally" "$@" --data "$pack/data" >"$work/$name.csv.out"
  "$tally" "$@" --data "$work/formats" >"$work/$name.formats.out"
  if ! cmp -s "$work/$name.csv.out" "$work/$name.formats.out"; then
    echo "$name: the census and workbook give other figures than the CSV files:" >&2
    diff "$work/$name.csv.out" "$work/$name.formats.out" | head -20 >&2
    status=1
  fi
}
indicators=$pack/indicators
for period in 2016-17Q4 2017-18Q1 2018-19Q2; do
  same "run-$period" run "$indicators" --period "$period" --format json
done
same run-extra run "$indicators" "$pack/extra" --period 2017-18Q1 --format json
same compare compare "$indicators" --period 2017-18Q1 --scenario current --scenario proposal_15 --format json
same sweep sweep "$indicators" --period 2017-18Q1 --indicator repeat_referrals --vary repeat_referral_window=6..18 --format csv
# The figures themselves: the committee's 57 repeat referrals of 368 in 2017-18 Q1.
grep -q '"numerator": 57, "denominator": 368' <(tr -d '\n' <"$work/run-2017-18Q1.formats.out" | sed 's/  */ /g') || {
  echo "VP4 from the census is not 57 / 368" >&2
  status=1
}
exit $status
