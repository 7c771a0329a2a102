#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's main command: installs dependencies, builds, runs the loopback demo with the
# shipped models on images from Debian packages. Extra arguments go to semsteg-demo
# (e.g. --bob-snr 15 --eve-snr 20 -n 4 --private my_face.jpg --host my_photo.jpg -o out).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh
exec build/apps/semsteg-demo "$@"
