# The seccomp piece of bench/logging.sh (sourced, not run): what Docker's
# default profile costs a `run --rm busybox true` against
# `--security-opt seccomp=unconfined`, on wharf and on Docker in the same run.
#
#   seccomp_cpu_setup       one accounting cgroup $SC_CG (cgroup v1 cpuacct or
#                           v2) with daemon/ (each engine's daemons moved in,
#                           so conmon, crun, containerd, shims and runc land
#                           there too) and ctr/ (the containers' --cgroup-parent)
#   seccomp_cpu_adopt PID…  moves daemon processes into $SC_CG/daemon
#   seccomp_rounds N OUT    N rounds; each runs the four variants (wharf and
#                           Docker, default and unconfined) once, in an order
#                           that rotates every round, and appends
#                           "round variant wall_ms cpu_ms" lines to OUT (CPU:
#                           everything in $SC_CG, engine + container)
#   seccomp_summary OUT     per variant: median and p10 wall, mean CPU; per
#                           engine: the default−unconfined difference of the
#                           medians and the median and interquartile range of
#                           the paired (same round) differences
#   seccomp_cpu_remove      removes $SC_CG (after the engines stopped)
# Interleaving makes a load that changes during the run weigh on every
# variant alike; the paired differences' spread says how much of a wall
# difference is noise. CPU time holds up under load where wall time does not.

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
seccomp_cpu_adopt() {
  local pid
  for pid in "$@"; do echo "$pid" >"$(sc_root)/$SC_CG/daemon/cgroup.procs" || return 1; done
}
# sc_run VARIANT: one `run --rm busybox true`; VARIANT is wharf-default,
# wharf-unconfined, docker-default or docker-unconfined. Prints "wall_ms cpu_ms".
sc_run() {
  local engine=${1%%-*} profile=${1#*-} c0 t0 t1 c1 opts
  opts=(--rm --network none --cgroup-parent "/$SC_CG/ctr")
  [ "$profile" = unconfined ] && opts+=(--security-opt seccomp=unconfined)
  engine_use_"$engine"
  c0=$(sc_usage_ns)
  t0=$(date +%s%N)
  docker run "${opts[@]}" busybox true >/dev/null || return 1
  t1=$(date +%s%N)
  c1=$(sc_usage_ns)
  awk -v w=$((t1 - t0)) -v c=$((c1 - c0)) 'BEGIN { printf "%.2f %.2f\n", w / 1e6, c / 1e6 }'
}
SC_VARIANTS=(wharf-default wharf-unconfined docker-default docker-unconfined)
seccomp_rounds() {
  local rounds=$1 out=$2 i j v r
  for i in $(seq "$rounds"); do
    for j in 0 1 2 3; do
      v=${SC_VARIANTS[$(((i + j) % 4))]}
      # Every other round backwards, so no variant always follows the same one.
      ((i % 2)) && v=${SC_VARIANTS[$(((i + 3 - j) % 4))]}
      r=$(sc_run "$v") || return 1
      echo "$i $v $r" >>"$out"
    done
  done
}
seccomp_summary() {
  node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
const by = {}, round = {};
for (const l of lines) {
  const [i, v, w, c] = l.split(" ");
  (by[v] ??= { wall: [], cpu: [] }).wall.push(+w);
  by[v].cpu.push(+c);
  (round[i] ??= {})[v] = +w;
}
const q = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
const f = (x) => (x >= 0 ? "+" : "") + x.toFixed(1);
console.log("| engine | CPU default | CPU unconfined | CPU difference | wall default (median, p10) | wall unconfined (median, p10) | wall difference of medians | paired wall differences: median [IQR] |");
console.log("|---|---|---|---|---|---|---|---|");
for (const e of ["wharf", "docker"]) {
  const d = by[e + "-default"], u = by[e + "-unconfined"];
  const pairs = Object.values(round).filter((r) => e + "-default" in r && e + "-unconfined" in r).map((r) => r[e + "-default"] - r[e + "-unconfined"]);
  console.log(`| ${e} | ${mean(d.cpu).toFixed(1)} ms | ${mean(u.cpu).toFixed(1)} ms | ${f(mean(d.cpu) - mean(u.cpu))} ms | ${q(d.wall, 0.5).toFixed(1)}, ${q(d.wall, 0.1).toFixed(1)} ms | ${q(u.wall, 0.5).toFixed(1)}, ${q(u.wall, 0.1).toFixed(1)} ms | ${f(q(d.wall, 0.5) - q(u.wall, 0.5))} ms | ${f(q(pairs, 0.5))} [${f(q(pairs, 0.25))}, ${f(q(pairs, 0.75))}] ms |`);
}
' "$1"
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
