#!/usr/bin/env bash
# The build piece of bench/run.sh alone, interleaved: wharfd, dockerd (and
# Podman when installed) are started side by side on private paths, and
# every round builds the same Dockerfiles on each engine in turn (cold,
# then cached, then two parallel stages), so a change of machine load
# hits every engine alike. Prints each engine's median per metric, the
# wharf/docker ratio and the load average before and after.
# Usage (as root): bench/build.sh      Knobs: BENCH_ENGINES (default
# "wharf docker", add podman, and floor: the Docker CLI's own time against
# a server that drops the context), BENCH_BUILD_RUNS (rounds, default 3).
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$BENCH_DIR")
: "${BENCH_ENGINES:=wharf docker}"
BENCH_NETWORK=none
export BENCH_NETWORK
[ "$(id -u)" = 0 ] || { echo "bench: needs root" >&2; exit 1; }
T=$(mktemp -d /tmp/wb.XXXXXX)
RESULTS=$T/results.jsonl
mkdir -p "$T/logs" "$T/docker-config"
export DOCKER_CONFIG=$T/docker-config
echo '{}' >"$DOCKER_CONFIG/config.json"
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
source "$BENCH_DIR/lib/engines.sh"
source "$BENCH_DIR/lib/steps.sh"
source "$BENCH_DIR/lib/compose.sh" # median
source "$BENCH_DIR/lib/build.sh"
# The floor server goes first, quietly (cleanup would kill it); cleanup keeps the exit status.
trap 'status=$?; engine_stop_floor; (exit $status); cleanup' EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT TERM

"$REPO/scripts/busybox-rootfs.sh" "$T/busybox.tar" >/dev/null || { echo "bench: no busybox rootfs" >&2; exit 1; }
engines=""
for e in $BENCH_ENGINES; do
  if ! engine_check_"$e" >"$T/logs/$e-check" 2>&1 || ! engine_start_"$e" >"$T/logs/$e-start" 2>&1; then
    echo "bench: $e skipped: $(first_error "$T/logs/$e-check")" >&2
    continue
  fi
  engine_use_"$e"
  # The floor server (lib/build.sh) has no images: it only takes the upload.
  [ "$e" = floor ] ||
    timeout --foreground 60 $CLI import --change 'CMD ["sh"]' "$T/busybox.tar" busybox:latest >/dev/null 2>&1 &&
    engines="$engines $e"
done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_build_interleaved $engines
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
