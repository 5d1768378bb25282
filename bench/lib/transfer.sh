# Image transfer steps (sourced by run.sh and registry.sh, not run): push then
# pull (after rmi) of a 200 MB, 5-layer image through an engine to a registry
# on loopback, and save/load of a 100 MB image. The images are random bytes
# (image-tar.mjs), so no engine gains from compression.
#
# Metrics (run.sh, per engine, against one registry for all engines):
#   push_mbs   `push` of the 200 MB image (MB/s, 10^6 bytes of layer data)
#   pull_mbs   `pull` of it after `rmi` (MB/s)
#   xfer_rss   the daemon's peak RSS during push and pull (KiB; dockerd + containerd)
#   load_ms    `load -i` of the 100 MB image archive (ms)
#   save_ms    `save -o` of it (ms)

TRANSFER_METRICS="push_mbs pull_mbs xfer_rss load_ms save_ms"
XFER_MB=200
SAVE_MB=100

# make_transfer_images: $T/big.tar (bench/big:1) and $T/save.tar (bench/save:1).
make_transfer_images() {
  [ -f "$T/big.tar" ] || node "$BENCH_DIR/image-tar.mjs" "$T/big.tar" bench/big:1 5 "$XFER_MB" || return 1
  [ -f "$T/save.tar" ] || node "$BENCH_DIR/image-tar.mjs" "$T/save.tar" bench/save:1 2 "$SAVE_MB"
}

bench_free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# start_bench_registry KIND: wharf (bin/wharf-registry) or distribution
# (Debian's docker-registry) on a free loopback port with its root under $T.
# Sets REG_HOST and REG_PID; its config names $T, so cleanup() ends it.
start_bench_registry() {
  local kind=$1 port dir
  port=$(bench_free_port)
  dir=$T/registry-$kind
  mkdir -p "$dir"
  case $kind in
  wharf)
    printf 'http: { addr: "127.0.0.1:%s" }\nstorage: { filesystem: { rootdirectory: "%s" }, delete: { enabled: true } }\nlog: { accesslog: { disabled: true } }\n' \
      "$port" "$dir/root" >"$dir/config.yml"
    "$REPO/bin/wharf-registry" serve "$dir/config.yml" >"$T/logs/registry-$kind.log" 2>&1 </dev/null &
    ;;
  distribution)
    command -v docker-registry >/dev/null || { echo "docker-registry not installed (apt-get install docker-registry)"; return 1; }
    printf 'version: 0.1\nlog: { level: error, accesslog: { disabled: true } }\nhttp: { addr: "127.0.0.1:%s" }\nstorage: { filesystem: { rootdirectory: "%s" }, delete: { enabled: true } }\n' \
      "$port" "$dir/root" >"$dir/config.yml"
    docker-registry serve "$dir/config.yml" >"$T/logs/registry-$kind.log" 2>&1 </dev/null &
    ;;
  esac
  REG_PID=$!
  REG_HOST=127.0.0.1:$port
  wait_for 10 curl -fs "http://$REG_HOST/v2/" || { echo "$kind registry did not answer: $(first_error "$T/logs/registry-$kind.log")"; return 1; }
}

# peak_rss_start NAME PID...: samples the summed VmRSS of the pids every 0.1 s
# until peak_rss_stop NAME, which prints the peak (KiB).
peak_rss_start() {
  local name=$1
  shift
  rm -f "$T/rss-$name.stop"
  echo 0 >"$T/rss-$name.peak"
  (
    peak=0
    while [ ! -e "$T/rss-$name.stop" ]; do
      sum=0
      for p in "$@"; do
        v=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null)
        sum=$((sum + ${v:-0}))
      done
      [ "$sum" -gt "$peak" ] && peak=$sum && echo "$peak" >"$T/rss-$name.peak"
      sleep 0.1
    done
  ) &
  eval "RSS_SAMPLER_$name=$!"
}
peak_rss_stop() {
  local var=RSS_SAMPLER_$1
  touch "$T/rss-$1.stop"
  wait "${!var}" 2>/dev/null
  cat "$T/rss-$1.peak"
}

mbs() { node -e "console.log(($1 / ($2 / 1000)).toFixed(1))"; } # MB ms -> MB/s

# push_pull ENGINE HOST REPO [IMAGE TAR]: with $CLI set for ENGINE, loads
# IMAGE (default bench/big:1 from $T/big.tar) if missing, pushes it as
# HOST/REPO:1, removes both tags, pulls it back, and tags it IMAGE again.
# Sets PUSH_MS and PULL_MS; on failure returns 1 with the reason in XFER_ERROR.
push_pull() {
  local engine=$1 ref=$2/$3:1 image=${4:-bench/big:1} tar=${5:-$T/big.tar} log=$T/logs/$1-xfer start tls=()
  [ "$engine" = podman ] && tls=(--tls-verify=false) # 127.0.0.1 is not insecure to podman by default
  XFER_ERROR=""
  if ! $CLI image inspect "$image" >/dev/null 2>&1 && ! timeout --foreground 300 $CLI load -i "$tar" >"$log" 2>&1; then
    XFER_ERROR="load: $(first_error "$log")"
    return 1
  fi
  $CLI tag "$image" "$ref" >"$log" 2>&1 || { XFER_ERROR="tag: $(first_error "$log")"; return 1; }
  start=$(now_ms)
  timeout --foreground 600 $CLI push "${tls[@]}" "$ref" >"$log.push" 2>&1 || { XFER_ERROR="push: $(grep -m1 -i error "$log.push" || first_error "$log.push")"; return 1; }
  PUSH_MS=$(($(now_ms) - start))
  $CLI rmi "$ref" "$image" >"$log" 2>&1 || { XFER_ERROR="rmi: $(first_error "$log")"; return 1; }
  start=$(now_ms)
  timeout --foreground 600 $CLI pull "${tls[@]}" "$ref" >"$log.pull" 2>&1 || { XFER_ERROR="pull: $(grep -m1 -i error "$log.pull" || first_error "$log.pull")"; return 1; }
  PULL_MS=$(($(now_ms) - start))
  $CLI tag "$ref" "$image" >/dev/null 2>&1
  $CLI rmi "$ref" >/dev/null 2>&1
  return 0
}

# bench_transfer ENGINE: the push/pull and save/load metrics of one engine
# (run.sh; XFER_REG_HOST is the shared registry, or XFER_REG_ERROR says why none).
bench_transfer() {
  local engine=$1 pids peak log=$T/logs/$1-save start
  if [ -z "${XFER_REG_HOST:-}" ]; then
    skip_rest "$engine" skipped "no registry: ${XFER_REG_ERROR:-not started}" push_mbs pull_mbs xfer_rss
  else
    echo "    push + pull ${XFER_MB} MB, 5 layers"
    pids=$(engine_daemon_pids_"$engine")
    [ -n "$pids" ] && peak_rss_start engine $pids
    if push_pull "$engine" "$XFER_REG_HOST" "bench/$engine-big"; then
      rec "$engine" push_mbs value "$(mbs "$XFER_MB" "$PUSH_MS")" MB/s "${PUSH_MS} ms to $XFER_REG_KIND"
      rec "$engine" pull_mbs value "$(mbs "$XFER_MB" "$PULL_MS")" MB/s "${PULL_MS} ms from $XFER_REG_KIND"
    else
      skip_rest "$engine" failed "$XFER_ERROR" push_mbs pull_mbs
    fi
    if [ -n "$pids" ]; then
      peak=$(peak_rss_stop engine)
      rec "$engine" xfer_rss value "$peak" KiB "$(echo "$pids" | wc -w) process(es)"
    else
      rec "$engine" xfer_rss skipped "n/a: daemonless"
    fi
  fi
  echo "    load + save ${SAVE_MB} MB"
  start=$(now_ms)
  if timeout --foreground 300 $CLI load -i "$T/save.tar" >"$log" 2>&1; then
    rec "$engine" load_ms value "$(($(now_ms) - start))" ms "${SAVE_MB} MB, 2 layers"
    start=$(now_ms)
    if timeout --foreground 300 $CLI save -o "$T/$engine-saved.tar" bench/save:1 >"$log" 2>&1; then
      rec "$engine" save_ms value "$(($(now_ms) - start))" ms "${SAVE_MB} MB, 2 layers"
    else
      rec "$engine" save_ms failed "$(first_error "$log")"
    fi
    rm -f "$T/$engine-saved.tar"
  else
    skip_rest "$engine" failed "load: $(first_error "$log")" load_ms save_ms
  fi
}
