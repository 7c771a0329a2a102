#!/bin/bash
# tools/frontier.py on real semsteg-eval results: two shipped INNs evaluated on Debian
# images (faces privates, puzzle photos as hosts), then the frontier table, CSV and gnuplot
# script from them; bad arguments are clear errors.
# Usage: test_frontier.sh PATH/TO/semsteg-eval SOURCE_DIR
set -u
eval_app=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failures=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; failures=$((failures + 1)); fi; }

# The first with a trained detector (its column is read from the evaluation too).
for inn in inn_awgn10 inn_awgn10_l6; do
  det=(); [[ $inn == inn_awgn10 ]] && det=(--detector "$src/models/eve_detector_awgn10.safetensors")
  "$eval_app" --codec "$src/models/jscc_awgn10.safetensors" --inn "$src/models/$inn.safetensors" "${det[@]}" \
    --private /usr/share/xmorph/example --hosts /usr/share/palapeli/collection --pairs 4 \
    --batch 4 --threads 1 --eve-snr 10,20 --out "$tmp/$inn" >"$tmp/$inn.log" 2>&1 \
    || { echo "FAIL setup: semsteg-eval $inn"; tail -5 "$tmp/$inn.log"; exit 1; }
done
# semsteg-eval with a trained detector also says where it finds the containers and what it
# needs: per Eve SNR, one ROC AUC per latent channel for each probe (plain signals with that
# channel from the containers; containers with that channel made plain).
check eval-detector-channels 'python3 -c "
import json
r = json.load(open(\"$tmp/inn_awgn10/results.json\"))
for t in r[\"tables\"]:
    for k in (\"channel_auc\", \"channel_auc_without\"):
        a = t[\"detector\"][k]
        assert len(a) == r[\"settings\"][\"codec_config\"][\"latent_channels\"], (k, a)
        assert all(0 <= x <= 1 for x in a), (k, a)
" && [[ $(grep -c "^- where the detector finds the containers .*: ch0 [0-9.]*, ch1 " $tmp/inn_awgn10/results.md) -eq 2 ]] \
  && [[ $(grep -c "^- what the detector needs .*: ch0 [0-9.]*, ch1 " $tmp/inn_awgn10/results.md) -eq 2 ]]'
python3 "$src/tools/frontier.py" --out "$tmp/fr" "keyless=$tmp/inn_awgn10" \
  "lambda6=$tmp/inn_awgn10_l6" >"$tmp/fr.log" 2>&1; rc=$?
check frontier-runs '[[ $rc -eq 0 && -s $tmp/fr/frontier.md && -s $tmp/fr/frontier.csv && -s $tmp/fr/frontier.gp ]]'
# Two operating points × two Eve SNRs, every column read (E9's reference included).
check frontier-rows '[[ $(grep -c "^| keyless \|^| lambda6 " $tmp/fr/frontier.md) -eq 4 ]]'
check frontier-csv '[[ $(wc -l < $tmp/fr/frontier.csv) -eq 5 ]]'
# Both INNs hide the whole private latent: the payload column says so.
check frontier-payload '[[ $(grep -c " | full | " $tmp/fr/frontier.md) -eq 4 ]]'
# A reduced payload is counted in channels of the host's grid, the container's: a
# downscaled private image's latent folds its 4 channels into 1.
check frontier-reduced-payload 'python3 -c "
import sys; sys.path.insert(0, \"$src/tools\")
from frontier import payload
cfg = lambda **c: {\"inn_config\": dict(channels=8, **c)}
assert payload(cfg()) == \"full\"
assert payload(cfg(payload_channels=2)) == \"2 of 8 ch\", payload(cfg(payload_channels=2))
got = payload(cfg(payload_channels=4, private_downscale=2))
assert got == \"1 of 8 ch (1/2-size image, 4 ch folded)\", got
assert payload(cfg(private_downscale=2)).startswith(\"2 of 8 ch \")
"'
check frontier-plain-host 'python3 -c "
import csv, sys
rows = list(csv.DictReader(open(\"$tmp/fr/frontier.csv\")))
assert all(float(r[\"plain_host_psnr\"]) > float(r[\"eve_host_psnr\"]) for r in rows), rows
assert {r[\"eve_snr_db\"] for r in rows} == {\"10.0\", \"20.0\"}
"'
# The table's numbers are the evaluation's: Bob's PSNR of the keyless point at 10 dB.
bob=$(python3 -c "
import json
t = json.load(open('$tmp/inn_awgn10/results.json'))['tables'][0]
print('%.2f' % [r for r in t['rows'] if r['key'] == 'secure_private'][0]['bob']['psnr']['mean'])")
check frontier-numbers-from-eval 'grep "^| keyless " $tmp/fr/frontier.md | grep -q "| 10 dB | $bob ("'
det_acc=$(python3 -c "
import json
t = json.load(open('$tmp/inn_awgn10/results.json'))['tables'][0]
print('%.3f / %.3f' % (t['detector']['accuracy']['mean'], t['detector']['roc_auc']))")
check frontier-detector-from-eval 'grep "^| keyless " $tmp/fr/frontier.md | grep "| 10 dB |" | grep -q "| $det_acc |\$"'
check frontier-no-detector '[[ $(grep "^| lambda6 " $tmp/fr/frontier.md | grep -c "| – / – |\$") -eq 2 ]]'
# The plot numbers its points (first seen, first numbered) and names them under the
# table; its inline data has one line per point and Eve SNR with a detection to plot (4
# pairs are too few for the statistical steganalyst: only the keyless point's detector).
check frontier-plot-numbers 'grep -qF "Numbers on the plot (\`frontier.png\`): 1 = keyless; 2 = lambda6." $tmp/fr/frontier.md'
check frontier-plot-data '[[ $(sed -n "/^\$points << EOD/,/^EOD/p" $tmp/fr/frontier.gp | grep -c "^[0-9]") -eq 2 ]]'
# Earlier points kept from a frontier.csv (their evaluation gone) beside a new one: every
# earlier row unchanged, the new point's two rows added.
python3 "$src/tools/frontier.py" --out "$tmp/fr3" --with-csv "$tmp/fr/frontier.csv" \
  "again=$tmp/inn_awgn10_l6" >"$tmp/fr3.log" 2>&1; rc=$?
check frontier-with-csv '[[ $rc -eq 0 && $(wc -l < $tmp/fr3/frontier.csv) -eq 7 ]] \
  && [[ $(grep -c "^| keyless \|^| lambda6 \|^| again " $tmp/fr3/frontier.md) -eq 6 ]] \
  && [[ -z $(grep -vxF -f $tmp/fr3/frontier.csv $tmp/fr/frontier.csv) ]]'
check frontier-with-csv-numbers 'grep -qF "1 = keyless; 2 = lambda6; 3 = again." $tmp/fr3/frontier.md'
# Long names wrap by width under the plot (they ran off the image three to a line): every
# legend line fits, and every point is named once.
long="an operating point with a name as long as the frontier's real ones (step 1,000)"
python3 "$src/tools/frontier.py" --out "$tmp/fr8" "$long A=$tmp/inn_awgn10_l6" \
  "$long B=$tmp/inn_awgn10_l6" "$long C=$tmp/inn_awgn10_l6" >"$tmp/fr8.log" 2>&1; rc=$?
check frontier-legend-wraps '[[ $rc -eq 0 ]] && python3 -c "
import re
legend = re.findall(r\"^set label \\d+ \\\"(.*)\\\" at screen\", open(\"$tmp/fr8/frontier.gp\").read(), re.M)
assert len(legend) == 3, legend
assert all(len(line) <= 165 for line in legend), legend
names = \", \".join(legend)
assert all(names.count(\"%d: \" % n) == 1 for n in (1, 2, 3)), names
"'
# A CSV written before the refitted-threshold and calibrated columns were added is still
# read (those columns not measured).
python3 -c "
import csv
rows = list(csv.DictReader(open('$tmp/fr/frontier.csv')))
cols = [c for c in rows[0] if c not in ('detector_refit_accuracy', 'calibrated_accuracy', 'calibrated_auc')]
w = csv.DictWriter(open('$tmp/old.csv', 'w', newline=''), fieldnames=cols, extrasaction='ignore')
w.writeheader(); w.writerows(rows)"
python3 "$src/tools/frontier.py" --out "$tmp/fr5" --with-csv "$tmp/old.csv" \
  "again=$tmp/inn_awgn10_l6" >"$tmp/fr5.log" 2>&1; rc=$?
check frontier-older-csv '[[ $rc -eq 0 && $(wc -l < $tmp/fr5/frontier.csv) -eq 7 ]]'
# The detector at a threshold refitted at Eve's SNR (semsteg-eval --steganalysis-fit-range):
# its accuracy beside the training threshold's, and the stronger one is the detection.
python3 -c "
import json
r = json.load(open('$tmp/inn_awgn10/results.json'))
for t in r['tables']:
    t['detector']['refitted_threshold'] = {'threshold': -0.5, 'accuracy': {'mean': 0.987, 'se': 0.01}}
json.dump(r, open('$tmp/refit.json', 'w'))"
python3 "$src/tools/frontier.py" --out "$tmp/fr6" "refit=$tmp/refit.json" >"$tmp/fr6.log" 2>&1
check frontier-refitted-threshold '[[ $(grep "^| refit " $tmp/fr6/frontier.md | grep -c " (0.987) |\$") -eq 2 ]] \
  && python3 -c "
import csv
rows = list(csv.DictReader(open(\"$tmp/fr6/frontier.csv\")))
assert all(float(r[\"detector_refit_accuracy\"]) == 0.987 for r in rows), rows
assert all(float(r[\"detection\"]) >= 0.987 for r in rows), rows
"'
# E10 calibrated (semsteg-eval --steganalysis-fit-range): its accuracy and AUC beside the
# steganalyst's, and the strongest attacker is the detection.
python3 -c "
import json
r = json.load(open('$tmp/inn_awgn10_l6/results.json'))
for t in r['tables']:
    t['statistical_steganalyst'] = {'accuracy': 0.61, 'roc_auc': 0.64}
    t['calibrated_steganalyst'] = {'accuracy': 0.993, 'roc_auc': 0.999}
json.dump(r, open('$tmp/calibrated.json', 'w'))"
python3 "$src/tools/frontier.py" --out "$tmp/fr7" "calibrated=$tmp/calibrated.json" >"$tmp/fr7.log" 2>&1
check frontier-calibrated '[[ $(grep "^| calibrated " $tmp/fr7/frontier.md | grep -c "| 0.610 / 0.640 (calibrated 0.993 / 0.999) | – / – |\$") -eq 2 ]] \
  && python3 -c "
import csv
rows = list(csv.DictReader(open(\"$tmp/fr7/frontier.csv\")))
assert all(float(r[\"calibrated_accuracy\"]) == 0.993 for r in rows), rows
assert all(float(r[\"calibrated_auc\"]) == 0.999 for r in rows), rows
assert all(float(r[\"detection\"]) == 0.993 for r in rows), rows
"'
python3 "$src/tools/frontier.py" --out "$tmp/fr4" --with-csv "$tmp/fr/frontier.md" \
  "again=$tmp/inn_awgn10_l6" >"$tmp/bad0.log" 2>&1; rc=$?
check frontier-bad-csv '[[ $rc -ne 0 ]] && grep -q "cannot read an earlier frontier.csv" $tmp/bad0.log && ! grep -q Traceback $tmp/bad0.log'
python3 "$src/tools/frontier.py" --out "$tmp/fr2" "nolabel" >"$tmp/bad1.log" 2>&1; rc=$?
check frontier-bad-spec '[[ $rc -ne 0 ]] && grep -q "is not LABEL=EVAL_DIR" $tmp/bad1.log && ! grep -q Traceback $tmp/bad1.log'
python3 "$src/tools/frontier.py" --out "$tmp/fr2" "x=$tmp/nothing" >"$tmp/bad2.log" 2>&1; rc=$?
check frontier-missing-eval '[[ $rc -ne 0 ]] && grep -q "cannot read a semsteg-eval result" $tmp/bad2.log && ! grep -q Traceback $tmp/bad2.log'
[[ $failures -eq 0 ]] || { echo "$failures failure(s)"; exit 1; }
