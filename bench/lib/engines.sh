# Engine lifecycle for bench/run.sh (sourced, not run). Every engine lives on
# private paths under $T: nothing here touches /var/run/docker.sock,
# /var/lib/docker, /run/libpod, /var/lib/containers or /run/crun.
#
#   $T/docker-data  $T/docker-exec  $T/docker.sock  $T/docker.pid   dockerd (+ its containerd)
#   $T/wharf-data   $T/wharf-run/{wharf.sock,wharfd.pid}            wharfd
#   $T/podman-{root,run,tmp,net,crun}  $T/containers.conf           podman (daemonless)
#   $T/docker-config                                                 the Docker CLI's config dir
#
# Per engine E: engine_check_E (prints why it cannot run), engine_start_E,
# engine_use_E (sets CLI and the CLI's environment), engine_daemon_pids_E,
# SUPERVISOR_E (the per-container process name), engine_stop_E.
# Known exception: containerd 1.6 puts shim sockets in /run/containerd/s/<hash>
# whatever its state dir is; the names are hashes of our socket path, so they
# never collide with another containerd.

# make_bench_dir PREFIX: sets T to a fresh /tmp/PREFIX.XXXXXX with logs/ and
# an empty Docker CLI config (no user config or context: only DOCKER_HOST decides).
make_bench_dir() {
  T=$(mktemp -d "/tmp/$1.XXXXXX")
  mkdir -p "$T/logs" "$T/docker-config"
  export DOCKER_CONFIG=$T/docker-config
  echo '{}' >"$DOCKER_CONFIG/config.json"
  unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
}

# How long a daemon idles after start + import before its idle RSS is read:
# wharfd gives memory back after 6 s without an API request (daemon/idle-reclaim.ts).
: "${BENCH_IDLE_SECONDS:=8}"

DOCKER_PID=""
WHARF_PID=""
PODMAN_USED=""

# wait_for SECONDS CMD...: runs CMD every 0.2 s until it succeeds; fails after SECONDS.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# stop_pid PID NAME: SIGTERM, up to 20 s grace, then SIGKILL. Only pids we started.
stop_pid() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  echo "bench: $2 (pid $pid) ignored SIGTERM for 20 s; sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null
}

# remove_all_containers: rm -f every container of the engine in use (bounded).
remove_all_containers() {
  local ids
  ids=$(timeout --foreground 30 $CLI ps -aq 2>/dev/null) || return 0
  [ -z "$ids" ] || timeout --foreground 120 $CLI $RM $ids >/dev/null 2>&1 || true
}

# ---- Docker (Debian's dockerd 20.10 with the containerd it spawns) ----
engine_check_docker() {
  command -v dockerd >/dev/null || { echo "dockerd not installed (apt-get install docker.io)"; return 1; }
}
engine_use_docker() {
  export DOCKER_HOST=unix://$T/docker.sock
  CLI=docker
  RM="rm -f"
}
engine_start_docker() {
  local net_flags=(--bridge=none)
  # With bridge networking dockerd gets a private bridge made here (not
  # docker0, which another dockerd may own) and no iptables rules at all.
  if [ "$BENCH_NETWORK" = bridge ]; then
    make_docker_bridge || return 1
    net_flags=(--bridge="$DOCKER_BRIDGE")
  fi
  dockerd --data-root "$T/docker-data" --exec-root "$T/docker-exec" -H "unix://$T/docker.sock" \
    --pidfile "$T/docker.pid" "${net_flags[@]}" --iptables=false --ip-forward=false --ip-masq=false \
    >"$T/logs/dockerd.log" 2>&1 </dev/null &
  DOCKER_PID=$!
  engine_use_docker
  wait_for 30 docker version || { tail -3 "$T/logs/dockerd.log"; return 1; }
}
# A bridge named after this run with a /24 from 10.253/16 that no host route uses.
make_docker_bridge() {
  local third
  DOCKER_BRIDGE=wbd$(printf %x $$)
  for third in $(shuf -i 1-254 -n 20); do
    ip -4 route | grep -q "^10\.253\.$third\." && continue
    ip link add "$DOCKER_BRIDGE" type bridge &&
      ip addr add "10.253.$third.1/24" dev "$DOCKER_BRIDGE" &&
      ip link set "$DOCKER_BRIDGE" up && return 0
    break
  done
  echo "could not make a private bridge for dockerd" >&2
  return 1
}
engine_daemon_pids_docker() {
  echo "$DOCKER_PID" $(node "$BENCH_DIR/mem.mjs" children "$DOCKER_PID" containerd)
}
SUPERVISOR_docker=containerd-shim-runc-v2
engine_stop_docker() {
  [ -n "$DOCKER_PID" ] || return 0
  local containerd
  containerd=$(node "$BENCH_DIR/mem.mjs" children "$DOCKER_PID" containerd)
  engine_use_docker
  remove_all_containers
  stop_pid "$DOCKER_PID" dockerd
  for pid in $containerd; do stop_pid "$pid" containerd; done
  DOCKER_PID=""
  [ -n "${DOCKER_BRIDGE:-}" ] && ip link delete "$DOCKER_BRIDGE" 2>/dev/null
  DOCKER_BRIDGE=""
}

# ---- wharf (bin/wharfd: node dist/wharfd.cjs) ----
engine_check_wharf() {
  [ -f "$REPO/dist/wharfd.cjs" ] || { echo "dist/wharfd.cjs missing and the build failed"; return 1; }
}
engine_use_wharf() {
  export DOCKER_HOST=unix://$T/wharf-run/wharf.sock
  CLI=docker
  RM="rm -f"
}
# Through bin/wharfd, the installed launcher (its node and glibc memory settings
# are part of what is measured); it execs node, so $! is wharfd's pid.
engine_start_wharf() {
  mkdir -p "$T/wharf-run"
  "$REPO/bin/wharfd" --data-root "$T/wharf-data" --exec-root "$T/wharf-run" \
    >"$T/logs/wharfd.log" 2>&1 </dev/null &
  WHARF_PID=$!
  engine_use_wharf
  wait_for 20 docker version || { tail -3 "$T/logs/wharfd.log"; return 1; }
}
engine_daemon_pids_wharf() { echo "$WHARF_PID"; }
SUPERVISOR_wharf=conmon
engine_stop_wharf() {
  [ -n "$WHARF_PID" ] || return 0
  engine_use_wharf
  kill -0 "$WHARF_PID" 2>/dev/null && remove_all_containers
  stop_pid "$WHARF_PID" wharfd
  WHARF_PID=""
}

# ---- Podman (daemonless; conmon + crun like wharf) ----
# A private containers.conf keeps the engine state that the global flags do not
# cover (events log, locks, network configs) out of /run/libpod and /etc/containers.
write_podman_conf() {
  mkdir -p "$T/podman-tmp" "$T/podman-net"
  # crun runs without CAP_SYS_RESOURCE here and podman raises no limit above
  # conmon's own, so clamp container rlimits to what conmon has (Docker's
  # containers simply inherit dockerd's limits).
  local nofile nproc
  nofile=$(ulimit -Hn)
  nproc=$(ulimit -Hu)
  [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ] && nproc=32768
  cat >"$T/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[network]
network_config_dir = "$T/podman-net"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$T/podman-tmp/events.log"
tmp_dir = "$T/podman-tmp"
static_dir = "$T/podman-root/libpod"
volume_path = "$T/podman-root/volumes"
lock_type = "file"
EOF
}
engine_use_podman() {
  export CONTAINERS_CONF=$T/containers.conf
  CLI="podman --root $T/podman-root --runroot $T/podman-run --tmpdir $T/podman-tmp \
--cgroup-manager cgroupfs --events-backend file --runtime-flag root=$T/podman-crun"
  # compat: docker rm -f sends SIGKILL at once; podman's rm -f waits the stop timeout first.
  RM="rm -f -t 0"
}
engine_check_podman() {
  command -v podman >/dev/null || { echo "podman not installed"; return 1; }
  write_podman_conf
  engine_use_podman
  PODMAN_USED=1
  local out
  out=$(timeout --foreground 30 $CLI info 2>&1 >/dev/null) || { echo "podman info failed: $(echo "$out" | grep -m1 .)"; return 1; }
}
engine_start_podman() { engine_use_podman; }
engine_daemon_pids_podman() { :; }
SUPERVISOR_podman=conmon
engine_stop_podman() {
  [ -n "$PODMAN_USED" ] || return 0
  engine_use_podman
  remove_all_containers
  PODMAN_USED=""
}

# cleanup: the EXIT trap. Stops every engine, then any straggler whose command
# line names our private dir (shims, conmons: ours by construction), unmounts
# what is left under $T and removes it (BENCH_KEEP=1 keeps it).
cleanup() {
  local status=$? pid mnt
  trap - EXIT INT TERM
  engine_stop_wharf
  engine_stop_docker
  engine_stop_podman
  for pid in $(grep -lsF "$T/" /proc/[0-9]*/cmdline | cut -d/ -f3); do
    [ "$pid" = "$$" ] || kill -KILL "$pid" 2>/dev/null
  done
  for mnt in $(awk -v t="$T/" 'index($2, t) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null
  done
  if [ -n "${BENCH_KEEP:-}" ]; then
    echo "bench: kept $T"
  else
    rm -rf --one-file-system "$T" 2>/dev/null || echo "bench: could not remove all of $T" >&2
  fi
  exit "$status"
}
