# Written by tools/frontier.py; run: gnuplot frontier.gp
if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
    set terminal pngcairo size 1200,520 enhanced font 'sans,10'
} else {
    set terminal png size 1200,520
}
set output 'frontier.png'
set datafile separator ','
set grid
set multiplot layout 1,2 title 'Detection against what the hiding costs (the stronger of the statistical steganalyst and a trained detector)'
set xlabel 'detection accuracy at Eve (0.5: blind)'
set xrange [0.45:1.02]
set key bottom left
set ylabel 'Bob PSNR minus the unprotected baseline (dB)'
plot 'frontier.csv' skip 1 using ($8==10 ? $20 : 1/0):($10-$11):1 with labels right point pt 7 lc 1 textcolor lt 1 offset -0.8,0.7 font ',8' title 'Eve 10 dB', 'frontier.csv' skip 1 using ($8==20 ? $20 : 1/0):($10-$11):1 with labels right point pt 7 lc 2 textcolor lt 2 offset -0.8,-0.7 font ',8' title 'Eve 20 dB'
set ylabel "Eve's picture of the host minus plain DeepJSCC (PSNR, dB)"
plot 'frontier.csv' skip 1 using ($8==10 ? $20 : 1/0):($13-$14):1 with labels right point pt 7 lc 1 textcolor lt 1 offset -0.8,0.7 font ',8' title 'Eve 10 dB', 'frontier.csv' skip 1 using ($8==20 ? $20 : 1/0):($13-$14):1 with labels right point pt 7 lc 2 textcolor lt 2 offset -0.8,-0.7 font ',8' title 'Eve 20 dB'
unset multiplot
