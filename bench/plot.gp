# bench/plot.gp: the chart of docs/benchmarks.md, drawn by bench/run:
#   gnuplot -e "configs='C'; workers='W'; out='OUT.svg'" bench/plot.gp
# C: one line per configuration: "label" requests/s
# W: one line per worker count: workers ceiling-req/s articled-req/s (NaN: not run)
set terminal svg size 1200,560 dynamic enhanced font "sans,11" background "white"
set output out
set datafile missing "NaN"
set multiplot layout 1,2 title "articled: requests/s through nginx on loopback (wrk -t2 -c32)"

# Left: every configuration of the run.
set title "by configuration"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.8
set xtics rotate by -40 left scale 0 font ",9"
set ytics format "%.0f"
set yrange [0:*]
set grid ytics lc rgb "#dddddd"
set key off
set bmargin 14
set rmargin 4
plot configs using 2:xticlabels(1) lc rgb "#4472c4", \
     '' using 0:($2):(sprintf("%.0f", $2)) with labels offset 0,0.7 font ",8"

# Right: the FastCGI ceiling and articled by worker count.
unset style
set style data linespoints
set title "by worker count (article page, 10 articles)"
set xtics rotate by 0 center scale 1 font ",10" 1
set xlabel "FastCGI worker processes"
set xrange [0.5:4.5]
set bmargin 14
set key bottom right box opaque
plot workers using 1:2 title "(b) FastCGI ceiling (bench/ceiling)" lw 2 pt 7 lc rgb "#ed7d31", \
     workers using 1:3 title "articled, counting on" lw 2 pt 5 lc rgb "#4472c4"

unset multiplot
