#!/bin/bash
# The containerd comparison of issue 13, as root:
#   bench/shim.sh [ROUNDS] [IDLE]      (defaults 15 and 50)
# A private containerd 1.6 (own config, root, state and socket under a temp
# dir), a busybox image imported from a tarball, and three ways to run it:
#   native        ctr run --runtime containerd-shim-crun-lite-v2
#   runc-shim+crun-lite   containerd's runc shim with BinaryName crun-lite
#   runc-shim+runc        containerd's runc shim with runc
# 1. `ctr run --rm IMAGE ID /bin/true`, ROUNDS interleaved rounds (the first
#    mode rotated every round, 3 warm-up rounds first), each ctr spawned by
#    bench/timer (wall time, and ctr's own CPU time);
# 2. IDLE containers of each mode running `sleep 3600` at once: RSS and PSS
#    of their shims (smaps_rollup) per container.
# Writes bench/results/shim-<stamp>.md and .csv (RESULTS_DIR overrides) and
# prints the .md; bench/run.sh folds the .csv into its table and chart.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
ROUNDS=${1:-15}
IDLE=${2:-50}
WARM=3
CRUN=${CRUNLITE:-$TOP/build/crun-lite}
SHIM=${CRUNLITE_SHIM:-$(dirname "$CRUN")/containerd-shim-crun-lite-v2}
RESULTS=${RESULTS_DIR:-$HERE/results}
for f in "$CRUN" "$SHIM"; do [ -x "$f" ] || { echo "bench/shim.sh: $f is not built" >&2; exit 1; }; done
command -v containerd >/dev/null && command -v ctr >/dev/null || { echo "bench/shim.sh: needs containerd and ctr" >&2; exit 1; }
MODES="native runc-shim+crun-lite"
command -v runc >/dev/null && MODES="$MODES runc-shim+runc"

. "$TOP/tests/support/private-containerd.sh"
WORK=$(mktemp -d /tmp/crun-lite-shim-bench.XXXXXX)
# What a host keeps in /run (tmpfs there; this VM's /run is on its disk):
# containerd's state and fifos and the runtimes' roots, for every mode alike.
RUNDIR="$WORK/run"
NS="shim-bench$$"
IMAGE=localhost/crun-lite-bench-busybox:latest
mkdir -p "$RUNDIR" "$RESULTS"
pcd_init "$WORK/containerd" "$NS" warn "$RUNDIR/containerd-state"

cleanup() {
    set +e  # every step, even after one fails (rmdir of what is not there)
    pcd_shutdown "$IMAGE"
    [ -n "${TIMER_PID:-}" ] && kill "$TIMER_PID" 2>/dev/null
    # A runc shim's cleanup can still be under way (it makes /run/containerd/s).
    sleep 1
    pcd_cleanup_host
    mountpoint -q "$RUNDIR" && umount "$RUNDIR"
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mount -t tmpfs -o mode=0711 crun-lite-bench "$RUNDIR"
mkdir -p "$RUNDIR/shim-root" "$RUNDIR/runc-root" "$RUNDIR/runc-default-root"
pcd_start CRUNLITE_SHIM_ROOT="$RUNDIR/shim-root"
pcd_wait_up || { echo "bench/shim.sh: containerd did not come up: $(tail -n 3 "$CD/containerd.log")" >&2; exit 1; }
"$TOP/tests/support/make-busybox-image.sh" "$WORK/busybox.tar" "$IMAGE" >/dev/null
c images import "$WORK/busybox.tar" >/dev/null

g++ -O2 -std=c++17 -o "$WORK/timer" "$HERE/timer.cpp"
mkfifo "$WORK/timer.in" "$WORK/timer.out"
"$WORK/timer" "$WORK/errors.log" < "$WORK/timer.in" > "$WORK/timer.out" &
TIMER_PID=$!
exec 3> "$WORK/timer.in" 4< "$WORK/timer.out"

# ctr_args MODE: the `ctr run` options of a mode
ctr_args() {
    case $1 in
        native) echo "--runtime $SHIM" ;;
        runc-shim+crun-lite) echo "--runc-binary $CRUN --runc-root $RUNDIR/runc-root" ;;
        runc-shim+runc) echo "--runc-root $RUNDIR/runc-default-root" ;;
    esac
}
# timed MODE ID: ctr run --rm through the timer; sets R_STATUS, R_MS, R_CPU_MS
timed() {
    local line
    line=$(printf '%s\t' - ctr --address "$SOCK" --namespace "$NS" run --rm --fifo-dir "$RUNDIR/fifo" $(ctr_args "$1") "$IMAGE" "$2" /bin/true)
    printf '%s\n' "${line%$'\t'}" >&3
    read -r R_STATUS ns _ cpu <&4
    R_MS=$(awk -v n="$ns" 'BEGIN {printf "%.1f", n / 1e6}')
    R_CPU_MS=$(awk -v n="$cpu" 'BEGIN {printf "%.1f", n / 1e3}')
}

echo "bench/shim.sh: $WARM warm-up + $ROUNDS rounds of: $MODES" >&2
set -- $MODES
count=$#
: > "$WORK/runs.csv"
for round in $(seq $((WARM + ROUNDS))); do
    for k in $(seq 0 $((count - 1))); do
        idx=$(( (k + round) % count + 1 ))
        mode=${!idx}
        timed "$mode" "b$round-$idx"
        [ "$round" -gt "$WARM" ] && echo "$mode,$R_STATUS,$R_MS,$R_CPU_MS" >> "$WORK/runs.csv"
    done
done

# stats MODE: "median p95 min n failed cpu_median"
pick() { sort -n | awk -v q="$1" '{v[NR] = $1} END { if (NR) print v[q == "min" ? 1 : q == "p95" ? int(NR * 0.95 + 0.999) : int((NR + 1) / 2)]; else print "-" }'; }
stats() {
    local ok="$WORK/ok.csv" failed
    awk -F, -v m="$1" '$1 == m && $2 == 0' "$WORK/runs.csv" > "$ok"
    failed=$(awk -F, -v m="$1" '$1 == m && $2 != 0' "$WORK/runs.csv" | wc -l)
    echo "$(cut -d, -f3 "$ok" | pick median) $(cut -d, -f3 "$ok" | pick p95) $(cut -d, -f3 "$ok" | pick min) $(wc -l < "$ok") $failed $(cut -d, -f4 "$ok" | pick median)"
}

# idle MODE: starts IDLE containers, prints "rss_kib pss_kib shims started" per container
idle() {
    local mode=$1 started=0 i pid
    for i in $(seq "$IDLE"); do
        c run -d --fifo-dir "$RUNDIR/fifo" $(ctr_args "$mode") "$IMAGE" "idle-$i" sleep 3600 >/dev/null 2>&1 && started=$((started + 1))
    done
    sleep 1
    for t in $(c task ls -q); do
        pid=$(c task ls | awk -v id="$t" '$1 == id {print $2}')
        awk '/^PPid/ {print $2}' "/proc/$pid/status"
    done | sort -u > "$WORK/shims"
    while read -r s; do cat "/proc/$s/smaps_rollup"; done < "$WORK/shims" |
        awk -v n="$started" -v shims="$(wc -l < "$WORK/shims")" '/^Rss:/ {r += $2} /^Pss:/ {p += $2}
            END { printf "%.0f %.0f %d %d\n", r / (n ? n : 1), p / (n ? n : 1), shims, n }'
    for t in $(c task ls -q); do c task kill -s KILL "$t" >/dev/null 2>&1; done
    sleep 1
    for t in $(c task ls -q); do c task delete "$t" >/dev/null 2>&1; done
    for ct in $(c container ls -q); do c container rm "$ct" >/dev/null 2>&1; done
}

stamp=$(date -u +%Y-%m-%d-%H%M)
out="$RESULTS/shim-$stamp.md"
{
    echo "# containerd: native shim vs containerd's runc shim ($stamp UTC)"
    echo
    echo "host: $(uname -r), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) (after); containerd $(containerd --version | awk '{print $3}'); image: busybox imported from a tarball (overlayfs snapshot)"
    echo
    echo "#### ctr run --rm IMAGE ID /bin/true (ms, wall time of ctr; $ROUNDS interleaved rounds after $WARM warm-up)"
    echo
    echo "| mode | median | p95 | min | n (failed) | ctr's own CPU median |"
    echo "| --- | --- | --- | --- | --- | --- |"
    for mode in $MODES; do
        read -r med p95 min n failed cpu <<< "$(stats "$mode")"
        echo "| $mode | $med | $p95 | $min | $n ($failed) | $cpu |"
        echo "$mode,ctr_run_ms,$med,$p95" >> "$WORK/summary.csv"
    done
    echo
    echo "#### $IDLE idle containers per mode (sleep 3600): the shims' memory per container"
    echo
    echo "| mode | RSS per container (KiB) | PSS per container (KiB) | shim processes | containers |"
    echo "| --- | --- | --- | --- | --- |"
    for mode in $MODES; do
        read -r rss pss shims n <<< "$(idle "$mode")"
        echo "| $mode | $rss | $pss | $shims | $n |"
        echo "$mode,idle_rss_pss_kib,$rss,$pss" >> "$WORK/summary.csv"
    done
} > "$out"
# For bench/run.sh's table and chart: mode,metric,value,value2
{ echo "mode,metric,value,value2"; cat "$WORK/summary.csv"; } > "${out%.md}.csv"
cat "$out"
