#!/usr/bin/env bash
# Checkout load benchmark: the write path from cart to paid order on a
# durable database. Setup (not measured): `agape seed bench` (N products of
# three variants), 1000 units of every variant (admin bulk adjustments),
# C customers each signed in with a cart of two lines, K more for the cart
# rows, L accounts with bcrypt cost 12 for the login row (the others use cost
# 4 so that setup takes minutes). Then one wrk run per row:
#   GET /healthz                        the floor
#   GET /v1/cart, PATCH /v1/cart/items/:id (quantity 1..3)   the K carts
#   POST /v1/auth/login                 bcrypt cost 12, at 4 connections
#   POST /v1/orders                     each request another customer's cart
#   POST /v1/payments/initialize        each request another pending order
#   POST /v1/payments/webhook           a signed charge.success per payment
# Between the rows, the customers and orders a row did not reach get their
# order or payment (not measured), so the next row has enough of them. A
# thread of wrk that runs out of customers sends no more; the row says "cut
# short", its req/s is over the time it had requests, and its backlog and
# drain count from wrk's end, so the queue had that tail to drain in.
# Per row: req/s, p50, p99, non-2xx, and on PostgreSQL transactions,
# statements, WAL bytes and WAL syncs per request, the backlog when the row
# ends (jobs due, and events a subscriber has not taken) and the seconds
# until none is left (at most 300), and the transactions per request
# including that drain (transactions: the COMMITs and ROLLBACKs
# pg_stat_statements counted); each row's statements,
# most called first, go to statements-<row>.txt in the work directory (kept
# with --out); checkout-floor-lean.sql is there to compare by hand. What
# the server does with no requests (job polls, cron) is printed above the
# table: it is in every row's figures, most visibly in the slow login row.
# Then checks (PASS/FAIL;
# any FAIL fails the script): an order per 201 (or request still in flight
# when wrk stopped: the server carries it out), paid orders = 200'd webhooks
# (likewise) = successful payments, every stock level equal to the sum of
# its movements, units reserved = units held, no dead job, no non-2xx. Last,
# on PostgreSQL, the database's floor: pgbench running checkout-floor.sql (the
# bare checkout transaction) on the same server (--no-floor skips it).
# At the defaults setup takes 3 to 6 minutes and the whole run 6 to 12.
# Invoices are rendered at their first request (orders.invoices.renderWhenPaid
# false), as a shop paid this fast would set it.
#
#   benchmarks/load/checkout.sh [--db postgresql|sqlite] [--pg-url URL] [--build DIR]
#                               [--products 10000] [--customers 6000] [--cart-customers 500]
#                               [--login-users 200] [--no-floor] [--duration 10s]
#                               [--connections 64] [--threads 2] [--out DIR]
#
# --db postgresql (the default) without --pg-url starts a throwaway PostgreSQL
# (scripts/pg-test-server.sh) with fsync, synchronous_commit and
# full_page_writes on, as in production, and pg_stat_statements. A --pg-url
# database must be empty, durable (else the script stops) and have
# pg_stat_statements preloaded. The counters of
# pg_stat_database and pg_stat_wal reach the view at most a second late, so
# a row's own figures may miss its last second; the drain column waits for
# them. --db sqlite prints n/a for them. --login-users 0 leaves login out.
# Access tokens live 24 h here, so no token expires during setup and rows.
# Needs wrk, curl, python3 and psql (pgbench for the floor), and a build
# with agape and the auth, catalog, inventory, cart, orders, payments and
# demo plugins.
set -euo pipefail
export LC_ALL=C  # sort and join agree; awk prints decimal points

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=benchmarks/load/lib.sh
source "$root/benchmarks/load/lib.sh"
scenario_defaults
db=postgresql
repeat=1
start_timeout=60
products=10000
customers=6000
cart_customers=500
login_users=200
floor=1

while (($#)); do
  scenario_option "$@"
  if ((taken)); then shift "$taken"; continue; fi
  case "$1" in
    --products) products=${2:?}; shift 2 ;;
    --customers) customers=${2:?}; shift 2 ;;
    --cart-customers) cart_customers=${2:?}; shift 2 ;;
    --login-users) login_users=${2:?}; shift 2 ;;
    --no-floor) floor=0; shift ;;
    -h | --help) usage 0 ;;
    *) echo "checkout.sh: unknown argument: $1" >&2; usage 2 >&2 ;;
  esac
done
for n in "$products" "$customers" "$cart_customers"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "--products, --customers and --cart-customers are positive integers"
done
[[ $login_users =~ ^[0-9]+$ ]] || die "--login-users is a number"
# Each write row uses its customers once: a second round would need others.
[[ $repeat == 1 ]] || die "one run per row: --repeat is not supported here"
build=$(cd "$build" && pwd) || die "no build directory"
agape_bin=$build/bin/agape
[[ -x $agape_bin ]] || die "missing $agape_bin"
for p in auth catalog inventory cart orders payments demo; do
  [[ -f $build/lib/libagape_$p.so ]] || die "missing $build/lib/libagape_$p.so"
done
for tool in wrk curl python3; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
if [[ $db == postgresql ]]; then
  command -v psql >/dev/null || die "psql is not installed"
  # pgbench -T takes whole seconds.
  ((floor == 0)) || [[ $duration =~ ^[1-9][0-9]*s$ ]] || die "--duration in whole seconds (e.g. 10s), or --no-floor"
  ((floor == 0)) || command -v pgbench >/dev/null || die "pgbench is not installed (or pass --no-floor)"
else
  floor=0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/agape-checkout-load.XXXXXX")
scenario_traps

# Durable, unlike the test server's defaults; the later -c wins.
export PG_EXTRA_OPTIONS="-c fsync=on -c synchronous_commit=on -c full_page_writes=on -c shared_preload_libraries=pg_stat_statements ${PG_EXTRA_OPTIONS:-}"
scenario_database
setup_py=$root/benchmarks/load/checkout_setup.py

# dbq SQL: the rows, tab-separated, on either database.
dbq() {
  if [[ $db == postgresql ]]; then
    psql "$db_url" -XAtq -F $'\t' -v ON_ERROR_STOP=1 -c "$1"
  else
    python3 -c 'import sqlite3, sys
for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("\t".join(map(str, r)))' "$work/db/agape.db" "$1"
  fi
}
if [[ $db == postgresql ]]; then
  [[ $(dbq "SHOW fsync") == on && $(dbq "SHOW synchronous_commit") == on && $(dbq "SHOW full_page_writes") == on ]] ||
    die "the PostgreSQL server is not durable (fsync, synchronous_commit, full_page_writes)"
  dbq "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
fi

{
  scenario_config "auth, catalog, inventory, cart, orders, payments, demo"
  cat <<YAML
environment: development
auth:
  keysDir: $work/keys
  generateKeys: true
  bcryptCost: 4
  accessTokenTtl: 24h
demo:
  catalogue: false
  stock: false
payments:
  provider: sandbox
YAML
} >"$work/agape.yaml"
agape() { "$agape_bin" "$@" --config "$work/agape.yaml"; }
# Invoices are rendered at their first request here, not at payment: at
# ~70 a second on one core (BM_RenderInvoice) the webhook row's thousands
# would take a core behind every later row and keep its drain from ending.
# (A build from before invoices were kept has no such key.)
cp "$work/agape.yaml" "$work/agape-invoices.yaml"
printf 'orders:\n  invoices:\n    renderWhenPaid: false\n' >>"$work/agape-invoices.yaml"
if "$agape_bin" config check --config "$work/agape-invoices.yaml" >/dev/null 2>&1; then
  mv "$work/agape-invoices.yaml" "$work/agape.yaml"
else
  rm -f "$work/agape-invoices.yaml"
fi

# serve NAME SETS...: the server at nice 5 (wrk and setup keep the rest of
# the machine), on a fresh port in `port`, its pid in server_pid.
serve() {
  local name=$1
  shift
  port=$(free_port)
  nice -n 5 "$agape_bin" serve --config "$work/agape.yaml" --set "server.port=$port" "$@" >>"$work/$name.log" 2>&1 </dev/null &
  server_pid=$!
  pids+=("$server_pid")
  wait_ready "$name" "$server_pid" "http://127.0.0.1:$port/healthz" "$work/$name.log" || die "$name failed to start"
  base="http://127.0.0.1:$port"
}
stop_server() {
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
}

t_setup=$SECONDS
agape migrate up >&2
echo "seeding $products products into $db..." >&2
agape seed bench --products "$products" >&2 || die "seeding the catalogue failed (is the database empty?)"
printf '%s\n' "Bench-Admin-Pass-2026!" | agape users create --email admin@example.ng --password-stdin --role admin >&2
dbq "SELECT id FROM catalog_variants ORDER BY id" >"$work/variants.txt"

if ((login_users > 0)); then
  # Registered by a server hashing at cost 12; logins check at the hash's cost.
  echo "registering $login_users accounts with bcrypt cost 12..." >&2
  serve login-setup --set auth.bcryptCost=12
  python3 "$setup_py" accounts "$base" "$login_users" login "$work/logins.txt" || die "registering the login accounts failed"
  stop_server
fi

serve server
echo "stocking $(wc -l <"$work/variants.txt") variants..." >&2
python3 "$setup_py" stock "$base" admin@example.ng "Bench-Admin-Pass-2026!" <"$work/variants.txt" || die "stocking failed"
echo "registering $customers customers and $cart_customers cart customers, each with a cart of two lines..." >&2
python3 "$setup_py" customers "$base" "$customers" shopper "$work/customers.txt" "$work/shopper-carts.txt" \
  <"$work/variants.txt" || die "preparing the customers failed"
python3 "$setup_py" customers "$base" "$cart_customers" cart "$work/cart-users.txt" "$work/carts.txt" \
  <"$work/variants.txt" || die "preparing the cart customers failed"

# Work due now: jobs (a build that writes a hold's expiry job has it wait
# 15 minutes: not counted) and, where events are a log
# (agape_event_cursors), the events a subscriber has not taken yet.
if [[ $db == postgresql ]]; then
  event_log=$(dbq "SELECT to_regclass('agape_event_cursors') IS NOT NULL")
else
  event_log=$(dbq "SELECT CASE WHEN count(*) > 0 THEN 't' ELSE 'f' END FROM sqlite_master
    WHERE type = 'table' AND name = 'agape_event_cursors'")
fi
jobs_due() {  # one query (one transaction: the drain's arithmetic counts them)
  local sql="SELECT (SELECT count(*) FROM agape_jobs WHERE status = 'running'
      OR (status = 'pending' AND run_at <= $(date +%s%3N)))"
  # Patterns are "a.b", "a.*" or "*"; substr and length are in both dialects.
  [[ $event_log == t ]] && sql+=" + (SELECT count(*) FROM agape_event_cursors c JOIN agape_events e
    ON (e.tx, e.seq) > (c.tx, c.seq) AND (c.pattern = '*' OR e.topic = c.pattern
      OR (substr(c.pattern, length(c.pattern) - 1) = '.*'
        AND substr(e.topic, 1, length(c.pattern) - 1) = substr(c.pattern, 1, length(c.pattern) - 1))))"
  dbq "$sql"
}
# wait_drained CAP: seconds until no job is due (CAP if never), in drain_s;
# the number of queries made in polls.
wait_drained() {
  local t0 now
  t0=$(date +%s.%N)
  polls=0
  drain_s=""
  while :; do
    polls=$((polls + 1))
    if [[ $(jobs_due) == 0 ]]; then
      ((polls > 1)) || { drain_s=0; return 0; }
      drain_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
      return 0
    fi
    now=$(date +%s.%N)
    if awk -v a="$t0" -v b="$now" -v c="$1" 'BEGIN { exit !(b - a >= c) }'; then drain_s=">$1"; return 0; fi
    sleep 0.2
  done
}
wait_drained 300
# The setup's writes leave autovacuum work that would land in the first
# rows: done now, with fresh planner statistics, in every build alike.
[[ $db == postgresql ]] && dbq "VACUUM ANALYZE" >/dev/null
echo "setup took $((SECONDS - t_setup)) s" >&2

# PostgreSQL counters: transactions, WAL position, WAL syncs, statements.
# Each psql call is a transaction itself: the callers subtract theirs.
pg_snapshot() {  # pg_snapshot [reset]
  local reset=""
  [[ ${1:-} == reset ]] && reset="pg_stat_statements_reset(),"
  dbq "SELECT $reset
      (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()),
      pg_current_wal_lsn(), (SELECT wal_sync FROM pg_stat_wal),
      (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND query NOT LIKE '%pg_stat%'),
      (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND query IN ('COMMIT', 'ROLLBACK'))" |
    awk -F'\t' -v r="$reset" '{ if (r != "") $1 = ""; print }'
}
per() { awk -v a="$1" -v n="$2" -v f="${3:-%.2f}" 'BEGIN { if (n > 0) printf f, a / n; else print "n/a" }'; }

declare -a rows_out
# row NAME LABEL CONNECTIONS [LINES_FILE MODE]: one wrk run, its figures in rows_out.
row() {
  local name=$1 label=$2 conns=$3 lines=${4:-} mode=${5:-} f="$work/wrk-$1.txt"
  local s0=() s1=() s2=() rps p50 p99 n secs non2xx sock tx stmt wal syncs txd queued cut=""
  ((conns >= threads)) || conns=$threads
  # The previous row's last second reaches pg_stat_database only now: wait
  # for it, or this row would count it.
  [[ $db == postgresql ]] && sleep 1.2 && read -r -a s0 < <(pg_snapshot reset)
  if [[ -z $mode ]]; then
    wrk -t"$threads" -c"$conns" -d"$duration" --latency "$base/healthz" >"$f" 2>&1 </dev/null
  else
    THREADS=$threads LINES_FILE=$lines CHECKOUT_MODE=$mode \
      wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$root/benchmarks/load/checkout.lua" "$base" >"$f" 2>&1 </dev/null
  fi || { cat "$f" >&2; die "wrk failed against $label"; }
  [[ $db == postgresql ]] && read -r -a s1 < <(pg_snapshot)
  # The row's statements, most called first (calls, ms in all, the text):
  # where its round trips go. In the work directory (--out keeps it).
  [[ $db == postgresql ]] && dbq "SELECT calls, round(total_exec_time::numeric, 1),
      left(regexp_replace(query, '\s+', ' ', 'g'), 240) FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND query NOT LIKE '%pg_stat%' ORDER BY calls DESC LIMIT 60" >"$work/statements-$name.txt"
  kill -0 "$server_pid" 2>/dev/null || die "the server died during $label"
  queued=$(jobs_due)
  wait_drained 300
  # Let the backends' counters reach pg_stat_database.
  [[ $db == postgresql ]] && sleep 1.2 && read -r -a s2 < <(pg_snapshot)

  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$f")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$f")")
  sock=$(awk '/Socket errors:/ {gsub(/,/, ""); print $4 + $6 + $8 + $10}' "$f")
  if grep -q '^checkout: answered' "$f"; then
    # Our own count and time: a thread out of lines stops sending before wrk ends.
    read -r n secs < <(awk '/^checkout: answered/ {print $3, $5}' "$f")
    rps=$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
    non2xx=$(awk '/^checkout: answered/ { t = 0; for (i = 10; i <= NF; i++) { split($i, p, "="); if (p[1] < 200 || p[1] > 299) t += p[2] } print t }' "$f")
    grep -q '^checkout: cut short' "$f" && cut=" (cut short)"
  else
    n=$(awk '/requests in/ {print $1}' "$f")
    rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$f")
    non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$f")
  fi
  non2xx=$((${non2xx:-0} + ${sock:-0}))
  if [[ $db == postgresql ]]; then
    # Transactions: the server's COMMITs and ROLLBACKs as pg_stat_statements
    # counts them when they end (every transaction of the server is
    # explicit; our psql calls are not). pg_stat_database's counters reach
    # the view only when a backend flushes them (up to seconds late), which
    # moved transactions between rows.
    tx=$(per "$((s1[4]))" "$n")
    stmt=$(per "$((s1[3]))" "$n" "%.1f")
    wal=$(per "$(dbq "SELECT pg_wal_lsn_diff('${s1[1]}', '${s0[1]}')")" "$n" "%.0f")
    syncs=$(per "$((s1[2] - s0[2]))" "$n")
    txd=$(per "$((s2[4]))" "$n")
  else
    tx=n/a stmt=n/a wal=n/a syncs=n/a txd=n/a
  fi
  rows_out+=("$(printf '%-42s %8s %8.1f %8.1f %7s %6s %7s %8s %7s %7s %7s %8s' \
    "$label" "$rps" "$p50" "$p99" "$non2xx" "$tx" "$stmt" "$wal" "$syncs" "$queued" "$drain_s" "$txd")$cut")
  printf '  %-42s %6s req/s  p99 %8.1f ms  non-2xx %s%s\n' "$label" "$rps" "$p99" "$non2xx" "$cut" >&2
  ((non2xx == 0)) || failed_rows+=("$label")
}
failed_rows=()
checks=()
check() {  # check DESCRIPTION ACTUAL EXPECTED
  if [[ $2 == "$3" ]]; then checks+=("PASS  $1 ($2)"); else checks+=("FAIL  $1 ($2, expected $3)"); fi
}
count_orders() { dbq "SELECT count(*) FROM orders_orders"; }
# answers_of NAME STATUS: how many answers of that status the row saw.
answers_of() {
  awk -v s="$2" '/^checkout: answered/ { n = 0; for (i = 10; i <= NF; i++) { split($i, p, "="); if (p[1] == s) n = p[2] } print n }' \
    "$work/wrk-$1.txt"
}
# in_flight NAME: requests sent and not answered when wrk stopped; the server
# still carries them out.
in_flight() { awk '/^checkout: answered/ { print $8 - $3 }' "$work/wrk-$1.txt"; }

# What the server does with no requests (job polls, cron): part of every row.
if [[ $db == postgresql ]]; then
  read -r -a s0 < <(pg_snapshot)
  sleep 5
  read -r -a s1 < <(pg_snapshot)
  idle_tx=$(per "$((s1[4] - s0[4]))" 5 "%.0f")
fi
echo "measuring (wrk -t$threads -c$connections -d$duration, one run per row)..." >&2
row healthz "GET /healthz" "$connections"
row cart "GET /v1/cart" "$connections" "$work/carts.txt" cart
row cart_update "PATCH /v1/cart/items/:id" "$connections" "$work/carts.txt" cart-update
if ((login_users > 0)); then
  row login "POST /v1/auth/login (bcrypt 12, c4)" 4 "$work/logins.txt" login
fi

orders_before=$(count_orders)
row orders "POST /v1/orders" "$connections" "$work/customers.txt" orders
orders_made=$(( $(count_orders) - orders_before ))
check "orders made = 201s of POST /v1/orders + requests in flight at wrk's end ($(in_flight orders))" \
  "$orders_made" "$(( $(answers_of orders 201) + $(in_flight orders) ))"

# The customers the row did not reach order now, for the next row.
dbq "SELECT user_id FROM orders_orders" | sort >"$work/ordered.txt"
sort "$work/customers.txt" | join -v1 - "$work/ordered.txt" | awk '{print $2}' >"$work/topup-orders.txt"
if [[ -s $work/topup-orders.txt ]]; then
  echo "  placing $(wc -l <"$work/topup-orders.txt") more orders for the next row (not measured)..." >&2
  python3 "$setup_py" orders "$base" <"$work/topup-orders.txt" || die "the orders between rows failed"
  wait_drained 300
fi
# token orderId, for every pending order of our customers
pending_orders() {
  dbq "SELECT o.user_id, o.id FROM orders_orders o WHERE o.status = 'pending'
       AND NOT EXISTS (SELECT 1 FROM payments_payments p WHERE p.order_id = o.id) ORDER BY o.created_at, o.id" |
    sort >"$work/pending.txt"
  sort "$work/customers.txt" | join - "$work/pending.txt" | awk '{print $2, $3}'
}
pending_orders >"$work/initialize.txt"
row initialize "POST /v1/payments/initialize" "$connections" "$work/initialize.txt" initialize
pending_orders >"$work/topup-initialize.txt"
if [[ -s $work/topup-initialize.txt ]]; then
  echo "  initializing $(wc -l <"$work/topup-initialize.txt") more payments for the next row (not measured)..." >&2
  python3 "$setup_py" initialize "$base" <"$work/topup-initialize.txt" || die "the payments between rows failed"
  wait_drained 300
fi
dbq "SELECT reference, amount, currency FROM payments_payments WHERE status = 'initialized' ORDER BY created_at, id" |
  python3 "$setup_py" webhooks sk_test_agape_sandbox >"$work/webhooks.txt"
row webhook "POST /v1/payments/webhook (charge.success)" "$connections" "$work/webhooks.txt" webhook

paid=$(dbq "SELECT count(*) FROM orders_orders WHERE status = 'paid'")
succeeded=$(dbq "SELECT count(*) FROM payments_payments WHERE status = 'success'")
check "paid orders = webhooks answered 200 + requests in flight at wrk's end ($(in_flight webhook))" \
  "$paid" "$(( $(answers_of webhook 200) + $(in_flight webhook) ))"
check "successful payments = paid orders" "$succeeded" "$paid"
check "stock levels whose on hand or reserved differ from the sum of their movements" "$(dbq "
  SELECT count(*) FROM inventory_levels l LEFT JOIN (
    SELECT variant_id, sum(on_hand_delta) AS on_hand, sum(reserved_delta) AS reserved
    FROM inventory_movements GROUP BY variant_id) m ON m.variant_id = l.variant_id
  WHERE l.on_hand <> coalesce(m.on_hand, 0) OR l.reserved <> coalesce(m.reserved, 0)")" 0
check "units reserved = units in active holds" "$(dbq "SELECT coalesce(sum(reserved), 0) FROM inventory_levels")" \
  "$(dbq "SELECT coalesce(sum(i.quantity), 0) FROM inventory_hold_items i JOIN inventory_holds h ON h.holder = i.holder
          WHERE h.status = 'active'")"
check "dead jobs" "$(dbq "SELECT count(*) FROM agape_jobs WHERE status = 'dead'")" 0
check "rows with a non-2xx answer or socket error" "${#failed_rows[@]}" 0

floor_tps=""
if ((floor)); then
  echo "the database's floor: pgbench, checkout-floor.sql..." >&2
  dbq "CREATE TABLE bench_variants AS SELECT row_number() OVER (ORDER BY l.variant_id) AS n, l.variant_id AS id,
         v.product_id, v.sku FROM inventory_levels l JOIN catalog_variants v ON v.id = l.variant_id;
       ALTER TABLE bench_variants ADD PRIMARY KEY (n); CREATE SEQUENCE bench_floor_orders" >/dev/null
  pgbench -n -f "$root/benchmarks/load/checkout-floor.sql" -D nv="$(dbq "SELECT count(*) FROM bench_variants")" \
    -c "$connections" -j "$threads" -T "${duration%s}" "$db_url" >"$work/pgbench-floor.txt" 2>&1 ||
    { cat "$work/pgbench-floor.txt" >&2; die "pgbench failed"; }
  floor_tps=$(awk '/^tps = / {printf "%.0f", $3}' "$work/pgbench-floor.txt")
fi

echo
echo "checkout: $products products, $customers customers with two-line carts, $cart_customers cart customers on $db"
[[ $db == postgresql ]] && echo "durable (fsync, synchronous_commit, full_page_writes on); $idle_tx transactions/s with no requests"
echo "wrk -t$threads -c$connections -d$duration, one run per row; tx/req+d: transactions per request including the backlog's drain"
printf '%-42s %8s %8s %8s %7s %6s %7s %8s %7s %7s %7s %8s\n' row "req/s" "p50 ms" "p99 ms" non-2xx tx/req stm/req "WAL B/req" \
  syncs/r "backlog" "drain s" "tx/req+d"
printf '%s\n' "${rows_out[@]}"
[[ -n $floor_tps ]] && printf "the database's floor (pgbench checkout-floor.sql, -c%s -j%s -T%s): %s tps\n" \
  "$connections" "$threads" "${duration%s}" "$floor_tps"
echo
printf '%s\n' "${checks[@]}"
if printf '%s\n' "${checks[@]}" | grep -q '^FAIL'; then die "some checks failed"; fi
