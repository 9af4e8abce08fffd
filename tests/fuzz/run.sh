#!/usr/bin/env bash
# Builds the fuzz targets with clang into build-fuzz/ (libFuzzer with AddressSanitizer and
# UndefinedBehaviorSanitizer) and runs each for SECONDS from seed corpora made of the repository's
# definitions and the golden cases' data. A crash, a hang, a leak or two paths that disagree stop
# the run: the input that did it is kept in the work folder, whose path is printed.
#
# usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
#   SECONDS            how long each target runs (default 60)
#   TARGET             fuzz_definitions, fuzz_csv, fuzz_end_to_end, fuzz_formats (default: all)
#   TALLY_FUZZ_BUILD   the build folder (default: build-fuzz/ at the top of the repository)
#   TALLY_FUZZ_WORK    where corpora and crashing inputs go (default: a new folder in /tmp)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_definitions fuzz_csv fuzz_end_to_end fuzz_formats)
build=${TALLY_FUZZ_BUILD:-$repo/build-fuzz}
work=${TALLY_FUZZ_WORK:-$(mktemp -d /tmp/tally-fuzz.XXXXXX)}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: tests/fuzz/run.sh [SECONDS] [TARGET...]" >&2
  exit 2
fi
for tool in clang clang++; do
  command -v $tool >/dev/null || { echo "run.sh: $tool not found (apt-get install clang libclang-rt-dev)" >&2; exit 2; }
done

mkdir -p "$build"
echo "fuzz: building into $build (log: $build/build.log)"
if ! { CC=clang CXX=clang++ cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
         -DTALLY_FUZZ=ON -DTALLY_SANITIZE=ON -DBUILD_TESTING=OFF -DTALLY_BENCH=OFF &&
       cmake --build "$build" --target "${targets[@]}"; } >"$build/build.log" 2>&1; then
  tail -n 40 "$build/build.log" >&2
  exit 1
fi

# Seeds: every .tally file of the repository; the golden cases' CSV files; and, end to end, each
# golden case with one definition file and a data folder, laid out as the target reads it.
seeds=$work/seeds
rm -rf "$seeds"
mkdir -p "$seeds"/{fuzz_definitions,fuzz_csv,fuzz_end_to_end,fuzz_formats}
n=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  cp "$f" "$seeds/fuzz_definitions/$n.tally"
done < <(find "$repo/tests" "$repo/examples" "$repo/stdlib" "$repo/bench/reference" -name '*.tally' -size -64k -print0)
while IFS= read -r -d '' f; do
  n=$((n + 1))
  head -c 16384 "$f" >"$seeds/fuzz_csv/$n.csv"
done < <(find "$repo/tests/golden" -name '*.csv' -print0)
while IFS= read -r -d '' dir; do
  defs=("$dir"/*.tally)
  [ ${#defs[@]} -eq 1 ] && [ -f "${defs[0]}" ] && [ -d "$dir/data" ] || continue
  n=$((n + 1))
  {
    cat "${defs[0]}"
    for csv in "$dir"/data/*.csv; do
      [ -f "$csv" ] || continue
      printf '\n%%%% %s\n' "$(basename "$csv" .csv)"
      head -c 8192 "$csv"
    done
  } >"$seeds/fuzz_end_to_end/$n"
done < <(find "$repo/tests/golden" -mindepth 2 -maxdepth 2 -type d -print0)

# Census returns (a first byte of 0 picks the census) and workbook parts (2: sheet, shared strings).
while IFS= read -r -d '' f; do
  n=$((n + 1))
  { printf '\x00'; head -c 8192 "$f"; } >"$seeds/fuzz_formats/$n"
done < <(find "$repo/tests/golden/formats" "$repo/../shared/data/public-cin" -name '*.xml' -size -8k -print0 2>/dev/null)
cp "$repo/tests/fuzz/workbook.seed" "$seeds/fuzz_formats/workbook"

status=0
for t in "${targets[@]}"; do
  corpus=$work/corpus/$t
  mkdir -p "$corpus" "$work/crashes/$t"
  dict=()
  [ "$t" = fuzz_csv ] || dict=(-dict="$repo/tests/fuzz/tally.dict")
  [ "$t" = fuzz_formats ] && dict=(-dict="$repo/tests/fuzz/formats.dict")
  echo "fuzz: $t for ${seconds} s (corpus $corpus)"
  if ! "$build/tests/fuzz/$t" "$corpus" "$seeds/$t" "${dict[@]}" -max_total_time="$seconds" \
        -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
        -artifact_prefix="$work/crashes/$t/" >"$work/$t.log" 2>&1; then
    tail -n 60 "$work/$t.log" >&2
    echo "fuzz: $t failed; the input is in $work/crashes/$t/ and the log in $work/$t.log" >&2
    status=1
  else
    grep -E '^stat::number_of_executed_units|^Done' "$work/$t.log" | tr '\n' ' '
    echo
  fi
done
exit $status
