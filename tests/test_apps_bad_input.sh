#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# semsteg-train and semsteg-eval given bad input: a clear message, a non-zero exit, nothing
# overwritten. Usage: test_apps_bad_input.sh PATH/TO/semsteg-train PATH/TO/semsteg-eval
set -u
train=$1
eval_app=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
photos=/usr/share/palapeli/collection
faces=/usr/share/xmorph/example

expect_failure() { # NAME EXPECTED_TEXT ARGS... (runs semsteg-train)
  run_expect_failure "$train" "$@"
}

run_expect_failure() { # PROGRAM NAME EXPECTED_TEXT ARGS...
  local program=$1 name=$2 text=$3
  shift 3
  local out rc
  out=$("$program" "$@" 2>&1)
  rc=$?
  if [[ $rc -eq 0 ]]; then
    echo "FAIL $name: exit 0"; failures=$((failures + 1)); return
  fi
  if [[ $out != *"$text"* ]]; then
    echo "FAIL $name: message lacks '$text': $out"; failures=$((failures + 1)); return
  fi
  if [[ $out == *"terminate called"* || $out == *"Segmentation"* || $rc -ge 128 ]]; then
    echo "FAIL $name: crashed (rc $rc): $out"; failures=$((failures + 1)); return
  fi
  echo "ok   $name (rc $rc): $(echo "$out" | tail -n 1)"
}

small=(--side 32 --batch 4 --steps 2 --steps-per-epoch 2 --val-count 4 --codec-width 32 --threads 1)

# A real codec to misuse later.
"$train" jscc --images "$photos" --val-images "$faces" --val-range : -o "$tmp/codec.st" "${small[@]}" >/dev/null 2>&1 \
  || { echo "FAIL setup: could not train a tiny codec"; exit 1; }

mkdir -p "$tmp/empty" "$tmp/junk"
echo "not an image" >"$tmp/junk/a.jpg"
echo "also not" >"$tmp/junk/b.png"

expect_failure missing-codec "cannot open" inn --images "$photos" --val-images "$faces" --val-range : \
  --codec "$tmp/nope.st" -o "$tmp/inn.st" "${small[@]}"
expect_failure wrong-kind "expected 'inn'" eve-detector --images "$photos" --val-images "$faces" \
  --val-range : --codec "$tmp/codec.st" --inn "$tmp/codec.st" -o "$tmp/det.st" "${small[@]}"
expect_failure no-codec "--codec" eve-mia --images "$photos" --val-images "$faces" --val-range : \
  -o "$tmp/mia.st" "${small[@]}"
expect_failure empty-folder "no .jpg/.jpeg/.png images" jscc --images "$tmp/empty" --val-range : \
  -o "$tmp/x.st" "${small[@]}"
expect_failure missing-folder "is not a folder" jscc --images "$tmp/none" --val-range : \
  -o "$tmp/x.st" "${small[@]}"
expect_failure unreadable-images "could be read" jscc --images "$tmp/junk" --val-range : \
  -o "$tmp/x.st" "${small[@]}"
expect_failure bad-channel "expected none, awgn:SNR" jscc --images "$photos" --val-images "$faces" --val-range : \
  --channel awgn:loud -o "$tmp/x.st" "${small[@]}"
expect_failure bad-evasion "--evasion: weakest not in {strongest,mean}" inn --images "$photos" \
  --val-images "$faces" --val-range : --codec "$tmp/codec.st" --adversaries 2 \
  --lambda-adversarial 1 --evasion weakest -o "$tmp/x.st" "${small[@]}"

# A codec file given as the output of another stage must not be overwritten.
before=$(sha256sum "$tmp/codec.st")
expect_failure wrong-kind-out "expected 'inn'" inn --images "$photos" --val-images "$faces" \
  --val-range : --codec "$tmp/codec.st" -o "$tmp/codec.st" "${small[@]}"
[[ $(sha256sum "$tmp/codec.st") == "$before" ]] || { echo "FAIL codec.st was overwritten"; failures=$((failures + 1)); }

[[ -e "$tmp/x.st" ]] && { echo "FAIL a failed run wrote a model"; failures=$((failures + 1)); }

# semsteg-eval: models and data are checked before anything is written.
"$train" inn --images "$photos" --val-images "$faces" --val-range : --codec "$tmp/codec.st" \
  -o "$tmp/inn.st" "${small[@]}" >/dev/null 2>&1 || { echo "FAIL setup: tiny INN"; exit 1; }
mkdir -p "$tmp/out"
echo keep >"$tmp/out/results.md"
ev=(--private "$faces" --pairs 4 --side 32 --threads 1 --out "$tmp/out")
run_expect_failure "$eval_app" eval-missing-codec "no such file" --codec "$tmp/nope.st" --inn "$tmp/inn.st" "${ev[@]}"
run_expect_failure "$eval_app" eval-inn-as-codec "expected 'jscc'" --codec "$tmp/inn.st" --inn "$tmp/inn.st" "${ev[@]}"
run_expect_failure "$eval_app" eval-codec-as-mia "expected 'eve-mia'" --codec "$tmp/codec.st" --inn "$tmp/inn.st" \
  --mia "$tmp/codec.st" "${ev[@]}"
run_expect_failure "$eval_app" eval-codec-as-eve-inn "expected 'inn'" --codec "$tmp/codec.st" --inn "$tmp/inn.st" \
  --eve-inn "$tmp/codec.st" "${ev[@]}"
run_expect_failure "$eval_app" eval-missing-eve-inn "no such file" --codec "$tmp/codec.st" --inn "$tmp/inn.st" \
  --eve-inn "$tmp/nope.st" "${ev[@]}"
run_expect_failure "$eval_app" eval-key-sweep-keyless "needs a keyed INN" --codec "$tmp/codec.st" --inn "$tmp/inn.st" \
  --key-sweep 3 "${ev[@]}"
run_expect_failure "$eval_app" eval-empty-folder "no .jpg/.jpeg/.png images" --codec "$tmp/codec.st" --inn "$tmp/inn.st" \
  --private "$tmp/empty" --pairs 4 --side 32 --out "$tmp/out"
run_expect_failure "$eval_app" eval-unreadable "could be read" --codec "$tmp/codec.st" --inn "$tmp/inn.st" \
  --private "$tmp/junk" --pairs 4 --side 32 --out "$tmp/out"
run_expect_failure "$eval_app" eval-too-many-pixels "above the limit" --codec "$tmp/codec.st" --inn "$tmp/inn.st" \
  "${ev[@]}" --max-megapixels 0.001
[[ $(cat "$tmp/out/results.md") == keep ]] || { echo "FAIL eval overwrote results.md"; failures=$((failures + 1)); }
# And a good run does write its outputs.
if "$eval_app" --codec "$tmp/codec.st" --inn "$tmp/inn.st" "${ev[@]}" --eve-snr 10 >/dev/null 2>&1 \
   && [[ -s "$tmp/out/results.csv" && -s "$tmp/out/grid.png" ]]; then
  echo "ok   eval-good-run"
else
  echo "FAIL eval-good-run"; failures=$((failures + 1))
fi
# A corrupted INN file is refused by its checksum; a well-formed one whose weights are NaN
# makes non-finite pictures: an error, never an empty cell.
python3 - "$tmp/inn.st" "$tmp/inn_damaged.st" "$tmp/inn_nan.st" <<'PY'
import hashlib, json, struct, sys
raw = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
header, data = json.loads(raw[8:8 + n]), bytearray(raw[8 + n:])
damaged = bytearray(raw)
damaged[-100] ^= 0xFF
open(sys.argv[2], "wb").write(damaged)
for name, t in header.items():
    if name != "__metadata__" and t["dtype"] == "F32":
        b, e = t["data_offsets"]
        data[b:e] = struct.pack("<f", float("nan")) * ((e - b) // 4)
header["__metadata__"]["data_sha256"] = hashlib.sha256(data).hexdigest()
text = json.dumps(header).encode()
text += b" " * ((8 - len(text) % 8) % 8)
open(sys.argv[3], "wb").write(struct.pack("<Q", len(text)) + text + bytes(data))
PY
run_expect_failure "$eval_app" eval-corrupted-inn "corrupted" --codec "$tmp/codec.st" --inn "$tmp/inn_damaged.st" "${ev[@]}"
run_expect_failure "$eval_app" eval-nan-inn "non-finite" --codec "$tmp/codec.st" --inn "$tmp/inn_nan.st" "${ev[@]}"

# E10's statistical steganalyst (and E3's threshold) fits on images kept apart from the
# evaluated ones, and reports accuracy and ROC AUC per Eve SNR.
"$train" eve-detector --images "$photos" --val-images "$faces" --val-range : --codec "$tmp/codec.st" \
  --inn "$tmp/inn.st" -o "$tmp/det.st" "${small[@]}" >/dev/null 2>&1 || { echo "FAIL setup: tiny detector"; exit 1; }
run_expect_failure "$eval_app" eval-fit-overlaps "an evaluated image" --codec "$tmp/codec.st" --inn "$tmp/inn.st" \
  "${ev[@]}" --steganalysis-fit-range 0:2
if "$eval_app" --codec "$tmp/codec.st" --inn "$tmp/inn.st" "${ev[@]}" --private-range 0:2 --eve-snr 10,20 \
     --detector "$tmp/det.st" \
     --steganalysis-fit-range 2:4 --steganalysis-fit-pairs 16 >/dev/null 2>&1 \
   && python3 -c 'import json, sys
tables = json.load(open(sys.argv[1]))["tables"]
assert len(tables) == 2
for t in tables:
    s = t["statistical_steganalyst"]
    assert 0 <= s["accuracy"] <= 1 and 0 <= s["roc_auc"] <= 1, s
    assert "[2:4]" in s["fitted_on"], s
    # The three statistics that tell the classes apart best alone, most telling first.
    tell = s["most_telling"]
    assert len(tell) == 3, tell
    gaps = [abs(x["roc_auc"] - 0.5) for x in tell]
    assert gaps == sorted(gaps, reverse=True), tell
    assert all(x["statistic"].startswith("ch") for x in tell), tell
    # The detector at its threshold refitted on the same fit pairs, beside the training one.
    d = t["detector"]["refitted_threshold"]
    assert "[2:4]" in d["fitted_on"] and 0 <= d["accuracy"]["mean"] <= 1, d
    signals = t["detector"]["signals_each"]
    assert d["plain_called_plain"] <= signals and d["containers_called_containers"] <= signals, d' \
     "$tmp/out/results.json" \
   && grep -q "statistical steganalyst (E10.*the most telling statistics: ch" "$tmp/out/results.md" \
   && grep -q "detector, its threshold refitted at this SNR" "$tmp/out/results.md"; then
  echo "ok   eval-statistical-steganalyst"
else
  echo "FAIL eval-statistical-steganalyst"; failures=$((failures + 1))
fi
echo "$failures failures"
[[ $failures -eq 0 ]]
