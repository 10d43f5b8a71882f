#!/bin/sh
# Fuzzes the config parser and the shim's ttrpc/protobuf decoders with
# libFuzzer (clang, ASan + UBSan), SECONDS each:
#   tests/run-fuzz.sh [SECONDS]   (default 60)
# Builds tests/fuzz/parse_fuzzer and ttrpc_fuzzer into build-fuzz
# (FUZZ_BUILD_DIR overrides); the parser is seeded with tests/data/*-configs
# and the runtime-spec's schema test configs (CRUNLITE_OCI_SPEC_DIR, default
# ../shared/oci-runtime-spec), the decoders with tests/data/ttrpc-frames.
# New inputs go to temporary corpora; a crash leaves crash-* in build-fuzz
# and fails the script.
set -eu
seconds=${1:-60}
top=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$top/build-fuzz}
spec=${CRUNLITE_OCI_SPEC_DIR:-$top/../shared/oci-runtime-spec}

if ! command -v clang++ >/dev/null 2>&1 || [ -z "$(find /usr/lib/llvm-*/lib/clang -name 'libclang_rt.fuzzer-*.a' 2>/dev/null | head -1)" ]; then
    apt-get install -y --no-install-recommends clang libclang-rt-14-dev
fi

CXX=clang++ cmake -S "$top" -B "$build" -DCRUNLITE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target parse_fuzzer ttrpc_fuzzer -j"${JOBS:-2}"

corpus=$(mktemp -d /tmp/crun-lite-fuzz.XXXXXX)
frames=$(mktemp -d /tmp/crun-lite-fuzz-ttrpc.XXXXXX)
trap 'rm -rf "$corpus" "$frames"' EXIT
cp "$top"/tests/data/ttrpc-frames/* "$frames/"
for dir in "$top"/tests/data/*-configs "$spec/schema/test/config/good" "$spec/schema/test/config/bad"; do
    [ -d "$dir" ] || continue
    for f in "$dir"/*.json; do
        [ -f "$f" ] && cp "$f" "$corpus/$(basename "$dir")-$(basename "$f")"
    done
done
echo "run-fuzz: $(ls "$corpus" | wc -l) seeds, $seconds s"
cd "$build"
./tests/fuzz/parse_fuzzer -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$corpus"
echo "run-fuzz: ttrpc decoders, $(ls "$frames" | wc -l) seeds, $seconds s"
./tests/fuzz/ttrpc_fuzzer -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$frames"
