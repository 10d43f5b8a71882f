#!/bin/bash
# The runc command-line contract that containerd's shim and podman's conmon
# rely on: global flags, the JSON log, pid files, orphaned init, inherited
# fds and environment, the error texts clients match, --version, features.
. "$(dirname "$0")/lib.sh"

LOG="$WORK/log.json"
last_error() { grep '"level":"error"' "$LOG" | tail -n1 | jq -r .msg; }

# --version in runc's shape
v=$("$CRUN" --version)
expect_contains "--version first line" "crun-lite version " "$(echo "$v" | head -n1)"
expect_eq "--version names the spec" "spec: 1.3.0" "$(echo "$v" | grep '^spec:')"
expect_eq "features is JSON with ociVersionMax" "1.3.0" "$("$CRUN" features | jq -r .ociVersionMax)"

# --log FILE --log-format json (containerd) and --log-format=json (podman)
"$CRUN" --root "$ROOT" --log "$LOG" --log-format json state "$PREFIX-missing" 2>/dev/null
expect_eq "a failure exits 1" 1 $?
expect_contains "the JSON log's error: does not exist" "does not exist" "$(last_error)"
jq -e 'has("level") and has("msg") and has("time")' < <(tail -n1 "$LOG") >/dev/null && ok "log lines have level, msg, time" || not_ok "log lines have level, msg, time"
"$CRUN" --root "$ROOT" --log-format=json --log="$LOG" kill "$PREFIX-missing" 9 2>/dev/null
expect_contains "--log-format=json --log=FILE" "does not exist" "$(last_error)"

# --systemd-cgroup: a clear error, no hang
bundle_with_args "$WORK/sd" true
out=$(timeout 10 "$CRUN" --root "$ROOT" --systemd-cgroup create --bundle "$WORK/sd" "$PREFIX-sd" 2>&1)
expect_eq "--systemd-cgroup fails" 1 $?
expect_contains "--systemd-cgroup names the missing systemd" "systemd" "$out"
expect_eq "--systemd-cgroup leaves nothing" "" "$(ls -A "$ROOT")"

# delete --force of a missing container is not an error
crun delete --force "$PREFIX-never"
expect_eq "delete --force of a missing container: 0" 0 $?

# create the way the shim does: the pid file exists when create returns, the
# init is orphaned, stray fds (the shim's socket on fd 3, conmon's pipes
# named by _OCI_*) do not reach the container: ls lists its own fds, 3 being
# its directory (a leaked fd would push that to 4). (Without a terminal the
# caller's stdio is the container's, by design; with one, the shim's wait for
# EOF on create's output is covered by ctr run -t in test_containerd.sh.)
bundle_with_args "$WORK/shim" ls /proc/self/fd
id="$PREFIX-shim"
exec 3<"$WORK/shim/config.json" 7<"$WORK/shim/config.json"
_OCI_SYNCPIPE=7 _OCI_STARTPIPE=3 "$CRUN" --root "$ROOT" --log "$LOG" --log-format json create \
    --bundle "$WORK/shim" --pid-file "$WORK/shim.pid" "$id" >"$WORK/shim.out" 2>&1 3<&3 7<&7
expect_eq "create with fds 3 and 7 open" 0 $?
exec 3<&- 7<&-
[ -s "$WORK/shim.pid" ] && ok "the pid file is there when create returns" || not_ok "the pid file is there when create returns"
pid=$(cat "$WORK/shim.pid")
expect_eq "the init is orphaned" 1 "$(awk '/^PPid/ {print ($2 == '"$$"') ? 0 : 1}' /proc/$pid/status)"
crun start "$id"
for _ in $(seq 100); do [ "$(crun state "$id" | jq -r .status)" = stopped ] && break; sleep 0.05; done
# the container's stdio is create's: its output went to shim.out
expect_eq "only stdio reaches the container" "0 1 2 3" "$(echo $(cat "$WORK/shim.out"))"

# error texts clients match
expect_eq "ps --format json of a stopped container is []" "[]" "$(crun ps --format json "$id")"
"$CRUN" --root "$ROOT" --log "$LOG" --log-format json kill "$id" 15 2>/dev/null
expect_contains "kill of a stopped container: container not running" "container not running" "$(last_error)"
"$CRUN" --root "$ROOT" --log "$LOG" --log-format json exec "$id" true 2>/dev/null
expect_eq "exec in a stopped container exits 255, as runc's" 255 $?
expect_contains "exec in a stopped container: container not running" "container not running" "$(last_error)"
crun delete "$id"

bundle_with_args "$WORK/run" sleep 60
id="$PREFIX-run"
crun run -d --bundle "$WORK/run" "$id"
expect_eq "ps --format json is a JSON array" number "$(crun ps --format json "$id" | jq -r '.[0] | type')"
"$CRUN" --root "$ROOT" --log "$LOG" --log-format json exec "$id" no-such-command 2>/dev/null
expect_eq "exec of a missing command exits 255, as runc's" 255 $?
expect_contains "exec: executable file not found in \$PATH" 'exec failed: exec: "no-such-command": executable file not found in $PATH' "$(last_error)"
"$CRUN" --root "$ROOT" --log "$LOG" --log-format json exec "$id" /etc/passwd 2>/dev/null
expect_eq "exec of a non-executable exits 255" 255 $?
expect_contains "exec: permission denied" "permission denied" "$(last_error)"
expect_eq "a process's own status still comes through" 3 "$(crun exec "$id" sh -c 'exit 3'; echo $?)"
bundle_with_args "$WORK/missing" no-such-command
"$CRUN" --root "$ROOT" --log "$LOG" --log-format json create --bundle "$WORK/missing" "$PREFIX-missing" 2>/dev/null
expect_eq "create of a missing command fails" 1 $?
expect_contains "create: executable file not found in \$PATH" 'executable file not found in $PATH' "$(last_error)"
crun delete --force "$id"

check_no_leftovers
finish
