#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The shipped loopback flowgraph as a user has it: compiled by grcc with gnuradio.semsteg
# importable (PYTHONPATH / LD_LIBRARY_PATH set by the caller), then run headless (offscreen
# Qt) from an empty folder with every default (models found by name), stopped after a few
# seconds. Bob's and both Eves' sinks must have written images.
# Usage: run_loopback_headless.sh GRC_DIR WORK_DIR
set -u
grc_dir=$(cd "$1" && pwd) || exit 2
work=$2
rm -rf "$work"
mkdir -p "$work/generated" "$work/run" || exit 1
work=$(cd "$work" && pwd)
python=${SEMSTEG_PYTHON:-/usr/bin/python3}
"$python" -c "import gnuradio.semsteg" || { echo "error: gnuradio.semsteg is not importable" >&2; exit 1; }
if ! GRC_BLOCKS_PATH="$grc_dir" grcc -o "$work/generated" "$grc_dir/semsteg_loopback.grc" \
        >"$work/grcc.log" 2>&1 || grep -q -E "Load Error|Generate Error|Compilation error" "$work/grcc.log"; then
    echo "FAIL: grcc semsteg_loopback.grc:" >&2
    cat "$work/grcc.log" >&2
    exit 1
fi
cd "$work/run"
# The flowgraph's key is the demo key (its default): made here, not in $HOME.
SEMSTEG_DEMO_KEY=$work/demo.key QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp} \
    timeout -s INT -k 10 20 "$python" "$work/generated/semsteg_loopback.py" >"$work/run.log" 2>&1
rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ $rc -ne 130 ]; then
    echo "FAIL: the generated flowgraph exited with status $rc:" >&2
    tail -30 "$work/run.log" >&2
    exit 1
fi
failed=0
if ! grep -q "demo key" "$work/run.log"; then
    echo "FAIL: the flowgraph ran on the demo key without saying so (log: $work/run.log)" >&2
    failed=1
fi
for who in bob eve_naive eve_mia; do
    n=$(ls "$work/run/semsteg-loopback-out/${who}_"*.png 2>/dev/null | wc -l)
    if [ "$n" -ge 1 ]; then
        echo "ok: $who received $n images"
    else
        echo "FAIL: $who received no image (log: $work/run.log)" >&2
        failed=1
    fi
done
if grep -q -E "Traceback|error" "$work/run.log"; then
    echo "FAIL: errors in the flowgraph's log:" >&2
    grep -E -A3 "Traceback|error" "$work/run.log" | head -30 >&2
    failed=1
fi
exit $failed
