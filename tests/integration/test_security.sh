#!/bin/bash
# One attack per known runtime CVE class, each shown to fail.
. "$(dirname "$0")/lib.sh"

set_script() { # set_script DIR SCRIPT: the process runs `sh -c SCRIPT`
    jq --arg c "$2" '.process.args = ["sh", "-c", $c]' "$1/config.json" > "$1/config.json.new" &&
        mv "$1/config.json.new" "$1/config.json"
}
# private_rootfs NAME: a copy of the busybox rootfs the test may break.
private_rootfs() {
    cp -a "$ROOTFS" "$WORK/$1-rootfs"
    echo "$WORK/$1-rootfs"
}
wait_status() { # wait_status ID STATUS
    for _ in $(seq 100); do [ "$(crun state "$1" 2>/dev/null | jq -r .status)" = "$2" ] && return; sleep 0.05; done
}
no_mount_at() { # no_mount_at PATH: nothing of ours is mounted there on the host
    ! grep -q " $1 " /proc/self/mountinfo
}

CRUN_SUM=$(sha256sum "$CRUN" | cut -d' ' -f1)

# ---- CVE-2019-5736: overwriting the runtime through /proc/<pid>/exe --------
out=$(run_in exe sh -c 'readlink /proc/self/exe; readlink /proc/1/exe')
expect_eq "the container's processes run its own binaries" "/bin/busybox /bin/busybox" "$(echo $out)"

# A created container's init still runs our image until start: a process
# exec'd next to it must not reach it.
bundle_with_args "$WORK/created" sleep 60
crun create --bundle "$WORK/created" "$PREFIX-created" </dev/null
out=$(crun exec "$PREFIX-created" sh -c '
    (exec 3>/proc/1/exe) 2>/dev/null && echo WRITE-OPENED
    (exec 3</proc/1/exe) 2>/dev/null && echo READ-OPENED
    readlink /proc/1/exe 2>/dev/null && echo LINK-READ
    for p in /proc/[0-9]*; do (exec 3>$p/exe) 2>/dev/null && echo "WRITE-OPENED $p"; done
    echo done')
expect_eq "exec'd process can't open or read the waiting init's /proc/1/exe" done "$out"
expect_eq "the waiting init is not dumpable: its /proc files are closed to the container" denied \
    "$(crun exec "$PREFIX-created" sh -c 'cat /proc/1/environ >/dev/null 2>&1 && echo readable || echo denied')"
crun delete --force "$PREFIX-created"
expect_eq "the runtime binary is unchanged" "$CRUN_SUM" "$(sha256sum "$CRUN" | cut -d' ' -f1)"

# ---- CVE-2024-21626: leaked fds, cwd outside the rootfs --------------------
echo secret > "$WORK/caller-file"
exec 5<"$WORK/caller-file"
# (probed one by one: a pipeline would open fds of its own in the shell)
out=$(run_in fds sh -c 'for f in $(seq 0 20); do [ -e /proc/$$/fd/$f ] && printf "%s " $f; done')
exec 5<&-
expect_eq "only stdio inside, the caller's fd 5 is not" "0 1 2 " "$out"
exec 3<"$WORK/caller-file"
bundle_with_args "$WORK/preserve" sh -c 'cat <&3; for f in $(seq 0 20); do [ -e /proc/$$/fd/$f ] && printf "%s " $f; done'
out=$(crun run --preserve-fds 1 --bundle "$WORK/preserve" "$PREFIX-preserve")
exec 3<&-
expect_eq "--preserve-fds 1 passes fd 3, nothing more" "secret 0 1 2 3 " "$(echo $out) "

# The attack proper: a host directory leaks into the init as fd 7.
mkdir -p "$WORK/leaked-dir"
echo host-secret > "$WORK/leaked-dir/secret"
make_bundle "$WORK/leak" '.process.cwd = "/proc/self/fd/7"'
set_script "$WORK/leak" 'cat secret ../leaked-dir/secret 2>/dev/null; true'
out=$(crun run --bundle "$WORK/leak" "$PREFIX-leak" 7<"$WORK/leaked-dir" 2>&1)
case "$out" in
    *host-secret*) not_ok "cwd through a leaked host directory fd is refused" "$out" ;;
    *) expect_contains "cwd through a leaked host directory fd is refused" "outside the container" "$out" ;;
esac
bundle_with_args "$WORK/leakexec" sleep 60
crun run -d --bundle "$WORK/leakexec" "$PREFIX-leakexec" </dev/null
out=$(crun exec --cwd /proc/self/fd/7 "$PREFIX-leakexec" sh -c 'cat secret 2>&1' 7<"$WORK/leaked-dir" 2>&1)
case "$out" in
    *host-secret*) not_ok "exec --cwd through a leaked host directory fd is refused" "$out" ;;
    *) expect_contains "exec --cwd through a leaked host directory fd is refused" "outside the container" "$out" ;;
esac
crun delete --force "$PREFIX-leakexec"

# Whatever fd N is in the init at chdir time (or none: refused), the
# process never ends up outside its root ("(unreachable)" in getcwd).
for n in 3 4 5 6 7 8 9 10; do
    make_bundle "$WORK/cwd$n" ".process.cwd = \"/proc/self/fd/$n\""
    set_script "$WORK/cwd$n" 'pwd -P 2>&1; readlink /proc/self/cwd'
    out=$(crun run --bundle "$WORK/cwd$n" "$PREFIX-cwd$n" 2>&1)
    case "$out" in
        *unreachable*) not_ok "cwd /proc/self/fd/$n stays inside the container (or is refused)" "$out" ;;
        *) ok "cwd /proc/self/fd/$n stays inside the container (or is refused)" ;;
    esac
done
make_bundle "$WORK/dotdot" '.process.cwd = "/../../../../../.."'
set_script "$WORK/dotdot" 'pwd -P; ls /bin/busybox'
expect_eq "cwd with .. cannot climb out of the root" "/ /bin/busybox" "$(echo $(crun run --bundle "$WORK/dotdot" "$PREFIX-dotdot"))"

bundle_with_args "$WORK/execcwd" sleep 60
crun run -d --bundle "$WORK/execcwd" "$PREFIX-execcwd" </dev/null
bad=""
for n in 3 4 5 6 7 8 9 10; do
    out=$(crun exec --cwd "/proc/self/fd/$n" "$PREFIX-execcwd" sh -c 'pwd -P; readlink /proc/self/cwd' 2>&1)
    case "$out" in *unreachable*) bad="$bad $n:$out" ;; esac
done
expect_eq "exec --cwd /proc/self/fd/N stays inside the container (or is refused)" "" "$bad"
crun delete --force "$PREFIX-execcwd"

# ---- CVE-2021-30465: symlinks in mount destinations -------------------------
mkdir -p "$WORK/hostdir"
rfs=$(private_rootfs symlink)
ln -s "$WORK/hostdir" "$rfs/evil"
ln -s "../../../../../../../../$WORK/hostdir" "$rfs/evil-rel"
make_bundle "$WORK/symlink" ".root.path = \"$rfs\" | .mounts += [{destination: \"/evil/x\", type: \"tmpfs\", source: \"tmpfs\"}, {destination: \"/evil-rel/y\", type: \"tmpfs\", source: \"tmpfs\"}]"
set_script "$WORK/symlink" 'echo pwned > /evil/x/file 2>/dev/null; echo pwned > /evil-rel/y/file 2>/dev/null; true'
crun run --bundle "$WORK/symlink" "$PREFIX-symlink" >/dev/null 2>&1
expect_eq "mount destinations through symlinks stay in the rootfs: host dir untouched" "" "$(ls -A "$WORK/hostdir")"
no_mount_at "$WORK/hostdir/x" && ok "nothing mounted on the host path" || not_ok "nothing mounted on the host path"

# ---- CVE-2019-16884 / CVE-2023-27561: a fake /proc ---------------------------
make_bundle "$WORK/tmpproc" '.mounts |= map(if .destination == "/proc" then {destination: "/proc", type: "tmpfs", source: "tmpfs"} else . end)'
crun create --bundle "$WORK/tmpproc" "$PREFIX-tmpproc" 2>"$WORK/err" </dev/null
expect_eq "a tmpfs on /proc is refused" 1 $?
expect_contains "and says so" "proc" "$(cat "$WORK/err")"
mkdir -p "$WORK/fakeproc"
make_bundle "$WORK/bindproc" ".mounts |= map(if .destination == \"/proc\" then {destination: \"/proc\", type: \"bind\", source: \"$WORK/fakeproc\", options: [\"bind\"]} else . end)"
crun create --bundle "$WORK/bindproc" "$PREFIX-bindproc" 2>"$WORK/err" </dev/null
expect_eq "a bind mount on /proc is refused" 1 $?
rfs=$(private_rootfs procsym)
rmdir "$rfs/proc"
mkdir -p "$rfs/fakeproc"
ln -s fakeproc "$rfs/proc"
make_bundle "$WORK/procsym" ".root.path = \"$rfs\""
crun create --bundle "$WORK/procsym" "$PREFIX-procsym" 2>"$WORK/err" </dev/null
expect_eq "a rootfs whose /proc is a symlink is refused" 1 $?
expect_eq "nothing mounted on the symlink's target" "" "$(ls -A "$rfs/fakeproc")"
check_no_leftovers

# ---- CVE-2025-31133 / CVE-2025-52565: masked paths and /dev/null ------------
# /proc/kcore and friends exist only on some kernels: the first that does.
out=$(run_in masked sh -c 'for f in /proc/kcore /proc/keys /proc/timer_list; do [ -e $f ] && { stat -c "%t:%T" $f; cat $f | head -c 20; break; }; done; echo .')
expect_eq "a masked file is the real /dev/null (1:3), empty" "1:3 ." "$(echo $out)"
CORE=$(cat /proc/sys/kernel/core_pattern)
rfs=$(private_rootfs devnull)
mkdir -p "$rfs/dev"
ln -s /proc/sys/kernel/core_pattern "$rfs/dev/null"
ln -s /proc/sys/kernel/core_pattern "$rfs/dev/console"
# No /dev tmpfs: the image's /dev is used as is.
make_bundle "$WORK/devnull" ".root.path = \"$rfs\" | .root.readonly = false | .mounts |= map(select(.destination | startswith(\"/dev\") | not))"
set_script "$WORK/devnull" 'for f in /proc/kcore /proc/keys /proc/timer_list; do [ -e $f ] && { stat -c "%F %t:%T" $f; echo "|/tmp/pwn" > $f; break; }; done 2>/dev/null; true'
out=$(crun run --bundle "$WORK/devnull" "$PREFIX-devnull" 2>&1)
rc=$?
expect_eq "host core_pattern unchanged through a /dev/null symlink" "$CORE" "$(cat /proc/sys/kernel/core_pattern)"
if [ $rc = 0 ]; then
    expect_eq "masked paths are the real 1:3 device despite the symlink" "character special file 1:3" "$out"
else
    ok "a /dev/null symlink in the image is refused ($(echo $out | head -c 100))"
fi
# ---- CVE-2022-29162: no inheritable capabilities by default -----------------
out=$(run_in caps sh -c 'grep -E "^Cap(Inh|Amb):" /proc/self/status | tr -s "\t " " " | tr "\n" ";"')
expect_eq "default: CapInh and CapAmb are 0" "CapInh: 0000000000000000;CapAmb: 0000000000000000;" "$out"
bundle_with_args "$WORK/capsexec" sleep 60
crun run -d --bundle "$WORK/capsexec" "$PREFIX-capsexec" </dev/null
expect_eq "exec: CapInh 0" "CapInh: 0000000000000000" "$(crun exec "$PREFIX-capsexec" sh -c 'grep ^CapInh: /proc/self/status | tr -s "\t " " "')"
crun delete --force "$PREFIX-capsexec"

# ---- ids cannot escape the state root ------------------------------------------
bundle_with_args "$WORK/ids" true
long=$(printf 'a%.0s' $(seq 1025))
before=$(ls -A "$ROOT" | tr '\n' ' ')
for id in "../escape" "/abs" "a/b" "." ".." "" "$long" ".hidden" 'x y' 'x\y' $'x\ny'; do
    crun create --bundle "$WORK/ids" -- "$id" >/dev/null 2>&1 </dev/null
    rc=$?
    label=$(printf '%q' "$id" | head -c 24)
    [ "$rc" = 1 ] && [ "$(ls -A "$ROOT" | tr '\n' ' ')" = "$before" ] && [ ! -e "$ROOT/../escape" ] && [ ! -e /abs ] &&
        ok "id $label refused with nothing created" ||
        not_ok "id $label refused with nothing created" "rc=$rc root: $(ls -A "$ROOT")"
done
ok "an id with a NUL byte cannot be passed on a command line (argv is NUL-terminated)"
check_no_leftovers
finish
