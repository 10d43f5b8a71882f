#!/bin/bash
# linux.seccomp: the default profile, every action, operator and flag, the
# no_new_privs orderings, exec, SCMP_ACT_NOTIFY with an agent, features.
. "$(dirname "$0")/lib.sh"

HERE=$TOP/tests/integration
cc -static -O1 -o "$ROOTFS/bin/syscall_probe" "$HERE/syscall_probe.c" || { not_ok "build syscall_probe"; finish; exit; }
AGENT=${SECCOMP_AGENT:-}
if [ -z "$AGENT" ] || [ ! -x "$AGENT" ]; then
    AGENT=$WORK/seccomp_agent
    c++ -std=c++20 -O1 -o "$AGENT" "$HERE/seccomp_agent.cpp" || { not_ok "build seccomp_agent"; finish; exit; }
fi

# probe_in NAME PROFILE_JQ ARG...: runs `syscall_probe ARG...` in a fresh
# container whose config went through PROFILE_JQ; prints the errno.
probe_in() {
    name=$1 filter=$2
    shift 2
    args=$(printf '%s\n' syscall_probe "$@" | jq -R . | jq -s .)
    make_bundle "$WORK/$name" ".process.args = $args | $filter"
    crun run --bundle "$WORK/$name" "$PREFIX-$name"
}

# set_script DIR SCRIPT: the bundle's process runs `sh -c SCRIPT`.
set_script() {
    jq --arg c "$2" '.process.args = ["sh", "-c", $c]' "$1/config.json" > "$1/config.json.new" &&
        mv "$1/config.json.new" "$1/config.json"
}

# ---- the default profile --------------------------------------------------
"$CRUN" spec --bundle "$WORK"
expect_eq "spec: default action ERRNO" SCMP_ACT_ERRNO "$(jq -r .linux.seccomp.defaultAction "$WORK/config.json")"
expect_eq "spec: unknown syscalls get ENOSYS" 38 "$(jq -r .linux.seccomp.defaultErrnoRet "$WORK/config.json")"
expect_eq "spec: no inheritable capabilities" null "$(jq -r .process.capabilities.inheritable "$WORK/config.json")"
rm "$WORK/config.json"

out=$(run_in default-sh sh -c 'ls / >/dev/null && ps >/dev/null && cat /proc/self/status | grep -E "^(Seccomp|NoNewPrivs):" | tr -s "\t " " " | tr "\n" ";"; echo done')
expect_eq "default profile: sh, ls, ps run; filter mode 2 with no_new_privs" "NoNewPrivs: 1;Seccomp: 2;done" "$out"

out=$(run_in default-wget sh -c 'echo hello > /dev/shm/index.html; httpd -p 127.0.0.1:8080 -h /dev/shm; wget -q -O - http://127.0.0.1:8080/index.html')
expect_eq "default profile: sockets, httpd and wget work" hello "$out"

out=$(run_in default-fork sh -c 'for i in 1 2 3; do (echo $i) & done; wait; sleep 0 && date +%Y >/dev/null && echo ok')
expect_contains "default profile: fork, wait, sleep, date" ok "$out"

# Each refused syscall: 1 = EPERM (explicit), 38 = ENOSYS (default action).
for call in "keyctl 0" "add_key 0" "request_key 0" "bpf 0 0 0" "perf_event_open 0 0 0 0 0" "kexec_load 0 0 0 0" \
            "init_module 0 0 0" "finit_module 0 0 0" "delete_module 0 0" "open_by_handle_at 3 0 0" \
            "ptrace 0" "mount 0 0 0 0 0" "umount2 0 0" "pivot_root 0 0" "setns 0 0" "userfaultfd 0"; do
    set -- $call
    expect_eq "default profile: $1 is refused with EPERM" 1 "$(probe_in "deny-$1" . "$@")"
done
expect_eq "default profile: clone3 answers ENOSYS (glibc falls back to clone)" 38 "$(probe_in clone3 . clone3 0 0)"
expect_eq "default profile: unshare(CLONE_NEWUSER) is refused" 1 "$(probe_in unshare-user . unshare 0x10000000)"
expect_eq "default profile: clone(CLONE_NEWUSER) is refused" 1 "$(probe_in clone-user . clone 0x10000011)"
expect_eq "default profile: plain clone works" 0 "$(probe_in clone-plain . clone 17)"
expect_eq "default profile: unshare(CLONE_NEWNS) is left to the kernel (no CAP_SYS_ADMIN: EPERM)" 1 \
    "$(probe_in unshare-mnt . unshare 0x20000)"
expect_eq "default profile: vsock sockets are refused" 97 "$(probe_in vsock . socket 40 1 0)"
expect_eq "default profile: personality(PER_LINUX) allowed" 0 "$(probe_in persona-ok . personality 0)"
expect_eq "default profile: other personalities refused (ENOSYS)" 38 "$(probe_in persona-bad . personality 0x0040000)"
out=$(run_in default-unshare sh -c 'unshare -U true 2>&1; echo rc=$?')
expect_contains "default profile: busybox unshare -U fails" "rc=1" "$out"

# ---- actions --------------------------------------------------------------
allow_but() { # allow_but SYSCALL ACTION [ERRNO]: defaultAction ALLOW, one rule
    if [ -n "${3:-}" ]; then
        echo ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [{names: [\"$1\"], action: \"$2\", errnoRet: $3}]}"
    else
        echo ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [{names: [\"$1\"], action: \"$2\"}]}"
    fi
}
expect_eq "SCMP_ACT_ERRNO without errnoRet: EPERM" 1 "$(probe_in act-errno "$(allow_but getppid SCMP_ACT_ERRNO)" getppid)"
expect_eq "SCMP_ACT_ERRNO with errnoRet 77" 77 "$(probe_in act-errno77 "$(allow_but getppid SCMP_ACT_ERRNO 77)" getppid)"
expect_eq "SCMP_ACT_TRACE without a tracer: ENOSYS" 38 "$(probe_in act-trace "$(allow_but getppid SCMP_ACT_TRACE 5)" getppid)"
expect_eq "SCMP_ACT_LOG allows" 0 "$(probe_in act-log "$(allow_but getppid SCMP_ACT_LOG)" getppid)"
for act in SCMP_ACT_KILL SCMP_ACT_KILL_THREAD SCMP_ACT_KILL_PROCESS SCMP_ACT_TRAP; do
    probe_in "act-$act" "$(allow_but getppid $act)" getppid >/dev/null
    expect_eq "$act: the process dies of SIGSYS (128+31)" 159 $?
done
out=$(probe_in act-mkdir "$(allow_but mkdir SCMP_ACT_ERRNO 13) | .process.args = [\"mkdir\", \"/tmp/x\"]" 2>&1)
expect_contains "busybox mkdir sees the errnoRet" "Permission denied" "$out"
expect_eq "defaultAction ERRNO answers defaultErrnoRet" 99 \
    "$(probe_in default-errno '.linux.seccomp.defaultErrnoRet = 99' personality 0x0040000)"
profile='.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["no_such_syscall_xyz", "getppid"], action: "SCMP_ACT_ERRNO", errnoRet: 12}]}'
expect_eq "unknown syscall names are skipped, the others apply" 12 "$(probe_in unknown-name "$profile" getppid)"
profile='.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getppid"], action: "SCMP_ACT_ALLOW"}]}'
expect_eq "a rule with the default action is skipped" 0 "$(probe_in same-as-default "$profile" getppid)"

# ---- operators: every one, on its own syscall ---------------------------
rule() { echo "{names: [\"$1\"], action: \"SCMP_ACT_ERRNO\", errnoRet: $2, args: [$3]}"; }
arg() { echo "{index: $1, value: $2, valueTwo: ${4:-0}, op: \"$3\"}"; }
profile=".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [
  $(rule getpgid 41 "$(arg 0 1000 SCMP_CMP_EQ)"),
  $(rule getsid 42 "$(arg 0 5000 SCMP_CMP_GT)"),
  $(rule kill 43 "$(arg 0 7000 SCMP_CMP_GE), $(arg 1 0 SCMP_CMP_EQ)"),
  $(rule setpgid 44 "$(arg 0 65280 SCMP_CMP_MASKED_EQ 4608)"),
  $(rule sched_getscheduler 45 "$(arg 0 10 SCMP_CMP_LT)"),
  $(rule getpriority 46 "$(arg 1 30 SCMP_CMP_LE)"),
  $(rule ioprio_get 47 "$(arg 0 1 SCMP_CMP_NE)")]}"
make_bundle "$WORK/ops" "$profile"
set_script "$WORK/ops" 'for c in "getpgid 1000" "getpgid 1001" "getsid 5001" "getsid 5000" "kill 7000 0" "kill 6999 0" \
      "kill 7000 1" "setpgid 0x1234 0" "setpgid 0x3434 0" "sched_getscheduler 5" "sched_getscheduler 10" \
      "getpriority 0 30" "getpriority 0 31" "ioprio_get 2 0" "ioprio_get 1 99999"; do
      printf "%s " $(syscall_probe $c); done'
out=$(crun run --bundle "$WORK/ops" "$PREFIX-ops")
# hits give the rule's errno; misses reach the kernel (3 = ESRCH).
expect_eq "EQ, GT, GE+EQ (AND of two args), MASKED_EQ (value = mask, valueTwo = datum), LT, LE, NE" \
    "41 3 42 3 43 3 3 44 3 45 3 46 3 47 3 " "$out"
profile='.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getpgid"], action: "SCMP_ACT_ERRNO", errnoRet: 50,
  args: [{index: 0, value: 100, op: "SCMP_CMP_EQ"}, {index: 0, value: 200, op: "SCMP_CMP_EQ"}]}]}'
make_bundle "$WORK/or" "$profile"
set_script "$WORK/or" 'printf "%s " $(syscall_probe getpgid 100) $(syscall_probe getpgid 200) $(syscall_probe getpgid 300)'
expect_eq "two comparisons of one argument: either matches (as runc)" "50 50 3 " "$(crun run --bundle "$WORK/or" "$PREFIX-or")"

# ---- flags and architectures --------------------------------------------
for flag in SECCOMP_FILTER_FLAG_TSYNC SECCOMP_FILTER_FLAG_LOG SECCOMP_FILTER_FLAG_SPEC_ALLOW SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV; do
    expect_eq "flag $flag" 9 "$(probe_in "flag-$flag" "$(allow_but getppid SCMP_ACT_ERRNO 9) | .linux.seccomp.flags = [\"$flag\"]" getppid)"
done
expect_eq "architectures x86 and x32 next to the native one" 9 \
    "$(probe_in arches "$(allow_but getppid SCMP_ACT_ERRNO 9) | .linux.seccomp.architectures = [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]" getppid)"

# ---- refusals before any side effect -------------------------------------
refuse() { # refuse NAME FILTER NEEDLE
    make_bundle "$WORK/$1" "$2"
    crun create --bundle "$WORK/$1" "$PREFIX-$1" 2>"$WORK/err"
    expect_eq "$1: create fails" 1 $?
    expect_contains "$1: says why" "$3" "$(cat "$WORK/err")"
}
refuse errno-on-allow "$(allow_but getppid SCMP_ACT_KILL 5)" "linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_KILL takes no errno"
refuse default-errno-on-allow '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", defaultErrnoRet: 3}' "linux.seccomp.defaultErrnoRet"
refuse metadata-without-listener '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerMetadata: "x"}' "listenerMetadata"
refuse arch-unknown-to-libseccomp "$(allow_but getppid SCMP_ACT_ERRNO) | .linux.seccomp.architectures = [\"SCMP_ARCH_M68K\"]" "SCMP_ARCH_M68K"
refuse notify-nobody-listening "$(allow_but mkdir SCMP_ACT_NOTIFY) | .linux.seccomp.listenerPath = \"$WORK/nobody.sock\"" "listenerPath $WORK/nobody.sock: connect"
check_no_leftovers

# ---- no_new_privs false: the filter goes in before the privileges go -----
profile="$(allow_but getppid SCMP_ACT_ERRNO 9) | .process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000}"
make_bundle "$WORK/nnp0" "$profile"
set_script "$WORK/nnp0" 'grep -E "^(NoNewPrivs|Seccomp|Uid):" /proc/self/status | tr -s "\t " " " | tr "\n" ";"; syscall_probe getppid'
expect_eq "noNewPrivileges false, uid 1000: filter loaded, no_new_privs unset" \
    "Uid: 1000 1000 1000 1000;NoNewPrivs: 0;Seccomp: 2;9" "$(crun run --bundle "$WORK/nnp0" "$PREFIX-nnp0")"
make_bundle "$WORK/nnp0root" "$(allow_but getppid SCMP_ACT_ERRNO 9) | .process.noNewPrivileges = false | .process.args = [\"syscall_probe\", \"getppid\"]"
expect_eq "noNewPrivileges false, root with default caps" 9 "$(crun run --bundle "$WORK/nnp0root" "$PREFIX-nnp0root")"

# ---- exec gets the container's filter ------------------------------------
make_bundle "$WORK/ex" "$(allow_but getppid SCMP_ACT_ERRNO 21) | .process.args = [\"sleep\", \"60\"]"
crun run -d --bundle "$WORK/ex" "$PREFIX-ex" </dev/null
expect_eq "exec: the filter applies" 21 "$(crun exec "$PREFIX-ex" syscall_probe getppid)"
expect_eq "exec: /proc/self/status shows the filter" "Seccomp: 2" \
    "$(crun exec "$PREFIX-ex" sh -c 'grep ^Seccomp: /proc/self/status | tr -s "\t " " "')"
crun delete --force "$PREFIX-ex"

# ---- SCMP_ACT_NOTIFY -------------------------------------------------------
notify_profile() { # notify_profile SOCKET
    echo ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\", listenerPath: \"$1\", listenerMetadata: \"meta=1\",
          syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"SCMP_ACT_NOTIFY\"}]}"
}
start_agent() { # start_agent SOCKET STATE ERRNO: the agent in the background, $agent_pid
    rm -f "$1" "$2"
    "$AGENT" "$1" "$2" "$3" &
    agent_pid=$!
    for _ in $(seq 100); do [ -S "$1" ] && break; sleep 0.05; done
}
start_agent "$WORK/n13.sock" "$WORK/n13.state" 13
make_bundle "$WORK/n13" "$(notify_profile "$WORK/n13.sock")"
set_script "$WORK/n13" 'mkdir /tmp/d 2>&1; ls /tmp'
out=$(crun run --bundle "$WORK/n13" "$PREFIX-n13")
expect_contains "notify: the agent's errno reaches mkdir" "Permission denied" "$out"
wait $agent_pid
expect_eq "notify: the agent ends when the container does" 0 $?
state=$(cat "$WORK/n13.state")
expect_eq "notify: fds names the seccomp fd" '["seccompFd"]' "$(echo "$state" | jq -c .fds)"
expect_eq "notify: metadata" "meta=1" "$(echo "$state" | jq -r .metadata)"
expect_eq "notify: state.id" "$PREFIX-n13" "$(echo "$state" | jq -r .state.id)"
expect_eq "notify: state.status" creating "$(echo "$state" | jq -r .state.status)"
expect_eq "notify: pid is the container's" "$(echo "$state" | jq -r .state.pid)" "$(echo "$state" | jq -r .pid)"
expect_eq "notify: ociVersion" 1.3.0 "$(echo "$state" | jq -r .ociVersion)"

start_agent "$WORK/n0.sock" "$WORK/n0.state" 0
make_bundle "$WORK/n0" "$(notify_profile "$WORK/n0.sock")"
set_script "$WORK/n0" 'mkdir /tmp/d && echo made; ls -d /tmp/d 2>/dev/null || echo absent; echo x > /dev/shm/f && cat /dev/shm/f'
out=$(crun run --bundle "$WORK/n0" "$PREFIX-n0" | tr '\n' ' ')
expect_eq "notify: a faked success, other calls untouched" "made absent x " "$out"
wait $agent_pid

# exec into a container whose profile notifies: the exec process gets a
# listener of its own, sent to whoever listens on listenerPath then, with
# the container's state.
start_agent "$WORK/nx.sock" "$WORK/nx-init.state" 28
init_agent=$agent_pid
make_bundle "$WORK/nx" "$(notify_profile "$WORK/nx.sock") | .process.args = [\"sleep\", \"60\"]"
crun run -d --bundle "$WORK/nx" "$PREFIX-nx" </dev/null
for _ in $(seq 100); do [ -f "$WORK/nx-init.state" ] && break; sleep 0.05; done
start_agent "$WORK/nx.sock" "$WORK/nx-exec.state" 28
out=$(crun exec "$PREFIX-nx" sh -c 'mkdir /tmp/e 2>&1')
expect_contains "notify in exec: the agent answers" "No space left on device" "$out"
wait $agent_pid
expect_eq "notify in exec: the container's state" "running $PREFIX-nx" \
    "$(jq -r '.state.status + " " + .state.id' "$WORK/nx-exec.state")"
expect_eq "notify in exec: pid is the exec process, not the init" true \
    "$(jq '.pid != .state.pid' "$WORK/nx-exec.state")"
crun delete --force "$PREFIX-nx"
wait $init_agent

# Notified syscalls the runtime itself might make after loading the filter
# (runc's "important syscalls" case): nothing the container process does
# between loading the filter and handing over the listener may be one of
# them, or it waits on an agent that never gets the listener.
for nnp in false true; do
    start_agent "$WORK/ni.sock" "$WORK/ni.state" 0
    make_bundle "$WORK/ni-$nnp" ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\", listenerPath: \"$WORK/ni.sock\",
        syscalls: [{names: [\"execve\", \"openat\", \"open\", \"read\", \"close\", \"fcntl\", \"sendmsg\", \"recvmsg\"],
        action: \"SCMP_ACT_NOTIFY\"}]} | .process.noNewPrivileges = $nnp | .process.args = [\"cat\", \"/etc/hostname\"]"
    echo inside > "$ROOTFS/etc/hostname"
    out=$(timeout -k 5 60 "$CRUN" --root "$ROOT" run --bundle "$WORK/ni-$nnp" "$PREFIX-ni-$nnp" 2>&1)
    expect_eq "notify on execve/openat/read/close/fcntl/sendmsg, noNewPrivileges $nnp: runs, no deadlock" inside "$out"
    wait $agent_pid
done
rm -f "$ROOTFS/etc/hostname"
refuse notify-write "$(allow_but write SCMP_ACT_NOTIFY) | .linux.seccomp.listenerPath = \"$WORK/x.sock\"" \
    "linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY cannot be used for write"
refuse notify-default '.linux.seccomp = {defaultAction: "SCMP_ACT_NOTIFY", listenerPath: "/x.sock"}' \
    "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"

# ---- features ---------------------------------------------------------------
f=$(crun features)
expect_eq "features: seccomp enabled" true "$(echo "$f" | jq .linux.seccomp.enabled)"
expect_contains "features: NOTIFY offered" SCMP_ACT_NOTIFY "$(echo "$f" | jq -c .linux.seccomp.actions)"
expect_contains "features: x86_64 known" SCMP_ARCH_X86_64 "$(echo "$f" | jq -c .linux.seccomp.archs)"
expect_eq "features: 4 known flags" 4 "$(echo "$f" | jq '.linux.seccomp.knownFlags | length')"
expect_contains "features: WAIT_KILLABLE_RECV supported on this kernel" WAIT_KILLABLE_RECV "$(echo "$f" | jq -c .linux.seccomp.supportedFlags)"
expect_eq "features: 7 operators" 7 "$(echo "$f" | jq '.linux.seccomp.operators | length')"

check_no_leftovers
finish
