#!/bin/sh
# Sets up a fresh Debian 12 machine, builds, and runs every test. Needs
# root: run it as root, or as a user who may sudo (it re-runs itself).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/support/as-root.sh"
as_root "$@"
"$top/tests/support/install-deps.sh"
BUILD_DIR=${BUILD_DIR:-$top/build} "$top/tests/support/build.sh"
cd "${BUILD_DIR:-$top/build}"
ctest --output-on-failure ${CTEST_ARGS:-}
