#
# Copyright 2026 gr-semsteg authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""Alice's transmitter, Bob's and Eve's receivers and the channel as hierarchical blocks.

The apps (semsteg-loopback, semsteg-alice-tx, semsteg-bob-rx, semsteg-eve-rx) and the
tests build their flowgraphs from these, so the simulation, the ZMQ rehearsal and the
over-the-air trial run the same chains. The .grc files in gr-semsteg/grc/ draw the same chains with
the individual blocks for GNU Radio Companion.
"""

import numpy as np
import pmt
from gnuradio import channels, gr

from .semsteg_python import (channel_config, image_sink, image_source, mia_decoder,
                             ofdm_frame_params,
                             ofdm_frame_rx, ofdm_frame_tx, jscc_decoder,
                             jscc_encoder, inn_embed, inn_extract)

#: Zeros after every burst: lets the receiver finish a frame before the next one starts.
DEFAULT_PAD_SAMPLES = 400


def channel(snr_db=None, cfo=0.0, taps=(1.0,), seed=0, timing=1.0, layout=None, spec=None):
    """A simulated radio channel (GNU Radio's channel_model) as channel_config specifies it:
    AWGN at `snr_db` per occupied subcarrier, carrier offset `cfo` in subcarrier spacings of
    the frame `layout` (ofdm_frame_params arguments, default the blocks'), multipath `taps`
    (scaled to unit energy), sample-clock ratio `timing`; or all of it as one `spec`
    (channel_config text, e.g. 'awgn:10,cfo=0.2,taps=1;0;0.3j,clock=1.0001'): one or the
    other, not both."""
    if (spec is None) == (snr_db is None):
        raise ValueError("channel: give snr_db (and cfo, taps, timing) or spec, not both")
    if spec is None:
        spec = channel_spec(snr_db, cfo, taps, timing)
    args = channel_config.parse(spec).channel_model_args(
        ofdm_frame_params(**(layout or {})).fft_len)
    return channels.channel_model(noise_seed=int(seed), **args)


def channel_spec(snr_db, cfo=0.0, taps=(1.0,), timing=1.0):
    """The channel_config text of AWGN at `snr_db`, CFO, taps and clock ratio `timing`."""
    return "awgn:%r,cfo=%r,taps=%s,clock=%r" % (
        float(snr_db), float(cfo), ";".join(_tap_text(t) for t in taps), float(timing))


def _tap_text(t):
    """A tap in channel_config's text form: 1.0, 0.3j, 0.5+0.1j."""
    t = complex(t)
    if not t.imag:
        return repr(t.real)
    return "%r%s%rj" % (t.real, "+" if t.imag > 0 else "", t.imag)


def parse_taps(text):
    """'1,0,0.3j,-0.1' -> [1, 0, 0.3j, -0.1] (Python complex literals)."""
    return [complex(t.replace(" ", "")) for t in text.split(",") if t.strip()]


class alice_tx(gr.hier_block2):
    """Alice: private and host images -> DeepJSCC encoder -> INN embedding -> OFDM bursts.

    Output: complex baseband, one burst per image (container latent), tagged for a UHD
    sink. `interval`: seconds between images; 0 sends them all at once, < 0 only on
    trigger(). With secure=False the private latent is sent as is (unprotected DeepJSCC, to
    show the threat). Message outputs "private" and "host": the images sent (references
    for measurements in a simulation). `layout`: the OFDM frame layout, a dict of
    ofdm_frame_tx's layout arguments (fft_len, cp_len, data_carriers, ...; default the
    block's); Bob's and Eve's receivers take the same. `private_codec`: the codec of the
    private image for an INN that hides a lower-rate payload ("": the public codec; Bob's
    receiver takes the same).
    """

    def __init__(self, private_images, host_images, codec, inn, interval=0.5, loop=False,
                 side=64, crop=1.0, host_crop=1.0, first_image_id=0, secure=True,
                 warmup_frames=2, pad_samples=DEFAULT_PAD_SAMPLES, threads=0,
                 key_file="", passphrase="", target_snr_db=10.0, layout=None,
                 private_codec=""):
        gr.hier_block2.__init__(self, "semsteg_alice_tx", gr.io_signature(0, 0, 0),
                                gr.io_signature(1, 1, gr.sizeof_gr_complex))
        self.message_port_register_hier_out("private")
        self.message_port_register_hier_out("host")
        self.private_source = image_source(private_images, side, crop, interval, loop,
                                           first_image_id, "private")
        # Unprotected, the private image goes out as plain DeepJSCC: the public codec.
        self.private_encoder = jscc_encoder(private_codec if secure and private_codec
                                            else codec, threads, target_snr_db)
        self.tx = ofdm_frame_tx(warmup_frames, pad_samples, "packet_len", **(layout or {}))
        self.msg_connect(self.private_source, "out", self.private_encoder, "in")
        self.msg_connect(self.private_source, "out", self, "private")
        self.secure = secure
        if secure:
            self.host_source = image_source(host_images, side, host_crop, interval, loop,
                                            first_image_id, "host")
            # (The codec and SNR reach only an INN that sends through the codec's round trip.)
            self.embed = inn_embed(inn, threads, 64, key_file, passphrase, codec,
                                   target_snr_db)
            self.msg_connect(self.host_source, "out", self, "host")
            if self.embed.needs_host_image():
                # The host's detail goes back before the round trip: the INN's block takes
                # the host image and encodes it itself.
                self.host_encoder = None
                self.msg_connect(self.host_source, "out", self.embed, "host")
            else:
                self.host_encoder = jscc_encoder(codec, threads, target_snr_db)
                self.msg_connect(self.host_source, "out", self.host_encoder, "in")
                self.msg_connect(self.host_encoder, "out", self.embed, "host")
            self.msg_connect(self.private_encoder, "out", self.embed, "private")
            self.msg_connect(self.embed, "out", self.tx, "in")
        else:
            self.host_source = None
            self.msg_connect(self.private_encoder, "out", self.tx, "in")
        self.connect(self.tx, self)

    def images_sent(self):
        return self.private_source.images_sent()

    def trigger(self):
        """Sends the next (private, host) pair now (with interval < 0: on demand only)."""
        for src in (self.private_source, self.host_source):
            if src is not None:
                src.to_basic_block()._post(pmt.intern("trigger"), pmt.PMT_T)


class _receiver(gr.hier_block2):
    """What Bob's and Eve's receivers share: complex baseband in, ofdm_frame_rx, and for
    each decoder an image_sink with the "ref" / "ref_host" references and the "images"
    output for a live view (measure=False: the sinks grade nothing, latency only)."""

    def __init__(self, name, mmse, output_dir, max_refs, log_each, layout, measure=True):
        gr.hier_block2.__init__(self, name, gr.io_signature(1, 1, gr.sizeof_gr_complex),
                                gr.io_signature(0, 0, 0))
        for port in ("ref", "ref_host"):
            self.message_port_register_hier_in(port)
        self.message_port_register_hier_out("images")
        self.rx = ofdm_frame_rx(drop_warmup=True, mmse=mmse, **(layout or {}))
        self.connect(self, self.rx)
        self.sinks = []
        self._sink_args = (output_dir, max_refs, log_each, measure)

    def _add_output(self, decoder, prefix):
        output_dir, max_refs, log_each, measure = self._sink_args
        sink = image_sink(output_dir, prefix, max_refs, log_each, measure)
        self.msg_connect(decoder, "out", sink, "in")
        self.msg_connect(decoder, "out", self, "images")
        for port in ("ref", "ref_host"):
            self.msg_connect(self, port, sink, port)
        self.sinks.append(sink)
        return sink


class bob_rx(_receiver):
    """Bob: OFDM receiver -> INN extraction (l-hat) -> DeepJSCC decoder -> image sink.

    Input: complex baseband. Message inputs "ref" / "ref_host": the sent private / host
    images, when known, for PSNR / MS-SSIM (the latest `max_refs` of each are kept: at
    least the images in flight, or all of them when they are sent up front). Message output
    "images": Bob's images (for a live view). With secure=False Bob decodes the received
    latent directly (baseline). `private_codec`: as alice_tx's (Bob decodes with it).
    """

    def __init__(self, codec, inn, output_dir="", lost_mode="auto", secure=True,
                 mmse=False, threads=0, log_each=True, max_refs=64, key_file="",
                 passphrase="", layout=None, measure=True, private_codec=""):
        _receiver.__init__(self, "semsteg_bob_rx", mmse, output_dir, max_refs, log_each,
                           layout, measure)
        self.decoder = jscc_decoder(private_codec if secure and private_codec else codec,
                                    "bob", threads)
        if secure:
            self.extract = inn_extract(inn, lost_mode, threads, key_file, passphrase)
            self.msg_connect(self.rx, "out", self.extract, "in")
            self.msg_connect(self.extract, "out", self.decoder, "in")
        else:
            self.extract = None
            self.msg_connect(self.rx, "out", self.decoder, "in")
        self.sink = self._add_output(self.decoder, "bob")


class eve_rx(_receiver):
    """Eve: OFDM receiver -> the public DeepJSCC decoder (naive decoding) and, with a model,
    her model-inversion network -> image sinks. She has no INN. Ports as bob_rx."""

    def __init__(self, codec, mia="", output_dir="", mmse=False, threads=0, log_each=True,
                 max_refs=64, layout=None, measure=True):
        _receiver.__init__(self, "semsteg_eve_rx", mmse, output_dir, max_refs, log_each,
                           layout, measure)
        self.decoder = jscc_decoder(codec, "eve_naive", threads)
        self.msg_connect(self.rx, "out", self.decoder, "in")
        self.sink = self._add_output(self.decoder, "eve_naive")
        self.mia = self.mia_sink = None
        if mia:
            self.mia = mia_decoder(mia, "eve_mia", threads)
            self.msg_connect(self.rx, "out", self.mia, "in")
            self.mia_sink = self._add_output(self.mia, "eve_mia")
