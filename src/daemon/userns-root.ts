/**
 * Start-up of `userns-remap` (moby setupRemappedRoot and setupDaemonRoot):
 * resolve the mapping, log it, and make sure the remapped root can reach
 * what containers bind from the data root: the data root is made 0711 and
 * every directory above it must let others search it, else the daemon
 * refuses to start with dockerd's text (a container would fail later).
 *
 * ```
 * <data-root>/<uid>.<gid>/     per-mapping state (storage/layers/mapped-lowers.ts),
 *                              uid.gid = the host ids of container root
 * ```
 */
import { chmod, mkdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { mappingKey, rootPair } from "../oci/id-mapping.ts";
import { InvalidArgumentError } from "../util/errors.ts";
import type { Logger } from "../util/log.ts";
import {
  hostIdFiles,
  resolveRemap,
  type HostIdFiles,
  type Remap,
} from "./userns-remap.ts";

/**
 * Resolves daemon.json's userns-remap for a daemon on `dataRoot`; returns
 * undefined when remapping is off ("" or root). Throws InvalidArgumentError
 * (dockerd's texts) when the user, its ranges or the path are unusable.
 */
export async function setupRemap(
  spec: string,
  dataRoot: string,
  o: { log: Logger; files?: HostIdFiles },
): Promise<Remap | undefined> {
  if (!spec) return undefined;
  const remap = await resolveRemap(spec, o.files ?? hostIdFiles);
  if (!remap) {
    o.log.warn(
      "User namespaces: root cannot be remapped with itself; user namespaces are OFF",
    );
    return undefined;
  }
  o.log.info(
    `User namespaces: ID ranges will be mapped to subuid/subgid ranges of: ${remap.user}`,
  );
  const root = rootPair(remap.mappings);
  await chmod(dataRoot, 0o711);
  await mkdir(join(dataRoot, mappingKey(remap.mappings)), {
    recursive: true,
    mode: 0o711,
  });
  for (let dir = dirname(dataRoot); dir !== "/"; dir = dirname(dir))
    if (!(await canSearch(dir, root.uid, root.gid)))
      throw new InvalidArgumentError(
        `a subdirectory in your graphroot path (${dataRoot}) restricts access to the remapped root uid/gid; please fix by allowing 'o+x' permissions on existing directories`,
      );
  return remap;
}

/** moby's canAccess: the execute bit for others, the owner or the group. */
async function canSearch(path: string, uid: number, gid: number) {
  let st;
  try {
    st = await stat(path);
  } catch {
    return false;
  }
  const perm = st.mode & 0o777;
  if (perm & 0o001) return true;
  if (st.uid === uid && perm & 0o100) return true;
  return st.gid === gid && (perm & 0o010) !== 0;
}
