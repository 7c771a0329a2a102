#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The blocks' Python QA under AddressSanitizer + UBSan, by hand, after
# `run_blocks.sh address BUILD_DIR` (default /tmp/semsteg-address): builds the pybind module
# there too and runs every qa_*.py with the sanitizer runtimes preloaded into Debian's
# python3 (leak checking off: CPython keeps its objects at exit). Any report fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-/tmp/semsteg-address}
cmake --build "$build" --target semsteg_python
lib=/usr/lib/x86_64-linux-gnu
export PYTHONPATH="$build/python" SEMSTEG_MODELS="$root/models" QT_QPA_PLATFORM=offscreen
export LD_LIBRARY_PATH="$build/gr-semsteg:$build/lib:$build/lib/phy" XDG_RUNTIME_DIR=/tmp
export ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
for qa in "$root"/python_bindings/qa_*.py; do
    LD_PRELOAD="$lib/libasan.so.8 $lib/libubsan.so.1" /usr/bin/python3 "$qa"
done
echo "run_python_qa.sh: every QA passed under ASan + UBSan"
