#!/usr/bin/python3
#
# Copyright 2026 gr-semsteg authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""Loopback flowgraph: ofdm_frame_tx -> channels.channel_model -> ofdm_frame_rx."""

import os
import sys

import numpy as np
import pmt
from gnuradio import blocks, gr, gr_unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from semsteg_qa_util import burst_len, latent, pdu, pdus_of, run_with_timeout  # noqa: E402

from gnuradio import semsteg  # noqa: E402
from gnuradio.semsteg import flowgraphs  # noqa: E402


def loopback(snr_db, cfo_subcarriers, taps, n_frames=40, seed=5, mmse=False):
    rng = np.random.default_rng(seed)
    pad, warmup = 350, 2
    tx = semsteg.ofdm_frame_tx(warmup, pad, "packet_len")
    sent = {}
    for i in range(n_frames):
        symbols = latent(int(rng.integers(200, 1200)), rng)
        sent[i] = symbols
        tx.to_basic_block()._post(pmt.intern("in"), pdu(symbols, seq=i, image_id=3))
    total = sum(burst_len(len(s)) + pad for s in sent.values()) + warmup * (burst_len(96) + pad)
    # The channel as the flowgraphs make it (channel_config's conventions).
    chan = flowgraphs.channel(snr_db, cfo_subcarriers, taps, seed)
    rot = blocks.multiply_const_cc(complex(np.exp(1.1j)))  # start phase
    head = blocks.head(gr.sizeof_gr_complex, total)
    rx = semsteg.ofdm_frame_rx(mmse=mmse)
    out = blocks.message_debug()
    tb = gr.top_block()
    tb.connect(tx, head, chan, rot, rx)
    tb.msg_connect(rx, "out", out, "store")
    # Done when every frame is out; or when all samples went through (some may be lost).
    run_with_timeout(tb, 90, done=lambda: out.num_messages() >= n_frames or
                     rx.nitems_read(0) >= total - 100)
    return rx, sent, pdus_of(out)


def effective_snr_db(sent, pdus):
    sig = err = 0.0
    for meta, got in pdus:
        ref = sent[meta[semsteg.keys.seq]]
        sig += np.sum(np.abs(ref) ** 2)
        err += np.sum(np.abs(got - ref) ** 2)
    return 10 * np.log10(sig / err)


class qa_ofdm_loopback(gr_unittest.TestCase):

    def test_awgn_with_cfo_at_10_db(self):
        rx, sent, pdus = loopback(10.0, 1.6, [1.0])
        self.assertEqual(len(pdus), len(sent))
        eff = effective_snr_db(sent, pdus)
        print("loopback AWGN + CFO 1.6, 10 dB: effective latent SNR %.2f dB" % eff)
        self.assertGreaterEqual(eff, 9.0)
        self.assertEqual(rx.warmup(), 2)

    def test_multipath_with_cfo_at_5_db(self):
        rx, sent, pdus = loopback(5.0, -1.8, [1.0, 0, 0, 0, 0.4j, 0, 0, 0, 0, -0.2], seed=6)
        print("loopback 3-tap multipath + CFO -1.8, 5 dB: %d/%d delivered, effective SNR %.2f dB"
              % (len(pdus), len(sent), effective_snr_db(sent, pdus)))
        self.assertEqual(len(pdus), len(sent))
        self.assertEqual(sorted(m[semsteg.keys.seq] for m, _ in pdus), list(range(len(sent))))
        self.assertEqual(rx.detected(),
                         rx.delivered() + rx.header_crc_failed() + rx.dropped_invalid())


    def test_mmse_option_beats_zero_forcing_on_multipath(self):
        taps = [1.0, 0, 0, 0, 0.5j, 0, 0, 0, 0, -0.3]
        _, sent, zf = loopback(10.0, 0.7, taps, n_frames=20, seed=7)
        _, sent2, mmse = loopback(10.0, 0.7, taps, n_frames=20, seed=7, mmse=True)
        self.assertEqual(len(zf), len(sent))
        self.assertEqual(len(mmse), len(sent2))
        eff_zf, eff_mmse = effective_snr_db(sent, zf), effective_snr_db(sent2, mmse)
        print("loopback multipath, 10 dB: ZF %.2f dB, MMSE %.2f dB" % (eff_zf, eff_mmse))
        self.assertGreater(eff_mmse, eff_zf + 0.5)

    def test_channel_specification_reaches_channel_model(self):
        # flowgraphs.channel = channel_config's conventions: N0 = 10^(-SNR/10) per sample,
        # CFO over fft_len, unit-energy taps.
        args = semsteg.channel_config.parse("awgn:10,cfo=0.5,taps=3;4j").channel_model_args(64)
        self.assertAlmostEqual(args["noise_voltage"], np.sqrt(0.1), places=6)
        self.assertAlmostEqual(args["frequency_offset"], 0.5 / 64)
        self.assertEqual(args["epsilon"], 1.0)
        np.testing.assert_allclose(args["taps"], [0.6, 0.8j], atol=1e-6)
        wide = semsteg.channel_config.parse("awgn:10,cfo=0.5").channel_model_args(128)
        self.assertAlmostEqual(wide["frequency_offset"], 0.5 / 128)
        for spec, text in (("rayleigh:10", "AWGN at one SNR"), ("awgn:5-15", "AWGN at one SNR"),
                           ("awgn:10,timing=0.5", "fractional delay")):
            with self.assertRaisesRegex(RuntimeError, text):
                semsteg.channel_config.parse(spec).channel_model_args(64)
        with self.assertRaisesRegex(RuntimeError, "unknown setting"):
            semsteg.channel_config.parse("awgn:10,doppler=1")
        for args in ({}, {"snr_db": 10.0, "spec": "awgn:10"}):  # one or the other
            with self.assertRaisesRegex(ValueError, "snr_db .* or spec"):
                flowgraphs.channel(**args)
        # The measured noise of the flowgraph channel is the specified one.
        n = 200000
        src = blocks.vector_source_c([0j] * n)
        sink = blocks.vector_sink_c()
        tb = gr.top_block()
        tb.connect(src, flowgraphs.channel(7.0, seed=3), sink)
        tb.run()
        measured = np.mean(np.abs(np.array(sink.data())) ** 2)
        self.assertAlmostEqual(measured / semsteg.channel_config.noise_variance(7.0), 1.0,
                               delta=0.02)


if __name__ == '__main__':
    gr_unittest.run(qa_ofdm_loopback)
