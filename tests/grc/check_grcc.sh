#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Compiles every grc/*.grc with grcc (the gr-semsteg block YAMLs from the GRC directory on
# GRC_BLOCKS_PATH) and byte-compiles the generated Python scripts.
# Usage: check_grcc.sh GRC_DIR OUTPUT_DIR
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 GRC_DIR OUTPUT_DIR" >&2
    exit 2
fi
grc_dir=$(cd "$1" && pwd) || { echo "error: no GRC directory '$1'" >&2; exit 2; }
out_dir=$2
python=${SEMSTEG_PYTHON:-/usr/bin/python3}

if ! command -v grcc >/dev/null 2>&1; then
    echo "error: grcc (GNU Radio Companion compiler) not found on PATH" >&2
    exit 1
fi
# SEMSTEG_EXPECT_IMPORTABLE=1: the module must be importable (else the check proves nothing).
if [ "${SEMSTEG_EXPECT_IMPORTABLE:-0}" = 1 ] \
        && ! "$python" -c "import gnuradio.semsteg" >/dev/null 2>&1; then
    echo "error: gnuradio.semsteg is not importable (PYTHONPATH=${PYTHONPATH:-})" >&2
    exit 1
fi
mkdir -p "$out_dir" || exit 1
out_dir=$(cd "$out_dir" && pwd)
# The generated scripts are named after the options block's id: start from a clean folder.
rm -f "$out_dir"/*.py

shopt -s nullglob
grc_files=("$grc_dir"/*.grc)
if [ ${#grc_files[@]} -eq 0 ]; then
    echo "error: no .grc file in $grc_dir" >&2
    exit 1
fi

failed=()
for grc in "${grc_files[@]}"; do
    name=$(basename "$grc")
    log="$out_dir/${name%.grc}.grcc.log"
    if GRC_BLOCKS_PATH="$grc_dir" grcc -o "$out_dir" "$grc" >"$log" 2>&1 \
            && ! grep -q -E "Load Error|Generate Error|Compilation error" "$log"; then
        echo "ok: grcc $name"
    else
        echo "FAIL: grcc could not compile $name (log: $log):" >&2
        cat "$log" >&2
        failed+=("$name")
    fi
done

generated=("$out_dir"/*.py)
for py in "${generated[@]}"; do
    if "$python" -m py_compile "$py"; then
        echo "ok: py_compile $(basename "$py")"
    else
        echo "FAIL: generated script $py does not byte-compile" >&2
        failed+=("$(basename "$py")")
    fi
done

if [ ${#generated[@]} -lt ${#grc_files[@]} ]; then
    echo "FAIL: ${#grc_files[@]} .grc files but only ${#generated[@]} generated scripts" >&2
    failed+=("(missing scripts)")
fi

if [ ${#failed[@]} -ne 0 ]; then
    echo "grc_compile: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "grc_compile: all ${#grc_files[@]} flowgraphs compile"
