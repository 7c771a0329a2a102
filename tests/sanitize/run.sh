#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Everything below the Python layer under a sanitizer, in one instrumented build:
#   bash tests/sanitize/run.sh address|thread [BUILD_DIR [COUNT [PYTHON_MODULE_DIR]]]
# address (ctest `sanitize`, CI): AddressSanitizer + UndefinedBehaviorSanitizer (no recovery:
#   any report fails) with leak checking. Builds the core, the PHY, the torch facade and the
#   block library instrumented (LibTorch itself is not), then runs
#   1. the torch-free GoogleTests (model files, images and datasets, keys, the experiment
#      library and the reports, the whole PHY),
#   2. blocks_loopback.cc: Alice's, Bob's and Eve's chains in GNU Radio's scheduler, COUNT
#      images (default 30), the main thread polling every block's counters,
#   3. with PYTHON_MODULE_DIR (a normal build's python/ folder): every qa_*.py of the blocks,
#      the pybind module from that build loaded over the instrumented block library
#      (LD_LIBRARY_PATH outranks its RUNPATH) with the runtimes preloaded into python3 —
#      the bindings' glue is not instrumented, everything it calls is; leak checking off
#      there (CPython keeps its objects at exit).
# thread (by hand): ThreadSanitizer, step 2 only (Debian's python3 cannot host the TSan
#   runtime; the gtests are single-threaded). Reports in GNU Radio's ControlPort are
#   suppressed in tsan_suppressions.txt, with the reason.
# -O1 -g1: line tables for the reports at a fraction of -O2 -g's compile time.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
sanitizer=${1:?usage: run.sh address|thread [BUILD_DIR [COUNT [PYTHON_MODULE_DIR]]]}
build=${2:-/tmp/semsteg-$sanitizer}
count=${3:-30}
python_modules=${4:-}
case $sanitizer in
address) flags=(-fsanitize=address,undefined -fno-sanitize-recover=undefined) ;;
thread) flags=(-fsanitize=thread) ;;
*) echo "run.sh: address or thread, not '$sanitizer'" >&2; exit 2 ;;
esac
flags+=(-fno-omit-frame-pointer -O1 -g1)
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=None -DSEMSTEG_BUILD_TESTS=ON \
    -DCMAKE_CXX_FLAGS="${flags[*]}" -DCMAKE_C_FLAGS="${flags[*]}" \
    -DCMAKE_SHARED_LINKER_FLAGS="${flags[*]}" -DCMAKE_EXE_LINKER_FLAGS="${flags[*]}" >/dev/null
gtests=(tests/test_model_file tests/test_image_dataset tests/test_stego_key
        tests/test_experiment tests/test_receiver_report tests/test_channel
        lib/phy/tests/semsteg_phy_tests)
targets=(gnuradio-semsteg)
[[ $sanitizer == address ]] && targets+=("${gtests[@]##*/}")
cmake --build "$build" --target "${targets[@]}"
libs=("$build/gr-semsteg" "$build/lib" "$build/lib/phy")
export SEMSTEG_MODELS="$root/models"
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 suppressions=$root/tests/sanitize/tsan_suppressions.txt ${TSAN_OPTIONS:-}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

if [[ $sanitizer == address ]]; then
    for t in "${gtests[@]}"; do
        echo "== $t"
        "$build/$t" --gtest_brief=1
    done
fi

echo "== blocks_loopback ($count images)"
g++ -std=c++17 "${flags[@]}" "$root/tests/sanitize/blocks_loopback.cc" \
    -o "$build/blocks_loopback" -I"$root/gr-semsteg/include" -L"${libs[0]}" \
    -lgnuradio-semsteg -lgnuradio-runtime -lgnuradio-pmt -lfmt \
    -Wl,-rpath,"$(IFS=:; echo "${libs[*]}")"
img=/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg
host=/usr/share/palapeli/collection/castle-maintenon.jpg
"$build/blocks_loopback" "$img" "$host" "$count"

if [[ $sanitizer == address && -n $python_modules ]]; then
    sys=/usr/lib/x86_64-linux-gnu
    for qa in "$root"/gr-semsteg/python/semsteg/qa_*.py; do
        echo "== ${qa##*/}"
        PYTHONPATH="$python_modules" QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=/tmp \
            LD_LIBRARY_PATH="$(IFS=:; echo "${libs[*]}")" ASAN_OPTIONS=detect_leaks=0 \
            LD_PRELOAD="$sys/libasan.so.8 $sys/libubsan.so.1" /usr/bin/python3 "$qa"
    done
fi
echo "run.sh: $sanitizer: no report"
