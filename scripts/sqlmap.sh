#!/usr/bin/env bash
# SQL injection scan of the real server with sqlmap (Debian's package).
#
#   scripts/sqlmap.sh [--db sqlite|postgresql] [--quick] [--level N] [--risk N]
#                     [--jobs N] [--only REGEX] [--build DIR] [--out DIR]
#
# Starts `agape serve` on a free loopback port with the embedded default
# configuration (every plugin of config/agape.yaml, the demo catalogue) on a
# scratch SQLite file, or with --db postgresql on a throwaway PostgreSQL
# (scripts/pg-test-server.sh); rate limits are raised so sqlmap is not
# throttled. Creates an admin, a merchant, a customer and a spare account
# (`agape users create`), then scripts/sqlmap_scan.py reads the server's
# /openapi.json and runs sqlmap in batch mode on every route that takes a
# parameter: path parameters, query parameters and JSON body fields, each
# marked with `*`, with real ids where the path needs an existing object and
# a fresh bearer token of the role the route wants.
#
#   --quick      level 1, risk 1: the basic payloads of every technique
#   (default)    level 3, risk 2: more payloads and boundaries per technique
#   --only REGEX scan only the routes whose "METHOD /path" matches
#   --out DIR    keep the server log, the targets and sqlmap's output there
#
# Prints a summary (routes and parameters tested, findings, time) and exits
# 1 when sqlmap reports an injectable parameter, when a marked parameter was
# not tested, when the server answered 5xx (its log is kept with --out), or
# when it died. Not run by CI (scripts/test.sh): about 4 minutes on SQLite
# and 7 on PostgreSQL on two cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

die() {
  echo "sqlmap.sh: $*" >&2
  exit 1
}
usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
  exit "${1:-0}"
}

db=sqlite
quick=0
level=""
risk=""
jobs=2
only=""
build="$root/build"
out=""
while (($#)); do
  case "$1" in
    --db) db=${2:?--db needs sqlite or postgresql}; shift 2 ;;
    --quick) quick=1; shift ;;
    --level) level=${2:?}; shift 2 ;;
    --risk) risk=${2:?}; shift 2 ;;
    --jobs) jobs=${2:?}; shift 2 ;;
    --only) only=${2:?}; shift 2 ;;
    --build) build=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "sqlmap.sh: unknown argument: $1" >&2; usage 2 >&2 ;;
  esac
done
[[ $db == sqlite || $db == postgresql ]] || die "--db is sqlite or postgresql"
if ((quick)); then level=${level:-1}; risk=${risk:-1}; else level=${level:-3}; risk=${risk:-2}; fi
build=$(cd "$build" && pwd) || die "no build directory"
agape=$build/bin/agape
[[ -x $agape ]] || die "missing $agape (scripts/build.sh first)"

if ! command -v sqlmap >/dev/null; then
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  echo "installing sqlmap (Debian)" >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends sqlmap >/dev/null
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/agape-sqlmap.XXXXXX")
server_pid=""
pg_dir=""
cleanup() {
  local rc=$?
  trap - EXIT
  trap '' INT TERM
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ -n $pg_dir ]]; then "$root/scripts/pg-test-server.sh" stop "$pg_dir" >/dev/null 2>&1 || true; fi
  if [[ -n $out ]]; then mkdir -p "$out" && cp -r "$work"/. "$out"/ 2>/dev/null; fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ $db == postgresql ]]; then
  # Outside the work directory: the database runs as the postgres user.
  pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/agape-sqlmap-pg.XXXXXX")
  db_url=$("$root/scripts/pg-test-server.sh" start "$pg_dir")
  dbms=PostgreSQL
else
  db_url="sqlite://$work/data/agape.db"
  dbms=SQLite
fi
mkdir -p "$work/data"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
# The embedded default with everything local to this run; bcrypt at its
# cheapest because every route is scanned with a fresh login.
sets=(
  --set "server.port=$port" --set "dataDir=$work/data" --set "database.url=$db_url"
  --set "plugins.paths=[$build/lib]" --set "auth.keysDir=$work/keys" --set auth.bcryptCost=4
  --set "media.publicBaseUrl=$base" --set "payments.publicBaseUrl=$base"
  --set logging.level=warn --set logging.accessLog=false
  --set server.rateLimits.default.requests=1000000000 --set server.rateLimits.default.burst=1000000000
  --set server.rateLimits.auth.requests=1000000000 --set server.rateLimits.auth.per=1s
  --set server.rateLimits.auth.burst=1000000000
)
config=$root/config/agape.yaml

"$agape" serve --config "$config" "${sets[@]}" >"$work/server.log" 2>&1 </dev/null &
server_pid=$!
for _ in $(seq 1 600); do
  curl -fs -o /dev/null --max-time 1 "$base/readyz" && break
  kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$work/server.log" >&2; die "the server exited during start-up"; }
  sleep 0.2
done
curl -fs -o /dev/null --max-time 1 "$base/readyz" || { tail -n 30 "$work/server.log" >&2; die "the server is not ready"; }

password='Kente-weaver-2026!'
for who in admin merchant customer spare; do
  role=$who
  [[ $who == spare ]] && role=customer
  printf '%s\n' "$password" | "$agape" users create --config "$config" "${sets[@]}" \
    --email "$who@sqlmap.test" --password-stdin --role "$role" --first-name Scan --last-name "$who" \
    >>"$work/users.log" 2>&1 || { cat "$work/users.log" >&2; die "agape users create failed for $who"; }
done

rc=0
python3 "$root/scripts/sqlmap_scan.py" --base "$base" --password "$password" --dbms "$dbms" \
  --level "$level" --risk "$risk" --jobs "$jobs" \
  ${only:+--only "$only"} --work "$work" --server-pid "$server_pid" --label "$db" || rc=$?
exit "$rc"
