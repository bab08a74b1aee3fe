# The plots of `make bench` (docs/performance.md), from loom-bench's data files:
#   gnuplot -e "dir='build/bench'" scripts/bench_plot.gp
# writes dir/utilization.png (array utilization per workload and
# configuration) and dir/speed.png (simulated cycles per second against P),
# each when loom-bench wrote its data (its section ran).
if (!exists("dir")) dir = "build/bench"
have(f) = system("test -s '".f."' && echo 1 || echo 0") eq "1"

if (have(dir."/utilization.dat")) {
set terminal pngcairo size 1200,650 font "sans,10"
set datafile missing "-"
set grid ytics

set output dir."/utilization.png"
set title "Loom: array utilization on the RTL core (MACs / (P^2 x cycles)), DRAM latency 100"
set ylabel "utilization (%)"
set yrange [0:105]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -30 left nomirror
set key top right
set bmargin 9
plot for [i=2:*] dir."/utilization.dat" using i:xtic(1) title columnheader(i)
}

if (have(dir."/speed.dat")) {
reset
set terminal pngcairo size 900,600 font "sans,10"
set datafile missing "-"
set output dir."/speed.png"
set title "Loom: simulation speed, GEMM 256 x 256 x N (single-threaded)"
set xlabel "P (array rows = columns)"
set ylabel "simulated cycles per second"
set logscale xy
set xtics (4, 8, 16, 32, 64, 128)
set grid
set key bottom left
plot dir."/speed.dat" using 1:6 with linespoints lw 2 title "bare PE array", \
     ""               using 1:3 with linespoints lw 2 title "golden model (C++)", \
     ""               using 1:4 with linespoints lw 2 title "golden model (SystemC)", \
     ""               using 1:2 with linespoints lw 2 title "RTL core alone", \
     ""               using 1:5 with linespoints lw 2 title "co-simulation"
}
