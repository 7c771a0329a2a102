#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The training-only build (SEMSTEG_TRAINING_ONLY, cmake/training_only.cmake) configures from
# folders alone, as on a GPU machine without Debian's packages: LibTorch from a folder (here
# a view of Debian's), the header-only dependencies, stb and libsodium from the folders given
# (the installed ones hidden). Configure only: the build itself is measured by hand (README).
# Usage: test_training_only_configure.sh SOURCE_DIR WORK_DIR
set -eu
src=$1
work=$2
rm -rf "$work"
mkdir -p "$work/libtorch" "$work/sodium" "$work/headers"
multiarch=$(gcc -print-multiarch)
ln -s /usr/include "$work/libtorch/include"
ln -s "/usr/lib/$multiarch" "$work/libtorch/lib"
ln -s /usr/include "$work/sodium/include"
ln -s "/usr/lib/$multiarch" "$work/sodium/lib"
cp -r /usr/include/nlohmann /usr/include/CLI "$work/headers/"
cp /usr/include/stb/stb_image.h /usr/include/stb/stb_image_resize.h \
   /usr/include/stb/stb_image_write.h /usr/include/stb/stb_easy_font.h "$work/headers/"
cmake -S "$src" -B "$work/build" -G Ninja -DSEMSTEG_TRAINING_ONLY=ON \
    -DSEMSTEG_LIBTORCH_DIR="$work/libtorch" -DSEMSTEG_HEADER_DIRS="$work/headers" \
    -DSEMSTEG_SODIUM_DIR="$work/sodium" -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=ON \
    -DCMAKE_DISABLE_FIND_PACKAGE_CLI11=ON -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON \
    >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
cache=$work/build/CMakeCache.txt
fail=0
expect() { # KEY VALUE: the cache entry KEY holds VALUE
    if ! grep -q "^$1:.*=$2\$" "$cache"; then
        echo "FAIL: $1 is '$(grep "^$1:" "$cache" | cut -d= -f2-)', expected '$2'"
        fail=1
    fi
}
expect SEMSTEG_LIB_torch "$work/libtorch/lib/libtorch.so"
expect SEMSTEG_LIB_c10 "$work/libtorch/lib/libc10.so"
expect SEMSTEG_STB_DIR "$work/headers"
expect SEMSTEG_SODIUM_LIB "$work/sodium/lib/libsodium.so"
expect '"dir_nlohmann_json::nlohmann_json"' "$work/headers"
expect '"dir_CLI11::CLI11"' "$work/headers"
# semsteg-train and nothing of GNU Radio, the PHY or the tests.
targets=$(ninja -C "$work/build" -t targets all)
for t in apps/semsteg-train libsemsteg_stb.a; do
    grep -q "^$t:" <<<"$targets" || { echo "FAIL: no target $t"; fail=1; }
done
for t in gnuradio-semsteg semsteg_phy apps/semsteg-eval test_nn; do
    ! grep -q "^$t:" <<<"$targets" || { echo "FAIL: target $t in a training-only build"; fail=1; }
done
[ $fail -eq 0 ] && echo "training-only configure: ok"
exit $fail
