# The build step of bench/run.sh (sourced, not run): the same Dockerfiles
# built by every engine through its own CLI (Docker: the legacy builder,
# DOCKER_BUILDKIT=0, which is what POST /build is; Podman: buildah), RUN
# steps without network. BENCH_BUILD_RUNS times each (default 3); records
# the median wall time.
#
# Metrics:
#   build_cold      --no-cache build: 5 RUN steps and a COPY of 1000 files, 100 MiB (ms)
#   build_cached    the same build again, every step a cache hit (ms)
#   build_parallel  --no-cache build of two independent stages that each RUN sleep 2,
#                   joined by COPY --from (ms; one after the other takes over 4 s)

BUILD_METRICS="build_cold build_cached build_parallel"

# ---- floor: the Docker CLI against a server that only reads and drops the
# context (lib/floor-server.mjs); BENCH_ENGINES="floor wharf docker" puts
# the CLI's own time beside the daemons' (every metric is the same upload).
FLOOR_PID=""
engine_check_floor() { command -v node >/dev/null || { echo "node not found"; return 1; }; }
engine_use_floor() {
  export DOCKER_HOST=unix://$T/floor.sock
  CLI=docker
  RM="rm -f"
}
engine_start_floor() {
  node "$BENCH_DIR/lib/floor-server.mjs" "$T/floor.sock" >"$T/logs/floor.log" 2>&1 </dev/null &
  FLOOR_PID=$!
  engine_use_floor
  wait_for 10 test -S "$T/floor.sock"
}
engine_stop_floor() {
  stop_pid "$FLOOR_PID" floor-server
  FLOOR_PID=""
}

write_build_contexts() {
  local d=$T/build-big i
  [ -d "$d" ] && return
  mkdir -p "$d/files"
  # 1000 files of 100 KiB, incompressible, made once per run.
  head -c $((1000 * 102400)) /dev/urandom | split -b 102400 -a 3 -d - "$d/files/f"
  cat >"$d/Dockerfile" <<'DF'
FROM busybox
RUN echo one > /one
RUN echo two > /two && sleep 0.1
COPY files /data/
RUN ls /data | wc -l > /count
RUN du -s /data > /size
RUN cat /one /two /count /size
DF
  mkdir -p "$T/build-parallel"
  cat >"$T/build-parallel/Dockerfile" <<'DF'
FROM busybox AS left
RUN sleep 2 && echo left > /left
FROM busybox AS right
RUN sleep 2 && echo right > /right
FROM busybox
COPY --from=left /left /
COPY --from=right /right /
DF
}

# build_cmd ENGINE: the CLI's build command with the flags every run uses.
build_cmd() {
  case $1 in
  docker) echo "env DOCKER_BUILDKIT=0 $CLI build -q --network none" ;;
  podman) echo "$CLI build -q --network none --pull=never" ;;
  *) echo "env -u DOCKER_BUILDKIT $CLI build -q --network none" ;;
  esac
}

# time_builds ENGINE METRIC RUNS CMD...: median wall time of RUNS runs of CMD.
time_builds() {
  local engine=$1 metric=$2 runs=$3 i start times="" log=$T/logs/$1-$2
  shift 3
  for i in $(seq "$runs"); do
    start=$(now_ms)
    if ! timeout --foreground 300 "$@" >"$log" 2>&1; then
      rec "$engine" "$metric" failed "$(grep -m1 -i error "$log" || first_error "$log")"
      return 1
    fi
    times="$times $(($(now_ms) - start))"
  done
  rec "$engine" "$metric" value "$(echo $times | tr ' ' '\n' | median)" ms "median of $runs"
}

# bench_build ENGINE
bench_build() {
  local engine=$1 runs=${BENCH_BUILD_RUNS:-3} cmd
  echo "    build: cold, cached, two parallel stages x$runs"
  write_build_contexts
  cmd=$(build_cmd "$engine")
  # shellcheck disable=SC2086 # cmd is words on purpose
  time_builds "$engine" build_cold "$runs" $cmd --no-cache -t bench-build:1 "$T/build-big" ||
    { skip_rest "$engine" skipped "the cold build failed" build_cached; return; }
  # shellcheck disable=SC2086
  time_builds "$engine" build_cached "$runs" $cmd -t bench-build:1 "$T/build-big"
  # shellcheck disable=SC2086
  time_builds "$engine" build_parallel "$runs" $cmd --no-cache -t bench-build:2 "$T/build-parallel"
  $CLI rmi -f bench-build:1 bench-build:2 >/dev/null 2>&1
}

# build_once ENGINE METRIC: one timed build of METRIC on ENGINE (the engine
# in use is switched); prints the milliseconds, or fails.
build_once() {
  local engine=$1 metric=$2 cmd start
  engine_use_"$engine"
  cmd=$(build_cmd "$engine")
  start=$(now_ms)
  case $metric in
  # shellcheck disable=SC2086 # cmd is words on purpose
  build_cold) timeout --foreground 300 $cmd --no-cache -t bench-build:1 "$T/build-big" ;;
  build_cached) timeout --foreground 300 $cmd -t bench-build:1 "$T/build-big" ;;
  build_parallel) timeout --foreground 300 $cmd --no-cache -t bench-build:2 "$T/build-parallel" ;;
  esac >"$T/logs/$engine-$metric" 2>&1 || return 1
  echo $(($(now_ms) - start))
}

# bench_build_interleaved ENGINE...: BENCH_BUILD_RUNS rounds; in each,
# every metric is built on every engine in turn. Records and prints the
# medians (bench/build.sh).
bench_build_interleaved() {
  local runs=${BENCH_BUILD_RUNS:-3} round metric engine ms times
  declare -A all=()
  write_build_contexts
  for round in $(seq "$runs"); do
    for metric in $BUILD_METRICS; do
      for engine in "$@"; do
        if ms=$(build_once "$engine" "$metric"); then
          all[$engine.$metric]="${all[$engine.$metric]:-} $ms"
          echo "  round $round $engine $metric $ms ms (load $(cut -d' ' -f1 /proc/loadavg))"
        else
          echo "  round $round $engine $metric failed: $(first_error "$T/logs/$engine-$metric")"
        fi
      done
    done
  done
  printf '%-16s' metric
  for engine in "$@"; do printf '%10s' "$engine"; done
  echo "  wharf/docker"
  for metric in $BUILD_METRICS; do
    printf '%-16s' "$metric"
    declare -A med=()
    for engine in "$@"; do
      times=${all[$engine.$metric]:-}
      med[$engine]=$([ -n "$times" ] && echo $times | tr ' ' '\n' | median || echo -)
      printf '%10s' "${med[$engine]}"
      [ -n "$times" ] && rec "$engine" "$metric" value "${med[$engine]}" ms "median of $runs, interleaved"
    done
    if [[ ${med[wharf]:--} != - && ${med[docker]:--} != - ]]; then
      awk -v w="${med[wharf]}" -v d="${med[docker]}" 'BEGIN { printf "  %.2f\n", w / d }'
    else
      echo "  -"
    fi
    unset med
  done
}
