#!/usr/bin/env bash
# Benchmarks wharfd side by side with Docker (Debian's dockerd + containerd)
# and Podman in one run, every engine on private temp paths, and prints
# wharf/docker ratios. Results: bench/results/<UTC timestamp>.{json,md}.
# Usage (as root): bench/run.sh        See bench/README.md for the knobs.
set -uo pipefail # not -e: a failed step is recorded and the run goes on

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$BENCH_DIR")
: "${BENCH_ENGINES:=wharf docker podman}"
: "${BENCH_NETWORK:=bridge}"
: "${BENCH_RUNS:=20}"
: "${BENCH_WARMUP:=3}"
: "${BENCH_CONTAINERS:=50}"
export BENCH_NETWORK

fatal() { echo "bench: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fatal "needs root: it starts dockerd and runs containers"
command -v hyperfine >/dev/null || fatal "hyperfine missing: apt-get install hyperfine"
command -v docker >/dev/null || fatal "the Docker CLI is missing (docker)"
case $BENCH_NETWORK in none | bridge) ;; *) fatal "BENCH_NETWORK must be none or bridge" ;; esac

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
# A short temp path: conmon's attach socket path must stay under 108 bytes.
T=$(mktemp -d /tmp/wb.XXXXXX)
RESULTS=$T/results.jsonl
mkdir -p "$T/logs" "$T/docker-config"
# The Docker CLI reads no user config or contexts: only DOCKER_HOST decides.
export DOCKER_CONFIG=$T/docker-config
echo '{}' >"$DOCKER_CONFIG/config.json" # podman reads it too, for registry auth
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH

# timeout --foreground everywhere: Ctrl-C must reach the timed command too.
source "$BENCH_DIR/lib/engines.sh"
source "$BENCH_DIR/lib/steps.sh"
source "$BENCH_DIR/lib/compose.sh"
source "$BENCH_DIR/lib/transfer.sh"
ALL_METRICS="$ALL_METRICS $TRANSFER_METRICS"
source "$BENCH_DIR/lib/build.sh"
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT TERM

# wharfd: build when the bundle is missing or older than the sources.
if [[ " $BENCH_ENGINES " == *" wharf "* ]]; then
  if [ ! -f "$REPO/dist/wharfd.cjs" ] || [ -n "$(find "$REPO/src" -name '*.ts' -newer "$REPO/dist/wharfd.cjs" -print -quit)" ]; then
    echo "==> building dist/wharfd.cjs"
    (cd "$REPO" && { [ -f src/bin/cli.ts ] && npm run -s build ||
      npx esbuild src/bin/daemon.ts --bundle --platform=node --target=node20 --format=cjs \
        --outfile=dist/wharfd.cjs --external:koffi --external:node-unix-socket --log-level=warning; }) \
      >"$T/logs/build.log" 2>&1 || echo "    build failed: $(first_error "$T/logs/build.log")"
  fi
fi

"$REPO/scripts/busybox-rootfs.sh" "$T/busybox.tar" || fatal "could not make the busybox rootfs tar"

# One registry on loopback for every engine's push/pull (BENCH_XFER_REGISTRY:
# distribution = Debian's docker-registry, the neutral reference; or wharf).
XFER_REG_KIND=${BENCH_XFER_REGISTRY:-distribution}
if [ "${BENCH_TRANSFER:-1}" = 1 ]; then
  echo "==> transfer images (${XFER_MB} MB and ${SAVE_MB} MB) and a $XFER_REG_KIND registry"
  make_transfer_images || fatal "could not write the transfer images"
  if start_bench_registry "$XFER_REG_KIND" >"$T/logs/xfer-registry" 2>&1; then
    XFER_REG_HOST=$REG_HOST
  else
    XFER_REG_ERROR=$(first_error "$T/logs/xfer-registry")
  fi
fi

rec meta started "$STAMP"
rec meta network "$BENCH_NETWORK"
rec meta runs "$BENCH_RUNS"
rec meta warmup "$BENCH_WARMUP"
rec meta containers "$BENCH_CONTAINERS"
rec meta kernel "$(uname -r)"
rec meta cpus "$(nproc)"
rec meta node "$(node --version)"
rec meta docker_cli "$(docker --version 2>/dev/null)"
rec meta dockerd "$(dockerd --version 2>/dev/null)"
rec meta containerd "$(containerd --version 2>/dev/null)"
rec meta podman "$(podman --version 2>/dev/null || echo absent)"
rec meta crun "$(crun --version 2>/dev/null | head -1)"
rec meta runc "$(runc --version 2>/dev/null | head -1)"
rec meta conmon "$(conmon --version 2>/dev/null | head -1)"
rec meta wharf "$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)"

echo "bench: every container runs with --network $BENCH_NETWORK on every engine; logs in $T/logs"
for engine in $BENCH_ENGINES; do
  bench_engine "$engine"
done

rec meta finished "$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$BENCH_DIR/results"
node "$BENCH_DIR/report.mjs" "$RESULTS" "$BENCH_DIR/results/$STAMP"

# The registry section: blob GETs under wrk and 200 MB push+pull through the
# Docker CLI, wharf-registry against docker-registry (its own table and file).
if [ "${BENCH_REGISTRY:-1}" = 1 ]; then
  echo
  echo "==> registry (bench/registry.sh)"
  "$BENCH_DIR/registry.sh" || echo "bench: registry.sh failed" >&2
fi
