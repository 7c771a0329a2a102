#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds semsteg-train alone against the LibTorch inside a pip PyTorch (for example a CUDA
# one on a GPU machine that has no Debian packages), so that `semsteg-train --device cuda`
# can train there. The model files it writes are the same format and load with Debian's
# CPU LibTorch. Not part of the normal build (CMake uses Debian's LibTorch, CPU only).
#
#   tools/build-train-pip-torch.sh OUTDIR [INCLUDE_DIR...]
#
# INCLUDE_DIRs hold the header-only dependencies when they are not installed: nlohmann/,
# CLI/ and stb's stb_image.h, stb_image_resize.h, stb_image_write.h (Debian's versions).
# libsodium (keyed hiding) comes from the system, or from SODIUM_DIR holding include/
# (sodium.h, sodium/) and lib/ (libsodium.so*), e.g. copied from Debian's libsodium-dev.
# Environment: PYTHON (python3), CXX (g++), CXXSTD (c++20; our code is C++17 and builds as
# C++20 too, which newer LibTorch headers may need), JOBS (all cores).
set -euo pipefail
out=${1:?usage: $0 OUTDIR [INCLUDE_DIR...]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-python3}
cxx=${CXX:-g++}
torch_dir=${TORCH_DIR:-$("$py" -c 'import os, torch; print(os.path.dirname(torch.__file__))')}
abi=$("$py" -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
echo "torch $("$py" -c 'import torch; print(torch.__version__)') at $torch_dir (C++11 ABI $abi)"

flags=(-std="${CXXSTD:-c++20}" -O2 -fPIC -D_GLIBCXX_USE_CXX11_ABI="$abi"
    -I"$root/lib/include" -isystem "$torch_dir/include"
    -isystem "$torch_dir/include/torch/csrc/api/include")
for d in "$@"; do flags+=(-isystem "$(cd "$d" && pwd)"); done
sodium_link=(-lsodium)
if [ -n "${SODIUM_DIR:-}" ]; then
    flags+=(-isystem "$SODIUM_DIR/include")
    sodium_link=(-L"$SODIUM_DIR/lib" -Wl,-rpath,"$SODIUM_DIR/lib" -lsodium)
fi

mkdir -p "$out/obj"
# Debian links stb's implementation from libstb; here it is compiled in.
cat >"$out/obj/stb_implementation.cc" <<'EOF'
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb_image_resize.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
EOF
sources=("$root"/lib/src/{image,dataset,channel,latent_symbols,model_file,stego_key}.cc
    "$root"/lib/src/{tensor_helpers,codec,inn,eve_networks,latent_channel,model_io}.cc
    "$root"/lib/src/{metrics,secure_link,covert,train}.cc
    "$root/apps/semsteg_train.cc" "$out/obj/stb_implementation.cc")
# A failed compile leaves a mark (waiting on each pid fails for jobs already reaped).
rm -f "$out/obj/FAILED"
for s in "${sources[@]}"; do
    { "$cxx" "${flags[@]}" -c "$s" -o "$out/obj/$(basename "$s" .cc).o" \
        || touch "$out/obj/FAILED"; } &
    while [ "$(jobs -rp | wc -l)" -ge "${JOBS:-$(nproc)}" ]; do sleep 0.2; done
done
wait
[ ! -e "$out/obj/FAILED" ] || { echo "build failed" >&2; exit 1; }

# libtorch_cuda registers the GPU backend from static initialisers: link it even though no
# symbol of ours refers to it.
cuda_libs=()
[ -e "$torch_dir/lib/libtorch_cuda.so" ] && cuda_libs=(-Wl,--no-as-needed -ltorch_cuda -lc10_cuda -Wl,--as-needed)
"$cxx" -o "$out/semsteg-train" "$out"/obj/*.o -L"$torch_dir/lib" "${cuda_libs[@]}" \
    -ltorch -ltorch_cpu -lc10 -Wl,-rpath,"$torch_dir/lib" "${sodium_link[@]}" -pthread
echo "built $out/semsteg-train"
