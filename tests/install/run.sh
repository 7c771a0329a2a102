#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# gr-semsteg as a user has it once installed: installs BUILD_DIR into WORK/prefix, builds a
# downstream CMake project against it (find_package(gr-semsteg)) and runs it, then runs a
# flowgraph of the installed blocks; both with the installed models only.
#   bash tests/install/run.sh BUILD_DIR WORK
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run.sh BUILD_DIR WORK}
work=${2:?usage: run.sh BUILD_DIR WORK}
rm -rf "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
image=/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg
export SEMSTEG_MODELS=$prefix/share/gr-semsteg/models # the install's, not the source tree's
export LD_LIBRARY_PATH=$prefix/lib
cmake -S "$here/downstream" -B "$work/downstream" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
    >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/downstream"
out=$("$work/downstream/codec_roundtrip" "$image")
echo "downstream C++: $out"
awk '{ exit !($2 > 20) }' <<<"$out" || { echo "run.sh: implausible PSNR" >&2; exit 1; }
pydir=$(/usr/bin/python3 -c "import sys; print('lib/python%d.%d/dist-packages' % sys.version_info[:2])")
out=$(cd "$work" && PYTHONPATH="$prefix/$pydir" QT_QPA_PLATFORM=offscreen \
      /usr/bin/python3 "$here/flowgraph.py" "$image")
echo "downstream flowgraph: $out"
grep -q "module $prefix/" <<<"$out" || { echo "run.sh: not the installed module" >&2; exit 1; }
awk '{ exit !($2 > 20) }' <<<"$out" || { echo "run.sh: implausible PSNR" >&2; exit 1; }
