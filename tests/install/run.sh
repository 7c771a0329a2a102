#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# gr-semsteg as a user has it once installed: installs BUILD_DIR into WORK/prefix, builds a
# downstream CMake project against it (find_package(gr-semsteg)) and runs it, then runs a
# flowgraph of the installed blocks and the installed loopback with the covert INN; all
# with the installed models only.
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
# The covert operating point, chosen by its INN file's bare name with the installed program:
# the INN, the codec and the private codec it names are all found among the installed models.
out=$(cd "$work" && PYTHONPATH="$prefix/$pydir" SEMSTEG_DEMO_KEY="$work/demo.key" \
      /usr/bin/python3 "$prefix/bin/semsteg-loopback" -n 1 -q --no-png \
      --inn inn_covert_q48.safetensors -o "$work/covert" 2>&1) \
    || { echo "$out"; echo "run.sh: the installed loopback refused the covert INN" >&2; exit 1; }
python3 -c "
import json, sys
m = json.load(open(sys.argv[1]))
bob = [r for r in m['receivers'] if r['receiver'] == 'Bob'][0]
print('installed loopback, covert INN: Bob %.2f dB' % bob['psnr_db'])
sys.exit(0 if bob['images'] == 1 and bob['psnr_db'] > 15 else 1)" "$work/covert/metrics.json" \
    || { echo "run.sh: implausible covert loopback" >&2; exit 1; }
