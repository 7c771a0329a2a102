#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""QA of the process's inference engine as the blocks use it: settings and their errors,
a burst batched and delivered in order, the queue-full policies counted, the thread setting
observable, and the image sink's latency and in-order metrics."""

import gc
import os
import sys
import time

import numpy as np
import pmt
from gnuradio import blocks, gr, gr_unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gnuradio import semsteg  # noqa: E402
from qa_semantic_blocks import (CODEC, FACE, K, first_image, image_pdu,  # noqa: E402
                                latent_pdu, pdu_image, random_latent, run_messages)


def restore_defaults():
    semsteg.configure_inference()


class qa_inference_engine(gr_unittest.TestCase):

    def tearDown(self):
        restore_defaults()

    def test_bad_settings_are_value_errors(self):
        for kwargs in ({"max_batch": 0}, {"max_wait_ms": -1.0}, {"queue_capacity": 0},
                       {"queue_full": "sometimes"}, {"device": "tpu"}, {"workers": -1},
                       {"workers": 65}):
            with self.assertRaises(ValueError, msg=str(kwargs)):
                semsteg.configure_inference(**kwargs)
        with self.assertRaises(ValueError) as e:  # Debian's LibTorch has no CUDA
            semsteg.configure_inference(device="cuda")
        self.assertIn("CUDA", str(e.exception))

    def test_burst_is_batched_in_order_with_the_thread_setting(self):
        semsteg.configure_inference(threads=2, max_batch=8, max_wait_ms=5.0, workers=1)
        before = semsteg.inference_stats()
        dec = semsteg.jscc_decoder(CODEC, "bob")
        posts = [("in", latent_pdu(random_latent(1024, seed=i), image_id=i))
                 for i in range(40)]
        out = run_messages(dec, posts, expect=40)
        self.assertEqual([pdu_image(m)[0][K.image_id] for m in out], list(range(40)))
        self.assertEqual(dec.decoded(), 40)
        after = semsteg.inference_stats()
        self.assertEqual(after["threads"], 2)
        self.assertGreater(after["largest_batch"], 1)  # a burst runs as batches ...
        self.assertLessEqual(after["largest_batch"], max(8, before["largest_batch"]))
        self.assertLess(after["batches"] - before["batches"], 40)  # ... not one by one
        semsteg.configure_inference(threads=1)
        run_messages(dec, posts[:2], expect=2)
        self.assertEqual(semsteg.inference_stats()["threads"], 1)

    def test_warm_up_runs_each_network_at_every_batch_size(self):
        # The codec's encoder and decoder (the decoder block's facade holds both) at batch
        # sizes 1..4; no request counted; the block decodes as before afterwards.
        semsteg.configure_inference(max_batch=4)
        dec = semsteg.jscc_decoder(CODEC, "bob")
        gc.collect()  # blocks of earlier tests gone: only this one's networks warm up
        before = semsteg.inference_stats()
        batches = semsteg.warm_up_inference()
        self.assertGreaterEqual(batches, 2 * 4)
        self.assertEqual(batches % 4, 0)
        after = semsteg.inference_stats()
        self.assertEqual(after["submitted"], before["submitted"])
        self.assertEqual(after["batches"], before["batches"])
        out = run_messages(dec, [("in", latent_pdu(random_latent(1024, seed=3), image_id=3))],
                           expect=1)
        self.assertEqual(pdu_image(out[0])[0][K.image_id], 3)

    def test_full_queue_drops_and_counts_under_drop(self):
        semsteg.configure_inference(max_batch=1, queue_capacity=2, queue_full="drop")
        before = semsteg.inference_stats()["dropped"]
        dec = semsteg.jscc_decoder(CODEC, "bob")
        posts = [("in", latent_pdu(random_latent(1024, seed=i), image_id=i))
                 for i in range(60)]
        out = run_messages(dec, posts, expect=60, timeout=10.0, settle=1.0)
        self.assertGreater(dec.dropped(), 0)
        self.assertEqual(dec.decoded() + dec.dropped(), 60)
        self.assertEqual(len(out), dec.decoded())
        self.assertEqual(semsteg.inference_stats()["dropped"] - before, dec.dropped())
        ids = [pdu_image(m)[0][K.image_id] for m in out]
        self.assertEqual(ids, sorted(ids))  # what is delivered stays in order

    def test_full_queue_makes_the_block_wait_under_wait(self):
        semsteg.configure_inference(max_batch=1, queue_capacity=1, queue_full="wait")
        dec = semsteg.jscc_decoder(CODEC, "bob")
        posts = [("in", latent_pdu(random_latent(1024, seed=i), image_id=i))
                 for i in range(30)]
        out = run_messages(dec, posts, expect=30)
        self.assertEqual((len(out), dec.decoded(), dec.dropped()), (30, 30, 0))

    def test_results_after_stop_are_counted_not_delivered(self):
        # A program that stops its flowgraph while frames are still on the engine, then
        # lets the blocks go: the results that come back later have nowhere to go (the
        # downstream block is gone) and must neither be published nor logged as errors.
        semsteg.configure_inference(max_batch=1, queue_capacity=256)
        before = semsteg.inference_stats()
        dec = semsteg.jscc_decoder(CODEC, "bob")
        tb = gr.top_block()
        dbg = blocks.message_debug()
        tb.msg_connect(dec, "out", dbg, "store")
        tb.start()
        for i in range(120):
            dec.to_basic_block()._post(pmt.intern("in"),
                                       latent_pdu(random_latent(1024, seed=i), image_id=i))
        until = time.monotonic() + 30.0
        while dec.decoded() == 0 and time.monotonic() < until:
            time.sleep(0.002)
        tb.stop()
        tb.wait()
        delivered_by_stop = dec.decoded()
        time.sleep(0.2)  # results come back while the stopped flowgraph still exists ...
        del tb, dbg  # ... and after it is gone
        gc.collect()

        def engine_busy():  # a request the queue refused was never submitted
            s = semsteg.inference_stats()
            return s["completed"] + s["failed"] < s["submitted"]
        until = time.monotonic() + 60.0
        while engine_busy() and time.monotonic() < until:
            time.sleep(0.01)
        submitted = semsteg.inference_stats()["submitted"] - before["submitted"]
        self.assertFalse(engine_busy())
        self.assertGreater(delivered_by_stop, 0)
        self.assertEqual(dec.decoded(), delivered_by_stop)  # nothing after stop()
        self.assertGreater(dec.dropped(), 0)  # results were in flight at the stop
        self.assertEqual(dec.decoded() + dec.dropped(), submitted)


class qa_image_sink_latency(gr_unittest.TestCase):

    def test_latency_and_metrics_in_arrival_order(self):
        rgb = first_image(FACE)
        sink = semsteg.image_sink("", "bob", 64, False)
        # The references, then image 0: once it is out the references are surely in (a
        # loaded machine may start the flowgraph late), and the pause shows in the others.
        posts = [("ref", image_pdu(rgb, i)) for i in range(6)] + [None]
        posts += [("in", image_pdu(rgb[::-1].copy(), 0)), 1, None]
        posts += [("in", image_pdu(rgb if i % 2 else rgb[::-1].copy(), i)) for i in range(1, 6)]
        posts += [("in", image_pdu(rgb, 99))]  # no reference: not measured, still in order
        posts += [("in", image_pdu(rgb[:32, :32].copy(), 1))]  # not the reference's size
        out = run_messages(sink, posts, out_port="metrics", expect=7)
        metrics = [pmt.to_python(m) for m in out]
        self.assertEqual([m[K.image_id] for m in metrics], [0, 1, 2, 3, 4, 5, 99])
        self.assertTrue(all(m[K.latency_s] >= 0.3 for m in metrics[1:6]))  # the pause
        self.assertGreater(metrics[0][K.latency_s], 0.0)
        self.assertNotIn(K.latency_s, metrics[6])
        self.assertEqual((sink.received(), sink.measured(), sink.dropped()), (7, 6, 1))
        median, p99 = sink.latency_s(0.5), sink.latency_s(0.99)
        self.assertGreaterEqual(median, 0.3)
        self.assertGreaterEqual(p99, median)
        self.assertLess(p99, 30.0)
        self.assertEqual(semsteg.image_sink("", "eve").latency_s(0.5), 0.0)  # none yet


if __name__ == "__main__":
    gr_unittest.run(qa_inference_engine)
    gr_unittest.run(qa_image_sink_latency)
