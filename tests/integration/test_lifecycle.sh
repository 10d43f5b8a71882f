#!/bin/bash
# run/create/start/state/kill/delete/list/ps and exit codes, on real containers.
. "$(dirname "$0")/lib.sh"

out=$(run_in echo echo hello)
expect_eq "run prints the container's output" "hello" "$out"

run_in exit3 sh -c 'exit 3'
expect_eq "run returns the exit code" 3 $?

# The init cannot SIGKILL itself (it is pid 1 of its namespace): kill it
# from outside while run waits in the foreground.
bundle_with_args "$WORK/killed" sleep 60
"$CRUN" --root "$ROOT" run --bundle "$WORK/killed" "$PREFIX-killed" &
runner=$!
for _ in $(seq 100); do [ "$(crun state "$PREFIX-killed" 2>/dev/null | jq -r .status)" = running ] && break; sleep 0.05; done
crun kill "$PREFIX-killed" KILL
wait $runner
expect_eq "run returns 128+N when killed by signal N" 137 $?

# run with a bundle path: the id comes from the directory name.
bundle_with_args "$WORK/bypath" true
(cd "$WORK" && crun run bypath/)
expect_eq "run bundle/ derives the id" 0 $?

# create -> start -> state -> kill -> delete
bundle_with_args "$WORK/life" sleep 60
id="$PREFIX-life"
crun create --bundle "$WORK/life" --pid-file "$WORK/life.pid" "$id"
expect_eq "create succeeds" 0 $?
pid=$(cat "$WORK/life.pid")
state=$(crun state "$id")
expect_eq "state after create is created" created "$(echo "$state" | jq -r .status)"
expect_eq "state pid matches the pid file" "$pid" "$(echo "$state" | jq -r .pid)"
expect_eq "state bundle" "$WORK/life" "$(echo "$state" | jq -r .bundle)"
expect_eq "state ociVersion" "1.3.0" "$(echo "$state" | jq -r .ociVersion)"
[ -d "/proc/$pid" ] && ok "the init exists after create" || not_ok "the init exists after create"
expect_eq "the init is orphaned (not our child)" 1 "$(awk '/^PPid/ {print ($2 == '"$$"') ? 0 : 1}' /proc/$pid/status)"
crun start "$id"
expect_eq "start succeeds" 0 $?
expect_eq "state after start is running" running "$(crun state "$id" | jq -r .status)"
expect_contains "process runs sleep after start" sleep "$(tr '\0' ' ' < /proc/$pid/cmdline)"
crun start "$id" 2>/dev/null
expect_eq "start twice fails" 1 $?
crun delete "$id" 2>"$WORK/err"
expect_eq "delete of a running container fails" 1 $?
expect_contains "delete error says why" "not stopped" "$(cat "$WORK/err")"
expect_eq "ps --format json lists the init" "[$pid]" "$(crun ps --format json "$id")"
expect_contains "list shows the container" "$id" "$(crun list)"
expect_eq "list -q" "$id" "$(crun list -q)"
expect_eq "list json status" running "$(crun list --format json | jq -r '.[0].status')"
crun kill "$id" KILL
for _ in $(seq 100); do [ "$(crun state "$id" | jq -r .status)" = stopped ] && break; sleep 0.05; done
expect_eq "state after kill is stopped" stopped "$(crun state "$id" | jq -r .status)"
expect_eq "ps --format json of a stopped container" "[]" "$(crun ps --format json "$id")"
crun kill "$id" TERM 2>"$WORK/err"
expect_contains "kill of a stopped container: container not running" "container not running" "$(cat "$WORK/err")"
crun delete "$id"
expect_eq "delete of a stopped container" 0 $?
crun state "$id" 2>"$WORK/err"
expect_eq "state of a deleted container fails" 1 $?
expect_contains "state error says does not exist" "does not exist" "$(cat "$WORK/err")"
crun delete --force "$id"
expect_eq "delete --force of a missing container succeeds" 0 $?

# delete --force of a running container kills it.
bundle_with_args "$WORK/force" sleep 60
crun run --detach --bundle "$WORK/force" --pid-file "$WORK/force.pid" "$PREFIX-force"
expect_eq "run --detach returns at once" 0 $?
pid=$(cat "$WORK/force.pid")
crun delete --force "$PREFIX-force"
sleep 0.1
[ ! -d "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null
expect_eq "delete --force kills the init" 0 $?

# a created container can be deleted without --force
bundle_with_args "$WORK/created" true
crun create --bundle "$WORK/created" "$PREFIX-created"
crun delete "$PREFIX-created"
expect_eq "delete of a created container" 0 $?

# kill --all and signal names/numbers
bundle_with_args "$WORK/killall" sh -c 'sleep 60 & sleep 60 & wait'
crun run -d --bundle "$WORK/killall" "$PREFIX-killall"
sleep 0.2
n=$(crun ps --format json "$PREFIX-killall" | jq length)
expect_eq "ps lists every process" 3 "$n"
crun kill --all "$PREFIX-killall" 9
for _ in $(seq 100); do [ "$(crun state "$PREFIX-killall" | jq -r .status)" = stopped ] && break; sleep 0.05; done
expect_eq "kill --all stops the container" stopped "$(crun state "$PREFIX-killall" | jq -r .status)"
crun delete "$PREFIX-killall"

crun kill "$PREFIX-nothing" SIGFOO 2>"$WORK/err"
expect_contains "an unknown signal is refused" "invalid signal" "$(cat "$WORK/err")"

# run forwards signals to the container.
bundle_with_args "$WORK/fwd" sh -c 'trap "exit 42" TERM; while true; do sleep 0.1; done'
"$CRUN" --root "$ROOT" run --bundle "$WORK/fwd" "$PREFIX-fwd" &
runner=$!
for _ in $(seq 100); do [ "$(crun state "$PREFIX-fwd" 2>/dev/null | jq -r .status)" = running ] && break; sleep 0.05; done
sleep 0.2
kill -TERM $runner
wait $runner
expect_eq "run forwards SIGTERM and returns the exit code" 42 $?

check_no_leftovers
finish
