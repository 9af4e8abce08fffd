#!/usr/bin/env bash
# Rewrites the expected output of golden cases from what build/tally prints now, for review with
# `git diff`: tests/golden/update.sh [CASE_DIR...] (default: every case).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
tally=${TALLY:-$root/build/tally}
if [ $# -eq 0 ]; then
  mapfile -t cases < <(find "$root/tests/golden" -name cmd -printf '%h\n' | sort)
else
  cases=("$@")
fi
for c in "${cases[@]}"; do TALLY_UPDATE=1 bash "$root/tests/golden/run_case.sh" "$tally" "$c"; done
