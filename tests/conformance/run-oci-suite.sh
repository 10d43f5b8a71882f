#!/bin/bash
# The public OCI runtime validation suite (opencontainers/runtime-tools,
# vendored unmodified in ../shared/oci-runtime-tools) against a runtime:
#
#   run-oci-suite.sh RUNTIME [PROGRAM...]
#
# Builds the suite (build-oci-suite.sh), runs each program on its own (they
# share fixed cgroup paths) in its own working dir, and judges its TAP
# output. Exits non-zero when a program fails that is not
# in expected-failures, or passes while listed there (the list only shrinks).
# OCI_SUITE_SRC and OCI_SUITE_WORK as for build-oci-suite.sh;
# OCI_SUITE_RESULTS is where each program's output goes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
runtime=${1:?usage: run-oci-suite.sh RUNTIME [PROGRAM...]}
shift
runtime=$(readlink -f "$runtime")
work=$(mkdir -p "${OCI_SUITE_WORK:-$top/build/oci-suite}" && cd "${OCI_SUITE_WORK:-$top/build/oci-suite}" && pwd)
results=${OCI_SUITE_RESULTS:-$work/results}
expected=$here/expected-failures
suite=$("$here/build-oci-suite.sh") || exit 2

# ---- run --------------------------------------------------------------------
if [ $# -gt 0 ]; then
    programs="$*"
else
    programs=$(cd "$suite/validation" && ls -d */ | tr -d / | grep -v '^util$')
fi
mkdir -p "$results"

# judge OUTPUT_FILE: PASS, or FAIL and why. A failure is a non-zero exit, a
# "not ok" line, or a free-standing diagnostic (a YAML block attached to no
# test line) carrying an "error" key, which is how the suite's lifecycle
# programs report. Free-standing blocks without one (runtimetest's own
# output echoed) are not failures.
judge() {
    awk '
    NR == 1 { if ($2 != "rc=0") bad = bad " exit " substr($2, 4); next }
    /^not ok/ { bad = bad " [" $0 "]" }
    /^  ---$/ { inblock = 1; free = (prev !~ /^(not )?ok /); next }
    /^  \.\.\.$/ { inblock = 0; next }
    inblock && free && /^    "error":/ { bad = bad " [" substr($0, 5, 160) "]" }
    !inblock && (/^(ok|not ok) / || /^TAP version/ || /^1\.\./) { prev = $0 }
    END { if (bad == "") print "PASS"; else print "FAIL" bad }' "$1"
}

is_expected() { grep -q "^$1[[:space:]]" "$expected"; }
is_flaky() { grep -Eq "^$1[[:space:]]+flaky:" "$expected"; }

# A program's cgroups, from any runtime, are named after the suite's fixed
# paths; none may be left once it ends.
leftover_cgroups() {
    find /sys/fs/cgroup -mindepth 1 -maxdepth 6 -type d \( -name cgrouptest -o -name testdir \) 2>/dev/null
}

if [ -n "$(leftover_cgroups)" ]; then
    echo "run-oci-suite: cgroups named like the suite's exist already (another runtime's leftovers?):" >&2
    leftover_cgroups >&2
    exit 2
fi

passed=0 failed=0 unexpected=0
for name in $programs; do
    dir=$(mktemp -d "${TMPDIR:-/tmp}/oci-suite.XXXXXX")
    cp "$suite/runtimetest" "$suite/rootfs-amd64.tar.gz" "$dir/"
    out=$results/$name.tap
    (cd "$dir" && RUNTIME=$runtime TMPDIR=$dir timeout 180 "$suite/validation/$name/$name.t" >"$dir/out" 2>&1
     echo "$name rc=$?" >"$out"; cat "$dir/out" >>"$out")
    mounts=$(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo)
    if [ -n "$mounts" ]; then
        unexpected=$((unexpected + 1))
        echo "LEAK  $name left mounts behind: $(echo "$mounts" | tr '\n' ' ')"
        echo "$mounts" | sort -r | while read -r m; do umount -l "$m"; done
    fi
    rm -rf "$dir"
    verdict=$(judge "$out")
    left=$(leftover_cgroups)
    if [ -n "$left" ]; then
        unexpected=$((unexpected + 1))
        echo "LEAK  $name left cgroups behind: $(echo "$left" | tr '\n' ' ')"
    fi
    if is_flaky "$name"; then
        echo "flaky $name: ${verdict%% *} (a race in the suite; either is accepted)"
        [ "$verdict" = PASS ] && passed=$((passed + 1)) || failed=$((failed + 1))
    elif [ "$verdict" = PASS ]; then
        passed=$((passed + 1))
        if is_expected "$name"; then
            unexpected=$((unexpected + 1))
            echo "XPASS $name: passes now; remove it from $expected"
        else
            echo "ok    $name"
        fi
    else
        failed=$((failed + 1))
        if is_expected "$name"; then
            echo "xfail $name"
        else
            unexpected=$((unexpected + 1))
            echo "FAIL  $name:${verdict#FAIL} (output: $out)"
        fi
    fi
done
total=$((passed + failed))
echo "$passed of $total programs pass; $unexpected unexpected result(s)"
[ "$unexpected" -eq 0 ]
