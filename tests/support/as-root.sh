# Sourced first by the README's commands (examples/run-example.sh,
# tests/run-all.sh), which need root: apt-get, namespaces, cgroups.
#   . "$top/tests/support/as-root.sh"; as_root "$@"
# As root (a fresh Debian 12 root shell or image, which has no sudo) it
# returns and the script goes on. Otherwise it re-runs the script under
# sudo, keeping the variables the scripts read (BUILD_DIR, CTEST_ARGS), or,
# without sudo, stops with status 1 and says what to do.
as_root() {
    [ "$(id -u)" -eq 0 ] && return 0
    name=$(basename "$0")
    if ! command -v sudo >/dev/null 2>&1; then
        echo "$name: must run as root, and sudo is not installed: run it from a root shell (su -), or install sudo" >&2
        exit 1
    fi
    keep=""
    for var in BUILD_DIR CTEST_ARGS; do
        eval "set_=\${$var+x}"
        [ -n "$set_" ] && keep="${keep:+$keep,}$var"
    done
    echo "$name: not root: running it again with sudo" >&2
    if [ -n "$keep" ]; then
        exec sudo --preserve-env="$keep" -- sh "$0" "$@"
    fi
    exec sudo -- sh "$0" "$@"
}
