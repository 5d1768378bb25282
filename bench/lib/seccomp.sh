# The seccomp piece of bench/logging.sh (sourced, not run): what Docker's
# default profile costs a `run --rm busybox true` against
# `--security-opt seccomp=unconfined`, on wharf and on Docker in the same run.
#
#   seccomp_cpu_setup       one accounting cgroup $SC_CG (cgroup v1 cpuacct or
#                           v2) with daemon/ (each engine's daemons moved in,
#                           so conmon, crun, containerd, shims and runc land
#                           there too) and ctr/ (the containers' --cgroup-parent)
#   seccomp_cpu ENGINE N    N rounds of one default and one unconfined run, the
#                           order flipping every round; prints
#                           "default_cpu_ms unconfined_cpu_ms default_wall_ms unconfined_wall_ms"
#                           (means; CPU of everything in $SC_CG: engine + container)
#   seccomp_cpu_remove      removes $SC_CG (after the engines stopped)
# CPU time holds up under load where wall time does not; hyperfine gives the
# wall times beside it.

SC_CG=wbsc$$
sc_root() {
  if [ -d /sys/fs/cgroup/cpuacct ]; then echo /sys/fs/cgroup/cpuacct; else echo /sys/fs/cgroup; fi
}
# sc_usage_ns: CPU time charged to $SC_CG and its children, in ns.
sc_usage_ns() {
  local r
  r=$(sc_root)
  if [ -f "$r/$SC_CG/cpuacct.usage" ]; then
    cat "$r/$SC_CG/cpuacct.usage"
  else
    awk '$1 == "usage_usec" { print $2 * 1000 }' "$r/$SC_CG/cpu.stat"
  fi
}
seccomp_cpu_setup() {
  local r
  r=$(sc_root)
  mkdir -p "$r/$SC_CG/daemon" "$r/$SC_CG/ctr" || return 1
}
# seccomp_cpu_adopt PID...: moves daemon processes into $SC_CG/daemon.
seccomp_cpu_adopt() {
  local pid
  for pid in "$@"; do echo "$pid" >"$(sc_root)/$SC_CG/daemon/cgroup.procs" || return 1; done
}
seccomp_cpu() {
  local engine=$1 rounds=$2 i v c0 t0 opts
  local -A cpu=([d]=0 [u]=0) wall=([d]=0 [u]=0)
  engine_use_"$engine"
  for i in $(seq "$rounds"); do
    for v in $( ((i % 2)) && echo d u || echo u d); do
      opts=(--rm --network none --cgroup-parent "/$SC_CG/ctr")
      [ "$v" = u ] && opts+=(--security-opt seccomp=unconfined)
      c0=$(sc_usage_ns)
      t0=$(date +%s%N)
      docker run "${opts[@]}" busybox true >/dev/null || return 1
      wall[$v]=$((wall[$v] + $(date +%s%N) - t0))
      cpu[$v]=$((cpu[$v] + $(sc_usage_ns) - c0))
    done
  done
  awk -v a="${cpu[d]}" -v b="${cpu[u]}" -v c="${wall[d]}" -v d="${wall[u]}" -v n="$rounds" \
    'BEGIN { printf "%.1f %.1f %.1f %.1f\n", a / n / 1e6, b / n / 1e6, c / n / 1e6, d / n / 1e6 }'
}
seccomp_cpu_remove() {
  local d
  # crun and runc made $SC_CG/ctr in every v1 hierarchy; children first.
  for d in /sys/fs/cgroup/*/"$SC_CG"/ctr/* /sys/fs/cgroup/*/"$SC_CG"/* /sys/fs/cgroup/*/"$SC_CG" \
    /sys/fs/cgroup/"$SC_CG"/ctr/* /sys/fs/cgroup/"$SC_CG"/* /sys/fs/cgroup/"$SC_CG"; do
    [ -d "$d" ] && rmdir "$d" 2>/dev/null
  done
  return 0
}
