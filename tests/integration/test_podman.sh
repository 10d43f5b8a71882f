#!/bin/bash
# podman 4.3 (with conmon) runs its containers on crun-lite: `podman
# --runtime crun-lite`. Its own storage, run root, containers.conf and
# cgroup parent, inside a private mount namespace with a temporary dir over
# /var/lib (podman writes /var/lib/containers/cache whatever --root says).
if [ -z "${CRUNLITE_PODMAN_NS:-}" ]; then
    if ! command -v podman >/dev/null || ! command -v conmon >/dev/null || [ ! -x /usr/libexec/podman/catatonit ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman conmon catatonit >/dev/null || { echo "cannot install podman"; exit 1; }
    fi
    CRUNLITE_PODMAN_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

P="$WORK/podman"
mkdir -p "$P/varlib" "$P/tmp" "$P/net" "$P/storage" "$P/runroot"
mount --bind "$P/varlib" /var/lib
# podman passes no --root to the runtime (and its cleanup process would not
# pass a --runtime-flag on): crun-lite keeps podman's containers in its
# default root.
PROOT=/run/crun-lite
proot_existed=$([ -d "$PROOT" ] && echo yes || echo no)
PARENT="/crun-lite-it$$"  # the cgroup parent of every container (and of conmon)
IMAGE=localhost/crun-lite-busybox:latest

cat > "$P/containers.conf" <<EOF
[containers]
# The host's hard limits (no CAP_SYS_RESOURCE to raise them).
default_ulimits = ["nofile=1024:20000", "nproc=4096:4096"]
netns = "none"
log_driver = "k8s-file"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$P/tmp/events.log"
tmp_dir = "$P/tmp"
runtime = "crun-lite"
runtime_supports_json = ["crun-lite"]
[engine.runtimes]
crun-lite = ["$CRUN"]
[network]
network_config_dir = "$P/net"
EOF
cat > "$P/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$P/storage"
runroot = "$P/runroot"
EOF
: > "$P/registries.conf"
export CONTAINERS_CONF="$P/containers.conf" CONTAINERS_STORAGE_CONF="$P/storage.conf"
export CONTAINERS_REGISTRIES_CONF="$P/registries.conf"

p() { podman --runtime "$CRUN" "$@"; }
# run/create with the test's cgroup parent
prun() { p run --cgroup-parent "$PARENT" "$@"; }

teardown() {
    p rm -af -t 0 >/dev/null 2>&1
    p rmi -af >/dev/null 2>&1
    # conmon processes of ours (they live on our storage dirs)
    for c in $(pgrep -f "conmon .*$P/" 2>/dev/null); do kill -9 "$c" 2>/dev/null; done
    for d in /sys/fs/cgroup/*"$PARENT"/conmon /sys/fs/cgroup/*"$PARENT" /sys/fs/cgroup/*/*"$PARENT"/conmon /sys/fs/cgroup/*/*"$PARENT"; do
        [ -d "$d" ] && rmdir "$d" 2>/dev/null
    done
    [ "$proot_existed" = no ] && rmdir "$PROOT" 2>/dev/null
    cleanup
}
trap teardown EXIT

"$TOP/tests/support/make-busybox-image.sh" "$WORK/busybox.tar" "$IMAGE"
p load -q -i "$WORK/busybox.tar" >"$WORK/load.out" 2>&1
loaded=$(p images -q | head -n1)
[ -n "$loaded" ] && p tag "$loaded" "$IMAGE"
expect_contains "podman load of an OCI archive" "crun-lite-busybox" "$(p images --format '{{.Repository}}')"

# examples/containers.conf is a valid podman configuration
out=$(CONTAINERS_CONF="$TOP/examples/containers.conf" podman info --format '{{.Host.CgroupManager}}' 2>&1)
expect_eq "examples/containers.conf loads" cgroupfs "$out"

# run --rm: output, exit code
out=$(prun --rm "$IMAGE" sh -c 'echo hello from crun-lite')
expect_eq "run --rm prints the output" "hello from crun-lite" "$out"
prun --rm "$IMAGE" sh -c 'exit 3'
expect_eq "run --rm returns the exit code" 3 $?
expect_eq "podman info names the runtime" "$CRUN" "$(p info --format '{{.Host.OCIRuntime.Name}}')"
expect_contains "podman info shows its version" "crun-lite version" "$(p info --format '{{.Host.OCIRuntime.Version}}')"

# errors: 127 for a missing executable, 126 for one that cannot run
prun --rm "$IMAGE" no-such-command 2>"$WORK/err"
expect_eq "a missing executable gives 127" 127 $?
expect_contains "its message" "executable file not found" "$(cat "$WORK/err")"
prun --rm "$IMAGE" /etc/passwd 2>"$WORK/err"
expect_eq "a non-executable gives 126" 126 $?
expect_contains "its message" "permission denied" "$(cat "$WORK/err")"

# -t: a pty
out=$(script -qec "podman --runtime $CRUN run --cgroup-parent $PARENT --rm -t $IMAGE tty" /dev/null </dev/null | tr -d '\r')
expect_contains "run -t gets a pty" "/dev/pts/0" "$out"

# -i: stdin
out=$(printf 'one\ntwo\n' | prun --rm -i "$IMAGE" cat)
expect_eq "run -i passes stdin (and its end)" "one
two" "$out"

# --init: catatonit is pid 1
out=$(prun --rm --init "$IMAGE" cat /proc/1/cmdline | tr '\0' ' ')
expect_contains "run --init puts an init first" "/run/podman-init" "$out"

# resource limits and dropped capabilities
out=$(prun --rm --memory 64m --pids-limit 50 --cpus 0.5 "$IMAGE" sh -c \
    'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null')
expect_eq "--memory/--pids-limit/--cpus set the cgroup" "67108864
50
50000" "$out"
out=$(prun --rm --cap-drop all "$IMAGE" sh -c 'grep CapEff /proc/self/status')
expect_eq "--cap-drop all leaves no capability" "CapEff:	0000000000000000" "$out"

# -d, exec, logs, top, stats
prun -d --name top1 "$IMAGE" sh -c 'echo started; trap "exit 0" TERM; while true; do sleep 0.1; done' >/dev/null
expect_eq "run -d" running "$(p inspect -f '{{.State.Status}}' top1)"
pid=$(p inspect -f '{{.State.Pid}}' top1)
expect_eq "the init's parent is conmon" conmon "$(ps -o comm= -p "$(awk '/^PPid/ {print $2}' /proc/$pid/status)")"
for _ in $(seq 50); do [ -n "$(p logs top1)" ] && break; sleep 0.1; done
expect_eq "logs" started "$(p logs top1)"
out=$(p exec top1 sh -c 'echo exec in $(cat /proc/1/comm)')
expect_eq "exec" "exec in sh" "$out"
out=$(p exec --user 65534 --env FOO=bar --workdir /tmp top1 sh -c 'echo $(id -u) $FOO $(pwd)')
expect_eq "exec --user --env --workdir" "65534 bar /tmp" "$out"
p exec top1 sh -c 'exit 4'
expect_eq "exec returns the exit code" 4 $?
out=$(script -qec "podman --runtime $CRUN exec -t top1 tty" /dev/null </dev/null | tr -d '\r')
expect_contains "exec -t gets a pty" "/dev/pts/" "$out"
p exec -d top1 sleep 300 >/dev/null
expect_eq "exec -d" 0 $?
p exec top1 no-such-command 2>/dev/null
expect_eq "exec of a missing command gives 127" 127 $?
expect_contains "top lists the processes" "sleep 300" "$(p top top1)"
out=$(p stats --no-stream --format '{{.MemUsage}} {{.PIDs}}' top1 2>&1)
expect_contains "stats reads the cgroup" "/ " "$out"

# pause / unpause
p pause top1 >/dev/null
expect_eq "pause" paused "$(p inspect -f '{{.State.Status}}' top1)"
p unpause top1 >/dev/null
expect_eq "unpause" running "$(p inspect -f '{{.State.Status}}' top1)"

# stop (the init traps TERM: exit 0), start again, restart, kill
p stop -t 10 top1 >/dev/null
expect_eq "stop" exited "$(p inspect -f '{{.State.Status}}' top1)"
expect_eq "stop: the exit code" 0 "$(p inspect -f '{{.State.ExitCode}}' top1)"
p start top1 >/dev/null
expect_eq "start again" running "$(p inspect -f '{{.State.Status}}' top1)"
old=$(p inspect -f '{{.State.Pid}}' top1)
p restart -t 10 top1 >/dev/null
new=$(p inspect -f '{{.State.Pid}}' top1)
[ "$(p inspect -f '{{.State.Status}}' top1)" = running ] && [ "$old" != "$new" ] && ok "restart" || not_ok "restart" "$old -> $new"
p kill -s KILL top1 >/dev/null
p wait top1 >/dev/null
expect_eq "kill -s KILL: exit code 137" 137 "$(p inspect -f '{{.State.ExitCode}}' top1)"
p rm top1 >/dev/null
expect_eq "rm" 0 $?

# create, then start
p create --cgroup-parent "$PARENT" --name made "$IMAGE" sh -c 'echo made; sleep 300' >/dev/null
expect_eq "create" created "$(p inspect -f '{{.State.Status}}' made)"
p start made >/dev/null
expect_eq "start a created container" running "$(p inspect -f '{{.State.Status}}' made)"
pid=$(p inspect -f '{{.State.Pid}}' made)
# rm -f of a running container
p rm -f -t 0 made >/dev/null
expect_eq "rm -f of a running container" 0 $?
sleep 0.2
[ -d "/proc/$pid" ] && not_ok "rm -f leaves no process" || ok "rm -f leaves no process"

expect_eq "no container left" "" "$(p ps -aq)"
# every container of the test is in podman's event log
ids=$(jq -r 'select(.Type == "container") | .ID' "$P/tmp/events.log" | sort -u)
expect_eq "no state left under crun-lite's root" "" "$(for id in $ids; do ls -d "$PROOT/$id" 2>/dev/null; done)"
left=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 4 -type d -path "*$PARENT/libpod-*" 2>/dev/null)
expect_eq "no container cgroup left behind" "" "$left"
finish
