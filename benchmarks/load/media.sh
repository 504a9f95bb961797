#!/usr/bin/env bash
# Media load benchmark, local provider, as a merchant signed in through the
# auth plugin:
#  1. POST /v1/media/upload of a ~1 MiB photo-like JPEG (multipart/form-data,
#     one prebuilt body) with wrk at 8 connections, beside GET /healthz of
#     the same run; targets alternate per round; median uploads/s, p99 and
#     the ratio to /healthz. An upload's latency includes a full decode, a
#     400 px thumbnail, two fsync'd files and two transactions.
#  2. Memory: on a fresh server, rounds of 8 (--at-once) uploads of a
#     ~9.5 MiB JPEG at once (curl); the server's VmRSS every 20 ms and its
#     VmHWM give the peak; growth over the baseline against the bytes in
#     flight (8 × the file); the target is growth under 4× the bytes in
#     flight.
# The time per image of the decode and the thumbnail alone: agape_bench
# --benchmark_filter='Jpeg|Png|UploadForm' (benchmarks/media_bench.cpp).
#
#   benchmarks/load/media.sh [--db postgresql|sqlite] [--pg-url URL] [--build DIR]
#                            [--bytes 1048576] [--big-bytes 9961472] [--rss-rounds 5]
#                            [--at-once 8] [--duration 10s] [--connections 8] [--threads 2]
#                            [--repeat 3] [--warmup 2s] [--quick] [--out DIR]
#
# --quick is --duration 3s --warmup 1s --repeat 1 --rss-rounds 2 (well under a
# minute; options after it win). --db postgresql (the default) without
# --pg-url starts a throwaway PostgreSQL (scripts/pg-test-server.sh). Needs
# wrk, curl and python3, and a build with agape, the auth and media plugins
# and agape_media_sample (-DAGAPE_BENCH=ON). Stored images are deleted after
# every run; --out keeps the logs and wrk outputs, not the images.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=benchmarks/load/lib.sh
source "$root/benchmarks/load/lib.sh"
scenario_defaults
db=postgresql
connections=8
bytes=1048576
big_bytes=9961472  # 9.5 MiB
rss_rounds=5
concurrent=8
readonly max_upload=10485760  # media.maxUploadBytes: 10MiB

while (($#)); do
  scenario_option "$@"
  if ((taken)); then shift "$taken"; continue; fi
  case "$1" in
    --bytes) bytes=${2:?}; shift 2 ;;
    --big-bytes) big_bytes=${2:?}; shift 2 ;;
    --rss-rounds) rss_rounds=${2:?}; shift 2 ;;
    --at-once) concurrent=${2:?}; shift 2 ;;
    --quick) duration=3s; warmup=1s; repeat=1; rss_rounds=2; shift ;;
    -h | --help) usage 0 ;;
    *) echo "media.sh: unknown argument: $1" >&2; usage 2 >&2 ;;
  esac
done
for n in "$repeat" "$rss_rounds" "$concurrent" "$bytes" "$big_bytes" "$connections"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "--repeat, --rss-rounds, --at-once, --bytes, --big-bytes and --connections are positive integers"
done
((big_bytes * 102 / 100 < max_upload)) || die "--big-bytes must stay under media.maxUploadBytes (10 MiB) with 2 % to spare"
((bytes * 102 / 100 < max_upload)) || die "--bytes must stay under media.maxUploadBytes (10 MiB) with 2 % to spare"
build=$(cd "$build" && pwd) || die "no build directory"
agape_bin=$build/bin/agape
sample_bin=$build/bin/agape_media_sample
[[ -x $agape_bin ]] || die "missing $agape_bin"
[[ -x $sample_bin ]] || die "missing $sample_bin (configure with -DAGAPE_BENCH=ON and build agape_media_sample)"
for p in auth media; do [[ -f $build/lib/libagape_$p.so ]] || die "missing $build/lib/libagape_$p.so"; done
for tool in wrk curl python3; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

work=$(mktemp -d "${TMPDIR:-/tmp}/agape-media-load.XXXXXX")
media_dir=$work/data/media
server_pid=""
helpers=()  # the sampler and curl processes of a memory round
stop_server() {
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
scenario_stop() {
  local pid
  for pid in "${helpers[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${helpers[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_server
  # Neither the images nor the throwaway signing key go to --out.
  rm -rf "$media_dir" "$work/auth-keys" "$work"/*.jpg "$work"/*.body
}
scenario_traps

scenario_database

echo "making the sample photos..." >&2
sample() {  # sample BYTES NAME: prints "width height bytes"
  "$sample_bin" "$1" "$work/$2.jpg" || die "agape_media_sample failed for $1 bytes"
}
photo=$(sample "$bytes" photo)
big=$(sample "$big_bytes" big)
read -r photo_w photo_h photo_size <<<"$photo"
read -r big_w big_h big_size <<<"$big"

# One multipart/form-data body per photo, as a browser sends it.
boundary="agape-media-load-$RANDOM$RANDOM$RANDOM"
content_type="multipart/form-data; boundary=$boundary"
make_body() {  # make_body NAME
  ! grep -qaF -e "--$boundary" "$work/$1.jpg" || die "the boundary occurs in $1.jpg; run again"
  {
    printf -- '--%s\r\nContent-Disposition: form-data; name="file"; filename="%s.jpg"\r\n' "$boundary" "$1"
    printf 'Content-Type: image/jpeg\r\n\r\n'
    cat "$work/$1.jpg"
    printf -- '\r\n--%s--\r\n' "$boundary"
  } >"$work/$1.body"
}
make_body photo
make_body big

{
  scenario_config "auth, media"
  cat <<YAML
environment: development
dataDir: $work/data
auth:
  keysDir: $work/auth-keys
  generateKeys: true
  bcryptCost: 4
  accessTokenTtl: 1h
media:
  provider: local
  maxUploadBytes: 10MiB
  thumbnailSizes: [400]
YAML
} >"$work/agape.yaml"

start_server() {  # start_server NAME: sets server_pid and base
  local port
  port=$(free_port)
  "$agape_bin" serve --config "$work/agape.yaml" --set "server.port=$port" \
    --set "media.publicBaseUrl=http://127.0.0.1:$port" >>"$work/$1.log" 2>&1 </dev/null &
  server_pid=$!
  base="http://127.0.0.1:$port"
  wait_ready "$1" "$server_pid" "$base/healthz" "$work/$1.log" || die "$1 failed to start"
}
# Uploads would fill the disk: the stored files go after every run (their
# records stay; nothing reads them here).
clear_media() { find "$media_dir" -maxdepth 1 -type f -delete 2>/dev/null || true; }
upload() {  # upload BODY OUT: prints the status
  curl -sS -o "$2" -w '%{http_code}' -H "Authorization: Bearer $token" -H "Content-Type: $content_type" \
    -H 'Expect:' --data-binary @"$work/$1.body" "$base/v1/media/upload" || echo 000
}
vm_kib() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$server_pid/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

start_server server
password='Kente-weaver-2026!'
printf '%s\n' "$password" | "$agape_bin" users create --config "$work/agape.yaml" --email merchant@example.ng \
  --password-stdin --role merchant >>"$work/users.log" 2>&1 || { cat "$work/users.log" >&2; die "could not create the merchant"; }
token=$(curl -fsS -X POST "$base/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"merchant@example.ng\",\"password\":\"$password\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])') || die "the merchant could not sign in"

# One upload first: accepted whole, with its thumbnail on disk.
status=$(upload photo "$work/first-upload.json")
[[ $status == 201 ]] || { cat "$work/first-upload.json" >&2; die "an upload answered $status, not 201"; }
stored=$(find "$media_dir" -maxdepth 1 -type f | wc -l)
((stored == 2)) || die "expected the original and one thumbnail in $media_dir, found $stored files"
clear_media

names=(healthz upload)
labels=("GET /healthz" "POST /v1/media/upload ($(awk -v b="$photo_size" 'BEGIN { printf "%.2f", b / 1048576 }') MiB JPEG)")
run_wrk() {  # run_wrk INDEX DURATION OUTFILE
  local name=${names[$1]}
  if [[ $name == healthz ]]; then
    wrk -t"$threads" -c"$connections" -d"$2" --latency "$base/healthz" >"$3" 2>&1 </dev/null
  else
    MEDIA_BODY="$work/photo.body" MEDIA_CONTENT_TYPE="$content_type" MEDIA_TOKEN="$token" \
      wrk -t"$threads" -c"$connections" -d"$2" --timeout 30s --latency -s "$root/benchmarks/load/media.lua" \
      "$base" >"$3" 2>&1 </dev/null
  fi || { cat "$3" >&2; die "wrk failed against $name"; }
  kill -0 "$server_pid" 2>/dev/null || die "the server died during the run against $name"
  clear_media
}

echo
echo "media: uploads of a ${photo_w}x${photo_h} JPEG of $photo_size bytes on $db (local provider, one 400 px thumbnail)"
measure_targets

# Memory: a fresh server, so that its peak (VmHWM) is this phase's.
stop_server
start_server memory
sleep 1
baseline=$(vm_kib VmRSS)
in_flight=$((concurrent * big_size))

# sample_rss OUT STOP READY: VmRSS every 20 ms until STOP exists; writes
# "peak-VmRSS VmHWM" (KiB) to OUT.
sample_rss() {
  python3 - "$server_pid" "$2" "$3" >"$1" <<'PY'
import os, signal, sys, time
signal.signal(signal.SIGINT, lambda *_: sys.exit(130))  # Ctrl-C: quietly
pid, stop, ready = sys.argv[1:4]
def vm():
    v = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                v[key] = int(rest.split()[0])
    return v
peak = 0
open(ready, "w").close()
while True:
    done = os.path.exists(stop)
    v = vm()
    peak = max(peak, v["VmRSS"])
    if done:
        break
    time.sleep(0.02)
print(peak, v["VmHWM"])
PY
}

echo
echo "memory: $rss_rounds rounds of $concurrent uploads at once of a ${big_w}x${big_h} JPEG of $big_size bytes, fresh server"
peak_sampled=0
hwm=0
round_times=()
for r in $(seq 1 "$rss_rounds"); do
  rm -f "$work/stop" "$work/ready"
  sample_rss "$work/rss-$r.txt" "$work/stop" "$work/ready" &
  sampler=$!
  helpers=("$sampler")
  until [[ -e $work/ready ]]; do kill -0 "$sampler" 2>/dev/null || die "the memory sampler failed"; sleep 0.02; done
  t0=$EPOCHREALTIME
  for i in $(seq 1 "$concurrent"); do
    upload big "$work/big-$r-$i.json" >"$work/big-$r-$i.status" &
    helpers+=($!)
  done
  for pid in "${helpers[@]:1}"; do wait "$pid" || true; done
  t1=$EPOCHREALTIME
  touch "$work/stop"
  wait "$sampler" || die "the memory sampler failed"
  helpers=()
  for i in $(seq 1 "$concurrent"); do
    status=$(cat "$work/big-$r-$i.status")
    [[ $status == 201 ]] || { cat "$work/big-$r-$i.json" >&2; die "a big upload answered $status, not 201"; }
  done
  read -r round_peak round_hwm <"$work/rss-$r.txt"
  ((round_peak > peak_sampled)) && peak_sampled=$round_peak
  ((round_hwm > hwm)) && hwm=$round_hwm
  round_times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')")
  printf '  round %d/%d  %s s for %d uploads  peak RSS %s MiB (sampled), VmHWM %s MiB\n' "$r" "$rss_rounds" \
    "${round_times[-1]}" "$concurrent" "$(mib "$round_peak")" "$(mib "$round_hwm")" >&2
  clear_media
done
after=$(vm_kib VmRSS)
peak=$((hwm > peak_sampled ? hwm : peak_sampled))
growth=$((peak - baseline))
median_time=$(median "${round_times[@]}")
ratio=$(awk -v g="$growth" -v f="$in_flight" 'BEGIN { printf "%.2f", g * 1024 / f }')
verdict=$(awk -v r="$ratio" 'BEGIN { print (r < 4 ? "met" : "NOT met") }')
printf '%-28s %10s MiB\n' "baseline RSS" "$(mib "$baseline")"
printf '%-28s %10s MiB  (VmRSS every 20 ms: %s MiB, VmHWM: %s MiB)\n' "peak RSS" "$(mib "$peak")" \
  "$(mib "$peak_sampled")" "$(mib "$hwm")"
printf '%-28s %10s MiB\n' "growth" "$(mib "$growth")"
printf '%-28s %10s MiB  (%d × %d bytes)\n' "bytes in flight" "$(mib $((in_flight / 1024)))" "$concurrent" "$big_size"
printf '%-28s %10s      (target < 4: %s)\n' "growth / bytes in flight" "$ratio" "$verdict"
printf '%-28s %10s s    (median of %d rounds)\n' "$concurrent uploads at once" "$median_time" "$rss_rounds"
printf '%-28s %10s MiB\n' "RSS after the rounds" "$(mib "$after")"
