#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a while from its
# seed corpus. Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-20}
build=${AGAPE_FUZZ_BUILD_DIR:-$root/build-fuzz}
# -O1 with line tables: the usual libFuzzer build, and quicker to make.
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DAGAPE_FUZZ=ON -DAGAPE_TESTS=OFF -DAGAPE_BENCH=OFF >/dev/null
targets=$(cd "$root/tests/fuzz" && ls *_fuzz.cpp | sed 's/\.cpp$//')
ninja -C "$build" -j"${AGAPE_JOBS:-2}" $targets
for t in $targets; do
  corpus="$build/corpus/${t%_fuzz}"
  mkdir -p "$corpus"
  cp -n "$root/tests/fuzz/corpus/${t%_fuzz}/"* "$corpus/" 2>/dev/null || true
  echo "fuzzing $t for ${secs}s"
  rc=0
  # The outer timeout keeps a fuzzer that hangs on one input from hanging CI.
  timeout --kill-after=10 $((secs + 60)) "$build/bin/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$corpus" >"$build/$t.log" 2>&1 || rc=$?
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$build/$t.log" || true
  if [ "$rc" -ne 0 ]; then tail -40 "$build/$t.log"; exit "$rc"; fi
done
