#!/usr/bin/env bash
# The database's share of an uncached catalogue search, without the server:
# pgbench runs the search transaction as the catalogue sends it (BEGIN READ
# ONLY; the ranked page; the total; the page's variants; COMMIT), prepared,
# with the same parameters, from CLIENTS closed-loop clients. What it
# prints is a floor for `benchmarks/load/catalog.sh`'s search row on the
# same machine: no server can answer faster than its database does.
# The statements follow plugins/catalog/src/product_reader.cpp.
#
#   benchmarks/sql/search_floor.sh PG_URL [--clients 64] [--threads 2] [--duration 10] [--q dress]
#
# Needs pgbench and psql, and a catalogue (`agape seed bench --products 10000`).
set -euo pipefail

url=${1:?usage: search_floor.sh PG_URL [--clients N] [--threads N] [--duration S] [--q WORD]}
shift
clients=64
threads=2
duration=10
q=dress
while (($#)); do
  case "$1" in
    --clients) clients=${2:?}; shift 2 ;;
    --threads) threads=${2:?}; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    --q) q=${2:?}; shift 2 ;;
    *) echo "search_floor.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ $q =~ ^[a-z0-9]+$ ]] || { echo "search_floor.sh: --q is one lower-case word" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/agape-search-floor.XXXXXX")
trap 'rm -rf "$work"' EXIT

cols="p.id, p.slug, p.name, p.description, p.price, p.images, p.status, p.version, p.created_at, c.id AS category_id, c.slug AS category_slug, c.name AS category_name"
matches="WITH m AS MATERIALIZED (SELECT websearch_to_tsquery('english', :q) || to_tsquery('english', :prefix) AS q)"
page="$matches, top AS (SELECT s.product_id AS id, ts_rank(s.search, m.q) AS rank FROM m, catalog_search_index s WHERE s.search @@ m.q ORDER BY rank DESC, s.product_id COLLATE \"C\" LIMIT :lim OFFSET :off) SELECT $cols FROM top JOIN catalog_products p ON p.id = top.id JOIN catalog_categories c ON c.id = p.category_id ORDER BY top.rank DESC, p.id COLLATE \"C\""

# The first page's product ids, for the variants statement (the word is
# checked above, so it can be written into the query).
literal=$(echo "$page" | sed "s/:q\b/'$q'/; s/:prefix\b/'$q:*'/; s/:lim\b/20/; s/:off\b/0/")
mapfile -t ids < <(psql -X -At "$url" -c "SELECT id FROM ($literal) x")
((${#ids[@]} > 0)) || { echo "search_floor.sh: \"$q\" matches nothing (is the catalogue seeded?)" >&2; exit 1; }

in_list=""
defines=()
for i in "${!ids[@]}"; do
  in_list+="${in_list:+, }:id$i"
  defines+=(-D "id$i=${ids[$i]}")
done
cat >"$work/search.sql" <<SQL
BEGIN READ ONLY;
$page;
$matches SELECT COUNT(*) AS n FROM m, catalog_search_index s WHERE s.search @@ m.q;
SELECT v.id, v.product_id, v.sku, v.size, v.color, v.status, v.effective_price AS price, a.available FROM catalog_variants v LEFT JOIN catalog_availability a ON a.variant_id = v.id WHERE v.status = 'active' AND v.product_id IN ($in_list) ORDER BY v.product_id, v.position, v.sku;
COMMIT;
SQL

(cd "$work" && pgbench -n -M prepared -c "$clients" -j "$threads" -T "$duration" -l \
  -D q="$q" -D prefix="$q:*" -D lim=20 -D off=0 "${defines[@]}" -f search.sql "$url" >pgbench.txt 2>&1) || {
  cat "$work/pgbench.txt" >&2
  exit 1
}
tps=$(awk '/^tps/ { print $3; exit }' "$work/pgbench.txt")
cat "$work"/pgbench_log.* | awk '{ print $3 / 1000 }' | sort -n >"$work/latencies"
n=$(wc -l <"$work/latencies")
pct() { sed -n "$(((n * $1 + 99) / 100))p" "$work/latencies"; }
printf 'search "%s" transaction, PostgreSQL only (pgbench -M prepared -c %d -j %d -T %d)\n' "$q" "$clients" "$threads" "$duration"
printf '%10.0f tx/s   p50 %7.2f ms   p99 %7.2f ms   (%d transactions)\n' "$tps" "$(pct 50)" "$(pct 99)" "$n"
