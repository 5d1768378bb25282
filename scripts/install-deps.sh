#!/usr/bin/env bash
# Installs what wharf needs on Debian 12 (idempotent; fast when all is there):
# Debian packages, npm dependencies, the esbuild bundles, and wharf/wharfd/wharf-registry on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(crun conmon runc busybox-static iproute2 nftables tini procps util-linux tar gzip curl)
# bzip2, xz and zstd archives (build contexts, ADD, docker cp) are decoded by their programs.
packages+=(bzip2 xz-utils zstd)
# POST /build?remote=<git repository> clones with git.
packages+=(git)
# The test suite also drives openssl (TLS certificates) and python3 (a UDP
# server in a container's namespace: busybox here has no `nc -u`).
[ "${WHARF_TEST_DEPS:-}" = 1 ] && packages+=(openssl python3)
# The pull/push tests give docker-registry an htpasswd file (apache2-utils).
[ "${WHARF_TEST_DEPS:-}" = 1 ] && packages+=(apache2-utils)
# The mirror test watches wharfd's connect() calls (nothing may leave loopback).
[ "${WHARF_TEST_DEPS:-}" = 1 ] && packages+=(strace)
# wharf-registry's tests: skopeo copies through it, docker-registry
# (distribution 2.8) is the comparison, and golang-go with these -dev
# packages builds the OCI conformance suite offline (scripts/conformance.sh).
[ "${WHARF_TEST_DEPS:-}" = 1 ] && packages+=(skopeo docker-registry golang-go
  golang-github-opencontainers-go-digest-dev golang-github-go-resty-resty-dev
  golang-github-google-uuid-dev golang-github-go-logr-logr-dev golang-github-google-go-cmp-dev
  golang-github-google-pprof-dev golang-golang-x-net-dev golang-golang-x-sys-dev
  golang-golang-x-text-dev golang-golang-x-tools-dev golang-gopkg-yaml.v3-dev)
# bench/ only (WHARF_BENCH_DEPS=1): wrk for HTTP and registry blob GETs,
# hyperfine for timings, docker-registry as the registry to compare with.
[ "${WHARF_BENCH_DEPS:-}" = 1 ] && packages+=(wrk hyperfine docker-registry)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v node >/dev/null || { echo "wharf needs Node.js 20 or newer on PATH" >&2; exit 1; }
# 20.15: zlib.crc32 (the push-side gzip writer).
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 15) ? 0 : 1)' || { echo "wharf needs Node.js 20.15 or newer (found $(node --version))" >&2; exit 1; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # Not `npm ci`: node-unix-socket lists platform packages that the registry
  # does not have, so npm ci's lock check fails; npm install follows the lock.
  echo "==> npm install (from package-lock.json)"
  npm install --no-audit --no-fund --loglevel=error
fi
echo "==> building"
npm run -s build
ln -sf "$PWD/bin/wharf" /usr/local/bin/wharf
ln -sf "$PWD/bin/wharfd" /usr/local/bin/wharfd
ln -sf "$PWD/bin/wharf-registry" /usr/local/bin/wharf-registry
