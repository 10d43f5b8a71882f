#!/bin/bash
# Runs in the systemd guest (sd-guest-run.sh): the same checks of the
# systemd cgroup driver with runc (the reference: every expectation is
# runc's behaviour) and with crun-lite, looking from outside the container
# at what systemd and the kernel say. One line per check, "ok - ..." or
# "not ok - ...", lines starting "# " are notes.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
CRUNLITE=/opt/crunlite/crun-lite
# On tmpfs: nothing of it needs the disk, and a sync of it before the
# poweroff would cost seconds.
W=/run/sdw
CG=/sys/fs/cgroup
mkdir -p $W

# REFERENCE_ONLY=1: results are notes, not checks (runc 1.1.5 on a hybrid
# host, where it fails some of them itself).
REFERENCE_ONLY=0
ref_ok=0
ref_failed=0
ok() {
    if [ $REFERENCE_ONLY = 1 ]; then ref_ok=$((ref_ok + 1)); echo "# reference: ok - $1"; else echo "ok - $1"; fi
}
not_ok() {
    local mark="not ok - "
    if [ $REFERENCE_ONLY = 1 ]; then ref_failed=$((ref_failed + 1)); mark="# reference: not ok - "; fi
    echo "$mark$1"; shift; for l in "$@"; do echo "#   $l"; done
}
expect_eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi; }
expect_contains() { case "$3" in *"$2"*) ok "$1" ;; *) not_ok "$1" "expected to contain: $2" "actual: $3" ;; esac; }
show() { systemctl show "$1" -p "$2" --value 2>/dev/null; }
# props UNIT: the unit's properties the checks read, in one call
# (systemctl costs about as much as a container start under TCG).
props() {
    UNIT_PROPS=$(systemctl show "$1" -p ActiveState,ControlGroup,Slice,Delegate,MemoryMax,MemoryLimit,MemoryHigh,TasksMax,CPUWeight,CPUShares,CPUQuotaPerSecUSec,DevicePolicy 2>/dev/null)
}
prop() { echo "$UNIT_PROPS" | sed -n "s/^$1=//p"; }
hybrid=false
[ "$(stat -fc %t $CG)" = 63677270 ] || hybrid=true
# The scope's cgroup directory in the hierarchy carrying controller $2
# (v2: the one tree).
cgdir() {
    if $hybrid; then echo "$CG/$2$1"; else echo "$CG$1"; fi
}

# The busybox rootfs the host made (run-systemd-tests.sh), copied where
# needed.
rootfs() { cp -a /opt/crunlite/rootfs "$1"; }
echo "# $(runc --version | head -n1); crun-lite $($CRUNLITE --version | head -n1); hybrid=$hybrid; checks start at $(cut -d' ' -f1 /proc/uptime) s"

# bundle DIR TAG: runc's default config, a long sleep, limits, a
# createRuntime hook that counts libsystemd in the runtime's memory map.
bundle() {
    mkdir -p "$1"
    rootfs "$1/rootfs"
    (cd "$1" && rm -f config.json && runc spec)
    jq --argjson v2 "$($hybrid && echo false || echo true)" --arg path "a-b.slice:$2:c1" --arg hook "grep -c libsystemd /proc/\$PPID/maps > $1/maps; true" '
        .process.terminal = false | .process.args = ["sleep", "1000"] |
        .linux.cgroupsPath = $path |
        .linux.resources += {memory: {limit: 67108864}, pids: {limit: 100},
                             cpu: {shares: 512, quota: 50000, period: 100000}} |
        if $v2 then .linux.resources.unified = {"memory.high": "50331648"} else . end |
        .hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", $hook]}]' \
        "$1/config.json" > "$1/c.json" && mv "$1/c.json" "$1/config.json"
}

# Up to 10 s of wall time (a runc state costs about half a second here).
wait_status() {
    local end=$((SECONDS + 10))
    while [ $SECONDS -lt $end ]; do
        [ "$($RT state "$1" 2>/dev/null | jq -r .status)" = "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# checks NAME BINARY
checks() {
    local name=$1 tag=$1 t0=$(date +%s.%N)
    RT="$2 --root $W/root-$name --systemd-cgroup"
    local b=$W/bundle-$name unit=$tag-c1.scope
    local path=/a.slice/a-b.slice/$unit
    bundle $b $tag
    local slice_before
    slice_before=$(show a-b.slice ActiveState)
    $RT create --bundle $b --pid-file $b/pid c1 </dev/null >/dev/null 2>$b/err
    # (runc warns about devices /sys/dev does not list: not an error)
    expect_eq "[$name] create with cgroupsPath a-b.slice:$tag:c1" "" "$(grep -v level=warning $b/err)"
    [ -s $b/pid ] || return 1
    $RT start c1 2>$b/err
    expect_eq "[$name] start" "" "$(cat $b/err)"
    local pid
    pid=$(cat $b/pid)
    props $unit
    expect_eq "[$name] systemctl: $unit ActiveState" active "$(prop ActiveState)"
    expect_eq "[$name] systemctl: ControlGroup" "$path" "$(prop ControlGroup)"
    expect_eq "[$name] systemctl: Slice (nested slice made)" a-b.slice "$(prop Slice)"
    expect_eq "[$name] systemctl: a-b.slice is active (it was: ${slice_before:-unknown})" active "$(show a-b.slice ActiveState)"
    expect_eq "[$name] systemctl: Delegate" yes "$(prop Delegate)"
    # v1 controllers: systemd's v1 property names.
    local memory_prop=MemoryMax
    $hybrid && memory_prop=MemoryLimit
    expect_eq "[$name] systemctl: $memory_prop" 67108864 "$(prop $memory_prop)"
    expect_eq "[$name] systemctl: TasksMax" 100 "$(prop TasksMax)"
    expect_eq "[$name] systemctl: DevicePolicy" strict "$(prop DevicePolicy)"
    $hybrid || expect_eq "[$name] systemctl: MemoryHigh (unified memory.high)" 50331648 "$(prop MemoryHigh)"
    # runc 1.1 maps shares to weight linearly (512 -> 20); crun-lite, as
    # newer runc and crun, on a quadratic in log2(shares) (512 -> 59): the
    # same weight as its cgroupfs driver. Both below the default 100.
    local weight
    if $hybrid; then
        expect_eq "[$name] systemctl: CPUShares" 512 "$(prop CPUShares)"
    else
        weight=$(prop CPUWeight)
        [ "$weight" -gt 1 ] 2>/dev/null && [ "$weight" -lt 100 ] && ok "[$name] systemctl: CPUWeight from shares 512 is below the default 100 ($weight)" ||
            not_ok "[$name] systemctl: CPUWeight from shares 512 is below the default 100" "CPUWeight=$weight"
    fi
    expect_eq "[$name] systemctl: CPUQuotaPerSecUSec" 500ms "$(prop CPUQuotaPerSecUSec)"
    expect_contains "[$name] systemctl: the init is in the scope" "$pid" "$(systemctl status $unit --no-pager -n0 2>/dev/null)"
    if $hybrid; then
        expect_eq "[$name] /proc/<init>/cgroup memory line" "memory:$path" "$(grep -o 'memory:.*' /proc/$pid/cgroup)"
        expect_eq "[$name] memory.limit_in_bytes" 67108864 "$(cat $(cgdir $path memory)/memory.limit_in_bytes)"
        expect_eq "[$name] pids.max" 100 "$(cat $(cgdir $path pids)/pids.max)"
        expect_eq "[$name] cpu.cfs_quota_us" 50000 "$(cat $(cgdir $path cpu)/cpu.cfs_quota_us)"
        expect_eq "[$name] cpu.shares" 512 "$(cat $(cgdir $path cpu)/cpu.shares)"
        expect_contains "[$name] exec: the container's /proc/self/cgroup" "memory:$path" "$($RT exec c1 cat /proc/self/cgroup 2>&1)"
    else
        expect_eq "[$name] /proc/<init>/cgroup" "0::$path" "$(cat /proc/$pid/cgroup)"
        expect_eq "[$name] memory.max" 67108864 "$(cat $CG$path/memory.max)"
        expect_eq "[$name] pids.max" 100 "$(cat $CG$path/pids.max)"
        expect_eq "[$name] cpu.max" "50000 100000" "$(cat $CG$path/cpu.max)"
        expect_eq "[$name] memory.high (unified)" 50331648 "$(cat $CG$path/memory.high)"
        expect_eq "[$name] cpu.weight (as the unit's CPUWeight)" "$weight" "$(cat $CG$path/cpu.weight)"
        # runc's default config has a cgroup namespace: the scope is its root.
        expect_eq "[$name] exec: the container's /proc/self/cgroup" "0::/" "$($RT exec c1 cat /proc/self/cgroup 2>&1)"
    fi
    $RT exec -d c1 sleep 1000 </dev/null >/dev/null 2>$b/err
    expect_eq "[$name] exec -d: the scope holds the init and the exec'd process" 2 "$(wc -l < $(cgdir $path pids)/cgroup.procs)"
    # update: systemd's view and the files.
    $RT update --memory 134217728 --pids-limit 200 c1 2>$b/err
    expect_eq "[$name] update --memory --pids-limit" "" "$(cat $b/err)"
    props $unit
    expect_eq "[$name] update: systemctl $memory_prop" 134217728 "$(prop $memory_prop)"
    expect_eq "[$name] update: systemctl TasksMax" 200 "$(prop TasksMax)"
    if $hybrid; then
        expect_eq "[$name] update: memory.limit_in_bytes" 134217728 "$(cat $(cgdir $path memory)/memory.limit_in_bytes)"
        expect_eq "[$name] update: pids.max" 200 "$(cat $(cgdir $path pids)/pids.max)"
    else
        expect_eq "[$name] update: memory.max" 134217728 "$(cat $CG$path/memory.max)"
        expect_eq "[$name] update: pids.max" 200 "$(cat $CG$path/pids.max)"
    fi
    # pause / resume
    $RT pause c1 2>$b/err
    expect_eq "[$name] pause: status paused" paused "$($RT state c1 | jq -r .status)"
    if $hybrid; then
        expect_eq "[$name] pause: freezer.state" FROZEN "$(cat $(cgdir $path freezer)/freezer.state)"
    else
        expect_eq "[$name] pause: cgroup.freeze" 1 "$(cat $CG$path/cgroup.freeze)"
    fi
    $RT resume c1 2>$b/err
    expect_eq "[$name] resume: status running" running "$($RT state c1 | jq -r .status)"
    expect_eq "[$name] ps --format json lists the init and the exec'd process" 2 "$($RT ps --format json c1 | jq length)"
    expect_contains "[$name] ps --format json: the init" "$pid" "$($RT ps --format json c1 | jq -c .)"
    local stats
    stats=$($RT events --stats c1 2>&1)
    expect_eq "[$name] events --stats: pids.current" 2 "$(echo "$stats" | jq .data.pids.current)"
    expect_eq "[$name] events --stats: memory limit" 134217728 "$(echo "$stats" | jq .data.memory.usage.limit)"
    # A second container asking for the same unit (systemd answers
    # UnitExists, even after the one reset-and-retry): runc joins the
    # running unit, with a warning. Both share one cgroup then (in
    # crun-lite; see below for runc), so the
    # second's delete -f kills what runs there (runc also stops the unit;
    # crun-lite leaves it to the container that started it): noted only.
    local dup=$W/bundle-dup-$name
    mkdir -p $dup
    jq --arg root $b/rootfs '.root.path = $root | del(.hooks)' $b/config.json > $dup/config.json
    $RT create --bundle $dup --pid-file $dup/pid c1dup </dev/null >/dev/null 2>$dup/err
    local st=$?
    expect_eq "[$name] same unit again: create joins the running unit" 0 $st
    expect_contains "[$name] same unit again: warns" "level=warn" "$(cat $dup/err)"
    # runc 1.1.5 leaves the second init where runc ran (its PIDs property
    # goes nowhere when the unit exists); crun-lite moves it into the scope.
    if [ $name = crunlite ]; then
        expect_contains "[$name] same unit again: both inits in the scope" "$(cat $dup/pid 2>/dev/null || echo no-pid-file)" \
            "$(cat $(cgdir $path pids)/cgroup.procs)"
        expect_eq "[$name] same unit again: its state says it joined the unit (its delete will not stop it)" 1 \
            "$(tr -d '\\' < $W/root-$name/c1dup/state.json | grep -c '"joined":true')"
    else
        echo "# [$name] same unit again: the second init is in $(grep -o '0::.*' /proc/$(cat $dup/pid)/cgroup 2>/dev/null)"
    fi
    $RT delete -f c1dup 2>/dev/null
    echo "# [$name] after delete -f of the joined container: $unit $(show $unit ActiveState), first init $(kill -0 $pid 2>/dev/null && echo running || echo gone)"
    # kill --all, then delete: no unit, no cgroup.
    $RT kill --all c1 KILL 2>$b/err
    wait_status c1 stopped
    expect_eq "[$name] kill --all KILL: stopped" stopped "$($RT state c1 | jq -r .status)"
    $RT delete c1 2>$b/err
    expect_eq "[$name] delete" "" "$(cat $b/err)"
    local load
    load=$(show $unit ActiveState)
    [ -z "$load" ] || [ "$load" = inactive ] && ok "[$name] delete: $unit is gone (${load:-not loaded})" ||
        not_ok "[$name] delete: $unit is gone" "ActiveState=$load"
    local left
    left=$(find $CG -name $unit 2>/dev/null)
    expect_eq "[$name] delete: no cgroup of the scope in any hierarchy" "" "$left"
    echo "# [$name] a-b.slice after delete: $(show a-b.slice ActiveState)"
    echo "# [$name] libsystemd mappings in the runtime during create: $(cat $b/maps 2>/dev/null)"
    echo "# [$name] checks took $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
}

# runc 1.1.5 on the hybrid guest: its ps and kill --all see the exec'd
# process only, so its init outlives kill --all and delete refuses: its
# results are shown, not counted (crun-lite's are).
$hybrid && REFERENCE_ONLY=1
oom_check() {
    local name=$1 b=$W/bundle-oom-$1 st
    mkdir -p $b
    rootfs $b/rootfs
    (cd $b && runc spec)
    jq --arg path "system.slice:oom$name:c3" '.process.terminal = false | .linux.cgroupsPath = $path |
        .process.args = ["sh", "-c", "head -c 200m /dev/zero | tail"] | .linux.resources.memory = {limit: 16777216, swap: 16777216}' \
        $b/config.json > $b/c.json && mv $b/c.json $b/config.json
    $RT_OOM run --bundle $b c3 </dev/null >/dev/null 2>$b/err
    st=$?
    expect_eq "[$name] OOM: a memory hog in the scope is killed (run exits 137)" 137 $st
    st=$(show oom$name-c3.scope ActiveState)
    [ -z "$st" ] || [ "$st" = inactive ] || [ "$st" = failed ] && ok "[$name] OOM: the scope is gone after run (${st:-not loaded})" ||
        not_ok "[$name] OOM: the scope is gone after run" "ActiveState=$st"
    systemctl reset-failed oom$name-c3.scope 2>/dev/null
}

# A container whose processes all exit: systemd collects the scope by
# itself; delete afterwards has nothing to stop and must still succeed.
exit_check() {
    local name=$1 b=$W/bundle-exit-$1 st
    mkdir -p $b
    rootfs $b/rootfs
    (cd $b && runc spec)
    jq '.process.terminal = false | .process.args = ["true"] | .linux.cgroupsPath = "system.slice:exit'$name':c4"' \
        $b/config.json > $b/c.json && mv $b/c.json $b/config.json
    RT=$RT_OOM
    $RT create --bundle $b c4 </dev/null >/dev/null 2>$b/err && $RT start c4 2>>$b/err
    wait_status c4 stopped
    expect_eq "[$name] exited container: stopped" stopped "$($RT state c4 2>&1 | jq -r .status)"
    $RT delete c4 2>>$b/err
    expect_eq "[$name] exited container: create, start, delete without errors" "" "$(grep -v level=warning $b/err)"
    st=$(show exit$name-c4.scope ActiveState)
    [ -z "$st" ] || [ "$st" = inactive ] && ok "[$name] exited container: no scope left" ||
        not_ok "[$name] exited container: no scope left" "ActiveState=$st"
}

checks runc runc
REFERENCE_ONLY=0
runc --root $W/root-runc delete -f c1 >/dev/null 2>&1
$hybrid && echo "# runc on hybrid, for reference: $ref_ok ok, $ref_failed not ok"
# runc leaves the slices it made running: stop them, so that crun-lite's
# run starts from the same place and its own cleanup shows.
systemctl stop a.slice 2>/dev/null
# On v1 hierarchies systemd does not manage (net_cls, ...) runc leaves the
# slices' directories it made: noted, and removed for the same reason.
left=$(find $CG -depth -type d -path '*/a.slice*' 2>/dev/null)
[ -n "$left" ] && echo "# runc left:" $left
for d in $left; do rmdir "$d" 2>/dev/null; done
checks crunlite $CRUNLITE
RT_OOM="runc --root $W/root-oom --systemd-cgroup"
oom_check runc
exit_check runc
RT_OOM="$CRUNLITE --root $W/root-oom --systemd-cgroup"
oom_check crunlite
exit_check crunlite
# Beyond runc: the slice crun-lite started for the container goes with it
# (runc leaves it running).
expect_eq "[crunlite] delete: the a-b.slice it started is stopped" inactive "$(show a-b.slice ActiveState)"
expect_eq "[crunlite] delete: no cgroup of a.slice in any hierarchy" "" "$(find $CG -name a.slice 2>/dev/null)"
expect_eq "[crunlite] --systemd-cgroup loads libsystemd (the hook saw it in the runtime's maps)" yes \
    "$([ "$(cat $W/bundle-crunlite/maps 2>/dev/null)" -gt 0 ] 2>/dev/null && echo yes || echo no)"
# Crash safety (crun-lite's own property): create SIGKILLed once the scope
# exists (its createRuntime hook holds it there), then delete --force
# stops the unit and leaves nothing.
crash_check() {
    local b=$W/bundle-crash rt="$CRUNLITE --root $W/root-crash --systemd-cgroup" i=0 pid
    mkdir -p $b
    rootfs $b/rootfs
    (cd $b && runc spec)
    jq '.process.terminal = false | .process.args = ["sleep", "1000"] | .linux.cgroupsPath = "system.slice:crash:c2" |
        .hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "while kill -0 $PPID 2>/dev/null; do sleep 0.1; done"]}]' \
        $b/config.json > $b/c.json && mv $b/c.json $b/config.json
    $rt create --bundle $b c2 </dev/null >/dev/null 2>&1 &
    pid=$!
    while [ $i -lt 100 ] && [ "$(show crash-c2.scope ActiveState)" != active ]; do sleep 0.1; i=$((i + 1)); done
    expect_eq "[crunlite] crash: the scope exists while create waits in its hook" active "$(show crash-c2.scope ActiveState)"
    kill -KILL $pid
    wait $pid 2>/dev/null
    $rt delete --force c2 2>$b/err
    expect_eq "[crunlite] crash: delete --force after SIGKILLed create" "" "$(cat $b/err)"
    local st
    st=$(show crash-c2.scope ActiveState)
    [ -z "$st" ] || [ "$st" = inactive ] && ok "[crunlite] crash: delete --force stopped the unit" ||
        not_ok "[crunlite] crash: delete --force stopped the unit" "ActiveState=$st"
    expect_eq "[crunlite] crash: no state left" "" "$(ls -A $W/root-crash)"
    expect_eq "[crunlite] crash: no cgroup left" "" "$(find $CG -name crash-c2.scope 2>/dev/null)"
}
crash_check

# podman with cgroup_manager=systemd (the guest's containers.conf) calls
# the runtime with --systemd-cgroup and machine.slice:libpod:<id>.
podman_checks() {
    local name=$1 runtime=$2 id unit out
    podman --runtime "$runtime" run -d --name p-$name --cgroupns=host localhost/bb sleep 1000 >$W/p.out 2>$W/p.err
    id=$(podman inspect -f '{{.Id}}' p-$name 2>/dev/null)
    [ -n "$id" ] || { not_ok "[$name] podman run -d" "$(tail -n3 $W/p.err)"; return 1; }
    ok "[$name] podman run -d"
    unit=libpod-$id.scope
    props $unit
    expect_eq "[$name] podman: systemctl ActiveState of libpod-<id>.scope" active "$(prop ActiveState)"
    expect_eq "[$name] podman: its Slice" machine.slice "$(prop Slice)"
    out=$(podman exec p-$name cat /proc/self/cgroup 2>&1)
    if $hybrid; then
        expect_contains "[$name] podman exec: /proc/self/cgroup (--cgroupns=host)" "pids:/machine.slice/$unit" "$out"
    else
        expect_eq "[$name] podman exec: /proc/self/cgroup (--cgroupns=host)" "0::/machine.slice/$unit" "$out"
    fi
    podman rm -f -t 0 p-$name >/dev/null 2>$W/p.err
    expect_eq "[$name] podman rm -f" "" "$(grep -iv 'warn' $W/p.err)"
    out=$(show $unit ActiveState)
    [ -z "$out" ] || [ "$out" = inactive ] && ok "[$name] podman rm: $unit is gone" || not_ok "[$name] podman rm: $unit is gone" "ActiveState=$out"
}
tar -C /opt/crunlite/rootfs -cf $W/img.tar .
if podman import $W/img.tar localhost/bb >/dev/null 2>$W/import.err; then
    t0=$(date +%s)
    podman_checks runc /usr/sbin/runc
    podman_checks crunlite $CRUNLITE
    echo "# podman checks took $(($(date +%s) - t0)) s"
else
    not_ok "podman import of a busybox rootfs" "$(tail -n3 $W/import.err)"
fi

# containerd's runc shim, driven by ctr, with --runc-systemd-cgroup.
ctr_checks() {
    local name=$1 binary=$2 prefix=$3 out t=$(date +%s)
    rootfs $W/ctr-$name
    ctr run -d --rootfs --runc-binary "$binary" --runc-systemd-cgroup --cgroup system.slice:$prefix:c1 \
        $W/ctr-$name c-$name /bin/sleep 1000 </dev/null >$W/ctr.out 2>&1
    expect_eq "[$name] ctr run -d --runc-systemd-cgroup --cgroup system.slice:$prefix:c1" "" "$(cat $W/ctr.out)"
    expect_eq "[$name] ctr: $prefix-c1.scope is active" active "$(show $prefix-c1.scope ActiveState)"
    expect_eq "[$name] ctr: its ControlGroup" /system.slice/$prefix-c1.scope "$(show $prefix-c1.scope ControlGroup)"
    ctr task kill -s SIGKILL c-$name >/dev/null 2>&1
    local i=0
    while [ $i -lt 50 ] && ctr task ls 2>/dev/null | grep -q "c-$name.*RUNNING"; do sleep 0.1; i=$((i + 1)); done
    ctr task rm c-$name >/dev/null 2>&1
    ctr container rm c-$name >/dev/null 2>&1
    out=$(show $prefix-c1.scope ActiveState)
    [ -z "$out" ] || [ "$out" = inactive ] && ok "[$name] ctr task rm: the scope is gone" ||
        not_ok "[$name] ctr task rm: the scope is gone" "ActiveState=$out"
    echo "# [$name] ctr checks took $(($(date +%s) - t)) s"
}
t0=$(date +%s)
if systemctl start containerd 2>$W/containerd.err; then
    echo "# containerd started in $(($(date +%s) - t0)) s"
    ctr_checks runc /usr/sbin/runc ctrrunc
    ctr_checks crunlite $CRUNLITE ctr
    systemctl stop containerd
    echo "# containerd checks took $(($(date +%s) - t0)) s"
else
    not_ok "containerd starts" "$(cat $W/containerd.err)"
fi

# Without a bus daemon (dbus stopped), as root: systemd's own socket
# (/run/systemd/private), as systemctl uses it. crun-lite only: runc needs
# the bus.
nobus_check() {
    local b=$W/bundle-nobus rt="$CRUNLITE --root $W/root-nobus --systemd-cgroup" st
    mkdir -p $b
    rootfs $b/rootfs
    (cd $b && runc spec)
    jq '.process.terminal = false | .process.args = ["sleep", "1000"] | .linux.cgroupsPath = "system.slice:nobus:c5" |
        .linux.resources.pids = {limit: 42}' $b/config.json > $b/c.json && mv $b/c.json $b/config.json
    systemctl stop dbus.socket dbus.service 2>/dev/null
    $rt create --bundle $b c5 </dev/null >/dev/null 2>$b/err
    expect_eq "[crunlite] no bus daemon: create over /run/systemd/private" "" "$(cat $b/err)"
    $rt start c5 2>>$b/err
    props nobus-c5.scope
    expect_eq "[crunlite] no bus daemon: the scope is active" active "$(prop ActiveState)"
    expect_eq "[crunlite] no bus daemon: TasksMax" 42 "$(prop TasksMax)"
    $rt delete -f c5 2>$b/err
    expect_eq "[crunlite] no bus daemon: delete -f" "" "$(cat $b/err)"
    st=$(show nobus-c5.scope ActiveState)
    [ -z "$st" ] || [ "$st" = inactive ] && ok "[crunlite] no bus daemon: the scope is gone" ||
        not_ok "[crunlite] no bus daemon: the scope is gone" "ActiveState=$st"
    systemctl start dbus.socket dbus.service 2>/dev/null
}
nobus_check

echo "# systemd driver checks done at $(cut -d' ' -f1 /proc/uptime) s"
