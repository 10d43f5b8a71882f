#!/bin/sh
# Sets up a fresh Debian 12 machine (as root), builds crun-lite, makes a
# busybox bundle in examples/busybox-bundle and runs it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tests/support/install-deps.sh"
BUILD_DIR=${BUILD_DIR:-$top/build} "$top/tests/support/build.sh"
bundle="$top/examples/busybox-bundle"
"$top/examples/make-bundle.sh" "$bundle"
exec "${BUILD_DIR:-$top/build}/crun-lite" run "$bundle/"
