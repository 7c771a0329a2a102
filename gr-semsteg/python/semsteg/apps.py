#
# Copyright 2026 gr-semsteg authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""The programs: loopback simulation, Alice's transmitter, Bob's and Eve's receivers.

Each main() parses its options, builds its flowgraph from flowgraphs.py, runs it until the
images are through (or a count / timeout), and prints a summary. apps/semsteg-* are thin
launchers of these. Radios: "uhd" (a USRP) or "zmq" (GNU Radio's ZMQ blocks, to rehearse
an over-the-air trial as three processes on one machine).
"""

import argparse
import math
import os
import resource
import signal
import sys
import time

from gnuradio import blocks, gr

from . import flowgraphs
from .semsteg_python import (channel_config, check_inn_codec, configure_inference,
                             default_codec, default_inn,
                             default_mia, image_files, image_sink,
                             inference_stats, inn_file_is_keyed, inn_private_codec,
                             warm_up_inference,
                             key_file_or_demo, locate_model,
                             receiver_table, tile_png,
                             write_receiver_report)

# Faces (python-matplotlib-data, gtkmorph-example's portraits) and photos (palapeli-data).
DEFAULT_PRIVATE = ";".join([
    "/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg",
    "/usr/share/xmorph/example/AD/image1.png",
    "/usr/share/xmorph/example/AD/image2.png"])
DEFAULT_HOST = ";".join(
    "/usr/share/palapeli/collection/%s.jpg" % name
    for name in ("castle-maintenon", "citrus-fruits", "cincinnati-bridge"))

def inn_is_keyed(path):
    try:
        return inn_file_is_keyed(path)
    except ValueError as e:
        raise SystemExit("error: %s" % e)


# ---------------------------------------------------------------- options

def add_model_options(p, inn=True, mia=False):
    p.add_argument("--models", default="",
                   help="folder of the shipped models (default: $SEMSTEG_MODELS, then the "
                   "installed models, then the source tree's: the blocks' model search path)")
    p.add_argument("--codec", help="DeepJSCC codec file (default: MODELS/%s)" % default_codec)
    if inn:
        p.add_argument("--inn", help="INN file (default: MODELS/%s)" % default_inn)
        p.add_argument("--private-codec", default="",
                       help="the codec of the private image, for an INN that hides a "
                       "lower-rate payload (default: the one the INN names, found beside "
                       "it or among the models; none for a full-payload INN)")
    if mia:
        p.add_argument("--mia", help="Eve's inverse network (default: "
                       "MODELS/%s; 'none' to skip)" % default_mia)
    g = p.add_argument_group(
        "inference engine", "every network of this process runs on one engine: its workers "
        "own LibTorch's threads and batch the requests waiting for each network")
    g.add_argument("--threads", type=int, default=1,
                   help="LibTorch threads (0: one per core; default: %(default)s)")
    g.add_argument("--max-batch", type=int, default=16,
                   help="most requests of one network run together (default: %(default)s)")
    g.add_argument("--max-wait-ms", type=float, default=1.0,
                   help="how long a lone request waits for others, ms (default: %(default)s)")
    g.add_argument("--queue-capacity", type=int, default=64,
                   help="requests waiting per network (default: %(default)s)")
    g.add_argument("--queue-full", choices=("wait", "drop"), default="wait",
                   help="a full queue makes the block wait, or drops and counts "
                   "(default: %(default)s)")
    g.add_argument("--device", default="cpu",
                   help="cpu, cuda or cuda:N (a LibTorch with CUDA; default: %(default)s)")
    g.add_argument("--workers", type=int, default=0,
                   help="batches of different networks run at once, each on threads / "
                   "workers of the threads (0: one per thread, no more than there are "
                   "networks; default: %(default)s)")


def configure_engine(args):
    try:
        configure_inference(args.threads, args.max_batch, args.max_wait_ms,
                            args.queue_capacity, args.queue_full, args.device, args.workers)
    except ValueError as e:
        raise SystemExit("error: %s" % e)


def add_key_options(p):
    """The key a keyed INN needs (Alice and Bob only; never logged, never sent)."""
    p.add_argument("--key-file", default="",
                   help="keyed INN: the key Alice and Bob share (made by semsteg-keygen); "
                   "'demo', this machine's demo key, is the default when neither this nor "
                   "--passphrase is given (fine for a loopback or both ends on one machine)")
    p.add_argument("--passphrase", default="",
                   help="keyed INN: the shared passphrase instead of a key file (others can "
                   "read a command line: prefer --key-file)")


def warm_up(quiet):
    """Builds LibTorch's kernels for every network and batch size before the first image
    (they are otherwise built while the first images wait)."""
    t = time.monotonic()
    batches = warm_up_inference()
    if not quiet:
        print("inference: warmed up (%d batches, %.1f s)" % (batches, time.monotonic() - t),
              flush=True)


def resolve_models(args):
    def pick(name, default):
        value = getattr(args, name, None)
        if value == "none":
            return ""
        if value and os.path.isfile(value):
            return value
        if args.models:
            path = os.path.join(args.models, value or default)
            if not os.path.isfile(path):
                raise SystemExit("error: model file not found: %s (--%s or --models)"
                                 % (path, name))
            return path
        # One rule with the blocks (semsteg/model_locator.h): a bare name, given (an
        # operating point chosen by its file, e.g. --inn inn_covert_q48.safetensors) or
        # the default, is found among the installed or the source tree's models.
        try:
            return locate_model(value or default)
        except ValueError as e:
            raise SystemExit("error: %s (--%s or --models)" % (e, name))
    args.codec = pick("codec", default_codec)
    if hasattr(args, "inn"):
        args.inn = pick("inn", default_inn)
        try:  # given, else the one the INN names (a lower-rate payload's), else none
            if args.private_codec:
                args.private_codec = locate_model(args.private_codec)
            elif args.inn and not getattr(args, "unprotected", False):
                args.private_codec = inn_private_codec(args.inn)
        except ValueError as e:
            raise SystemExit("error: %s (--private-codec)" % e)
        if args.inn and not getattr(args, "unprotected", False):
            try:  # an INN works only in the latent spaces of the codecs it was trained with
                check_inn_codec(args.inn, args.codec, args.private_codec)
            except ValueError as e:
                raise SystemExit("error: %s (--codec, --inn, --private-codec)" % e)
        # A keyed INN given no key runs on this machine's demo key (the blocks say so in a
        # warning): the defaults work out of the box, and no key is ever a constant.
        if hasattr(args, "key_file") and not getattr(args, "unprotected", False):
            args.key_file = key_file_or_demo(args.key_file, args.passphrase,
                                             bool(args.inn) and inn_is_keyed(args.inn))
    if hasattr(args, "mia"):
        args.mia = pick("mia", default_mia)


def add_image_options(p):
    p.add_argument("--private", default=DEFAULT_PRIVATE,
                   help="private image(s): file, folder or ';'-list (default: three faces "
                   "from python-matplotlib-data and gtkmorph-example)")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help="host image(s) (default: three photos from palapeli-data)")
    p.add_argument("-n", "--count", type=int, default=3,
                   help="images to send (the files repeat when there are fewer)")
    p.add_argument("--crop", type=float, default=1.0, help="centre crop of the private images")
    p.add_argument("--host-crop", type=float, default=1.0, help="centre crop of the hosts")


def add_channel_options(p, who, default_snr):
    p.add_argument("--%s-snr" % who, type=float, default=default_snr,
                   help="%s's SNR per subcarrier, dB (default: %%(default)s)" % who)
    p.add_argument("--%s-cfo" % who, type=float, default=0.0,
                   help="%s's carrier offset, subcarrier spacings" % who)
    p.add_argument("--%s-taps" % who, default="1",
                   help="%s's multipath taps, e.g. '1,0,0,0.4j,0,-0.2'" % who)
    p.add_argument("--%s-channel" % who, metavar="SPEC",
                   help="%s's whole channel as one specification (semsteg.channel_config), "
                   "e.g. 'awgn:12,cfo=0.5,taps=1;0;0.3j,clock=1.00001'; replaces --%s-snr, "
                   "--%s-cfo, --%s-taps and --timing" % (who, who, who, who))


def channel_of(p, args, who):
    """`who`'s channel (a channel_config): --WHO-channel, else the separate options."""
    spec = getattr(args, who + "_channel")
    if spec is None:
        spec = flowgraphs.channel_spec(getattr(args, who + "_snr"), getattr(args, who + "_cfo"),
                                       flowgraphs.parse_taps(getattr(args, who + "_taps")),
                                       args.timing)
    try:
        return channel_config.parse(spec)
    except RuntimeError as e:
        p.error("--%s-channel: %s" % (who, e))


def add_radio_options(p, tx):
    p.add_argument("--radio", choices=("uhd", "zmq"), default="uhd",
                   help="a USRP, or GNU Radio ZMQ in place of the radio (default: %(default)s)")
    p.add_argument("--args", default="", help="UHD device args, e.g. 'serial=3123ABC'")
    p.add_argument("--freq", type=float, default=2.45e9, help="centre frequency, Hz")
    p.add_argument("--rate", type=float, default=1e6, help="sample rate, S/s")
    p.add_argument("--gain", type=float, default=30.0 if tx else 20.0, help="gain, dB")
    p.add_argument("--antenna", default="", help="antenna port (default: the device's)")
    if tx:
        p.add_argument("--tx-scale", type=float, default=0.25,
                       help="with --radio uhd: baseband amplitude scale before the DAC "
                       "(default: %(default)s)")
        p.add_argument("--zmq", default="tcp://127.0.0.1:5555",
                       help="ZMQ PUB address Alice binds (default: %(default)s)")
    else:
        p.add_argument("--zmq", default="tcp://127.0.0.1:5555",
                       help="ZMQ address of Alice's PUB socket (default: %(default)s)")
        p.add_argument("--sim-snr", type=float, default=None,
                       help="with --radio zmq: simulated channel SNR, dB (default: none)")
        p.add_argument("--sim-cfo", type=float, default=0.0,
                       help="with --radio zmq: simulated carrier offset, subcarriers")
        p.add_argument("--sim-taps", default="1", help="with --radio zmq: multipath taps")
        p.add_argument("--seed", type=int, default=0, help="channel noise seed")


def repeated_files(spec, count):
    """`count` image files from `spec`, repeating the list when it is shorter, as one
    ';'-separated list (so image ids run 0..count-1 over it)."""
    try:
        files = image_files(spec)
    except ValueError as e:
        raise SystemExit("error: %s" % e)
    reps = int(math.ceil(count / float(len(files))))
    return ";".join((files * reps)[:count])


# ---------------------------------------------------------------- radios

def make_uhd(tx, args):
    """A USRP sink/source, or SystemExit with 'no USRP device found' when there is none."""
    try:
        from gnuradio import uhd
    except ImportError as e:
        raise SystemExit("error: GNU Radio's UHD support is not installed: %s" % e)
    stream = uhd.stream_args(cpu_format="fc32", channels=[0])
    try:
        if tx:
            dev = uhd.usrp_sink(args.args, stream, "packet_len")
        else:
            dev = uhd.usrp_source(args.args, stream)
    except RuntimeError as e:
        raise SystemExit("error: no USRP device found (device args '%s'): %s"
                         % (args.args, str(e).strip().splitlines()[0] if str(e) else "-"))
    dev.set_samp_rate(args.rate)
    dev.set_center_freq(args.freq, 0)
    dev.set_gain(args.gain, 0)
    if args.antenna:
        dev.set_antenna(args.antenna, 0)
    return dev


# ---------------------------------------------------------------- running

def wait_until(done, timeout, progress=None, idle_timeout=None):
    """Polls done() until true; gives up after `timeout` s, or `idle_timeout` s without
    a change of progress(). Returns whether done() became true. Ctrl-C stops waiting."""
    start = last_change = time.monotonic()
    last = progress() if progress else None
    interrupted = []
    old = signal.signal(signal.SIGINT, lambda *_: interrupted.append(1))
    try:
        while not done():
            now = time.monotonic()
            if interrupted or (timeout and now - start > timeout):
                return False
            if progress:
                cur = progress()
                if cur != last:
                    last, last_change = cur, now
                elif idle_timeout and now - last_change > idle_timeout:
                    return False
            time.sleep(0.01)
        return True
    finally:
        signal.signal(signal.SIGINT, old)


def current_rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2.0 ** 20


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def sink_row(name, sink):
    return {
        "receiver": name,
        "images": sink.received(),
        "psnr_db": sink.mean_psnr_db() if sink.measured() else None,
        "ms_ssim": sink.mean_ms_ssim() if sink.measured() else None,
        "psnr_db_host": sink.mean_psnr_db_host() if sink.measured_host() else None,
        "ms_ssim_host": sink.mean_ms_ssim_host() if sink.measured_host() else None,
    }


def side_by_side(out_dir, ids, columns, path, max_rows=8):
    """Grid PNG: one row per image id, one column per prefix whose PNG exists for all."""
    ids = sorted(ids)[:max_rows]
    cols = [c for c in columns
            if ids and all(os.path.isfile(os.path.join(out_dir, "%s_%d.png" % (c, i)))
                           for i in ids)]
    if not cols:
        return None
    names = {"host": "host", "private": "private", "bob": "Bob", "eve_naive": "Eve naive",
             "eve_mia": "Eve MIA"}
    tile_png([os.path.join(out_dir, "%s_%d.png" % (c, i)) for i in ids for c in cols],
             len(cols), path, [names.get(c, c) for c in cols])
    return cols


# ---------------------------------------------------------------- loopback

def _clear_errors(main):
    """A block that refuses its settings (a model file, a key) raises RuntimeError at
    construction: the program says what was wrong and exits 1, without a traceback."""
    def wrapped(argv=None):
        try:
            return main(argv)
        except RuntimeError as e:
            raise SystemExit("error: %s" % e)
    wrapped.__doc__ = main.__doc__
    return wrapped


@_clear_errors
def loopback_main(argv=None):
    p = argparse.ArgumentParser(
        prog="semsteg-loopback",
        description="Loopback simulation: Alice -> two channels -> Bob and Eve, through the "
        "GNU Radio blocks and the OFDM PHY. Writes the images, a side-by-side PNG and a "
        "PSNR / MS-SSIM table to the output folder.")
    add_image_options(p)
    add_model_options(p, inn=True, mia=True)
    add_key_options(p)
    add_channel_options(p, "bob", 10.0)
    add_channel_options(p, "eve", 10.0)
    p.add_argument("--timing", type=float, default=1.0,
                   help="sample-clock ratio of both channels (default: %(default)s)")
    p.add_argument("--unprotected", action="store_true",
                   help="send the private latent as is (plain DeepJSCC: Eve's easy case)")
    p.add_argument("--lost", default="auto", help="Bob's l-hat mode (default: %(default)s)")
    p.add_argument("--interval", type=float, default=0.0,
                   help="seconds between images, a real-time source (images the chain cannot "
                   "keep up with are dropped); 0 (default): as fast as the receivers take "
                   "them, at most --window in flight")
    p.add_argument("--window", type=int, default=4,
                   help="images in flight with --interval 0 (default: %(default)s)")
    p.add_argument("--seed", type=int, default=1, help="channel noise seed")
    p.add_argument("-o", "--out", default="semsteg-demo-out", help="output folder")
    p.add_argument("--no-png", action="store_true", help="write no per-image PNG files")
    p.add_argument("--timeout", type=float, default=0,
                   help="give up after this many seconds (default: 60 + 1 s per image)")
    p.add_argument("--gui", action="store_true", help="show the live view (Qt)")
    p.add_argument("-q", "--quiet", action="store_true", help="no per-image log lines")
    p.add_argument("--no-measure", action="store_true",
                   help="grade nothing (no PSNR / MS-SSIM; the latency is still measured): "
                   "the receivers' work as a real Bob's and Eve's, for throughput runs")
    args = p.parse_args(argv)
    resolve_models(args)
    configure_engine(args)
    if args.count < 1:
        p.error("--count must be >= 1")
    private = repeated_files(args.private, args.count)
    host = repeated_files(args.host, args.count)
    png_dir = "" if args.no_png else args.out
    os.makedirs(args.out, exist_ok=True)

    bob_spec, eve_spec = channel_of(p, args, "bob"), channel_of(p, args, "eve")
    tb = gr.top_block("semsteg loopback")
    paced = args.interval <= 0
    alice = flowgraphs.alice_tx(private, host, args.codec, args.inn,
                                private_codec=args.private_codec,
                                interval=-1.0 if paced else args.interval,
                                crop=args.crop, host_crop=args.host_crop,
                                secure=not args.unprotected,
                                key_file=args.key_file, passphrase=args.passphrase,
                                target_snr_db=bob_spec.snr_db)  # Alice targets Bob's link
    bob_channel = flowgraphs.channel(seed=args.seed, spec=bob_spec.to_string())
    eve_channel = flowgraphs.channel(seed=args.seed + 1, spec=eve_spec.to_string())
    bob = flowgraphs.bob_rx(args.codec, args.inn, png_dir, args.lost,
                            secure=not args.unprotected, private_codec=args.private_codec,
                            log_each=not args.quiet, key_file=args.key_file,
                            passphrase=args.passphrase, measure=not args.no_measure)
    eve = flowgraphs.eve_rx(args.codec, args.mia, png_dir,
                            log_each=not args.quiet, measure=not args.no_measure)
    tb.connect(alice, bob_channel, bob)
    tb.connect(alice, eve_channel, eve)
    refs = [image_sink(png_dir, "private", 1, False)]
    tb.msg_connect(alice, "private", refs[0], "in")
    if not args.unprotected:
        refs.append(image_sink(png_dir, "host", 1, False))
        tb.msg_connect(alice, "host", refs[1], "in")
    for rx in (bob, eve):
        tb.msg_connect(alice, "private", rx, "ref")
        if not args.unprotected:
            tb.msg_connect(alice, "host", rx, "ref_host")

    view = None
    if args.gui:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("QT_QPA_PLATFORM")):
            raise SystemExit("error: --gui needs a display (DISPLAY is not set)")
        from .image_view import image_view, qt_app
        app = qt_app()
        view = image_view(["bob", "eve_naive", "eve_mia"], "gr-semsteg loopback")
        for rx in (bob, eve):
            tb.msg_connect(rx, "images", view, "in")
        for sink in [bob.sink] + eve.sinks:
            tb.msg_connect(sink, "metrics", view, "metrics")
        view.widget().show()

    sinks = [bob.sink] + eve.sinks
    timeout = args.timeout or 60 + args.count * (1.0 + max(args.interval, 0.0))
    # Memory: the resident size once a tenth of the images are through (warm caches,
    # allocator pools) against the end, so a leak per image shows as growth.
    rss_mark = {}

    pacing = {"sent": 0, "received": 0, "since": time.monotonic()}

    def progress():
        received = tuple(s.received() for s in sinks)
        if paced:
            # Closed loop: the next pair goes when the slowest receiver has taken one. A
            # frame lost on the air must not stall it: 2 s without output sends one more.
            now, done_min = time.monotonic(), min(received)
            if done_min != pacing["received"]:
                pacing["received"], pacing["since"] = done_min, now
            stalled = now - pacing["since"] > 2.0
            while pacing["sent"] < args.count and (
                    pacing["sent"] - done_min < args.window or stalled):
                alice.trigger()
                pacing["sent"] += 1
                pacing["since"], stalled = now, False
        if "rss" not in rss_mark and min(received) >= max(1, args.count // 10):
            rss_mark["rss"] = current_rss_mib()
        return received

    warm_up(getattr(args, "quiet", False))
    t0 = time.monotonic()
    tb.start()
    complete = wait_until(lambda: all(s.received() >= args.count for s in sinks), timeout,
                          progress=progress, idle_timeout=30)
    if paced and not complete:
        time.sleep(1.0)  # the last stragglers
    rss_end = current_rss_mib()
    elapsed = time.monotonic() - t0
    if view is None:
        tb.stop()
        tb.wait()

    rows = [sink_row("Bob", bob.sink), sink_row("Eve naive", eve.sink)]
    if eve.mia_sink is not None:
        rows.append(sink_row("Eve MIA", eve.mia_sink))
    extra = {
        "images_sent": alice.images_sent(),
        "bob_channel": bob_spec.to_string(),
        "eve_channel": eve_spec.to_string(),
        "system": "unprotected DeepJSCC" if args.unprotected else "secure (INN)",
        "seconds": round(elapsed, 2),
        "images_per_s": round(min(s.received() for s in sinks) / elapsed, 2),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "rss_growth_mib": round(rss_end - rss_mark.get("rss", rss_end), 1),
        "frames_lost_bob": bob.rx.seq_gaps(),
        "frames_lost_eve": eve.rx.seq_gaps(),
        # Alice sending an image → Bob's decoded image, seconds.
        "bob_latency_median_s": round(bob.sink.latency_s(0.5), 4),
        "bob_latency_p99_s": round(bob.sink.latency_s(0.99), 4),
        "inference": inference_stats(),
    }
    table = write_receiver_report(args.out, "gr-semsteg loopback", rows, extra)
    print(table)
    print("sent %d images in %.1f s (%.1f images/s), peak memory %.0f MiB"
          % (extra["images_sent"], elapsed, extra["images_per_s"], extra["peak_rss_mib"]))
    print("Bob's latency: median %.3f s, p99 %.3f s; inference: %d batches, largest %d, "
          "%d torch threads" % (extra["bob_latency_median_s"], extra["bob_latency_p99_s"],
                                extra["inference"]["batches"],
                                extra["inference"]["largest_batch"],
                                extra["inference"]["threads"]))
    if png_dir:
        ids = range(min(args.count, 8))
        cols = side_by_side(args.out, ids,
                            ["host", "private", "bob", "eve_naive", "eve_mia"],
                            os.path.join(args.out, "side_by_side.png"))
        if cols:
            print("side by side (%s): %s" % (", ".join(cols),
                                             os.path.join(args.out, "side_by_side.png")))
    print("outputs in %s (metrics.md, metrics.json%s)"
          % (os.path.abspath(args.out), ", PNG images" if png_dir else ""), flush=True)
    if view is not None:
        print("live view open: close its window to finish", flush=True)
        app.exec_()
        tb.stop()
        tb.wait()
    if not complete:
        print("error: not every image arrived (see the counts above)", file=sys.stderr)
        return 1
    return 0


# ---------------------------------------------------------------- over the air / ZMQ

@_clear_errors
def alice_main(argv=None):
    p = argparse.ArgumentParser(
        prog="semsteg-alice-tx",
        description="Alice's transmitter: private images hidden in host images, sent as "
        "OFDM bursts through a USRP (or ZMQ).")
    add_image_options(p)
    add_model_options(p, inn=True)
    add_key_options(p)
    p.add_argument("--target-snr", type=float, default=10.0,
                   help="the SNR (dB) an SNR-adaptive codec encodes for: Bob's expected "
                   "link (default: %(default)s; a plain codec ignores it)")
    add_radio_options(p, tx=True)
    p.add_argument("--interval", type=float, default=0.5, help="seconds between images")
    p.add_argument("--loop", action="store_true", help="send the images over and over")
    p.add_argument("--unprotected", action="store_true", help="plain DeepJSCC, no INN")
    p.add_argument("--start-delay", type=float, default=1.0,
                   help="seconds to wait before the first image (receivers connect)")
    args = p.parse_args(argv)
    resolve_models(args)
    configure_engine(args)
    private = repeated_files(args.private, args.count)
    host = repeated_files(args.host, args.count)
    tb = gr.top_block("semsteg alice_tx")
    alice = flowgraphs.alice_tx(private, host, args.codec, args.inn, interval=args.interval,
                                private_codec=args.private_codec, loop=args.loop, crop=args.crop, host_crop=args.host_crop,
                                secure=not args.unprotected,
                                key_file=args.key_file, passphrase=args.passphrase,
                                target_snr_db=args.target_snr)
    if args.radio == "uhd":
        sink = make_uhd(True, args)
        tb.connect(alice, blocks.multiply_const_cc(args.tx_scale), sink)
    else:
        # ZMQ stands in for an ideal radio: unit power per carrier (no DAC scaling), paced
        # at the sample rate; the receivers add the channel (--sim-snr etc.).
        from gnuradio import zeromq
        throttle = blocks.throttle(gr.sizeof_gr_complex, args.rate, True)
        sink = zeromq.pub_sink(gr.sizeof_gr_complex, 1, args.zmq, 100, False, -1)
        tb.connect(alice, throttle, sink)
    print("alice: sending %s%d image(s) (%s) via %s" % (
        "looping " if args.loop else "", args.count,
        "unprotected" if args.unprotected else "secure", args.radio), flush=True)
    warm_up(False)
    time.sleep(args.start_delay)
    tb.start()
    want = args.count + 2  # + warm-up frames
    ok = wait_until(lambda: not args.loop and alice.tx.frames_sent() >= want, 0)
    time.sleep(1.0)  # the last burst leaves the buffers
    tb.stop()
    tb.wait()
    print("alice: %d frames sent" % alice.tx.frames_sent(), flush=True)
    return 0 if ok or args.loop else 1


def _receiver_main(argv, who):
    eve = who == "eve"
    p = argparse.ArgumentParser(
        prog="semsteg-%s-rx" % who,
        description=("Eve's eavesdropping receiver: naive decoding with the public decoder "
                     "and her model-inversion network." if eve else
                     "Bob's receiver: extracts the private image with the INN.")
        + " Radio: a USRP, or ZMQ from semsteg-alice-tx.")
    add_model_options(p, inn=not eve, mia=eve)
    if not eve:  # Eve has no key
        add_key_options(p)
    add_radio_options(p, tx=False)
    p.add_argument("-n", "--count", type=int, default=0,
                   help="stop after this many images (0: run until Ctrl-C)")
    p.add_argument("--timeout", type=float, default=0, help="stop after this many seconds")
    p.add_argument("--reference-private", default="",
                   help="the private images Alice sends (same list, same order): measure "
                   "PSNR / MS-SSIM against them")
    p.add_argument("--reference-host", default="", help="the host images Alice sends")
    p.add_argument("--reference-count", type=int, default=0,
                   help="references to load (default: --count)")
    p.add_argument("--crop", type=float, default=1.0, help="centre crop of the references")
    p.add_argument("--host-crop", type=float, default=1.0)
    p.add_argument("-o", "--out", default="", help="folder for PNGs and metrics")
    if not eve:
        p.add_argument("--lost", default="auto", help="l-hat mode (default: %(default)s)")
    p.add_argument("--mmse", action="store_true", help="MMSE equaliser")
    p.add_argument("-q", "--quiet", action="store_true")
    args = p.parse_args(argv)
    resolve_models(args)
    configure_engine(args)
    tb = gr.top_block("semsteg %s_rx" % who)
    ref_count = args.reference_count or args.count or 1
    max_refs = max(64, ref_count)  # the references are sent up front: keep them all
    if eve:
        rx = flowgraphs.eve_rx(args.codec, args.mia, args.out, args.mmse,
                               log_each=not args.quiet, max_refs=max_refs)
        sinks = rx.sinks
    else:
        rx = flowgraphs.bob_rx(args.codec, args.inn, args.out, args.lost, True, args.mmse,
                               log_each=not args.quiet, max_refs=max_refs,
                               key_file=args.key_file, passphrase=args.passphrase,
                               private_codec=args.private_codec)
        sinks = [rx.sink]
    if args.radio == "uhd":
        src = make_uhd(False, args)
        tb.connect(src, rx)
    else:
        from gnuradio import zeromq
        src = zeromq.sub_source(gr.sizeof_gr_complex, 1, args.zmq, 100, False, -1)
        if args.sim_snr is not None:
            chan = flowgraphs.channel(args.sim_snr, args.sim_cfo,
                                      flowgraphs.parse_taps(args.sim_taps), args.seed)
            tb.connect(src, chan, rx)
        else:
            tb.connect(src, rx)
    for port, spec, crop in (("ref", args.reference_private, args.crop),
                             ("ref_host", args.reference_host, args.host_crop)):
        if spec:
            from .semsteg_python import image_source
            ref = image_source(repeated_files(spec, ref_count), 64, crop, 0.0, False, 0, port)
            tb.msg_connect(ref, "out", rx, port)
    warm_up(getattr(args, "quiet", False))
    t0 = time.monotonic()
    tb.start()
    print("%s: listening via %s" % (who, args.radio), flush=True)  # tests wait for this
    complete = wait_until(lambda: args.count and all(s.received() >= args.count
                                                     for s in sinks), args.timeout)
    elapsed = time.monotonic() - t0
    tb.stop()
    tb.wait()
    names = ["Eve naive", "Eve MIA"] if eve else ["Bob"]
    rows = [sink_row(n, s) for n, s in zip(names, sinks)]
    # Frames by sequence number: over one transmitter run, last - first + 1 = delivered +
    # lost (ofdm_frame_rx.h); a restarted transmitter is counted, not lost.
    extra = {"seconds": round(elapsed, 2), "frames_delivered": rx.rx.delivered(),
             "frames_lost": rx.rx.seq_gaps(), "header_crc_failed": rx.rx.header_crc_failed(),
             "transmitter_restarts": rx.rx.seq_restarts(), "first_seq": rx.rx.first_seq(),
             "last_seq": rx.rx.last_seq()}
    table = (write_receiver_report(args.out, "gr-semsteg %s_rx" % who, rows, extra)
             if args.out else receiver_table(rows))
    print(table, flush=True)
    if args.count and not complete:
        print("%s: error: %d of %d images received before the timeout"
              % (who, min(s.received() for s in sinks), args.count), file=sys.stderr)
        return 1
    return 0


@_clear_errors
def bob_main(argv=None):
    return _receiver_main(argv, "bob")


@_clear_errors
def eve_main(argv=None):
    return _receiver_main(argv, "eve")
