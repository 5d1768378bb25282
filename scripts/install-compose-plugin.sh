#!/usr/bin/env bash
# Installs wharf's compose as the Docker CLI's `compose` plugin:
# links bin/docker-compose into a cli-plugins directory (default: the
# system-wide /usr/local/lib/docker/cli-plugins; tests pass their own
# $DOCKER_CONFIG/cli-plugins). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-/usr/local/lib/docker/cli-plugins}
mkdir -p "$dir"
ln -sf "$PWD/bin/docker-compose" "$dir/docker-compose"
