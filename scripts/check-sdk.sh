#!/usr/bin/env bash
# Proves the SDK works out of tree: installs it to a temporary prefix, builds
# examples/hello-plugin and its tests against the INSTALLED package with
# find_package, runs those tests (the testing kit, agape::testing), and has
# the kernel load that library and serve its route.
# Usage: scripts/check-sdk.sh BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
work=$(mktemp -d /tmp/agape-sdk.XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$root/examples/hello-plugin" -B "$work/hello" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
ninja -C "$work/hello" >/dev/null
test -f "$work/hello/libagape_hello.so"
test -x "$work/hello/hello_tests" || { echo "hello_tests was not built (GoogleTest missing?)"; exit 1; }
"$work/hello/hello_tests" --gtest_brief=1 >"$work/hello-tests.log" 2>&1 || { cat "$work/hello-tests.log"; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/agape.yaml" <<YAML
dataDir: $work/data
server: {host: 127.0.0.1, port: $port}
database: {url: "sqlite://$work/data/agape.db"}
logging: {level: warn, accessLog: false}
plugins:
  paths: [$work/hello]
  migrationPaths: [$work/migrations]
  enabled: [hello]
hello: {greeting: Sannu}
YAML
"$build/bin/agape" serve --config "$work/agape.yaml" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.1
done
body=$(curl -fs "http://127.0.0.1:$port/v1/hello/Ada")
[ "$body" = '{"message":"Sannu, Ada!"}' ] || { echo "unexpected body: $body"; exit 1; }
curl -fs "http://127.0.0.1:$port/openapi.json" | grep -q '"/v1/hello/{name}"' || { echo "route missing from /openapi.json"; exit 1; }
kill -TERM "$server_pid"
wait "$server_pid"
server_pid=""
echo "SDK check: out-of-tree hello plugin and its tests built against the installed SDK, tested with the kit and served"
