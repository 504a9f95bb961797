#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for tests.
#
#   scripts/pg-test-server.sh start DIR   initialise and start (if not running), print the URL
#   scripts/pg-test-server.sh stop DIR    stop and remove DIR
#   scripts/pg-test-server.sh halt DIR [fast|immediate]
#                                         stop the server but keep DIR: a later
#                                         `start DIR` brings it back on the same
#                                         port (outage tests)
#
# The server listens on a free loopback port with trust authentication and
# fsync off: fast, insecure, disposable. Its processes keep freed memory
# instead of handing it back to the kernel after every query
# (GLIBC_TUNABLES, as docs/performance.md recommends for production: with
# glibc's defaults a backend page-faults its way back up on each search).
# `start` prints exactly one line,
# postgresql://postgres@127.0.0.1:<port>/agape_test, so it can be captured:
#   export AGAPE_TEST_PG_URL=$(scripts/pg-test-server.sh start /tmp/agape-pg)
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
DB_NAME=agape_test
# More server settings for `start`, e.g. "-c max_connections=20"; they
# win over the defaults below.
PG_EXTRA_OPTIONS=${PG_EXTRA_OPTIONS:-}
PG_GLIBC_TUNABLES=${PG_GLIBC_TUNABLES-glibc.malloc.trim_threshold=16777216:glibc.malloc.mmap_threshold=4194304}

usage() {
  echo "usage: $0 start|stop DIR, or $0 halt DIR [fast|immediate]" >&2
  exit 2
}

[[ $# -eq 2 || ( $# -eq 3 && $1 == halt ) ]] || usage
cmd=$1
[[ -n "$2" ]] || usage
dir=$(realpath -m -- "$2")  # absolute: the server runs elsewhere and gets it as its socket directory
[[ "$dir" != "/" ]] || usage
data="$dir/data"
portFile="$dir/port"

# initdb and postgres refuse to run as root, so they run as `postgres`.
asPostgres() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

freePort() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

isRunning() {
  [[ -f "$data/postmaster.pid" ]] && asPostgres "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
  mkdir -p "$dir"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$dir"
  fi
  if [[ ! -f "$data/PG_VERSION" ]]; then
    asPostgres "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }
  fi
  if ! isRunning; then
    # The port may be taken between probing and binding; try a few. A
    # halted server comes back on its own port, so clients can reconnect.
    local port previous=
    [[ -f "$portFile" ]] && previous=$(cat "$portFile")
    for _ in 1 2 3 4 5; do
      port=${previous:-$(freePort)}
      previous=
      if asPostgres env GLIBC_TUNABLES="$PG_GLIBC_TUNABLES" "$PG_BIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
          -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 $PG_EXTRA_OPTIONS" \
          start >/dev/null 2>&1; then
        echo "$port" >"$portFile"
        break
      fi
      port=
    done
    if [[ -z "$port" ]]; then
      echo "PostgreSQL did not start; see $dir/server.log" >&2
      tail -n 20 "$dir/server.log" >&2 || true
      exit 1
    fi
  fi
  port=$(cat "$portFile")
  local ready=
  for _ in $(seq 1 100); do
    if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port"; then ready=1; break; fi
    sleep 0.1
  done
  [[ -n "$ready" ]] || { echo "PostgreSQL on port $port is not ready" >&2; exit 1; }
  if [[ -z $("$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atq \
      -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'") ]]; then
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "$DB_NAME"
  fi
  echo "postgresql://postgres@127.0.0.1:$port/$DB_NAME"
}

stop() {
  if [[ -d "$data" ]] && isRunning; then
    asPostgres "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1
  fi
  rm -rf "$dir"
}

halt() {
  local mode=${1:-fast}
  [[ $mode == fast || $mode == immediate ]] || usage
  if [[ -d "$data" ]] && isRunning; then
    asPostgres "$PG_BIN/pg_ctl" -D "$data" -m "$mode" -w stop >/dev/null 2>&1
  fi
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  halt) halt "${3:-}" ;;
  *) usage ;;
esac
