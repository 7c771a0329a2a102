# Written by tools/frontier.py; run: gnuplot frontier.gp
if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
    set terminal pngcairo size 1200,696 enhanced font 'sans,10'
} else {
    set terminal png size 1200,696
}
set output 'frontier.png'
# Eve SNR (dB), detection accuracy, Bob minus the baseline (dB), Eve's host picture
# minus plain DeepJSCC (dB), the point's number
$points << EOD
10 1.0000 -5.966 -5.139 1
20 1.0000 -5.966 -7.222 1
10 0.9050 -8.955 -3.942 2
20 0.9475 -8.996 -5.701 2
10 0.9375 -8.433 -4.039 3
20 0.9575 -8.422 -5.868 3
10 0.8975 -9.008 -3.462 4
20 0.9250 -8.981 -5.159 4
10 0.9550 -8.728 -3.286 5
20 0.9575 -8.704 -4.949 5
10 0.9350 -9.511 -2.693 6
20 0.9750 -9.474 -4.248 6
10 0.9500 -8.690 -3.304 7
20 0.9850 -8.729 -4.950 7
10 0.9050 -9.823 -2.655 8
20 0.9450 -9.871 -4.086 8
0 0.6775 -9.486 -0.963 9
10 0.9575 -9.458 -2.730 9
20 0.9900 -9.559 -4.231 9
0 0.7525 -9.496 -1.011 10
10 1.0000 -9.552 -2.727 10
20 1.0000 -9.455 -4.220 10
10 0.9950 -11.206 -1.871 11
20 1.0000 -11.159 -3.073 11
10 0.9825 -11.460 -4.057 12
20 0.9875 -11.441 -6.090 12
10 0.9900 -11.087 -4.066 13
20 0.9925 -11.211 -6.057 13
10 0.9950 -11.480 -3.583 14
20 1.0000 -11.477 -5.504 14
10 0.9750 -11.667 -3.461 15
20 0.9900 -11.701 -5.339 15
10 0.9300 -14.994 -2.583 16
20 0.8975 -15.015 -4.200 16
10 0.9025 -16.670 -2.143 17
20 0.9475 -16.686 -3.588 17
10 0.5600 -19.491 -0.392 18
20 0.5600 -19.473 -0.758 18
10 0.8850 -15.553 -1.757 19
20 0.8250 -15.645 -2.991 19
10 0.9325 -12.509 -2.558 20
20 0.8825 -12.528 -4.119 20
10 0.9475 -12.570 -2.316 21
20 0.9250 -12.593 -3.760 21
EOD
set grid
set multiplot layout 1,2 title 'Detection against what the hiding costs (the strongest of the statistical steganalysts and a trained detector)' margins 0.06,0.98,0.339,0.92 spacing 0.08
set label 1 "1: keyed, quarter payload (step 5,000), 2: keyed + covert, quarter payload (step 13,000), 3: keyed + covert, mean evasion (step 15,000)" at screen 0.06,0.2471 font ',9' noenhanced
set label 2 "4: keyed + covert, mean evasion (step 17,000), 5: keyed + covert, host-heavy (step 19,800), 6: keyed + covert, wide adversaries (step 22,600)" at screen 0.06,0.2241 font ',9' noenhanced
set label 3 "7: keyed + covert, host-heavy (step 19,800), width-96 detector, 8: keyed + covert, four adversary updates per step (step 25,000)" at screen 0.06,0.2011 font ',9' noenhanced
set label 4 "9: shipped INN, Eve's detector at her SNR, 10: shipped INN, E10 calibrated, 11: calibrated term (step 1,600), calibrated CNN detector" at screen 0.06,0.1782 font ',9' noenhanced
set label 5 "12: codec round trip (step 1,600), calibrated CNN detector, 13: codec round trip, four adversary updates per step (step 1,000), calibrated CNN detector" at screen 0.06,0.1552 font ',9' noenhanced
set label 6 "14: eighth payload, codec round trip (step 1,200), calibrated CNN detector, 15: codec round trip, host MSE term 10x (step 1,000), calibrated CNN detector" at screen 0.06,0.1322 font ',9' noenhanced
set label 7 "16: codec round trip, Bob's weight 5x lighter (step 1,000), calibrated CNN detector" at screen 0.06,0.1092 font ',9' noenhanced
set label 8 "17: codec round trip, Bob's weight 17x lighter (step 1,000), calibrated CNN detector" at screen 0.06,0.0862 font ',9' noenhanced
set label 9 "18: host's detail back before the round trip (step 1,000), calibrated CNN detector, 19: host's detail back, Bob's weight 200 (step 1,000), calibrated CNN detector" at screen 0.06,0.0632 font ',9' noenhanced
set label 10 "20: host's detail back, Bob's weight 500 (step 1,000), calibrated CNN detector" at screen 0.06,0.0402 font ',9' noenhanced
set label 11 "21: eighth payload, host's detail back, Bob's weight 500 (step 1,000), calibrated CNN detector" at screen 0.06,0.0172 font ',9' noenhanced
set xlabel 'detection accuracy at Eve (0.5: blind)'
set xrange [0.45:1.02]
set key bottom left
set ylabel 'Bob PSNR minus the unprotected baseline (dB)'
plot $points using ($1==0 ? $2 : 1/0):3:(sprintf('%d', $5)) with labels right point pt 7 lc 1 textcolor lt 1 offset -0.6,0.6 title 'Eve 0 dB', $points using ($1==10 ? $2 : 1/0):3:(sprintf('%d', $5)) with labels right point pt 7 lc 2 textcolor lt 2 offset -0.6,-0.6 title 'Eve 10 dB', $points using ($1==20 ? $2 : 1/0):3:(sprintf('%d', $5)) with labels right point pt 7 lc 3 textcolor lt 3 offset -0.6,-0.6 title 'Eve 20 dB'
unset label
set ylabel "Eve's picture of the host minus plain DeepJSCC (PSNR, dB)"
plot $points using ($1==0 ? $2 : 1/0):4:(sprintf('%d', $5)) with labels right point pt 7 lc 1 textcolor lt 1 offset -0.6,0.6 title 'Eve 0 dB', $points using ($1==10 ? $2 : 1/0):4:(sprintf('%d', $5)) with labels right point pt 7 lc 2 textcolor lt 2 offset -0.6,-0.6 title 'Eve 10 dB', $points using ($1==20 ? $2 : 1/0):4:(sprintf('%d', $5)) with labels right point pt 7 lc 3 textcolor lt 3 offset -0.6,-0.6 title 'Eve 20 dB'
unset multiplot
