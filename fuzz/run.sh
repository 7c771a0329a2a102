#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every fuzzer on a copy of the committed seed corpus (the repository is never
# written). Usage: [FUZZ_TARGETS="a b"] run.sh BUILD_DIR smoke|RUNS [WORK_DIR]
#   smoke  each target for a few seconds (ctest fuzz_smoke, CI)
#   RUNS   each target for that many executions (by hand: 1000000), then prints the corpus
#          sizes; crashes are written to WORK_DIR/crashes/
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run.sh BUILD_DIR smoke|RUNS [WORK_DIR]}
mode=${2:?usage: run.sh BUILD_DIR smoke|RUNS [WORK_DIR]}
work=${3:-$(mktemp -d)}
mkdir -p "$work/crashes"
# Samples for the frame receiver are larger than libFuzzer's default 4 KB inputs.
declare -A max_len=([model_file]=65536 [image]=65536 [key_file]=4096 [phy_header]=16384
                    [frame_receiver]=131072 [pdu]=16384)
failed=()
for target in ${FUZZ_TARGETS:-model_file image key_file phy_header frame_receiver pdu}; do
    corpus="$work/corpus/$target"
    mkdir -p "$corpus"
    cp -n "$here/corpus/$target"/* "$corpus"/
    if [[ $mode == smoke ]]; then
        limit=(-max_total_time=5)
    else
        limit=(-runs="$mode")
    fi
    log="$work/$target.log"
    if "$build/fuzz_$target" "${limit[@]}" -max_len="${max_len[$target]}" -rss_limit_mb=4096 \
            -artifact_prefix="$work/crashes/$target-" -print_final_stats=1 "$corpus" \
            >"$log" 2>&1; then
        execs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
        echo "ok   fuzz_$target: $execs executions, corpus $(ls "$corpus" | wc -l) inputs"
    else
        echo "FAIL fuzz_$target (log: $log):"
        tail -30 "$log"
        failed+=("$target")
    fi
done
if [[ ${#failed[@]} -ne 0 ]]; then
    echo "fuzz: FAILED: ${failed[*]}"
    exit 1
fi
echo "fuzz: all targets clean"
