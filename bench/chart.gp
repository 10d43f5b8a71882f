# The chart of bench/run.sh: start latency and memory per container, log
# scale (a VM boot is two orders of magnitude slower than a container).
#   gnuplot -e "latency='L'; memory='M'; out='X.svg'; title='...'" chart.gp
# (add fmt='png' for a PNG)
# latency: "name" run_median run_p95 cycle_median cycle_p95   (ms, NaN = none)
# memory:  "name" kib  (containers: memory cgroup usage; VM: qemu RSS;
#          containerd rows: the shim's PSS per idle container)
# latency rows "ctr run --rm: MODE": bench/shim.sh, end to end under containerd
if (exists("fmt") && fmt eq "png") {
    set terminal png size 1200,520 font "DejaVuSans,10"
} else {
    set terminal svg size 1200,520 dynamic font "sans,12" background "white"
}
set output out
set multiplot layout 1,2 title title
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set grid ytics
set key below
set xtics rotate by -25 nomirror
set datafile missing "NaN"

set title "Start latency, median (ms, log scale)"
set ylabel "ms"
set yrange [1:*]
plot latency using 2:xtic(1) title "run /bin/true (start to exit)" lc rgb "#4878d0", \
     ''      using 4 title "create + start + delete" lc rgb "#ee854a", \
     ''      using 0:($2*1.15):(sprintf("%.0f", $2)) with labels offset char -2,0 font ",9" notitle, \
     ''      using 0:($4*1.15):(sprintf("%.0f", $4)) with labels offset char 2,0 font ",9" notitle

set title "Memory per idle container: cgroup usage; VM: qemu RSS; containerd: shim PSS (KiB, log)"
set ylabel "KiB"
set yrange [10:*]
unset key
plot memory using 2:xtic(1) title "memory cgroup usage; VM: qemu RSS" lc rgb "#6acc64", \
     ''     using 0:($2*1.15):(sprintf("%.0f", $2)) with labels font ",9" notitle
unset multiplot
