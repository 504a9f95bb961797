#!/usr/bin/env bash
# Reports load benchmark: a year of history (`agape seed bench`, `seed
# customers`, `seed orders`), then wrk at 8 connections: GET /healthz (the
# floor), the dashboard's stats (the default 30 days and the previous 30), a
# daily trend over a year and the top products, each against a server with
# the report cache off (every request reads the model) and one with the
# default 10 s cache; then the sales CSV export of every order, streamed:
# bytes/s and the server's memory before and after. Prints the seeding and
# rebuild times, median req/s and p99 per target.
#
#   benchmarks/load/reports.sh [--db sqlite|postgresql] [--pg-url URL] [--build DIR]
#                              [--orders 100000] [--products 10000] [--customers 20000]
#                              [--duration 10s] [--connections 8] [--threads 2]
#                              [--repeat 3] [--warmup 2s] [--out DIR]
#
# --db postgresql without --pg-url starts a throwaway PostgreSQL
# (scripts/pg-test-server.sh). Needs wrk and curl, and a build with agape and
# the auth, catalog, inventory, cart, orders and admin plugins.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=benchmarks/load/lib.sh
source "$root/benchmarks/load/lib.sh"
scenario_defaults
connections=8
orders=100000
products=10000
customers=""
start_timeout=60

while (($#)); do
  scenario_option "$@"
  if ((taken)); then shift "$taken"; continue; fi
  case "$1" in
    --orders) orders=${2:?}; shift 2 ;;
    --products) products=${2:?}; shift 2 ;;
    --customers) customers=${2:?}; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "reports.sh: unknown argument: $1" >&2; usage 2 >&2 ;;
  esac
done
customers=${customers:-$((orders / 5))}
for n in "$repeat" "$orders" "$products" "$customers"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "--repeat, --orders, --products and --customers are positive integers"
done
build=$(cd "$build" && pwd) || die "no build directory"
agape_bin=$build/bin/agape
[[ -x $agape_bin ]] || die "missing $agape_bin"
for p in auth catalog inventory cart orders admin demo; do
  [[ -f $build/lib/libagape_$p.so ]] || die "missing $build/lib/libagape_$p.so"
done
for tool in wrk curl; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

work=$(mktemp -d "${TMPDIR:-/tmp}/agape-reports-load.XXXXXX")
scenario_traps
scenario_database

{
  scenario_config "auth, catalog, inventory, cart, orders, admin, demo"
  cat <<YAML
demo:
  catalogue: false
auth:
  keysDir: $work/keys
  generateKeys: true
  bcryptCost: 4
jobs:
  pollInterval: 100ms
YAML
} >"$work/agape.yaml"

agape() { "$agape_bin" "$@" --config "$work/agape.yaml"; }
seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

agape migrate up >&2
echo "seeding $products products, $customers customers and $orders orders into $db..." >&2
agape seed bench --products "$products" >&2 || die "seeding the catalogue failed (is the database empty?)"
agape seed customers --count "$customers" >&2
t0=$(date +%s.%N)
agape seed orders --count "$orders" --customers "$customers" >&2
seed_s=$(seconds_since "$t0")
printf '%s\n' "Bench-Admin-Pass-2026!" | agape users create --email admin@example.ng --password-stdin --role admin >&2

port=$(free_port)
t0=$(date +%s.%N)
scenario_server uncached "$port" --set admin.reportCacheTtl=0s
base="http://127.0.0.1:$port"
token=$(curl -fsS -H 'Content-Type: application/json' \
  -d '{"email":"admin@example.ng","password":"Bench-Admin-Pass-2026!"}' "$base/v1/auth/login" |
  grep -o '"accessToken":"[^"]*"' | cut -d'"' -f4)
[[ -n $token ]] || die "no access token for the admin"
auth=(-H "Authorization: Bearer $token")

# The server rebuilds its sales model from the seeded orders at start.
from=$(date -u -d '-367 days' +%F)
to=$(date -u -d '+1 day' +%F)
deadline=$((SECONDS + 1800))
until curl -fsS "${auth[@]}" "$base/v1/admin/dashboard/stats?from=$from&to=$to" | grep -q "\"orders\":$orders,"; do
  ((SECONDS < deadline)) || die "the sales model did not reach $orders orders"
  sleep 0.5
done
rebuild_s=$(seconds_since "$t0")
uncached_pid=$server_pid
cached_port=$(free_port)
while [[ $cached_port == "$port" ]]; do cached_port=$(free_port); done
scenario_server cached "$cached_port"
cached="http://127.0.0.1:$cached_port"
server_pid=$uncached_pid

year_from=$(date -u -d '-364 days' +%F)
names=(healthz stats stats-cached trends trends-cached top top-cached)
urls=("$base/healthz" "$base/v1/admin/dashboard/stats" "$cached/v1/admin/dashboard/stats"
      "$base/v1/admin/dashboard/trends?period=daily&from=$year_from"
      "$cached/v1/admin/dashboard/trends?period=daily&from=$year_from"
      "$base/v1/admin/dashboard/top-products?limit=10" "$cached/v1/admin/dashboard/top-products?limit=10")
labels=("GET /healthz" "GET .../dashboard/stats (30 days)" "  the same, 10 s report cache"
        "GET .../trends (daily, 365 points)" "  the same, 10 s report cache"
        "GET .../top-products (30 days, by units)" "  the same, 10 s report cache")
run_wrk() {  # run_wrk INDEX DURATION OUTFILE
  wrk -t"$threads" -c"$connections" -d"$2" --latency "${auth[@]}" "${urls[$1]}" >"$3" 2>&1 </dev/null || {
    cat "$3" >&2
    die "wrk failed against ${urls[$1]}"
  }
  local pid
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || die "a server died during the run against ${urls[$1]}"; done
}

echo
echo "reports: $orders orders of $customers customers over a year, $products products, on $db"
echo "seed orders: ${seed_s} s; server start to a rebuilt model: ${rebuild_s} s"
measure_targets

rss() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$server_pid/status"; }
# Heap (RssAnon) apart from the whole: SQLite maps its file (mmap_size), so
# reading every order shows the file's pages in VmRSS, reclaimable page cache.
before=$(rss VmRSS)
before_anon=$(rss RssAnon)
speeds=()
for r in $(seq 1 "$repeat"); do
  read -r size speed took code < <(curl -sS "${auth[@]}" -o "$work/sales.csv" \
    -w '%{size_download} %{speed_download} %{time_total} %{http_code}\n' \
    "$base/v1/admin/reports/sales/export?from=$from&to=$to")
  [[ $code == 200 ]] || die "the export answered $code"
  printf '  run %d/%d  sales export %6.1f MB/s\n' "$r" "$repeat" "$(awk -v v="$speed" 'BEGIN { print v / 1e6 }')" >&2
  speeds+=("$speed")
done
after=$(rss VmRSS)
after_anon=$(rss RssAnon)
rows=$(($(wc -l <"$work/sales.csv") - 1))
echo
awk -v s="$size" -v v="$(median "${speeds[@]}")" -v n="$repeat" -v r="$rows" -v b="$before" -v a="$after" \
  -v h="$(rss VmHWM)" -v ba="$before_anon" -v aa="$after_anon" 'BEGIN {
  printf "sales export: %d rows, %.1f MB, median of %d runs %.1f MB/s\n", r, s / 1e6, n, v / 1e6
  printf "server memory: heap (RssAnon) %.0f MB before, %.0f MB after; RSS %.0f MB before, %.0f MB after (peak %.0f MB)\n",
    ba / 1024, aa / 1024, b / 1024, a / 1024, h / 1024 }'
