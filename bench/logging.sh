#!/usr/bin/env bash
# Logging and seccomp costs, wharf against Docker in one run (issue #13):
#  1. json-file logging of BENCH_LOG_MB (default 100) MB from a container:
#     CPU time of wharfd + the container's conmon against dockerd + its
#     containerd-shim (from /proc, user+system, while the container idles
#     after printing; containerd's own share is printed beside it).
#  2. `run --rm busybox true` with the default seccomp profile against
#     `--security-opt seccomp=unconfined`, on wharf and on Docker: wall time
#     and the CPU time of the engine and the container (an accounting
#     cgroup) per run, the four variants interleaved round after round
#     (bench/lib/seccomp.sh); then hyperfine medians, in two passes of
#     opposite command order. Target: wharf's difference at most 5 ms.
# BENCH_LOGGING=0 skips part 1; BENCH_SECCOMP_ROUNDS (default 30) rounds;
# BENCH_RUNS (default 20) hyperfine runs per command and pass.
# Every engine runs on private paths under a temp dir (bench/lib/engines.sh);
# Docker gets busybox from `wharf save`. Usage (as root): bench/logging.sh
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$BENCH_DIR")
: "${BENCH_LOG_MB:=100}"
: "${BENCH_RUNS:=20}"
: "${BENCH_NETWORK:=none}"
: "${BENCH_LOGGING:=1}"
: "${BENCH_SECCOMP_ROUNDS:=30}"
export BENCH_NETWORK
[ "$(id -u)" = 0 ] || { echo "bench/logging: needs root" >&2; exit 1; }
[ -f "$REPO/dist/wharfd.cjs" ] || (cd "$REPO" && npm run -s build)
T=$(mktemp -d /tmp/wbl.XXXXXX)
mkdir -p "$T/logs" "$T/docker-config"
export DOCKER_CONFIG=$T/docker-config
echo '{}' >"$DOCKER_CONFIG/config.json"
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
source "$BENCH_DIR/lib/engines.sh"
source "$BENCH_DIR/lib/seccomp.sh"
# The engines stop first (cleanup), then their accounting cgroup goes.
trap 'trap - EXIT; (cleanup); seccomp_cpu_remove' EXIT
cpu() { node "$BENCH_DIR/cpu.mjs" "$@"; }

"$REPO/scripts/busybox-rootfs.sh" "$T/busybox.tar" >/dev/null || exit 1
engine_start_wharf || exit 1
docker import --change 'CMD ["sh"]' "$T/busybox.tar" busybox:latest >/dev/null
docker save busybox:latest -o "$T/busybox-saved.tar"
engine_start_docker || exit 1
docker load -i "$T/busybox-saved.tar" >/dev/null

# 1M lines of 100 bytes per 100 MB, then a marker; the container then idles
# so its supervisor's CPU can still be read.
LINES=$((BENCH_LOG_MB * 1000 * 1000 / 101))
PRINT="yes $(printf '%099d' 0) | head -n $LINES; echo LOGGING-DONE; sleep 600"

# log_cpu ENGINE DAEMON_PIDS SUPERVISOR: prints "daemon_ms supervisor_ms seconds"
log_cpu() {
  local engine=$1 daemon=$2 sup=$3 before id path start
  engine_use_"$engine"
  before=$(cpu pids $daemon)
  start=$(date +%s%N)
  id=$(docker run -d --network none --log-driver json-file busybox sh -c "$PRINT")
  path=$(docker inspect --format '{{.LogPath}}' "$id")
  until tail -c 200 "$path" 2>/dev/null | grep -q LOGGING-DONE; do sleep 0.2; done
  local secs=$((($(date +%s%N) - start) / 1000000))
  echo "$(($(cpu pids $daemon) - before)) $(cpu named "$sup" "$id") $secs"
  docker rm -f "$id" >/dev/null
}

if [ "$BENCH_LOGGING" != 0 ]; then
  echo "== json-file logging of $BENCH_LOG_MB MB (CPU ms, user+system) =="
  containerd=$(node "$BENCH_DIR/mem.mjs" children "$DOCKER_PID" containerd)
  cd_before=$(cpu pids $containerd)
  read -r d_daemon d_sup d_secs < <(log_cpu docker "$DOCKER_PID" containerd-shim)
  cd_ms=$(($(cpu pids $containerd) - cd_before))
  read -r w_daemon w_sup w_secs < <(log_cpu wharf "$WHARF_PID" conmon)
  w_total=$((w_daemon + w_sup))
  d_total=$((d_daemon + d_sup))
  printf '| engine | daemon | supervisor | total | wall to last line |\n|---|---|---|---|---|\n'
  printf '| wharf | wharfd %s | conmon %s | %s | %s ms |\n' "$w_daemon" "$w_sup" "$w_total" "$w_secs"
  printf '| docker | dockerd %s | containerd-shim %s | %s | %s ms |\n' "$d_daemon" "$d_sup" "$d_total" "$d_secs"
  printf 'containerd (not counted): %s ms; wharf/docker CPU ratio: %s\n' "$cd_ms" \
    "$(awk -v a="$w_total" -v b="$d_total" 'BEGIN { printf "%.2f", b ? a / b : 0 }')"
fi

echo "== run --rm busybox true: default seccomp vs unconfined, wharf and Docker =="
seccomp_cpu_setup || exit 1
seccomp_cpu_adopt "$WHARF_PID" "$DOCKER_PID" $(node "$BENCH_DIR/mem.mjs" children "$DOCKER_PID" containerd) || exit 1
load0=$(cut -d' ' -f1-3 /proc/loadavg)
# Warm-up: each engine's first default run compiles and caches its filter.
for v in "${SC_VARIANTS[@]}"; do sc_run "$v" >/dev/null || exit 1; done
seccomp_rounds "$BENCH_SECCOMP_ROUNDS" "$T/seccomp-runs" || exit 1
seccomp_summary "$T/seccomp-runs"
echo "interleaved: $BENCH_SECCOMP_ROUNDS rounds of the four variants, order rotating; load before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg)"
# hyperfine runs each command's runs in one block: twice, in opposite
# orders, so a drift in load shows as disagreement between the two passes.
W="env DOCKER_HOST=unix://$T/wharf-run/wharf.sock docker run --rm --network none"
D="env DOCKER_HOST=unix://$T/docker.sock docker run --rm --network none"
U="--security-opt seccomp=unconfined"
for pass in forward backward; do
  cmds=("$W busybox true" "$W $U busybox true" "$D busybox true" "$D $U busybox true")
  [ $pass = backward ] && cmds=("${cmds[3]}" "${cmds[2]}" "${cmds[1]}" "${cmds[0]}")
  hyperfine -N --warmup 3 --runs "$BENCH_RUNS" --export-json "$T/seccomp-$pass.json" "${cmds[@]}" >"$T/logs/hyperfine-$pass" 2>&1 ||
    { tail -5 "$T/logs/hyperfine-$pass"; exit 1; }
  node -e '
const r = require(process.argv[1]).results;
const m = (cmd) => r.find((x) => x.command === cmd).median * 1000;
const [w, wu, d, du] = process.argv.slice(3).map(m);
const f = (x) => (x >= 0 ? "+" : "") + x.toFixed(1);
console.log(`hyperfine ${process.argv[2]} (medians of ${r[0].times.length}): wharf ${w.toFixed(1)} vs ${wu.toFixed(1)} ms (${f(w - wu)}), docker ${d.toFixed(1)} vs ${du.toFixed(1)} ms (${f(d - du)})`);
' "$T/seccomp-$pass.json" "$pass" "$W busybox true" "$W $U busybox true" "$D busybox true" "$D $U busybox true"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); spec_store_bypass: $(cat /sys/devices/system/cpu/vulnerabilities/spec_store_bypass 2>/dev/null || echo unknown) (target: wharf's difference <= 5 ms)"
