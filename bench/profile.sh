#!/bin/bash
# Where crun-lite's start time goes; markdown on stdout. Called by
# bench/run.sh when crun-lite misses the bar, or by hand:
#   CRUNLITE=build/crun-lite BUNDLE=DIR WORK=DIR STATE=DIR TAG=x bench/profile.sh
# BUNDLE runs /bin/true. Uses perf (software cpu-clock sampling: this VM has
# no hardware counters), valgrind's callgrind, strace and ld.so statistics;
# installs what is missing.
set -uo pipefail
CRUN=${CRUNLITE:?}
BUNDLE=${BUNDLE:?}
WORK=${WORK:?}
ROOT=${STATE:?}/profile
TAG=${TAG:-prof$$}
N=${PROFILE_RUNS:-30}
mkdir -p "$ROOT"
need=()
command -v perf >/dev/null || need+=(linux-perf)
command -v valgrind >/dev/null || need+=(valgrind)
command -v strace >/dev/null || need+=(strace)
[ ${#need[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${need[@]}" >&2

cl() { "$CRUN" --root "$ROOT" "$@"; }
cleanup() { for id in $(ls "$ROOT" 2>/dev/null); do cl delete --force "$id" >/dev/null 2>&1; done; rm -rf "$ROOT"; }
trap cleanup EXIT

echo "# Profile of crun-lite's \`run\` of /bin/true, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "Binary: $CRUN ($(stat -L -c %s "$CRUN") bytes). Kernel $(uname -r). \`perf stat -e instructions\` is not supported in this VM, so: perf with the software cpu-clock event, callgrind (instruction counts, user space), strace and ld.so statistics."
echo

echo "## perf stat, $N runs"
echo
echo '```'
perf stat -r "$N" -e task-clock,page-faults,context-switches,cpu-migrations \
    sh -c "\"$CRUN\" --root \"$ROOT\" run --bundle \"$BUNDLE\" $TAG-stat" 2>&1 >/dev/null | grep -v '^$'
echo '```'
echo

echo "## perf record (cpu-clock, $N runs): samples by process name and DSO (\`true\` is the container, \`sh\` the loop)"
echo
for ((i = 0; i < N; i++)); do echo "\"$CRUN\" --root \"$ROOT\" run --bundle \"$BUNDLE\" $TAG-rec"; done > "$WORK/prof-runs.sh"
perf record -q -e cpu-clock -F 20000 -g -o "$WORK/perf.data" -- sh "$WORK/prof-runs.sh" >/dev/null 2>&1
echo '```'
perf report -i "$WORK/perf.data" --stdio --no-children -g none --sort comm,dso 2>/dev/null | grep -E '^ +[0-9]' | head -n 15
echo '```'
echo
echo "Top symbols (self), the crun-lite process only:"
echo
echo '```'
perf report -i "$WORK/perf.data" --stdio --no-children --comm crun-lite -g none --sort dso,sym 2>/dev/null | grep -E '^ +[0-9]' | head -n 30
echo '```'
echo
echo "Top symbols (inclusive, with children), the crun-lite process only:"
echo
echo '```'
perf report -i "$WORK/perf.data" --stdio --children --comm crun-lite -g none --sort sym 2>/dev/null | grep -E '^ +[0-9]' | head -n 40
echo '```'
echo

echo "## callgrind: user-space instructions up to clone3"
echo
echo "valgrind 3.19 has no clone3 (ENOSYS), so this covers what runs before the container process exists: loading, CLI, config parsing and validation, state dir, cgroup set-up. Top functions by inclusive cost:"
echo
valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" "$CRUN" --root "$ROOT" run --bundle "$BUNDLE" "$TAG-cg" >/dev/null 2>"$WORK/callgrind.log"
cl delete --force "$TAG-cg" >/dev/null 2>&1
echo '```'
grep -E 'Collected|refs' "$WORK/callgrind.log" | sed 's/^==[0-9]*== //' | head -n 2
callgrind_annotate --inclusive=yes "$WORK/callgrind.out" 2>/dev/null | sed -n '/^Ir/,$p' | grep -E '^ *[0-9,]+ ' | head -n 40 |
    sed -E 's/\(([^()]*\([^()]*\))*[^()]*\)/(..)/g' | cut -c1-200
echo '```'
echo

echo "## Dynamic loading (LD_DEBUG=statistics, \`crun-lite --version\`)"
echo
echo '```'
LD_DEBUG=statistics "$CRUN" --version 2>&1 >/dev/null | sed 's/^ *[0-9]*: *//' | grep -v '^$' | head -n 12
echo '```'
echo

echo "## Syscalls (strace -f -c -w, one run, by count; wall time per call is inflated by strace)"
echo
echo '```'
strace -f -c -w -S calls -o "$WORK/strace-c.txt" "$CRUN" --root "$ROOT" run --bundle "$BUNDLE" "$TAG-st" >/dev/null 2>&1
head -n 25 "$WORK/strace-c.txt"
echo '```'
echo
echo "Slowest syscalls of one run (strace -f -T; a blocking wait on the child is expected):"
echo
echo '```'
strace -f -T -o "$WORK/strace-T.txt" "$CRUN" --root "$ROOT" run --bundle "$BUNDLE" "$TAG-st2" >/dev/null 2>&1
sed -nE 's/^([0-9]+) +(.*) <([0-9.]+)>$/\3 \1 \2/p' "$WORK/strace-T.txt" | sort -rn | head -n 15 | cut -c1-180
echo "total syscalls: $(grep -c . "$WORK/strace-T.txt")"
echo '```'
echo

echo "## Where the resident memory of \`crun-lite run\` sits (smaps of the waiting runtime, KiB)"
echo
jq '.process.args = ["sleep", "5"]' "$BUNDLE/config.json" > "$WORK/prof-sleep.json"
mkdir -p "$WORK/prof-sleep"
cp "$WORK/prof-sleep.json" "$WORK/prof-sleep/config.json"
"$CRUN" --root "$ROOT" run --bundle "$WORK/prof-sleep" "$TAG-rss" >/dev/null 2>&1 &
rp=$!
sleep 2
echo '```'
awk '/^[0-9a-f]+-[0-9a-f]+ / {name = ($6 == "") ? "[anon]" : $6} /^Rss:/ {r[name] += $2} END {for (n in r) if (r[n] > 0) printf "%6d %s\n", r[n], n}' "/proc/$rp/smaps" 2>/dev/null | sort -rn | head -n 15
grep -E '^(Rss|Pss|Anonymous):' "/proc/$rp/smaps_rollup" 2>/dev/null
echo '```'
cl delete --force "$TAG-rss" >/dev/null 2>&1
wait "$rp" 2>/dev/null
exit 0
