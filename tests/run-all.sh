#!/bin/sh
# Sets up a fresh Debian 12 machine (as root), builds, and runs every test.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tests/support/install-deps.sh"
BUILD_DIR=${BUILD_DIR:-$top/build} "$top/tests/support/build.sh"
cd "${BUILD_DIR:-$top/build}"
ctest --output-on-failure ${CTEST_ARGS:-}
