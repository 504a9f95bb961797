#!/usr/bin/env bash
# Catalogue load benchmark: a deterministic 10,000-product catalogue
# (`agape seed bench`), then wrk against one server: GET /healthz (the
# kernel's floor), the first product page and one product's detail (warm
# cache), and search on two more servers on the same database with the
# response cache off, so every search runs its query: one with the
# database's full-text search, one with the embedded Xapian index; each
# answers "dress" and a two-word query with filters (the Xapian one with
# every facet counted). Targets alternate per round; prints median req/s
# and p99 per target and the ratio to /healthz from the same run, then the
# index's build time, size on disk and the server's RSS.
#
#   benchmarks/load/catalog.sh [--db sqlite|postgresql] [--pg-url URL] [--build DIR]
#                              [--products 10000] [--duration 10s] [--connections 64]
#                              [--threads 2] [--repeat 3] [--warmup 2s] [--out DIR]
#
# --db postgresql without --pg-url starts a throwaway PostgreSQL
# (scripts/pg-test-server.sh). Needs wrk and curl, and a build with agape and
# lib/libagape_catalog.so.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=benchmarks/load/lib.sh
source "$root/benchmarks/load/lib.sh"
scenario_defaults
products=10000

while (($#)); do
  scenario_option "$@"
  if ((taken)); then shift "$taken"; continue; fi
  case "$1" in
    --products) products=${2:?}; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "catalog.sh: unknown argument: $1" >&2; usage 2 >&2 ;;
  esac
done
[[ $repeat =~ ^[1-9][0-9]*$ && $products =~ ^[1-9][0-9]*$ ]] || die "--repeat and --products are positive integers"
build=$(cd "$build" && pwd) || die "no build directory"
agape_bin=$build/bin/agape
[[ -x $agape_bin ]] || die "missing $agape_bin"
for p in catalog demo; do [[ -f $build/lib/libagape_$p.so ]] || die "missing $build/lib/libagape_$p.so"; done
for tool in wrk curl; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

work=$(mktemp -d "${TMPDIR:-/tmp}/agape-catalog-load.XXXXXX")
scenario_traps

scenario_database

{
  scenario_config "catalog, demo"
  cat <<YAML
dataDir: $work/data
demo:
  catalogue: false
YAML
} >"$work/agape.yaml"

echo "seeding $products products into $db..." >&2
"$agape_bin" seed bench --products "$products" --config "$work/agape.yaml" >&2 ||
  die "seeding failed (is the database empty?)"

cached_port=$(free_port)
scenario_server cached "$cached_port"
uncached_port=$(free_port)
while [[ $uncached_port == "$cached_port" ]]; do uncached_port=$(free_port); done
scenario_server uncached "$uncached_port" --set catalog.cacheTtl=0s --set catalog.search.engine=database
database_pid=$server_pid
xapian_port=$(free_port)
while [[ $xapian_port == "$cached_port" || $xapian_port == "$uncached_port" ]]; do xapian_port=$(free_port); done
scenario_server xapian "$xapian_port" --set catalog.cacheTtl=0s --set catalog.search.engine=xapian
xapian_pid=$server_pid

base="http://127.0.0.1:$cached_port"
slug=$(curl -fsS "$base/v1/products?page=1&limit=20" | grep -o '"slug":"[^"]*"' | sed -n 2p | cut -d'"' -f4)
[[ -n $slug ]] || die "no product slug found in the first page"
search_hits=$(curl -fsS "http://127.0.0.1:$uncached_port/v1/products/search?q=dress&limit=1" |
  grep -o '"total":[0-9]*' | cut -d: -f2)

filtered="q=red%20dress&category=bench-women&minPrice=1000000&size=M"
facets="facets=category,size,color,price,inStock"
names=(healthz list detail search search_xapian filtered filtered_xapian)
urls=("$base/healthz" "$base/v1/products?page=1&limit=20" "$base/v1/products/$slug"
      "http://127.0.0.1:$uncached_port/v1/products/search?q=dress"
      "http://127.0.0.1:$xapian_port/v1/products/search?q=dress"
      "http://127.0.0.1:$uncached_port/v1/products/search?$filtered"
      "http://127.0.0.1:$xapian_port/v1/products/search?$filtered&$facets")
labels=("GET /healthz" "GET /v1/products?page=1&limit=20 (warm)" "GET /v1/products/:slug (warm)"
        "search q=dress, database" "search q=dress, xapian"
        "search red dress + 3 filters, database" "search red dress + 3 filters + 5 facets, xapian")

run_wrk() {  # run_wrk INDEX DURATION OUTFILE
  wrk -t"$threads" -c"$connections" -d"$2" --latency "${urls[$1]}" >"$3" 2>&1 </dev/null || {
    cat "$3" >&2
    die "wrk failed against ${urls[$1]}"
  }
  local pid
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || die "a server died during the run against ${urls[$1]}"; done
}

echo
echo "catalogue: $products products ($((products * 3)) variants) on $db; \"dress\" matches $search_hits"
curl -fsS "http://127.0.0.1:$xapian_port/metrics" | grep -E '^agape_catalog_search_(build_seconds|products) ' |
  sed 's/^/xapian index at start: /' || true
measure_targets
echo "xapian server: RSS $(awk '/^VmRSS/ {print $2, $3}' "/proc/$xapian_pid/status"), index on disk $(du -sh "$work/data/catalog-search/$xapian_pid" | cut -f1)"
echo "database-search server: RSS $(awk '/^VmRSS/ {print $2, $3}' "/proc/$database_pid/status")"
