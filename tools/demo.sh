#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's main command: installs dependencies, builds, and runs the loopback simulation
# through the GNU Radio blocks and the OFDM PHY (Alice -> Bob's and Eve's channels -> Bob and
# Eve) with the shipped models on images from Debian packages. Extra arguments go to
# semsteg-loopback (e.g. --bob-snr 15 --eve-snr 20 -n 8 --private my_faces/ --host photos/
# -o out --gui); see build/apps/run-in-build semsteg-loopback --help.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh
exec build/apps/run-in-build semsteg-loopback -o semsteg-demo-out "$@"
