import type {
  OciMount,
  OciNamespace,
  OciProcess,
  OciResources,
  OciSpec,
} from "../../runtime/index.ts";
import { clampRlimits } from "../../runtime/index.ts";
import {
  BPF_ANNOTATION,
  parseSecurityOpt,
  type SeccompFilters,
} from "../../security/index.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import { hostBoundingSet } from "./host-caps.ts";
import type { ContainerRecord } from "./record.ts";

/** Docker's default capability set (moby oci/caps/defaults.go). */
export const DEFAULT_CAPS = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETFCAP",
  "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT",
  "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

/** Every capability of kernel 6.x (for --privileged and CapAdd ALL). */
export const ALL_CAPS = [
  ...DEFAULT_CAPS,
  "CAP_DAC_READ_SEARCH",
  "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",
  "CAP_IPC_LOCK",
  "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG",
  "CAP_LEASE",
  "CAP_AUDIT_CONTROL",
  "CAP_MAC_OVERRIDE",
  "CAP_MAC_ADMIN",
  "CAP_SYSLOG",
  "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ",
  "CAP_PERFMON",
  "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
];

/** Docker's masked and read-only /proc and /sys paths (moby oci/defaults.go). */
const MASKED = [
  "/proc/asound",
  "/proc/acpi",
  "/proc/interrupts",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/proc/scsi",
  "/sys/firmware",
  "/sys/devices/virtual/powercap",
];
const READONLY = [
  "/proc/bus",
  "/proc/fs",
  "/proc/irq",
  "/proc/sys",
  "/proc/sysrq-trigger",
];

/** Where Docker mounts its init binary in the container. */
export const INIT_PATH = "/sbin/docker-init";

/** Host-side inputs of buildSpec, gathered by start.ts. */
export type SpecInputs = {
  rootfs: string;
  hostnamePath: string;
  hostsPath: string;
  resolvConfPath: string;
  /** Path of the network namespace to join; undefined = a new one; "host" = none. */
  netns: string | undefined;
  /** The init binary on the host (tini-static) when HostConfig.Init. */
  initBinary: string | undefined;
  user: { uid: number; gid: number; additionalGids: number[] };
  /** The daemon's seccomp filter cache. */
  seccomp: SeccompFilters;
  /** Binds, volumes and tmpfs from mounts.ts; they replace defaults at the same destination. */
  mounts?: OciMount[];
};

/**
 * Builds the OCI spec for a container from its record (Docker's create
 * body, already merged with the image config at create). Pure.
 */
export function buildSpec(r: ContainerRecord, inputs: SpecInputs): OciSpec {
  const hc = r.hostConfig;
  const privileged = hc.Privileged === true;
  const args = [r.path, ...r.args];
  const mounts = defaultMounts(privileged, hc.ShmSize);
  for (const [dest, src] of [
    ["/etc/resolv.conf", inputs.resolvConfPath],
    ["/etc/hostname", inputs.hostnamePath],
    ["/etc/hosts", inputs.hostsPath],
  ] as const)
    mounts.push({
      destination: dest,
      type: "bind",
      source: src,
      options: ["rbind", "rprivate"],
    });
  if (inputs.initBinary) {
    mounts.push({
      destination: INIT_PATH,
      type: "bind",
      source: inputs.initBinary,
      options: ["bind", "ro"],
    });
    args.unshift(INIT_PATH, "--");
  }
  if (inputs.mounts?.length) mergeUserMounts(mounts, inputs.mounts);
  const namespaces: OciNamespace[] = [{ type: "mount" }];
  if (hc.PidMode !== "host") namespaces.push({ type: "pid" });
  if (hc.IpcMode !== "host") namespaces.push({ type: "ipc" });
  if (hc.UTSMode !== "host" && inputs.netns !== "host")
    namespaces.push({ type: "uts" });
  if (inputs.netns !== "host")
    namespaces.push(
      inputs.netns
        ? { type: "network", path: inputs.netns }
        : { type: "network" },
    );
  const spec: OciSpec = {
    ociVersion: "1.0.2",
    process: processSpec(r, {
      args,
      env: specEnv(r),
      cwd: r.config.WorkingDir || "/",
      user: inputs.user,
      terminal: r.config.Tty,
      privileged,
      capAdd: hc.CapAdd ?? [],
      capDrop: hc.CapDrop ?? [],
    }),
    root: { path: inputs.rootfs, readonly: hc.ReadonlyRootfs === true },
    mounts,
    linux: {
      namespaces,
      cgroupsPath: `/wharf/${r.id}`,
      resources: resources(r),
      maskedPaths: privileged ? [] : systemPaths(hc.MaskedPaths, MASKED),
      readonlyPaths: privileged ? [] : systemPaths(hc.ReadonlyPaths, READONLY),
    },
  };
  applySeccomp(spec, r, inputs.seccomp);
  if (inputs.netns !== "host" && hc.UTSMode !== "host")
    spec.hostname = r.config.Hostname;
  // compat: the CLI sends the terminal's size at create (API ≥ 1.42) so the
  // first command already sees it; the resize call after start comes late.
  const size = hc.ConsoleSize;
  if (r.config.Tty && size && size[0] > 0 && size[1] > 0)
    spec.process.consoleSize = { height: size[0], width: size[1] };
  if (hc.Sysctls && typeof hc.Sysctls === "object")
    spec.linux.sysctl = hc.Sysctls as Record<string, string>;
  return spec;
}

/** HostConfig.MaskedPaths/ReadonlyPaths when sent ([] = systempaths=unconfined). */
function systemPaths(sent: unknown, defaults: string[]): string[] {
  return Array.isArray(sent) ? (sent as string[]) : defaults;
}

/**
 * Docker's seccomp for the container (moby daemon/seccomp_linux.go): the
 * compiled filter goes into crun's `run.oci.seccomp_bpf_data` annotation so
 * crun skips libseccomp; execs reuse it (crun keeps the container's
 * seccomp.bpf). Throws InvalidArgumentError for a bad custom profile.
 */
function applySeccomp(spec: OciSpec, r: ContainerRecord, f: SeccompFilters) {
  const hc = r.hostConfig;
  const setup = f.forContainer(
    parseSecurityOpt(hc.SecurityOpt as string[]).seccomp,
    {
      caps: spec.process.capabilities?.bounding ?? [],
      privileged: hc.Privileged === true,
    },
  );
  if (setup.kind === "bpf")
    spec.annotations = { ...spec.annotations, [BPF_ANNOTATION]: setup.base64 };
  else if (setup.kind === "oci") spec.linux.seccomp = setup.seccomp;
}

/**
 * The process part of a spec, shared by a container's init and its execs:
 * capabilities per Docker's default set ± CapAdd/CapDrop, or all when
 * privileged; rlimits from HostConfig.Ulimits clamped to the daemon's own.
 */
export function processSpec(
  r: ContainerRecord,
  o: {
    args: string[];
    env: string[];
    cwd: string;
    user: { uid: number; gid: number; additionalGids: number[] };
    terminal: boolean;
    privileged: boolean;
    capAdd: string[];
    capDrop: string[];
  },
): OciProcess {
  const caps = capabilities(o.privileged, o.capAdd, o.capDrop);
  const p: OciProcess = {
    terminal: o.terminal,
    user: { uid: o.user.uid, gid: o.user.gid },
    args: o.args,
    env: o.env,
    cwd: o.cwd,
    capabilities: { bounding: caps, effective: caps, permitted: caps },
    noNewPrivileges: parseSecurityOpt(r.hostConfig.SecurityOpt as string[])
      .noNewPrivileges,
    oomScoreAdj: 0,
  };
  if (o.user.additionalGids.length)
    p.user.additionalGids = o.user.additionalGids;
  const ulimits = r.hostConfig.Ulimits ?? [];
  if (ulimits.length)
    p.rlimits = clampRlimits(
      ulimits.map((u) => ({
        type: `RLIMIT_${u.Name.toUpperCase()}`,
        soft: u.Soft,
        hard: u.Hard,
      })),
    );
  return p;
}

/** Capabilities after Docker's rules: ALL and names with or without CAP_. */
export function capabilities(
  privileged: boolean,
  add: string[],
  drop: string[],
): string[] {
  const host = hostBoundingSet();
  const all = ALL_CAPS.filter((c) => host.has(c));
  if (privileged) return all;
  const norm = (c: string): string => {
    const u = c.toUpperCase();
    return u === "ALL" ? u : u.startsWith("CAP_") ? u : `CAP_${u}`;
  };
  const adds = add.map(norm);
  const drops = drop.map(norm);
  for (const c of [...adds, ...drops])
    if (c !== "ALL" && !ALL_CAPS.includes(c))
      throw new InvalidArgumentError(`unknown capability: "${c}"`);
  for (const c of adds)
    if (c !== "ALL" && !host.has(c))
      throw new InvalidArgumentError(
        `capability ${c} is not in the daemon's bounding set: wharfd cannot grant it`,
      );
  let set = adds.includes("ALL") ? all : [...DEFAULT_CAPS];
  for (const c of adds) if (c !== "ALL" && !set.includes(c)) set.push(c);
  if (drops.includes("ALL")) set = adds.filter((c) => c !== "ALL");
  else set = set.filter((c) => !drops.includes(c));
  return set;
}

/** The env the process sees: PATH default, HOSTNAME, TERM for a tty, then Config.Env. */
export function specEnv(r: ContainerRecord): string[] {
  const env = [`HOSTNAME=${r.config.Hostname}`];
  if (r.config.Tty) env.push("TERM=xterm");
  const user = r.config.Env ?? [];
  if (!user.some((e) => e.startsWith("PATH=")))
    env.unshift(
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    );
  return [...env, ...user];
}

/**
 * compat: a user mount replaces a default at the same destination (e.g.
 * /dev/shm), and user mounts go parents first (moby sorts by depth).
 */
function mergeUserMounts(mounts: OciMount[], user: OciMount[]): void {
  const dests = new Set(user.map((m) => m.destination));
  const kept = mounts.filter((m) => !dests.has(m.destination));
  const depth = (m: OciMount): number =>
    m.destination.split("/").filter(Boolean).length;
  mounts.splice(
    0,
    mounts.length,
    ...kept,
    ...[...user].sort((a, b) => depth(a) - depth(b)),
  );
}

function defaultMounts(privileged: boolean, shmSize: number): OciMount[] {
  const shm = shmSize > 0 ? shmSize : 64 * 1024 * 1024;
  return [
    {
      destination: "/proc",
      type: "proc",
      source: "proc",
      options: ["nosuid", "noexec", "nodev"],
    },
    {
      destination: "/dev",
      type: "tmpfs",
      source: "tmpfs",
      options: ["nosuid", "strictatime", "mode=755", "size=65536k"],
    },
    {
      destination: "/dev/pts",
      type: "devpts",
      source: "devpts",
      options: [
        "nosuid",
        "noexec",
        "newinstance",
        "ptmxmode=0666",
        "mode=0620",
        "gid=5",
      ],
    },
    {
      destination: "/sys",
      type: "sysfs",
      source: "sysfs",
      options: ["nosuid", "noexec", "nodev", privileged ? "rw" : "ro"],
    },
    {
      destination: "/sys/fs/cgroup",
      type: "cgroup",
      source: "cgroup",
      options: ["nosuid", "noexec", "nodev", privileged ? "rw" : "ro"],
    },
    {
      destination: "/dev/mqueue",
      type: "mqueue",
      source: "mqueue",
      options: ["nosuid", "noexec", "nodev"],
    },
    {
      destination: "/dev/shm",
      type: "tmpfs",
      source: "shm",
      options: ["nosuid", "noexec", "nodev", "mode=1777", `size=${shm}`],
    },
  ];
}

function resources(r: ContainerRecord): OciResources {
  const hc = r.hostConfig;
  const out: OciResources = {};
  if (hc.Memory > 0) out.memory = { limit: hc.Memory };
  const cpu: NonNullable<typeof out.cpu> = {};
  if (hc.CpuShares > 0) cpu.shares = hc.CpuShares;
  const nano = Number(hc.NanoCpus ?? 0);
  if (nano > 0) {
    cpu.period = 100000;
    cpu.quota = Math.round((nano * 100000) / 1e9);
  } else if (Number(hc.CpuQuota ?? 0) > 0) {
    cpu.quota = Number(hc.CpuQuota);
    cpu.period = Number(hc.CpuPeriod ?? 0) || 100000;
  }
  if (typeof hc.CpusetCpus === "string" && hc.CpusetCpus)
    cpu.cpus = hc.CpusetCpus;
  if (Object.keys(cpu).length) out.cpu = cpu;
  if (hc.PidsLimit !== null && hc.PidsLimit > 0)
    out.pids = { limit: hc.PidsLimit };
  // Docker's default device cgroup: deny all, allow the standard nodes.
  out.devices = hc.Privileged
    ? [{ allow: true, access: "rwm" }]
    : [
        { allow: false, access: "rwm" },
        ...[
          [1, 3],
          [1, 5],
          [1, 7],
          [1, 8],
          [1, 9],
          [5, 0],
          [5, 1],
          [5, 2],
          [136, -1],
          [10, 200],
        ].map(([major, minor]) => {
          const d: {
            allow: boolean;
            type: string;
            major: number;
            minor?: number;
            access: string;
          } = { allow: true, type: "c", major: major!, access: "rwm" };
          if (minor! >= 0) d.minor = minor!;
          return d;
        }),
      ];
  return out;
}
