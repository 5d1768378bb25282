#!/usr/bin/env bash
# Measures a few rows of bench/run.sh for wharfd and dockerd *interleaved*:
# both daemons run at once and the commands alternate, so a machine whose
# load changes during the run (other jobs on a shared box) weighs on both
# alike. Prints one line per row with both figures, the ratio and the load
# average. Meant for quick checks of one change; bench/run.sh stays the full
# table.
#
# Usage (as root): bench/pair.sh [ROW...]     rows: rss exec run_rm http rss_work (default all)
# rss: the daemons' resident memory after start, the busybox import and
# BENCH_IDLE_SECONDS (8) of quiet: VmRSS, RssAnon and RssFile from /proc/<pid>/status,
# wharfd alone (its warm-spawn shell and conmons are other processes, not counted;
# Podman has no daemon) against dockerd + its containerd (shims not counted).
# rss_work: the same read again after the rows before it (exec, run_rm, http) and
# the same idle time: what work leaves behind.
# The exec row also times the daemon's part alone (exec-wire.mjs: the API calls of
# `docker exec`, without the CLI's start-up).
# Knobs: BENCH_RUNS (20 rounds), BENCH_WARMUP (3), BENCH_HTTP_SECONDS (5), BENCH_HTTP_ROUNDS (3),
#        BENCH_KEEP (keep the temp dir), BENCH_BASE (another checkout with a built dist/, e.g.
#        the main branch's: the run_rm row then also runs its wharfd, interleaved, for an A/B).
set -uo pipefail
fatal() { echo "pair: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fatal "needs root: it starts dockerd and runs containers"
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$BENCH_DIR")
[ -f "$REPO/dist/wharfd.cjs" ] || fatal "dist/wharfd.cjs missing: npm run -s build"
source "$BENCH_DIR/lib/engines.sh"
make_bench_dir wp
BENCH_NETWORK=bridge
ROWS=${*:-rss exec run_rm http rss_work}
: "${BENCH_RUNS:=20}" "${BENCH_WARMUP:=3}" "${BENCH_HTTP_ROUNDS:=3}"
trap cleanup EXIT
trap 'echo "pair: interrupted" >&2; exit 130' INT TERM

# daemon_status ENGINE: "<VmRSS> <RssAnon> <RssFile>" KiB of its daemon process(es).
daemon_status() { node "$BENCH_DIR/mem.mjs" status $(engine_daemon_pids_"$1"); }
# rss_row LABEL: both daemons' memory after BENCH_IDLE_SECONDS of quiet.
rss_row() {
  local w d
  sleep "$BENCH_IDLE_SECONDS"
  read -r -a w <<<"$(daemon_status wharf)"
  read -r -a d <<<"$(daemon_status docker)"
  echo "$1 (${BENCH_IDLE_SECONDS} s idle): wharf ${w[0]} KiB ($(mib "${w[0]}") MiB; anon ${w[1]}, file ${w[2]})," \
    "docker ${d[0]} KiB ($(mib "${d[0]}") MiB; anon ${d[1]}, file ${d[2]}; dockerd+containerd)," \
    "ratio $(ratio "${w[0]}" "${d[0]}"); load $(load)"
}
mib() { node -e "console.log((Number(process.argv[1]) / 1024).toFixed(1))" "$1"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
ratio() { node -e "console.log((Number(process.argv[1]) / Number(process.argv[2])).toFixed(2))" "$1" "$2"; }
# alternate LABEL NAME=COMMAND...: alternate.mjs's medians, then wharf/docker.
alternate() {
  local label=$1 out
  shift
  out=$(node "$BENCH_DIR/alternate.mjs" "$BENCH_RUNS" "$BENCH_WARMUP" "$@") || fatal "$label: $out"
  echo "$out" | sed 's/^/  /'
  ALT_OUT=$out
  w=$(echo "$out" | awk '/^wharf:/ {print $3}')
  d=$(echo "$out" | awk '/^docker:/ {print $3}')
  echo "$label (median, alternating): wharf ${w} ms, docker ${d} ms, ratio $(ratio "$w" "$d"); load $(load)"
}
host_of() { echo "unix://$T/$([ "$1" = wharf ] && echo wharf-run/wharf.sock || echo docker.sock)"; }

"$REPO/scripts/busybox-rootfs.sh" "$T/busybox.tar" || fatal "could not make the busybox rootfs tar"
for engine in wharf docker; do
  engine_start_"$engine" >"$T/logs/$engine-start" 2>&1 || fatal "$engine start: $(head -3 "$T/logs/$engine-start")"
  engine_use_"$engine"
  docker import --change 'CMD ["sh"]' "$T/busybox.tar" busybox:latest >/dev/null ||
    fatal "$engine: import failed"
done
W=$(host_of wharf)
D=$(host_of docker)
BASE_PID=""
if [ -n "${BENCH_BASE:-}" ]; then
  [ -f "$BENCH_BASE/dist/wharfd.cjs" ] || fatal "BENCH_BASE: $BENCH_BASE/dist/wharfd.cjs missing"
  mkdir -p "$T/base-run"
  node "$BENCH_BASE/dist/wharfd.cjs" --data-root "$T/base-data" --exec-root "$T/base-run" \
    >"$T/logs/base-wharfd.log" 2>&1 </dev/null &
  BASE_PID=$!
  trap 's=$?; stop_pid "$BASE_PID" base-wharfd; (exit $s); cleanup' EXIT
  B=unix://$T/base-run/wharf.sock
  wait_for 20 env DOCKER_HOST="$B" docker version || fatal "base wharfd did not start"
  DOCKER_HOST=$B docker import --change 'CMD ["sh"]' "$T/busybox.tar" busybox:latest >/dev/null ||
    fatal "base: import failed"
fi

for row in $ROWS; do
  case $row in
  rss) rss_row "idle RSS after start + import" ;;
  rss_work) rss_row "RSS after work (rows before: ${done_rows:-none})" ;;
  exec)
    DOCKER_HOST=$W docker run -d --pull never --name pair-exec busybox sleep 3600 >/dev/null || fatal "wharf run"
    DOCKER_HOST=$D docker run -d --pull never --name pair-exec busybox sleep 3600 >/dev/null || fatal "docker run"
    # `version` is the CLI's own floor (start-up, /_ping, /version), the same for both.
    alternate "exec true" "wharf=DOCKER_HOST=$W docker exec pair-exec true" \
      "docker=DOCKER_HOST=$D docker exec pair-exec true" \
      "wharf-version=DOCKER_HOST=$W docker version" "docker-version=DOCKER_HOST=$D docker version"
    # The daemon's part alone (create, hijacked start, inspect), without the CLI's start-up.
    node "$BENCH_DIR/exec-wire.mjs" "$BENCH_RUNS" pair-exec "wharf=$T/wharf-run/wharf.sock" "docker=$T/docker.sock" |
      sed 's/^/  exec over the API, /'
    echo "  load $(load)"
    DOCKER_HOST=$W docker rm -f pair-exec >/dev/null
    DOCKER_HOST=$D docker rm -f pair-exec >/dev/null
    ;;
  run_rm)
    alternate "run --rm busybox true" \
      "wharf=DOCKER_HOST=$W docker run --rm --pull never --network bridge busybox true" \
      "docker=DOCKER_HOST=$D docker run --rm --pull never --network bridge busybox true" \
      ${BASE_PID:+"base=DOCKER_HOST=$B docker run --rm --pull never --network bridge busybox true"}
    if [ -n "$BASE_PID" ]; then
      b=$(echo "$ALT_OUT" | awk '/^base:/ {print $3}')
      echo "  base (BENCH_BASE) ${b} ms, ratio to docker $(ratio "$b" "$d"); this build / base $(ratio "$w" "$b")"
    fi
    ;;
  http)
    command -v wrk >/dev/null || fatal "wrk missing"
    declare -A port
    for engine in wharf docker; do
      DOCKER_HOST=$(host_of "$engine") docker run -d --pull never --network bridge --name pair-http -p 127.0.0.1::80 \
        busybox sh -c 'echo hello >/var/www/index.html && exec httpd -f -p 80 -h /var/www' >/dev/null || fatal "$engine http run"
      port[$engine]=$(DOCKER_HOST=$(host_of "$engine") docker port pair-http 80/tcp | head -1 | sed 's/.*://')
      wait_for 10 curl -fsS -o /dev/null "http://127.0.0.1:${port[$engine]}/" || fatal "$engine: no answer"
    done
    declare -A total=([wharf]=0 [docker]=0)
    for i in $(seq "$BENCH_HTTP_ROUNDS"); do
      for engine in wharf docker; do
        wrk -t2 -c32 -d"${BENCH_HTTP_SECONDS:-5}"s "http://127.0.0.1:${port[$engine]}/" >"$T/logs/wrk-$engine-$i" 2>&1
        rps=$(awk '/^Requests\/sec:/ {print $2}' "$T/logs/wrk-$engine-$i")
        echo "  round $i $engine ${rps:-failed} req/s; load $(load)"
        total[$engine]=$(awk -v a="${total[$engine]}" -v b="${rps:-0}" 'BEGIN { printf "%.0f", a + b }')
      done
    done
    w=${total[wharf]} d=${total[docker]}
    echo "HTTP via 127.0.0.1 (wrk -t2 -c32, sum of $BENCH_HTTP_ROUNDS rounds): wharf ${w}, docker ${d}, ratio $(ratio "$w" "$d"); load $(load)"
    for engine in wharf docker; do DOCKER_HOST=$(host_of "$engine") docker rm -f pair-http >/dev/null; done
    ;;
  *) echo "pair: unknown row $row (rss exec run_rm http rss_work)" >&2 ;;
  esac
  done_rows="${done_rows:+$done_rows }$row"
done
