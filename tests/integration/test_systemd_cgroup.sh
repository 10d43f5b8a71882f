#!/bin/bash
# The systemd cgroup driver on a host without systemd as PID 1 (this
# machine): --systemd-cgroup fails clearly and leaves nothing; a malformed
# slice:prefix:name is refused naming it. And its cost to everyone else: a
# start without --systemd-cgroup never loads libsystemd, which the binary
# does not link (it is dlopen'd by the driver alone). The driver itself is
# tested in a systemd guest: tests/vm/run-systemd-tests.sh.
. "$(dirname "$0")/lib.sh"

# The error's quoted path as the text log shows it (quotes escaped).
quoted() { printf 'linux.cgroupsPath \\"%s\\"' "$1"; }

# sd_create ID CGROUPS_PATH: create with --systemd-cgroup; prints stderr.
sd_create() {
    make_bundle "$WORK/$1" ".process.args = [\"true\"] | .linux.cgroupsPath = \"$2\""
    timeout 20 "$CRUN" --root "$ROOT" --systemd-cgroup create --bundle "$WORK/$1" "$PREFIX-$1" 2>&1 >/dev/null
}

# Bad forms first: wrong on any host, whether systemd runs or not.
for path in "c1" "a:b" "a:b:c:d" "/abs/path" "system.slice:runc:" "a/b.slice:p:n" "a--b.slice:p:n" \
            "notaslice:p:n" "system.slice:p:c1.slice" "system.slice:p q:c1"; do
    out=$(sd_create bad "$path")
    st=$?
    expect_eq "bad cgroupsPath \"$path\": exit 1" 1 $st
    expect_contains "bad cgroupsPath \"$path\": the error names it" "$(quoted "$path")" "$out"
    expect_eq "bad cgroupsPath \"$path\": no state dir" "" "$(ls -A "$ROOT")"
done
expect_contains "a slice with '/': says so" "must not contain '/'" "$(sd_create bad "a/b.slice:p:n")"

# A good path where systemd is not PID 1.
if [ ! -d /run/systemd/system ]; then
    out=$(sd_create nosd "system.slice:test:$PREFIX")
    st=$?
    expect_eq "no systemd: exit 1" 1 $st
    expect_contains "no systemd: names the cgroupsPath" "$(quoted "system.slice:test:$PREFIX")" "$out"
    expect_contains "no systemd: names the flag" "--systemd-cgroup" "$out"
    expect_contains "no systemd: says systemd is not running" "not running on this host" "$out"
    expect_eq "no systemd: no state dir" "" "$(ls -A "$ROOT")"
    # The default path form too (no cgroupsPath at all).
    make_bundle "$WORK/nosd2" '.process.args = ["true"] | del(.linux.cgroupsPath)'
    out=$(timeout 20 "$CRUN" --root "$ROOT" --systemd-cgroup run --bundle "$WORK/nosd2" "$PREFIX-nosd2" 2>&1)
    expect_eq "no systemd, no cgroupsPath: run exits 1" 1 $?
    expect_contains "no systemd, no cgroupsPath: the error names the flag" "--systemd-cgroup" "$out"
    expect_eq "no systemd, no cgroupsPath: no state dir" "" "$(ls -A "$ROOT")"
else
    echo "# systemd runs this host: the no-systemd error is not testable here"
fi

expect_eq "features: linux.cgroup.systemd" true "$("$CRUN" features | jq .linux.cgroup.systemd)"

# The footprint: no DT_NEEDED on libsystemd (a static build has no dynamic
# section at all), and a plain start does not map it. A createRuntime hook
# runs while `create` waits for it: it counts libsystemd in its parent's
# (the runtime's) memory map.
expect_eq "the binary does not link libsystemd" "" "$(readelf -d "$CRUN" 2>/dev/null | grep -i 'NEEDED.*libsystemd')"
make_bundle "$WORK/plain" ".process.args = [\"true\"] |
    .hooks.createRuntime = [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"grep -c libsystemd /proc/\$PPID/maps > $WORK/maps; grep -c crun-lite /proc/\$PPID/maps > $WORK/self; true\"]}]"
crun create --bundle "$WORK/plain" "$PREFIX-plain" >/dev/null 2>"$WORK/plain.err"
expect_eq "create (a hook reads the runtime's maps)" "" "$(cat "$WORK/plain.err")"
# (the runtime's own binary among its mappings: the hook read the right map)
self=$(cat "$WORK/self" 2>/dev/null)
[ "${self:-0}" -gt 0 ] && ok "the hook saw the runtime's memory map ($self mappings of crun-lite)" ||
    not_ok "the hook saw the runtime's memory map" "$self"
expect_eq "a start without --systemd-cgroup does not load libsystemd" 0 "$(cat "$WORK/maps" 2>/dev/null)"
crun delete --force "$PREFIX-plain"

check_no_leftovers
finish
