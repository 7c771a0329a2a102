#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The GNU Radio loopback's throughput against the networks' batched capacity, in one run
(issue: one inference engine per process). For threads 1, 2, ..., nproc, with one worker
and with the automatic workers (one per thread):
  - capacity: bench_inference THREADS BATCH IMAGES WORKERS (the same seven networks, one
    instance per block, batched, two chunks in flight, no GNU Radio), and the same with the
    loopback's own measurements added (the image sinks' PSNR / MS-SSIM pairs per image,
    which run on the engine too, at bench_inference's batched rate);
  - loopback: semsteg-loopback -n IMAGES --no-png -q --threads THREADS --workers WORKERS (as
    fast as the receivers take images, WINDOW in flight), images/s from its metrics.json,
    graded (the sinks measure PSNR / MS-SSIM, as the loopback does by default) and with
    --no-measure (the receivers do a real Bob's and Eve's work only: what the networks'
    capacity is the limit of);
then real-time runs at nproc threads (automatic workers), 1,000 images each, with Bob's
latency (median, p99) and the images lost: graded, an image every 1 / (0.8 x capacity with
the measurements) seconds; ungraded, every 1 / (0.8 x the networks' capacity) seconds.

    python3 bench/loopback_throughput.py BUILD_DIR [--images 1000] [--batch 16] [--window 64]

BUILD_DIR: a build tree (its apps/run-in-build launches semsteg-loopback; its
bench/bench_inference measures the capacity). Prints a Markdown table.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile


def capacity(build, threads, batch, images, workers):
    out = subprocess.run([os.path.join(build, "bench", "bench_inference"), str(threads),
                          str(batch), str(images), str(workers)], check=True,
                         capture_output=True, text=True).stdout
    m = re.search(r"([0-9.]+) images/s", out)
    q = re.search(r"([0-9.]+) pairs/s", out)
    if not m or not q:
        raise SystemExit("bench_inference said: %s" % out)
    return float(m.group(1)), float(q.group(1))


def loopback(build, threads, batch, images, window, workers, interval=0.0, measure=True):
    with tempfile.TemporaryDirectory() as out:
        cmd = [os.path.join(build, "apps", "run-in-build"), "semsteg-loopback", "-n",
               str(images), "--no-png", "-q", "--threads", str(threads), "--workers",
               str(workers), "--max-batch", str(batch), "--window", str(window), "-o", out]
        if interval > 0:
            cmd += ["--interval", "%.6f" % interval]
        if not measure:
            cmd.append("--no-measure")
        subprocess.run(cmd, check=True, capture_output=True, text=True)
        with open(os.path.join(out, "metrics.json")) as f:
            return json.load(f)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("build")
    p.add_argument("--images", type=int, default=1000,
                   help="images per throughput run (fewer: the pipeline's fill and drain, ~0.3 s, "
                   "weigh more)")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--window", type=int, default=64)
    p.add_argument("--realtime-images", type=int, default=1000)
    p.add_argument("--max-threads", type=int, default=os.cpu_count())
    args = p.parse_args()

    rows, caps = [], {}
    for t in range(1, args.max_threads + 1):
        for w in ((1,) if t == 1 else (1, 0)):  # 0: automatic (one worker per thread)
            nets, pairs_per_s = capacity(args.build, t, args.batch, args.images, w)
            m = loopback(args.build, t, args.batch, args.images, args.window, w)
            bare = loopback(args.build, t, args.batch, args.images, args.window, w,
                            measure=False)
            # The sinks' measurements per image, from the engine's own count of requests.
            pairs = m["inference"]["submitted"] / float(m["images_sent"]) - 7
            with_metrics = 1.0 / (1.0 / nets + pairs / pairs_per_s)
            caps[t] = (with_metrics, nets)
            workers = m["inference"]["most_concurrent"]
            rows.append((t, w, workers, nets, pairs, with_metrics, m["images_per_s"],
                         bare["images_per_s"], m["inference"]["largest_batch"]))
            print("threads %d workers %s (%d at once): capacity %.1f (%.1f with %.1f "
                  "measurements per image), loopback %.1f images/s (%.1f ungraded)"
                  % (t, w or "auto", workers, nets, with_metrics, pairs, m["images_per_s"],
                     bare["images_per_s"]), file=sys.stderr)
    print("| torch threads | workers (most at once) | networks' batched capacity | + the "
          "sinks' measurements | loopback, graded | graded / networks + measurements | "
          "loopback, --no-measure | --no-measure / networks | largest batch |")
    print("|---|---|---|---|---|---|---|---|---|")
    for t, w, workers, nets, pairs, with_metrics, loop, bare, b in rows:
        print("| %d | %s (%d) | %.1f | %.1f (%.1f pairs/image) | %.1f | %.2f | %.1f | %.2f | %d |"
              % (t, w or "auto", workers, nets, with_metrics, pairs, loop, loop / with_metrics,
                 bare, bare / nets, b))
    print("\n(images/s)")
    one = rows[0][6]
    for r in rows[1:]:
        print("\nloopback, threads %d workers %s / threads 1: %.2fx"
              % (r[0], r[1] or "auto", r[6] / one))

    t = args.max_threads
    for measure, cap, what in ((True, caps[t][0], "graded, 0.8 x capacity with the "
                                "measurements"),
                               (False, caps[t][1], "--no-measure, 0.8 x the networks' "
                                "capacity")):
        rate = 0.8 * cap
        m = loopback(args.build, t, args.batch, args.realtime_images, args.window, 0,
                     1.0 / rate, measure=measure)
        lost = m["images_sent"] - min(r["images"] for r in m["receivers"])
        print("\nreal time at %d threads (automatic workers), %s: an image every %.1f ms "
              "(%.1f images/s), %d sent: %d not received; Bob's latency median %.3f s, p99 "
              "%.3f s (p99 / median %.2f)"
              % (t, what, 1000.0 / rate, rate, m["images_sent"], lost,
                 m["bob_latency_median_s"], m["bob_latency_p99_s"],
                 m["bob_latency_p99_s"] / max(m["bob_latency_median_s"], 1e-9)))


if __name__ == "__main__":
    main()
