#!/bin/bash
# containerd 1.6 drives crun-lite through the native shim,
# containerd-shim-crun-lite-v2 (`ctr run --runtime /abs/path/...`): a private
# containerd as in test_containerd.sh (own config, root, state and socket
# under $WORK), a busybox image imported from a tarball, the task verbs,
# the events containerd receives, a SIGKILLed shim cleaned up through the
# shim's `delete`, and nothing left behind.
. "$(dirname "$0")/lib.sh"

SHIM=${CRUNLITE_SHIM:-$(dirname "$CRUN")/containerd-shim-crun-lite-v2}
[ -x "$SHIM" ] || { echo "not ok - $SHIM is not built"; exit 1; }
PROBE=${TTRPC_PROBE:-$(dirname "$CRUN")/tests/integration/ttrpc_probe}
[ -x "$PROBE" ] || { echo "not ok - $PROBE is not built"; exit 1; }
. "$TOP/tests/support/private-containerd.sh"
pcd_install_containerd || { echo "cannot install containerd"; exit 1; }

NS="crun-lite-shim$$"
# The shim passes `--root $SHIM_ROOT/$NS` to crun-lite (containerd hands
# its environment to the shims it starts).
SHIM_ROOT="$ROOT/shim"
IMAGE=localhost/crun-lite-busybox:latest
mkdir -p "$SHIM_ROOT"
pcd_init "$WORK/containerd" "$NS"
pcd_start CRUNLITE_SHIM_ROOT="$SHIM_ROOT"
events_pid=

srun() { c run --fifo-dir "$CD/fifo" --runtime "$SHIM" "$@"; }
task_status() { c task ls | awk -v id="$1" '$1 == id {print $3}'; }
task_pid() { c task ls | awk -v id="$1" '$1 == id {print $2}'; }
wait_status() {
    for _ in $(seq 100); do [ "$(task_status "$1")" = "$2" ] && return; sleep 0.1; done
}
# A process that has not exited (an exited shim can stay a zombie a while:
# its parent, `start`, is gone and whoever inherits it reaps it later).
alive() { [ -d "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
our_shims() { pgrep -f "^$SHIM .*-namespace $NS " 2>/dev/null; }

teardown() {
    [ -n "$events_pid" ] && kill "$events_pid" 2>/dev/null
    pcd_shutdown "$IMAGE"
    # Shims of our namespace that outlived containerd are ours; then any
    # container they left, straight through crun-lite.
    for p in $(our_shims); do kill -9 "$p" 2>/dev/null; done
    for id in $("$CRUN" --root "$SHIM_ROOT/$NS" list -q 2>/dev/null); do
        "$CRUN" --root "$SHIM_ROOT/$NS" delete --force "$id" >/dev/null 2>&1
    done
    pcd_cleanup_host
    cleanup
}
trap teardown EXIT

pcd_wait_up
c version >/dev/null 2>&1 && ok "containerd is up" || { not_ok "containerd is up" "$(tail -5 "$CD/containerd.log")"; finish; exit; }

# examples/containerd-shim-config.toml parses, with the runtime type
sed "s#^version = 2#version = 2\nroot = \"$CD/example-root\"\nstate = \"$CD/example-state\"#" \
    "$TOP/examples/containerd-shim-config.toml" > "$CD/example.toml"
out=$(containerd --config "$CD/example.toml" config dump 2>&1)
expect_contains "examples/containerd-shim-config.toml: the CRI runtime" 'runtimes.crun-lite-shim]' "$out"
expect_contains "examples/containerd-shim-config.toml: its runtime type" 'runtime_type = "io.containerd.crun-lite.v2"' "$out"

c events > "$CD/events" 2>&1 &
events_pid=$!

# --rm with --rootfs (no mounts from containerd): exit code 0
srun --rm --rootfs "$ROOTFS" "$PREFIX-true" /bin/true
expect_eq "ctr run --rm --rootfs /bin/true" 0 $?
expect_eq "the container is gone after --rm" "" "$(c container ls -q)"

"$TOP/tests/support/make-busybox-image.sh" "$WORK/busybox.tar" "$IMAGE"
c images import "$WORK/busybox.tar" >/dev/null
expect_contains "image imported from an OCI archive" "$IMAGE" "$(c images ls -q)"

# an image: the shim mounts the snapshot containerd passes; output, exit code
out=$(srun --rm "$IMAGE" "$PREFIX-rm" sh -c 'echo hello from the shim; echo to stderr >&2; exit 3' 2>"$WORK/err")
status=$?
expect_eq "ctr run --rm prints the output" "hello from the shim" "$out"
expect_eq "stderr reaches ctr" "to stderr" "$(cat "$WORK/err")"
expect_eq "ctr run --rm returns the exit code" 3 "$status"

out=$(printf 'line one\nline two\n' | srun --rm "$IMAGE" "$PREFIX-stdin" head -n1)
expect_eq "stdin reaches the container" "line one" "$out"

out=$(srun --rm "$IMAGE" "$PREFIX-fds" ls /proc/self/fd)
expect_eq "only stdio reaches the container" "0 1 2 3" "$(echo $out)"

# log URIs: file:// (appended) and binary:// (containerd's logging-binary
# protocol: fds 3 and 4, ready on fd 5, CONTAINER_ID/NAMESPACE)
srun --rm --log-uri "file://$WORK/logs/file.log" "$IMAGE" "$PREFIX-logfile" sh -c 'echo to file; echo err to file >&2'
expect_eq "--log-uri file://: stdout and stderr in the file" "to file
err to file" "$(cat "$WORK/logs/file.log" 2>&1)"
cat > "$WORK/logger" <<EOL
#!/bin/sh
echo "\$* \$CONTAINER_NAMESPACE \$CONTAINER_ID" > "$WORK/logger.args"
exec 5>&-
/bin/cat <&4 > "$WORK/logger.err" &
/bin/cat <&3 > "$WORK/logger.out"
wait
EOL
chmod +x "$WORK/logger"
srun --rm --log-uri "binary://$WORK/logger?tag=x" "$IMAGE" "$PREFIX-logbin" sh -c 'echo to logger; echo err to logger >&2'
sleep 0.3
expect_eq "--log-uri binary://: the logger's arguments and environment" "tag x $NS $PREFIX-logbin" "$(cat "$WORK/logger.args" 2>&1)"
expect_eq "--log-uri binary://: stdout through fd 3" "to logger" "$(cat "$WORK/logger.out" 2>&1)"
expect_eq "--log-uri binary://: stderr through fd 4" "err to logger" "$(cat "$WORK/logger.err" 2>&1)"

# terminals: the master comes over a console socket, the shim copies
ttyrun() { (set -o pipefail; script -qec "ctr --address $SOCK --namespace $NS $*" /dev/null </dev/null | tr -d '\r\000'); }
out=$(ttyrun run --fifo-dir "$CD/fifo" --runtime "$SHIM" --rm -t "$IMAGE" "$PREFIX-tty" sh -c "'tty; exit 6'")
status=$?
expect_contains "ctr run -t gets a pty" "/dev/pts/0" "$out"
expect_eq "ctr run -t returns the exit code" 6 "$status"

# run -d, then the task verbs
id="$PREFIX-d"
srun -d "$IMAGE" "$id" sleep 1000 >/dev/null
expect_eq "ctr run -d" RUNNING "$(task_status "$id")"
pid=$(task_pid "$id")
shim_pid=$(awk '/^PPid/ {print $2}' "/proc/$pid/status")
expect_eq "the init's parent is the shim" "$SHIM" "$(readlink "/proc/$shim_pid/exe")"
expect_contains "the shim is named by its path (what the leftover check looks for)" "$shim_pid" "$(our_shims)"
[ -f "$SHIM_ROOT/$NS/$id/state.json" ] && ok "crun-lite state under the shim's root" || not_ok "crun-lite state under the shim's root" "$(find "$SHIM_ROOT")"
mnt=$(grep -c " $CD/state/io.containerd.runtime.v2.task/$NS/$id/rootfs " /proc/self/mountinfo)
expect_eq "the rootfs snapshot is mounted in the bundle" 1 "$mnt"

out=$(c task exec --fifo-dir "$CD/fifo" --exec-id e1 "$id" sh -c 'echo pid1=$(cat /proc/1/comm); exit 4')
status=$?
expect_eq "task exec runs in the container" "pid1=sleep" "$out"
expect_eq "task exec returns the exit code" 4 "$status"

out=$(ttyrun task exec --fifo-dir "$CD/fifo" -t --exec-id e3 "$id" sh -c "'tty; exit 7'")
status=$?
expect_contains "task exec -t gets a pty" "/dev/pts/" "$out"
expect_eq "task exec -t returns the exit code" 7 "$status"
out=$(echo 'echo typed-in; exit 0' | script -qec "ctr --address $SOCK --namespace $NS task exec --fifo-dir $CD/fifo -t --exec-id e4 $id sh" /dev/null | tr -d '\r')
expect_contains "task exec -t: input reaches the terminal" "typed-in" "$out"
ls /tmp | grep -q '^crun-lite-pty' && not_ok "console sockets removed" || ok "console sockets removed"

c task exec --fifo-dir "$CD/fifo" --detach --exec-id e5 "$id" sleep 999 >/dev/null
pids=$(c task ps "$id" | awk 'NR > 1 {print $1}' | tr '\n' ' ')
expect_contains "task ps lists the init" "$pid" "$pids"
expect_contains "task ps shows a detached exec's id" "e5" "$(c task ps "$id")"

c task pause "$id"
expect_eq "task pause" PAUSED "$(task_status "$id")"
c task resume "$id"
expect_eq "task resume" RUNNING "$(task_status "$id")"

# malformed frames and requests on the live shim: ttrpc errors, the shim
# and the container unharmed (codes: 8 ResourceExhausted, 3 InvalidArgument,
# 12 Unimplemented, 0 OK; the last but one an exec id with "../")
sock=$(sed 's#^unix://##' "$CD/state/io.containerd.runtime.v2.task/$NS/$id/address")
out=$("$PROBE" "$sock" malformed "$id")
expect_eq "malformed ttrpc: the codes of the answers" "8 3 3 12 12 3 12 3 0" "$(echo "$out" | awk '{print $1}' | tr '\n' ' ' | sed 's/ $//')"
expect_contains "an oversized frame is named" "exceeds the maximum" "$out"
expect_contains "checkpoint answers a clear not supported" "checkpoint is not supported" "$out"
expect_eq "after malformed input the task still runs" RUNNING "$(task_status "$id")"
expect_eq "after malformed input the shim answers State" "2 $pid" "$("$PROBE" "$sock" state "$id")"

# Update (ctr 1.6 has no task update): LinuxResources JSON through the shim
memcg=$(awk -F: '$2 == "memory" {print $3}' "/proc/$pid/cgroup")
echo '{"memory": {"limit": 50331648}}' | "$PROBE" "$sock" update "$id" >/dev/null
expect_eq "Update sets the memory limit" 50331648 "$(cat "/sys/fs/cgroup/memory$memcg/memory.limit_in_bytes")"

out=$(c task metrics "$id")
expect_contains "task metrics shows memory usage" "memory.usage_in_bytes" "$out"
expect_contains "task metrics shows the pids" "pids.current" "$out"

c task kill -s SIGKILL "$id"
wait_status "$id" STOPPED
expect_eq "task kill stops the task" STOPPED "$(task_status "$id")"
c task kill -s SIGTERM "$id" 2>"$WORK/err"
expect_contains "task kill of a stopped task: not found" "not found" "$(cat "$WORK/err")"
expect_contains "killed by SIGKILL: exit status 128 + 9" "exit code 137" "$(c task delete "$id" 2>&1)"
[ -d "/proc/$pid" ] && not_ok "no process left" || ok "no process left"
c container rm "$id"
expect_eq "container rm" 0 $?

# kill --all, delete -f of a running task
id="$PREFIX-all"
srun -d "$IMAGE" "$id" sh -c 'sleep 1000 & sleep 1000' >/dev/null
c task kill -a -s SIGKILL "$id"
wait_status "$id" STOPPED
expect_eq "task kill --all" STOPPED "$(task_status "$id")"
c task delete "$id" >/dev/null && c container rm "$id"
id="$PREFIX-force"
srun -d "$IMAGE" "$id" sleep 1000 >/dev/null
pid=$(task_pid "$id")
c task delete -f "$id" >/dev/null
expect_eq "task delete -f of a running task" 0 $?
sleep 0.2
[ -d "/proc/$pid" ] && not_ok "delete -f leaves no process" || ok "delete -f leaves no process"
c container rm "$id"

# an OOM kill in the container's memory cgroup: a TaskOOM event (checked
# with the other events below)
id="$PREFIX-oom"
srun --rm --memory-limit 16777216 "$IMAGE" "$id" dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null
expect_eq "dd over the memory limit is OOM-killed" 137 $?

# one shim per pod: containers with the same io.kubernetes.cri.sandbox-id
pod="io.kubernetes.cri.sandbox-id=$PREFIX-pod"
srun -d --annotation "$pod" "$IMAGE" "$PREFIX-pod-a" sleep 1000 >/dev/null
srun -d --annotation "$pod" "$IMAGE" "$PREFIX-pod-b" sleep 1000 >/dev/null
shim_a=$(awk '/^PPid/ {print $2}' "/proc/$(task_pid "$PREFIX-pod-a")/status")
shim_b=$(awk '/^PPid/ {print $2}' "/proc/$(task_pid "$PREFIX-pod-b")/status")
expect_eq "a pod's containers share one shim" "$shim_a" "$shim_b"
c task kill -s SIGKILL "$PREFIX-pod-a"
wait_status "$PREFIX-pod-a" STOPPED
c task delete "$PREFIX-pod-a" >/dev/null && c container rm "$PREFIX-pod-a"
sleep 0.3
alive "$shim_a" && ok "the pod's shim outlives its first container" || not_ok "the pod's shim outlives its first container"
out=$(c task exec --fifo-dir "$CD/fifo" --exec-id e1 "$PREFIX-pod-b" echo still served)
expect_eq "the pod's other container is still served" "still served" "$out"
c task kill -s SIGKILL "$PREFIX-pod-b"
wait_status "$PREFIX-pod-b" STOPPED
c task delete "$PREFIX-pod-b" >/dev/null && c container rm "$PREFIX-pod-b"
sleep 0.3
alive "$shim_a" && not_ok "the pod's shim exits with its last container" || ok "the pod's shim exits with its last container"

# containerd restarted while a container runs: it reconnects to the shim
id="$PREFIX-restart"
srun -d "$IMAGE" "$id" sleep 1000 >/dev/null
pid=$(task_pid "$id")
pcd_stop
pcd_start CRUNLITE_SHIM_ROOT="$SHIM_ROOT"
pcd_wait_up
[ -d "/proc/$pid" ] && ok "the container outlives containerd" || not_ok "the container outlives containerd"
expect_eq "after a containerd restart the task is RUNNING" RUNNING "$(task_status "$id")"
out=$(c task exec --fifo-dir "$CD/fifo" --exec-id e2 "$id" echo after restart)
expect_eq "exec after a containerd restart" "after restart" "$out"
c task kill -s SIGKILL "$id"
wait_status "$id" STOPPED
c task delete "$id" >/dev/null
expect_eq "delete after a containerd restart" 0 $?
c container rm "$id"
c events >> "$CD/events" 2>&1 &
events_pid=$!

# the shim SIGKILLed: containerd cleans up through `shim delete`
id="$PREFIX-crash"
srun -d "$IMAGE" "$id" sleep 1000 >/dev/null
pid=$(task_pid "$id")
shim_pid=$(awk '/^PPid/ {print $2}' "/proc/$pid/status")
kill -9 "$shim_pid"
for _ in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
[ -d "/proc/$pid" ] && not_ok "after a shim SIGKILL the container is killed" || ok "after a shim SIGKILL the container is killed"
c task delete "$id" >/dev/null 2>&1
c container rm "$id"
expect_eq "after a shim SIGKILL the container can be removed" 0 $?

# events containerd received from the shim's publisher
sleep 0.5
kill "$events_pid" 2>/dev/null; wait "$events_pid" 2>/dev/null; events_pid=
expect_contains "event /tasks/oom for the container" "$PREFIX-oom" "$(grep -F /tasks/oom "$CD/events")"
for topic in /tasks/create /tasks/start /tasks/exit /tasks/delete /tasks/paused /tasks/resumed /tasks/exec-added /tasks/exec-started; do
    expect_contains "event $topic" "$topic" "$(grep -F "$NS" "$CD/events")"
done

# nothing left
expect_eq "no task left" "" "$(c task ls -q)"
expect_eq "no container left" "" "$(c container ls -q)"
expect_eq "no state left under the shim's root" "" "$(ls -A "$SHIM_ROOT/$NS" 2>/dev/null)"
left=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 4 -type d -path "*/$NS/*" 2>/dev/null)
expect_eq "no cgroup left behind" "" "$left"
expect_eq "no mount left" "" "$(grep " $CD/" /proc/self/mountinfo)"
expect_eq "no shim left" "" "$(sleep 0.3; our_shims)"
expect_eq "no shim socket left" "" "$(ls /run/containerd/s/ 2>/dev/null | grep '^crun-lite-')"
finish
