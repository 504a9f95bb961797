#!/usr/bin/env bash
# The rate limiter under a flood of distinct client addresses: requests per
# second of a rate-limited route (GET /v1/hello/ada) from 64 known clients on
# a fresh server, then a flood of FLOOD requests each from a new address
# (X-Forwarded-For, believed from loopback here), then the 64 known clients
# again. Prints both rates, the server's CPU time per request (steadier
# than the rate on a shared machine), their ratios and the server's
# resident memory.
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
    *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
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
  trustedProxies: [127.0.0.1/32]
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
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
# known FILE: prints "req/s p99-ms cpu-us-per-request".
known() {
  local t0 t1 n
  t0=$(cpu_ticks)
  CLIENTS=fixed wrk -t2 -c64 -d"$duration" --latency -s "$root/benchmarks/load/clients.lua" "$url" >"$work/$1"
  t1=$(cpu_ticks)
  n=$(awk '/requests in/ {print $1}' "$work/$1")
  read -r rps p99 _ < <(parse_wrk "$work/$1")
  echo "$rps $p99 $(awk -v d=$((t1 - t0)) -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", d / hz * 1e6 / n }')"
}

CLIENTS=fixed wrk -t2 -c64 -d2s -s "$root/benchmarks/load/clients.lua" "$url" >/dev/null  # warm-up
rss_before=$(rss)
read -r before p99_before cpu_before < <(known before.txt)
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
read -r after p99_after cpu_after < <(known after.txt)
printf 'known clients, fresh server:        %8.0f req/s  p99 %s ms  %s us CPU/request  RSS %s\n' \
  "$before" "$p99_before" "$cpu_before" "$rss_before"
printf 'known clients, after %d others: %8.0f req/s  p99 %s ms  %s us CPU/request  RSS %s\n' \
  "$sent" "$after" "$p99_after" "$cpu_after" "$rss_after"
awk -v a="$after" -v b="$before" -v ca="$cpu_after" -v cb="$cpu_before" \
  'BEGIN { printf "after/before: req/s %.2f, CPU per request %.2f\n", a / b, ca / cb }'
