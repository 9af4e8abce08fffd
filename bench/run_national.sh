#!/usr/bin/env bash
# Times whole `tally run`s of the reference indicators (bench/reference) over the national-scale
# synthetic data, once shuffled and once sorted by (child_id, date), and reports wall time, peak
# memory and the size of the CSV read; then, on the shuffled set, a compare of two parameter sets
# against a run, and a sweep of 100 values against a run of the same indicator, as ratios. Builds nothing: it uses the tally and tally_gen already in
# the build folder, and generates each data set only the first time.
#
# usage: bench/run_national.sh [RUNS]
#   RUNS         timed runs per data set (default 1)
#   TALLY_BUILD  the build folder (default: build/ at the top of the repository)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${TALLY_BUILD:-$repo/build}
runs=${1:-1}
tally=$build/tally
gen=$build/bench/tally_gen
data=$build/bench-data
tables=(cp_visits referrals cp_plans episodes children)

if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: bench/run_national.sh [RUNS]" >&2
  exit 2
fi
for exe in "$tally" "$gen"; do
  if [[ ! -x $exe ]]; then
    echo "run_national.sh: $exe not found; build first (cmake --build $build)" >&2
    exit 2
  fi
done

# Generates the national data set into $1 unless every file is already there; further arguments
# go to tally_gen. Writes beside the target and renames, so an interrupted run leaves no half set.
generate() {
  local dir=$1
  shift
  local t
  for t in "${tables[@]}"; do
    if [[ ! -f $dir/$t.csv ]]; then
      echo "generating $dir" >&2
      rm -rf "$dir.partial"
      "$gen" --out "$dir.partial" --scale national "$@" >&2
      rm -rf "$dir"
      mv "$dir.partial" "$dir"
      return
    fi
  done
}

csv_megabytes() {
  local files=() t
  for t in "${tables[@]}"; do files+=("$1/$t.csv"); done
  wc -c "${files[@]}" | awk 'END { printf "%.1f MB", $1 / 1e6 }'
}

# Runs the command given, printing "SECONDS s PEAK KB" (or only the seconds without GNU time).
# Its standard error goes to $log; a failure stops the script.
log=$(mktemp)
measure=$(mktemp)
trap 'rm -f "$log" "$measure"' EXIT
gnu_time=0
if [[ -x /usr/bin/time ]] && /usr/bin/time -f '%e' true >/dev/null 2>&1; then gnu_time=1; fi

timed() {
  local status=0
  if ((gnu_time)); then
    /usr/bin/time -o "$measure" -f '%e s %M KB' "$@" 2>"$log" || status=$?
  else
    local TIMEFORMAT='%R s (peak memory not measured)'
    { time "$@" 2>"$log"; } 2>"$measure" || status=$?
  fi
  if ((status != 0)); then
    echo "run_national.sh: '$*' failed with status $status:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  tail -n 1 "$measure"
}

mkdir -p "$data"
generate "$data/national"
generate "$data/national-sorted" --sorted

echo "tally run bench/reference --period 2019-20Q4 --history 20 --format json --output /dev/null"
for set in national national-sorted; do
  dir=$data/$set
  echo "$set: $(csv_megabytes "$dir") of CSV in $dir"
  for ((run = 1; run <= runs; ++run)); do
    result=$(timed "$tally" run "$repo/bench/reference" --data "$dir" --period 2019-20Q4 \
      --history 20 --format json --output /dev/null)
    echo "  run $run: $result"
  done
done

# Validation runs against plain runs, on the shuffled set: a compare against a run of the same
# indicators and periods, a sweep against a run of the same indicator (default history).
seconds() { timed "$@" | awk '{ print $1 }'; }
dir=$data/national
common=(--data "$dir" --period 2019-20Q4 --format json --output /dev/null)
echo "compare and sweep against run, national (shuffled):"
for ((run = 1; run <= runs; ++run)); do
  all=$(seconds "$tally" run "$repo/bench/reference" "${common[@]}" --history 20)
  compare=$(seconds "$tally" compare "$repo/bench/reference" "${common[@]}" --history 20 \
    --set proposal:cp_visit_days=15)
  one=$(seconds "$tally" run "$repo/bench/reference" "${common[@]}" \
    --indicator cp_visits_on_time)
  sweep=$(seconds "$tally" sweep "$repo/bench/reference" "${common[@]}" \
    --indicator cp_visits_on_time --vary cp_visit_days=1..100)
  awk -v a="$all" -v c="$compare" -v o="$one" -v s="$sweep" -v r="$run" 'BEGIN {
    printf "  run %d: compare of 2 parameter sets %.2f s / run %.2f s = %.2f; ", r, c, a, c / a
    printf "sweep of 100 values %.2f s / run of the indicator %.2f s = %.2f\n", s, o, s / o }'
done
