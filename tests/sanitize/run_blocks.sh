#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The blocks under a sanitizer: Alice's, Bob's and Eve's chains of the loopback in C++
# (blocks_loopback.cc), the block library and everything below it instrumented.
#   bash tests/sanitize/run_blocks.sh address|thread [BUILD_DIR [COUNT]]
# address: AddressSanitizer + UndefinedBehaviorSanitizer (ctest sanitize_blocks, CI);
# thread: ThreadSanitizer (by hand). Configures BUILD_DIR (default /tmp/semsteg-SANITIZER)
# from the top-level project with the sanitizer, builds the block library, compiles the
# harness against it and runs COUNT images (default 30). Any report fails the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
sanitizer=${1:?usage: run_blocks.sh address|thread [BUILD_DIR [COUNT]]}
build=${2:-/tmp/semsteg-$sanitizer}
count=${3:-30}
case $sanitizer in
address) flags=(-fsanitize=address,undefined -fno-sanitize-recover=undefined) ;;
thread) flags=(-fsanitize=thread) ;;
*) echo "run_blocks.sh: address or thread, not '$sanitizer'" >&2; exit 2 ;;
esac
flags+=(-fno-omit-frame-pointer)
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEMSTEG_BUILD_TESTS=OFF \
    -DCMAKE_CXX_FLAGS="${flags[*]}" -DCMAKE_C_FLAGS="${flags[*]}" \
    -DCMAKE_SHARED_LINKER_FLAGS="${flags[*]}" -DCMAKE_EXE_LINKER_FLAGS="${flags[*]}" >/dev/null
cmake --build "$build" --target gnuradio-semsteg
libs=("$build/gr-semsteg" "$build/lib" "$build/lib/phy")
g++ -std=c++17 -O1 -g "${flags[@]}" "$root/tests/sanitize/blocks_loopback.cc" \
    -o "$build/blocks_loopback" -I"$root/gr-semsteg/include" -L"${libs[0]}" \
    -lgnuradio-semsteg -lgnuradio-runtime -lgnuradio-pmt -lfmt \
    -Wl,-rpath,"$(IFS=:; echo "${libs[*]}")"
img=/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg
host=/usr/share/palapeli/collection/castle-maintenon.jpg
export SEMSTEG_MODELS="$root/models"
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 suppressions=$root/tests/sanitize/tsan_suppressions.txt ${TSAN_OPTIONS:-}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
"$build/blocks_loopback" "$img" "$host" "$count"
