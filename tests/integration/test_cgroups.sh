#!/bin/bash
# cgroup resource limits on real containers (the v1/hybrid layout of this
# host): memory (OOM kill), pids, cpu, cpuset, freezer, devices, update,
# events, ps and delete. The v2 counterpart runs in a VM (tests/vm/).
. "$(dirname "$0")/lib.sh"

if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
    echo "1..0 # skip: a cgroup v2 host (tests/vm/ covers v2)"
    exit 0
fi

# cgdir CONTROLLER ID: the container's directory in a v1 hierarchy.
cgdir() {
    local pid
    pid=$(crun state "$2" | jq -r .pid)
    local rel
    rel=$(awk -F: -v c="$1" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$pid/cgroup")
    local mnt
    mnt=$(awk -v c="$1" '$9 == "cgroup" { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) print $5 }' \
        /proc/self/mountinfo | head -n1)
    echo "$mnt$rel"
}
wait_status() {  # wait_status ID STATUS
    for _ in $(seq 200); do [ "$(crun state "$1" 2>/dev/null | jq -r .status)" = "$2" ] && return 0; sleep 0.05; done
    return 1
}
# bundle_res DIR RESOURCES_JSON ARG...: a bundle with linux.resources merged in.
bundle_res() {
    local dir=$1 res=$2
    shift 2
    local args
    args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
    make_bundle "$dir" ".process.args = $args | .linux.resources += $res"
}

# --- membership: every hierarchy, for init and exec -----------------------------
# The child joins the v1 hierarchies itself (tasks "0") and the unified one
# through clone3; in a new user namespace the runtime moves it instead.
# in_every_hierarchy PID CGROUP: each line of /proc/PID/cgroup ends in CGROUP.
in_every_hierarchy() {
    local lines
    lines=$(grep -c . "/proc/$1/cgroup")
    [ "$lines" -gt 1 ] && [ "$(grep -c ":.*/$2\$" "/proc/$1/cgroup")" = "$lines" ]
}
# check_membership NAME WHAT [JQ]: a sleeping container with cgroupsPath NAME
# (and the JQ changes), then its init and an exec'd process.
check_membership() {
    local id="$PREFIX-$1"
    make_bundle "$WORK/$1" ".process.args = [\"sleep\", \"60\"] | .linux.cgroupsPath = \"$id\" | ${3:-.}"
    crun run -d --bundle "$WORK/$1" "$id"
    in_every_hierarchy "$(crun state "$id" | jq .pid)" "$id"
    expect_eq "$2: the init is in its cgroup in every hierarchy" 0 $?
    crun exec -d --pid-file "$WORK/exec.pid" "$id" sleep 60
    in_every_hierarchy "$(cat "$WORK/exec.pid")" "$id"
    expect_eq "$2: so is an exec'd process" 0 $?
    crun delete --force "$id"
}
check_membership join "a container"
check_membership joinuser "a container in a new user namespace" '.linux.namespaces += [{"type": "user"}]
  | .mounts |= map(select(.destination != "/sys/fs/cgroup"))
  | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'

# --- memory ------------------------------------------------------------------
id="$PREFIX-mem"
bundle_res "$WORK/mem" '{"memory":{"limit":67108864,"reservation":33554432}}' sleep 60
crun run -d --bundle "$WORK/mem" "$id"
mem=$(cgdir memory "$id")
expect_eq "memory.limit_in_bytes reads back" 67108864 "$(cat "$mem/memory.limit_in_bytes")"
expect_eq "memory.soft_limit_in_bytes reads back" 33554432 "$(cat "$mem/memory.soft_limit_in_bytes")"

# update: flags with runc's suffixes, then LinuxResources JSON on stdin.
crun update --memory 128m --pids-limit 42 --cpu-shares 256 "$id"
expect_eq "update --memory 128m" 134217728 "$(cat "$mem/memory.limit_in_bytes")"
expect_eq "update --pids-limit" 42 "$(cat "$(cgdir pids "$id")/pids.max")"
expect_eq "update --cpu-shares" 256 "$(cat "$(cgdir cpu "$id")/cpu.shares")"
echo '{"memory":{"limit":100663296},"pids":{"limit":77}}' | crun update --resources - "$id"
expect_eq "update --resources - (memory)" 100663296 "$(cat "$mem/memory.limit_in_bytes")"
expect_eq "update --resources - (pids)" 77 "$(cat "$(cgdir pids "$id")/pids.max")"
expect_eq "update keeps the saved config in step" 100663296 \
    "$(jq .linux.resources.memory.limit "$ROOT/$id/config.json" 2>/dev/null)"
crun update --l3-cache-schema "L3:0=f" "$id" 2>"$WORK/err"
expect_contains "update --l3-cache-schema is refused" "not supported" "$(cat "$WORK/err")"
crun update --memory 12q "$id" 2>"$WORK/err"
expect_contains "update rejects a bad size" "--memory" "$(cat "$WORK/err")"

# events --stats: runc's shape with this container's numbers.
ev=$(crun events --stats "$id")
expect_eq "events --stats type" stats "$(echo "$ev" | jq -r .type)"
expect_eq "events --stats id" "$id" "$(echo "$ev" | jq -r .id)"
expect_eq "events --stats memory limit" 100663296 "$(echo "$ev" | jq .data.memory.usage.limit)"
expect_eq "events --stats memory usage > 0" true "$(echo "$ev" | jq '.data.memory.usage.usage > 0')"
expect_eq "events --stats pids current" 1 "$(echo "$ev" | jq .data.pids.current)"
expect_eq "events --stats pids limit" 77 "$(echo "$ev" | jq .data.pids.limit)"
expect_eq "events --stats cpu total > 0" true "$(echo "$ev" | jq '.data.cpu.usage.total > 0')"
expect_eq "events --stats percpu per cpu" "$(nproc --all)" "$(echo "$ev" | jq '.data.cpu.usage.percpu | length')"
expect_eq "events --stats memory.raw from memory.stat" true "$(echo "$ev" | jq '.data.memory.raw | has("rss")')"
# The stream: a stats event at once, then one per interval.
n=$(timeout 2 "$CRUN" --root "$ROOT" events --interval 300ms "$id" | jq -r .type | grep -c stats)
[ "$n" -ge 3 ] && ok "events --interval 300ms streams stats ($n in 2 s)" || not_ok "events streams stats" "got $n"
crun delete --force "$id"

# An allocation past the limit is OOM-killed.
bundle_res "$WORK/oom" '{"memory":{"limit":33554432}}' sh -c 'head -c 300m /dev/zero | tail'
crun create --bundle "$WORK/oom" "$PREFIX-oom"
crun events --interval 10s "$PREFIX-oom" > "$WORK/oom.events" &
events_pid=$!
sleep 0.2
crun start "$PREFIX-oom"
wait_status "$PREFIX-oom" stopped
wait $events_pid
expect_eq "events ends when the container stops" 0 $?
expect_contains "events reports the OOM kill" '"type":"oom"' "$(cat "$WORK/oom.events")"
crun delete "$PREFIX-oom"
run_status=0
bundle_res "$WORK/oom2" '{"memory":{"limit":33554432}}' sh -c 'head -c 300m /dev/zero | tail; exit $?'
crun run --bundle "$WORK/oom2" "$PREFIX-oom2" || run_status=$?
expect_eq "an allocation past memory.limit is OOM-killed (137)" 137 "$run_status"

# The runtime is not charged to the container: 1 MiB starts /bin/true.
bundle_res "$WORK/tiny" '{"memory":{"limit":1048576}}' true
crun run --bundle "$WORK/tiny" "$PREFIX-tiny"
expect_eq "a 1 MiB memory limit still starts /bin/true" 0 $?

# --- pids --------------------------------------------------------------------
bundle_res "$WORK/pids" '{"pids":{"limit":5}}' sh -c \
    'for i in 1 2 3 4 5 6 7 8; do sleep 5 & done; echo forks=$(jobs -p | wc -l)'
out=$(crun run --bundle "$WORK/pids" "$PREFIX-pids" 2>&1)
case "$out" in
    *"can't fork"* | *"Resource temporarily unavailable"* | forks=[0-4]) ok "fork past pids.max fails inside" ;;
    *) not_ok "fork past pids.max fails inside" "output: $out" ;;
esac
crun delete --force "$PREFIX-pids" 2>/dev/null

# --- cpu, cpuset -------------------------------------------------------------
id="$PREFIX-cpu"
bundle_res "$WORK/cpu" '{"cpu":{"shares":512,"quota":50000,"period":100000,"cpus":"0","mems":"0"}}' sleep 60
crun run -d --bundle "$WORK/cpu" "$id"
cpu=$(cgdir cpu "$id")
expect_eq "cpu.shares" 512 "$(cat "$cpu/cpu.shares")"
expect_eq "cpu.cfs_quota_us" 50000 "$(cat "$cpu/cpu.cfs_quota_us")"
expect_eq "cpu.cfs_period_us" 100000 "$(cat "$cpu/cpu.cfs_period_us")"
expect_eq "cpuset.cpus" 0 "$(cat "$(cgdir cpuset "$id")/cpuset.cpus")"
expect_eq "cpuset.mems" 0 "$(cat "$(cgdir cpuset "$id")/cpuset.mems")"
crun update --cpu-quota 20000 --cpu-period 200000 "$id"
expect_eq "update --cpu-quota" 20000 "$(cat "$cpu/cpu.cfs_quota_us")"
expect_eq "update --cpu-period" 200000 "$(cat "$cpu/cpu.cfs_period_us")"
crun delete --force "$id"

# --- freezer: pause/resume -------------------------------------------------
id="$PREFIX-frz"
bundle_with_args "$WORK/frz" sh -c 'while :; do :; done'
crun run -d --bundle "$WORK/frz" "$id"
acct=$(cgdir cpuacct "$id")
frz=$(cgdir freezer "$id")
crun pause "$id"
expect_eq "pause: state says paused" paused "$(crun state "$id" | jq -r .status)"
expect_eq "pause: freezer.state FROZEN" FROZEN "$(cat "$frz/freezer.state")"
a=$(cat "$acct/cpuacct.usage"); sleep 0.3; b=$(cat "$acct/cpuacct.usage")
expect_eq "a frozen busy loop uses no cpu" "$a" "$b"
crun update --memory 64m "$id"
expect_eq "update works on a paused container" 67108864 "$(cat "$(cgdir memory "$id")/memory.limit_in_bytes")"
crun resume "$id"
expect_eq "resume: state says running" running "$(crun state "$id" | jq -r .status)"
expect_eq "resume: freezer.state THAWED" THAWED "$(cat "$frz/freezer.state")"
a=$(cat "$acct/cpuacct.usage"); sleep 0.3; b=$(cat "$acct/cpuacct.usage")
[ "$b" -gt "$a" ] && ok "a thawed busy loop runs again" || not_ok "a thawed busy loop runs again" "$a -> $b"
crun delete --force "$id"

# --- devices -----------------------------------------------------------------
# The default config denies everything, the runtime allows the standard
# nodes; a node made inside for /dev/mem (1:1) stays unusable.
id="$PREFIX-dev"
make_bundle "$WORK/dev" '.process.args = ["sh","-c","mknod /dev/xmem c 1 1 && head -c1 /dev/xmem; echo rc=$?; head -c1 /dev/zero | wc -c; sleep 60"] |
    .process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] |
    .process.capabilities.permitted += ["CAP_MKNOD"]'
crun run -d --bundle "$WORK/dev" "$id" > "$WORK/dev.out" 2>&1
sleep 0.5
expect_contains "devices: a node outside the allow list is refused" "Operation not permitted" "$(cat "$WORK/dev.out")"
expect_contains "devices: /dev/zero stays usable" "1" "$(tail -n1 "$WORK/dev.out")"
devs=$(cat "$(cgdir devices "$id")/devices.list")
expect_contains "devices.list allows /dev/zero" "c 1:5 rwm" "$devs"
case "$devs" in *"a *:* rwm"* | *"c 1:1 "*) not_ok "devices.list does not allow /dev/mem" "$devs" ;; *) ok "devices.list does not allow /dev/mem" ;; esac

# --- ps, delete --------------------------------------------------------------
id2="$PREFIX-ps"
bundle_with_args "$WORK/ps" sh -c 'sleep 60 & sleep 60 & wait'
crun run -d --bundle "$WORK/ps" "$id2"
sleep 0.2
expect_eq "ps lists the cgroup's processes" 3 "$(crun ps --format json "$id2" | jq length)"
expect_eq "ps agrees with cgroup.procs" "$(sort -n "$(cgdir pids "$id2")/cgroup.procs" | tr '\n' ' ')" \
    "$(crun ps --format json "$id2" | jq -r '.[]' | sort -n | tr '\n' ' ')"
dirs=$(for c in memory pids cpu freezer devices; do cgdir $c "$id2"; done)
crun delete --force "$id"
crun delete --force "$id2"
left=$(for d in $dirs; do [ -d "$d" ] && echo "$d"; done)
expect_eq "delete removes every cgroup directory" "" "$left"
# The intermediate crun-lite directory in our own memory cgroup is ours alone.
own=$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup)
[ -d "/sys/fs/cgroup/memory$own/crun-lite" ] && [ -z "$(crun list -q)" ] &&
    not_ok "delete removes the crun-lite directory it made" "/sys/fs/cgroup/memory$own/crun-lite" ||
    ok "delete removes the crun-lite directory it made"

crun update --memory 64m "$PREFIX-nothing" 2>"$WORK/err"
expect_contains "update of a missing container: does not exist" "does not exist" "$(cat "$WORK/err")"
bundle_with_args "$WORK/stopped" true
crun run --keep --bundle "$WORK/stopped" "$PREFIX-stopped" 2>/dev/null
crun update --memory 64m "$PREFIX-stopped" 2>"$WORK/err"
expect_contains "update of a stopped container: container not running" "container not running" "$(cat "$WORK/err")"
crun delete --force "$PREFIX-stopped"

check_no_leftovers
finish
