# Shared by the load scenarios (run.sh, catalog.sh, cart.sh, checkout.sh,
# media.sh): ports, readiness, wrk output parsing and medians. Source it; the
# caller sets start_timeout, and may define die() and usage() before (else
# those below).

# The script's name on its errors; its opening comment as its help.
declare -F die >/dev/null || die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}
declare -F usage >/dev/null || usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
  exit "${1:-0}"
}

port_in_use() {
  if command -v ss >/dev/null; then
    [[ -n $(ss -Htan "( sport = :$1 )" 2>/dev/null) ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# A loopback port nobody listens on (or is connected from) right now.
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  die "no free loopback port found"
}

# wait_ready NAME PID URL LOG: polls URL until it answers 200; fails if the
# process exits or the timeout passes.
wait_ready() {
  local name=$1 pid=$2 url=$3 log=$4 deadline=$((SECONDS + start_timeout))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$(basename "$0"): $name exited during start-up; last lines of its output:" >&2
      tail -n 20 "$log" >&2 || true
      return 1
    fi
    if curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "$(basename "$0"): $name did not answer $url within ${start_timeout}s; last lines of its output:" >&2
  tail -n 20 "$log" >&2 || true
  return 1
}

# Latency as wrk prints it (850.00us, 5.20ms, 1.02s, 2.00m) in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    else if (u != "ms") { print "NaN"; exit }
    printf "%.3f", n }'
}

# parse_wrk FILE: prints "rps p99ms errors" (errors = non-2xx/3xx + socket errors).
parse_wrk() {
  local rps p99 non2xx sock
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$1")
  p99=$(awk '$1 == "99%" {print $2}' "$1")
  non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$1")
  sock=$(awk '/Socket errors:/ {gsub(/,/, ""); print $4 + $6 + $8 + $10}' "$1")
  [[ -n $rps && -n $p99 ]] || return 1
  echo "$rps $(to_ms "$p99") $((${non2xx:-0} + ${sock:-0}))"
}

median() {
  printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {
    if (NR == 0) { print "NaN"; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}


# measure_targets: the caller defines the arrays `names` and `labels`, the
# variables warmup, duration, repeat, threads, connections and work, and
# run_wrk INDEX DURATION OUTFILE. Warms every target up, then runs `repeat`
# rounds alternating the targets (so drift on a shared machine hits them
# alike), then prints median req/s, median p99 and the ratio to the first
# target. Fails when any request failed.
measure_targets() {
  local i r f rps p99 errs m_rps m_p99 first_rps="" ratio
  echo "warming up (${warmup} per target)..." >&2
  for i in "${!names[@]}"; do run_wrk "$i" "$warmup" "$work/warmup-${names[$i]}.txt"; done
  declare -A rps_of p99_of err_of
  for r in $(seq 1 "$repeat"); do
    for i in "${!names[@]}"; do
      f="$work/wrk-${names[$i]}-$r.txt"
      run_wrk "$i" "$duration" "$f"
      read -r rps p99 errs < <(parse_wrk "$f") || die "cannot parse wrk output $f"
      rps_of[$i]+="$rps "
      p99_of[$i]+="$p99 "
      err_of[$i]=$((${err_of[$i]:-0} + errs))
      printf '  run %d/%d  %-45s %9.0f req/s  p99 %8.2f ms\n' "$r" "$repeat" "${labels[$i]}" "$rps" "$p99" >&2
    done
  done
  echo "wrk -t$threads -c$connections -d$duration --latency, $repeat runs per target (median)"
  printf '%-45s %10s %9s %14s %7s\n' target "req/s" "p99 ms" "vs ${labels[0]#* }" errors
  for i in "${!names[@]}"; do
    # shellcheck disable=SC2086  # the space-separated samples are meant to split
    m_rps=$(median ${rps_of[$i]})
    # shellcheck disable=SC2086
    m_p99=$(median ${p99_of[$i]})
    [[ -z $first_rps ]] && first_rps=$m_rps
    # Two decimals, or two significant digits below 0.1 (an upload next to /healthz).
    ratio=$(awk -v a="$m_rps" -v b="$first_rps" 'BEGIN { r = a / b; printf (r >= 0.1 ? "%.2f" : "%.2g"), r }')
    printf '%-45s %10.0f %9.2f %14s %7d\n' "${labels[$i]}" "$m_rps" "$m_p99" "$ratio" "${err_of[$i]:-0}"
  done
  for i in "${!names[@]}"; do ((${err_of[$i]:-0} == 0)) || die "some requests failed; the figures are not clean"; done
}

# Defaults and options shared by the database scenarios (catalog.sh,
# cart.sh). scenario_defaults sets them; scenario_option "$@" takes one
# shared option off the front of the arguments and sets `taken` to how many
# words it used (0 when the option is not a shared one).
scenario_defaults() {
  build="$root/build"
  db=sqlite
  pg_url=""
  duration=10s
  connections=64
  threads=2
  repeat=3
  warmup=2s
  out_dir=""
  start_timeout=30
}
scenario_option() {
  taken=2
  case "$1" in
    --db) db=${2:?--db needs sqlite or postgresql} ;;
    --pg-url) pg_url=${2:?--pg-url needs a URL} ;;
    --build) build=${2:?--build needs a directory} ;;
    --duration) duration=${2:?} ;;
    --connections) connections=${2:?} ;;
    --threads) threads=${2:?} ;;
    --repeat) repeat=${2:?} ;;
    --warmup) warmup=${2:?} ;;
    --out) out_dir=${2:?} ;;
    *) taken=0 ;;
  esac
}

# scenario_database: with db, pg_url and work set, sets db_url, starting a
# throwaway PostgreSQL (scripts/pg-test-server.sh) when --db postgresql came
# without --pg-url; scenario_cleanup stops it and keeps `work` in --out.
scenario_database() {
  [[ $db == sqlite || $db == postgresql ]] || die "--db is sqlite or postgresql"
  pg_dir=""
  if [[ $db == postgresql ]]; then
    if [[ -z $pg_url ]]; then
      # Outside the work directory: the server runs as the postgres user.
      pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/agape-load-pg.XXXXXX")
      pg_url=$("$root/scripts/pg-test-server.sh" start "$pg_dir")
    fi
    db_url=$pg_url
  else
    mkdir -p "$work/db"
    db_url="sqlite://$work/db/agape.db"
  fi
}
# scenario_config PLUGINS: the configuration the database scenarios share
# (loopback, two I/O threads, rate limits out of the way, no access log,
# db_url, the build's plugins with the source tree's migrations, PLUGINS
# enabled, e.g. "catalog, cart"), for the caller to follow with its
# plugins' sections. The port comes with --set server.port=PORT.
scenario_config() {
  cat <<YAML
# Generated by benchmarks/load/$(basename "$0")
server:
  host: 127.0.0.1
  ioThreads: 2
  rateLimits:
    default: {requests: 1000000000, per: 1s, burst: 1000000000}
logging:
  accessLog: false
  level: warn
database:
  url: $db_url
plugins:
  paths: [$build/lib]
  migrationPaths: [$root/migrations]
  enabled: [$1]
YAML
}
# scenario_server NAME PORT SETS...: `agape serve` on $work/agape.yaml and
# PORT with extra --set options, its output in $work/NAME.log; waits until it
# answers, records its pid in server_pid and in pids (for scenario_stop).
scenario_server() {
  local name=$1 port=$2
  shift 2
  "$agape_bin" serve --config "$work/agape.yaml" --set "server.port=$port" "$@" >>"$work/$name.log" 2>&1 </dev/null &
  server_pid=$!
  pids+=("$server_pid")
  wait_ready "$name" "$server_pid" "http://127.0.0.1:$port/healthz" "$work/$name.log" || die "$name failed to start"
}
# scenario_stop: ends every process in `pids` (TERM, then waits), the ones
# scenario_server started among them. A scenario with other processes to
# stop defines its own after sourcing this file.
pids=()
scenario_stop() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
# scenario_traps: on exit, INT or TERM, runs scenario_stop, then
# scenario_cleanup, keeping the exit status.
scenario_traps() {
  trap scenario_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
scenario_exit() {
  local rc=$?
  trap - EXIT
  trap '' INT TERM  # a second Ctrl-C must not cut the clean-up short
  scenario_stop
  scenario_cleanup
  exit "$rc"
}
scenario_cleanup() {
  if [[ -n ${pg_dir:-} ]]; then "$root/scripts/pg-test-server.sh" stop "$pg_dir" >/dev/null 2>&1 || true; fi
  if [[ -n $out_dir ]]; then mkdir -p "$out_dir" && cp -r "$work"/. "$out_dir"/ 2>/dev/null; fi
  rm -rf "$work"
}
