#!/usr/bin/env bash
# Makes the wharf/registry image offline: this machine's Node runtime (the
# binary and the shared libraries ldd lists), dist/wharf-registry.cjs and a
# default config on a minimal root filesystem, imported with `wharf import`
# (or written as a tar with --tar OUT.tar). Then, as with distribution's image:
#   wharf run -d -p 5000:5000 --name registry wharf/registry
# Storage is /var/lib/registry (a volume); the config listens on 0.0.0.0:5000
# with deletes enabled and no auth (mount a config over
# /etc/wharf-registry/config.yml for TLS, htpasswd or access rules).
# Usage: scripts/registry-image.sh [--tar OUT.tar] [IMAGE]   (default wharf/registry:latest)
set -euo pipefail
cd "$(dirname "$0")/.."
out=""
if [ "${1:-}" = --tar ]; then out=${2:?--tar needs a file}; shift 2; fi
image=${1:-wharf/registry:latest}
[ -f dist/wharf-registry.cjs ] || npm run -s build
node=$(readlink -f "$(command -v node)")

dir=$(mktemp -d /tmp/wharf-registry-image.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
mkdir -p "$dir"/{app,etc/wharf-registry,var/lib/registry,tmp,usr/bin}
chmod 1777 "$dir/tmp"
cp "$node" "$dir/usr/bin/node"
# The dynamic loader and every library node links, at their own paths.
for lib in $(ldd "$node" | grep -o '/[^ ]*'); do
  mkdir -p "$dir$(dirname "$lib")"
  cp -L "$lib" "$dir$lib"
done
cp dist/wharf-registry.cjs "$dir/app/"
cat >"$dir/etc/wharf-registry/config.yml" <<'YAML'
http:
  addr: 0.0.0.0:5000
storage:
  filesystem:
    rootdirectory: /var/lib/registry
  delete:
    enabled: true
YAML
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$dir/etc/passwd"
printf 'root:x:0:\n' >"$dir/etc/group"

tarball=${out:-$dir.tar}
tar -C "$dir" --numeric-owner -cf "$tarball" .
if [ -n "$out" ]; then
  echo "wrote $out"
  exit 0
fi
trap 'rm -rf "$dir" "$tarball"' EXIT
# This checkout's CLI (not whatever `wharf` is on PATH); it talks to the
# daemon WHARF_HOST / DOCKER_HOST name (default /run/wharf/wharf.sock).
node dist/wharf.cjs import \
  --change 'ENTRYPOINT ["/usr/bin/node", "--max-semi-space-size=2", "/app/wharf-registry.cjs"]' \
  --change 'CMD ["serve", "/etc/wharf-registry/config.yml"]' \
  --change 'EXPOSE 5000' \
  --change 'VOLUME /var/lib/registry' \
  "$tarball" "$image"
