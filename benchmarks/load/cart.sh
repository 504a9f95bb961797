#!/usr/bin/env bash
# Cart load benchmark: the demo catalogue with demo stock, N guest carts of
# one line each, then wrk against one server: GET /healthz (the kernel's
# floor), GET /v1/cart, PATCH /v1/cart/items/:id (a write: row lock, stock
# check, repricing) and GET /v1/cart/totals, each request on a random cart.
# Targets alternate per round; prints median req/s and p99 per target and
# the ratio to /healthz from the same run.
#
#   benchmarks/load/cart.sh [--db sqlite|postgresql] [--pg-url URL] [--build DIR]
#                           [--carts 500] [--duration 10s] [--connections 64]
#                           [--threads 2] [--repeat 3] [--warmup 2s] [--out DIR]
#
# --db postgresql without --pg-url starts a throwaway PostgreSQL
# (scripts/pg-test-server.sh). Needs wrk and curl, and a build with agape and
# the catalog, inventory and cart plugins.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=benchmarks/load/lib.sh
source "$root/benchmarks/load/lib.sh"
scenario_defaults
carts=500

while (($#)); do
  scenario_option "$@"
  if ((taken)); then shift "$taken"; continue; fi
  case "$1" in
    --carts) carts=${2:?}; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "cart.sh: unknown argument: $1" >&2; usage 2 >&2 ;;
  esac
done
[[ $repeat =~ ^[1-9][0-9]*$ && $carts =~ ^[1-9][0-9]*$ ]] || die "--repeat and --carts are positive integers"
build=$(cd "$build" && pwd) || die "no build directory"
agape_bin=$build/bin/agape
[[ -x $agape_bin ]] || die "missing $agape_bin"
for p in catalog inventory cart demo; do [[ -f $build/lib/libagape_$p.so ]] || die "missing $build/lib/libagape_$p.so"; done
for tool in wrk curl python3; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

work=$(mktemp -d "${TMPDIR:-/tmp}/agape-cart-load.XXXXXX")
server_pid=""
scenario_stop() {
  if [[ -n $server_pid ]]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
}
scenario_traps

scenario_database

port=$(free_port)
{
  scenario_config "catalog, inventory, cart, demo"
  cat <<YAML
demo:
  catalogue: true
  stock: true
cart:
  maxQuantityPerLine: 3
YAML
} >"$work/agape.yaml"

"$agape_bin" serve --config "$work/agape.yaml" --set "server.port=$port" >>"$work/server.log" 2>&1 </dev/null &
server_pid=$!
base="http://127.0.0.1:$port"
wait_ready server "$server_pid" "$base/healthz" "$work/server.log" || die "the server failed to start"

echo "creating $carts guest carts..." >&2
python3 - "$base" "$carts" >"$work/carts.txt" <<'PY' || die "could not prepare the carts"
import json, sys, urllib.request
base, n = sys.argv[1], int(sys.argv[2])
def call(method, path, body=None, headers=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
variants = []
page = 1
while len(variants) < 200:
    data = call("GET", f"/v1/products?page={page}&limit=100")["data"]
    if not data:
        break
    variants += [v["id"] for p in data for v in p["variants"] if (v.get("available") or 0) >= 3]
    page += 1
if not variants:
    sys.exit("no variant has 3 units in stock")
for i in range(n):
    cart = call("POST", "/v1/cart/items", {"variantId": variants[i % len(variants)], "quantity": 1})
    print(cart["cartToken"], cart["items"][0]["id"])
PY

names=(healthz get update totals)
labels=("GET /healthz" "GET /v1/cart" "PATCH /v1/cart/items/:id (quantity 1..3)" "GET /v1/cart/totals")
run_wrk() {  # run_wrk INDEX DURATION OUTFILE
  local name=${names[$1]}
  if [[ $name == healthz ]]; then
    wrk -t"$threads" -c"$connections" -d"$2" --latency "$base/healthz" >"$3" 2>&1 </dev/null
  else
    CARTS_FILE="$work/carts.txt" CART_MODE=$name \
      wrk -t"$threads" -c"$connections" -d"$2" --latency -s "$root/benchmarks/load/cart.lua" "$base" >"$3" 2>&1 </dev/null
  fi || { cat "$3" >&2; die "wrk failed against $name"; }
  kill -0 "$server_pid" 2>/dev/null || die "the server died during the run against $name"
}

echo
echo "cart: $carts guest carts of one line on $db (demo catalogue and stock)"
measure_targets
