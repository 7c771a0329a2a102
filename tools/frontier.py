#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The covertness frontier: detection against Bob's quality and Eve's view of the host, one
point per operating point (an INN with its codec, and the payload it hides: the whole
private latent, or a reduced one), from semsteg-eval results.

    python3 tools/frontier.py --out DIR [--with-csv FRONTIER_CSV] LABEL=EVAL_DIR ...

Each EVAL_DIR is a semsteg-eval output folder (its results.json). For every Eve SNR the
evaluation has, one row per operating point: Bob's PSNR and its gap to the unprotected
baseline of the same codec, Eve's naive picture of the host (MS-SSIM, PSNR) beside plain
DeepJSCC of the same hosts at Eve's SNR (the "DeepJSCC (host)" row, E9's reference),
Eve's best MS-SSIM to the private image above the floor (every attack row), and detection:
the statistical steganalyst's (E10) accuracy and ROC AUC (and the calibrated one's, on the
statistics of y - E(D(y)) too, where the evaluation has it), and a trained detector's
accuracy and ROC AUC when the evaluation had one (the plot takes the strongest of them).
`--with-csv` keeps the points of an earlier frontier.csv written by this tool (a point
measured before, whose evaluation folder is gone), read as they are, beside the new ones.
Writes DIR/frontier.md, DIR/frontier.csv and DIR/frontier.gp, and runs gnuplot on it (DIR/frontier.png) when gnuplot is installed.
Nothing is measured here: every number is read from the evaluations, so the frontier is
only as fresh as they are (a detector the INN trained against must not be among them).
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys


# The CSV's columns, in order: one point per operating point and Eve SNR (points()).
COLUMNS = ["label", "inn", "keyed", "codec", "private_codec", "payload", "bob_snr_db",
           "eve_snr_db", "pairs", "bob_psnr", "baseline_psnr", "eve_host_msssim",
           "eve_host_psnr", "plain_host_psnr", "worst_leakage", "steganalyst_accuracy",
           "steganalyst_auc", "detector_accuracy", "detector_auc", "detection",
           "detector_refit_accuracy", "calibrated_accuracy", "calibrated_auc"]
# Columns a CSV of an earlier version of this tool may lack (read as not measured).
LATER_COLUMNS = ["detector_refit_accuracy", "calibrated_accuracy", "calibrated_auc"]


def mean(cell):
    return None if cell is None else cell["mean"]


def load(path):
    f = os.path.join(path, "results.json") if os.path.isdir(path) else path
    with open(f) as fh:
        return json.load(fh)


def points(label, result):
    """One dict per Eve SNR table of one evaluation."""
    settings = result["settings"]
    out = []
    for table in result["tables"]:
        rows = {r["key"]: r for r in table["rows"]}
        for needed in ("deepjscc_private", "secure_private", "secure_host"):
            if needed not in rows:
                raise SystemExit("%s: results.json has no '%s' row (not a semsteg-eval "
                                 "result of the secure system?)" % (label, needed))
        base, sec, host = rows["deepjscc_private"], rows["secure_private"], rows["secure_host"]
        # Every attack's leakage (naive, MIA, E4-E7 rows), the unprotected baseline aside.
        leak = [cell["mean"] for r in table["rows"]
                if r["compared_to"] == "private" and r["key"] != "deepjscc_private"
                for cell in (r.get("leakage_ms_ssim_above_floor") or {}).values()
                if cell is not None]
        stat = table.get("statistical_steganalyst") or {}
        calibrated = table.get("calibrated_steganalyst") or {}
        det = table.get("detector") or {}  # a trained detector (--detector), when given
        # ... at its threshold refitted at this Eve SNR on the steganalysis fit pairs
        refit = det.get("refitted_threshold") or {}
        out.append({
            "label": label,
            "inn": os.path.basename(settings["inn"]),
            "keyed": bool(settings.get("inn_config", {}).get("keyed")),
            "codec": os.path.basename(settings["codec"]),
            "private_codec": os.path.basename(settings.get("private_codec") or ""),
            "payload": payload(settings),
            "bob_snr_db": table["bob_snr_db"],
            "eve_snr_db": table["eve_snr_db"],
            "pairs": result["data"]["pairs"],
            "bob_psnr": mean(sec["bob"]["psnr"]),
            "baseline_psnr": mean(base["bob"]["psnr"]),
            "eve_host_msssim": mean(host["eve_naive"]["ms_ssim"]),
            "eve_host_psnr": mean(host["eve_naive"]["psnr"]),
            "plain_host_psnr": mean(rows["deepjscc_host"]["eve_naive"]["psnr"])
            if "deepjscc_host" in rows else None,
            "worst_leakage": max(leak) if leak else None,
            "steganalyst_accuracy": stat.get("accuracy"),
            "steganalyst_auc": stat.get("roc_auc"),
            "detector_accuracy": mean(det.get("accuracy")),
            "detector_auc": det.get("roc_auc"),
            "detector_refit_accuracy": mean(refit.get("accuracy")),
            "calibrated_accuracy": calibrated.get("accuracy"),
            "calibrated_auc": calibrated.get("roc_auc"),
            # What Eve achieves: the strongest of her detectors (the plot's x axis).
            "detection": max([v for v in (stat.get("accuracy"), mean(det.get("accuracy")),
                                          mean(refit.get("accuracy")),
                                          calibrated.get("accuracy"))
                              if v is not None], default=None),
        })
    return out


def payload(settings):
    """What the INN hides, in channels of the host's grid (the container's), from its
    config: "full", or e.g. "2 of 8 ch" (a lower-rate private codec's latent), "1 of 8 ch
    (1/2-size image, 4 ch folded)" (a downscaled private image's latent, its smaller grid
    folded into fewer channels of the host's: inn.h, secret_channels())."""
    cfg = settings.get("inn_config") or {}
    channels = cfg.get("channels", 8)
    hidden = cfg.get("payload_channels") or channels
    scale = cfg.get("private_downscale", 1)
    if hidden == channels and scale == 1:
        return "full"
    if scale == 1:
        return "%d of %d ch" % (hidden, channels)
    return "%d of %d ch (1/%d-size image, %d ch folded)" % (
        hidden // (scale * scale), channels, scale, hidden)


def earlier_points(path):
    """The rows of a frontier.csv written by this tool, with its numbers as numbers."""
    fields = COLUMNS
    text = ("label", "inn", "codec", "private_codec", "payload")
    try:
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            have = reader.fieldnames or []
            lacking = [k for k in fields if k not in have]
            if [k for k in have if k not in fields] or \
                    [k for k in lacking if k not in LATER_COLUMNS]:
                raise ValueError("its columns are not those of frontier.py's CSV")
            rows = []
            for r in reader:
                row = {}
                for k in fields:
                    v = r.get(k, "")
                    if k in text:
                        row[k] = v
                    elif k == "keyed":
                        row[k] = v == "True"
                    elif k == "pairs":
                        row[k] = int(v)
                    else:
                        row[k] = None if v == "" else float(v)
                rows.append(row)
    except (OSError, ValueError, KeyError) as e:
        raise SystemExit("error: %s: cannot read an earlier frontier.csv (%s)" % (path, e))
    if not rows:
        raise SystemExit("error: %s: no points" % path)
    return rows


def fmt(v, f="%.2f"):
    return "–" if v is None else f % v


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True, help="output folder (created)")
    p.add_argument("--with-csv", metavar="FRONTIER_CSV",
                   help="earlier points, from a frontier.csv this tool wrote")
    p.add_argument("points", nargs="+", metavar="LABEL=EVAL_DIR")
    args = p.parse_args()
    rows = earlier_points(args.with_csv) if args.with_csv else []
    sources = [args.with_csv] if args.with_csv else []
    for spec in args.points:
        label, sep, path = spec.partition("=")
        if not sep or not label or not path:
            raise SystemExit("error: '%s' is not LABEL=EVAL_DIR" % spec)
        try:
            rows += points(label, load(path))
        except (OSError, ValueError, KeyError) as e:
            raise SystemExit("error: %s: cannot read a semsteg-eval result (%s)" % (path, e))
        sources.append(path)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "frontier.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    lines = ["| operating point | INN (codec) | payload | Eve SNR | Bob PSNR (gap to baseline) | Eve → "
             "host MS-SSIM | Eve → host PSNR (plain DeepJSCC of the host) | worst leakage "
             "above floor | steganalyst accuracy / AUC (calibrated) | trained detector accuracy / AUC "
             "(accuracy at a threshold refitted at Eve's SNR) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in sorted(rows, key=lambda r: (r["eve_snr_db"], r["label"])):
        lines.append("| %s | %s%s (%s%s) | %s | %g dB | %s (%s) | %s | %s (%s) | %s | %s / %s%s "
                     "| %s / %s |" % (
            r["label"], r["inn"], ", keyed" if r["keyed"] else "", r["codec"],
            "; private: " + r["private_codec"] if r["private_codec"] else "", r["payload"],
            r["eve_snr_db"],
            fmt(r["bob_psnr"]), fmt(None if r["bob_psnr"] is None else
                                   r["bob_psnr"] - r["baseline_psnr"], "%+.2f"),
            fmt(r["eve_host_msssim"], "%.3f"), fmt(r["eve_host_psnr"]),
            fmt(r["plain_host_psnr"]), fmt(r["worst_leakage"], "%+.3f"),
            fmt(r["steganalyst_accuracy"], "%.3f"), fmt(r["steganalyst_auc"], "%.3f"),
            "" if r.get("calibrated_accuracy") is None else " (calibrated %.3f / %s)"
            % (r["calibrated_accuracy"], fmt(r.get("calibrated_auc"), "%.3f")),
            fmt(r["detector_accuracy"], "%.3f"), fmt(r["detector_auc"], "%.3f")
            + ("" if r.get("detector_refit_accuracy") is None
               else " (%.3f)" % r["detector_refit_accuracy"])))
    pairs = sorted(set(r["pairs"] for r in rows))
    lines.append("")
    lines.append("(Bob at %s dB; %s pairs per evaluation; written by tools/frontier.py from "
                 "%s.)" % ("/".join("%g" % s for s in sorted(set(r["bob_snr_db"] for r in rows))),
                           "/".join(str(n) for n in pairs),
                           ", ".join(sources)))
    lines.append("")
    numbers = point_numbers(rows)
    lines.append("Numbers on the plot (`frontier.png`): %s." % "; ".join(
        "%d = %s" % (n, label) for label, n in numbers.items()))
    with open(os.path.join(args.out, "frontier.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    write_plot(args.out, rows, numbers)


def point_numbers(rows):
    """Each operating point's number in the plot: 1, 2, ... in the order the points first
    appear (earlier points first), so adding a point never renumbers the others."""
    numbers = {}
    for r in rows:
        numbers.setdefault(r["label"], len(numbers) + 1)
    return numbers


def write_plot(out, rows, numbers):
    # The points are numbered on the plot and named in a list under it: labels written
    # beside the points overprint each other where points crowd (most sit near accuracy 1).
    # The data are inline, so the script stands alone and the folder can move.
    png = "frontier.png"
    snrs = sorted(set(r["eve_snr_db"] for r in rows))
    names = ["%d: %s" % (n, label) for label, n in numbers.items()]
    # Filled by width, not by count: long names would run off the 1200-px image.
    max_chars = 165
    legend = []
    for name in names:
        if legend and len(legend[-1]) + 2 + len(name) <= max_chars:
            legend[-1] += ", " + name
        else:
            legend.append(name)
    height = 520 + 16 * len(legend)
    bottom = (60.0 + 16 * len(legend)) / height

    def quoted(text):
        return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')

    gp = ["# Written by tools/frontier.py; run: gnuplot frontier.gp",
          "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {",
          "    set terminal pngcairo size 1200,%d enhanced font 'sans,10'" % height,
          "} else {", "    set terminal png size 1200,%d" % height, "}",
          "set output '%s'" % png,
          "# Eve SNR (dB), detection accuracy, Bob minus the baseline (dB), Eve's host picture",
          "# minus plain DeepJSCC (dB), the point's number",
          "$points << EOD"]
    for r in rows:
        needed = ("detection", "bob_psnr", "baseline_psnr", "eve_host_psnr", "plain_host_psnr")
        if any(r[k] is None for k in needed):
            continue
        gp.append("%g %.4f %.3f %.3f %d" % (
            r["eve_snr_db"], r["detection"], r["bob_psnr"] - r["baseline_psnr"],
            r["eve_host_psnr"] - r["plain_host_psnr"], numbers[r["label"]]))
    gp += ["EOD", "set grid",
           "set multiplot layout 1,2 title 'Detection against what the hiding costs "
           "(the strongest of the statistical steganalysts and a trained detector)' "
           "margins 0.06,0.98,%.3f,0.92 spacing 0.08" % bottom]
    for i, line in enumerate(legend):
        gp.append("set label %d %s at screen 0.06,%.4f font ',9' noenhanced"
                  % (i + 1, quoted(line), (16.0 * (len(legend) - i) - 4) / height))
    gp += ["set xlabel 'detection accuracy at Eve (0.5: blind)'", "set xrange [0.45:1.02]",
           "set key bottom left",
           "set ylabel 'Bob PSNR minus the unprotected baseline (dB)'"]

    def plot(y):
        parts = []
        for i, s in enumerate(snrs):
            # Numbers left of their points, above for the first SNR and below for the
            # others, so one point's two SNRs do not overprint each other.
            parts.append("$points using ($1==%g ? $2 : 1/0):%d:(sprintf('%%d', $5)) with "
                         "labels right point pt 7 lc %d textcolor lt %d offset -0.6,%g "
                         "title 'Eve %g dB'" % (s, y, i + 1, i + 1, 0.6 if i == 0 else -0.6, s))
        return "plot " + ", ".join(parts)

    gp.append(plot(3))
    gp.append("unset label")
    gp.append("set ylabel \"Eve's picture of the host minus plain DeepJSCC (PSNR, dB)\"")
    gp.append(plot(4))
    gp.append("unset multiplot")
    path = os.path.join(out, "frontier.gp")
    with open(path, "w") as f:
        f.write("\n".join(gp) + "\n")
    if shutil.which("gnuplot"):
        r = subprocess.run(["gnuplot", "frontier.gp"], cwd=out, capture_output=True, text=True)
        if r.returncode != 0:
            print("gnuplot failed: %s" % r.stderr.strip(), file=sys.stderr)
        else:
            print("plot: %s" % os.path.join(out, png))


if __name__ == "__main__":
    main()
