#!/bin/bash
# Terminals (console socket, run in the foreground on a pty), exec, hooks,
# the overlay layer and the JSON log.
. "$(dirname "$0")/lib.sh"
RECEIVER=${CONSOLE_RECEIVER:?CONSOLE_RECEIVER must point at the built console_receiver}

wait_for() {  # wait_for FILE TEXT: up to 5 s
    for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
    return 1
}

# --console-socket: the client receives the pty master of the container.
make_bundle "$WORK/tty" '.process.terminal = true | .process.args = ["sh"]'
"$RECEIVER" "$WORK/console.sock" "tty; stty size; exit;" > "$WORK/console.out" &
receiver=$!
wait_for "$WORK/console.out" listening
crun create --console-socket "$WORK/console.sock" --bundle "$WORK/tty" "$PREFIX-tty"
expect_eq "create with --console-socket" 0 $?
crun start "$PREFIX-tty"
wait $receiver
out=$(cat "$WORK/console.out")
expect_contains "the console socket receives the pty master" "received pty master" "$out"
expect_contains "the container's stdio is the pty" "/dev/pts/0" "$out"
crun delete --force "$PREFIX-tty"

make_bundle "$WORK/ttysize" '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 111} | .process.args = ["stty", "size"]'
"$RECEIVER" "$WORK/size.sock" "" > "$WORK/size.out" &
receiver=$!
wait_for "$WORK/size.out" listening
crun run -d --console-socket "$WORK/size.sock" --bundle "$WORK/ttysize" "$PREFIX-ttysize"
wait $receiver
expect_contains "process.consoleSize" "33 111" "$(cat "$WORK/size.out")"
crun delete --force "$PREFIX-ttysize"

make_bundle "$WORK/ttydetach" '.process.terminal = true'
crun create --bundle "$WORK/ttydetach" "$PREFIX-ttydetach" 2>"$WORK/err"
expect_eq "terminal without --console-socket on create fails" 1 $?
expect_contains "and says why" "console-socket" "$(cat "$WORK/err")"

# run in the foreground proxies the caller's terminal (script gives us one).
make_bundle "$WORK/fgtty" '.process.terminal = true | .process.args = ["sh", "-c", "tty; echo done"]'
out=$(script -qec "$CRUN --root $ROOT run --bundle $WORK/fgtty $PREFIX-fgtty" /dev/null | tr -d '\r')
expect_contains "run proxies a terminal" "/dev/pts/0" "$out"
expect_contains "run proxies a terminal's output" "done" "$out"

# exec into a running container
make_bundle "$WORK/exec" '.process.args = ["sleep", "60"] | .process.env += ["BASE=1"]'
crun run -d --bundle "$WORK/exec" "$PREFIX-exec"
out=$(crun exec "$PREFIX-exec" sh -c 'echo $$ $BASE; readlink /proc/self/ns/pid; hostname')
expect_contains "exec runs in the container with its env" " 1" "$(echo "$out" | sed -n 1p)"
init=$(crun state "$PREFIX-exec" | jq -r .pid)
expect_eq "exec joins the pid namespace" "$(readlink /proc/$init/ns/pid)" "$(echo "$out" | sed -n 2p)"
expect_eq "exec joins the uts namespace" "crun-lite" "$(echo "$out" | sed -n 3p)"
crun exec "$PREFIX-exec" sh -c 'exit 7'
expect_eq "exec returns the exit code" 7 $?
out=$(crun exec --user 1000:1000 --cwd /tmp --env FOO=bar "$PREFIX-exec" sh -c 'id -u; pwd; echo $FOO')
expect_eq "exec --user --cwd --env" "1000 /tmp bar" "$(echo $out)"
expect_contains "exec joins the cgroup" "$(grep memory /proc/$init/cgroup | cut -d: -f3)" "$(crun exec "$PREFIX-exec" cat /proc/self/cgroup)"
jq '.args = ["sh", "-c", "echo from-process-json"] | .terminal = false' "$WORK/exec/config.json" > /dev/null
jq '.process | .args = ["sh", "-c", "echo from-process-json $X"] | .env += ["X=y"]' "$WORK/exec/config.json" > "$WORK/process.json"
expect_eq "exec --process" "from-process-json y" "$(crun exec --process "$WORK/process.json" "$PREFIX-exec")"
crun exec --detach --pid-file "$WORK/exec.pid" "$PREFIX-exec" sleep 30
expect_eq "exec --detach" 0 $?
epid=$(cat "$WORK/exec.pid")
expect_contains "exec --pid-file holds the process" sleep "$(tr '\0' ' ' < /proc/$epid/cmdline)"
expect_eq "ps shows the exec'd process" 2 "$(crun ps --format json "$PREFIX-exec" | jq length)"
"$RECEIVER" "$WORK/exec.sock" "tty; exit;" > "$WORK/exec.out" &
receiver=$!
wait_for "$WORK/exec.out" listening
crun exec -t -d --console-socket "$WORK/exec.sock" "$PREFIX-exec" sh
wait $receiver
expect_contains "exec -t with a console socket" "/dev/pts/" "$(cat "$WORK/exec.out")"
crun exec "$PREFIX-exec" nosuchthing 2>"$WORK/err"
expect_contains "exec of a missing command" 'executable file not found in $PATH' "$(cat "$WORK/err")"
crun delete --force "$PREFIX-exec"
crun exec "$PREFIX-exec" true 2>"$WORK/err"
expect_contains "exec in a missing container" "does not exist" "$(cat "$WORK/err")"

# hooks: order, stdin (the state), and a failing hook
cat > "$WORK/hook.sh" <<'HOOK'
#!/bin/sh
# Runs on the host and (startContainer) inside the busybox container: sed only.
state=$(cat)
field() { echo "$state" | sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\\1/p" | head -1; }
echo "$1 $(field status) $(field id)" >> "$2"
HOOK
chmod +x "$WORK/hook.sh"
log="$WORK/hooks.log"
hooks=$(jq -n --arg h "$WORK/hook.sh" --arg log "$log" '
  def hook(name): [{"path": $h, "args": ["hook.sh", name, $log], "env": ["PATH=/usr/bin:/bin"]}];
  {"prestart": hook("prestart"), "createRuntime": hook("createRuntime"), "createContainer": hook("createContainer"),
   "startContainer": hook("startContainer"), "poststart": hook("poststart"), "poststop": hook("poststop")}')
make_bundle "$WORK/hooks" ".hooks = $hooks | .process.args = [\"true\"] | .mounts += [{\"destination\": \"$WORK\", \"type\": \"bind\", \"source\": \"$WORK\", \"options\": [\"rbind\"]}]"
crun create --bundle "$WORK/hooks" "$PREFIX-hooks"
crun start "$PREFIX-hooks"
sleep 0.2
crun delete --force "$PREFIX-hooks"
expect_eq "hooks run in order with the state on stdin" \
  "prestart created $PREFIX-hooks|createRuntime created $PREFIX-hooks|createContainer creating $PREFIX-hooks|startContainer created $PREFIX-hooks|poststart running $PREFIX-hooks|poststop stopped $PREFIX-hooks" \
  "$(tr '\n' '|' < "$log" | sed 's/|$//')"
: > "$log"
crun run --bundle "$WORK/hooks" "$PREFIX-runhooks"
expect_eq "run calls the same hooks in the same order, startContainer too" \
  "prestart created $PREFIX-runhooks|createRuntime created $PREFIX-runhooks|createContainer creating $PREFIX-runhooks|startContainer created $PREFIX-runhooks|poststart running $PREFIX-runhooks|poststop stopped $PREFIX-runhooks" \
  "$(tr '\n' '|' < "$log" | sed 's/|$//')"
make_bundle "$WORK/badhook" '.hooks = {"createRuntime": [{"path": "/bin/false"}]}'
crun run --bundle "$WORK/badhook" "$PREFIX-badhook" 2>"$WORK/err"
expect_eq "a failing createRuntime hook fails the container" 1 $?
expect_contains "and names the hook" "createRuntime hook [0] /bin/false" "$(cat "$WORK/err")"
make_bundle "$WORK/slowhook" '.hooks = {"prestart": [{"path": "/bin/sleep", "args": ["sleep", "10"], "timeout": 1}]}'
crun run --bundle "$WORK/slowhook" "$PREFIX-slowhook" 2>"$WORK/err"
expect_contains "a hook timeout" "timed out" "$(cat "$WORK/err")"
make_bundle "$WORK/poststart" '.hooks = {"poststart": [{"path": "/bin/false"}]} | .process.args = ["true"]'
crun run --bundle "$WORK/poststart" "$PREFIX-poststart" 2>"$WORK/err"
expect_eq "a failing poststart hook only warns" 0 $?

# joining another container's pid namespace moves only the container there:
# the runtime's hooks (forked after the clone) still start in the host's
make_bundle "$WORK/pidhost" '.process.args = ["sleep", "60"]'
crun run -d --bundle "$WORK/pidhost" "$PREFIX-pidhost"
host_init=$(crun state "$PREFIX-pidhost" | jq .pid)
make_bundle "$WORK/pidjoin" ".linux.namespaces |= map(if .type == \"pid\" then .path = \"/proc/$host_init/ns/pid\" else . end)
  | .hooks = {\"createRuntime\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"readlink /proc/self/ns/pid > $WORK/hook-ns\"]}]}
  | .process.args = [\"true\"]"
crun run --bundle "$WORK/pidjoin" "$PREFIX-pidjoin"
expect_eq "a container joining a pid namespace by path runs" 0 $?
expect_eq "and its hooks run in the host's pid namespace" "$(readlink /proc/self/ns/pid)" "$(cat "$WORK/hook-ns")"
crun delete --force "$PREFIX-pidhost"

# two --overlay containers share one rootfs without seeing each other's writes
make_bundle "$WORK/ovl" '.root.readonly = false | .process.args = ["sleep", "60"]'
before=$(ls "$ROOTFS")
crun run -d --overlay --bundle "$WORK/ovl" "$PREFIX-ovl1"
crun run -d --overlay --bundle "$WORK/ovl" "$PREFIX-ovl2"
crun exec "$PREFIX-ovl1" sh -c 'echo one > /mine'
expect_eq "an overlay container sees its own write" one "$(crun exec "$PREFIX-ovl1" cat /mine)"
crun exec "$PREFIX-ovl2" cat /mine 2>/dev/null
expect_eq "and not the other's" 1 $?
expect_eq "the shared rootfs is untouched" "$before" "$(ls "$ROOTFS")"
expect_eq "the write sits in the upper layer" one "$(cat "$ROOT/$PREFIX-ovl1/overlay/upper/mine")"
crun delete --force "$PREFIX-ovl1"
crun delete --force "$PREFIX-ovl2"
expect_eq "delete removes the layer" "" "$(ls "$ROOT")"
crun run --overlay-upper "$WORK/upper" --bundle "$WORK/ovl" -d "$PREFIX-ovl3"
crun exec "$PREFIX-ovl3" sh -c 'echo kept > /kept'
crun delete --force "$PREFIX-ovl3"
expect_eq "--overlay-upper keeps the writes" kept "$(cat "$WORK/upper/kept")"
expect_eq "--overlay-upper work dir removed" "" "$(ls -d "$WORK"/upper.crun-lite-work-* 2>/dev/null)"

# --log --log-format json: the JSON lines containerd reads
crun --log "$WORK/log.json" --log-format json state "$PREFIX-nope" 2>/dev/null
line=$(tail -1 "$WORK/log.json")
expect_eq "json log level" error "$(echo "$line" | jq -r .level)"
expect_contains "json log message" "does not exist" "$(echo "$line" | jq -r .msg)"
expect_contains "json log time" "T" "$(echo "$line" | jq -r .time)"

check_no_leftovers
finish
