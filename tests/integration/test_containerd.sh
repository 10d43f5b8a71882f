#!/bin/bash
# containerd 1.6 drives crun-lite through its own containerd-shim-runc-v2,
# unchanged: `ctr run --runc-binary crun-lite`. A private containerd (own
# config, root, state and socket under $WORK), a busybox OCI image imported
# from a tarball (no registry), then the task verbs, and nothing left after.
# With SHIM_MODE=native the same list runs through the native shim,
# containerd-shim-crun-lite-v2 (`ctr run --runtime /path/to/it`; its own
# further checks are in test_containerd_shim.sh).
. "$(dirname "$0")/lib.sh"
SHIM_MODE=${SHIM_MODE:-runc}
if [ "$SHIM_MODE" = native ]; then
    SHIM=${CRUNLITE_SHIM:-$(dirname "$CRUN")/containerd-shim-crun-lite-v2}
    [ -x "$SHIM" ] || { echo "not ok - $SHIM is not built"; exit 1; }
    SHIM_PATTERN="^$SHIM "
else
    SHIM_PATTERN="containerd-shim-runc-v2"
fi

. "$TOP/tests/support/private-containerd.sh"
pcd_install_containerd || { echo "cannot install containerd"; exit 1; }

NS="crun-lite-it$$"
# The shim passes `--root $RUNC_ROOT/$NS` to crun-lite (the native shim
# takes that parent from CRUNLITE_SHIM_ROOT in containerd's environment).
RUNC_ROOT="$ROOT/containerd"
IMAGE=localhost/crun-lite-busybox:latest
mkdir -p "$RUNC_ROOT"
pcd_init "$WORK/containerd" "$NS"
pcd_start CRUNLITE_SHIM_ROOT="$RUNC_ROOT"

# ctr run with crun-lite as the shim's runc
# IO fifos in our dir (ctr leaves a detached exec's fifos behind)
if [ "$SHIM_MODE" = native ]; then
    RUN_ARGS="--runtime $SHIM"
else
    RUN_ARGS="--runc-binary $CRUN --runc-root $RUNC_ROOT"
fi
crun_ctr() { c run --fifo-dir "$CD/fifo" $RUN_ARGS "$@"; }
cexec() { c task exec --fifo-dir "$CD/fifo" "$@"; }

teardown() {
    pcd_shutdown "$IMAGE"
    # Shims of our namespace that outlived containerd (they are ours), then
    # any container they left, straight through crun-lite.
    for p in $(pgrep -f "$SHIM_PATTERN.*-namespace $NS " 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    for id in $("$CRUN" --root "$RUNC_ROOT/$NS" list -q 2>/dev/null); do
        "$CRUN" --root "$RUNC_ROOT/$NS" delete --force "$id" >/dev/null 2>&1
    done
    pcd_cleanup_host
    cleanup
}
trap teardown EXIT

pcd_wait_up
c version >/dev/null 2>&1 && ok "containerd is up" || { not_ok "containerd is up" "$(tail -5 "$CD/containerd.log")"; finish; exit; }

# examples/containerd-config.toml parses, with the runtime and its BinaryName
sed "s#^version = 2#version = 2\nroot = \"$CD/example-root\"\nstate = \"$CD/example-state\"#" \
    "$TOP/examples/containerd-config.toml" > "$CD/example.toml"
out=$(containerd --config "$CD/example.toml" config dump 2>&1)
expect_contains "examples/containerd-config.toml: the CRI runtime" 'runtimes.crun-lite]' "$out"
expect_contains "examples/containerd-config.toml: its BinaryName" 'BinaryName = "/usr/local/bin/crun-lite"' "$out"

"$TOP/tests/support/make-busybox-image.sh" "$WORK/busybox.tar" "$IMAGE"
c images import "$WORK/busybox.tar" >/dev/null
expect_contains "image imported from an OCI archive" "$IMAGE" "$(c images ls -q)"

# --rm: output and exit code
out=$(crun_ctr --rm "$IMAGE" "$PREFIX-rm" sh -c 'echo hello from crun-lite; exit 3')
status=$?
expect_eq "ctr run --rm prints the output" "hello from crun-lite" "$out"
expect_eq "ctr run --rm returns the exit code" 3 "$status"
expect_eq "the container is gone after --rm" "" "$(c container ls -q)"

# stdin (ctr never closes it: read one line)
out=$(printf 'line one\nline two\n' | crun_ctr --rm "$IMAGE" "$PREFIX-stdin" head -n1)
expect_eq "stdin reaches the container" "line one" "$out"

# --tty, through a pty of our own
out=$(script -qec "ctr --address $SOCK --namespace $NS run --fifo-dir $CD/fifo $RUN_ARGS --rm -t $IMAGE $PREFIX-tty sh -c 'tty; echo cols=\$(stty size)'" /dev/null </dev/null | tr -d '\r')
expect_contains "ctr run -t gets a pty" "/dev/pts/0" "$out"
expect_contains "ctr run -t has a window size" "cols=" "$out"

# the fds containerd's shim holds (its socket on fd 3) stay out
out=$(crun_ctr --rm "$IMAGE" "$PREFIX-fds" ls /proc/self/fd)
expect_eq "only stdio reaches the container" "0 1 2 3" "$(echo $out)"

# cgroup limit from --memory-limit
id="$PREFIX-mem"
crun_ctr -d --memory-limit 67108864 "$IMAGE" "$id" sleep 1000 >/dev/null
expect_eq "ctr run -d" RUNNING "$(c task ls | awk -v id="$id" '$1 == id {print $3}')"
pid=$(c task ls | awk -v id="$id" '$1 == id {print $2}')
memcg=$(awk -F: '$2 == "memory" {print $3}' "/proc/$pid/cgroup")
expect_eq "the memory cgroup is /NS/ID" "/$NS/$id" "$memcg"
expect_eq "--memory-limit sets the memory cgroup's limit" 67108864 "$(cat "/sys/fs/cgroup/memory$memcg/memory.limit_in_bytes")"
[ -f "$RUNC_ROOT/$NS/$id/state.json" ] && ok "state under the root the shim passes" || not_ok "state under the root the shim passes" "$(find "$RUNC_ROOT")"
expect_eq "the init's parent is the shim" containerd-shim "$(ps -o comm= -p "$(awk '/^PPid/ {print $2}' /proc/$pid/status)" | cut -c1-15)"

# task exec: without and with a tty, as another user, detached
out=$(cexec --exec-id e1 "$id" sh -c 'echo pid1=$(cat /proc/1/comm); id -u')
expect_eq "task exec runs in the container (its pid namespace)" "pid1=sleep
0" "$out"
out=$(cexec --exec-id e2 --user 65534 "$id" id -u)
expect_eq "task exec --user" 65534 "$out"
out=$(cexec --exec-id e3 --cwd /tmp "$id" pwd)
expect_eq "task exec --cwd" /tmp "$out"
cexec --exec-id e4 "$id" sh -c 'exit 5'
expect_eq "task exec returns the exit code" 5 $?
out=$(script -qec "ctr --address $SOCK --namespace $NS task exec --fifo-dir $CD/fifo -t --exec-id e5 $id tty" /dev/null </dev/null | tr -d '\r')
expect_contains "task exec -t gets a pty" "/dev/pts/" "$out"
cexec --exec-id e6 --detach "$id" sleep 999 >/dev/null
expect_eq "task exec --detach" 0 $?
cexec --exec-id e7 "$id" no-such-command 2>"$WORK/err"
expect_eq "task exec of a missing command fails" 1 $?
expect_contains "task exec error names the command" "executable file not found" "$(cat "$WORK/err")"

# task ps lists the init and the detached exec
pids=$(c task ps "$id" | awk 'NR > 1 {print $1}' | sort -n | tr '\n' ' ')
expect_eq "task ps lists init and exec" 2 "$(echo $pids | wc -w)"
expect_contains "task ps has the init" "$pid" "$pids"

# pause / resume
c task pause "$id"
expect_eq "task pause" PAUSED "$(c task ls | awk -v id="$id" '$1 == id {print $3}')"
expect_eq "frozen in the freezer cgroup" FROZEN "$(cat "/sys/fs/cgroup/freezer$memcg/freezer.state")"
c task resume "$id"
expect_eq "task resume" RUNNING "$(c task ls | awk -v id="$id" '$1 == id {print $3}')"

# metrics (the shim reads the cgroup itself)
out=$(c task metrics "$id")
expect_contains "task metrics shows memory usage" "memory.usage_in_bytes" "$out"
expect_contains "task metrics shows the pids" "pids.current" "$out"

# kill: a signal the init handles, then --all
c task kill -s SIGKILL --all "$id"
for _ in $(seq 100); do [ "$(c task ls | awk -v id="$id" '$1 == id {print $3}')" = STOPPED ] && break; sleep 0.1; done
expect_eq "task kill --all stops the task" STOPPED "$(c task ls | awk -v id="$id" '$1 == id {print $3}')"
c task kill -s SIGTERM "$id" 2>"$WORK/err"
expect_contains "task kill of a stopped task: not found" "not found" "$(cat "$WORK/err")"
c task delete "$id" >/dev/null
expect_eq "task delete of a stopped task" 0 $?
[ -d "/proc/$pid" ] && not_ok "no process left" || ok "no process left"
c container rm "$id"
expect_eq "container rm" 0 $?

# a signal to the init (sh traps USR1 and exits 7)
id="$PREFIX-sig"
crun_ctr -d "$IMAGE" "$id" sh -c 'trap "exit 7" USR1; while true; do sleep 0.1; done' >/dev/null
sleep 0.3
c task kill -s SIGUSR1 "$id"
for _ in $(seq 100); do [ "$(c task ls | awk -v id="$id" '$1 == id {print $3}')" = STOPPED ] && break; sleep 0.1; done
expect_eq "task kill -s USR1 reaches the init" STOPPED "$(c task ls | awk -v id="$id" '$1 == id {print $3}')"
expect_contains "its exit status" "exit code 7" "$(c task delete "$id" 2>&1)"
c container rm "$id"

# task delete -f of a running task
id="$PREFIX-force"
crun_ctr -d "$IMAGE" "$id" sleep 1000 >/dev/null
pid=$(c task ls | awk -v id="$id" '$1 == id {print $2}')
c task delete -f "$id" >/dev/null
expect_eq "task delete -f of a running task" 0 $?
sleep 0.2
[ -d "/proc/$pid" ] && not_ok "delete -f leaves no process" || ok "delete -f leaves no process"
c container rm "$id"

# nothing left
expect_eq "no task left" "" "$(c task ls -q)"
expect_eq "no container left" "" "$(c container ls -q)"
expect_eq "no state left under crun-lite's root" "" "$(ls -A "$RUNC_ROOT/$NS" 2>/dev/null)"
left=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 4 -type d -path "*/$NS/*" 2>/dev/null)
expect_eq "no cgroup left behind" "" "$left"
expect_eq "nothing left in /run/containerd/fifo" "" "$(ls -A /run/containerd/fifo 2>/dev/null)"
expect_eq "no shim left" "" "$(sleep 0.5; pgrep -f "$SHIM_PATTERN.*-namespace $NS ")"
finish
