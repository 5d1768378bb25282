import { posix } from "node:path";
import type {
  OciMount,
  OciNamespace,
  OciProcess,
  OciSpec,
} from "../../runtime/index.ts";
import { clampRlimits } from "../../runtime/index.ts";
import { parseSecurityOpt, type SeccompFilters } from "../../security/index.ts";
import { capabilities } from "./caps.ts";
import type { HostDevices } from "./devices.ts";
import {
  MASKED,
  READONLY,
  defaultMounts,
  mergeUserMounts,
  resources,
  systemPaths,
} from "./spec-linux.ts";
import type { ContainerRecord } from "./record.ts";
import type { SharedNamespaces } from "./shared-ns.ts";

/** Where Docker mounts its init binary in the container. */
export const INIT_PATH = "/sbin/docker-init";

/** Host-side inputs of buildSpec, gathered by start.ts. */
export type SpecInputs = {
  rootfs: string;
  hostnamePath: string;
  hostsPath: string;
  resolvConfPath: string;
  /** PID/IPC namespaces of another container to join and the /dev/shm to bind (shared-ns.ts). */
  shared?: SharedNamespaces;
  /** Path of the network namespace to join; undefined = a new one; "host" = none. */
  netns: string | undefined;
  /** The init binary on the host (tini-static) when HostConfig.Init. */
  initBinary: string | undefined;
  user: { uid: number; gid: number; additionalGids: number[] };
  /** The daemon's seccomp filter cache. */
  seccomp: SeccompFilters;
  /** Binds, volumes and tmpfs from mounts.ts; they replace defaults at the same destination. */
  mounts?: OciMount[];
  /** HostConfig.Devices and the blkio devices, statted on the host (devices.ts). */
  devices?: HostDevices;
};

/**
 * Builds the OCI spec for a container from its record (Docker's create
 * body, already merged with the image config at create), and the seccomp
 * filter precompiled from its linux.seccomp where the host's is (for
 * OciRuntime.create's `seccompFilter`). Pure.
 */
export function buildSpec(
  r: ContainerRecord,
  inputs: SpecInputs,
): { spec: OciSpec; seccompFilter?: string } {
  const hc = r.hostConfig;
  const privileged = hc.Privileged === true;
  const args = [r.path, ...r.args];
  const mounts = defaultMounts(privileged, hc.ShmSize).filter(
    // compat: --ipc none gets no /dev/shm.
    (m) => hc.IpcMode !== "none" || m.destination !== "/dev/shm",
  );
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
  const shared = inputs.shared ?? {};
  if (shared.shm) {
    const shm = mounts.find((m) => m.destination === "/dev/shm");
    if (shm)
      Object.assign(shm, {
        type: "bind",
        source: shared.shm,
        options: ["rbind", "rprivate", "nosuid", "noexec", "nodev"],
      });
  }
  if (inputs.mounts?.length) mergeUserMounts(mounts, inputs.mounts);
  const namespaces: OciNamespace[] = [{ type: "mount" }];
  if (hc.PidMode !== "host")
    namespaces.push(
      shared.pidns ? { type: "pid", path: shared.pidns } : { type: "pid" },
    );
  if (hc.IpcMode !== "host")
    namespaces.push(
      shared.ipcns ? { type: "ipc", path: shared.ipcns } : { type: "ipc" },
    );
  if (hc.UTSMode !== "host" && inputs.netns !== "host")
    namespaces.push({ type: "uts" });
  if (hc.CgroupnsMode === "private") namespaces.push({ type: "cgroup" });
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
      cgroupsPath: cgroupsPath(r),
      resources: resources(r, inputs.devices),
      maskedPaths: privileged ? [] : systemPaths(hc.MaskedPaths, MASKED),
      readonlyPaths: privileged ? [] : systemPaths(hc.ReadonlyPaths, READONLY),
    },
  };
  if (inputs.devices?.nodes.length) spec.linux.devices = inputs.devices.nodes;
  const annotations = hc.Annotations;
  if (annotations && typeof annotations === "object")
    spec.annotations = { ...(annotations as Record<string, string>) };
  const seccompFilter = applySeccomp(spec, r, inputs.seccomp);
  if (inputs.netns !== "host" && hc.UTSMode !== "host") {
    spec.hostname = r.config.Hostname;
    if (r.config.Domainname) spec.domainname = r.config.Domainname;
  }
  // compat: the CLI sends the terminal's size at create (API ≥ 1.42) so the
  // first command already sees it; the resize call after start comes late.
  const size = hc.ConsoleSize;
  if (r.config.Tty && size && size[0] > 0 && size[1] > 0)
    spec.process.consoleSize = { height: size[0], width: size[1] };
  const sysctl = {
    ...(ownNetns(r, inputs.netns) ? NETNS_SYSCTLS : {}),
    ...(hc.Sysctls && typeof hc.Sysctls === "object"
      ? (hc.Sysctls as Record<string, string>)
      : {}),
  };
  if (Object.keys(sysctl).length) spec.linux.sysctl = sysctl;
  return seccompFilter ? { spec, seccompFilter } : { spec };
}

/**
 * compat: what dockerd 20.10+ sets in a network namespace the container owns
 * (moby oci_linux.go WithNamespaces): unprivileged ICMP echo sockets for
 * every group and binding any port without CAP_NET_BIND_SERVICE. HostConfig
 * Sysctls override them; inspect does not show them. dockerd leaves out
 * ping_group_range in a remapped user namespace, where the range is not mapped.
 */
export const NETNS_SYSCTLS: Readonly<Record<string, string>> = {
  "net.ipv4.ping_group_range": "0 2147483647",
  "net.ipv4.ip_unprivileged_port_start": "0",
};

/** Whether the container has a network namespace of its own (not host's, not another container's). */
function ownNetns(r: ContainerRecord, netns: string | undefined): boolean {
  const mode = r.hostConfig.NetworkMode;
  return netns !== "host" && !mode.startsWith("container:");
}

/** `/wharf/<id>`, or `<CgroupParent>/<id>` (made absolute, `..` resolved) with --cgroup-parent. */
export function cgroupsPath(r: ContainerRecord): string {
  const parent = r.hostConfig.CgroupParent;
  return posix.join(
    "/",
    typeof parent === "string" && parent ? parent : "wharf",
    r.id,
  );
}

/**
 * Docker's seccomp for the container (moby daemon/seccomp_linux.go): the
 * resolved profile goes into linux.seccomp, the form every runtime reads;
 * the filter compiled from it (cached per profile and capability set) is
 * returned as base64 for the runtimes that load a precompiled program
 * instead (crun: runtime/seccomp-delivery.ts picks per runtime). Throws
 * InvalidArgumentError for a bad custom profile.
 */
function applySeccomp(
  spec: OciSpec,
  r: ContainerRecord,
  f: SeccompFilters,
): string | undefined {
  const hc = r.hostConfig;
  const setup = f.forContainer(
    parseSecurityOpt(hc.SecurityOpt as string[]).seccomp,
    {
      caps: spec.process.capabilities?.bounding ?? [],
      privileged: hc.Privileged === true,
    },
  );
  if (setup.kind === "none") return undefined;
  spec.linux.seccomp = setup.seccomp;
  return setup.kind === "bpf" ? setup.base64 : undefined;
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
    oomScoreAdj: Number(r.hostConfig.OomScoreAdj ?? 0),
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
