# A private containerd 1.6 for tests and benchmarks, sourced (bash):
# its own config, root, state and sockets under one directory, the
# namespace given, and a teardown that removes what it made and nothing
# else. Used by tests/integration/test_containerd.sh,
# test_containerd_shim.sh and bench/shim.sh.
#
#   pcd_init DIR NS [LEVEL [STATE_DIR]]   sets CD, SOCK, PCD_NS; writes the config
#   pcd_start [NAME=VALUE...]             starts containerd (with that environment
#                                         added: containerd hands it to its shims)
#   pcd_wait_up                           until it answers (status 1: it did not)
#   c ARGS...                             ctr on our socket and namespace
#   pcd_stop                              stops containerd (tasks and all left running)
#   pcd_shutdown [IMAGE]                  tasks, containers, the image and its content,
#                                         then containerd
#   pcd_cleanup_host                      what is left on the host: mounts under DIR and
#                                         STATE_DIR, the namespace's cgroups, containerd's
#                                         /run dirs (after the caller's own clean-up of
#                                         shims and runtime state, between the two)
#
# Needs containerd and ctr (pcd_install_containerd gets them from apt).

pcd_install_containerd() {
    command -v containerd >/dev/null && command -v ctr >/dev/null && return 0
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q containerd >/dev/null
}

pcd_init() {
    CD=$1
    PCD_NS=$2
    local level=${3:-info}
    PCD_STATE=${4:-$CD/state}
    SOCK="$CD/containerd.sock"
    containerd_pid=
    mkdir -p "$CD"
    # containerd (or a runc shim) makes /run/containerd; removed again only
    # if it was not there before.
    pcd_run_containerd_existed=$([ -d /run/containerd ] && echo yes || echo no)
    cat > "$CD/config.toml" <<EOC
version = 2
root = "$CD/root"
state = "$PCD_STATE"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.internal.v1.tracing",
  "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = ""
  level = "$level"
EOC
}

pcd_start() {
    env "$@" containerd --config "$CD/config.toml" >> "$CD/containerd.log" 2>&1 &
    containerd_pid=$!
}

c() { ctr --address "$SOCK" --namespace "$PCD_NS" "$@"; }

pcd_wait_up() {
    local _
    for _ in $(seq 100); do c version >/dev/null 2>&1 && return 0; sleep 0.1; done
    c version >/dev/null 2>&1
}

pcd_stop() {
    [ -n "$containerd_pid" ] || return 0
    kill "$containerd_pid" 2>/dev/null
    wait "$containerd_pid" 2>/dev/null
    containerd_pid=
}

pcd_shutdown() {
    local image=${1:-} t ct
    if [ -n "$containerd_pid" ] && kill -0 "$containerd_pid" 2>/dev/null; then
        for t in $(c task ls -q 2>/dev/null); do
            c task kill -a -s KILL "$t" >/dev/null 2>&1
            c task delete -f "$t" >/dev/null 2>&1
        done
        for ct in $(c container ls -q 2>/dev/null); do c container rm "$ct" >/dev/null 2>&1; done
        [ -n "$image" ] && c images rm "$image" >/dev/null 2>&1
        c content ls -q 2>/dev/null | xargs -r ctr --address "$SOCK" --namespace "$PCD_NS" content rm >/dev/null 2>&1
    fi
    pcd_stop
}

pcd_cleanup_host() {
    local m d
    grep -e " $CD/" -e " $PCD_STATE/" /proc/self/mountinfo | awk '{print $5}' | sort -r |
        while read -r m; do umount -l "$m"; done
    # The namespace's parent cgroups (/NS/ID is the default cgroups path).
    for d in /sys/fs/cgroup/*/"$PCD_NS" /sys/fs/cgroup/unified/"$PCD_NS"; do
        [ -d "$d" ] && rmdir "$d" 2>/dev/null
    done
    # runc's default root under containerd's runc shim: /run/containerd/runc/<ns>
    rmdir "/run/containerd/runc/$PCD_NS" 2>/dev/null
    rmdir /run/containerd/s /run/containerd/fifo /run/containerd/runc 2>/dev/null
    [ "$pcd_run_containerd_existed" = no ] && rmdir /run/containerd 2>/dev/null
    return 0
}
