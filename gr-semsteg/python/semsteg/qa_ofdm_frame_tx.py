#!/usr/bin/python3
#
# Copyright 2026 gr-semsteg authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""QA of semsteg.ofdm_frame_tx: burst lengths, padding, burst tags, invalid PDUs."""

import os
import sys
import threading
import time

import numpy as np
import pmt
from gnuradio import blocks, gr, gr_unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from semsteg_qa_util import burst_len, latent, pdu, run_with_timeout  # noqa: E402

from gnuradio import semsteg  # noqa: E402


class qa_ofdm_frame_tx(gr_unittest.TestCase):

    def test_bursts_padding_and_tags(self):
        rng = np.random.default_rng(1)
        sizes, pad = [500, 48, 1000], 123
        tx = semsteg.ofdm_frame_tx(0, pad, "packet_len")
        port = pmt.intern("in")
        tx.to_basic_block()._post(port, pmt.cons(pmt.make_dict(), pmt.init_f32vector(3, [1, 2, 3])))
        tx.to_basic_block()._post(port, pdu(np.zeros(0, dtype=np.complex64)))  # empty
        tx.to_basic_block()._post(port, pdu(latent(70000, rng)))  # above the 65,536 limit
        for i, n in enumerate(sizes):
            tx.to_basic_block()._post(port, pdu(latent(n, rng), seq=10 + i, image_id=5))
        total = sum(burst_len(n) + pad for n in sizes)
        head = blocks.head(gr.sizeof_gr_complex, total)
        sink = blocks.vector_sink_c()
        tb = gr.top_block()
        tb.connect(tx, head, sink)
        run_with_timeout(tb, 30, done=lambda: len(sink.data()) >= total)

        data = np.array(sink.data())
        self.assertEqual(len(data), total)
        self.assertEqual(tx.frames_sent(), len(sizes))
        self.assertEqual(tx.pdus_dropped(), 3)
        tags = {}
        for t in sink.tags():
            tags.setdefault(pmt.symbol_to_string(t.key), []).append((t.offset, pmt.to_python(t.value)))
        start, sob, eob, lens = 0, [], [], []
        for n in sizes:
            sob.append((start, True))
            eob.append((start + burst_len(n) - 1, True))
            lens.append((start, burst_len(n) + pad))
            body = data[start:start + burst_len(n)]
            # unit power per occupied carrier, unitary IFFT: occupied/fft_len (±10 %)
            self.assertAlmostEqual(np.mean(np.abs(body) ** 2)
                                   / semsteg.ofdm_frame_params().mean_burst_power(),
                                   1.0, delta=0.1)
            self.assertTrue(np.all(data[start + burst_len(n):start + burst_len(n) + pad] == 0))
            start += burst_len(n) + pad
        self.assertEqual(tags["tx_sob"], sob)
        self.assertEqual(tags["tx_eob"], eob)
        self.assertEqual(tags["packet_len"], lens)

    def test_pdus_posted_while_running(self):
        # An idle transmitter must wake up for PDUs that arrive while the flowgraph runs.
        rng = np.random.default_rng(3)
        tx = semsteg.ofdm_frame_tx(0, 0, "packet_len")
        sink = blocks.vector_sink_c()
        tb = gr.top_block()
        tb.connect(tx, sink)
        total = 3 * burst_len(300)

        def post_later():
            for i in range(3):
                time.sleep(0.3)
                tx.to_basic_block()._post(pmt.intern("in"), pdu(latent(300, rng), seq=i))

        poster = threading.Thread(target=post_later)
        poster.start()
        run_with_timeout(tb, 30, done=lambda: len(sink.data()) >= total)
        poster.join()
        self.assertEqual(len(sink.data()), total)
        self.assertEqual(tx.frames_sent(), 3)

    def test_warmup_frames_come_first(self):
        tx = semsteg.ofdm_frame_tx(3, 0, "")
        total = 3 * burst_len(96)
        head = blocks.head(gr.sizeof_gr_complex, total)
        sink = blocks.vector_sink_c()
        tb = gr.top_block()
        tb.connect(tx, head, sink)
        run_with_timeout(tb, 30, done=lambda: len(sink.data()) >= total)
        self.assertEqual(len(sink.data()), total)
        keys = sorted({pmt.symbol_to_string(t.key) for t in sink.tags()})
        self.assertEqual(keys, ["tx_eob", "tx_sob"])  # no length tag when the key is empty


if __name__ == '__main__':
    gr_unittest.run(qa_ofdm_frame_tx)
