#!/bin/sh
# CTest's bench.quick: bench/run.sh --quick into a temporary directory (CI
# never rewrites the committed results); passes when it finishes and writes
# a table, a CSV and a chart. Never judges a number.
set -u
out=$(mktemp -d /tmp/crun-lite-bench-out.XXXXXX)
bash "$(dirname "$0")/run.sh" --quick --out "$out" > "$out/stdout.txt"
rc=$?
cat "$out/stdout.txt"
if [ "$rc" = 0 ]; then
    grep -q '^| crun-lite |' "$out"/bench-*.md || { echo "no crun-lite row in the table"; rc=1; }
    ls "$out"/bench-*.csv "$out"/bench-*.svg >/dev/null || rc=1
fi
rm -rf "$out"
exit "$rc"
