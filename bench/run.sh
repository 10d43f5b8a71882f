#!/bin/bash
# Start time and footprint of crun-lite against crun, runc and a qemu VM, on
# one busybox bundle, interleaved round-robin; one command, as root:
#
#   sudo bench/run.sh [--quick] [--out DIR] [--runs N] [--idle N] [--no-vm]
#
# Writes DIR/bench-<stamp>.md (the table), .csv (every measurement), .svg
# (the chart; BENCH_PNG=1 adds a .png) and, when crun-lite misses the bar, PROFILE-<stamp>.md; DIR is
# bench/results by default. --quick (for CI): a few runs, 5 idle containers,
# one VM boot and no idle VM, a coarse memory-limit bisection.
#
# crun-lite: $CRUNLITE, or built here (Release) into $BUILD_DIR (default
# ./build-bench). Missing tools are installed with apt-get. Leaves nothing
# behind: containers, cgroups, state dirs and helper processes are removed
# on exit (the uncompressed VM kernel stays cached, as for tests/vm).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
QUICK=0
OUT=$HERE/results
RUNS=
IDLE=
WITH_VM=1
while [ $# -gt 0 ]; do
    case $1 in
        --quick) QUICK=1 ;;
        --out) OUT=$2; shift ;;
        --runs) RUNS=$2; shift ;;
        --idle) IDLE=$2; shift ;;
        --no-vm) WITH_VM=0 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
if [ "$QUICK" = 1 ]; then
    RUNS=${RUNS:-5}; WARM=1; IDLE=${IDLE:-5}; RSS_RUNS=2; VM_BOOTS=1; MEM_STEP_KIB=1024
else
    RUNS=${RUNS:-50}; WARM=5; IDLE=${IDLE:-50}; RSS_RUNS=5; VM_BOOTS=10; MEM_STEP_KIB=4
fi
[ "$(id -u)" = 0 ] || { echo "bench/run.sh must run as root" >&2; exit 1; }

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "# $*" >&2; }

# --- what it needs ------------------------------------------------------------
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have runc || need+=(runc)
have crun || need+=(crun)
have jq || need+=(jq)
have pgrep || need+=(procps)
have g++ || need+=(g++)
have gnuplot || need+=(gnuplot-nox)
have unshare || need+=(util-linux)
[ -x /usr/bin/time ] || need+=(time)
{ [ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked'; } || need+=(busybox-static)
if [ "$WITH_VM" = 1 ]; then
    have qemu-system-x86_64 || need+=(qemu-system-x86)
    ls /boot/vmlinuz-* >/dev/null 2>&1 || need+=(linux-image-amd64)
    have cpio || need+=(cpio)
    have xz || need+=(xz-utils)
fi
if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=300 update -q >&2 || true
    apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${need[@]}" >&2
fi

if [ -n "${CRUNLITE:-}" ]; then
    CRUNLITE=$(realpath "$CRUNLITE")
else
    build=${BUILD_DIR:-$TOP/build-bench}
    say "building crun-lite (Release) into $build"
    "$TOP/tests/support/install-deps.sh" >&2
    cmake -S "$TOP" -B "$build" -DCMAKE_BUILD_TYPE=Release >&2
    cmake --build "$build" -j"$(nproc)" --target crun-lite containerd-shim-crun-lite-v2 >&2
    CRUNLITE=$build/crun-lite
fi
[ -x "$CRUNLITE" ] || die "$CRUNLITE is not an executable"

# --- work space, state roots, cleanup -------------------------------------------------
STAMP=$(date -u +%Y-%m-%d-%H%M)
TAG="clb$$"                       # prefix of every id and cgroup of this run
WORK=$(mktemp -d /tmp/crun-lite-bench.XXXXXX)
chmod 755 "$WORK"
STATE=/run/crun-lite-bench.$$
RTS=(crun-lite crun runc)
declare -A BIN=([crun-lite]=$CRUNLITE [crun]=$(command -v crun) [runc]=$(command -v runc))
declare -A SHORT=([crun-lite]=lite [crun]=crun [runc]=runc)
mkdir -p "$STATE/crun-lite" "$STATE/crun" "$STATE/runc"
HOST_PID=
NS_PID=
CSV=$WORK/raw.csv
echo "runtime,metric,iteration,status,ns,maxrss_kib,cpu_us" > "$CSV"

cleanup() {
    set +e
    CLEANING=1
    # Containers first (crun's through its own namespace), then the helpers.
    if [ -n "$HOST_PID" ] || [ -n "$NS_PID" ]; then
        for rt in "${RTS[@]}"; do
            [ -d "$STATE/$rt" ] || continue
            for id in $(ls "$STATE/$rt" 2>/dev/null); do
                call "$rt" - "${BIN[$rt]}" --root "$STATE/$rt" delete --force "$id" 2>/dev/null
            done
        done
    fi
    # With /sys/fs/cgroup/unified unmounted, crun 1.8.1 makes a plain
    # directory (with a cgroup.procs file) per container in /sys/fs/cgroup's
    # tmpfs, hidden under the host's cgroup2 mount, and leaves it: remove
    # ours from inside the namespace, only where that is really tmpfs.
    if [ -n "$NS_PID" ] && [ "${CRUN_NS:-0}" = 1 ]; then
        call crun - sh -c "cd /sys/fs/cgroup/unified && [ \"\$(stat -f -c %T .)\" = tmpfs ] && rm -rf ./crun-lite-bench-$TAG-*; true" 2>/dev/null
    fi
    exec 3>&- 4<&- 5>&- 6<&- 2>/dev/null
    for p in $HOST_PID $NS_PID; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    for p in ${BASELINE_PIDS:-}; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    find /sys/fs/cgroup -depth -mindepth 2 -maxdepth 6 -type d -name "crun-lite-bench-$TAG-*" -exec rmdir {} \; 2>/dev/null
    rm -rf "$STATE" "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the measuring helpers ------------------------------------------------------------------
# bench/timer (posix_spawn, wait4, CLOCK_MONOTONIC) runs every command. One
# instance on the host, one inside a private mount namespace without
# /sys/fs/cgroup/unified for crun 1.8.1, which refuses hybrid hosts. Every
# runtime is spawned the same way; nothing else sits in the timed interval.
g++ -O2 -std=c++17 -o "$WORK/timer" "$HERE/timer.cpp"
mkfifo "$WORK/host.in" "$WORK/host.out" "$WORK/ns.in" "$WORK/ns.out"
"$WORK/timer" "$WORK/errors.log" < "$WORK/host.in" > "$WORK/host.out" &
HOST_PID=$!
exec 3> "$WORK/host.in" 4< "$WORK/host.out"
CRUN_NS=0
CRUN_NOTE="crun runs in the host's namespaces"
if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null && [ -d /sys/fs/cgroup/memory ]; then
    CRUN_NS=1
    CRUN_NOTE="every crun call runs inside one \`unshare -m --propagation private\` where /sys/fs/cgroup/unified is unmounted (crun 1.8.1 refuses hybrid hosts); that namespace's own timer spawns it, so no wrapper is timed"
    unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified && exec "$@"' sh \
        "$WORK/timer" "$WORK/errors.log" < "$WORK/ns.in" > "$WORK/ns.out" &
else
    "$WORK/timer" "$WORK/errors.log" < "$WORK/ns.in" > "$WORK/ns.out" &
fi
NS_PID=$!
exec 5> "$WORK/ns.in" 6< "$WORK/ns.out"

# call WHERE OUT ARG...: runs ARG... through the helper for WHERE (crun: the
# namespace one; anything else: the host one), stdout to OUT ("-": none).
# Sets R_STATUS, R_NS, R_RSS, R_CPU (user + system µs).
call() {
    local where=$1 line
    shift
    line=$(printf '%s\t' "$@")
    line=${line%$'\t'}
    if [ "$where" = crun ]; then
        printf '%s\n' "$line" >&5
        read -r R_STATUS R_NS R_RSS R_CPU <&6 || { [ -n "${CLEANING:-}" ] && return 1; die "the crun helper died (see $WORK/errors.log)"; }
    else
        printf '%s\n' "$line" >&3
        read -r R_STATUS R_NS R_RSS R_CPU <&4 || { [ -n "${CLEANING:-}" ] && return 1; die "the host helper died"; }
    fi
}
# rt RUNTIME OUT ARG...: the runtime with its own state root.
rt() {
    local r=$1 out=$2
    shift 2
    call "$r" "$out" "${BIN[$r]}" --root "$STATE/$r" "$@"
}
record() { echo "$1,$2,$3,$R_STATUS,$R_NS,$R_RSS,${R_CPU:-0}" >> "$CSV"; }
call crun - /bin/true
[ "$R_STATUS" = 0 ] || die "the helper in crun's namespace does not run"

# --- the bundle: runc's default config ---------------------------------------------------
ROOTFS=$WORK/rootfs
"$TOP/tests/support/make-busybox-rootfs.sh" "$ROOTFS"
(cd "$WORK" && runc spec)
mv "$WORK/config.json" "$WORK/spec.json"
# make_bundle DIR CGROUP ARGS_JSON [JQ]: runc spec + terminal false, the
# shared rootfs, a cgroup namespace too (runc spec has pid, net, ipc, uts,
# mount), a relative cgroupsPath, the given args.
make_bundle() {
    mkdir -p "$1"
    jq --arg root "$ROOTFS" --arg cg "$2" --argjson args "$3" \
        ".process.terminal = false | .process.args = \$args | .root.path = \$root
         | .linux.namespaces += [{\"type\": \"cgroup\"}] | .linux.cgroupsPath = \$cg | ${4:-.}" \
        "$WORK/spec.json" > "$1/config.json"
}
for r in "${RTS[@]}"; do
    make_bundle "$WORK/b-$r" "crun-lite-bench-$TAG-${SHORT[$r]}" '["/bin/true"]'
done

if [ "$WITH_VM" = 1 ]; then
    # shellcheck source=vm.sh
    . "$HERE/vm.sh"
    say "preparing the VM"
    vm_prepare
fi

stats() { # stats RUNTIME METRIC -> "median p95 min n" in ms (status 0 only)
    awk -F, -v r="$1" -v m="$2" '$1 == r && $2 == m && $4 == 0 && $3 >= 0 {print $5}' "$CSV" | sort -n |
        awk '{v[NR] = $1} END {
            if (NR == 0) { print "- - - 0"; exit }
            p = int(0.95 * NR + 0.999999); if (p < 1) p = 1; if (p > NR) p = NR
            med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.1f %.1f %.1f %d\n", med / 1e6, v[p] / 1e6, v[1] / 1e6, NR }'
}
cpu_median() { awk -F, -v r="$1" -v m="$2" '$1 == r && $2 == m && $4 == 0 && $3 >= 0 {print $7 / 1000}' "$CSV" | median_of | awk '$1 == "-" {print; next} {printf "%.1f\n", $1}'; }
failures() { awk -F, -v r="$1" -v m="$2" '$1 == r && $2 == m && $4 != 0 && $3 >= 0' "$CSV" | wc -l; }
median_of() { sort -n | awk '{v[NR] = $1} END { if (NR == 0) print "-"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# --- 1. start latency, round-robin -------------------------------------------------------------
say "start latency: $WARM warm-up + $RUNS runs each, round-robin"
vm_every=$(( VM_BOOTS > 0 ? (RUNS + VM_BOOTS - 1) / VM_BOOTS : 0 ))
for ((i = -WARM; i < RUNS; i++)); do
    k=$(( (i + WARM) % ${#RTS[@]} ))
    order=("${RTS[@]:k}" "${RTS[@]:0:k}")
    for r in "${order[@]}"; do
        id="$TAG-${SHORT[$r]}-run"
        rt "$r" - run --bundle "$WORK/b-$r" "$id"
        record "$r" run "$i"
        [ "$R_STATUS" = 0 ] || rt "$r" - delete --force "$id"
    done
    for r in "${order[@]}"; do
        id="$TAG-${SHORT[$r]}-cyc"
        rt "$r" - create --bundle "$WORK/b-$r" "$id"; record "$r" create "$i"; s1=$R_STATUS; t=$R_NS; c=$R_CPU
        rt "$r" - start "$id"; record "$r" start "$i"; s2=$R_STATUS; t=$((t + R_NS)); c=$((c + R_CPU))
        rt "$r" - delete --force "$id"; record "$r" delete "$i"; s3=$R_STATUS; t=$((t + R_NS)); c=$((c + R_CPU))
        R_NS=$t R_STATUS=$(( s1 || s2 || s3 )) R_RSS=0 R_CPU=$c
        record "$r" cycle "$i"
    done
    if [ "$WITH_VM" = 1 ] && [ "$vm_every" -gt 0 ] && [ "$i" -ge 0 ] && [ $((i % vm_every)) = 0 ]; then
        vm_boot
        R_RSS=${VM_RSS:-0}
        [ "$VM_OK" = 1 ] || R_STATUS=1
        record vm boot "$i"
    fi
    [ "$i" -lt 0 ] || [ $(( (i + 1) % 10 )) != 0 ] || say "  $((i + 1))/$RUNS"
done

# --- 2. footprint ----------------------------------------------------------------------------------
say "peak RSS: $RSS_RUNS runs each under /usr/bin/time"
declare -A PEAK
for ((i = 0; i < RSS_RUNS; i++)); do
    for r in "${RTS[@]}"; do
        rm -f "$WORK/rss.txt"
        call "$r" - /usr/bin/time -f %M -o "$WORK/rss.txt" "${BIN[$r]}" --root "$STATE/$r" run --bundle "$WORK/b-$r" "$TAG-${SHORT[$r]}-rss"
        R_RSS=$(tail -n1 "$WORK/rss.txt" 2>/dev/null || echo 0)
        record "$r" peak_rss "$i"
    done
done
for r in "${RTS[@]}"; do
    PEAK[$r]=$(awk -F, -v r="$r" '$1 == r && $2 == "peak_rss" && $4 == 0 {print $6}' "$CSV" | median_of)
done

# Binary and libraries: file size, stripped size, ldd's libraries.
declare -A BINSIZE STRIPPED NLIBS LIBSIZE LIBNAMES
for r in "${RTS[@]}"; do
    b=${BIN[$r]}
    BINSIZE[$r]=$(stat -L -c %s "$b")
    strip -o "$WORK/stripped" "$b" 2>/dev/null && STRIPPED[$r]=$(stat -c %s "$WORK/stripped") || STRIPPED[$r]=${BINSIZE[$r]}
    rm -f "$WORK/stripped"
    libs=$(ldd "$b" 2>/dev/null | awk '/=> \// {print $3} /^\t\// {print $1}' || true)
    NLIBS[$r]=$(printf '%s\n' "$libs" | grep -c . || true)
    LIBSIZE[$r]=0
    for l in $libs; do LIBSIZE[$r]=$(( LIBSIZE[$r] + $(stat -L -c %s "$l") )); done
    LIBNAMES[$r]=$(printf '%s\n' "$libs" | xargs -rn1 basename | { grep -v '^ld-linux' || true; } | tr '\n' ' ')
done

# Memory per idle container: IDLE containers running sleep at once, one
# runtime at a time. From each container's memory cgroup (usage) and the PSS
# of every process in it, less the PSS of as many plain busybox sleeps.
pss_of() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
say "idle memory: $IDLE plain sleeps as the baseline"
BASELINE_PIDS=
for ((n = 0; n < IDLE; n++)); do
    "$ROOTFS/bin/busybox" sleep 3600 </dev/null >/dev/null 2>&1 &
    BASELINE_PIDS="$BASELINE_PIDS $!"
done
sleep 1
base_sum=0
for p in $BASELINE_PIDS; do base_sum=$((base_sum + $(pss_of "$p"))); done
BASE_PSS=$((base_sum / IDLE))
for p in $BASELINE_PIDS; do kill "$p"; wait "$p" 2>/dev/null || true; done
BASELINE_PIDS=
declare -A IDLE_CG IDLE_PSS IDLE_EXTRA IDLE_OK
for r in "${RTS[@]}"; do
    say "idle memory: $IDLE containers with $r"
    ok=0
    for ((n = 0; n < IDLE; n++)); do
        make_bundle "$WORK/idle-$r-$n" "crun-lite-bench-$TAG-${SHORT[$r]}-idle$n" '["sleep", "3600"]'
        rt "$r" - create --bundle "$WORK/idle-$r-$n" --pid-file "$WORK/idle-$r-$n/pid" "$TAG-${SHORT[$r]}-idle$n"
        [ "$R_STATUS" = 0 ] || continue
        rt "$r" - start "$TAG-${SHORT[$r]}-idle$n"
        [ "$R_STATUS" = 0 ] && ok=$((ok + 1))
    done
    sleep 2
    cg_sum=0; pss_sum=0; counted=0
    for ((n = 0; n < IDLE; n++)); do
        pid=$(cat "$WORK/idle-$r-$n/pid" 2>/dev/null) || continue
        memcg=$(awk -F: '$2 == "memory" {print $3}' "/proc/$pid/cgroup" 2>/dev/null)
        if [ -n "$memcg" ] && [ -r "/sys/fs/cgroup/memory$memcg/memory.usage_in_bytes" ]; then
            cg_sum=$((cg_sum + $(cat "/sys/fs/cgroup/memory$memcg/memory.usage_in_bytes") / 1024))
            for p in $(cat "/sys/fs/cgroup/memory$memcg/cgroup.procs"); do pss_sum=$((pss_sum + $(pss_of "$p"))); done
        else # v2: the container's own cgroup
            cg=$(awk -F: '$1 == "0" {print $3}' "/proc/$pid/cgroup")
            cg_sum=$((cg_sum + $(cat "/sys/fs/cgroup$cg/memory.current" 2>/dev/null || echo 0) / 1024))
            for p in $(cat "/sys/fs/cgroup$cg/cgroup.procs" 2>/dev/null); do pss_sum=$((pss_sum + $(pss_of "$p"))); done
        fi
        counted=$((counted + 1))
    done
    # Whatever the runtime leaves running beside its containers (a monitor,
    # a shim): processes whose command line names this runtime's state root.
    extra=0
    for p in $(pgrep -f -- "--root $STATE/$r " || true); do extra=$((extra + $(pss_of "$p"))); done
    if [ "$counted" -gt 0 ]; then
        IDLE_CG[$r]=$((cg_sum / counted))
        IDLE_PSS[$r]=$(( (pss_sum + extra) / counted - BASE_PSS ))
        IDLE_EXTRA[$r]=$((extra / counted))
    fi
    IDLE_OK[$r]=$ok
    echo "$r,idle_cgroup_kib,$counted,0,0,${IDLE_CG[$r]:-0},0" >> "$CSV"
    echo "$r,idle_pss_over_baseline_kib,$counted,0,0,${IDLE_PSS[$r]:-0},0" >> "$CSV"
    for ((n = 0; n < IDLE; n++)); do
        rt "$r" - delete --force "$TAG-${SHORT[$r]}-idle$n"
        rm -rf "$WORK/idle-$r-$n"
    done
done

# Disk per container: crun-lite --overlay over the shared rootfs after a
# small write, against a full copy of the rootfs.
say "disk per container"
make_bundle "$WORK/b-disk" "crun-lite-bench-$TAG-lite-disk" '["sh", "-c", "echo hello > /root/hello"]' '.root.readonly = false'
mkdir -p "$WORK/upper"
rt crun-lite - run --overlay --overlay-upper "$WORK/upper" --bundle "$WORK/b-disk" "$TAG-lite-disk"
DISK_STATUS=$R_STATUS
DISK_UPPER=$(du -sk "$WORK/upper" | cut -f1)
DISK_UPPER_FILES=$(find "$WORK/upper" -mindepth 1 | wc -l)
cp -a "$ROOTFS" "$WORK/rootfs-copy"
DISK_COPY=$(du -sk "$WORK/rootfs-copy" | cut -f1)
rm -rf "$WORK/rootfs-copy" "$WORK/upper"

# --- 3. smallest memory limit that still runs /bin/true --------------------------------------------
# Bisection on linux.resources.memory.limit between 256 KiB and 64 MiB, one
# step per runtime per round.
say "smallest memory limit (bisection, ${MEM_STEP_KIB} KiB resolution)"
mem_try() { # mem_try RUNTIME KIB -> status
    make_bundle "$WORK/b-mem-$1" "crun-lite-bench-$TAG-${SHORT[$1]}-mem" '["/bin/true"]' \
        ".linux.resources.memory = {\"limit\": $(($2 * 1024))}"
    rt "$1" - run --bundle "$WORK/b-mem-$1" "$TAG-${SHORT[$1]}-mem"
    local s=$R_STATUS
    R_RSS=$2
    record "$1" memlimit_try "$2"
    [ "$s" = 0 ] || rt "$1" - delete --force "$TAG-${SHORT[$1]}-mem"
    return "$s"
}
declare -A LO HI MINLIM
for r in "${RTS[@]}"; do
    if ! mem_try "$r" 65536; then MINLIM[$r]="> 64 MiB"
    elif mem_try "$r" 256; then MINLIM[$r]=256
    else LO[$r]=256; HI[$r]=65536; fi
done
while :; do
    busy=0
    for r in "${RTS[@]}"; do
        [ -n "${HI[$r]:-}" ] && [ -z "${MINLIM[$r]:-}" ] || continue
        if [ $((HI[$r] - LO[$r])) -le "$MEM_STEP_KIB" ]; then MINLIM[$r]=${HI[$r]}; continue; fi
        busy=1
        mid=$(( (LO[$r] + HI[$r]) / 2 / 4 * 4 ))
        if mem_try "$r" "$mid"; then HI[$r]=$mid; else LO[$r]=$mid; fi
    done
    [ "$busy" = 1 ] || break
done
# Confirm each answer with two more runs; where it flakes, step up by 1/16
# until two in a row pass (at most 8 steps).
declare -A MINNOTE
for r in "${RTS[@]}"; do
    case ${MINLIM[$r]} in *MiB*) continue ;; esac
    first=${MINLIM[$r]}
    for ((step = 0; step < 8; step++)); do
        mem_try "$r" "${MINLIM[$r]}" && mem_try "$r" "${MINLIM[$r]}" && break
        MINLIM[$r]=$(( (MINLIM[$r] * 17 / 16 + 3) / 4 * 4 ))
    done
    [ "${MINLIM[$r]}" = "$first" ] || MINNOTE[$r]=" (flaky from $first KiB)"
done

# --- 4. the VM's idle memory ------------------------------------------------------------------------
VM_IDLE_RSS=
VM_IDLE_PSS=
if [ "$WITH_VM" = 1 ] && [ "$QUICK" = 0 ]; then
    say "idle VM"
    vm_idle
fi

# --- 5. containerd: the native shim against containerd's runc shim -------------------------------
# bench/shim.sh (its own private containerd, its own cleanup); its CSV
# gives the table's containerd rows and the chart's bars. Skipped without
# containerd and ctr, or with NO_SHIM=1.
SHIM_CSV=
SHIM_MD=
if [ -z "${NO_SHIM:-}" ] && have containerd && have ctr && [ -x "$(dirname "$CRUNLITE")/containerd-shim-crun-lite-v2" ]; then
    say "containerd: bench/shim.sh"
    mkdir -p "$WORK/shim"
    if CRUNLITE=$CRUNLITE RESULTS_DIR=$WORK/shim "$HERE/shim.sh" "$([ "$QUICK" = 1 ] && echo 3 || echo 30)" "$IDLE" \
        > "$WORK/shim.log" 2>&1; then
        SHIM_CSV=$(ls "$WORK"/shim/shim-*.csv 2>/dev/null | head -n1 || true)
        SHIM_MD=$(ls "$WORK"/shim/shim-*.md 2>/dev/null | head -n1 || true)
    else
        say "bench/shim.sh failed: $(tail -n 5 "$WORK/shim.log")"
    fi
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- results ---------------------------------------------------------------------------------------------
mkdir -p "$OUT"
BASE=$OUT/bench-$STAMP
cp "$CSV" "$BASE.csv"
if [ -n "$SHIM_MD" ]; then cp "$SHIM_MD" "$OUT/shim-$STAMP.md"; cp "$SHIM_CSV" "$OUT/shim-$STAMP.csv"; fi
kib() { [ -n "$1" ] && [ "$1" != - ] && awk -v k="$1" 'BEGIN { if (k >= 10240) printf "%.1f MiB", k / 1024; else printf "%d KiB", k }' || echo -; }
bytes() { awk -v b="$1" 'BEGIN { if (b >= 1048576) printf "%.1f MiB", b / 1048576; else printf "%.0f KiB", b / 1024 }'; }
minlim() { case $1 in *MiB*) echo "$1" ;; *) kib "$1" ;; esac; }

declare -A RUN CYC CRE STA DEL
for r in "${RTS[@]}"; do
    RUN[$r]=$(stats "$r" run); CYC[$r]=$(stats "$r" cycle)
    CRE[$r]=$(stats "$r" create); STA[$r]=$(stats "$r" start); DEL[$r]=$(stats "$r" delete)
done
VMB=$(stats vm boot)
VM_PEAK=$(awk -F, '$1 == "vm" && $2 == "boot" && $4 == 0 {print $6}' "$CSV" | median_of)
field() { echo "$1" | cut -d' ' -f"$2"; }
version() {
    case $1 in
        runc) runc --version | head -n1 | sed 's/runc version //' ;;
        crun) crun --version | head -n1 | sed 's/crun version //' ;;
        crun-lite) "$CRUNLITE" --version | head -n1 | sed 's/crun-lite version //' ;;
    esac
}
build_type=$(grep -s '^CMAKE_BUILD_TYPE:' "$(dirname "$CRUNLITE")/CMakeCache.txt" | cut -d= -f2 || true)
[ -n "$build_type" ] || build_type="project default RelWithDebInfo"
file -L "$CRUNLITE" | grep -q 'with debug_info' && build_type="$build_type, with debug info"
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then cgmode="cgroup v2 (unified)"
elif mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then cgmode="hybrid (v1 controllers, cgroup2 at /sys/fs/cgroup/unified)"
else cgmode="cgroup v1"; fi
accel_note="TCG, software emulation: no usable /dev/kvm"
[ "${VM_ACCEL:-tcg}" = kvm ] && accel_note="KVM"

# The bar.
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "-" && b != "-" && a + 0 <= b + 0) }'; }
lim_kib() { case $1 in *MiB*) echo 999999999 ;; *) echo "$1" ;; esac; }
BAR=()
MISSED=0
lite_run=$(field "${RUN[crun-lite]}" 1); crun_run=$(field "${RUN[crun]}" 1); runc_run=$(field "${RUN[runc]}" 1)
third=$(awk -v x="$runc_run" 'BEGIN { printf "%.1f", x / 3 }')
check() { # check OK TEXT
    if [ "$1" = 1 ]; then BAR+=("- met: $2"); else BAR+=("- **not met**: $2"); MISSED=1; fi
}
ok=0; le "$lite_run" "$crun_run" && ok=1
check $ok "median \`run\` latency at or below crun's (crun-lite $lite_run ms, crun $crun_run ms)"
ok=0; awk -v a="$lite_run" -v b="$runc_run" 'BEGIN { exit !(a != "-" && b != "-" && a * 3 < b) }' && ok=1
check $ok "median \`run\` latency under a third of runc's (crun-lite $lite_run ms, runc/3 = $third ms)"
ok=0; le "${PEAK[crun-lite]}" "${PEAK[crun]}" && ok=1
check $ok "runtime peak RSS at or below crun's (crun-lite ${PEAK[crun-lite]} KiB, crun ${PEAK[crun]} KiB)"
ok=0; le "$(lim_kib "${MINLIM[crun-lite]}")" "$(lim_kib "${MINLIM[crun]}")" && ok=1
check $ok "smallest working memory limit at or below crun's (crun-lite $(minlim "${MINLIM[crun-lite]}"), crun $(minlim "${MINLIM[crun]}"))"

BAR+=("- for information, not part of the bar: median CPU time of \`run\` (user + system, runtime and container) crun-lite $(cpu_median crun-lite run) ms, crun $(cpu_median crun run) ms, runc $(cpu_median runc run) ms")

# Chart data: latency (ms) and memory per container (KiB).
{
    for r in "${RTS[@]}"; do
        printf '"%s" %s %s %s %s\n' "$r" "$(field "${RUN[$r]}" 1)" "$(field "${RUN[$r]}" 2)" "$(field "${CYC[$r]}" 1)" "$(field "${CYC[$r]}" 2)"
    done
    [ "$WITH_VM" = 1 ] && printf '"VM (qemu %s)" %s %s - -\n' "${VM_ACCEL:-tcg}" "$(field "$VMB" 1)" "$(field "$VMB" 2)"
    printf '"Firecracker (quoted)" 125 125 - -\n'
    # ctr run --rm end to end (containerd, image, shim): run median and p95.
    if [ -n "$SHIM_CSV" ]; then awk -F, '$2 == "ctr_run_ms" {printf "\"ctr run --rm: %s\" %s %s - -\n", $1, $3, $4}' "$SHIM_CSV"; fi
} | sed 's/ - / NaN /g; s/ -$/ NaN/; s/ - / NaN /g' > "$WORK/latency.dat"
{
    for r in "${RTS[@]}"; do printf '"%s" %s\n' "$r" "${IDLE_CG[$r]:-NaN}"; done
    [ -n "$VM_IDLE_RSS" ] && printf '"idle VM (qemu %s RSS)" %s\n' "${VM_ACCEL:-tcg}" "$VM_IDLE_RSS"
    printf '"Firecracker VMM (quoted)" 5120\n'
    if [ -n "$SHIM_CSV" ]; then awk -F, '$2 == "idle_rss_pss_kib" {printf "\"containerd %s: shim PSS\" %s\n", $1, $4}' "$SHIM_CSV"; fi
} > "$WORK/memory.dat"
gnuplot -e "latency='$WORK/latency.dat'; memory='$WORK/memory.dat'; out='$BASE.svg'; title='crun-lite bench $STAMP, $(uname -r), ${cgmode%% (*}'" \
    "$HERE/chart.gp" 2>"$WORK/gnuplot.log" || say "gnuplot failed: $(cat "$WORK/gnuplot.log")"
[ -z "${BENCH_PNG:-}" ] || gnuplot -e "fmt='png'; latency='$WORK/latency.dat'; memory='$WORK/memory.dat'; out='$BASE.png'; title='crun-lite bench $STAMP'" "$HERE/chart.gp" 2>/dev/null || true

{
    echo "# crun-lite benchmark, $STAMP"
    echo
    [ "$QUICK" = 1 ] && { echo "**Quick mode** (CI smoke run): few runs, $IDLE idle containers, coarse bisection; the numbers mean little."; echo; }
    echo "| | |"
    echo "| --- | --- |"
    echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
    echo "| kernel | $(uname -r) |"
    echo "| cgroup mode | $cgmode |"
    echo "| CPU | $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) cores |"
    echo "| load average before / after | $LOAD_BEFORE / $LOAD_AFTER |"
    echo "| crun-lite | $(version crun-lite) ($build_type; $CRUNLITE) |"
    echo "| crun | $(version crun) |"
    echo "| runc | $(version runc) |"
    [ "$WITH_VM" = 1 ] && echo "| VM | qemu $(qemu-system-x86_64 --version | head -n1 | awk '{print $4}') -M microvm, $accel_note, -m $VM_MEM, Debian kernel $VM_KVER (uncompressed PVH ELF), busybox initramfs |"
    echo "| crun | $CRUN_NOTE |"
    echo "| config | \`runc spec\` + terminal false, args [\"/bin/true\"], a cgroup namespace (so pid, net, ipc, uts, mount, cgroup), relative cgroupsPath \`crun-lite-bench-<tag>-<rt>\` (runc and crun-lite nest it under their caller's cgroup, crun under each hierarchy's root); one shared busybox rootfs |"
    echo "| method | each call spawned by bench/timer (posix_spawn + wait4, CLOCK_MONOTONIC), runtimes round-robin with the starting runtime rotated every iteration; $WARM warm-up rounds, then $RUNS; the cycle is create + start + \`delete --force\` |"
    echo
    echo "## Start latency (ms)"
    echo
    echo "Wall time from spawn to exit. *Run CPU time* is user + system time of the runtime and the processes it reaped (wait4's rusage): it is what the runtime costs, and it moves much less than wall time when other work competes for the CPUs."
    echo
    echo "| runtime | run median | run p95 | run min | n (failed) | run CPU time median | create+start+delete median | p95 | min | n (failed) | create / start / delete medians |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    for r in "${RTS[@]}"; do
        R=(${RUN[$r]}); C=(${CYC[$r]})
        echo "| $r | ${R[0]} | ${R[1]} | ${R[2]} | ${R[3]} ($(failures "$r" run)) | $(cpu_median "$r" run) | ${C[0]} | ${C[1]} | ${C[2]} | ${C[3]} ($(failures "$r" cycle)) | $(field "${CRE[$r]}" 1) / $(field "${STA[$r]}" 1) / $(field "${DEL[$r]}" 1) |"
    done
    if [ "$WITH_VM" = 1 ]; then
        V=($VMB)
        echo "| VM: qemu boot, /init runs /bin/true, poweroff ($accel_note) | ${V[0]} | ${V[1]} | ${V[2]} | ${V[3]} ($(failures vm boot)) | $(cpu_median vm boot) | | | | | |"
    fi
    echo "| Firecracker, *quoted* (published: ~125 ms to guest init, KVM) | ~125 | | | | | | | | | |"
    echo
    echo "## Footprint"
    echo
    echo "| runtime | peak RSS of \`run\` (median of $RSS_RUNS, /usr/bin/time %M) | binary (stripped) | shared libraries (ldd) | memory per idle container: cgroup usage | PSS over a plain sleep | smallest memory limit for /bin/true |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    for r in "${RTS[@]}"; do
        echo "| $r | $(kib "${PEAK[$r]}") | $(bytes "${BINSIZE[$r]}") ($(bytes "${STRIPPED[$r]}")) | ${NLIBS[$r]}, $(bytes "${LIBSIZE[$r]}"): ${LIBNAMES[$r]}| $(kib "${IDLE_CG[$r]:-}") | $(kib "${IDLE_PSS[$r]:-}") | $(minlim "${MINLIM[$r]}")$([ "${MINLIM[$r]}" = 256 ] && echo ' (the floor of the search)')${MINNOTE[$r]:-} |"
    done
    if [ "$WITH_VM" = 1 ]; then
        echo "| VM: qemu ($accel_note) | $(kib "$VM_PEAK") (whole boot) | $(bytes "$(stat -L -c %s "$(command -v qemu-system-x86_64)")") qemu + $(bytes "$(stat -L -c %s "$VM_KERNEL")") kernel | $(ldd "$(command -v qemu-system-x86_64)" | grep -c '=> /') | idle VM: RSS $(kib "$VM_IDLE_RSS"), PSS $(kib "$VM_IDLE_PSS")$([ -z "$VM_IDLE_RSS" ] && echo ' (not measured in quick mode)') | | guest RAM $VM_MEM |"
    fi
    echo "| Firecracker, *quoted* | | | | VMM overhead < 5 MiB (published) | | |"
    echo
    echo "Idle containers: $IDLE at once per runtime, each running busybox \`sleep 3600\`; started: $(for r in "${RTS[@]}"; do printf '%s %s, ' "$r" "${IDLE_OK[$r]}"; done | sed 's/, $//'). Cgroup usage is the container's v1 memory cgroup \`memory.usage_in_bytes\` (kernel memory included); PSS is that of every process in it plus any runtime process left beside it (none for $(for r in "${RTS[@]}"; do [ "${IDLE_EXTRA[$r]:-0}" = 0 ] && printf '%s ' "$r"; done)), less a plain busybox sleep's PSS ($BASE_PSS KiB, $IDLE running at once)."
    echo
    echo "Disk per container: crun-lite \`--overlay\` over the shared rootfs, after writing /root/hello: upper dir $DISK_UPPER KiB ($DISK_UPPER_FILES entries, run status $DISK_STATUS); a full copy of the rootfs (what runc and crun need for a private writable root): $DISK_COPY KiB."
    echo
    echo "Smallest memory limit: bisection of \`linux.resources.memory.limit\` from 64 MiB down to 256 KiB, ${MEM_STEP_KIB} KiB resolution, the answer confirmed by two more runs, stepping up by 1/16 where it flakes (v1 memory cgroup here: the limit covers what the runtime's child touches after joining the cgroup, before exec)."
    echo
    if [ -n "$SHIM_CSV" ]; then
        echo "## Under containerd (bench/shim.sh)"
        echo
        echo "\`ctr run --rm IMAGE ID /bin/true\` end to end through a private containerd $(containerd --version | awk '{print $3}') (busybox image, overlayfs), the three ways interleaved; and $IDLE idle containers (\`sleep 3600\`) per way: their shims' memory per container (smaps_rollup). native: \`containerd-shim-crun-lite-v2\`; runc-shim: containerd's \`io.containerd.runc.v2\` driving crun-lite (BinaryName) or runc."
        echo
        echo "| containerd, ctr run --rm | median (ms) | p95 (ms) | shim RSS per idle container | shim PSS per idle container |"
        echo "| --- | --- | --- | --- | --- |"
        awk -F, 'NR > 1 && $2 == "ctr_run_ms" {m[$1] = $3; p[$1] = $4; order[++n] = $1}
                 NR > 1 && $2 == "idle_rss_pss_kib" {r[$1] = $3; s[$1] = $4}
                 END {for (i = 1; i <= n; i++) {k = order[i]; printf "| %s | %s | %s | %s KiB | %s KiB |\n", k, m[k], p[k], r[k], s[k]}}' "$SHIM_CSV"
        echo
        awk -F, '$2 == "ctr_run_ms" {m[$1] = $3} $2 == "idle_rss_pss_kib" {s[$1] = $4}
                 END {if (m["runc-shim+runc"] && m["runc-shim+crun-lite"]) printf "Targets (issue 13): native / runc-shim+runc %.2fx (at most 0.5x), native / runc-shim+crun-lite %.2fx (at most 0.75x), PSS native / runc-shim+runc %.3fx (at most 0.25x).\n", m["native"] / m["runc-shim+runc"], m["native"] / m["runc-shim+crun-lite"], (s["runc-shim+runc"] ? s["native"] / s["runc-shim+runc"] : 0)}' "$SHIM_CSV"
        echo
        echo "Full output: [shim-$STAMP.md](shim-$STAMP.md)."
        echo
    fi
    echo "## The bar"
    echo
    printf '%s\n' "${BAR[@]}"
    echo
    echo "Timings are noisy: this machine has $(nproc) cores shared with other work (see the load average). Interleaving keeps the comparison fair, not the absolute numbers steady."
    echo
    echo "Chart: [bench-$STAMP.svg](bench-$STAMP.svg); raw data: [bench-$STAMP.csv](bench-$STAMP.csv)."
} > "$BASE.md"

if [ "$MISSED" = 1 ] && [ "$QUICK" = 0 ]; then
    say "crun-lite misses the bar: profiling"
    WORK=$WORK STATE=$STATE CRUNLITE=$CRUNLITE BUNDLE=$WORK/b-crun-lite TAG=$TAG \
        "$HERE/profile.sh" > "$OUT/PROFILE-$STAMP.md" 2>"$WORK/profile.log" || say "profile failed: $(tail -n 5 "$WORK/profile.log")"
    echo "Profile: [PROFILE-$STAMP.md](PROFILE-$STAMP.md)." >> "$BASE.md"
fi

cat "$BASE.md"
say "results: $BASE.md, $BASE.csv, $BASE.svg"
