#!/bin/bash
# Crash safety: the runtime SIGKILLed at a random moment of create, run or
# exec, as containerd, kubelet or podman may do (timeouts, retries). Then
# `delete --force ID` (or, where no state dir was left, nothing at all) must
# leave no process, cgroup, mount or state dir. Many rounds, random kill
# points; counts and leftovers only (a bounded wait for dying processes,
# never a timed assertion).
#   FAULT_ROUNDS   rounds per operation (default 30)
. "$(dirname "$0")/lib.sh"

ROUNDS=${FAULT_ROUNDS:-30}
MARK=crunlite_fault_$$

# Every process of a round carries MARK=<id> in its environment: the
# runtime's own children inherit the test's, the container's process gets
# it from process.env.
marked() { grep -lsz "^$MARK=$1\$" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3; }

cgroups_of() { find /sys/fs/cgroup -mindepth 2 -maxdepth 8 -type d -name "$1" 2>/dev/null; }
mounts_under() { awk -v d="$1" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo; }

# leftovers ID: what is left of round ID, after giving dying processes up
# to 5 s to go.
leftovers() {
    for _ in $(seq 100); do [ -z "$(marked "$1")" ] && break; sleep 0.05; done
    local out=""
    p=$(marked "$1")
    [ -n "$p" ] && out+=" processes: $(echo $p)"
    c=$(cgroups_of "$1")
    [ -n "$c" ] && out+=" cgroups: $(echo $c)"
    [ -e "$ROOT/$1" ] && out+=" state dir: $ROOT/$1"
    m=$(mounts_under "$ROOTFS")
    [ -n "$m" ] && out+=" mounts: $(echo $m)"
    echo "$out"
}

# after_kill ID: the cleanup a client does, then the check.
after_kill() {
    if [ -e "$ROOT/$1" ]; then
        crun delete --force "$1" >/dev/null 2>"$WORK/delete.err" || echo "delete --force $1 failed: $(cat "$WORK/delete.err")"
    fi
    leftovers "$1"
}

# kill_after MS CMD...: runs CMD in the background with the mark, SIGKILLs
# it MS milliseconds later (if it is still there).
kill_after() {
    local ms=$1 id=$2
    shift 2
    env "$MARK=$id" "$@" </dev/null >/dev/null 2>&1 &
    local runtime=$!
    sleep "$(printf '0.%03d' "$ms")"
    kill -9 $runtime 2>/dev/null
    wait $runtime 2>/dev/null
}

# One bundle for all rounds: a process that stays (so a surviving one shows).
make_bundle "$WORK/b" ".process.args = [\"sleep\", \"3600\"] | .process.env += [\"$MARK=ID\"]"
bundle_for() { # bundle_for ID: the shared bundle with the mark set to ID
    mkdir -p "$WORK/$1"
    jq --arg m "$MARK=$1" '.process.env = [.process.env[] | if startswith("'"$MARK"'=") then $m else . end]' \
        "$WORK/b/config.json" > "$WORK/$1/config.json"
}

for op in create run; do
    bad=0
    for i in $(seq "$ROUNDS"); do
        id=$PREFIX-$op-$i
        bundle_for "$id"
        ms=$((RANDOM % 31))
        if [ $op = create ]; then
            kill_after $ms "$id" "$CRUN" --root "$ROOT" create --bundle "$WORK/$id" "$id"
        else
            kill_after $ms "$id" "$CRUN" --root "$ROOT" run --bundle "$WORK/$id" "$id"
        fi
        left=$(after_kill "$id")
        if [ -n "$left" ]; then
            bad=$((bad + 1))
            echo "# $op killed after ${ms} ms, then delete --force:$left"
        fi
        rm -rf "${WORK:?}/$id"
    done
    expect_eq "$op SIGKILLed at random points ($ROUNDS rounds): nothing left after delete --force" 0 $bad
done

# exec killed part-way: what exists afterwards is the container, manageable
# (its exec'd process, if it started, is one of its processes), or nothing.
id=$PREFIX-exec
bundle_for "$id"
crun run -d --bundle "$WORK/$id" "$id" </dev/null
bad=0
for i in $(seq "$ROUNDS"); do
    ms=$((RANDOM % 31))
    kill_after $ms "$id" "$CRUN" --root "$ROOT" exec "$id" sleep 3600
    # The container is still there and answers.
    [ "$(crun state "$id" | jq -r .status)" = running ] || { bad=$((bad + 1)); echo "# exec round $i: container not running"; }
    # Every marked process is the container's (its init, or an exec'd one).
    for p in $(marked "$id"); do
        in=$(crun ps --format json "$id" | jq --argjson p "$p" 'index($p) != null')
        if [ "$in" != true ]; then
            # A runtime child on its way out: give it its bounded time.
            for _ in $(seq 100); do [ -d /proc/$p ] || break; sleep 0.05; done
            [ -d /proc/$p ] && { bad=$((bad + 1)); echo "# exec killed after ${ms} ms: pid $p outside the container: $(tr '\0' ' ' < /proc/$p/cmdline)"; }
        fi
    done
done
expect_eq "exec SIGKILLed at random points ($ROUNDS rounds): every process left is the container's" 0 $bad
crun delete --force "$id"
expect_eq "exec: delete --force leaves nothing" "" "$(leftovers "$id")"

# ---- a cgroup left behind after cgroup.kill -------------------------------
# A container killed through the unified hierarchy's cgroup.kill and not
# deleted leaves its cgroup; the next container in the same cgroupsPath
# starts (a process cloned into such a cgroup dies at once on this kernel:
# it joins it through cgroup.procs instead, as runc does).
if [ -f /sys/fs/cgroup/unified/cgroup.procs ] || [ -f /sys/fs/cgroup/cgroup.kill ]; then
    unified=/sys/fs/cgroup/unified
    [ -f /sys/fs/cgroup/cgroup.kill ] && unified=/sys/fs/cgroup
    make_bundle "$WORK/killed" ".process.args = [\"sleep\", \"3600\"] | .linux.cgroupsPath = \"/$PREFIX-killed\""
    crun run -d --bundle "$WORK/killed" "$PREFIX-killed-1" </dev/null
    if [ -f "$unified/$PREFIX-killed/cgroup.kill" ]; then
        echo 1 > "$unified/$PREFIX-killed/cgroup.kill"
        for _ in $(seq 100); do [ "$(crun state "$PREFIX-killed-1" | jq -r .status)" = stopped ] && break; sleep 0.05; done
        crun run -d --bundle "$WORK/killed" "$PREFIX-killed-2" </dev/null 2>"$WORK/err"
        expect_eq "a cgroup that has seen cgroup.kill: the next container in it starts" "0 running" \
            "$? $(crun state "$PREFIX-killed-2" | jq -r .status)"
        pid=$(crun state "$PREFIX-killed-2" | jq .pid)
        expect_eq "and its process is in that cgroup" "0::/$PREFIX-killed" "$(grep '^0::' /proc/"$pid"/cgroup)"
    fi
    crun delete --force "$PREFIX-killed-2" 2>/dev/null
    crun delete --force "$PREFIX-killed-1"
    expect_eq "and both deletes leave no cgroup" "" "$(cgroups_of "$PREFIX-killed")"
fi

# ---- delete --force after a create whose init died -------------------------
make_bundle "$WORK/died" '.process.args = ["sleep", "3600"]'
crun create --bundle "$WORK/died" "$PREFIX-died" </dev/null
kill -9 "$(crun state "$PREFIX-died" | jq .pid)"
for _ in $(seq 100); do [ "$(crun state "$PREFIX-died" | jq -r .status)" = stopped ] && break; sleep 0.05; done
crun delete --force "$PREFIX-died"
expect_eq "create, init killed, delete --force: no cgroup left" "" "$(cgroups_of "$PREFIX-died")"

# ---- a failed create takes back only what it made, and tries once ---------
# Another container keeps the shared parent (<own>/crun-lite) busy: the
# failed create removes its own cgroup and tries the parent once per
# hierarchy, never retrying what is someone else's to remove.
if command -v strace >/dev/null; then
    make_bundle "$WORK/keeper" '.process.args = ["sleep", "3600"]'
    crun run -d --bundle "$WORK/keeper" "$PREFIX-keeper" </dev/null
    make_bundle "$WORK/bad" '.process.args = ["/no/such/program"]'
    traced -f -e trace=rmdir -o "$WORK/rmdir.trace" "$CRUN" --root "$ROOT" run --bundle "$WORK/bad" "$PREFIX-bad" \
        >/dev/null 2>&1 </dev/null
    expect_eq "failed create: its cgroups are gone" "" "$(cgroups_of "$PREFIX-bad")"
    expect_eq "failed create: the busy shared parent was tried at most once per hierarchy" "" \
        "$(grep -o 'rmdir("[^"]*/crun-lite")' "$WORK/rmdir.trace" | sort | uniq -d)"
    expect_eq "and the other container still runs" running "$(crun state "$PREFIX-keeper" | jq -r .status)"
    crun delete --force "$PREFIX-keeper"
fi

check_no_leftovers
finish
