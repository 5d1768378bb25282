/**
 * User namespaces for containers of a daemon with `userns-remap` (moby
 * daemon_unix.go verifyPlatformContainerSettings, oci_linux.go
 * WithNamespaces): every container whose UsernsMode is not `host` gets a
 * user namespace with the daemon's mapping, so its root is the first
 * subordinate id on the host. The mapping is stored in the record at
 * create (record.idMappings) and used for the container's whole life.
 */
import { chown } from "node:fs/promises";
import type { HostConfig } from "../../api/containers.ts";
import {
  rootPair,
  unshiftOwner,
  type IdMappings,
} from "../../oci/id-mapping.ts";
import type { OciSpec } from "../../runtime/index.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import { execFile } from "../../util/exec.ts";
import type { ContainerDeps } from "./deps.ts";
import type { ContainerRecord } from "./record.ts";

/** compat: moby's UsernsMode.IsPrivate: anything but "host" is a private namespace. */
export function wantsPrivateUserns(hc: HostConfig): boolean {
  return hc.UsernsMode !== "host";
}

/**
 * The mapping a new container gets: the daemon's, unless the daemon does
 * not remap or the container opts out with UsernsMode host. Throws
 * InvalidArgumentError with moby's texts for what a remapped container
 * cannot do: --privileged, --network host, --pid host.
 */
export function containerMappings(
  hc: HostConfig,
  daemon: IdMappings | undefined,
): IdMappings | undefined {
  if (!daemon || !wantsPrivateUserns(hc)) return undefined;
  if (hc.Privileged)
    throw new InvalidArgumentError(
      "privileged mode is incompatible with user namespaces.  You must run the container in the host namespace when running privileged mode",
    );
  if (hc.NetworkMode === "host")
    throw new InvalidArgumentError(
      "cannot share the host's network namespace when user namespaces are enabled",
    );
  if (hc.PidMode === "host")
    throw new InvalidArgumentError(
      "cannot share the host PID namespace when user namespaces are enabled",
    );
  return {
    uidMappings: daemon.uidMappings.map((m) => ({ ...m })),
    gidMappings: daemon.gidMappings.map((m) => ({ ...m })),
  };
}

/**
 * Adds the user namespace and its mappings to a container's spec (no-op
 * without a mapping). compat: dockerd leaves the default
 * net.ipv4.ping_group_range out in a remapped namespace (its gid range is
 * not mapped there); one the container asks for itself stays.
 */
export function applyUserns(spec: OciSpec, r: ContainerRecord): void {
  const m = r.idMappings;
  if (!m) return;
  // compat: moby's WithNamespaces: to share another container's network or
  // IPC namespace, a remapped container also joins its user namespace.
  const joined = spec.linux.namespaces
    .filter((n) => n.type === "network" || n.type === "ipc")
    .map((n) => /^\/proc\/(\d+)\/ns\//.exec(n.path ?? "")?.[1])
    .find((pid) => pid !== undefined);
  spec.linux.namespaces.push(
    joined
      ? { type: "user", path: `/proc/${joined}/ns/user` }
      : { type: "user" },
  );
  spec.linux.uidMappings = m.uidMappings;
  spec.linux.gidMappings = m.gidMappings;
  const own = (r.hostConfig.Sysctls ?? {}) as Record<string, string>;
  const sysctl = spec.linux.sysctl;
  if (sysctl && !("net.ipv4.ping_group_range" in own)) {
    delete sysctl["net.ipv4.ping_group_range"];
    if (!Object.keys(sysctl).length) delete spec.linux.sysctl;
  }
}

/**
 * Hands the container's own files to its mapped root: the record
 * directory's group (it is 0710, so the remapped root may reach the
 * files bound from it, as dockerd's container root is root:<remapped
 * gid>), and /etc/hostname, /etc/hosts and /etc/resolv.conf, so container
 * root may edit them as in a container without remapping.
 */
export async function chownContainerFiles(
  r: ContainerRecord,
  dir: string,
  files: string[],
): Promise<void> {
  if (!r.idMappings) return;
  const root = rootPair(r.idMappings);
  await chown(dir, 0, root.gid);
  for (const f of files) await chown(f, root.uid, root.gid);
}

/**
 * Writes the spec's net.* sysctls into a network namespace wharf made
 * before the runtime (`netns`, a path) and takes them out of the spec: a
 * remapped container's root does not own that namespace (the host's user
 * namespace does), so the runtime's own write from inside would fail with
 * EPERM. dockerd's runc creates the namespace inside the user namespace
 * instead; the values end up the same. No-op without a mapping or path.
 */
export async function writeNetSysctls(
  spec: OciSpec,
  r: ContainerRecord,
  netns: string | undefined,
): Promise<void> {
  const sysctl = spec.linux.sysctl;
  if (!r.idMappings || !netns || netns === "host" || !sysctl) return;
  const net = Object.keys(sysctl).filter((k) => k.startsWith("net."));
  if (!net.length) return;
  const args: string[] = [];
  for (const k of net) {
    args.push(k.replaceAll(".", "/"), sysctl[k]!);
    delete sysctl[k];
  }
  if (!Object.keys(sysctl).length) delete spec.linux.sysctl;
  const r2 = await execFile("nsenter", [
    `--net=${netns}`,
    "--",
    "/bin/sh",
    "-c",
    'while [ $# -gt 1 ]; do printf "%s\n" "$2" > "/proc/sys/$1" || exit 1; shift 2; done',
    "sh",
    ...args,
  ]);
  if (r2.code !== 0)
    throw new Error(`write sysctls ${net.join(", ")}: ${r2.stderr.trim()}`);
}

/**
 * The options for mounting the container's rootfs: its mapping, if any,
 * and `volatile` for an AutoRemove container, whose writable layer is
 * removed after its run (Podman mounts `--rm` containers so too).
 */
export function rootfsOptions(r: ContainerRecord): {
  idmap?: IdMappings;
  volatile?: boolean;
} {
  return {
    ...(r.idMappings ? { idmap: r.idMappings } : {}),
    ...(r.hostConfig.AutoRemove ? { volatile: true } : {}),
  };
}

/**
 * compat: what dockerd's archives of a remapped container hold (export,
 * cp out): owners as the container sees them, not the host's ids.
 */
export function unshiftOptions(r: ContainerRecord): {
  owner?: (uid: number, gid: number) => { uid: number; gid: number };
} {
  const m = r.idMappings;
  return m ? { owner: (u, g) => unshiftOwner(m, u, g) } : {};
}

/** The user-namespace mapping a container runs with, or undefined (the host's namespace). Throws NotFoundError. */
export function idMappingsOf(
  core: Pick<ContainerDeps, "store">,
  ref: string,
): IdMappings | undefined {
  return core.store.resolve(ref).idMappings;
}
