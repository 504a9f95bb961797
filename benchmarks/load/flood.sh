#!/usr/bin/env bash
# The rate limiter under a flood of distinct client addresses: requests per
# second of a rate-limited route (GET /v1/hello/ada) from 64 known clients on
# a fresh server, then a flood of FLOOD requests each from a new address
# (X-Forwarded-For, trusted here), then the 64 known clients again. Prints
# both rates, their ratio and the server's resident memory before and after.
#
#   benchmarks/load/flood.sh [--build DIR] [--flood 1000000] [--duration 10s]
#
# Needs wrk, curl and a build with agape and the hello plugin.
set -euo pipefail
die() { echo "flood.sh: $*" >&2; exit 1; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=benchmarks/load/lib.sh
source "$root/benchmarks/load/lib.sh"
start_timeout=30
build=$root/build
flood=1000000
duration=10s
while (($#)); do
  case "$1" in
    --build) build=${2:?}; shift 2 ;;
    --flood) flood=${2:?}; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
for tool in wrk curl; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
[[ -x $build/bin/agape && -f $build/lib/libagape_hello.so ]] || die "missing agape or the hello plugin in $build"

work=$(mktemp -d "${TMPDIR:-/tmp}/agape-flood.XXXXXX")
pid=""
trap '[[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
port=$(free_port)
cat >"$work/agape.yaml" <<YAML
environment: development
dataDir: $work/data
server:
  host: 127.0.0.1
  port: $port
  trustForwardedFor: true
  rateLimits:
    # Never refused, and each address's bucket stays for ten minutes (it is
    # not full again before): the limiter must hold every one of them.
    default: {requests: 1, per: 600s, burst: 1000000000}
database:
  url: sqlite://$work/data/agape.db
logging: {level: warn, accessLog: false}
plugins:
  paths: [$build/lib]
  migrationPaths: [$work/migrations]
  enabled: [hello]
YAML
"$build/bin/agape" serve --config "$work/agape.yaml" >"$work/server.log" 2>&1 &
pid=$!
wait_ready agape "$pid" "http://127.0.0.1:$port/healthz" "$work/server.log" || exit 1

url=http://127.0.0.1:$port
rss() { awk '/^VmRSS/ {print int($2 / 1024) " MB"}' "/proc/$pid/status"; }
known() { CLIENTS=fixed wrk -t2 -c64 -d"$duration" --latency -s "$root/benchmarks/load/clients.lua" "$url" >"$work/$1"; parse_wrk "$work/$1"; }

CLIENTS=fixed wrk -t2 -c64 -d2s -s "$root/benchmarks/load/clients.lua" "$url" >/dev/null  # warm-up
rss_before=$(rss)
read -r before p99_before _ < <(known before.txt)
# The flood: wrk runs until at least $flood requests have been sent.
sent=0
run=0
while ((sent < flood)); do
  OFFSET=$((run * 16777216)) CLIENTS=distinct wrk -t2 -c64 -d10s -s "$root/benchmarks/load/clients.lua" "$url" >"$work/flood.txt"
  n=$(awk '/requests in/ {print $1}' "$work/flood.txt")
  sent=$((sent + n))
  run=$((run + 1))
  echo "flood: $sent distinct-client requests so far"
done
rss_after=$(rss)
read -r after p99_after _ < <(known after.txt)
printf 'known clients, fresh server:        %8.0f req/s  p99 %s ms  RSS %s\n' "$before" "$p99_before" "$rss_before"
printf 'known clients, after %d others: %8.0f req/s  p99 %s ms  RSS %s\n' "$sent" "$after" "$p99_after" "$rss_after"
awk -v a="$after" -v b="$before" 'BEGIN { printf "ratio after/before: %.2f\n", a / b }'
