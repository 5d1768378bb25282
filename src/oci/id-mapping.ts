/**
 * User-namespace id mappings as the OCI runtime spec writes them
 * (linux.uidMappings / linux.gidMappings: containerID, hostID, size), and
 * the arithmetic over them that moby's idtools does (ToHost, ToContainer,
 * RootPair). Pure.
 *
 * Example: subordinate ranges 100000:65536 and 300000:1000 for one user
 * give [{containerID 0, hostID 100000, size 65536}, {containerID 65536,
 * hostID 300000, size 1000}]: container uid 65537 is host uid 300001.
 */

/** One contiguous range of a mapping (OCI LinuxIDMapping). */
export type IdMapping = { containerID: number; hostID: number; size: number };

/** A container's uid and gid mappings; both non-empty when remapped. */
export type IdMappings = { uidMappings: IdMapping[]; gidMappings: IdMapping[] };

/** The id nobody gets when a mapping has no entry for it (the kernel's overflowuid). */
export const OVERFLOW_ID = 65534;

/** The host id of container id `id`, or undefined when no range holds it. */
export function toHostId(ranges: IdMapping[], id: number): number | undefined {
  for (const r of ranges)
    if (id >= r.containerID && id < r.containerID + r.size)
      return r.hostID + (id - r.containerID);
  return undefined;
}

/** The container id of host id `id`, or undefined when no range holds it. */
export function toContainerId(
  ranges: IdMapping[],
  id: number,
): number | undefined {
  for (const r of ranges)
    if (id >= r.hostID && id < r.hostID + r.size)
      return r.containerID + (id - r.hostID);
  return undefined;
}

/**
 * The host uid and gid of the container's root (moby's RootPair). Throws
 * a plain Error when a mapping does not map 0: such mappings are refused
 * when they are loaded.
 */
export function rootPair(m: IdMappings): { uid: number; gid: number } {
  const uid = toHostId(m.uidMappings, 0);
  const gid = toHostId(m.gidMappings, 0);
  if (uid === undefined || gid === undefined)
    throw new Error("id mapping does not map container root");
  return { uid, gid };
}

/** "<uid>.<gid>" of the remapped root: the name of the per-mapping state directory (dockerd's). */
export function mappingKey(m: IdMappings): string {
  const { uid, gid } = rootPair(m);
  return `${uid}.${gid}`;
}

/**
 * Maps a host-owned (uid, gid) into the mapping's host range, as a
 * chown'd copy of a layer needs it: container id n becomes its host id;
 * ids the mapping cannot hold become OVERFLOW_ID (what an idmapped mount
 * shows for them).
 */
export function shiftOwner(
  m: IdMappings,
  uid: number,
  gid: number,
): { uid: number; gid: number } {
  return {
    uid: toHostId(m.uidMappings, uid) ?? OVERFLOW_ID,
    gid: toHostId(m.gidMappings, gid) ?? OVERFLOW_ID,
  };
}

/** The inverse of shiftOwner, for layer diffs and copies out of a remapped container. */
export function unshiftOwner(
  m: IdMappings,
  uid: number,
  gid: number,
): { uid: number; gid: number } {
  return {
    uid: toContainerId(m.uidMappings, uid) ?? OVERFLOW_ID,
    gid: toContainerId(m.gidMappings, gid) ?? OVERFLOW_ID,
  };
}
