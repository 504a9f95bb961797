# Shared by the load scenarios (run.sh, catalog.sh): ports, readiness,
# wrk output parsing and medians. Source it; the caller defines die() and
# start_timeout.

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

