# bench/plot.gp: the chart of docs/benchmarks.md, drawn by bench/run:
#   gnuplot -e "configs='C'; workers='W'; out='OUT.svg'" bench/plot.gp
# C: one line per configuration, top to bottom: "label" requests/s
# W: one line per worker count: workers ceiling-req/s articled-req/s (NaN: not run)
set terminal svg size 1200,600 dynamic enhanced font "sans,11" background "white"
set output out
set datafile missing "NaN"
set multiplot layout 1,2 title "articled: requests/s through nginx on loopback, wrk -t2 -c32" \
    margins 0.28, 0.97, 0.10, 0.90 spacing 0.08, 0

# Left: every configuration of the run, as horizontal bars.
stats configs using 2 nooutput
n = STATS_records
set title "by configuration"
set style fill solid 0.85 border -1
set yrange [n - 0.5:-0.5]
set ytics scale 0 font ",10" noenhanced
set xrange [0:STATS_max * 1.18]
set xtics format "%.0f" font ",9"
set grid xtics lc rgb "#dddddd"
set key off
set xlabel "requests/s"
plot configs using ($2 / 2):0:($2 / 2):(0.38):yticlabels(1) with boxxyerror \
         lc rgb "#4472c4", \
     '' using 2:0:(sprintf(" %.0f", $2)) with labels left font ",9"

# Right: the FastCGI ceiling and articled by worker count.
set title "by worker count (article page, 10 articles)"
set autoscale y
set yrange [0:*]
set ytics auto scale 1 font ",10" format "%.0f"
set xrange [0.5:4.5]
set xtics 1 format "%.0f" font ",10"
set grid ytics xtics lc rgb "#dddddd"
set xlabel "FastCGI worker processes"
set ylabel ""
set key bottom right box opaque
plot workers using 1:2 title "(b) FastCGI ceiling (bench/ceiling)" with linespoints \
         lw 2 pt 7 ps 1.2 lc rgb "#ed7d31", \
     workers using 1:3 title "articled, counting on" with linespoints \
         lw 2 pt 5 ps 1.2 lc rgb "#4472c4"

unset multiplot
