# Sourced after lib.sh by the rootless tests: a user made for the test,
# with a subordinate id range (useradd gives one), its home and
# XDG_RUNTIME_DIR under $WORK, and crun-lite copied where it can run it.
# rootless_cleanup (the EXIT trap) ends what the user still runs (all of
# it started by the test), removes the user, then runs lib.sh's cleanup;
# a test adds its own steps by defining rootless_test_cleanup.

need=()
command -v newuidmap >/dev/null || need+=(uidmap)
command -v runc >/dev/null || need+=(runc)
command -v setpriv >/dev/null || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null || { echo "not ok - cannot install ${need[*]}"; exit 1; }
fi

RLUSER="crlrl$$"
useradd --no-create-home --home-dir "$WORK/home" --shell /bin/sh --user-group "$RLUSER" || { echo "not ok - useradd"; exit 1; }
RLUID=$(id -u "$RLUSER")
RLGID=$(id -g "$RLUSER")
XDG="$WORK/xdg"
mkdir -p "$WORK/home" "$XDG" "$WORK/u"
chown "$RLUID:$RLGID" "$WORK/home" "$XDG" "$WORK/u"
chmod 700 "$XDG"
# The build tree may sit where the user cannot reach (/root/...).
RL="$WORK/crun-lite"
cp "$CRUN" "$RL"
chmod 755 "$RL"

rootless_cleanup() {
    declare -F rootless_test_cleanup >/dev/null && rootless_test_cleanup
    # What the test user still runs was started by this test.
    for pid in $(pgrep -u "$RLUID"); do kill -KILL "$pid" 2>/dev/null; done
    for _ in $(seq 50); do pgrep -u "$RLUID" >/dev/null || break; sleep 0.1; done
    userdel "$RLUSER" 2>/dev/null
    # userdel drops the subordinate ranges; older shadow versions did not.
    sed -i "/^$RLUSER:/d" /etc/subuid /etc/subgid
    cleanup
}
trap rootless_cleanup EXIT

# as_user CMD...: CMD as the test user, with the environment a login gives.
as_user() {
    setpriv --reuid="$RLUID" --regid="$RLGID" --init-groups \
        env -i HOME="$WORK/home" USER="$RLUSER" XDG_RUNTIME_DIR="$XDG" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        ${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} ${UBSAN_OPTIONS:+UBSAN_OPTIONS=$UBSAN_OPTIONS} "$@"
}
rl() { as_user "$RL" "$@"; }

SUBUID=$(awk -F: -v u="$RLUSER" '$1 == u { print $2; exit }' /etc/subuid)
SUBGID=$(awk -F: -v u="$RLUSER" '$1 == u { print $2; exit }' /etc/subgid)
if [ -z "$SUBUID" ] || [ -z "$SUBGID" ]; then
    not_ok "useradd gave $RLUSER a subordinate range" "$(cat /etc/subuid)"
    finish
    exit 1
fi
