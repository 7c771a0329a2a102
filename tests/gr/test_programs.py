#!/usr/bin/python3
#
# Copyright 2026 gr-semsteg authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""The GNU Radio programs end to end: the loopback simulation (50 images with impairments,
and the 1,000-image load test), the three-process ZMQ rehearsal, and the over-the-air
programs without a USRP. Usage: test_programs.py RUN_IN_BUILD [unittest args]; RUN_IN_BUILD
is build/apps/run-in-build (sets the paths for the build tree)."""

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
import unittest

RUN = None  # set from argv

# ZMQ ports below Linux's ephemeral range (32768-60999), so that no other connection's
# source port can hold the one Alice binds.
ZMQ_PORT_THREE_PROCESSES = 23000 + os.getpid() % 1000
ZMQ_PORT_FAULTS = 24000 + os.getpid() % 1000

# Thresholds from measured values, with a margin. Session 4 (the keyless default of then):
# 50 Debian images (3 faces, 3 photos, repeated) at 15 dB with CFO, multipath and a clock
# offset gave Bob 29.00 dB, Eve naive MS-SSIM 0.075 to the private image (MIA 0.067) and
# 0.820 to the host; the ZMQ run (2 faces, 15 dB, CFO 0.7) gave Bob 28.09 dB, Eve 0.094.
# Session 13, the keyed default (inn_keyed_awgn10, trained with face hosts only): the same
# 50 images gave Bob 29.01-29.06 dB, Eve 0.046 to the private image and only 0.577 to the
# photo hosts (her picture of a photo carries a visible mosaic; see models/README.md).
# Session 14, the default of now (inn_keyed_snr on the SNR-adaptive codec, half of its
# training hosts photos; 2 runs): Bob 29.58-29.62 dB, Eve 0.031-0.032 to the private image
# (MIA 0.035-0.036), 0.649-0.651 to the photo hosts.
BOB_MIN_PSNR_DB = 27.0
EVE_MAX_MSSSIM_PRIVATE = 0.13
EVE_MIN_MSSSIM_HOST = 0.60
# The loopback's defaults (10 dB, no impairment) on the demo key, 2 images: Bob 27.18-27.39 dB
# (session 13's default: 26.56 dB).
DEMO_BOB_MIN_PSNR_DB = 26.0


def run(args, timeout, **kw):
    return subprocess.run([RUN] + args, capture_output=True, text=True, timeout=timeout, **kw)


def wait_for_line(proc, text, timeout):
    """Reads proc's output until a line containing `text`; returns what was read."""
    deadline, seen = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.5)
        if ready:
            line = proc.stdout.readline()
            if not line:
                break  # the process ended
            seen.append(line)
            if text in line:
                break
    return "".join(seen)


def loopback(out, count, extra=()):
    r = run(["semsteg-loopback", "-n", str(count), "-o", out, "--no-png", "-q",
             "--bob-snr", "15", "--eve-snr", "15", "--bob-cfo", "1.3", "--eve-cfo", "-0.9",
             "--bob-taps", "1,0,0,0.3j,0,-0.1", "--eve-taps", "1,0.2,0,0,-0.15j",
             "--timing", "1.00001"] + list(extra), timeout=1200)
    with open(os.path.join(out, "metrics.json")) as f:
        return r, json.load(f)


MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models")
KEYLESS_INN = os.path.join(MODELS, "inn_awgn10.safetensors")
PLAIN_CODEC = os.path.join(MODELS, "jscc_awgn10.safetensors")  # the codec KEYLESS_INN needs


class test_keyed(unittest.TestCase):
    """The shipped default INN is keyed: a key file round trip, the demo key when none is
    given, and bad key input."""

    def test_key_round_trip_and_the_key_is_written_nowhere(self):
        with tempfile.TemporaryDirectory() as d:
            key_path = os.path.join(d, "link.key")
            keygen = os.path.join(os.path.dirname(RUN), "semsteg-keygen")  # C++, in the build
            r = subprocess.run([keygen, key_path], capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(key_path) as f:
                key_hex = f.read().split()[1]
            out = os.path.join(d, "out")
            r, m = loopback(out, 6, ["--key-file", key_path])
            self.assertEqual(r.returncode, 0, r.stderr[-3000:])
            self.assertNotIn("demo key", r.stdout + r.stderr)
            rows = {row["receiver"]: row for row in m["receivers"]}
            # The nonce crossed the OFDM PHY: Bob unscrambles, Eve (no key) sees the host.
            self.assertEqual(rows["Bob"]["images"], 6)
            self.assertGreaterEqual(rows["Bob"]["psnr_db"], BOB_MIN_PSNR_DB)
            self.assertLessEqual(rows["Eve naive"]["ms_ssim"], EVE_MAX_MSSSIM_PRIVATE)
            # Neither the key's bytes nor its hex are in any output, log or report.
            key_bytes = bytes.fromhex(key_hex)
            self.assertNotIn(key_hex, r.stdout + r.stderr)
            for root, _, files in os.walk(out):
                for name in files:
                    with open(os.path.join(root, name), "rb") as f:
                        data = f.read()
                    self.assertNotIn(key_bytes, data, name)
                    self.assertNotIn(key_hex.encode(), data, name)
                    self.assertNotIn(key_hex.upper().encode(), data, name)
            # A keyless INN given a key, a missing key file: a clear error, nothing runs.
            r = run(["semsteg-loopback", "-n", "1", "--no-png", "-q", "-o", out,
                     "--codec", PLAIN_CODEC, "--inn", KEYLESS_INN, "--key-file", key_path],
                    timeout=120)
            self.assertEqual(r.returncode, 1)
            self.assertIn("keyless", r.stderr)
            self.assertNotIn("Traceback", r.stderr)
            r = run(["semsteg-loopback", "-n", "1", "--no-png", "-q", "-o", out,
                     "--key-file", os.path.join(d, "missing.key")], timeout=120)
            self.assertEqual(r.returncode, 1)
            self.assertIn("missing.key", r.stderr)

    def test_no_key_is_the_demo_key_said_aloud(self):
        with tempfile.TemporaryDirectory() as d:
            demo = os.path.join(d, "cfg", "demo.key")
            env = dict(os.environ, SEMSTEG_DEMO_KEY=demo)
            out = os.path.join(d, "out")
            r = run(["semsteg-loopback", "-n", "2", "-q", "-o", out], timeout=300, env=env)
            self.assertEqual(r.returncode, 0, r.stderr[-3000:])
            said = r.stdout + r.stderr  # GNU Radio's log goes to stdout
            self.assertIn("demo key", said)
            self.assertIn(demo, said)
            self.assertIn("semsteg-keygen", said)
            self.assertEqual(os.stat(demo).st_mode & 0o777, 0o600)
            with open(demo) as f:
                key_hex = f.read().split()[1]
            self.assertNotIn(key_hex, r.stdout + r.stderr)
            with open(os.path.join(out, "metrics.json")) as f:
                rows = {row["receiver"]: row for row in json.load(f)["receivers"]}
            self.assertEqual(rows["Bob"]["images"], 2)
            print("demo key, 2 images at 10 dB: Bob %.2f dB" % rows["Bob"]["psnr_db"])
            self.assertGreaterEqual(rows["Bob"]["psnr_db"], DEMO_BOB_MIN_PSNR_DB)
            # The next run uses the same demo key; a keyless INN runs with no key at all.
            r = run(["semsteg-loopback", "-n", "1", "-q", "--no-png", "-o", out], timeout=300,
                    env=env)
            self.assertEqual(r.returncode, 0, r.stderr[-3000:])
            with open(demo) as f:
                self.assertEqual(f.read().split()[1], key_hex)
            r = run(["semsteg-loopback", "-n", "1", "-q", "--no-png", "-o", out,
                     "--codec", PLAIN_CODEC, "--inn", KEYLESS_INN], timeout=300, env=env)
            self.assertEqual(r.returncode, 0, r.stderr[-3000:])
            self.assertNotIn("demo key", r.stdout + r.stderr)
            # That INN on the default codec (whose latents it never saw): refused, clearly.
            r = run(["semsteg-loopback", "-n", "1", "-q", "--no-png", "-o", out,
                     "--inn", KEYLESS_INN], timeout=300, env=env)
            self.assertEqual(r.returncode, 1)
            self.assertIn("another codec", r.stderr)
            self.assertIn("--codec", r.stderr)
            self.assertNotIn("Traceback", r.stderr)


class test_loopback(unittest.TestCase):

    def test_50_images_with_impairments(self):
        with tempfile.TemporaryDirectory() as d:
            r, m = loopback(d, 50)
            print(r.stdout)
            self.assertEqual(r.returncode, 0, r.stderr[-3000:])
            rows = {row["receiver"]: row for row in m["receivers"]}
            for name in ("Bob", "Eve naive", "Eve MIA"):
                self.assertEqual(rows[name]["images"], 50, name)
            self.assertGreaterEqual(rows["Bob"]["psnr_db"], BOB_MIN_PSNR_DB)
            self.assertLessEqual(rows["Eve naive"]["ms_ssim"], EVE_MAX_MSSSIM_PRIVATE)
            self.assertLessEqual(rows["Eve MIA"]["ms_ssim"], EVE_MAX_MSSSIM_PRIVATE)
            self.assertGreaterEqual(rows["Eve naive"]["ms_ssim_host"], EVE_MIN_MSSSIM_HOST)

    def test_channel_specification(self):
        # One channel text per receiver (semsteg.channel_config) in place of the separate
        # options; the report names each channel in that form; a bad one is refused.
        with tempfile.TemporaryDirectory() as d:
            bob = "awgn:14,cfo=0.8,taps=1;0;0;0.3j,clock=1.00001"
            r = run(["semsteg-loopback", "-n", "3", "-o", d, "--no-png", "-q",
                     "--bob-channel", bob, "--eve-channel", "awgn:20"], timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr[-3000:])
            with open(os.path.join(d, "metrics.json")) as f:
                m = json.load(f)
            self.assertEqual((m["bob_channel"], m["eve_channel"]), (bob, "awgn:20"))
            rows = {row["receiver"]: row for row in m["receivers"]}
            self.assertEqual(rows["Bob"]["images"], 3)
            self.assertGreaterEqual(rows["Bob"]["psnr_db"], BOB_MIN_PSNR_DB - 2)
            r = run(["semsteg-loopback", "-n", "1", "-o", d, "--bob-channel", "awgn:10,doppler=5"],
                    timeout=120)
            self.assertEqual(r.returncode, 2)
            self.assertIn("unknown setting 'doppler'", r.stderr)
            self.assertNotIn("Traceback", r.stderr)

    def test_no_measure_times_but_grades_nothing(self):
        # --no-measure (throughput runs): every image arrives and is timed; none is graded,
        # and the sinks put no quality measurement on the engine (7 networks per image).
        with tempfile.TemporaryDirectory() as d:
            r = run(["semsteg-loopback", "-n", "4", "-o", d, "--no-png", "-q",
                     "--no-measure"], timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr[-3000:])
            with open(os.path.join(d, "metrics.json")) as f:
                m = json.load(f)
            for row in m["receivers"]:
                self.assertEqual(row["images"], 4, row["receiver"])
                self.assertIsNone(row["psnr_db"], row["receiver"])
                self.assertIsNone(row["ms_ssim_host"], row["receiver"])
            self.assertGreater(m["bob_latency_median_s"], 0.0)
            self.assertEqual(m["inference"]["submitted"], 7 * 4)

    def test_load_1000_images(self):
        with tempfile.TemporaryDirectory() as d:
            r, m = loopback(d, 1000)
            print(r.stdout)
            self.assertEqual(r.returncode, 0, r.stderr[-3000:])
            for row in m["receivers"]:
                self.assertEqual(row["images"], 1000, row["receiver"])
            self.assertEqual(m["frames_lost_bob"], 0)
            self.assertEqual(m["frames_lost_eve"], 0)
            # Memory flat: what the process holds after 1,000 images vs after the first 100.
            print("load: %.1f images/s, peak RSS %.0f MiB, RSS growth after image 100: "
                  "%.1f MiB" % (m["images_per_s"], m["peak_rss_mib"], m["rss_growth_mib"]))
            self.assertLess(m["rss_growth_mib"], 30.0)


class test_lower_rate_payload(unittest.TestCase):
    """An INN that hides a lower-rate payload (the private image through a private codec of
    fewer latent channels) runs in the programs: Alice codes the private image with that
    codec, Bob decodes with it; the INN names it (found beside it or among the models) or
    --private-codec gives it; a wrong codec, or one found nowhere, is refused."""

    def test_loopback_with_a_private_codec(self):
        train = os.path.join(os.path.dirname(RUN), "semsteg-train")  # C++, in the build
        codec = os.path.join(MODELS, "jscc_snr.safetensors")  # the programs' default
        images = ";".join("/usr/share/palapeli/collection/%s.jpg" % name for name in (
            "castle-maintenon", "citrus-fruits", "cincinnati-bridge", "european-honey-bee",
            "panther-chameleon-female"))
        with tempfile.TemporaryDirectory() as d:
            folder = os.path.join(d, "images")
            os.mkdir(folder)
            for path in images.split(";"):
                os.symlink(path, os.path.join(folder, os.path.basename(path)))
            private_codec = os.path.join(d, "private_codec.st")
            inn = os.path.join(d, "inn.st")
            # Two training steps each: the plumbing, not the quality, is under test here.
            common = ["--images", folder, "--train-range", "0:4", "--val-range", "3:5",
                      "--val-count", "2", "--steps", "2", "--batch", "2", "--threads", "1",
                      "--channel", "awgn:5-20"]
            r = subprocess.run([train, "jscc", "-o", private_codec, "--bcr", "0.0208333333333",
                                "--snr-adaptive", "--init-codec", codec] + common,
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr[-3000:])
            r = subprocess.run([train, "inn", "-o", inn, "--keyed", "--codec", codec,
                                "--private-codec", private_codec, "--inn-width", "16",
                                "--inn-blocks", "2"] + common,
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr[-3000:])
            out = os.path.join(d, "out")
            # The INN names its private codec (beside it here): no --private-codec needed.
            r = run(["semsteg-loopback", "-n", "3", "-o", out, "-q", "--inn", inn],
                    timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr[-3000:])
            with open(os.path.join(out, "metrics.json")) as f:
                m = json.load(f)
            rows = {row["receiver"]: row for row in m["receivers"]}
            for name in ("Bob", "Eve naive"):  # Bob's 2-channel latent decoded, full size
                self.assertEqual(rows[name]["images"], 3, name)
            self.assertEqual(len([f for f in os.listdir(out) if f.startswith("bob")]), 3)
            self.assertEqual(m["inference"]["failed"], 0)
            # The public codec as the private one, a missing file, the INN's codec gone:
            # clear errors, nothing runs.
            moved = os.path.join(d, "elsewhere.st")
            for extra, said in ((["--private-codec", codec], "another private codec"),
                                (["--private-codec", os.path.join(d, "none.st")],
                                 "--private-codec"),
                                ([], "neither beside it nor found")):
                if not extra:
                    os.rename(private_codec, moved)
                r = run(["semsteg-loopback", "-n", "1", "-o", out, "-q", "--inn", inn] + extra,
                        timeout=120)
                self.assertEqual(r.returncode, 1, extra)
                self.assertIn(said, r.stderr)
                self.assertNotIn("Traceback", r.stderr)
            r = run(["semsteg-loopback", "-n", "1", "-o", out, "-q", "--no-png", "--inn", inn,
                     "--private-codec", moved], timeout=120)  # given wherever it lies
            self.assertEqual(r.returncode, 0, r.stderr[-3000:])
            # Renamed for shipping: semsteg-model-info records the new name (and checksum).
            info = os.path.join(os.path.dirname(RUN), "semsteg-model-info")
            r = subprocess.run([info, inn, "--record-private-codec", moved],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(json.loads(r.stdout)["info"]["private_codec"], "elsewhere.st")
            r = run(["semsteg-loopback", "-n", "1", "-o", out, "-q", "--no-png", "--inn", inn],
                    timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr[-3000:])


class test_covert_operating_point(unittest.TestCase):
    """The shipped covert operating point is chosen by its INN file alone, by bare name: the
    programs find it and the private codec it names among the models (installed, the same:
    tests/install/run.sh), and it keeps its measured quality through the GNU Radio blocks
    and the OFDM PHY."""

    # Session 23 (inn_covert_q48 at step 22,600; the loopback's defaults, 10 dB, 3 images,
    # the demo key, 3 runs): Bob 22.35-22.71 dB, Eve naive MS-SSIM 0.023-0.027 to the private
    # image and 0.921-0.922 to the photo hosts (the default INN: ~0.65).
    BOB_MIN_PSNR_DB = 22.35 - 1.0
    EVE_MAX_MSSSIM_PRIVATE = 0.027 + 0.05
    EVE_MIN_MSSSIM_HOST = 0.921 - 0.05

    def test_loopback_by_file_name(self):
        with tempfile.TemporaryDirectory() as out:
            r = run(["semsteg-loopback", "-n", "3", "-o", out, "-q", "--no-png",
                     "--inn", "inn_covert_q48.safetensors"], timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr[-3000:])
            with open(os.path.join(out, "metrics.json")) as f:
                m = json.load(f)
            rows = {row["receiver"]: row for row in m["receivers"]}
            self.assertEqual(rows["Bob"]["images"], 3)
            self.assertEqual(m["inference"]["failed"], 0)
            self.assertGreater(rows["Bob"]["psnr_db"], self.BOB_MIN_PSNR_DB)
            self.assertLess(rows["Eve naive"]["ms_ssim"], self.EVE_MAX_MSSSIM_PRIVATE)
            self.assertGreater(rows["Eve naive"]["ms_ssim_host"], self.EVE_MIN_MSSSIM_HOST)
        # A bare name that names no model: a clear error naming where it looked.
        r = run(["semsteg-loopback", "-n", "1", "-q", "--inn", "no_such_inn.safetensors"],
                timeout=120)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no_such_inn.safetensors", r.stderr)
        self.assertNotIn("Traceback", r.stderr)


class test_zmq_three_processes(unittest.TestCase):

    def test_alice_bob_eve_deliver_every_image(self):
        n, port = 6, ZMQ_PORT_THREE_PROCESSES
        addr_rx = "tcp://127.0.0.1:%d" % port
        faces = ";".join(["/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg",
                          "/usr/share/xmorph/example/AD/image1.png"])
        hosts = "/usr/share/palapeli/collection/castle-maintenon.jpg"
        rx_args = ["--radio", "zmq", "--zmq", addr_rx, "-n", str(n), "--timeout", "90",
                   "--sim-snr", "15", "--sim-cfo", "0.7", "-q",
                   "--reference-private", faces, "--reference-host", hosts]
        with tempfile.TemporaryDirectory() as d:
            procs = {
                "bob": subprocess.Popen([RUN, "semsteg-bob-rx", "-o", d + "/bob"] + rx_args,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True),
                "eve": subprocess.Popen([RUN, "semsteg-eve-rx", "-o", d + "/eve", "--seed",
                                         "7"] + rx_args, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True),
            }
            # The receivers subscribe first: wait until both say they are listening.
            early = {k: wait_for_line(p, "listening", 120) for k, p in procs.items()}
            alice = run(["semsteg-alice-tx", "--radio", "zmq", "--zmq", addr_rx, "-n", str(n),
                         "--interval", "0.3", "--private", faces, "--host", hosts],
                        timeout=120)
            outs = {k: early[k] + p.communicate(timeout=120)[0] for k, p in procs.items()}
            print(alice.stdout, alice.stderr[-2000:])
            for k, out in outs.items():
                print(k, out[-1500:])
            self.assertEqual(alice.returncode, 0)
            for k, p in procs.items():
                self.assertEqual(p.returncode, 0, k)
            with open(d + "/bob/metrics.json") as f:
                bob = json.load(f)["receivers"][0]
            with open(d + "/eve/metrics.json") as f:
                eve = json.load(f)["receivers"]
            self.assertEqual(bob["images"], n)
            self.assertEqual([r["images"] for r in eve], [n, n])
            self.assertGreaterEqual(bob["psnr_db"], BOB_MIN_PSNR_DB)
            self.assertLessEqual(eve[0]["ms_ssim"], EVE_MAX_MSSSIM_PRIVATE)


class test_zmq_faults(unittest.TestCase):
    """Faults in the three-process rehearsal: Bob's process killed (SIGKILL) mid-run and
    started again, a receiver started before Alice, Alice restarted. Frames are accounted
    for by sequence number (ofdm_frame_rx.h): over one transmitter run a receiver's
    last_seq - first_seq + 1 = delivered + lost, and a restarted transmitter is counted
    as a restart, never as loss."""

    FACES = ";".join(["/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg",
                      "/usr/share/xmorph/example/AD/image1.png"])
    HOSTS = "/usr/share/palapeli/collection/castle-maintenon.jpg"

    def setUp(self):
        self.addr = "tcp://127.0.0.1:%d" % ZMQ_PORT_FAULTS
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.procs = []
        self.addCleanup(self.kill_all)

    def kill_all(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.communicate()

    def receiver(self, who, name, count, refs, quiet=True):
        args = [RUN, "semsteg-%s-rx" % who, "-o", os.path.join(self.dir.name, name),
                "--radio", "zmq", "--zmq", self.addr, "-n", str(count), "--timeout", "240",
                "--sim-snr", "15", "--sim-cfo", "0.7", "--reference-private", self.FACES,
                "--reference-host", self.HOSTS, "--reference-count", str(refs)]
        args += ["-q"] if quiet else []
        args += ["--seed", "7"] if who == "eve" else []
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.procs.append(p)
        return p

    def alice(self, count, interval):
        p = subprocess.Popen([RUN, "semsteg-alice-tx", "--radio", "zmq", "--zmq", self.addr,
                              "-n", str(count), "--interval", str(interval), "--private",
                              self.FACES, "--host", self.HOSTS], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        self.procs.append(p)
        return p

    @staticmethod
    def frames_sent(alice_out):
        for line in alice_out.splitlines():
            if line.startswith("alice: ") and line.endswith(" frames sent"):
                return int(line.split()[1])
        raise AssertionError("alice printed no frame count:\n" + alice_out[-2000:])

    def metrics(self, name):
        with open(os.path.join(self.dir.name, name, "metrics.json")) as f:
            return json.load(f)

    def assert_accounted(self, m, name):
        self.assertGreaterEqual(m["first_seq"], 0, name)
        self.assertEqual(m["last_seq"] - m["first_seq"] + 1,
                         m["frames_delivered"] + m["frames_lost"], name)

    def test_bob_killed_and_restarted(self):
        n = 16
        bob1 = self.receiver("bob", "bob1", 0, n, quiet=False)
        eve = self.receiver("eve", "eve", n, n)
        self.assertIn("listening", wait_for_line(bob1, "listening", 120))
        self.assertIn("listening", wait_for_line(eve, "listening", 120))
        alice = self.alice(n, 0.8)
        seen = wait_for_line(bob1, "bob image ", 120)
        if "bob image " not in seen:  # say why (seen once in CI: Bob printed nothing)
            for p in (bob1, eve, alice):
                p.kill()
            self.fail("Bob saw no image in 120 s; bob1: %r\nalice (rc %s): %s\neve: %s"
                      % (seen + bob1.communicate()[0][-1500:], alice.wait(),
                         alice.communicate()[0][-3000:], eve.communicate()[0][-1500:]))
        bob1.kill()  # a crash: no clean-up, no report
        bob1.communicate()
        bob2 = self.receiver("bob", "bob2", 0, n)
        self.assertIn("listening", wait_for_line(bob2, "listening", 120))
        alice_out = alice.communicate(timeout=180)[0]
        eve_out = eve.communicate(timeout=120)[0]
        time.sleep(3)  # the last burst reaches Bob
        bob2.send_signal(signal.SIGINT)  # Ctrl-C: Bob stops and reports
        bob2_out = bob2.communicate(timeout=60)[0]
        print(alice_out[-1000:], "\neve:", eve_out[-1500:], "\nbob2:", bob2_out[-1500:])
        self.assertEqual(alice.returncode, 0)
        self.assertEqual(eve.returncode, 0)
        self.assertEqual(bob2.returncode, 0)
        sent = self.frames_sent(alice_out)
        # Eve, up from the start: every frame of Alice's run, none lost.
        e = self.metrics("eve")
        self.assert_accounted(e, "eve")
        self.assertEqual((e["first_seq"], e["last_seq"]), (0, sent - 1))
        self.assertEqual(e["frames_lost"], 0)
        self.assertEqual([r["images"] for r in e["receivers"]], [n, n])
        # Bob, restarted: resumes with the next frames and stays with Alice to her last.
        b = self.metrics("bob2")
        self.assert_accounted(b, "bob2")
        self.assertGreater(b["first_seq"], 2)  # Bob 1 had an image (seq >= 2) before
        self.assertEqual(b["last_seq"], sent - 1)
        self.assertEqual(b["transmitter_restarts"], 0)
        self.assertGreaterEqual(b["receivers"][0]["images"], 1)
        self.assertGreaterEqual(b["receivers"][0]["psnr_db"], BOB_MIN_PSNR_DB)

    def test_receiver_first_and_alice_restarted(self):
        n = 4  # each face twice per run: the mix BOB_MIN_PSNR_DB was measured on
        bob = self.receiver("bob", "bob", 2 * n, n)
        self.assertIn("listening", wait_for_line(bob, "listening", 120))
        sent = []
        for _ in range(2):
            alice = self.alice(n, 0.4)
            out = alice.communicate(timeout=180)[0]
            self.assertEqual(alice.returncode, 0, out[-2000:])
            sent.append(self.frames_sent(out))
        bob_out = bob.communicate(timeout=120)[0]
        print(bob_out[-1500:])
        self.assertEqual(bob.returncode, 0)
        b = self.metrics("bob")
        self.assertEqual(b["receivers"][0]["images"], 2 * n)
        self.assertGreaterEqual(b["receivers"][0]["psnr_db"], BOB_MIN_PSNR_DB)
        self.assertEqual(b["transmitter_restarts"], 1)
        self.assertEqual(b["frames_lost"], 0)
        self.assertEqual(b["frames_delivered"], sum(sent))
        self.assertEqual((b["first_seq"], b["last_seq"]), (0, sent[1] - 1))


class test_over_the_air_without_usrp(unittest.TestCase):

    def test_clear_message_not_a_trace(self):
        # A device address that matches nothing: UHD finds no device quickly.
        for app in ("semsteg-alice-tx", "semsteg-bob-rx", "semsteg-eve-rx"):
            r = run([app, "--radio", "uhd", "--args", "type=b200,serial=NO_SUCH_DEVICE"],
                    timeout=120)
            self.assertNotEqual(r.returncode, 0, app)
            self.assertIn("no USRP device found", r.stderr, app)
            self.assertNotIn("Traceback", r.stderr + r.stdout, app)


if __name__ == "__main__":
    RUN = sys.argv.pop(1)
    unittest.main(verbosity=2)
