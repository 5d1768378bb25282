#!/usr/bin/env bash
# Captures the golden image configs of the Dockerfile corpus
# (test/fixtures/dockerfiles/<name>/golden.json) from Docker 20.10's legacy
# builder: starts a private dockerd (Debian's docker.io) on its own data root,
# exec root, pidfile and socket with no networking, imports the same busybox
# image the integration tests import, builds every fixture with
# DOCKER_BUILDKIT=0 and records the config fields, then stops that dockerd by
# its pid and removes its directories.
# Usage (root): scripts/capture-build-golden.sh [fixture-name...]
# The daemon never pulls: every FROM names busybox (imported here) or
# scratch, and its proxy points at a closed loopback port so any registry
# request fails instead of leaving the machine.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dockerd=${DOCKERD:-/usr/sbin/dockerd}
export DOCKER_CLI=${DOCKER_CLI:-/usr/bin/docker}
[ "$(id -u)" = 0 ] || { echo "capture-build-golden: needs root" >&2; exit 1; }
[ -x "$dockerd" ] || { echo "capture-build-golden: $dockerd missing: apt-get install docker.io" >&2; exit 1; }
"$dockerd" --version | grep -q 'version 20\.10\.' ||
  { echo "capture-build-golden: the goldens come from dockerd 20.10, not $("$dockerd" --version)" >&2; exit 1; }

dir=$(mktemp -d /tmp/wharf-golden.XXXXXX)
sock=$dir.sock
pid=""
cleanup() {
  set +e
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  # dockerd's own containerd and shims carry $dir in their command lines.
  for p in /proc/[0-9]*; do
    if tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -q -- "$dir/"; then
      kill -KILL "${p#/proc/}" 2>/dev/null || true
    fi
  done
  grep -o " $dir/[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf "$dir" "$sock"
}
trap cleanup EXIT
mkdir -p "$dir/data" "$dir/run" "$dir/config"

HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY= \
  "$dockerd" --data-root "$dir/data" --exec-root "$dir/run" \
  --pidfile "$dir/run/docker.pid" -H "unix://$sock" \
  --bridge=none --iptables=false --ip-masq=false \
  >"$dir/dockerd.log" 2>&1 &
pid=$!
export DOCKER_HOST=unix://$sock DOCKER_CONFIG=$dir/config
for _ in $(seq 1 300); do
  "$DOCKER_CLI" version >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$dir/dockerd.log" >&2; exit 1; }
  sleep 0.1
done

# The test harness's busybox:latest (test/integration/harness.ts importBusybox).
"$repo/scripts/busybox-rootfs.sh" "$dir/busybox.tar"
"$DOCKER_CLI" import --change 'CMD ["sh"]' "$dir/busybox.tar" busybox:latest >/dev/null

cd "$repo"
node --import tsx test/integration/build/golden-capture.ts "$@"
