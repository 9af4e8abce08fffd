#!/usr/bin/env bash
# Definitions far past tally's depth limits (docs/language.md, "Limits"), generated here:
# 10,000 nested calls in a 50 KB file, chains of 20,000 `or` and `+` terms, 20,000 lets each
# built on the one before, lets that double at each step, and a list of 20,000 row values. Every
# command that reads definitions must stop with exit 1 and a message naming file:line:column,
# never crash (exit 139) or hang; a --set value nested 10,000 deep is refused as an option.
# usage: cli_deep_definitions.sh PATH/TO/tally
set -uo pipefail
tally=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/data"
printf 'child_id,visit_date,seen_alone\nC1,2017-04-03,true\nC1,2017-05-03,false\n' \
  >"$work/data/cp_visits.csv"

# repeat TEXT N SEPARATOR: TEXT written N times with SEPARATOR between.
repeat() {
  local out=$1 i
  for ((i = 1; i < $2; i++)); do out+="$3$1"; done
  printf '%s' "$out"
}

# write NAME BODY: a definition file with one indicator whose clauses are BODY.
write() {
  cat >"$work/$1.tally" <<EOF
table cp_visits {
  child_id   text
  visit_date date
  seen_alone bool
}

indicator deep {
  from   cp_visits
  period quarter
$2
}
EOF
}

write nested_calls "  value count where $(repeat 'abs(' 10000 '')1$(repeat ')' 10000 '') > 0"
write or_chain "  value count where $(repeat seen_alone 20000 ' or ')"
write plus_chain "  value count where $(repeat 1 20000 ' + ') > 0"
lets="  let l0 = 1"
for ((i = 1; i < 20000; i++)); do lets+=$'\n'"  let l$i = l$((i - 1)) + 1"; done
write let_chain "$lets
  value count where l19999 > 0"
lets="  let d0 = 1"
for ((i = 1; i < 60; i++)); do lets+=$'\n'"  let d$i = d$((i - 1)) + d$((i - 1))"; done
write doubling_lets "$lets
  value count where previous(visit_date per child_id where d59 > 0) is known"
write long_row_list "  value count where child_id in ($(repeat child_id 20000 ', '))"

if [ "$(wc -c <"$work/nested_calls.tally")" -lt 50000 ]; then
  echo "nested_calls.tally should be over 50 KB" >&2
  exit 1
fi

failed=0
# expect CASE MESSAGE COMMAND...: the command exits 1 and its standard error names CASE.tally
# with line and column and holds MESSAGE (as text, or as JSON under --diagnostics json).
expect() {
  local name=$1 message=$2
  shift 2
  local status shown
  (cd "$work" && timeout 60 "$tally" "$@" >"$work/out" 2>"$work/err")
  status=$?
  if [[ " $* " == *" --diagnostics json "* ]]; then
    shown=$(tr -d '\n ' <"$work/err")
    [[ "$shown" == *"\"code\":\"too-deep\",\"message\":\""*"${message// /}"* &&
      "$shown" == *"\"file\":\"$name.tally\",\"line\":"[0-9]*",\"column\":"[0-9]* ]] ||
      status="$status, not the JSON message"
  elif ! grep -q "^$name\.tally:[0-9]*:[0-9]*: error: .*$message" "$work/err"; then
    status="$status, not the message"
  fi
  if [ "$status" != 1 ]; then
    echo "FAILED: tally $* gave exit $status (expected 1 and $name.tally:LINE:COLUMN: ...$message)" >&2
    head -c 400 "$work/err" >&2
    echo >&2
    failed=1
  fi
}

data=(--data data --period 2017-18Q1)
for name in nested_calls or_chain plus_chain let_chain doubling_lets long_row_list; do
  case $name in
    let_chain) message="nests more than 1000 levels deep" ;;
    long_row_list) message="nests more than 1000 levels deep" ;;
    doubling_lets) message="holds more than 100000 terms" ;;
    *) message="nests more than 100 levels deep" ;;
  esac
  defs=$name.tally
  expect "$name" "$message" check "$defs"
  expect "$name" "$message" check "$defs" --diagnostics json
  for emit in ast types plan; do expect "$name" "$message" check "$defs" --emit "$emit"; done
  expect "$name" "$message" describe "$defs"
  expect "$name" "$message" run "$defs" "${data[@]}"
  expect "$name" "$message" explain "$defs" "${data[@]}" --indicator deep
  expect "$name" "$message" compare "$defs" "${data[@]}" --against "$defs"
  expect "$name" "$message" sweep "$defs" "${data[@]}" --vary x=1..2
done

# A --set value is parsed as an expression too: refused as an option (exit 2), not a crash.
printf 'param x = 1\n' >"$work/param.tally"
(cd "$work" && timeout 60 "$tally" describe param.tally --set "x=$(repeat 'abs(' 10000 '')1$(repeat ')' 10000 '')" \
  >"$work/out" 2>"$work/err")
status=$?
if [ "$status" != 2 ] || ! grep -q "is not a valid value" "$work/err"; then
  echo "FAILED: a --set value nested 10,000 deep gave exit $status (expected 2)" >&2
  head -c 400 "$work/err" >&2
  failed=1
fi
exit $failed
