# Sourced by the CLI tests whose figures must not depend on row order or thread count.
#
# runs_agree TALLY DEFS WORK MIN_FIGURES SET...
# Runs DEFS over the data folder WORK/SET of each SET on 1, 2 and 3 threads, with the options in
# the caller's array `args`, and fails unless every run prints the bytes of the first SET on one
# thread, and that scorecard holds at least MIN_FIGURES figures with a denominator (a scorecard
# with nothing in it would agree with itself).
runs_agree() {
  local tally=$1 defs=$2 work=$3 min=$4
  shift 4
  TALLY_THREADS=1 "$tally" run "$defs" --data "$work/$1" "${args[@]}" >"$work/expected.json"
  local set threads figures
  for set in "$@"; do
    for threads in 1 2 3; do
      TALLY_THREADS=$threads "$tally" run "$defs" --data "$work/$set" "${args[@]}" >"$work/got.json"
      if ! cmp -s "$work/expected.json" "$work/got.json"; then
        echo "run on $set rows with $threads threads differs from $1 rows on one:" >&2
        diff "$work/expected.json" "$work/got.json" | head -20 >&2
        exit 1
      fi
    done
  done
  figures=$(grep -c '"denominator": [1-9]' "$work/expected.json" || true)
  if [ "$figures" -lt "$min" ]; then
    echo "expected at least $min figures in the scorecard of $1 rows, found $figures" >&2
    exit 1
  fi
}
