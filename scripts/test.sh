#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to every test:
#   deps → Release build → throwaway PostgreSQL on a free port →
#   unit + integration tests (each DB test on SQLite and PostgreSQL) →
#   the SDK installed and used out of tree → OpenAPI lint with a standard
#   validator → the kernel's and the plugins' unit tests again under
#   AddressSanitizer + UBSan → a short run of every fuzz target.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${AGAPE_BUILD_DIR:-$root/build}
asan=${AGAPE_ASAN_BUILD_DIR:-$root/build-asan}
cd "$root"

step() { printf '\n== %s ==\n' "$*"; }
start=$(date +%s)

step "dependencies"
scripts/install-deps.sh

step "build (Release)"
t0=$(date +%s)
scripts/build.sh "$build" -DAGAPE_TESTS=ON -DAGAPE_BENCH=ON
echo "build took $(( $(date +%s) - t0 )) s"

step "PostgreSQL"
pgdir=$(mktemp -d /tmp/agape-pg.XXXXXX)
trap 'scripts/pg-test-server.sh stop "$pgdir" >/dev/null 2>&1 || true' EXIT
AGAPE_TEST_PG_URL=$(scripts/pg-test-server.sh start "$pgdir")
export AGAPE_TEST_PG_URL
echo "PostgreSQL at $AGAPE_TEST_PG_URL"

step "independent JOSE implementation for the token cross-check (npm: jose)"
tests/jwt-check/install.sh "$build/jwt-check"

step "unit and integration tests"
export AGAPE_OPENAPI_OUT="$build/openapi.json"
rm -f "$AGAPE_OPENAPI_OUT"
ctest --test-dir "$build" --output-on-failure -j2 --timeout 300

step "SDK installed and used out of tree"
scripts/check-sdk.sh "$build"

step "OpenAPI document lint (@redocly/cli): the test server's and the embedded default's (every plugin)"
test -s "$AGAPE_OPENAPI_OUT"
scripts/openapi-of-default.sh "$build" > "$build/openapi-default.json"
npx --yes @redocly/cli@2.77.0 lint --format=stylish "$AGAPE_OPENAPI_OUT" "$build/openapi-default.json"

step "unit tests under AddressSanitizer + UBSan: the kernel's, auth's and payments' (AGAPE_ASAN_ALL=1: every plugin's)"
t0=$(date +%s)
# Unoptimised with line tables: what the sanitizers' reports need, and
# about a third less compile time than -O1 -g (the tests run a minute or two).
cmake -S "$root" -B "$asan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O0 -g1" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O0 -g1" -DAGAPE_SANITIZE=ON -DAGAPE_BENCH=OFF >/dev/null
# The kernel's unit tests and those of the plugins that guard accounts and
# money (auth, payments): a cold sanitizer build of every plugin's tests
# would take CI past its 40 minutes. AGAPE_ASAN_ALL=1 runs every binary of
# the tests labelled "unit" (the kernel's, each plugin's); their database
# cases run on SQLite and on the PostgreSQL above.
if [[ "${AGAPE_ASAN_ALL:-0}" == 1 ]]; then
  mapfile -t unit_tests < <(ctest --test-dir "$build" -N -V -L unit |
    sed -n 's|^[0-9]*: Test command: .*/bin/\([^ /]*\) .*|\1|p' | sort -u)
else
  unit_tests=(kernel_tests auth_tests payments_tests)
fi
((${#unit_tests[@]} > 1)) || { echo "no unit test binaries found in $build" >&2; exit 1; }
echo "${unit_tests[*]}"
ninja -C "$asan" -j"${AGAPE_JOBS:-2}" "${unit_tests[@]}"
echo "sanitizer build took $(( $(date +%s) - t0 )) s"
for t in "${unit_tests[@]}"; do
  t1=$(date +%s)
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$asan/bin/$t" --gtest_brief=1
  echo "$t took $(( $(date +%s) - t1 )) s under the sanitizers"
done
echo "sanitizer build and run took $(( $(date +%s) - t0 )) s"

step "fuzz targets (libFuzzer, ${AGAPE_FUZZ_SECONDS:-10} s each)"
scripts/fuzz.sh "${AGAPE_FUZZ_SECONDS:-10}"

step "all tests passed in $(( $(date +%s) - start )) s"
