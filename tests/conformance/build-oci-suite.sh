#!/bin/bash
# Builds the OCI runtime validation suite (runtime-tools, vendored unmodified
# in ../shared/oci-runtime-tools) offline with Debian's Go, once: a copy in
# a scratch dir (the shared copy is read-only), `make tool runtimetest
# validation-executables` with -mod=vendor and no module proxy. Prints the
# suite's directory, or with `tool` the path of oci-runtime-tool.
#   OCI_SUITE_SRC   where the suite is (default ../shared/oci-runtime-tools,
#                   then /work/shared/oci-runtime-tools)
#   OCI_SUITE_WORK  where it is built (default build/oci-suite); reused
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# The workplace keeps it beside the checkout (../shared); a clone elsewhere
# finds it at the workplace's fixed path.
src=${OCI_SUITE_SRC:-}
if [ -z "$src" ]; then
    for candidate in "$top/../shared/oci-runtime-tools" /work/shared/oci-runtime-tools; do
        [ -d "$candidate/validation" ] && { src=$candidate; break; }
    done
fi
work=$(mkdir -p "${OCI_SUITE_WORK:-$top/build/oci-suite}" && cd "${OCI_SUITE_WORK:-$top/build/oci-suite}" && pwd)
suite=$work/src

[ -d "${src:-/nonexistent}/validation" ] || {
    echo "build-oci-suite: no validation suite in $top/../shared/oci-runtime-tools or /work/shared (set OCI_SUITE_SRC)" >&2
    exit 2
}
command -v go >/dev/null || { echo "build-oci-suite: go is not installed (Debian: golang-go)" >&2; exit 2; }
stamp="tool+runtimetest+validation $(cat "$src/SOURCE.md" "$src/go.sum" 2>/dev/null | cksum)"
mkdir -p "$work"
# One build at a time: two tests may ask for it together.
exec 9>"$work/.lock"
flock 9
if [ ! -f "$work/built" ] || [ "$(cat "$work/built")" != "$stamp" ]; then
    rm -rf "$suite" "$work/built"
    cp -a "$src" "$suite" && chmod -R u+w "$suite"
    echo "building the validation suite in $suite" >&2
    if ! (cd "$suite" && GOFLAGS=-mod=vendor GOPROXY=off GOCACHE=$work/gocache GOPATH=$work/gopath \
            make tool runtimetest validation-executables >"$work/build.log" 2>&1); then
        tail -20 "$work/build.log" >&2
        echo "build-oci-suite: the suite does not build (log: $work/build.log)" >&2
        exit 2
    fi
    echo "$stamp" > "$work/built"
fi
if [ "${1:-}" = tool ]; then echo "$suite/oci-runtime-tool"; else echo "$suite"; fi
