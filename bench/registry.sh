#!/usr/bin/env bash
# wharf-registry against Debian's docker-registry (distribution 2.8) on the
# same machine, on loopback:
#   1. blob GET throughput under wrk (a 64 MiB and a 4 KiB blob) and each
#      registry's peak RSS while serving;
#   2. push then pull (after rmi) of a 200 MB, 5-layer image through the real
#      Docker CLI via wharfd and a private dockerd, and through Podman, to
#      each registry, with the registry's and the daemon's peak RSS; rounds
#      interleave the engines;
#   3. `load -i` then `save -o` of a 100 MB, 2-layer image through the same
#      engines, alternating (BENCH_SAVELOAD=0 skips it).
# Usage (as root for part 2): bench/registry.sh
#   knobs: BENCH_WRK_SECONDS=10 BENCH_WRK_CONNS=16 BENCH_REGISTRY_GETS=1
#          BENCH_REGISTRY_PUSH=1 BENCH_XFER_ENGINES="wharf docker podman"
#          BENCH_XFER_REGISTRIES="wharf distribution" BENCH_XFER_ROUNDS=1
#          BENCH_SAVELOAD=1 BENCH_SAVELOAD_ROUNDS=5
#   only the transfer part, against distribution, twice:
#     BENCH_REGISTRY_GETS=0 BENCH_XFER_REGISTRIES=distribution BENCH_XFER_ROUNDS=2 bench/registry.sh
# Prints markdown tables; also writes bench/results/registry-<UTC stamp>.md.
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$BENCH_DIR")
secs=${BENCH_WRK_SECONDS:-10}
conns=${BENCH_WRK_CONNS:-16}
BENCH_NETWORK=none
for c in $([ "${BENCH_REGISTRY_GETS:-1}" = 1 ] && echo wrk) docker-registry curl node; do
  command -v "$c" >/dev/null || { echo "bench/registry: $c missing (scripts/install-deps.sh installs wrk and docker-registry)" >&2; exit 1; }
done
[ -f "$REPO/dist/wharf-registry.cjs" ] || (cd "$REPO" && npm run -s build)

# A short temp path (conmon's socket paths); engines.sh's cleanup() ends every
# process whose command line names it (registries, wharfd, dockerd) and removes it.
T=$(mktemp -d /tmp/wbr.XXXXXX)
mkdir -p "$T/logs" "$T/docker-config"
export DOCKER_CONFIG=$T/docker-config
echo '{}' >"$DOCKER_CONFIG/config.json"
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
source "$BENCH_DIR/lib/engines.sh"
source "$BENCH_DIR/lib/transfer.sh"
first_error() { grep -m1 -v '^[[:space:]]*$' "$1" 2>/dev/null || echo "exit status without output"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
trap cleanup EXIT
trap 'echo "bench/registry: interrupted" >&2; exit 130' INT TERM

name_of() { [ "$1" = wharf ] && echo wharf-registry || echo "docker-registry $(docker-registry --version 2>/dev/null | awk '{print $3}')"; }

# push_blob URL FILE -> digest (POST then PUT: distribution 2.8 has no monolithic POST)
push_blob() {
  local d loc
  d=sha256:$(sha256sum "$2" | cut -d' ' -f1)
  loc=$(curl -fsi -X POST "$1/v2/bench/blob/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:" {print $2}')
  case $loc in /*) loc=$1$loc ;; esac
  case $loc in *\?*) loc="$loc&digest=$d" ;; *) loc="$loc?digest=$d" ;; esac
  curl -fs -X PUT --data-binary @"$2" -H 'content-type: application/octet-stream' "$loc" >/dev/null
  curl -fsI "$1/v2/bench/blob/blobs/$d" >/dev/null || { echo "bench/registry: push to $1 failed" >&2; exit 1; }
  echo "$d"
}

# ---- 1. blob GETs under wrk ----
get_rows=()
get_kinds=(wharf distribution)
if [ "${BENCH_REGISTRY_GETS:-1}" = 1 ]; then
  head -c $((64 << 20)) /dev/urandom >"$T/big"
  head -c 4096 /dev/urandom >"$T/small"
else
  get_kinds=()
  get_rows=("| skipped: BENCH_REGISTRY_GETS=0 | | | | |")
fi
for kind in "${get_kinds[@]}"; do
  start_bench_registry "$kind" || exit 1
  url=http://$REG_HOST
  big=$(push_blob "$url" "$T/big")
  small=$(push_blob "$url" "$T/small")
  for blob in small big; do
    digest=$small
    [ "$blob" = big ] && digest=$big
    peak_rss_start reg "$REG_PID"
    out=$(wrk -t2 -c"$conns" -d"${secs}s" "$url/v2/bench/blob/blobs/$digest")
    rss=$(($(peak_rss_stop reg) / 1024))
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    tput=$(awk '/^Transfer\/sec/ {print $2}' <<<"$out")
    get_rows+=("| $(name_of "$kind") | $([ "$blob" = big ] && echo 64 MiB || echo 4 KiB) | $rps | $tput | $rss MiB |")
  done
  stop_pid "$REG_PID" "$kind registry"
done

# ---- 2. 200 MB push + pull through the Docker CLI (Podman's own CLI) ----
# Rounds interleave the engines (round 1: wharf, docker, podman; round 2: …)
# so a load change on a shared machine hits them alike. Every round and
# registry gets a fresh image: wharfd keeps a layer's gzip from its first
# push, so pushing the same layers again would skip compressing.
xfer_rows=()
saveload_rows=()
xfer_note=""
engine_row() { case $1 in wharf) echo wharfd ;; docker) echo dockerd ;; *) echo "$1" ;; esac; }
if [ "${BENCH_REGISTRY_PUSH:-1}" != 1 ]; then
  xfer_note="skipped: BENCH_REGISTRY_PUSH=0"
elif [ "$(id -u)" != 0 ]; then
  xfer_note="skipped: needs root (starts wharfd and dockerd)"
else
  engines=()
  for engine in ${BENCH_XFER_ENGINES:-wharf docker podman}; do
    if ! why=$(engine_check_"$engine" 2>&1); then
      xfer_note="${xfer_note:+$xfer_note; }$engine skipped: $why"
    elif ! engine_start_"$engine" >"$T/logs/$engine-start" 2>&1; then
      xfer_rows+=("| $(engine_row "$engine") | | | start failed: $(first_error "$T/logs/$engine-start") | | | |")
      engine_stop_"$engine"
    else
      engines+=("$engine")
    fi
  done
  for round in $(seq "${BENCH_XFER_ROUNDS:-1}"); do
    for kind in ${BENCH_XFER_REGISTRIES:-wharf distribution}; do
      img=bench/big-$round-$kind:1
      node "$BENCH_DIR/image-tar.mjs" "$T/big.tar" "$img" 5 "$XFER_MB" || exit 1
      for engine in "${engines[@]}"; do
        engine_use_"$engine"
        rm -rf "$T/registry-$kind"
        start_bench_registry "$kind" || exit 1
        pids=$(engine_daemon_pids_"$engine")
        peak_rss_start reg "$REG_PID"
        [ -n "$pids" ] && peak_rss_start engine $pids
        load=$(cut -d' ' -f1 /proc/loadavg)
        if push_pull "$engine" "$REG_HOST" "bench/big-$engine" "$img" "$T/big.tar"; then
          cells="$(mbs "$XFER_MB" "$PUSH_MS") MB/s | $(mbs "$XFER_MB" "$PULL_MS") MB/s"
        else
          cells="failed: $XFER_ERROR | "
        fi
        rss="n/a: daemonless"
        [ -n "$pids" ] && rss="$(($(peak_rss_stop engine) / 1024)) MiB"
        xfer_rows+=("| $(engine_row "$engine") | $(name_of "$kind") | $round | $cells | $(($(peak_rss_stop reg) / 1024)) MiB | $rss | $load |")
        stop_pid "$REG_PID" "$kind registry"
        $CLI rmi "$img" >/dev/null 2>&1
      done
    done
  done
  # ---- 3. save and load of a 100 MB, 2-layer image, engines alternating ----
  if [ "${BENCH_SAVELOAD:-1}" = 1 ]; then
    node "$BENCH_DIR/image-tar.mjs" "$T/save.tar" bench/save:1 2 "$SAVE_MB" || exit 1
    for round in $(seq "${BENCH_SAVELOAD_ROUNDS:-5}"); do
      for engine in "${engines[@]}"; do
        engine_use_"$engine"
        $CLI rmi bench/save:1 >/dev/null 2>&1
        rm -f "$T/saved.tar"
        load=$(cut -d' ' -f1 /proc/loadavg)
        start=$(now_ms)
        if ! timeout --foreground 300 $CLI load -i "$T/save.tar" >"$T/logs/$engine-load" 2>&1; then
          saveload_rows+=("| $(engine_row "$engine") | $round | failed: $(first_error "$T/logs/$engine-load") | | $load |")
          continue
        fi
        load_ms=$(($(now_ms) - start))
        start=$(now_ms)
        if timeout --foreground 300 $CLI save -o "$T/saved.tar" bench/save:1 >"$T/logs/$engine-save" 2>&1; then
          save_cell="$(($(now_ms) - start)) ms"
        else
          save_cell="failed: $(first_error "$T/logs/$engine-save")"
        fi
        saveload_rows+=("| $(engine_row "$engine") | $round | $load_ms ms | $save_cell | $load |")
        $CLI rmi bench/save:1 >/dev/null 2>&1
      done
    done
    rm -f "$T/saved.tar" "$T/save.tar"
  fi
  for engine in "${engines[@]}"; do engine_stop_"$engine"; done
fi

mkdir -p "$BENCH_DIR/results"
{
  echo "# registry bench $(date -u +%Y%m%dT%H%M%SZ)"
  echo
  echo "Blob GET: \`wrk -t2 -c$conns -d${secs}s\` on loopback; peak RSS of the registry while wrk runs."
  echo
  echo "| registry | blob | requests/s | transfer/s | registry peak RSS |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${get_rows[@]}"
  echo
  echo "Push then pull (after rmi) of a ${XFER_MB} MB, 5-layer image of random bytes through the Docker CLI $(docker --version 2>/dev/null | awk '{print $3}' | tr -d ,) (Podman: $(podman --version 2>/dev/null | awk '{print $3}'), its own CLI)${xfer_note:+ ($xfer_note)}; rounds interleave the engines; load is the 1-minute load average at the start of each row."
  echo
  echo "| daemon | registry | round | push | pull | registry peak RSS | daemon peak RSS | load |"
  echo "|---|---|---|---|---|---|---|---|"
  [ ${#xfer_rows[@]} -gt 0 ] && printf '%s\n' "${xfer_rows[@]}"
  echo
  echo "Load (\`load -i\`) then save (\`save -o\`) of a ${SAVE_MB} MB, 2-layer image of random bytes through the same CLIs, engines alternating each round${xfer_note:+ ($xfer_note)}; load is the 1-minute load average at the start of each row."
  echo
  echo "| daemon | round | load | save | load average |"
  echo "|---|---|---|---|---|"
  [ ${#saveload_rows[@]} -gt 0 ] && printf '%s\n' "${saveload_rows[@]}"
  echo
  echo "$(nproc) cores; node $(node --version); $(dockerd --version 2>/dev/null || echo 'no dockerd')."
} | tee "$BENCH_DIR/results/registry-$(date -u +%Y%m%dT%H%M%SZ).md"
