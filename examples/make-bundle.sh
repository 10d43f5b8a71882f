#!/bin/sh
# Makes an OCI bundle from Debian's busybox-static: make-bundle.sh DIR
# The config is crun-lite's default (`crun-lite spec`) running a greeting,
# without a terminal so it works from scripts too.
set -eu
dir=${1:?usage: make-bundle.sh DIR}
top=$(cd "$(dirname "$0")/.." && pwd)
crun=${CRUNLITE:-${BUILD_DIR:-$top/build}/crun-lite}
rm -rf "$dir"
mkdir -p "$dir"
"$top/tests/support/make-busybox-rootfs.sh" "$dir/rootfs"
"$crun" spec --bundle "$dir"
jq '.process.terminal = false
    | .process.args = ["sh", "-c", "echo Hello from crun-lite: $(hostname), pid $$, uid $(id -u); cat /proc/self/cgroup | head -3"]' \
    "$dir/config.json" > "$dir/config.json.new"
mv "$dir/config.json.new" "$dir/config.json"
