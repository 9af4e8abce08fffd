#!/usr/bin/env bash
# `--output FILE` with no --format writes the format FILE's extension names (.html, .md, .csv,
# .json, .txt); an unknown extension keeps the default (JSON); --format wins over the extension.
# usage: cli_output_format.sh PATH/TO/tally
set -euo pipefail
tally=$1
case=$(cd "$(dirname "$0")" && pwd)/golden/cli/csv_format
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$case"
fail=0
expect() {  # FILE FIRST-LINE [EXTRA ARGS]
  local file=$1 first=$2
  shift 2
  "$tally" run defs.tally --data data --period 2017-18Q1 --output "$out/$file" "$@"
  local got
  got=$(head -n 1 "$out/$file")
  if [ "$got" != "$first" ]; then
    echo "--output $file $*: first line '$got', expected '$first'" >&2
    fail=1
  fi
}
expect report.html '<!DOCTYPE html>'
expect REPORT.HTM '<!DOCTYPE html>'
expect scorecard.md '# 2017-18 Q1 scorecard'
expect scorecard.csv 'indicator,code,title,period,start,end,numerator,denominator,value,target,rag,trend,change'
expect scorecard.json '{'
expect scorecard.txt '2017-18 Q1 scorecard'
expect scorecard.out '{'
expect forced.html '{' --format json
exit $fail
