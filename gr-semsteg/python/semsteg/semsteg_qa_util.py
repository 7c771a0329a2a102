#
# Copyright 2026 gr-semsteg authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""Helpers shared by the Python QA of the semsteg blocks."""

import threading
import time

import numpy as np
import pmt


def burst_len(num_symbols, **layout):
    """Samples in the burst of a frame with num_symbols latent symbols, for the frame layout
    given as the blocks take it (default: theirs), from the C++ frame_params: header
    included, padding not."""
    from gnuradio import semsteg
    return semsteg.ofdm_frame_params(**layout).burst_samples(num_symbols)


def latent(n, rng):
    """Unit-power complex Gaussian symbols, like a power-normalised latent."""
    return ((rng.standard_normal(n) + 1j * rng.standard_normal(n)) / np.sqrt(2)).astype(
        np.complex64)


def pdu(symbols, **meta):
    """A PDU of the symbols; metadata values are integers (stored as pmt longs) or pmts."""
    d = pmt.make_dict()
    for k, v in meta.items():
        if not isinstance(v, pmt.pmt_python.pmt_base):
            v = pmt.from_long(int(v))
        d = pmt.dict_add(d, pmt.intern(k), v)
    return pmt.cons(d, pmt.init_c32vector(len(symbols), symbols))


def run_with_timeout(tb, seconds, done=None):
    """Runs a flowgraph until it finishes, or, with `done`, until done() is true (message-fed
    sources such as ofdm_frame_tx never end a flowgraph by themselves); then stops it.
    Raises if that takes longer than `seconds` (a hang fails instead of stalling CI)."""
    tb.start()
    waiter = threading.Thread(target=tb.wait, daemon=True)
    waiter.start()
    deadline = time.monotonic() + seconds
    while waiter.is_alive() and time.monotonic() < deadline:
        if done is not None and done():
            time.sleep(0.2)  # let the last items drain
            break
        waiter.join(0.05)
    finished = not waiter.is_alive() or (done is not None and done())
    tb.stop()
    waiter.join(10)
    if not finished:
        raise TimeoutError("flowgraph did not finish within %s s" % seconds)


def pdus_of(debug_block):
    """(metadata dict as Python, numpy symbols) of every message a message_debug stored."""
    out = []
    for i in range(debug_block.num_messages()):
        msg = debug_block.get_message(i)
        meta = pmt.to_python(pmt.car(msg))
        out.append((meta, np.array(pmt.c32vector_elements(pmt.cdr(msg)), dtype=np.complex64)))
    return out
