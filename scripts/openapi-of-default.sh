#!/usr/bin/env bash
# Starts the server on the embedded default configuration (every plugin it
# enables) in a scratch data directory and prints its /openapi.json.
# Usage: scripts/openapi-of-default.sh BUILD_DIR > openapi.json
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
work=$(mktemp -d /tmp/agape-openapi.XXXXXX)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$build/bin/agape" serve --config "$root/config/agape.yaml" \
  --set server.port="$port" --set dataDir="$work/data" \
  --set database.url="sqlite://$work/data/agape.db" \
  --set plugins.paths="[$build/lib]" \
  --set auth.keysDir="$work/keys" --set logging.level=warn >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
curl -fs "http://127.0.0.1:$port/openapi.json"
