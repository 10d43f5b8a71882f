#!/bin/bash
# Crash safety around the state store, on real containers: a state.json
# damaged in every way a crash or a stray write can leave it (empty, cut
# short at random, garbage, members missing or mistyped, another
# container's, gone) among healthy containers; `kill KILL` of a paused
# container; concurrent creates of one id. After each case nothing of the
# container may be left: no process (by pid and by cgroup), no cgroup
# directory in any hierarchy, no state directory, no mount.
. "$(dirname "$0")/lib.sh"

# A container whose init is a shell with two sleeping children, so that
# the cgroup holds more than the init. Without a pid namespace killing the
# init alone would leave the children: only the cgroup finds them.
make_bundle "$WORK/pidns" '.process.args = ["sh", "-c", "sleep 1000 & sleep 1000 & wait"]'
make_bundle "$WORK/nopidns" '.process.args = ["sh", "-c", "sleep 1000 & sleep 1000 & wait"]
    | .linux.namespaces |= map(select(.type != "pid"))'

# The container's cgroup directories, in every hierarchy.
cgroup_dirs() { find /sys/fs/cgroup -mindepth 2 -maxdepth 7 -type d -name "$1" 2>/dev/null | sort; }
# "pid:starttime" of every process in the container's cgroups.
cgroup_procs() {
    for d in $(cgroup_dirs "$1"); do cat "$d/cgroup.procs" 2>/dev/null; done | sort -u | while read -r p; do
        st=$(awk '{sub(/^.*\) /, ""); print $20}' "/proc/$p/stat" 2>/dev/null) && echo "$p:$st"
    done
}
# Whether the process "pid:starttime" still lives (a zombie waiting for
# pid 1 to reap it counts as gone).
alive() {
    p=${1%%:*}
    [ -r "/proc/$p/stat" ] || return 1
    read -r state st < <(awk '{sub(/^.*\) /, ""); print $1, $20}' "/proc/$p/stat" 2>/dev/null)
    [ "$state" != Z ] && [ "$st" = "${1#*:}" ]
}
# How many of the given processes live, after a bounded wait for them to go.
count_alive() {
    for _ in $(seq 100); do
        n=0
        for pr in "$@"; do alive "$pr" && n=$((n + 1)); done
        [ "$n" -eq 0 ] && break
        sleep 0.05
    done
    echo "$n"
}
# wait_status ID STATUS: polls `state` (bounded) until it says STATUS.
wait_status() {
    for _ in $(seq 100); do
        [ "$(crun state "$1" 2>/dev/null | jq -r .status)" = "$2" ] && return 0
        sleep 0.05
    done
    return 1
}
start() { crun run -d --bundle "$WORK/$2" "$1" </dev/null >/dev/null 2>"$WORK/start.err"; }

# damage KIND FILE: what a crash or a stray write leaves.
damage() {
    f=$2
    size=$(stat -c %s "$f")
    case $1 in
    empty) : >"$f" ;;
    half) head -c $((size / 2)) "$f" >"$f.new" && mv "$f.new" "$f" ;;
    cut) head -c $((RANDOM % (size - 1) + 1)) "$f" >"$f.new" && mv "$f.new" "$f" ;;
    garbage) head -c $((RANDOM % 300 + 1)) /dev/urandom >"$f" ;;
    no-id) jq -c 'del(.id)' "$f" >"$f.new" && mv "$f.new" "$f" ;;
    no-bundle) jq -c 'del(.bundle)' "$f" >"$f.new" && mv "$f.new" "$f" ;;
    empty-object) echo '{}' >"$f" ;;
    pid-string) jq -c '.pid = "many"' "$f" >"$f.new" && mv "$f.new" "$f" ;;
    bad-cgroup) jq -c '.cgroup = "{\"kind\":"' "$f" >"$f.new" && mv "$f.new" "$f" ;;
    other) cp "$ROOT/$PREFIX-a/state.json" "$f" ;;
    gone) rm -f "$f" ;;
    esac
}

# ---- 1. a damaged state.json among healthy containers ---------------------------
# "cut" and "garbage" are random (the length kept, the bytes): many rounds.
kinds="empty half cut cut cut cut cut cut cut cut cut cut garbage garbage garbage garbage garbage
    no-id no-bundle empty-object pid-string bad-cgroup other gone"
round=0
for kind in $kinds; do
    round=$((round + 1))
    # Alternate the pid namespace, the cgroup path (the default
    # <own>/crun-lite/<id>, or a relative cgroupsPath) and whether the
    # victim is paused (its v1 freezer holds SIGKILL until thawed).
    bundle=pidns
    [ $((round % 2)) -eq 0 ] && bundle=nopidns
    a="$PREFIX-a" b="$PREFIX-b$round" c="$PREFIX-c"
    victim_bundle=$bundle
    if [ $((round % 3)) -eq 0 ]; then
        victim_bundle="cgp$round"
        make_bundle "$WORK/$victim_bundle" '.process.args = ["sh", "-c", "sleep 1000 & sleep 1000 & wait"]
            | .linux.cgroupsPath = "'"$b"'"' >/dev/null
    fi
    start "$a" "$bundle" && start "$b" "$victim_bundle" && start "$c" "$bundle" ||
        { not_ok "$kind: start three containers" "$(cat "$WORK/start.err")"; continue; }
    [ $((round % 4)) -eq 1 ] && crun pause "$b"
    b_procs=$(cgroup_procs "$b")
    b_init=$(echo "$b_procs" | grep "^$(crun state "$b" | jq -r .pid):")
    [ "$(echo "$b_procs" | wc -w)" -ge 3 ] && [ -n "$b_init" ] ||
        not_ok "$kind: the victim's cgroup holds its init and children" "$b_procs"
    damage "$kind" "$ROOT/$b/state.json"

    crun list >"$WORK/list" 2>"$WORK/list.err"
    rc=$?
    expect_eq "$kind: list exits 0" 0 "$rc"
    expect_eq "$kind: list shows the damaged one as unknown" "$b 0 unknown" \
        "$(awk -v id="$b" '$1 == id {print $1, $2, $3}' "$WORK/list")"
    expect_eq "$kind: list shows the healthy ones running" "running running" \
        "$(awk -v a="$a" -v c="$c" '$1 == a || $1 == c {printf "%s%s", sep, $3; sep = " "}' "$WORK/list")"
    expect_contains "$kind: list warns, naming the id" "container \\\"$b\\\": unreadable state" \
        "$(cat "$WORK/list.err")"
    expect_eq "$kind: list --format json" "$a running,$b unknown,$c running" \
        "$(crun list --format json 2>/dev/null | jq -r 'map("\(.id) \(.status)") | join(",")')"
    expect_eq "$kind: list -q names all three" "$a $b $c" "$(crun list -q 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"

    crun state "$b" >"$WORK/out" 2>"$WORK/err"
    rc=$?
    expect_eq "$kind: state fails" "1 no output" "$rc $([ -s "$WORK/out" ] && echo output || echo no output)"
    expect_contains "$kind: state names the id and the problem" "container \\\"$b\\\": unreadable state: " \
        "$(cat "$WORK/err")"
    crun delete "$b" 2>"$WORK/err"
    rc=$?
    expect_eq "$kind: delete without --force fails" 1 "$rc"
    expect_contains "$kind: delete without --force suggests --force" "delete --force $b" "$(cat "$WORK/err")"
    expect_eq "$kind: delete without --force kills nothing" "$(echo "$b_procs" | wc -w)" \
        "$(for pr in $b_procs; do alive "$pr" && echo "$pr"; done | wc -l)"

    crun delete --force "$b" 2>"$WORK/err"
    expect_eq "$kind: delete --force succeeds" "0 " "$? $(cat "$WORK/err")"
    # shellcheck disable=SC2086
    expect_eq "$kind: no process of the container left (by its cgroup)" 0 "$(count_alive $b_procs)"
    expect_eq "$kind: its init is gone (by pid)" "gone" "$(alive "$b_init" && echo "alive: $b_init" || echo gone)"
    expect_eq "$kind: no cgroup directory left" "" "$(cgroup_dirs "$b")"
    expect_eq "$kind: no state directory left" no "$([ -e "$ROOT/$b" ] && echo yes || echo no)"
    expect_eq "$kind: the healthy ones still run" "running running" \
        "$(crun state "$a" | jq -r .status) $(crun state "$c" | jq -r .status)"
    crun delete --force "$a"
    crun delete --force "$c"
    check_no_leftovers
done

# A cgroup made inside the container's (by whoever manages the container's
# processes), holding one of them, in the memory and unified hierarchies.
b="$PREFIX-sub"
start "$b" nopidns
procs=$(cgroup_procs "$b")
victim=$(echo "$procs" | tr ' ' '\n' | tail -1 | cut -d: -f1)
for d in $(cgroup_dirs "$b" | grep -E '/(memory|unified)/'); do
    mkdir "$d/inner" && echo "$victim" >"$d/inner/cgroup.procs"
done
damage garbage "$ROOT/$b/state.json"
crun delete --force "$b"
expect_eq "sub-cgroup: delete --force succeeds" 0 $?
# shellcheck disable=SC2086
expect_eq "sub-cgroup: no process left" 0 "$(count_alive $procs)"
expect_eq "sub-cgroup: no cgroup directory left" "" \
    "$(find /sys/fs/cgroup -mindepth 2 -maxdepth 8 -path "*$b*" 2>/dev/null)"
check_no_leftovers

# A create killed before it saved anything leaves a state directory with
# the config copy alone, and no lock: delete --force must find its
# processes by the cgroup the config leads to.
b="$PREFIX-nostate"
start "$b" nopidns
procs=$(cgroup_procs "$b")
rm "$ROOT/$b/state.json"
expect_eq "no state.json: list shows it as unknown" "$b 0 unknown" \
    "$(crun list 2>/dev/null | awk -v id="$b" '$1 == id {print $1, $2, $3}')"
crun delete --force "$b"
expect_eq "no state.json: delete --force succeeds" 0 $?
# shellcheck disable=SC2086
expect_eq "no state.json: no process left" 0 "$(count_alive $procs)"
check_no_leftovers

# Killed right after it claimed the id: an empty directory. Nothing can
# run, so a plain delete removes it, as runc's does.
b="$PREFIX-claimed"
mkdir "$ROOT/$b"
crun state "$b" 2>"$WORK/err"
expect_eq "claimed only: state fails, naming the id" "1 yes" \
    "$? $(grep -qF "container \\\"$b\\\": unreadable state: no state.json" "$WORK/err" && echo yes || echo no)"
crun delete "$b"
expect_eq "claimed only: delete removes it" "0 no" "$? $([ -e "$ROOT/$b" ] && echo yes || echo no)"
check_no_leftovers

# ---- 2. kill KILL of a paused container ---------------------------------------------
# runc 1.1.5 thaws after SIGKILL (for the init or --all), so that the
# signal acts; other signals stay pending while paused (runc's --all
# thaws after any signal, even 0: moby#37137 calls that a bug).
for round in $(seq 6); do
    id="$PREFIX-paused$round"
    all=""
    [ $((round % 2)) -eq 0 ] && all=--all
    bundle=pidns
    [ $((round % 3)) -eq 0 ] && bundle=nopidns
    start "$id" "$bundle"
    procs=$(cgroup_procs "$id")
    crun pause "$id"
    crun kill $all "$id" KILL
    expect_eq "paused, kill ${all:+$all }KILL: exits 0" 0 $?
    wait_status "$id" stopped
    expect_eq "paused, kill ${all:+$all }KILL: state says stopped" stopped "$(crun state "$id" | jq -r .status)"
    [ -z "$all" ] && [ "$bundle" = nopidns ] || {
        # shellcheck disable=SC2086
        expect_eq "paused, kill ${all:+$all }KILL: every process gone" 0 "$(count_alive $procs)"
    }
    crun delete --force "$id"
    expect_eq "paused, kill ${all:+$all }KILL: delete" 0 $?
done
check_no_leftovers

# A client that kills and then waits: `run` in the foreground waits for
# the init; it must come back with 128+9, not hang on a frozen init.
make_bundle "$WORK/fg" '.process.args = ["sleep", "1000"]'
id="$PREFIX-fg"
crun run --bundle "$WORK/fg" "$id" </dev/null >/dev/null 2>&1 &
runner=$!
wait_status "$id" running
crun pause "$id"
crun kill "$id" KILL
for _ in $(seq 100); do kill -0 "$runner" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$runner" 2>/dev/null; then
    not_ok "paused, kill KILL: run in the foreground returns"
    crun resume "$id"
    wait "$runner"
else
    wait "$runner"
    expect_eq "paused, kill KILL: run in the foreground returns 137" 137 $?
fi
crun delete --force "$id" 2>/dev/null
check_no_leftovers

# TERM to a paused container stays pending until resume, for the init and
# with --all; then the process acts on it.
make_bundle "$WORK/term" '.process.args = ["sh", "-c", "trap \"exit 7\" TERM; while :; do sleep 0.1; done"]'
for all in "" --all; do
    id="$PREFIX-term"
    start "$id" term
    crun pause "$id"
    crun kill $all "$id" TERM
    expect_eq "paused, kill ${all:+$all }TERM: still paused" paused "$(crun state "$id" | jq -r .status)"
    crun resume "$id"
    wait_status "$id" stopped
    expect_eq "paused, kill ${all:+$all }TERM: acts on it after resume" stopped "$(crun state "$id" | jq -r .status)"
    crun delete "$id"
done
check_no_leftovers

# The same under runc, on runc's own default config: the status right
# after `kill` (a thaw happens inside the kill command, or not at all), and
# once the container had the time to die.
runc_bundle() {
    mkdir -p "$1"
    (cd "$1" && runc spec)
    jq --arg rootfs "$ROOTFS" --argjson args "$2" '.process.terminal = false | .root.path = $rootfs
        | .process.args = $args' "$1/config.json" >"$1/c.json" && mv "$1/c.json" "$1/config.json"
}
# paused_kill RUNTIME SIGNAL [--all]: the status after pause, kill.
paused_kill() {
    rt=$1
    id="$PREFIX-cmp"
    $rt run -d --bundle "$WORK/cmp-$2" "$id" </dev/null >/dev/null 2>&1
    $rt pause "$id"
    $rt kill ${3:-} "$id" "$2"
    if [ "$2" = KILL ]; then
        for _ in $(seq 100); do [ "$($rt state "$id" | jq -r .status)" = stopped ] && break; sleep 0.05; done
    fi
    $rt state "$id" | jq -r .status
    $rt delete --force "$id" >/dev/null 2>&1
}
if command -v runc >/dev/null; then
    RUNC_ROOT=$WORK/runc-root
    R() { runc --root "$RUNC_ROOT" "$@"; }
    trap 'for i in $(R list -q 2>/dev/null); do R delete --force "$i" >/dev/null 2>&1; done; cleanup' EXIT
    runc_bundle "$WORK/cmp-KILL" '["sleep", "1000"]'
    runc_bundle "$WORK/cmp-TERM" '["sh", "-c", "trap \"exit 7\" TERM; while :; do sleep 0.1; done"]'
    expect_eq "paused, kill KILL: as runc" "runc: $(paused_kill R KILL)" "runc: $(paused_kill crun KILL)"
    expect_eq "paused, kill --all KILL: as runc" "runc: $(paused_kill R KILL --all)" \
        "runc: $(paused_kill crun KILL --all)"
    expect_eq "paused, kill TERM: as runc" "runc: $(paused_kill R TERM)" "runc: $(paused_kill crun TERM)"
    check_no_leftovers
fi

# ---- 3. concurrent creates of one id: one winner, a readable state ---------------
make_bundle "$WORK/race" '.process.args = ["sleep", "1000"]'
for round in 1 2 3; do
    id="$PREFIX-race"
    for i in $(seq 20); do
        (crun create --bundle "$WORK/race" "$id" </dev/null >/dev/null 2>&1; echo $? >"$WORK/race.$i") &
    done
    wait
    wins=$(cat "$WORK"/race.* | grep -c '^0$')
    expect_eq "20 concurrent creates of one id (round $round): one wins" 1 "$wins"
    expect_eq "20 concurrent creates (round $round): state says created" created \
        "$(crun state "$id" 2>&1 | jq -r .status 2>&1)"
    expect_eq "20 concurrent creates (round $round): list has it once, no warning" "$id created|" \
        "$(crun list 2>&1 | awk 'NR > 1 {print $1, $3}')|$(crun list 2>&1 >/dev/null)"
    procs=$(cgroup_procs "$id")
    crun delete --force "$id"
    expect_eq "20 concurrent creates (round $round): delete --force" 0 $?
    # shellcheck disable=SC2086
    expect_eq "20 concurrent creates (round $round): no process left" 0 "$(count_alive $procs)"
    rm -f "$WORK"/race.*
done
check_no_leftovers
expect_eq "no mount left behind" 0 "$(grep -c -e "$WORK" -e "$ROOT" /proc/self/mountinfo)"

finish
