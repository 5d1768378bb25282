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
import { rootPair, type IdMappings } from "../../oci/id-mapping.ts";
import type { OciSpec } from "../../runtime/index.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
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

/** Adds the user namespace and its mappings to a container's spec (no-op without a mapping). */
export function applyUserns(spec: OciSpec, m: IdMappings | undefined): void {
  if (!m) return;
  spec.linux.namespaces.push({ type: "user" });
  spec.linux.uidMappings = m.uidMappings;
  spec.linux.gidMappings = m.gidMappings;
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

/** The options for mounting the container's rootfs (its mapping, if any). */
export function rootfsOptions(r: ContainerRecord): { idmap?: IdMappings } {
  return r.idMappings ? { idmap: r.idMappings } : {};
}
