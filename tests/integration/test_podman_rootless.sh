#!/bin/bash
# Rootless podman on crun-lite: an ordinary user (made for the test, with
# a subordinate id range) runs, execs into, stops and removes containers
# with `podman --runtime crun-lite`, an image loaded from a busybox-static
# tarball, native overlay storage in its home, no network or slirp4netns.
# podman runs the runtime as root of its own user namespace: no cgroup on
# this v1 tree, devices bound, state under $XDG_RUNTIME_DIR.
if ! command -v podman >/dev/null || ! command -v conmon >/dev/null || [ ! -x /usr/libexec/podman/catatonit ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman conmon catatonit >/dev/null || { echo "not ok - cannot install podman"; exit 1; }
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/rootless_user.sh"

IMAGE=localhost/crun-lite-busybox:latest
CONF="$WORK/home/.config/containers"
mkdir -p "$CONF"
cat > "$CONF/containers.conf" <<EOF
[containers]
# The host's hard limits (no CAP_SYS_RESOURCE to raise them).
default_ulimits = ["nofile=1024:20000", "nproc=4096:4096"]
netns = "none"
log_driver = "k8s-file"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "crun-lite"
runtime_supports_json = ["crun-lite"]
[engine.runtimes]
crun-lite = ["$RL"]
EOF
printf '[storage]\ndriver = "overlay"\n' > "$CONF/storage.conf"
: > "$CONF/registries.conf"
chown -R "$RLUID:$RLGID" "$WORK/home/.config"
p() { (cd "$WORK/home" && as_user podman "$@"); }

rootless_test_cleanup() {
    p rm -af -t 0 >/dev/null 2>&1
    # Storage files belong to the user's subordinate ids: removed from
    # inside its user namespace (the rest goes with $WORK).
    p system reset -f >/dev/null 2>&1
}

"$TOP/tests/support/make-busybox-image.sh" "$WORK/busybox.tar" "$IMAGE" >/dev/null
chmod 644 "$WORK/busybox.tar"
p load -q -i "$WORK/busybox.tar" >/dev/null 2>&1
expect_contains "rootless podman loads the image" crun-lite-busybox "$(p images --format '{{.Repository}}')"
expect_eq "its runtime is crun-lite" "$RL" "$(p info --format '{{.Host.OCIRuntime.Path}}')"
expect_eq "on overlay storage" overlay "$(p info --format '{{.Store.GraphDriverName}}')"

out=$(p run --rm "$IMAGE" sh -c 'echo hello; id -u; cat /proc/self/uid_map | tr -s " " | sed "s/^ //"')
expect_eq "run --rm as the user's root, ids through newuidmap" "hello
0
0 $RLUID 1
1 $SUBUID 65536" "$out"
p run --rm "$IMAGE" sh -c 'exit 3'
expect_eq "run --rm returns the exit code" 3 $?
p run --rm "$IMAGE" no-such-command 2>/dev/null
expect_eq "a missing executable gives 127" 127 $?

p run -d --name top1 "$IMAGE" sh -c 'echo started; trap "exit 0" TERM; while true; do sleep 0.1; done' >/dev/null
expect_eq "run -d" running "$(p inspect -f '{{.State.Status}}' top1)"
expect_eq "its state is under \$XDG_RUNTIME_DIR/crun-lite" yes \
    "$([ -d "$XDG/crun-lite/$(p inspect -f '{{.Id}}' top1)" ] && echo yes)"
out=$(p exec top1 sh -c 'echo exec in $(cat /proc/1/comm)')
expect_eq "exec" "exec in sh" "$out"
expect_eq "exec --user" "1000" "$(p exec --user 1000 top1 id -u)"
p exec top1 sh -c 'exit 4'
expect_eq "exec returns the exit code" 4 $?
p exec -d top1 sleep 300 >/dev/null
expect_contains "top lists an exec'd process" "sleep 300" "$(p top top1)"
for _ in $(seq 50); do [ -n "$(p logs top1)" ] && break; sleep 0.1; done
expect_eq "logs" started "$(p logs top1)"
p stop -t 10 top1 >/dev/null
expect_eq "stop" "exited 0" "$(p inspect -f '{{.State.Status}} {{.State.ExitCode}}' top1)"
p start top1 >/dev/null
expect_eq "start again" running "$(p inspect -f '{{.State.Status}}' top1)"
p kill -s KILL top1 >/dev/null
p wait top1 >/dev/null
expect_eq "kill -s KILL: exit code 137" 137 "$(p inspect -f '{{.State.ExitCode}}' top1)"
p rm top1 >/dev/null
expect_eq "rm" 0 $?

if command -v slirp4netns >/dev/null; then
    out=$(p run --rm --network slirp4netns "$IMAGE" sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort')
    expect_eq "--network slirp4netns: lo and tap0" "lo
tap0" "$out"
fi
expect_eq "--network none: lo alone" lo "$(p run --rm "$IMAGE" sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "')"

expect_eq "no container left" "" "$(p ps -aq)"
expect_eq "no state left under \$XDG_RUNTIME_DIR/crun-lite" "" "$(ls -A "$XDG/crun-lite" 2>/dev/null)"
check_no_leftovers
finish
