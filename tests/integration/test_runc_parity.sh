#!/bin/bash
# Behaviours where crun-lite used to differ from runc, found by running
# other projects' suites: each bundle runs under runc too (the reference)
# where runc is installed, and the host is checked for leftovers.
. "$(dirname "$0")/lib.sh"

RECEIVER=${CONSOLE_RECEIVER:-}
RUNC_ROOT=$WORK/runc-root
have_runc() { command -v runc >/dev/null; }
runc_() { runc --root "$RUNC_ROOT" "$@"; }

# set_args DIR ARG...: the bundle's process runs ARG...
set_args() {
    dir=$1
    shift
    args=$(printf '%s\n' "$@" | jq -R . | jq -s .)
    jq ".process.args = $args" "$dir/config.json" > "$dir/c.json" && mv "$dir/c.json" "$dir/config.json"
}

mounts_under() { awk -v d="$1" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo; }

# ---- hooks: prestart and createRuntime see "created" ------------------------
make_bundle "$WORK/hooks" ".hooks = {prestart: [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"cat > $WORK/prestart.json\"]}],
    createRuntime: [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"cat > $WORK/createRuntime.json\"]}]} | .process.args = [\"true\"]"
crun run --bundle "$WORK/hooks" "$PREFIX-hooks"
expect_eq "prestart hook state: created, with the init's pid" "created true" \
    "$(jq -r '.status + " " + (.pid > 0 | tostring)' "$WORK/prestart.json")"
expect_eq "createRuntime hook state: created" created "$(jq -r .status "$WORK/createRuntime.json")"

# ---- no mount namespace of its own ------------------------------------------
# runc runs such a container in the runtime's mount namespace (mounts and
# all); the rootfs mount must go again on delete.
make_bundle "$WORK/hostns" 'del(.linux.namespaces[] | select(.type == "mount")) | del(.linux.maskedPaths, .linux.readonlyPaths) | .process.args = ["sleep", "30"]'
crun run -d --bundle "$WORK/hostns" "$PREFIX-hostns" </dev/null
expect_eq "no mount namespace: run -d works" 0 $?
pid=$(crun state "$PREFIX-hostns" | jq .pid)
expect_eq "no mount namespace: the container shares ours" "$(readlink /proc/self/ns/mnt)" "$(readlink /proc/"$pid"/ns/mnt)"
expect_contains "no mount namespace: its /proc is mounted in ours, in the rootfs" "$ROOTFS/proc" "$(mounts_under "$ROOTFS")"
expect_eq "no mount namespace: it sees its own rootfs" "$(ls "$ROOTFS" | sort | tr '\n' ' ')" \
    "$(crun exec "$PREFIX-hostns" ls / | sort | tr '\n' ' ')"
crun delete --force "$PREFIX-hostns"
expect_eq "no mount namespace: delete leaves no mount behind" "" "$(mounts_under "$ROOTFS")"
make_bundle "$WORK/hostns-masked" 'del(.linux.namespaces[] | select(.type == "mount")) | .linux.maskedPaths = ["/proc/kcore"]'
crun run --bundle "$WORK/hostns-masked" "$PREFIX-hostns-masked" 2>"$WORK/err"
expect_contains "no mount namespace with maskedPaths: refused (runc refuses it too)" "mount namespace" "$(cat "$WORK/err")"

# A mount namespace joined by path: runc sets the rootfs up in it.
unshare -m --propagation private sleep 60 &
holder=$!
for _ in $(seq 50); do [ "$(readlink /proc/$holder/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] && break; sleep 0.05; done
make_bundle "$WORK/joinns" "(.linux.namespaces[] | select(.type == \"mount\")).path = \"/proc/$holder/ns/mnt\" | .process.args = [\"sleep\", \"30\"]"
crun run -d --bundle "$WORK/joinns" "$PREFIX-joinns" </dev/null
expect_eq "mount namespace by path: run -d works" 0 $?
pid=$(crun state "$PREFIX-joinns" | jq .pid)
expect_eq "mount namespace by path: joined" "$(readlink /proc/$holder/ns/mnt)" "$(readlink /proc/"$pid"/ns/mnt)"
expect_eq "mount namespace by path: nothing mounted in ours" "" "$(mounts_under "$ROOTFS")"
crun delete --force "$PREFIX-joinns"
expect_eq "mount namespace by path: delete detaches its rootfs there" "" \
    "$(nsenter -t $holder -m awk -v d="$ROOTFS" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo)"
kill $holder
wait $holder 2>/dev/null

# ---- linux.mountLabel without SELinux: ignored, as crun and runc do ---------
if [ ! -e /sys/fs/selinux/enforce ]; then
    make_bundle "$WORK/label" '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2" | .process.args = ["true"]'
    crun run --bundle "$WORK/label" "$PREFIX-label"
    expect_eq "mountLabel on a host without SELinux: runs" 0 $?
fi

# ---- a terminal belongs to the process's user (runc: uid, tty group 5) -------
if [ -n "$RECEIVER" ]; then
    for rt in crun-lite runc; do
        [ $rt = runc ] && ! have_runc && continue
        make_bundle "$WORK/tty-$rt" '.process.terminal = true | .process.user = {uid: 1000, gid: 100}'
        set_args "$WORK/tty-$rt" sh -c 'stat -c %u:%g $(tty)'
        "$RECEIVER" "$WORK/tty-$rt.sock" "" > "$WORK/tty-$rt.out" &
        receiver=$!
        for _ in $(seq 100); do grep -q listening "$WORK/tty-$rt.out" 2>/dev/null && break; sleep 0.05; done
        if [ $rt = runc ]; then
            runc_ run -d --console-socket "$WORK/tty-$rt.sock" --bundle "$WORK/tty-$rt" "$PREFIX-runc-tty" >/dev/null
        else
            crun run -d --console-socket "$WORK/tty-$rt.sock" --bundle "$WORK/tty-$rt" "$PREFIX-tty"
        fi
        wait $receiver
    done
    expect_contains "terminal of uid 1000: owned by 1000, group tty" "1000:5" "$(cat "$WORK/tty-crun-lite.out")"
    if have_runc; then
        expect_eq "runc agrees" "$(grep -o '[0-9]*:[0-9]*' "$WORK/tty-runc.out")" "$(grep -o '[0-9]*:[0-9]*' "$WORK/tty-crun-lite.out")"
        runc_ delete --force "$PREFIX-runc-tty" 2>/dev/null
    fi
    crun delete --force "$PREFIX-tty"
fi

# ---- a read-only /dev with mounts beneath: read-only comes last --------------
ro_dev='.mounts = [.mounts[] | if .destination == "/dev" then .options += ["ro"] else . end]'
for rt in crun-lite runc; do
    [ $rt = runc ] && ! have_runc && continue
    make_bundle "$WORK/rodev-$rt" "$ro_dev"
    set_args "$WORK/rodev-$rt" sh -c 'touch /dev/x 2>/dev/null && echo dev-rw || echo dev-ro; ls /dev/pts/ptmx >/dev/null && echo pts; echo hi > /dev/null && echo null; grep " /dev " /proc/self/mountinfo | grep -o " ro,"'
    if [ $rt = runc ]; then
        runc_ run --bundle "$WORK/rodev-$rt" "$PREFIX-runc-rodev" > "$WORK/rodev-$rt.out" 2>&1
    else
        crun run --bundle "$WORK/rodev-$rt" "$PREFIX-rodev" > "$WORK/rodev-$rt.out" 2>&1
    fi
done
expect_eq "read-only /dev then /dev/pts: runs, /dev read-only, devices and devpts there" \
    "dev-ro pts null  ro, " "$(tr '\n' ' ' < "$WORK/rodev-crun-lite.out")"
have_runc && expect_eq "runc agrees" "$(cat "$WORK/rodev-runc.out")" "$(cat "$WORK/rodev-crun-lite.out")"

# ---- what the container's user namespace cannot reach -----------------------
# A bind source in a directory only the host's root may enter, and the whole
# bundle in such a directory (the validation suite's bundles are): the
# runtime opens them before the container's root needs them.
secret=$WORK/secret
mkdir -p "$secret/src" && echo payload > "$secret/src/file" && chmod 700 "$secret"
userns='.linux.namespaces += [{type: "user"}] | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
for rt in crun-lite runc; do
    [ $rt = runc ] && ! have_runc && continue
    # Under /tmp (1777): the user namespace's root may create the mount point.
    make_bundle "$WORK/hidden-$rt" "$userns | .mounts += [{destination: \"/tmp/m\", type: \"bind\", source: \"$secret/src\", options: [\"bind\", \"ro\"]}]"
    set_args "$WORK/hidden-$rt" cat /tmp/m/file
    if [ $rt = runc ]; then
        runc_ run --bundle "$WORK/hidden-$rt" "$PREFIX-runc-hidden" > "$WORK/hidden-$rt.out" 2>&1
    else
        crun run --bundle "$WORK/hidden-$rt" "$PREFIX-hidden" > "$WORK/hidden-$rt.out" 2>&1
    fi
done
expect_eq "user namespace, bind source under a 0700 dir: readable in the container" payload "$(cat "$WORK/hidden-crun-lite.out")"
have_runc && expect_eq "runc agrees" "$(cat "$WORK/hidden-runc.out")" "$(cat "$WORK/hidden-crun-lite.out")"

mkdir -p "$secret/bundle"
cp -a "$ROOTFS" "$secret/bundle/rootfs"
make_bundle "$secret/bundle" "$userns | .root.path = \"rootfs\" | .process.args = [\"sh\", \"-c\", \"id -u; cat /proc/self/uid_map\"]"
out=$(crun run --bundle "$secret/bundle" "$PREFIX-hiddenbundle" 2>&1 | tr -s ' \n' ' ')
expect_eq "user namespace, bundle under a 0700 dir: runs" "0 0 100000 65536 " "$out"
rm -rf "$secret"

# ---- --no-pivot: the host's procfs is not there to enable a fresh one --------
for rt in crun-lite runc; do
    [ $rt = runc ] && ! have_runc && continue
    make_bundle "$WORK/nopivot-$rt" 'del(.linux.seccomp) | .process.capabilities.bounding += ["CAP_SETFCAP"] | .process.capabilities.permitted += ["CAP_SETFCAP"]'
    set_args "$WORK/nopivot-$rt" unshare -mrpf sh -c 'mount -t proc none /proc && echo mounted'
    if [ $rt = runc ]; then
        runc_ run --no-pivot --bundle "$WORK/nopivot-$rt" "$PREFIX-runc-nopivot" > "$WORK/nopivot-$rt.out" 2>&1
    else
        crun run --no-pivot --bundle "$WORK/nopivot-$rt" "$PREFIX-nopivot" > "$WORK/nopivot-$rt.out" 2>&1
    fi
    echo "rc=$?" >> "$WORK/nopivot-$rt.out"
done
out=$(tr '\n' ' ' < "$WORK/nopivot-crun-lite.out")
expect_contains "--no-pivot: a nested user namespace cannot mount procfs" "mount: permission denied" "$out"
expect_contains "--no-pivot: the container fails" "rc=1" "$out"
have_runc && expect_contains "runc refuses it too" "rc=1" "$(cat "$WORK/nopivot-runc.out")"

rm -rf "$RUNC_ROOT"
expect_eq "no mount left under the rootfs" "" "$(mounts_under "$ROOTFS")"
check_no_leftovers
finish
