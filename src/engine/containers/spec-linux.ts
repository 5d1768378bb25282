import type { OciMount, OciResources } from "../../runtime/index.ts";
import type { HostDevices } from "./devices.ts";
import type { ContainerRecord } from "./record.ts";
import { updateResources } from "./update.ts";

/** Docker's masked /proc and /sys paths (moby oci/defaults.go). */
export const MASKED = [
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

/** Docker's read-only /proc paths (moby oci/defaults.go). */
export const READONLY = [
  "/proc/bus",
  "/proc/fs",
  "/proc/irq",
  "/proc/sys",
  "/proc/sysrq-trigger",
];

/** HostConfig.MaskedPaths/ReadonlyPaths when sent ([] = systempaths=unconfined). */
export function systemPaths(sent: unknown, defaults: string[]): string[] {
  return Array.isArray(sent) ? (sent as string[]) : defaults;
}

/**
 * compat: a user mount replaces a default at the same destination (e.g.
 * /dev/shm), and user mounts go parents first (moby sorts by depth).
 */
export function mergeUserMounts(mounts: OciMount[], user: OciMount[]): void {
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

/** Docker's default mounts: /proc, /dev, devpts, /sys, cgroup, mqueue and /dev/shm (ShmSize, 64 MiB by default). */
export function defaultMounts(
  privileged: boolean,
  shmSize: number,
): OciMount[] {
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

/**
 * The cgroup resources of HostConfig: memory (limit, swap, reservation,
 * swappiness, kernel TCP, OOM killer), cpu (shares, quota/period, realtime,
 * cpusets), pids, block I/O, and Docker's default device rules followed by
 * the container's own (`host`, from devices.ts).
 */
export function resources(
  r: ContainerRecord,
  host?: HostDevices,
): OciResources {
  const hc = r.hostConfig;
  const n = (k: string): number => Number(hc[k] ?? 0);
  const out = updateResources(hc);
  const memory = { ...out.memory };
  if (n("MemoryReservation") > 0) memory.reservation = n("MemoryReservation");
  if (n("KernelMemoryTCP") > 0) memory.kernelTCP = n("KernelMemoryTCP");
  const swappiness = hc.MemorySwappiness;
  if (typeof swappiness === "number" && swappiness >= 0)
    memory.swappiness = swappiness;
  if (hc.OomKillDisable === true) memory.disableOOMKiller = true;
  if (Object.keys(memory).length) out.memory = memory;
  const cpu = { ...out.cpu };
  if (n("CpuRealtimePeriod") > 0) cpu.realtimePeriod = n("CpuRealtimePeriod");
  if (n("CpuRealtimeRuntime") > 0)
    cpu.realtimeRuntime = n("CpuRealtimeRuntime");
  if (Object.keys(cpu).length) out.cpu = cpu;
  const blockIO = { ...out.blockIO, ...host?.blockIO };
  if (Object.keys(blockIO).length) out.blockIO = blockIO;
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
        ...(host?.rules ?? []),
      ];
  return out;
}
