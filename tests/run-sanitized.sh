#!/bin/sh
# Every test (unit and integration) on an AddressSanitizer + UBSan build:
#   tests/run-sanitized.sh [ctest args...]
# Configures -DCRUNLITE_SANITIZE=ON into build-asan (BUILD_DIR overrides),
# builds with JOBS (default 2) and runs ctest there. CI runs it with
# -LE "vm|bench|conformance": the VM test boots its own static build, the
# benchmark measures, and the validation suite ran on the real build.
#
# A report fails the run even when the test that triggered it did not look
# (a detached runtime, stderr sent to a file): every report goes to a file
# under a reports directory, and any file there at the end is a failure.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build-asan}
jobs=${JOBS:-2}
start=$(date +%s)

# -O0 with line tables only: this build exists to run the tests once under
# the sanitizers, and optimising would double its compile time on 2 cores.
cmake -S "$top" -B "$build" -DCRUNLITE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" >/dev/null
cmake --build "$build" -j"$jobs"
built=$(date +%s)
if ! ldd "$build/crun-lite" | grep -q libasan; then
    echo "run-sanitized: $build/crun-lite is not linked with ASan" >&2
    exit 1
fi

reports=$(mktemp -d /tmp/crun-lite-sanitizer.XXXXXX)
chmod 1777 "$reports"  # processes in a user namespace report too
trap 'rm -rf "$reports"' EXIT
# halt_on_error: the first report ends the process with a failure exit, so
# the test sees it. Leak checking stays on for the runtime's own exits; the
# container child leaves by execve or _exit, which LSan does not look at.
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=0}:log_path=$reports/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}:log_path=$reports/ubsan"
status=0
(cd "$build" && ctest --output-on-failure "$@") || status=$?
end=$(date +%s)
for report in "$reports"/*; do
    [ -e "$report" ] || continue
    echo "run-sanitized: sanitizer report $(basename "$report"):"
    cat "$report"
    status=1
done
echo "run-sanitized: build $((built - start))s, tests $((end - built))s, total $((end - start))s"
exit $status
