#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ThreadSanitizer run of the blocks, by hand (README "Sanitizers"):
#   bash tests/tsan/run.sh [BUILD_DIR [COUNT]]
# Configures BUILD_DIR (default /tmp/semsteg-tsan) with -fsanitize=thread, builds the block
# library, compiles tsan_loopback.cc against it and runs COUNT (default 30) images through
# Alice's, Bob's and Eve's chains. Any TSan report fails the run (exit 66).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-/tmp/semsteg-tsan}
count=${2:-30}
tsan=(-fsanitize=thread -fno-omit-frame-pointer)
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEMSTEG_BUILD_TESTS=OFF \
    -DCMAKE_CXX_FLAGS="${tsan[*]}" -DCMAKE_C_FLAGS="${tsan[*]}" \
    -DCMAKE_SHARED_LINKER_FLAGS="${tsan[*]}" -DCMAKE_EXE_LINKER_FLAGS="${tsan[*]}" >/dev/null
cmake --build "$build" --target gnuradio-semsteg
libs=("$build/gr-semsteg" "$build/lib" "$build/lib/phy")
g++ -std=c++17 -O1 -g "${tsan[@]}" "$root/tests/tsan/tsan_loopback.cc" -o "$build/tsan_loopback" \
    -I"$root/gr-semsteg/include" -L"${libs[0]}" -lgnuradio-semsteg -lgnuradio-runtime -lgnuradio-pmt -lfmt \
    -Wl,-rpath,"$(IFS=:; echo "${libs[*]}")"
img=/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg
host=/usr/share/palapeli/collection/castle-maintenon.jpg
SEMSTEG_MODELS="$root/models" TSAN_OPTIONS="halt_on_error=0 exitcode=66 suppressions=$root/tests/tsan/suppressions.txt ${TSAN_OPTIONS:-}" \
    "$build/tsan_loopback" "$img" "$host" "$count"
