#!/usr/bin/python3
#
# Copyright 2026 gr-semsteg authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""QA of semsteg.ofdm_frame_rx: decoding, metadata, counters, noise and NaN input."""

import os
import sys

import numpy as np
import pmt
from gnuradio import blocks, gr, gr_unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from semsteg_qa_util import burst_len, latent, pdu, pdus_of, run_with_timeout  # noqa: E402

from gnuradio import semsteg  # noqa: E402


# A layout other than the default: 128-point FFT, CP 32, 96 data and 6 pilot carriers, a
# QPSK header sent once.
WIDE_LAYOUT = dict(fft_len=128, cp_len=32,
                   data_carriers=[k for k in range(-51, 52)
                                  if k not in (0, -39, -25, -11, 11, 25, 39)][:96],
                   pilot_carriers=[-39, -25, -11, 11, 25, 39],
                   pilot_values=[1, -1, 1, 1, -1, 1], header_qpsk=True, header_repetition=1)


def transmit(frames, pad, warmup=0, **layout):
    """Samples of the given (symbols, seq, image_id) frames, through ofdm_frame_tx
    (seq None: not in the metadata, the block counts)."""
    tx = semsteg.ofdm_frame_tx(warmup, pad, "packet_len", **layout)
    for symbols, seq, image_id in frames:
        meta = {"image_id": image_id} if seq is None else {"seq": seq, "image_id": image_id}
        tx.to_basic_block()._post(pmt.intern("in"), pdu(symbols, **meta))
    total = (sum(burst_len(len(f[0]), **layout) + pad for f in frames)
             + warmup * (burst_len(96, **layout) + pad))
    head = blocks.head(gr.sizeof_gr_complex, total)
    sink = blocks.vector_sink_c()
    tb = gr.top_block()
    tb.connect(tx, head, sink)
    run_with_timeout(tb, 30, done=lambda: len(sink.data()) >= total)
    return np.array(sink.data(), dtype=np.complex64)


def receive(samples, **kwargs):
    src = blocks.vector_source_c(samples.tolist())
    rx = semsteg.ofdm_frame_rx(**kwargs)
    out, stats = blocks.message_debug(), blocks.message_debug()
    tb = gr.top_block()
    tb.connect(src, rx)
    tb.msg_connect(rx, "out", out, "store")
    tb.msg_connect(rx, "stats", stats, "store")
    run_with_timeout(tb, 60)
    return rx, pdus_of(out), stats


class qa_ofdm_frame_rx(gr_unittest.TestCase):

    def test_decodes_frames_with_metadata(self):
        rng = np.random.default_rng(2)
        frames = [(latent(n, rng), 100 + i, 7) for i, n in enumerate([700, 48, 1024, 5])]
        samples = transmit(frames, pad=300, warmup=2)
        noise = 0.05 * (rng.standard_normal(len(samples)) + 1j * rng.standard_normal(len(samples)))
        rx, pdus, stats = receive((samples + noise).astype(np.complex64))
        self.assertEqual(len(pdus), len(frames))
        sig = err = 0.0
        for (meta, got), (sent, seq, image_id) in zip(pdus, frames):
            self.assertEqual(meta[semsteg.keys.seq], seq)
            self.assertEqual(meta[semsteg.keys.image_id], image_id)
            self.assertEqual(meta[semsteg.keys.num_symbols], len(sent))
            self.assertEqual(meta[semsteg.keys.flags], 0)
            self.assertTrue(meta[semsteg.keys.crc_ok])
            self.assertAlmostEqual(meta[semsteg.keys.cfo_est], 0.0, delta=0.01)
            # noise variance 0.005 per sample: 23 dB per carrier
            self.assertAlmostEqual(meta[semsteg.keys.snr_est_db], 23.0, delta=1.5)
            self.assertEqual(len(got), len(sent))
            sig += np.sum(np.abs(sent) ** 2)
            err += np.sum(np.abs(got - sent) ** 2)
        self.assertLess(10 * np.log10(err / sig), -22.0)  # within 1 dB of the channel
        self.assertEqual(rx.warmup(), 2)
        self.assertEqual(rx.delivered(), len(frames) + 2)  # warm-up frames are delivered, then dropped
        self.assertEqual(rx.detected(), rx.delivered())
        self.assertEqual(rx.header_crc_failed(), 0)
        self.assertEqual(rx.dropped_invalid(), 0)
        self.assertGreater(stats.num_messages(), 0)
        last = pmt.to_python(stats.get_message(stats.num_messages() - 1))
        self.assertEqual(last["delivered"], len(frames) + 2)
        self.assertEqual(last["warmup"], 2)

    def test_warmup_frames_kept_and_sequence_counted_by_tx(self):
        rng = np.random.default_rng(5)
        frames = [(latent(200, rng), None, 9), (latent(300, rng), None, 9)]
        rx, pdus, _ = receive(transmit(frames, pad=200, warmup=2), drop_warmup=False)
        metas = [m for m, _ in pdus]
        self.assertEqual([m[semsteg.keys.seq] for m in metas], [0, 1, 2, 3])
        self.assertEqual([m[semsteg.keys.flags] for m in metas], [0x80, 0x80, 0, 0])
        self.assertEqual([m[semsteg.keys.num_symbols] for m in metas], [96, 96, 200, 300])
        self.assertEqual(rx.warmup(), 2)

    def test_noise_and_non_finite_input_deliver_nothing(self):
        rng = np.random.default_rng(3)
        noise = (rng.standard_normal(500000) + 1j * rng.standard_normal(500000)).astype(np.complex64)
        noise[1000:1100] = np.nan
        noise[5000] = np.inf
        rx, pdus, _ = receive(noise)
        self.assertEqual(pdus, [])
        self.assertEqual(rx.delivered(), 0)
        self.assertEqual(rx.detected(), rx.delivered() + rx.header_crc_failed() + rx.dropped_invalid())

    def test_nan_inside_a_frame_drops_only_that_frame(self):
        rng = np.random.default_rng(4)
        frames = [(latent(300, rng), i, 1) for i in range(3)]
        samples = transmit(frames, pad=200)
        samples[burst_len(300) + 200 + 1500] = np.nan  # inside the second frame's payload
        rx, pdus, _ = receive(samples)
        self.assertEqual([m[semsteg.keys.seq] for m, _ in pdus], [0, 2])
        self.assertEqual(rx.dropped_invalid(), 1)
        self.assertEqual(rx.seq_gaps(), 1)

    def test_nonce_goes_through_the_header_into_metadata(self):
        # The per-image nonce of keyed hiding: TX metadata -> OFDM header -> RX metadata,
        # unchanged (full uint64 range); frames without one come out without the key. PDUs
        # with a negative or non-integer nonce are dropped and counted by the transmitter.
        rng = np.random.default_rng(6)
        key = semsteg.keys.nonce
        self.assertEqual(key, "nonce")
        nonces = [0xFEDCBA9876543210, None, 0, 2**64 - 1, 12345]
        good = [(latent(150 + 50 * i, rng), i, nonce) for i, nonce in enumerate(nonces)]
        pad = 250
        tx = semsteg.ofdm_frame_tx(0, pad, "packet_len")
        port = pmt.intern("in")
        for symbols, seq, nonce in good:
            meta = {"seq": seq, "image_id": 8}
            if nonce is not None:
                # pmt uint64 above 2^63, a plain pmt integer (long) below: both accepted.
                meta[key] = pmt.from_uint64(nonce) if nonce >= 2**63 else pmt.from_long(nonce)
            tx.to_basic_block()._post(port, pdu(symbols, **meta))
        for bad in (pmt.from_long(-1), pmt.from_double(3.0), pmt.intern("7")):
            tx.to_basic_block()._post(port, pdu(latent(100, rng), seq=99, **{key: bad}))
        total = sum(burst_len(len(f[0])) + pad for f in good)
        head = blocks.head(gr.sizeof_gr_complex, total)
        sink = blocks.vector_sink_c()
        tb = gr.top_block()
        tb.connect(tx, head, sink)
        run_with_timeout(tb, 30, done=lambda: len(sink.data()) >= total)
        self.assertEqual(tx.frames_sent(), len(good))
        self.assertEqual(tx.pdus_dropped(), 3)

        samples = np.array(sink.data(), dtype=np.complex64)
        noise = 0.05 * (rng.standard_normal(len(samples)) + 1j * rng.standard_normal(len(samples)))
        rx, pdus, _ = receive((samples + noise).astype(np.complex64))
        self.assertEqual(len(pdus), len(good))
        for (meta, got), (sent, seq, nonce) in zip(pdus, good):
            self.assertEqual(meta[semsteg.keys.seq], seq)
            self.assertEqual(len(got), len(sent))
            if nonce is None:
                self.assertNotIn(key, meta)
            else:
                self.assertEqual(meta[key], nonce)
        self.assertEqual(rx.dropped_invalid(), 0)
        self.assertEqual(rx.header_crc_failed(), 0)

    def test_another_frame_layout_end_to_end(self):
        # The layout reaches both blocks through make(): a 128-point frame decodes, and a
        # receiver with the default layout finds nothing in it.
        rng = np.random.default_rng(4)
        frames = [(latent(n, rng), 20 + i, 9) for i, n in enumerate([500, 96, 1024])]
        samples = transmit(frames, pad=400, warmup=1, **WIDE_LAYOUT)
        params = semsteg.ofdm_frame_params(**WIDE_LAYOUT)
        self.assertEqual(params.num_data(), 96)
        self.assertEqual(semsteg.ofdm_frame_tx(**WIDE_LAYOUT).burst_samples(500),
                         params.burst_samples(500))
        self.assertEqual(params.burst_samples(500),
                         (3 + params.header_ofdm_symbols() + -(-500 // 96)) * (128 + 32))
        noise = 0.05 * (rng.standard_normal(len(samples)) + 1j * rng.standard_normal(len(samples)))
        noisy = (samples + noise).astype(np.complex64)
        rx, pdus, _ = receive(noisy, **WIDE_LAYOUT)
        self.assertEqual(len(pdus), len(frames))
        for (meta, got), (sent, seq, _) in zip(pdus, frames):
            self.assertEqual(meta[semsteg.keys.seq], seq)
            self.assertLess(np.mean(np.abs(got - sent) ** 2) / np.mean(np.abs(sent) ** 2), 0.05)
        self.assertEqual(rx.warmup(), 1)
        default_rx, default_pdus, _ = receive(noisy)
        self.assertEqual(default_pdus, [])

    def test_layouts_the_phy_refuses_fail_at_construction(self):
        cases = [
            (dict(fft_len=100), "power of two"),
            (dict(fft_len=128), "give the data and the pilot carriers"),
            (dict(cp_len=64), "cp_len"),
            (dict(data_carriers=[1, 2, 3, 40]), "outside"),
            (dict(pilot_carriers=[-21, 7], pilot_values=[1]), "as many pilot values"),
            (dict(header_repetition=0), "header_repetition"),
        ]
        for layout, text in cases:
            for make in (lambda: semsteg.ofdm_frame_tx(**layout),
                         lambda: semsteg.ofdm_frame_rx(**layout),
                         lambda: semsteg.ofdm_frame_params(**layout)):
                with self.assertRaisesRegex(ValueError, text, msg=str(layout)):
                    make()
        with self.assertRaisesRegex(ValueError, "sc_threshold"):
            semsteg.ofdm_frame_rx(sc_threshold=1.5)
        with self.assertRaisesRegex(ValueError, "max_cfo_subcarriers"):
            semsteg.ofdm_frame_rx(max_cfo_subcarriers=16)

    def test_grc_defaults_are_the_blocks(self):
        # The GRC YAML restates the defaults (GRC cannot import them): they must agree.
        import yaml
        grc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "grc")
        d = semsteg.ofdm_frame_defaults
        expected = {"fft_len": d.fft_len, "cp_len": d.cp_len,
                    "header_repetition": d.header_repetition, "data_carriers": [],
                    "pilot_carriers": [], "pilot_values": [], "header_qpsk": False}
        for name, extra in (("tx", {}), ("rx", {"sc_threshold": d.sc_threshold,
                                                "max_cfo_subcarriers": d.max_cfo_subcarriers})):
            with open(os.path.join(grc, "semsteg_ofdm_frame_%s.block.yml" % name)) as f:
                params = {p["id"]: p for p in yaml.safe_load(f)["parameters"]}
            for key, value in {**expected, **extra}.items():
                self.assertEqual(eval(params[key]["default"]), value, "%s %s" % (name, key))
        p = semsteg.ofdm_frame_params()
        self.assertEqual((p.fft_len, p.cp_len, p.header_repetition), (64, 16, 2))
        self.assertEqual(p.pilot_carriers, [-21, -7, 7, 21])


if __name__ == '__main__':
    gr_unittest.run(qa_ofdm_frame_rx)
