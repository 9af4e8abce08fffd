#!/usr/bin/env bash
# Installs what tally needs from Debian's packages (only what is missing), then configures and
# builds it into build/. Without options it builds the `tally` program alone; with --tests it also
# installs what the tests need and builds the tests and benchmarks. Build output goes to
# build/setup.log (its last lines are shown when the build fails), so that what runs after the
# set-up prints on a clean screen. It ends by writing the example pack's committee report to
# build/children-services-2017-18Q1.html and saying so. Other arguments go to cmake's configure step.
#
# usage: scripts/setup.sh [--tests] [CMAKE_ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."

tests=0
cmake_args=()
for arg in "$@"; do
  case $arg in
    --tests) tests=1 ;;
    *) cmake_args+=("$arg") ;;
  esac
done

packages=(g++ cmake ninja-build pkg-config tao-pegtl-dev libboost-dev libfmt-dev
          nlohmann-json3-dev libcli11-dev libre2-dev libexpat1-dev libzip-dev libxlsxwriter-dev)
if ((tests)); then
  # GoogleTest and Google Benchmark; clang-format checks the layout of the sources; clang with
  # its runtime libraries builds the fuzz targets; Chromium renders the HTML report headless and
  # openpyxl (Debian's, for /usr/bin/python3) reads the workbooks back.
  packages+=(libgtest-dev libbenchmark-dev clang-format clang libclang-rt-dev chromium
             python3-openpyxl)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p build
log=build/setup.log
if ((tests)); then
  switches=(-DBUILD_TESTING=ON -DTALLY_BENCH=ON)
  targets=(all)
  echo "setup: building tally, its tests and benchmarks (log: $log)" >&2
else
  switches=(-DBUILD_TESTING=OFF -DTALLY_BENCH=OFF)
  targets=(tally)
  echo "setup: building tally (log: $log)" >&2
fi
if ! { cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "${switches[@]}" "${cmake_args[@]}" &&
       cmake --build build -j "$(nproc)" --target "${targets[@]}"; } >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "setup: the build failed; the whole log is $log" >&2
  exit 1
fi

# The example pack's committee report, for a person to open in a browser.
report=build/children-services-2017-18Q1.html
if build/tally report examples/children-services/indicators --data examples/children-services/data \
     --period 2017-18Q1 --as-at 2019-03-31 --output "$report"; then
  echo "setup: the example pack's committee report for 2017-18 Q1 is $report (open it in a browser)" >&2
else
  echo "setup: the example pack's report could not be written (above: why)" >&2
fi
