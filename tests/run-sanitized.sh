#!/bin/sh
# Every test (unit and integration) on an AddressSanitizer + UBSan build:
#   tests/run-sanitized.sh [ctest args...]
# Configures -DCRUNLITE_SANITIZE=ON into build-asan (BUILD_DIR overrides),
# builds with JOBS (default 2) and runs ctest there. Any sanitizer report
# fails the test that triggered it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build-asan}
jobs=${JOBS:-2}
start=$(date +%s)

cmake -S "$top" -B "$build" -DCRUNLITE_SANITIZE=ON >/dev/null
cmake --build "$build" -j"$jobs"
built=$(date +%s)

# halt_on_error: the first report ends the process with a failure exit, so
# the test sees it. Leak checking stays on for the runtime's own exits; the
# container child leaves by execve or _exit, which LSan does not look at.
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
status=0
(cd "$build" && ctest --output-on-failure "$@") || status=$?
end=$(date +%s)
echo "run-sanitized: build $((built - start))s, tests $((end - built))s, total $((end - start))s"
exit $status
