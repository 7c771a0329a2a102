#!/usr/bin/python3
#
# Copyright 2026 gr-semsteg authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""QA of the semantic blocks: data and metadata through each block, and bad messages
(logged and dropped, never a crash). Uses the shipped models in models/ and images from
Debian packages (python-matplotlib-data, palapeli-data)."""

import json
import os
import shutil
import struct
import sys
import tempfile
import time

import numpy as np
import pmt
from gnuradio import blocks, gr, gr_unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gnuradio import semsteg  # noqa: E402

MODELS = os.environ.get("SEMSTEG_MODELS",
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                     "models"))
CODEC = os.path.join(MODELS, "jscc_awgn10.safetensors")
INN = os.path.join(MODELS, "inn_awgn10.safetensors")
MIA = os.path.join(MODELS, "eve_mia_awgn10.safetensors")
INN_L3_4 = os.path.join(MODELS, "inn_awgn10_l3_4.safetensors")
# The SNR-adaptive codec (the shipped default).
ADAPTIVE_CODEC = os.path.join(MODELS, semsteg.default_codec)
FACE = "/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg"
PHOTO = "/usr/share/palapeli/collection/castle-maintenon.jpg"
K = semsteg.keys


def meta_dict(**kv):
    d = pmt.make_dict()
    for k, v in kv.items():
        d = pmt.dict_add(d, pmt.intern(k), pmt.to_pmt(v))
    return d


def image_pdu(rgb, image_id=0, **extra):
    h, w, _ = rgb.shape
    meta = meta_dict(width=w, height=h, image_id=image_id, **extra)
    flat = np.ascontiguousarray(rgb, dtype=np.uint8).ravel()
    return pmt.cons(meta, pmt.init_u8vector(len(flat), flat.tolist()))


def latent_pdu(symbols, image_id=0):
    return pmt.cons(meta_dict(image_id=image_id),
                    pmt.init_c32vector(len(symbols), np.asarray(symbols, np.complex64)))


def random_latent(n=1024, seed=0):
    rng = np.random.default_rng(seed)
    return ((rng.standard_normal(n) + 1j * rng.standard_normal(n)) / np.sqrt(2)).astype(
        np.complex64)


def bad_messages():
    """Malformed inputs every PDU-consuming block must drop."""
    return [
        pmt.intern("not a pdu"),
        pmt.cons(pmt.intern("not a dict"), pmt.init_u8vector(3, [1, 2, 3])),
        pmt.cons(pmt.make_dict(), pmt.intern("not a vector")),
        pmt.cons(pmt.make_dict(), pmt.init_f32vector(4, [1.0, 2.0, 3.0, 4.0])),
        pmt.cons(meta_dict(width=64, height=64), pmt.init_u8vector(10, [0] * 10)),
        pmt.cons(pmt.make_dict(), pmt.init_c32vector(10, [1j] * 10)),
        pmt.cons(pmt.make_dict(), pmt.init_c32vector(0, [])),
        pmt.cons(pmt.make_dict(), pmt.init_c32vector(1024, [complex(np.nan, 0)] * 1024)),
    ]


def run_messages(block, posts, out_port="out", expect=0, timeout=30.0, settle=0.3):
    """Runs `block` in a flowgraph, posts (port, msg) pairs, waits for `expect` output
    messages (then `settle` s more), and returns the stored output messages. A post None
    pauses 0.3 s; an int N waits (up to `timeout`) until N messages have come out."""
    tb = gr.top_block()
    dbg = blocks.message_debug()
    tb.msg_connect(block, out_port, dbg, "store")
    tb.start()
    for post in posts:
        if post is None:  # a pause: messages on different ports have no common order
            time.sleep(0.3)
        elif isinstance(post, int):
            until = time.monotonic() + timeout
            while dbg.num_messages() < post and time.monotonic() < until:
                time.sleep(0.01)
        else:
            block.to_basic_block()._post(pmt.intern(post[0]), post[1])
    deadline = time.monotonic() + timeout
    while dbg.num_messages() < expect and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(settle)
    tb.stop()
    tb.wait()
    return [dbg.get_message(i) for i in range(dbg.num_messages())]


def pdu_image(msg):
    meta = pmt.to_python(pmt.car(msg))
    rgb = np.asarray(pmt.u8vector_elements(pmt.cdr(msg)), np.uint8)
    return meta, rgb.reshape(meta[K.height], meta[K.width], 3)


def pdu_symbols(msg):
    return pmt.to_python(pmt.car(msg)), np.asarray(pmt.c32vector_elements(pmt.cdr(msg)))


def encode(codec_block, path):
    src_rgb = first_image(path)
    (msg,) = run_messages(codec_block, [("in", image_pdu(src_rgb))], expect=1)
    return pdu_symbols(msg)[1]


def collect(src, done, timeout=10.0):
    """Runs an image_source into a message_debug until done(debug) (or the timeout)."""
    tb = gr.top_block()
    dbg = blocks.message_debug()
    tb.msg_connect(src, "out", dbg, "store")
    tb.start()
    deadline = time.monotonic() + timeout
    while not done(dbg) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)
    tb.stop()
    tb.wait()
    return [dbg.get_message(i) for i in range(dbg.num_messages())]


def first_image(path):
    src = semsteg.image_source(path, 64, 1.0, 0.0, False, 0, "private")
    return pdu_image(collect(src, lambda dbg: dbg.num_messages() >= 1)[0])[1]


class qa_image_source(gr_unittest.TestCase):

    def test_list_sends_each_image_once_with_metadata(self):
        src = semsteg.image_source(FACE + ";" + PHOTO, 64, 1.0, 0.0, False, 7, "host")
        self.assertEqual(src.num_files(), 2)
        msgs = collect(src, lambda dbg: src.done())
        self.assertTrue(src.done())
        self.assertEqual(len(msgs), 2)
        metas = [pdu_image(m)[0] for m in msgs]
        self.assertEqual([m[K.image_id] for m in metas], [7, 8])
        self.assertEqual([m[K.source_path] for m in metas], [FACE, PHOTO])
        for m in metas:
            self.assertEqual((m[K.width], m[K.height], m[K.role]), (64, 64, "host"))

    def test_interval_is_kept(self):
        src = semsteg.image_source(FACE, 32, 1.0, 0.2, True, 0, "private")
        start = time.monotonic()
        msgs = collect(src, lambda dbg: dbg.num_messages() >= 3)
        self.assertGreaterEqual(time.monotonic() - start, 0.4)  # t = 0, 0.2, 0.4
        self.assertGreaterEqual(len(msgs), 3)
        self.assertFalse(src.done())  # looping never ends
        self.assertEqual(pdu_image(msgs[0])[1].shape, (32, 32, 3))

    def test_paced_source_decodes_its_files_when_made(self):
        # Decoding on the first pass put a paced source behind its schedule, then it sent a
        # burst. Observable: bytes replaced after the block is made (same size and time, so
        # the cache holds) still give the picture; an all-at-once source decodes when sending.
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "face.jpg")
            shutil.copyfile(FACE, path)
            stat = os.stat(path)
            paced = semsteg.image_source(path, 64, 1.0, 0.05, False, 0, "private")
            unpaced = semsteg.image_source(path, 64, 1.0, 0.0, False, 0, "private")
            with open(path, "r+b") as f:
                f.write(b"\0" * stat.st_size)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            msgs = collect(paced, lambda dbg: paced.done())
            self.assertEqual((len(msgs), paced.images_skipped()), (1, 0))
            self.assertEqual(pdu_image(msgs[0])[1].shape, (64, 64, 3))
            self.assertEqual(collect(unpaced, lambda dbg: unpaced.done()), [])
            self.assertEqual(unpaced.images_skipped(), 1)

    def test_trigger_sends_the_next_image_now(self):
        src = semsteg.image_source(FACE + ";" + PHOTO, 64, 1.0, 60.0, False, 0, "private")
        posted = []

        def done(dbg):
            if dbg.num_messages() == 1 and not posted:
                src.to_basic_block()._post(pmt.intern("trigger"), pmt.PMT_T)
                posted.append(1)
            return dbg.num_messages() >= 2

        msgs = collect(src, done, timeout=10)  # the interval alone would take 60 s
        self.assertEqual([pdu_image(m)[0][K.image_id] for m in msgs], [0, 1])
        self.assertTrue(src.done())

    def test_on_demand_only(self):
        src = semsteg.image_source(FACE, 64, 1.0, -1.0, False, 0, "private")
        self.assertEqual(collect(src, lambda dbg: False, timeout=0.3), [])

    def test_folder_and_errors(self):
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaises((ValueError, RuntimeError)):  # an empty folder
                semsteg.image_source(d)
            with open(os.path.join(d, "broken.png"), "wb") as f:
                f.write(b"not a png")
            src = semsteg.image_source(d, 64, 1.0, 0.0)
            self.assertEqual(semsteg.image_files(d), [os.path.join(d, "broken.png")])
            tb = gr.top_block()
            dbg = blocks.message_debug()
            tb.msg_connect(src, "out", dbg, "store")
            tb.start()
            time.sleep(0.3)
            tb.stop()
            tb.wait()
            self.assertEqual((dbg.num_messages(), src.images_skipped()), (0, 1))
        with self.assertRaises(ValueError):
            semsteg.image_source("/nonexistent/face.png")
        with self.assertRaises(ValueError):
            semsteg.image_source(FACE, 30)  # not a multiple of 4


class qa_jscc_encoder_decoder(gr_unittest.TestCase):

    def test_encode_gives_unit_power_latent_with_metadata(self):
        enc = semsteg.jscc_encoder(CODEC, 1)
        rgb = first_image(FACE)
        (msg,) = run_messages(enc, [("in", image_pdu(rgb, image_id=42))], expect=1)
        meta, sym = pdu_symbols(msg)
        self.assertEqual(len(sym), enc.num_symbols())
        self.assertEqual(len(sym), 1024)
        self.assertAlmostEqual(float(np.mean(np.abs(sym) ** 2)), 1.0, places=4)
        self.assertEqual(meta[K.image_id], 42)
        self.assertEqual(list(meta[K.shape]), [8, 16, 16])
        self.assertEqual(enc.encoded(), 1)

    def test_other_sizes_are_prepared(self):
        enc = semsteg.jscc_encoder(CODEC)
        rgb = np.zeros((100, 80, 3), np.uint8)
        (msg,) = run_messages(enc, [("in", image_pdu(rgb))], expect=1)
        self.assertEqual(len(pdu_symbols(msg)[1]), 1024)

    def test_decoder_inverts_encoder_without_noise(self):
        enc = semsteg.jscc_encoder(CODEC)
        dec = semsteg.jscc_decoder(CODEC, "bob")
        rgb = first_image(FACE)
        sym = encode(enc, FACE)
        (msg,) = run_messages(dec, [("in", latent_pdu(sym, image_id=5))], expect=1)
        meta, out = pdu_image(msg)
        self.assertEqual((meta[K.role], meta[K.image_id], out.shape), ("bob", 5, (64, 64, 3)))
        mse = np.mean((out.astype(float) - rgb.astype(float)) ** 2) / 255.0 ** 2
        self.assertGreater(10 * np.log10(1 / mse), 20.0)  # measured: 26 dB on this face

    def test_adaptive_decoder_takes_the_snr_from_the_metadata(self):
        sym = encode(semsteg.jscc_encoder(ADAPTIVE_CODEC, 0, 10.0), FACE)

        def decoded(block, **meta):
            pdu = pmt.cons(meta_dict(image_id=1, **meta),
                           pmt.init_c32vector(len(sym), np.asarray(sym, np.complex64)))
            (msg,) = run_messages(block, [("in", pdu)], expect=1)
            return pdu_image(msg)[1].astype(int)

        from_meta = semsteg.jscc_decoder(ADAPTIVE_CODEC, "bob", 0, 10.0, True)
        low, high = decoded(from_meta, snr_est_db=0.0), decoded(from_meta, snr_est_db=20.0)
        self.assertGreater(np.abs(low - high).max(), 2)  # the SNR reached the codec
        # The estimate is what a fixed-SNR decoder would have been told; without one, the
        # block's own value is used.
        fixed0 = semsteg.jscc_decoder(ADAPTIVE_CODEC, "bob", 0, 0.0, False)
        np.testing.assert_array_equal(decoded(fixed0, snr_est_db=20.0), low)
        np.testing.assert_array_equal(decoded(semsteg.jscc_decoder(
            ADAPTIVE_CODEC, "bob", 0, 20.0, True)), high)
        # A plain codec ignores the SNR.
        plain = semsteg.jscc_decoder(CODEC, "bob")
        np.testing.assert_array_equal(decoded(plain, snr_est_db=0.0),
                                      decoded(plain, snr_est_db=20.0))
        with self.assertRaises((RuntimeError, ValueError)):
            semsteg.jscc_encoder(ADAPTIVE_CODEC, 0, float("nan"))

    def test_bad_messages_are_dropped(self):
        for blk in (semsteg.jscc_encoder(CODEC), semsteg.jscc_decoder(CODEC),
                    semsteg.mia_decoder(MIA)):
            out = run_messages(blk, [("in", m) for m in bad_messages()])
            self.assertEqual(out, [])
            self.assertEqual(blk.dropped(), len(bad_messages()))
        dec = semsteg.jscc_decoder(CODEC)
        out = run_messages(dec, [("in", latent_pdu(random_latent(1000)))])  # not square
        self.assertEqual((len(out), dec.dropped()), (0, 1))

    def test_missing_or_wrong_model_fails_at_construction(self):
        with self.assertRaises(RuntimeError) as e:
            semsteg.jscc_encoder("/nonexistent/codec.safetensors")
        self.assertIn("/nonexistent/codec.safetensors", str(e.exception))
        with self.assertRaises(RuntimeError) as e:
            semsteg.jscc_decoder(INN)  # an INN file is not a codec
        self.assertIn("inn", str(e.exception))
        with self.assertRaises(RuntimeError):
            semsteg.mia_decoder(CODEC)


def inn_has_lost_estimator(path):
    """Reads the INN's configuration from the safetensors header."""
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        meta = json.loads(f.read(size))["__metadata__"]
    return json.loads(meta["config"]).get("lost_estimator_width", 0) > 0


class qa_stego(gr_unittest.TestCase):

    def test_embed_then_extract_recovers_the_private_latent(self):
        enc = semsteg.jscc_encoder(CODEC)
        zp, zh = encode(enc, FACE), encode(enc, PHOTO)
        emb = semsteg.inn_embed(INN)
        (msg,) = run_messages(emb, [("private", latent_pdu(zp, 3)),
                                    ("host", latent_pdu(zh, 9))], expect=1)
        meta, zc = pdu_symbols(msg)
        self.assertEqual((meta[K.role], meta[K.image_id], meta[K.host_image_id]),
                         ("container", 3, 9))
        self.assertAlmostEqual(float(np.mean(np.abs(zc) ** 2)), 1.0, places=4)
        # The container looks like the host, not like the private latent.
        self.assertLess(np.mean(np.abs(zc - zh) ** 2), 0.5 * np.mean(np.abs(zc - zp) ** 2))
        ext = semsteg.inn_extract(INN, "zeros")
        (msg,) = run_messages(ext, [("in", latent_pdu(zc, 3))], expect=1)
        meta, zp_hat = pdu_symbols(msg)
        self.assertEqual(meta[K.role], "bob")
        err = np.mean(np.abs(zp_hat - zp) ** 2) / np.mean(np.abs(zp) ** 2)
        self.assertLess(err, 0.2)
        self.assertLess(err, 0.5 * np.mean(np.abs(zc - zp) ** 2))

    def test_pairs_in_arrival_order_and_bounds_the_queue(self):
        emb = semsteg.inn_embed(INN, 0, 2)
        posts = [("private", latent_pdu(random_latent(seed=i), i)) for i in range(4)]
        posts += [None] + [("host", latent_pdu(random_latent(seed=10 + i), 10 + i)) for i in range(2)]
        out = run_messages(emb, posts, expect=2)
        metas = [pdu_symbols(m)[0] for m in out]
        # Privates 0 and 1 fell out of the 2-deep queue; 2 and 3 pair with hosts 10, 11.
        self.assertEqual([(m[K.image_id], m[K.host_image_id]) for m in metas],
                         [(2, 10), (3, 11)])
        self.assertEqual((emb.embedded(), emb.dropped()), (2, 2))

    def test_bad_messages_are_dropped(self):
        emb = semsteg.inn_embed(INN)
        posts = [(port, m) for m in bad_messages() for port in ("host", "private")]
        posts += [None, ("host", latent_pdu(random_latent(1024))),
                  ("private", latent_pdu(random_latent(256)))]  # mismatched lengths
        self.assertEqual(run_messages(emb, posts), [])
        self.assertEqual(emb.dropped(), 2 * len(bad_messages()) + 1)
        ext = semsteg.inn_extract(INN)
        self.assertEqual(run_messages(ext, [("in", m) for m in bad_messages()]), [])
        self.assertEqual(ext.dropped(), len(bad_messages()))
        with self.assertRaises((RuntimeError, ValueError)):
            semsteg.inn_extract(INN, "sometimes")  # a bad l-hat mode
        # The shipped λ3 = 4 INN has no learned l-hat, so "estimated" cannot work with it.
        self.assertFalse(inn_has_lost_estimator(INN_L3_4))
        with self.assertRaises(RuntimeError) as e:
            semsteg.inn_extract(INN_L3_4, "estimated")
        self.assertIn("estimator", str(e.exception))
        with self.assertRaises(RuntimeError):
            semsteg.inn_embed(CODEC)


def with_config(src, dst, **changes):
    """Copies the model file `src` to `dst` with its configuration changed (the header
    alone: the data and its checksum stay as they are)."""
    with open(src, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    config = json.loads(header["__metadata__"]["config"])
    config.update(changes)
    header["__metadata__"]["config"] = json.dumps(config)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(dst, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


class qa_round_trip_inn(gr_unittest.TestCase):
    """An INN whose file records codec_round_trip: inn_embed sends E(D(z_c)) through the
    codec it is given, which is what the codec's own blocks make of the plain container;
    without a codec the block refuses to start, and Bob's block needs none."""

    def test_the_container_is_the_codecs_latent_of_its_decoding(self):
        enc = semsteg.jscc_encoder(CODEC)
        zp, zh = encode(enc, FACE), encode(enc, PHOTO)
        posts = [("private", latent_pdu(zp, 3)), ("host", latent_pdu(zh, 9))]
        (plain,) = run_messages(semsteg.inn_embed(INN), posts, expect=1)
        with tempfile.TemporaryDirectory() as d:
            rt_inn = os.path.join(d, "round_trip_inn.safetensors")
            with_config(INN, rt_inn, codec_round_trip=True)
            with self.assertRaises((RuntimeError, ValueError)) as e:
                semsteg.inn_embed(rt_inn)
            self.assertIn("round trip", str(e.exception))
            emb = semsteg.inn_embed(rt_inn, 0, 64, "", "", CODEC, 10.0)
            (msg,) = run_messages(emb, posts, expect=1)
            meta, zc = pdu_symbols(msg)
            self.assertEqual(meta[K.role], "container")
            self.assertAlmostEqual(float(np.mean(np.abs(zc) ** 2)), 1.0, places=4)
            # The codec's blocks on the plain container: decoded to an 8-bit image and
            # encoded again (the quantisation is the only difference allowed).
            (img,) = run_messages(semsteg.jscc_decoder(CODEC), [("in", plain)], expect=1)
            (again,) = run_messages(semsteg.jscc_encoder(CODEC), [("in", img)], expect=1)
            zrt = pdu_symbols(again)[1]
            zplain = pdu_symbols(plain)[1]
            rel = lambda a, b: np.mean(np.abs(a - b) ** 2) / np.mean(np.abs(b) ** 2)
            self.assertLess(rel(zc, zrt), 1e-3)
            self.assertGreater(rel(zc, zplain), 100 * rel(zc, zrt))
            (rec,) = run_messages(semsteg.inn_extract(rt_inn, "zeros"),
                                  [("in", latent_pdu(zc, 3))], expect=1)
            self.assertEqual(len(pdu_symbols(rec)[1]), len(zp))


class qa_host_detail_inn(gr_unittest.TestCase):
    """An INN whose file records round_trip_host_detail: inn_embed takes the host image on
    "host", encodes it, and sends E(D(z_c) + x_h − D(z_h)), which is what the codec's own
    blocks make of the plain container and the host (8-bit pictures between them); host
    latents are dropped with an error, and Alice's transmitter wires the host image in."""

    def test_the_hosts_detail_goes_back_before_the_round_trip(self):
        enc, dec = semsteg.jscc_encoder(CODEC), semsteg.jscc_decoder(CODEC)
        face, photo = first_image(FACE), first_image(PHOTO)
        zp, zh = encode(enc, FACE), encode(enc, PHOTO)
        (plain,) = run_messages(semsteg.inn_embed(INN),
                                [("private", latent_pdu(zp, 3)), ("host", latent_pdu(zh, 9))],
                                expect=1)
        with tempfile.TemporaryDirectory() as d:
            detail_inn = os.path.join(d, "host_detail_inn.safetensors")
            with_config(INN, detail_inn, codec_round_trip=True, round_trip_host_detail=True)
            emb = semsteg.inn_embed(detail_inn, 0, 64, "", "", CODEC, 10.0)
            self.assertTrue(emb.needs_host_image())
            self.assertFalse(semsteg.inn_embed(INN).needs_host_image())
            posts = [("host", latent_pdu(zh, 9)),  # a latent: refused, dropped
                     ("private", latent_pdu(zp, 3)), ("host", image_pdu(photo, 9))]
            (msg,) = run_messages(emb, posts, expect=1)
            self.assertEqual(emb.dropped(), 1)
            meta, zc = pdu_symbols(msg)
            self.assertEqual(meta[K.role], "container")
            self.assertEqual(meta[K.host_image_id], 9)
            self.assertAlmostEqual(float(np.mean(np.abs(zc) ** 2)), 1.0, places=4)
            # The codec's blocks: D(z_c) + x_h − D(z_h) as an 8-bit picture, encoded again.
            picture = lambda z: pdu_image(
                run_messages(dec, [("in", z)], expect=1)[0])[1].astype(np.int16)
            made = picture(plain) + photo.astype(np.int16) - picture(latent_pdu(zh, 9))
            (want,) = run_messages(enc, [("in", image_pdu(np.clip(made, 0, 255)))], expect=1)
            (round_trip,) = run_messages(enc, [("in", image_pdu(picture(plain)))], expect=1)
            rel = lambda a, b: np.mean(np.abs(a - b) ** 2) / np.mean(np.abs(b) ** 2)
            zwant, zrt = pdu_symbols(want)[1], pdu_symbols(round_trip)[1]
            print("host detail: rel to the blocks' %.2e, to the plain round trip %.2e"
                  % (rel(zc, zwant), rel(zc, zrt)))
            self.assertLess(rel(zc, zwant), 1e-3)
            self.assertGreater(rel(zc, zrt), 10 * rel(zc, zwant))
            # Alice's transmitter sends the host image straight to the INN's block.
            tx = semsteg.alice_tx(FACE, PHOTO, CODEC, detail_inn)
            self.assertIsNone(tx.host_encoder)
            self.assertIsNotNone(semsteg.alice_tx(FACE, PHOTO, CODEC, INN).host_encoder)


class qa_image_sink(gr_unittest.TestCase):

    def test_writes_pngs_and_measures_against_references(self):
        rgb = first_image(FACE)
        host = first_image(PHOTO)
        with tempfile.TemporaryDirectory() as d:
            sink = semsteg.image_sink(os.path.join(d, "out"), "bob", 16, False)
            noisy = np.clip(rgb.astype(int) + 8, 0, 255).astype(np.uint8)
            posts = [("ref", image_pdu(rgb, 1)), ("ref_host", image_pdu(host, 1)), None,
                     ("in", image_pdu(rgb, 1, role="bob")),
                     ("in", image_pdu(noisy, 2)), None,  # no reference for id 2 yet
                     ("ref", image_pdu(rgb, 2)), None,
                     ("in", image_pdu(noisy, 2))]
            out = run_messages(sink, posts, out_port="metrics", expect=3)
            self.assertEqual(len(out), 3)
            first = pmt.to_python(out[0])
            self.assertEqual(first[K.role], "bob")
            self.assertAlmostEqual(first[K.psnr_db], 100.0)  # identical: the cap
            self.assertAlmostEqual(first[K.ms_ssim], 1.0, places=4)
            self.assertLess(first[K.ms_ssim_host], 0.5)
            self.assertNotIn(K.psnr_db, pmt.to_python(out[1]))
            self.assertLess(pmt.to_python(out[2])[K.psnr_db], 35.0)
            self.assertEqual((sink.received(), sink.measured(), sink.measured_host()),
                             (3, 2, 1))
            self.assertEqual(sink.distinct_images(), 2)
            self.assertEqual(sorted(os.listdir(os.path.join(d, "out"))),
                             ["bob_1.png", "bob_2.png"])

    def test_without_measuring_it_times_but_grades_nothing(self):
        rgb = first_image(FACE)
        sink = semsteg.image_sink("", "bob", 16, False, False)
        posts = [("ref", image_pdu(rgb, 1)), ("ref_host", image_pdu(rgb, 1)), None,
                 ("in", image_pdu(rgb, 1, role="bob"))]
        (out,) = run_messages(sink, posts, out_port="metrics", expect=1)
        metrics = pmt.to_python(out)
        self.assertEqual(metrics[K.image_id], 1)
        self.assertGreaterEqual(metrics[K.latency_s], 0.0)  # timed from the reference
        for key in (K.psnr_db, K.ms_ssim, K.psnr_db_host, K.ms_ssim_host):
            self.assertNotIn(key, metrics)
        self.assertEqual((sink.received(), sink.measured(), sink.measured_host()), (1, 0, 0))
        self.assertGreater(sink.latency_s(0.5), 0.0)

    def test_bad_messages_are_dropped(self):
        sink = semsteg.image_sink("", "eve")
        posts = [(port, m) for m in bad_messages() for port in ("in", "ref")]
        no_id = pmt.cons(meta_dict(width=2, height=1), pmt.init_u8vector(6, [0] * 6))
        posts.append(("ref", no_id))
        self.assertEqual(run_messages(sink, posts, out_port="metrics"), [])
        self.assertEqual(sink.dropped(), 2 * len(bad_messages()) + 1)
        with self.assertRaises(ValueError):
            semsteg.image_sink("/proc/no/such/dir", "x")


class qa_image_view(gr_unittest.TestCase):

    def test_shows_images_and_drops_malformed(self):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from gnuradio.semsteg.image_view import image_view, qt_app
        app = qt_app()
        view = image_view(["bob", "eve_naive"])
        rgb = first_image(FACE)
        tb = gr.top_block()
        # Puts the view in a flowgraph (valid metrics of a role it does not show).
        idle = blocks.message_strobe(meta_dict(image_id=0, role="idle"), 50)
        tb.msg_connect(idle, "strobe", view, "metrics")
        tb.start()
        view.to_basic_block()._post(pmt.intern("in"), image_pdu(rgb, 4, role="bob"))
        view.to_basic_block()._post(pmt.intern("in"), pmt.intern("junk"))
        view.to_basic_block()._post(pmt.intern("metrics"), meta_dict(
            image_id=4, role="bob", psnr_db=25.0, ms_ssim=0.95))
        deadline = time.monotonic() + 5
        while view.shown + view.dropped < 2 and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.02)
        tb.stop()
        tb.wait()
        self.assertEqual((view.shown, view.dropped), (1, 1))



class qa_model_lookup(gr_unittest.TestCase):

    def test_programs_and_blocks_share_one_search_path(self):
        found = semsteg.locate_model("jscc_awgn10.safetensors")
        self.assertTrue(os.path.isfile(found))
        self.assertEqual(semsteg.locate_model(found), found)  # an existing file as it is
        path = semsteg.model_search_path()
        self.assertEqual(path[0], os.environ["SEMSTEG_MODELS"])  # as ctest sets it
        with self.assertRaises(ValueError) as e:
            semsteg.locate_model("no_such_model.safetensors")
        for folder in path:
            self.assertIn(folder, str(e.exception))  # every place looked in is named

    def test_grc_model_defaults_are_the_shipped_defaults(self):
        # GRC cannot import semsteg/model_locator.h's defaults: its YAML restates them, and
        # the two must agree (and name files that ship).
        import yaml
        grc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "grc")
        expected = {"jscc_encoder": semsteg.default_codec,
                    "jscc_decoder": semsteg.default_codec,
                    "inn_embed": semsteg.default_inn, "inn_extract": semsteg.default_inn,
                    "mia_decoder": semsteg.default_mia}
        for block, name in expected.items():
            with open(os.path.join(grc, "semsteg_%s.block.yml" % block)) as f:
                params = {p["id"]: p for p in yaml.safe_load(f)["parameters"]}
            self.assertEqual(params["model_path"]["default"], name, block)
            self.assertTrue(os.path.isfile(semsteg.locate_model(name)), name)
        # The flowgraphs' model parameters too.
        for fg in ("loopback", "alice_tx", "bob_rx", "eve_rx"):
            with open(os.path.join(grc, "semsteg_%s.grc" % fg)) as f:
                blocks_ = yaml.safe_load(f)["blocks"]
            values = {b["name"]: b["parameters"].get("value") for b in blocks_
                      if b["id"] == "parameter"}
            for param, name in (("codec_model", semsteg.default_codec),
                                ("inn_model", semsteg.default_inn),
                                ("mia_model", semsteg.default_mia)):
                if param in values:
                    self.assertEqual(values[param], name, "%s %s" % (fg, param))

if __name__ == "__main__":
    gr_unittest.main()
