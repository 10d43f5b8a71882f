#!/bin/bash
# The command line itself, against runc 1.1.5 as the reference: every
# command runs under both and the exit status and output shape are
# compared. --help and -h, usage errors, --version/version, --debug (stderr,
# --log text and JSON), runc's exec flags (--cgroup, --ignore-paused and
# the rest), every runc flag of every verb accepted, and the README's two
# commands run as root without sudo.
. "$(dirname "$0")/lib.sh"

RUNC_ROOT=$WORK/runc-root
R() { runc --root "$RUNC_ROOT" "$@"; }
C() { crun "$@"; }
command -v runc >/dev/null || { not_ok "runc is installed (the reference)"; finish; exit; }

runc_cleanup() {
    for id in $(R list -q 2>/dev/null); do R delete --force "$id" >/dev/null 2>&1; done
}
trap 'runc_cleanup; cleanup' EXIT

# shape CMD...: exit status, and whether stdout and stderr have anything.
shape() {
    "$@" >"$WORK/out" 2>"$WORK/err" </dev/null
    echo "rc=$? stdout=$([ -s "$WORK/out" ] && echo yes || echo no) stderr=$([ -s "$WORK/err" ] && echo yes || echo no)"
}
# usage_shape CMD...: exit status and whether stderr has the error. runc
# also prints the usage on stdout there; crun-lite keeps stdout for data
# (see usage_error in runtime/main.cpp).
usage_shape() { shape "$@" | sed 's/ stdout=[a-z]*//'; }
# same NAME ARGS...: the shape of `runc ARGS` and `crun-lite ARGS` agree
# (expected: runc's). An argument @ID is each runtime's own container.
args_for() {
    rt=$1
    shift
    for a in "$@"; do [ "$a" = @ID ] && echo "$PREFIX-ex-$rt" || echo "$a"; done
}
same() {
    name=$1
    shift
    mapfile -t ra < <(args_for R "$@")
    mapfile -t ca < <(args_for C "$@")
    expect_eq "$name" "runc: $(shape R "${ra[@]}")" "runc: $(shape C "${ca[@]}")"
}
same_usage_error() {
    name=$1
    shift
    expect_eq "$name" "runc: $(usage_shape R "$@")" "runc: $(usage_shape C "$@")"
}

# A bundle both runtimes take: runc's own default config on the shared rootfs.
runc_bundle() {
    dir=$1
    filter=$2
    mkdir -p "$dir"
    (cd "$dir" && runc spec)
    jq --arg rootfs "$ROOTFS" ".process.terminal = false | .root.path = \$rootfs | $filter" \
        "$dir/config.json" > "$dir/c.json" && mv "$dir/c.json" "$dir/config.json"
}

# ---- 2. --help, -h, usage errors -----------------------------------------------
same "--help: usage on stdout, status 0" --help
same "-h: usage on stdout, status 0" -h
same "no command: usage on stdout, status 0" 
same "help: usage on stdout, status 0" help
same "h: usage on stdout, status 0" h
same "help exec: exec's usage, status 0" help exec
same "help list: list's usage, status 0" help list
expect_contains "help ls (crun-lite's alias of list; runc has none)" "Usage: crun-lite list" "$(C help ls)"
same "help of an unknown command: status 3" help no-such-verb
for verb in checkpoint create delete events exec kill list pause ps restore resume run spec start state update features; do
    same "$verb --help: usage on stdout, status 0" "$verb" --help
    same "$verb -h: usage on stdout, status 0" "$verb" -h
done
expect_contains "exec --help names its usage" "Usage: crun-lite exec" "$(C exec --help)"
same "-h with an id after it is still help" delete -h "$PREFIX-x"
same_usage_error "an unknown global flag: status 1" --no-such-flag list
same_usage_error "an unknown command: status 3" no-such-verb
for verb in create run start state kill delete list ps exec pause resume update events spec features; do
    same_usage_error "$verb --no-such-flag: status 1" "$verb" --no-such-flag "$PREFIX-x"
done
same_usage_error "state without an id: status 1" state
same_usage_error "state with two ids: status 1" state "$PREFIX-a" "$PREFIX-b"
same_usage_error "kill without an id: status 1" kill
same_usage_error "exec without an id: status 1" exec
same_usage_error "exec of a missing container: status 255" exec "$PREFIX-none" true
C exec --no-such-flag "$PREFIX-x" 2>"$WORK/err"
expect_contains "an unknown flag is named" "unknown flag --no-such-flag" "$(cat "$WORK/err")"
expect_contains "... with where the usage is" "crun-lite exec --help" "$(cat "$WORK/err")"
C state 2>"$WORK/err"
expect_contains "a missing id is named" "container id is required" "$(cat "$WORK/err")"
C no-such-verb 2>"$WORK/err"
expect_contains "an unknown command is named" 'unknown command \"no-such-verb\"' "$(cat "$WORK/err")"
# a usage error goes to the log as every error does (containerd reads it there)
C --log "$WORK/usage.json" --log-format json exec --no-such-flag "$PREFIX-x" 2>/dev/null
expect_contains "a usage error is in the JSON log" "unknown flag --no-such-flag" \
    "$(jq -r 'select(.level == "error") | .msg' "$WORK/usage.json")"

# ---- 3. version ------------------------------------------------------------------
rv=$(runc --version)
cv=$("$CRUN" --version)
# clients take the third word of the first line as the version
first_re='^[a-z-]+ version [^ ]+$'
expect_eq "--version: first line 'NAME version X', as runc's" "runc: 1 1" \
    "runc: $(echo "$rv" | head -n1 | grep -cE "$first_re") $(echo "$cv" | head -n1 | grep -cE "$first_re")"
same "--version: status 0, on stdout" --version
same "-v: status 0, on stdout" -v
expect_eq "--version: crun-lite version <project version>" "crun-lite version 0.1.0" "$(echo "$cv" | head -n1)"
expect_eq "-v is --version" "$cv" "$("$CRUN" -v)"
expect_eq "the version command is --version" "$cv" "$("$CRUN" version)"
expect_eq "--version: runc's keys, less go" "commit spec libseccomp" \
    "$(echo "$rv" | sed -n 's/^\([a-z]*\): .*/\1/p' | grep -vx go | tr '\n' ' ' | sed 's/ $//')"
expect_eq "--version: crun-lite's keys" "commit spec libseccomp" \
    "$(echo "$cv" | sed -n 's/^\([a-z]*\): .*/\1/p' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "--version: spec is oci/version.hpp's" \
    "spec: $(sed -n 's/.*kSpecVersion = "\(.*\)";/\1/p' "$TOP/oci/version.hpp")" "$(echo "$cv" | grep '^spec:')"
expect_eq "--version: the same libseccomp as runc's (Debian's)" "$(echo "$rv" | grep '^libseccomp:')" \
    "$(echo "$cv" | grep '^libseccomp:')"
commit=$(echo "$cv" | sed -n 's/^commit: //p')
if [[ "$commit" =~ ^(unknown|[A-Za-z0-9._+-]+)$ ]]; then ok "--version: commit is one word ($commit)"; else not_ok "--version: commit is one word" "$commit"; fi
if git -C "$TOP" rev-parse HEAD >/dev/null 2>&1 && [ "$commit" != unknown ]; then
    git -C "$TOP" rev-parse --verify -q "${commit%-dirty}^{commit}" >/dev/null &&
        ok "--version: commit names a commit of this repository" ||
        not_ok "--version: commit names a commit of this repository" "$commit"
fi

# ---- 1. --debug --------------------------------------------------------------------
runc_bundle "$WORK/true" '.process.args = ["true"]'
time_re='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'
text_re="^time=\"$time_re\" level=debug msg=\".*\""
# text lines: runc's (their head: it adds func= and file= to some)
text_shape() { grep -cvE "$text_re" "$1"; }
for rt in R C; do
    $rt --debug run --bundle "$WORK/true" "$PREFIX-dbg-$rt" >"$WORK/dbg-$rt.out" 2>"$WORK/dbg-$rt.err"
    echo $? >"$WORK/dbg-$rt.rc"
done
expect_eq "--debug run: status as runc's" "$(cat "$WORK/dbg-R.rc")" "$(cat "$WORK/dbg-C.rc")"
[ "$(grep -cE "$text_re" "$WORK/dbg-R.err")" -gt 0 ] && ok "runc --debug: debug lines on stderr (the reference)" ||
    not_ok "runc --debug: debug lines on stderr (the reference)" "$(head -3 "$WORK/dbg-R.err")"
[ "$(grep -cE "$text_re" "$WORK/dbg-C.err")" -gt 0 ] && ok "--debug: debug lines on stderr" ||
    not_ok "--debug: debug lines on stderr" "$(head -3 "$WORK/dbg-C.err")"
expect_eq "--debug: every stderr line in runc's text shape" "0 0" \
    "$(text_shape "$WORK/dbg-R.err") $(text_shape "$WORK/dbg-C.err")"
dbg=$(cat "$WORK/dbg-C.err")
expect_contains "--debug: the config loaded" "config: $WORK/true/config.json loaded" "$dbg"
expect_contains "--debug: the namespaces" "namespaces: pid (new)" "$dbg"
expect_contains "--debug: the cgroup" "cgroup: /sys/fs/cgroup" "$dbg"
expect_contains "--debug: the container's pid" "container $PREFIX-dbg-C: init pid " "$dbg"
expect_contains "--debug: the exit status" "process exited, status 0" "$dbg"
# --log FILE: the debug lines go there, not to stderr
for rt in R C; do
    $rt --debug --log "$WORK/dbgl-$rt.log" run --bundle "$WORK/true" "$PREFIX-dbgl-$rt" 2>"$WORK/dbgl-$rt.err" >/dev/null
done
expect_eq "--debug --log FILE: stderr stays empty, as runc's" "runc: 0" "runc: $(wc -c <"$WORK/dbgl-C.err")"
expect_eq "--debug --log FILE: (runc's stderr)" 0 "$(wc -c <"$WORK/dbgl-R.err")"
[ "$(grep -cE "$text_re" "$WORK/dbgl-C.log")" -gt 3 ] && ok "--debug --log FILE: text debug lines in FILE" ||
    not_ok "--debug --log FILE: text debug lines in FILE" "$(head -3 "$WORK/dbgl-C.log")"
expect_eq "--debug --log FILE: every line in runc's text shape" "0 0" \
    "$(text_shape "$WORK/dbgl-R.log") $(text_shape "$WORK/dbgl-C.log")"
# --log-format json: one object per line, {"level","msg","time"} as logrus writes them
for rt in R C; do
    $rt --debug --log "$WORK/dbg-$rt.json" --log-format json run --bundle "$WORK/true" "$PREFIX-dbgj-$rt" >/dev/null 2>&1
done
json_ok() { jq -e --arg re "^$time_re\$" 'has("level") and has("msg") and (.time | test($re))' >/dev/null 2>&1 <<<"$1"; }
bad=0
while IFS= read -r line; do json_ok "$line" || bad=$((bad + 1)); done <"$WORK/dbg-C.json"
expect_eq "--log-format json: every line one JSON object with level, msg, time" 0 "$bad"
bad=0
while IFS= read -r line; do json_ok "$line" || bad=$((bad + 1)); done <"$WORK/dbg-R.json"
expect_eq "--log-format json: (runc's lines in the same shape)" 0 "$bad"
expect_contains "--log-format json: (runc's plain lines: level, msg, time)" '["level","msg","time"]' \
    "$(jq -c 'keys' "$WORK/dbg-R.json" | sort -u)"
expect_eq "--log-format json: keys level, msg, time" '["level","msg","time"]' "$(jq -c 'keys' "$WORK/dbg-C.json" | sort -u)"
expect_contains "--log-format json: debug lines" '"level":"debug"' "$(cat "$WORK/dbg-C.json")"
expect_contains "--log-format json: the init's pid" "init pid" "$(jq -r .msg "$WORK/dbg-C.json")"
# no --debug: no debug line anywhere
for rt in R C; do
    $rt --log "$WORK/quiet-$rt.log" run --bundle "$WORK/true" "$PREFIX-quiet-$rt" >/dev/null 2>"$WORK/quiet-$rt.err"
done
expect_eq "without --debug: nothing logged, as runc" "$(cat "$WORK/quiet-R.log" "$WORK/quiet-R.err" | wc -l)" \
    "$(cat "$WORK/quiet-C.log" "$WORK/quiet-C.err" | wc -l)"

# ---- 4. exec flags -------------------------------------------------------------------
runc_bundle "$WORK/sleep" '.process.args = ["sleep", "120"]'
for rt in R C; do $rt run -d --bundle "$WORK/sleep" "$PREFIX-ex-$rt" </dev/null >/dev/null; done
expect_eq "both containers run" "running running" \
    "$(R state "$PREFIX-ex-R" | jq -r .status) $(C state "$PREFIX-ex-C" | jq -r .status)"

# exec --debug
C --debug exec "$PREFIX-ex-C" true 2>"$WORK/exec-dbg.err"
expect_contains "exec --debug: the process" "exec: process pid " "$(cat "$WORK/exec-dbg.err")"

# a foreground exec does not hold the container: state answers meanwhile (as runc's)
C exec "$PREFIX-ex-C" sleep 2 &
sleep 0.3
start=$(date +%s%N)
C state "$PREFIX-ex-C" >/dev/null
elapsed=$((($(date +%s%N) - start) / 1000000))
wait
[ "$elapsed" -lt 1000 ] && ok "state during a foreground exec answers at once (${elapsed} ms)" ||
    not_ok "state during a foreground exec answers at once" "${elapsed} ms"

# --ignore-paused
for rt in R C; do $rt pause "$PREFIX-ex-$rt"; done
same "exec into a paused container: status 255" exec @ID true
C exec "$PREFIX-ex-C" true 2>"$WORK/err"
expect_contains "exec into a paused container names --ignore-paused" "--ignore-paused" "$(cat "$WORK/err")"
for rt in R C; do
    ($rt exec --ignore-paused "$PREFIX-ex-$rt" echo thawed >"$WORK/ip-$rt.out" 2>"$WORK/ip-$rt.err"; echo $? >"$WORK/ip-$rt.rc") &
done
sleep 1
expect_eq "exec --ignore-paused: waits while paused, as runc's" "runc: no" \
    "runc: $([ -e "$WORK/ip-C.rc" ] && echo yes || echo no)"
expect_eq "exec --ignore-paused: (runc waits too)" no "$([ -e "$WORK/ip-R.rc" ] && echo yes || echo no)"
for rt in R C; do $rt resume "$PREFIX-ex-$rt"; done
wait
expect_eq "exec --ignore-paused: runs on resume, as runc's" "runc: $(cat "$WORK/ip-R.rc") $(cat "$WORK/ip-R.out")" \
    "runc: $(cat "$WORK/ip-C.rc") $(cat "$WORK/ip-C.out")"
same "exec --ignore-paused of a running container: runs" exec --ignore-paused @ID true

# --cgroup: [<controller>:]<path> below the container's cgroup, which must exist
# cgroup_dir PID CONTROLLER|"": the host directory of PID's cgroup there.
cgroup_dir() {
    local line rel
    line=$(awk -F: -v c="$2" '($2 == c) || (c != "" && index("," $2 ",", "," c ","))' "/proc/$1/cgroup" | head -n1)
    rel=${line#*:*:}
    if [ -z "$2" ]; then
        if [ -d /sys/fs/cgroup/unified ]; then echo "/sys/fs/cgroup/unified$rel"; else echo "/sys/fs/cgroup$rel"; fi
    elif [ "$2" = name=systemd ]; then
        echo "/sys/fs/cgroup/systemd$rel"
    else
        local ctl
        ctl=$(echo "$line" | cut -d: -f2)
        if [ -d "/sys/fs/cgroup/$ctl" ]; then echo "/sys/fs/cgroup/$ctl$rel"; else echo "/sys/fs/cgroup/$2$rel"; fi
    fi
}
init_pid() { $1 state "$2" | jq .pid; }
v1=$(awk -F: '$2 != ""' /proc/self/cgroup | wc -l)
same "exec --cgroup of a missing sub-cgroup: status 255" exec --cgroup "$PREFIX-nosuch" @ID true
same "exec --cgroup a:b:c: status 255" exec --cgroup a:b:c @ID true
same "exec --cgroup of an unknown controller: status 255" exec --cgroup no-such-ctl:x @ID true
same "exec --cgroup without a prefix beside another: status 255" exec --cgroup x --cgroup memory:y @ID true
same "exec --cgroup '': the container's own cgroup" exec --cgroup "" @ID true
same "exec --cgroup ../..: out of the container's cgroup is refused" exec --cgroup ../.. @ID true
for rt in R C; do
    expect_eq "$([ $rt = R ] && echo runc || echo crun-lite) exec without --cgroup: in the container's cgroup" \
        "$(cat /proc/"$(init_pid $rt "$PREFIX-ex-$rt")"/cgroup)" "$($rt exec "$PREFIX-ex-$rt" cat /proc/self/cgroup)"
done
C exec --cgroup no-such-ctl:x "$PREFIX-ex-C" true 2>"$WORK/err"
expect_contains "exec --cgroup: the error names the argument" "--cgroup no-such-ctl:x" "$(cat "$WORK/err")"
C exec --cgroup "$PREFIX-nosuch" "$PREFIX-ex-C" true 2>"$WORK/err"
expect_contains "exec --cgroup: a missing sub-cgroup is named" "does not exist" "$(cat "$WORK/err")"
if [ "$v1" -gt 0 ] && grep -q ':memory:' /proc/self/cgroup; then
    # one controller: memory:sub
    for rt in R C; do
        mkdir "$(cgroup_dir "$(init_pid $rt "$PREFIX-ex-$rt")" memory)/sub"
        $rt exec --cgroup memory:sub "$PREFIX-ex-$rt" cat /proc/self/cgroup >"$WORK/cg1-$rt" 2>&1
        echo "rc=$?" >>"$WORK/cg1-$rt"
    done
    where() { awk -F: '{ n = split($3, p, "/"); printf "%s=%s ", $2, p[n] }' "$1" | sed 's/ $//'; }
    expect_eq "exec --cgroup memory:sub: memory only, as runc's (the leaf of each line)" \
        "$(where "$WORK/cg1-R" | sed "s/$PREFIX-ex-R/ID/g")" "$(where "$WORK/cg1-C" | sed "s/$PREFIX-ex-C/ID/g")"
    expect_contains "exec --cgroup memory:sub: in memory's sub-cgroup" ":memory:" "$(grep '/sub$' "$WORK/cg1-C")"
    expect_eq "exec --cgroup memory:sub: status 0" "rc=0" "$(tail -n1 "$WORK/cg1-C")"
    # every hierarchy: sub (cpuset's needs its cpus and mems first)
    for rt in R C; do
        pid=$(init_pid $rt "$PREFIX-ex-$rt")
        : >"$WORK/subdirs-$rt"
        while IFS=: read -r _ ctl _; do
            d=$(cgroup_dir "$pid" "$ctl")/sub
            [ -d "$d" ] || mkdir "$d"
            echo "$d" >>"$WORK/subdirs-$rt"
            if [ -e "$d/cpuset.cpus" ]; then
                cat "$d/../cpuset.cpus" >"$d/cpuset.cpus"
                cat "$d/../cpuset.mems" >"$d/cpuset.mems"
            fi
        done <"/proc/$pid/cgroup"
        $rt exec --cgroup sub "$PREFIX-ex-$rt" cat /proc/self/cgroup >"$WORK/cg2-$rt" 2>&1
        echo "rc=$?" >>"$WORK/cg2-$rt"
    done
    expect_eq "exec --cgroup sub: every hierarchy, as runc's" \
        "$(where "$WORK/cg2-R")" "$(where "$WORK/cg2-C")"
    expect_eq "exec --cgroup sub: every line ends in /sub" "" "$(grep -v '^rc=' "$WORK/cg2-C" | grep -v '/sub$')"
    # the sub-cgroups are ours to remove, once empty (the exec'd processes are gone)
    for rt in R C; do
        while read -r d; do rmdir "$d" 2>/dev/null || { sleep 0.2; rmdir "$d"; }; done <"$WORK/subdirs-$rt"
        rmdir "$(cgroup_dir "$(init_pid $rt "$PREFIX-ex-$rt")" memory)/sub" 2>/dev/null
    done
fi

# --apparmor, --process-label: the process's LSM settings (refused where
# the LSM is off, as runc does)
if [ ! -e /sys/kernel/security/apparmor ]; then
    same "exec --apparmor without AppArmor: status 255" exec --apparmor some-profile @ID true
    C exec --apparmor some-profile "$PREFIX-ex-C" true 2>"$WORK/err"
    expect_contains "exec --apparmor: the error names the setting" "apparmorProfile" "$(cat "$WORK/err")"
fi
if [ ! -e /sys/fs/selinux/enforce ]; then
    same "exec --process-label without SELinux: status 255" exec --process-label some_t @ID true
fi
for rt in R C; do $rt delete --force "$PREFIX-ex-$rt"; done

# every flag of every runc verb is accepted (a dummy value, a missing
# container: whatever fails, it is not the flag)
mkdir -p "$WORK/flags-empty" "$WORK/flags-spec"
unknown_flag='unknown flag|flag provided but not defined|not expected'
missing=""
for verb in checkpoint create delete events exec kill list pause ps restore resume run spec start state update features; do
    flags=$(runc "$verb" --help | grep -oE '^   --[a-z0-9-]+( value)?' | sed 's/^ *//; s/ value$/=1/')
    for flag in $flags; do
        args=("$verb" "$flag")
        case "$verb" in list | spec | features) ;; *) args+=("$PREFIX-none") ;; esac
        dir=$WORK/flags-empty
        [ "$verb" = spec ] && dir=$WORK/flags-spec
        (cd "$dir" && R "${args[@]}") >/dev/null 2>"$WORK/flag-R.err"
        (cd "$dir" && C "${args[@]}") >/dev/null 2>"$WORK/flag-C.err"
        rm -f "$WORK/flags-spec/config.json"
        grep -qE "$unknown_flag" "$WORK/flag-R.err" && not_ok "runc takes its own flag $verb $flag" "$(cat "$WORK/flag-R.err")"
        grep -qE "$unknown_flag" "$WORK/flag-C.err" && missing="$missing $verb:${flag%=1}"
    done
done
expect_eq "every runc 1.1.5 flag of every verb is accepted" "" "$missing"
expect_eq "no container came of it" "" "$(C list -q; R list -q)"
same "global --rootless VALUE and --criu PATH are accepted" --rootless auto --criu criu list
same "update --cpu-share (runc's name) is accepted" update --cpu-share 512 "$PREFIX-none"
same "run --no-subreaper is accepted" run --no-subreaper --bundle "$WORK/true" "$PREFIX-nosub"
C checkpoint "$PREFIX-x" 2>"$WORK/err"
expect_contains "checkpoint: says it is not supported" "not supported" "$(cat "$WORK/err")"

# ---- 5. the README's two commands without sudo --------------------------------------
# As root they go on without sudo (this machine has none, as a fresh Debian 12
# root shell); as a user they re-run themselves with sudo, or say what to do.
readme=$(sed -n '/^## Two commands/,/^## /p' "$TOP/README.md")
expect_contains "README: ./examples/run-example.sh, as written" "    ./examples/run-example.sh" "$readme"
expect_contains "README: ./tests/run-all.sh, as written" "    ./tests/run-all.sh" "$readme"
expect_eq "README: the two commands need no sudo" "" "$(grep -E '^ +sudo ' <<<"$readme")"
printf '#!/bin/sh\nset -eu\n. "%s/tests/support/as-root.sh"\nas_root "$@"\necho "went on as $(id -u): $*"\n' "$TOP" >"$WORK/needs-root.sh"
expect_eq "as root: the script goes on, no sudo needed" "went on as 0: a b" "$(PATH=/usr/bin:/bin sh "$WORK/needs-root.sh" a b)"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all env -i PATH="$1" HOME=/ "${@:2}"; }
mkdir -p "$WORK/nosudo" "$WORK/stub"
printf '#!/bin/sh\necho "sudo $*"\n' >"$WORK/stub/sudo"
chmod 755 "$WORK/stub" "$WORK/stub/sudo" "$WORK/nosudo"
if ! command -v sudo >/dev/null; then
    for script in tests/run-all.sh examples/run-example.sh .ci/run; do
        out=$(cd "$TOP" && nobody /usr/bin:/bin "./$script" 2>&1)
        expect_eq "not root, no sudo: ./$script stops with status 1" 1 $?
        expect_contains "not root, no sudo: ./$script says to run it as root" "must run as root, and sudo is not installed" "$out"
    done
fi
out=$(cd "$TOP" && nobody "$WORK/stub:/usr/bin:/bin" ./tests/run-all.sh -R x 2>/dev/null)
expect_eq "not root, sudo there: ./tests/run-all.sh re-runs itself with sudo" "sudo -- sh ./tests/run-all.sh -R x" "$out"
out=$(cd "$TOP" && nobody "$WORK/stub:/usr/bin:/bin" env BUILD_DIR=/tmp/b ./examples/run-example.sh 2>/dev/null)
expect_eq "not root, sudo there: BUILD_DIR is kept" "sudo --preserve-env=BUILD_DIR -- sh ./examples/run-example.sh" "$out"

# ---- leave nothing behind ------------------------------------------------------------
runc_cleanup
expect_eq "no runc container left" "" "$(R list -q)"
check_no_leftovers
finish
