#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs every build, test and demo dependency from Debian 12's packages (idempotent: does
# nothing when all are present). Run as root on Debian 12 (bookworm).
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config clang-format
  # core library
  libtorch-dev libstb-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libopenblas0-openmp libgtest-dev libsodium-dev
  # GNU Radio module, PHY, bindings
  gnuradio gnuradio-dev libuhd-dev uhd-host libvolk2-dev libboost-all-dev libfftw3-dev
  pybind11-dev python3-pybind11 python3-numpy python3-torch python3-pyqt5
  python3-packaging  # imported by the Python scripts grcc generates
  # images from Debian packages used by the tests and the demo
  python-matplotlib-data gtkmorph-example palapeli-data
  # fuzzing the parsers of untrusted bytes (libFuzzer, sanitizers): fuzz/
  clang libclang-rt-14-dev
  # semsteg-eval plots its SNR sweep with gnuplot
  gnuplot-nox
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#packages[@]} packages present"
fi
