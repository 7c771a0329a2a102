#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A flowgraph of someone else's using the installed blocks: image source -> encoder ->
decoder -> image sink with the private reference; prints the PSNR. Usage: flowgraph.py IMAGE"""
import sys
import time

from gnuradio import gr, semsteg


def main():
    image = sys.argv[1]
    tb = gr.top_block()
    src = semsteg.image_source(image, 64, 1.0, 0.0, False)
    enc = semsteg.jscc_encoder("jscc_awgn10.safetensors")
    dec = semsteg.jscc_decoder("jscc_awgn10.safetensors", "bob")
    sink = semsteg.image_sink("", "bob", 16, False)
    tb.msg_connect(src, "out", enc, "in")
    tb.msg_connect(src, "out", sink, "ref")
    tb.msg_connect(enc, "out", dec, "in")
    tb.msg_connect(dec, "out", sink, "in")
    tb.start()
    deadline = time.monotonic() + 60
    while sink.received() < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    tb.stop()
    tb.wait()
    if sink.measured() != 1:
        sys.exit("flowgraph.py: no image measured")
    print("psnr_db %.2f (module %s)" % (sink.mean_psnr_db(), semsteg.__file__))


if __name__ == "__main__":
    main()
