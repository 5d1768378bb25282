#!/usr/bin/env bash
# Blob GET throughput of wharf-registry against Debian's docker-registry
# (distribution 2.8) on loopback, with wrk, plus each server's peak RSS.
# Usage: bench/registry.sh      (knobs: BENCH_WRK_SECONDS=10 BENCH_WRK_CONNS=16)
# Prints a markdown table; also writes bench/results/registry-<UTC stamp>.md.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$BENCH_DIR")
secs=${BENCH_WRK_SECONDS:-10}
conns=${BENCH_WRK_CONNS:-16}
for c in wrk docker-registry curl node; do
  command -v "$c" >/dev/null || { echo "bench/registry: $c missing (apt-get install wrk docker-registry curl)" >&2; exit 1; }
done
[ -f "$REPO/dist/wharf-registry.cjs" ] || (cd "$REPO" && npm run -s build)

T=$(mktemp -d /tmp/wbr.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
head -c $((64 << 20)) /dev/urandom >"$T/big"
head -c 4096 /dev/urandom >"$T/small"

start() { # name -> sets url and pid
  local port; port=$(free_port)
  case $1 in
    wharf)
      printf 'http: { addr: "127.0.0.1:%s" }\nstorage: { filesystem: { rootdirectory: "%s" } }\nlog: { accesslog: { disabled: true } }\n' \
        "$port" "$T/wharf-root" >"$T/wharf.yml"
      node "$REPO/dist/wharf-registry.cjs" serve "$T/wharf.yml" >"$T/wharf.log" 2>&1 &
      ;;
    distribution)
      printf 'version: 0.1\nlog: { level: error, accesslog: { disabled: true } }\nhttp: { addr: "127.0.0.1:%s" }\nstorage: { filesystem: { rootdirectory: "%s" } }\n' \
        "$port" "$T/dist-root" >"$T/dist.yml"
      docker-registry serve "$T/dist.yml" >"$T/dist.log" 2>&1 &
      ;;
  esac
  pid=$!
  pids+=("$pid")
  url=http://127.0.0.1:$port
  for _ in $(seq 100); do curl -fs "$url/v2/" >/dev/null && break; sleep 0.1; done
}

push() { # url file -> digest
  local d; d=sha256:$(sha256sum "$2" | cut -d' ' -f1)
  # POST then PUT: distribution 2.8 has no monolithic POST (it answers 202).
  local loc
  loc=$(curl -fsi -X POST "$1/v2/bench/blob/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:" {print $2}')
  case $loc in /*) loc=$1$loc ;; esac
  case $loc in *\?*) loc="$loc&digest=$d" ;; *) loc="$loc?digest=$d" ;; esac
  curl -fs -X PUT --data-binary @"$2" -H 'content-type: application/octet-stream' "$loc" >/dev/null
  curl -fsI "$1/v2/bench/blob/blobs/$d" >/dev/null || { echo "bench/registry: push to $1 failed" >&2; exit 1; }
  echo "$d"
}

rss_peak() { # pid; samples until the file $T/stop appears
  local peak=0 v
  while [ ! -e "$T/stop" ]; do
    v=$(awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0)
    [ "${v:-0}" -gt "$peak" ] && peak=$v
    sleep 0.2
  done
  echo $((peak / 1024))
}

rows=()
for server in wharf distribution; do
  start "$server"
  big=$(push "$url" "$T/big")
  small=$(push "$url" "$T/small")
  rm -f "$T/stop"
  rss_peak "$pid" >"$T/rss" &
  sampler=$!
  for kind in small big; do
    digest=$small; [ "$kind" = big ] && digest=$big
    out=$(wrk -t2 -c"$conns" -d"${secs}s" "$url/v2/bench/blob/blobs/$digest")
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    tput=$(awk '/^Transfer\/sec/ {print $2}' <<<"$out")
    rows+=("| $server | $kind ($( [ "$kind" = big ] && echo 64 MiB || echo 4 KiB)) | $rps | $tput |")
  done
  touch "$T/stop"
  wait "$sampler"
  rows+=("| $server | peak RSS while serving | $(cat "$T/rss") MiB | |")
  kill "$pid"
done

mkdir -p "$BENCH_DIR/results"
table=$(printf '%s\n' "| server | blob GET | requests/s | transfer/s |" "|---|---|---|---|" "${rows[@]}")
{
  echo "wrk -t2 -c$conns -d${secs}s on loopback; $(nproc) cores; $(docker-registry --version 2>/dev/null | head -1); node $(node --version)"
  echo
  echo "$table"
} | tee "$BENCH_DIR/results/registry-$(date -u +%Y%m%dT%H%M%SZ).md"
