#!/bin/bash
# What a process sees inside: namespaces, mounts, masked and readonly paths,
# devices, capabilities, rlimits, ids, cwd, env, hostname, loopback.
. "$(dirname "$0")/lib.sh"

# Namespaces: each differs from the host's.
make_bundle "$WORK/ns" '.process.args = ["sh", "-c", "for n in pid mnt net ipc uts; do readlink /proc/self/ns/$n; done"]'
inside=$(crun run --bundle "$WORK/ns" "$PREFIX-ns")
for n in pid mnt net ipc uts; do
    host=$(readlink /proc/self/ns/$n)
    case "$inside" in *"$host"*) not_ok "new $n namespace" "inside: $inside" "host: $host" ;; *) ok "new $n namespace" ;; esac
done
expect_eq "the container process is pid 1" 1 "$(run_in pid1 sh -c 'echo $$')"

# An absent namespace is inherited: drop network, see the host's.
make_bundle "$WORK/hostnet" '.process.args = ["readlink", "/proc/self/ns/net"] | .linux.namespaces |= map(select(.type != "network"))'
expect_eq "no network namespace in the config: the host's" "$(readlink /proc/self/ns/net)" "$(crun run --bundle "$WORK/hostnet" "$PREFIX-hostnet")"

# Joining a namespace by path.
ip netns add "$PREFIX-join"
make_bundle "$WORK/join" ".process.args = [\"readlink\", \"/proc/self/ns/net\"] | .linux.namespaces |= map(if .type == \"network\" then .path = \"/run/netns/$PREFIX-join\" else . end)"
expect_eq "join a network namespace by path" "$(ip netns exec "$PREFIX-join" readlink /proc/self/ns/net)" "$(crun run --bundle "$WORK/join" "$PREFIX-join")"
ip netns delete "$PREFIX-join"

# user namespace with mappings
make_bundle "$WORK/userns" '.process.args = ["sh", "-c", "cat /proc/self/uid_map; id -u"] | .linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | .mounts |= map(select(.destination != "/sys/fs/cgroup"))'
out=$(crun run --bundle "$WORK/userns" "$PREFIX-userns" 2>&1)
expect_contains "user namespace maps 0 to 100000" "100000" "$out"

# time namespace offsets
make_bundle "$WORK/timens" '.process.args = ["cat", "/proc/uptime"] | .linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"boottime": {"secs": 86400, "nanosecs": 0}}'
up=$(crun run --bundle "$WORK/timens" "$PREFIX-timens" | cut -d. -f1)
[ "${up:-0}" -ge 86400 ] && ok "time namespace boottime offset" || not_ok "time namespace boottime offset" "uptime inside: $up"

# cgroup namespace: the container's cgroup is its root
make_bundle "$WORK/cgns" '.process.args = ["cat", "/proc/self/cgroup"] | .linux.namespaces += [{"type": "cgroup"}]'
expect_contains "cgroup namespace root" "memory:/" "$(crun run --bundle "$WORK/cgns" "$PREFIX-cgns" | grep memory)"

# hostname, domainname, loopback up
make_bundle "$WORK/uts" '.hostname = "box1" | .domainname = "example.org" | .process.args = ["sh", "-c", "hostname; cat /proc/sys/kernel/domainname; cat /sys/class/net/lo/operstate; ip -o link show lo"]'
out=$(crun run --bundle "$WORK/uts" "$PREFIX-uts")
expect_eq "hostname" box1 "$(echo "$out" | sed -n 1p)"
expect_eq "domainname" example.org "$(echo "$out" | sed -n 2p)"
expect_contains "loopback is up" "UP" "$(echo "$out" | sed -n 4p)"

# sysctl
make_bundle "$WORK/sysctl" '.process.args = ["cat", "/proc/sys/net/ipv4/ip_forward"] | .linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.readonlyPaths = []'
expect_eq "sysctl in the network namespace" 1 "$(crun run --bundle "$WORK/sysctl" "$PREFIX-sysctl")"

# mounts: types and options
out=$(run_in mounts cat /proc/self/mounts)
for m in "proc /proc proc" "tmpfs /dev tmpfs" "devpts /dev/pts devpts" "shm /dev/shm tmpfs" "mqueue /dev/mqueue mqueue" "sysfs /sys sysfs ro"; do
    expect_contains "mount: $m" "$m" "$out"
done
expect_contains "/dev/shm options nosuid,nodev,noexec" "/dev/shm tmpfs rw,nosuid,nodev,noexec" "$out"
expect_contains "cgroup hierarchies mounted read-only" "/sys/fs/cgroup/memory cgroup ro" "$out"

mkdir -p "$WORK/hostdir" && echo from-host > "$WORK/hostdir/file"
make_bundle "$WORK/bind" ".mounts += [{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$WORK/hostdir\", \"options\": [\"rbind\", \"ro\"]}, {\"destination\": \"/rw\", \"type\": \"bind\", \"source\": \"$WORK/hostdir\", \"options\": [\"bind\"]}] | .process.args = [\"sh\", \"-c\", \"cat /data/file; touch /data/x 2>&1; echo inside > /rw/new\"]"
out=$(crun run --bundle "$WORK/bind" "$PREFIX-bind")
expect_contains "bind mount shows the host file" from-host "$out"
expect_contains "ro bind mount refuses writes" "Read-only file system" "$out"
expect_eq "rw bind mount writes reach the host" inside "$(cat "$WORK/hostdir/new" 2>/dev/null)"

# masked and readonly paths, readonly root
make_bundle "$WORK/masked" '.linux.maskedPaths += ["/proc/timer_list", "/sys/firmware"] | .process.args = ["sh", "-c", "exec 2>&1; wc -c < /proc/timer_list; ls /sys/firmware | wc -l; echo 1 > /proc/sys/kernel/ns_last_pid 2>&1; touch /newfile 2>&1"]'
out=$(crun run --bundle "$WORK/masked" "$PREFIX-masked")
expect_eq "masked file reads empty" 0 "$(echo "$out" | sed -n 1p)"
expect_eq "masked directory is empty" 0 "$(echo "$out" | sed -n 2p)"
expect_contains "readonly path gives EROFS" "Read-only file system" "$(echo "$out" | sed -n 3p)"
expect_contains "readonly root gives EROFS" "Read-only file system" "$(echo "$out" | sed -n 4p)"

# devices
out=$(run_in devices sh -c 'stat -c "%F %t:%T %a" /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty; for l in /dev/fd /dev/stdin /dev/ptmx; do readlink $l; done')
expect_contains "/dev/null is char 1:3 0666" "character special file 1:3 666" "$out"
expect_contains "/dev/urandom is char 1:9" "character special file 1:9 666" "$out"
expect_contains "/dev/fd link" "/proc/self/fd" "$out"
expect_contains "/dev/ptmx link" "pts/ptmx" "$out"
make_bundle "$WORK/devs" '.linux.devices = [{"path": "/dev/mydev", "type": "c", "major": 1, "minor": 7, "fileMode": 416, "uid": 7, "gid": 8}] | .process.args = ["stat", "-c", "%t:%T %a %u %g", "/dev/mydev"]'
expect_eq "linux.devices entry with mode and owner" "1:7 640 7 8" "$(crun run --bundle "$WORK/devs" "$PREFIX-devs")"

# capabilities: runc's default set, nothing inheritable
out=$(run_in caps grep ^Cap /proc/self/status)
expect_contains "CapEff is the default set" "CapEff:	00000000200004" "$out"
expect_contains "CapBnd is the default set" "CapBnd:	00000000200004" "$out"
expect_contains "CapInh is empty" "CapInh:	0000000000000000" "$out"
# A non-root process keeps only what is ambient across execve.
make_bundle "$WORK/caps2" '.process.user.uid = 1000 | .process.capabilities = {"bounding": ["CAP_SYS_ADMIN", "CAP_CHOWN"], "effective": ["CAP_CHOWN"], "permitted": ["CAP_CHOWN", "CAP_SYS_ADMIN"], "inheritable": ["CAP_CHOWN"], "ambient": ["CAP_CHOWN"]} | .process.args = ["grep", "^Cap", "/proc/self/status"]'
out=$(crun run --bundle "$WORK/caps2" "$PREFIX-caps2")
expect_contains "CapBnd as configured" "CapBnd:	0000000000200001" "$out"
expect_contains "CapAmb as configured (CAP_CHOWN)" "CapAmb:	0000000000000001" "$out"
expect_contains "CapEff of uid 1000: the ambient set" "CapEff:	0000000000000001" "$out"
make_bundle "$WORK/badcap" '.process.capabilities.bounding += ["CAP_NOPE"]'
crun run --bundle "$WORK/badcap" "$PREFIX-badcap" 2>"$WORK/err"
expect_eq "an unknown capability is an error" 1 $?
expect_contains "the error names the capability" "CAP_NOPE" "$(cat "$WORK/err")"

# noNewPrivileges
expect_eq "no_new_privs set" "NoNewPrivs:	1" "$(run_in nnp grep NoNewPrivs /proc/self/status)"

# rlimits
make_bundle "$WORK/rlimits" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 1000}, {"type": "RLIMIT_NPROC", "soft": 77, "hard": 88}] | .process.args = ["sh", "-c", "ulimit -n; ulimit -Hn; ulimit -u"]'
expect_eq "rlimits applied" "512 1000 77" "$(crun run --bundle "$WORK/rlimits" "$PREFIX-rlimits" | tr '\n' ' ' | sed 's/ $//')"

# user, groups, umask, cwd, env
make_bundle "$WORK/user" '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [5, 7], "umask": 63} | .process.cwd = "/tmp" | .process.env += ["FOO=bar"] | .process.args = ["sh", "-c", "id -u; id -g; id -G; umask; pwd; echo $FOO; echo $HOME"]'
out=$(crun run --bundle "$WORK/user" "$PREFIX-user" | tr '\n' ' ')
expect_eq "uid gid groups umask cwd env HOME" "1000 1001 1001 5 7 0077 /tmp bar / " "$out"
expect_eq "HOME from the container's /etc/passwd" /root "$(run_in home sh -c 'echo $HOME')"

make_bundle "$WORK/nocwd" '.process.cwd = "/does/not/exist"'
crun run --bundle "$WORK/nocwd" "$PREFIX-nocwd" 2>"$WORK/err"
expect_eq "a missing cwd fails" 1 $?
expect_contains "the error names process.cwd" "process.cwd" "$(cat "$WORK/err")"

# executable errors clients match
run_in noexe /no/such/binary 2>"$WORK/err"
expect_contains "missing executable" "no such file or directory" "$(cat "$WORK/err")"
run_in nopath nosuchcommand 2>"$WORK/err"
expect_contains "missing command in PATH" 'executable file not found in $PATH' "$(cat "$WORK/err")"
run_in noperm /etc/passwd 2>"$WORK/err"
expect_contains "non-executable file" "permission denied" "$(cat "$WORK/err")"

# oomScoreAdj
make_bundle "$WORK/oom" '.process.oomScoreAdj = 123 | .process.args = ["cat", "/proc/self/oom_score_adj"]'
expect_eq "oomScoreAdj" 123 "$(crun run --bundle "$WORK/oom" "$PREFIX-oom")"

# --no-pivot
bundle_with_args "$WORK/nopivot" cat /etc/passwd
crun run --no-pivot --bundle "$WORK/nopivot" "$PREFIX-nopivot" >/dev/null
expect_eq "--no-pivot runs" 0 $?

# --preserve-fds: fd 3 reaches the container, fd 4 does not
# pid 1 (the shell) lists its own fds through a child ls with no pipe of its
# own open; "; true" keeps the shell from exec'ing ls in its place.
bundle_with_args "$WORK/fds" sh -c 'ls /proc/1/fd; true'
out=$(crun run --preserve-fds 1 --bundle "$WORK/fds" "$PREFIX-fds" 3</etc/hostname 4</etc/hostname | tr "\n" " ")
expect_eq "only stdio and preserved fds reach the container" "0 1 2 3 " "$out"

# LISTEN_FDS (socket activation): the caller's fds after stdio are handed on
bundle_with_args "$WORK/listen" sh -c 'echo $LISTEN_FDS $LISTEN_PID; ls /proc/1/fd; true'
out=$(LISTEN_FDS=1 crun run --bundle "$WORK/listen" "$PREFIX-listen" 3</etc/hostname 4</etc/hostname | tr '\n' ' ')
expect_eq "LISTEN_FDS passes the fds and tells the container" "1 1 0 1 2 3 " "$out"

check_no_leftovers
finish
