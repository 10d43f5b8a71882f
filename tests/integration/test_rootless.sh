#!/bin/bash
# Rootless: crun-lite run by an ordinary user. The test makes a user with a
# subordinate id range (useradd gives one), runs bundles from
# `runc spec --rootless` as that user, and compares what the container sees
# with runc (the reference) on the same bundle. It removes the user, its
# processes and everything it made afterwards.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/rootless_user.sh"
rootless_test_cleanup() {
    for rt in "$RL" runc; do
        for id in $(as_user "$rt" list -q 2>/dev/null); do as_user "$rt" delete --force "$id" >/dev/null 2>&1; done
    done
    mountpoint -q "$WORK/locked" && umount "$WORK/locked"
}

# user_bundle NAME JQ_FILTER ARG...: as the user, `runc spec --rootless`
# with the shared rootfs, no terminal, ARG... as the process, then the
# filter.
user_bundle() {
    local name=$1 filter=$2
    shift 2
    local dir="$WORK/u/$name" args
    # One JSON string per argument, newlines and all.
    args=$(for a in "$@"; do jq -n --arg a "$a" '$a'; done | jq -cs .)
    as_user mkdir -p "$dir"
    rm -f "$dir/config.json"
    (cd "$dir" && as_user runc spec --rootless)
    jq --arg rootfs "$ROOTFS" ".root.path = \$rootfs | .process.terminal = false | .process.args = $args | $filter" \
        "$dir/config.json" > "$dir/c.json" && mv "$dir/c.json" "$dir/config.json"
    chown "$RLUID:$RLGID" "$dir/config.json"
}
# both NAME: runs bundle NAME under runc and crun-lite as the user; sets
# $runc_out/$runc_rc and $cl_out/$cl_rc (stdout and stderr, runc's warnings
# about the missing cgroup dropped).
both() {
    local dir="$WORK/u/$1"
    runc_out=$(cd "$dir" && as_user runc run "$PREFIX-r-$1" 2>&1)
    runc_rc=$?
    runc_out=$(printf '%s\n' "$runc_out" | grep -v 'level=warning')
    cl_out=$(cd "$dir" && rl run "$PREFIX-c-$1" 2>&1)
    cl_rc=$?
}
WIDE_MAPS=".linux.uidMappings += [{containerID: 1, hostID: $SUBUID, size: 65536}]
         | .linux.gidMappings += [{containerID: 1, hostID: $SUBGID, size: 65536}]"

# --- what the container sees, as under runc ------------------------------------
user_bundle view . sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map
    grep -E "^(Cap|NoNewPrivs)" /proc/self/status; hostname
    for p in / /proc/sys /sys; do awk -v p=$p "\$5 == p { split(\$6, o, \",\"); print p, o[1] }" /proc/self/mountinfo; done
    cat /proc/kcore 2>&1 | head -c 20; echo; ls /proc/acpi | wc -l
    touch /proc/sys/kernel/x 2>&1 | sed "s/.*: //"; exit 3'
both view
expect_eq "the same exit code as runc" "$runc_rc" "$cl_rc"
expect_eq "what the container sees is what runc shows (ids, maps, capabilities, read-only and masked paths)" \
    "$runc_out" "$cl_out"
expect_contains "the caller's own id is root inside" "0 $RLUID 1" "$(printf '%s' "$cl_out" | tr -s ' ' | sed 's/^ //')"
expect_eq "exit code 3" 3 "$cl_rc"

# --- default --root: $XDG_RUNTIME_DIR/crun-lite; none: a clear error --------------
user_bundle sleeper . sleep 100
(cd "$WORK/u/sleeper" && rl create "$PREFIX-root")
expect_eq "the state goes to \$XDG_RUNTIME_DIR/crun-lite" yes "$([ -d "$XDG/crun-lite/$PREFIX-root" ] && echo yes)"
expect_eq "list names the owner, as runc" "$RLUSER" "$(rl list | awk -v id="$PREFIX-root" '$1 == id { print $6 }')"
rl delete --force "$PREFIX-root"
err=$(cd "$WORK/u/sleeper" && setpriv --reuid="$RLUID" --regid="$RLGID" --init-groups env -i PATH=/usr/bin:/bin "$RL" run "$PREFIX-noxdg" 2>&1)
expect_eq "no XDG_RUNTIME_DIR and no --root: refused" "1" "$?"
expect_contains "naming XDG_RUNTIME_DIR" "XDG_RUNTIME_DIR" "$err"
expect_eq "root's state dir is not touched" "" "$(ls /run/crun-lite 2>/dev/null | grep "$PREFIX")"

# --- subordinate ranges through newuidmap/newgidmap ------------------------------
user_bundle wide "$WIDE_MAPS | .process.user = {uid: 1000, gid: 1000}" sh -c \
    'cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g; touch /tmp/f 2>&1; echo written > /dev/shm/f && ls -ln /dev/shm/f | awk "{ print \$3, \$4 }"'
both wide
expect_eq "wide mappings are written by newuidmap/newgidmap, as runc" "$runc_out" "$cl_out"
user_bundle widesleep "$WIDE_MAPS | .process.user = {uid: 1000, gid: 1000}" sleep 100
(cd "$WORK/u/widesleep" && rl run -d "$PREFIX-widesleep")
expect_eq "container uid 1000 is host uid $((SUBUID + 999))" "$((SUBUID + 999))" \
    "$(ps -o uid= -p "$(rl state "$PREFIX-widesleep" | jq .pid)" | tr -d ' ')"
rl delete --force "$PREFIX-widesleep"

user_bundle badmap ".linux.uidMappings = [{containerID: 0, hostID: 0, size: 1}]" true
err=$(cd "$WORK/u/badmap" && rl run "$PREFIX-badmap" 2>&1)
expect_eq "a mapping of an id the user may not map is refused" 1 $?
expect_contains "naming the mapping" "linux.uidMappings[0]" "$err"
user_bundle badrange ".linux.gidMappings += [{containerID: 1, hostID: $((SUBGID + 60000)), size: 65536}]" true
err=$(cd "$WORK/u/badrange" && rl run "$PREFIX-badrange" 2>&1)
expect_contains "a range beyond /etc/subgid is refused, naming it" "linux.gidMappings[1]" "$err"
expect_eq "and nothing is left" "" "$(ls -A "$XDG/crun-lite")"

# --- cgroups: none on a tree that is root's, unless limits are asked for ---------
if [ ! -w "$(awk -F: '$2 ~ /memory/ { print "/sys/fs/cgroup/memory" $3; exit }' /proc/self/cgroup)" ] ||
    [ "$(stat -c %u /sys/fs/cgroup/memory 2>/dev/null)" = 0 ]; then
    user_bundle limits '.linux.resources = {memory: {limit: 67108864}}' true
    err=$(cd "$WORK/u/limits" && rl run "$PREFIX-limits" 2>&1)
    expect_eq "memory limits without a writable cgroup tree: refused" 1 $?
    expect_contains "naming the field" "linux.resources.memory.limit" "$err"
    expect_contains "and who asks: this user's uid" "running as uid $RLUID" "$err"
    # Root in a user namespace (as rootless podman runs its runtime): uid 0
    # there, and the message says why uid 0 still cannot write the tree.
    user_bundle limits-userns '.linux.resources = {memory: {limit: 67108864}} |
        .linux.uidMappings = [{containerID: 0, hostID: 0, size: 1}] |
        .linux.gidMappings = [{containerID: 0, hostID: 0, size: 1}]' true
    err=$(cd "$WORK/u/limits-userns" && as_user unshare -r "$RL" run "$PREFIX-limits-userns" 2>&1)
    expect_eq "as root in a user namespace: refused too" 1 $?
    expect_contains "naming the field and the user namespace" \
        "linux.resources.memory.limit: cannot be applied: running as root in a user namespace" "$err"
    (cd "$WORK/u/limits" && as_user runc run "$PREFIX-rlimits" >/dev/null 2>&1)
    expect_eq "runc refuses it too" 1 $?
    expect_eq "nothing is left" "" "$(ls -A "$XDG/crun-lite")"
fi

# --- the lifecycle ------------------------------------------------------------------
user_bundle life "$WIDE_MAPS" sleep 100
(cd "$WORK/u/life" && rl create "$PREFIX-life")
expect_eq "create" created "$(rl state "$PREFIX-life" | jq -r .status)"
rl start "$PREFIX-life"
expect_eq "start" running "$(rl state "$PREFIX-life" | jq -r .status)"
expect_eq "exec runs as the container's root" 0 "$(rl exec "$PREFIX-life" id -u)"
expect_eq "exec sees the container's pid 1" "sleep" "$(rl exec "$PREFIX-life" cat /proc/1/comm)"
expect_eq "exec --user within the mapped range" "7 7" "$(rl exec --user 7:7 "$PREFIX-life" sh -c 'echo $(id -u) $(id -g)')"
rl exec "$PREFIX-life" sh -c 'exit 5'
expect_eq "exec passes the exit code" 5 $?
rl exec -d "$PREFIX-life" sleep 77
expect_eq "ps lists the container's processes without a cgroup" 2 \
    "$(rl ps --format json "$PREFIX-life" | jq length)"
err=$(rl pause "$PREFIX-life" 2>&1)
expect_eq "pause without a cgroup fails, as with runc" 1 $?
expect_contains "and says why" "cgroup" "$err"
rl kill --all "$PREFIX-life" KILL
for _ in $(seq 50); do [ "$(rl state "$PREFIX-life" | jq -r .status)" = stopped ] && break; sleep 0.1; done
expect_eq "kill --all" stopped "$(rl state "$PREFIX-life" | jq -r .status)"
rl delete "$PREFIX-life"
expect_eq "delete" "" "$(rl list -q)"

# --- hooks, console socket, network, mounts an unprivileged user may make -----------
user_bundle hooks ".hooks = {createRuntime: [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"id -u > $WORK/u/hook.out\"]}]}" true
(cd "$WORK/u/hooks" && rl run "$PREFIX-hooks")
expect_eq "hooks run as the user" "$RLUID" "$(cat "$WORK/u/hook.out" 2>/dev/null)"

user_bundle tty '.process.terminal = true' sh -c 'tty; stat -c %u /proc/self/fd/0'
as_user "$CONSOLE_RECEIVER" "$WORK/u/console.sock" "" > "$WORK/console.out" &
receiver=$!
for _ in $(seq 100); do grep -q listening "$WORK/console.out" 2>/dev/null && break; sleep 0.05; done
(cd "$WORK/u/tty" && rl run -d --console-socket "$WORK/u/console.sock" "$PREFIX-tty")
wait $receiver
expect_contains "a terminal through --console-socket" "/dev/pts/0" "$(cat "$WORK/console.out")"
rl delete --force "$PREFIX-tty"

# run in the foreground on the caller's terminal (script gives us one)
user_bundle fgtty '.process.terminal = true' sh -c 'tty; exit 6'
out=$(cd "$WORK/u/fgtty" && script -qec "setpriv --reuid=$RLUID --regid=$RLGID --init-groups env -i XDG_RUNTIME_DIR=$XDG PATH=/usr/bin:/bin $RL run $PREFIX-fgtty" /dev/null </dev/null | tr -d '\r')
expect_contains "run -t in the foreground gets a pty" "/dev/pts/0" "$out"

# crun-lite's own default config (seccomp profile and all), rootless
as_user mkdir -p "$WORK/u/own"
rl spec --rootless --bundle "$WORK/u/own"
jq --arg rootfs "$ROOTFS" '.root.path = $rootfs | .process.terminal = false | .process.args = ["sh", "-c", "grep Seccomp: /proc/self/status; id -u"]' \
    "$WORK/u/own/config.json" > "$WORK/u/own/c.json" && mv "$WORK/u/own/c.json" "$WORK/u/own/config.json"
expect_eq "crun-lite spec --rootless runs, with its seccomp filter" "Seccomp:	2
0" "$(cd "$WORK/u/own" && rl run "$PREFIX-own" 2>&1)"

user_bundle netns '.linux.namespaces += [{type: "network"}]' sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
both netns
expect_eq "a new network namespace has only lo, as with runc" "lo" "$cl_out"
expect_eq "runc agrees" "$runc_out" "$cl_out"
user_bundle hostnet . sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort'
expect_eq "without one, the host's interfaces" "$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort)" \
    "$(cd "$WORK/u/hostnet" && rl run "$PREFIX-hostnet")"

# A bind of a nosuid,nodev,noexec mount keeps those flags (they are locked
# in a user namespace); runc 1.1.5 fails here with EPERM, newer runc keeps
# them as we do. (The destination must exist: the rootfs is root's.)
mkdir -p "$WORK/locked"
mount -t tmpfs -o nosuid,nodev,noexec,size=1m tmpfs "$WORK/locked"
echo hi > "$WORK/locked/f"
user_bundle locked ".mounts += [{destination: \"/home\", type: \"bind\", source: \"$WORK/locked\", options: [\"rbind\", \"ro\"]}]" \
    sh -c 'cat /home/f; touch /home/g 2>&1 | sed "s/.*: //"; awk "\$5 == \"/home\" { print \$6 }" /proc/self/mountinfo'
expect_eq "a bind keeps the locked flags and is read-only" "hi
Read-only file system
ro,nosuid,nodev,noexec,relatime" "$(cd "$WORK/u/locked" && rl run "$PREFIX-locked" 2>&1)"

# sysfs cannot be mounted without a network namespace of our own: /sys is
# bound from the host instead (runc 1.1.5 fails).
user_bundle sysfs '.mounts |= map(if .destination == "/sys" then {destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"]} else . end)' \
    sh -c 'test -d /sys/kernel && awk "\$5 == \"/sys\" { split(\$6, o, \",\"); print o[1] }" /proc/self/mountinfo'
expect_eq "sysfs where a new one is refused: the host's, read-only" ro "$(cd "$WORK/u/sysfs" && rl run "$PREFIX-sysfs" 2>&1)"

# Devices: bind-mounted from the host (no mknod without root).
user_bundle devices '.linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 438}]' \
    sh -c 'stat -c "%t:%T" /dev/fuse /dev/null'
expect_eq "devices are bound from the host" "a:e5
1:3" "$(cd "$WORK/u/devices" && rl run "$PREFIX-devices" 2>&1)"

# --overlay in a user namespace
user_bundle overlay '.root.readonly = false' sh -c 'echo mine > /written && cat /written'
before=$(ls "$ROOTFS")
expect_eq "--overlay: the container writes into its own layer" mine \
    "$(cd "$WORK/u/overlay" && rl run --overlay "$PREFIX-overlay" 2>&1)"
expect_eq "and the rootfs is untouched" "$before" "$(ls "$ROOTFS")"

# --- nothing left ---------------------------------------------------------------------
expect_eq "no state left" "" "$(ls -A "$XDG/crun-lite")"
# Zombies do not count: a container's init is reaped by whoever adopted it
# (the host's init), in its own time.
expect_eq "no process of the user left" "" "$(ps -o pid=,stat=,args= -u "$RLUID" | awk '$2 !~ /^Z/')"
expect_eq "no mount left" "" "$(grep -F "$WORK/u" /proc/self/mountinfo)"
check_no_leftovers
finish
