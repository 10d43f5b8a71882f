# Shared helpers for the integration tests: each test script sources this,
# gets a private state root and work dir, and leaves nothing behind.
# Tests print "ok - NAME" / "not ok - NAME" and end with a count line.
set -u

CRUN=${CRUNLITE:?CRUNLITE must point at the built crun-lite binary}
[ -x "$CRUN" ] || { echo "not ok - $CRUN is not built"; exit 1; }
TOP=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p /run/crun-lite-test
ROOT=$(mktemp -d /run/crun-lite-test/root.XXXXXX)
WORK=$(mktemp -d /tmp/crun-lite-it.XXXXXX)
# Readable by the ids a user namespace maps root to.
chmod 755 "$WORK"
PREFIX="it$$"
passed=0
failed=0

crun() { "$CRUN" --root "$ROOT" "$@"; }

# traced ARG...: runs ARG... under strace. LeakSanitizer cannot work under
# ptrace (it stops with a fatal error that fails the sanitized run), so a
# sanitized build's leak check is off for the traced command alone.
traced() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace "$@"; }

cleanup() {
    for id in $(crun list -q 2>/dev/null); do crun delete --force "$id" >/dev/null 2>&1; done
    rm -rf "$ROOT" "$WORK"
    rmdir /run/crun-lite-test 2>/dev/null || true
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; shift; [ $# -gt 0 ] && printf '    %s\n' "$@"; return 0; }

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi
}
# expect_contains NAME NEEDLE HAYSTACK
expect_contains() {
    case "$3" in *"$2"*) ok "$1" ;; *) not_ok "$1" "expected to contain: $2" "actual: $3" ;; esac
}

# The shared busybox rootfs, built once per script.
ROOTFS="$WORK/rootfs"
"$TOP/tests/support/make-busybox-rootfs.sh" "$ROOTFS"

# make_bundle DIR [JQ_FILTER]: crun-lite's default config, no terminal,
# rootfs by absolute path, then the filter applied.
make_bundle() {
    dir=$1
    filter=${2:-.}
    mkdir -p "$dir"
    rm -f "$dir/config.json"
    "$CRUN" spec --bundle "$dir"
    jq --arg rootfs "$ROOTFS" ".process.terminal = false | .root.path = \$rootfs | $filter" \
        "$dir/config.json" > "$dir/config.json.new" && mv "$dir/config.json.new" "$dir/config.json"
}

# bundle_with_args DIR ARG...: a bundle whose process runs ARG...
bundle_with_args() {
    dir=$1
    shift
    args=$(printf '%s\n' "$@" | jq -R . | jq -s .)
    make_bundle "$dir" ".process.args = $args"
}

# run_in NAME ARG...: runs ARG... in a fresh container, prints its output.
run_in() {
    name=$1
    shift
    bundle_with_args "$WORK/$name" "$@"
    crun run --bundle "$WORK/$name" "$PREFIX-$name"
}

# Fails the script when the kernel still has something of ours.
check_no_leftovers() {
    left=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 6 -type d -name "$PREFIX-*" 2>/dev/null)
    expect_eq "no cgroup left behind" "" "$left"
    expect_eq "no state left behind" "" "$(ls -A "$ROOT")"
}

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
