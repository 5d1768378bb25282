#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running container:
# installs everything, starts wharfd in the background (idempotently), makes
# busybox:latest from Debian's busybox-static, and runs a container.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

echo "==> installing the Docker CLI compose plugin (docker compose = wharf compose)"
scripts/install-compose-plugin.sh

sock=/run/wharf/wharf.sock
pidfile=/run/wharf/wharfd.pid
export DOCKER_HOST=unix://$sock
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && wharf version >/dev/null 2>&1; then
  echo "==> wharfd already running (pid $(cat "$pidfile"))"
else
  echo "==> starting wharfd (log: /var/log/wharfd.log)"
  mkdir -p /run/wharf
  setsid wharfd >>/var/log/wharfd.log 2>&1 < /dev/null &
  for _ in $(seq 100); do
    wharf version >/dev/null 2>&1 && break
    sleep 0.1
  done
  wharf version >/dev/null || { echo "wharfd did not start; see /var/log/wharfd.log" >&2; tail -20 /var/log/wharfd.log >&2; exit 1; }
fi

if ! wharf image inspect busybox:latest >/dev/null 2>&1; then
  echo "==> making busybox:latest from Debian's busybox-static"
  tarball=$(mktemp /tmp/wharf-busybox.XXXXXX.tar)
  scripts/busybox-rootfs.sh "$tarball"
  wharf import --change 'CMD ["sh"]' "$tarball" busybox:latest
  rm -f "$tarball"
fi

if ! wharf image inspect wharf/registry:latest >/dev/null 2>&1; then
  echo "==> making wharf/registry (Node and wharf-registry on a minimal root, scripts/registry-image.sh)"
  scripts/registry-image.sh
fi

echo "==> running a container"
wharf run --rm busybox echo "hello from a wharf container"
