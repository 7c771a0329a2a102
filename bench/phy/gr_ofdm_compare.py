#!/usr/bin/python3
#
# Copyright 2026 gr-semsteg authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""Throughput of semsteg.ofdm_frame_tx/rx beside GNU Radio's stock digital.ofdm_tx/ofdm_rx,
in one run, on the same number of samples, each in a plain flowgraph (by hand, not a test).

    PYTHONPATH=<build>/python /usr/bin/python3 bench/phy/gr_ofdm_compare.py [samples]

Both use fft_len 64, cp_len 16. Stock: 48 data carriers, BPSK header, QPSK payload of bytes;
ours: 48 data carriers, analog latent symbols. Bursts are separated by 200 zeros for both
receivers (the stock Schmidl-Cox detector needs gaps between bursts).
"""

import sys
import threading
import time

import numpy as np
import pmt
from gnuradio import blocks, digital, gr

from gnuradio import semsteg

FFT, CP = 64, 16


def timed(tb, done, limit=120.0):
    """Runs tb until done() (or it finishes); returns the elapsed seconds."""
    t0 = time.perf_counter()
    tb.start()
    waiter = threading.Thread(target=tb.wait, daemon=True)
    waiter.start()
    while waiter.is_alive() and not done() and time.perf_counter() - t0 < limit:
        waiter.join(0.01)
    elapsed = time.perf_counter() - t0
    tb.stop()
    waiter.join(10)
    return elapsed


def stock_tx(n_samples, packet_bytes=96):
    """Stock digital.ofdm_tx fed with byte packets; returns (samples, seconds)."""
    n_packets = n_samples // ((3 + 4 + packet_bytes * 8 // 96) * (FFT + CP)) + 2
    data = np.random.default_rng(1).integers(0, 256, n_packets * packet_bytes).tolist()
    src = blocks.vector_source_b(data, False)
    s2ts = blocks.stream_to_tagged_stream(gr.sizeof_char, 1, packet_bytes, "packet_len")
    tx = digital.ofdm_tx(fft_len=FFT, cp_len=CP, packet_length_tag_key="packet_len",
                         bps_header=1, bps_payload=2, rolloff=0)
    head = blocks.head(gr.sizeof_gr_complex, n_samples)
    sink = blocks.vector_sink_c(1, n_samples)
    tb = gr.top_block()
    tb.connect(src, s2ts, tx, head, sink)
    secs = timed(tb, lambda: head.nitems_written(0) >= n_samples)
    return np.array(sink.data(), dtype=np.complex64), secs


def with_gaps(samples, burst, gap=200):
    """Inserts `gap` zeros after every `burst` samples (stock bursts have a fixed length)."""
    n = len(samples) // burst
    x = np.zeros((n, burst + gap), dtype=np.complex64)
    x[:, :burst] = samples[:n * burst].reshape(n, burst)
    return x.reshape(-1)


def stock_rx(samples):
    src = blocks.vector_source_c(samples.tolist(), False)
    rx = digital.ofdm_rx(fft_len=FFT, cp_len=CP, frame_length_tag_key="frame_len",
                         packet_length_tag_key="packet_len", bps_header=1, bps_payload=2)
    sink = blocks.null_sink(gr.sizeof_char)
    tb = gr.top_block()
    tb.connect(src, rx, sink)
    # The stock chain may not end by itself: done once the source is exhausted and the
    # output has not moved for `idle` seconds (that idle time is not counted).
    idle, last = 0.3, [-1, time.perf_counter()]

    def done():
        now, count = time.perf_counter(), sink.nitems_read(0)
        if count != last[0]:
            last[0], last[1] = count, now
        return src.nitems_written(0) >= len(samples) and now - last[1] > idle

    secs = timed(tb, done)
    return src.nitems_written(0), max(secs - idle, 1e-9), sink.nitems_read(0)


def ours_tx(n_samples, latent_symbols=1024):
    burst = semsteg.ofdm_frame_tx.burst_samples(latent_symbols) + 200
    tx = semsteg.ofdm_frame_tx(0, 200, "packet_len")
    symbols = np.ones(latent_symbols, dtype=np.complex64)
    for i in range(n_samples // burst + 2):
        tx.to_basic_block()._post(pmt.intern("in"), pmt.cons(
            pmt.make_dict(), pmt.init_c32vector(latent_symbols, symbols)))
    head = blocks.head(gr.sizeof_gr_complex, n_samples)
    sink = blocks.vector_sink_c(1, n_samples)
    tb = gr.top_block()
    tb.connect(tx, head, sink)
    time.sleep(0.5)  # the PDUs are queued before the clock starts... as far as possible
    secs = timed(tb, lambda: head.nitems_written(0) >= n_samples)
    return np.array(sink.data(), dtype=np.complex64), secs


def ours_rx(samples):
    src = blocks.vector_source_c(samples.tolist(), False)
    rx = semsteg.ofdm_frame_rx()
    tb = gr.top_block()
    tb.connect(src, rx)
    secs = timed(tb, lambda: rx.nitems_read(0) >= len(samples))
    return rx.nitems_read(0), secs, rx.delivered()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4_000_000
    rng = np.random.default_rng(2)

    s_tx, t_stock_tx = stock_tx(n)
    o_tx, t_ours_tx = ours_tx(n)
    # Same channel for both receivers: noise at ~20 dB per carrier.
    burst_stock = (3 + 4 + 96 * 8 // 96) * (FFT + CP)
    rx_in_stock = with_gaps(s_tx, burst_stock)[:n]
    noise = (0.07 * (rng.standard_normal(n) + 1j * rng.standard_normal(n))).astype(np.complex64)
    rx_in_stock = rx_in_stock + noise[:len(rx_in_stock)]
    rx_in_ours = o_tx[:n] + noise[:len(o_tx[:n])]
    n_stock, t_stock_rx, bytes_stock = stock_rx(rx_in_stock)
    n_ours, t_ours_rx, frames_ours = ours_rx(rx_in_ours)

    def msps(samples, secs):
        return samples / secs / 1e6

    print("samples per run: %d (GNU Radio %s, this machine)" % (n, gr.version()))
    print("TX  stock digital.ofdm_tx : %7.2f Msps" % msps(len(s_tx), t_stock_tx))
    print("TX  semsteg.ofdm_frame_tx : %7.2f Msps   (x%.1f)" % (
        msps(len(o_tx), t_ours_tx), msps(len(o_tx), t_ours_tx) / msps(len(s_tx), t_stock_tx)))
    print("RX  stock digital.ofdm_rx : %7.2f Msps   (%d payload bytes out)" % (
        msps(n_stock, t_stock_rx), bytes_stock))
    print("RX  semsteg.ofdm_frame_rx : %7.2f Msps   (x%.1f; %d frames out)" % (
        msps(n_ours, t_ours_rx), msps(n_ours, t_ours_rx) / msps(n_stock, t_stock_rx),
        frames_ours))


if __name__ == "__main__":
    main()
