#!/bin/bash
# The corpus of malformed configs (tests/data/bad-configs, see EXPECTED) run
# through the real binary: `create` must exit 1 with the expected words on
# stderr and leave nothing behind (no state dir, no cgroup, no process).
. "$(dirname "$0")/lib.sh"

DATA=$TOP/tests/data/bad-configs
# Processes of ours would sit in a cgroup named after their id.
our_processes() { grep -l "$PREFIX-" /proc/[0-9]*/cgroup 2>/dev/null | tr '\n' ' '; }

count=0
while IFS=$'\t' read -r file needle; do
    case "$file" in '' | '#'*) continue ;; esac
    count=$((count + 1))
    name=${file%.json}
    dir=$WORK/bad/$name
    mkdir -p "$dir"
    # Every config names "rootfs"; point it at the shared busybox rootfs.
    sed "s|\"path\": \"rootfs\"|\"path\": \"$ROOTFS\"|" "$DATA/$file" > "$dir/config.json"
    crun create --bundle "$dir" "$PREFIX-$count" </dev/null >"$WORK/out" 2>"$WORK/err"
    rc=$?
    # The text log quotes msg="..." and escapes the quotes inside it.
    err=$(sed 's/\\"/"/g' "$WORK/err")
    problems=()
    [ "$rc" = 1 ] || problems+=("exit status $rc, expected 1")
    case "$err" in *"$needle"*) ;; *) problems+=("stderr lacks: $needle" "stderr: $err") ;; esac
    [ -z "$(ls -A "$ROOT")" ] || problems+=("state left: $(ls -A "$ROOT")")
    left=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 6 -type d -name "$PREFIX-*" 2>/dev/null)
    [ -z "$left" ] || problems+=("cgroup left: $left")
    procs=$(our_processes)
    [ -z "$procs" ] || problems+=("processes left: $procs")
    if [ ${#problems[@]} -eq 0 ]; then ok "$file"; else not_ok "$file" "${problems[@]}"; fi
done <"$DATA/EXPECTED"

expect_eq "every file in the corpus is listed in EXPECTED" \
    "$(ls "$DATA" | grep -c '\.json$')" "$count"
check_no_leftovers
finish
