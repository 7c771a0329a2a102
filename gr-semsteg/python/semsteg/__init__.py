#
# Copyright 2026 gr-semsteg authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""gr-semsteg: secure semantic image transmission blocks (DeepJSCC latents over OFDM)."""

from .semsteg_python import *  # noqa: F401,F403
from .flowgraphs import alice_tx, bob_rx, channel, eve_rx  # noqa: F401,E402
from .image_view import image_view  # noqa: F401,E402
