/**
 * One owner for what a running container holds. A start records each
 * resource in `r.resources` before it acquires it (write-ahead, saved
 * without fsync: a daemon crash keeps the page cache, and a power loss
 * takes every mount, netns and cgroup with it anyway); `release()` undoes
 * the list in reverse and is the only teardown: failed start, exit, stop,
 * `--rm`, remove and boot-time recovery all call it.
 *
 * | kind    | acquired by                      | released by                         |
 * | ------- | -------------------------------- | ----------------------------------- |
 * | bundle  | mkdir <execRoot>/containers/<id> | rm -r of the bundle                 |
 * | rootfs  | images.mountRootfs (overlay)     | images.unmountRootfs                |
 * | network | networking.prepare (netns, veth, | networking.release                  |
 * |         | addresses, ports)                |                                     |
 * | mounts  | mounts.prepare (volumes mounted) | mounts.release                      |
 * | shm     | the shareable host-side /dev/shm | its unmount                         |
 * | logger  | logging.start (the log driver's  | logging.finish (copies the rest of  |
 * |         | sink, the copier of conmon's log)| conmon's log, closes the driver)    |
 * | runtime | runtime.create (conmon, crun     | runtime.remove (crun delete: state  |
 * |         | state, cgroup)                   | and cgroup)                         |
 *
 * The record's directory (log file, hosts/hostname/resolv.conf) and the
 * writable layer outlive a stop (`docker logs`, `docker start` again):
 * they belong to the container, not to its run, and go with `forget`.
 */
import { errorMessage } from "../../util/errors.ts";
import type { ContainerRecord, Resource } from "./record.ts";

export type { Resource } from "./record.ts";

/** How each kind is undone; every function is idempotent (no-op when not held). */
export type Releasers = Record<Resource, (r: ContainerRecord) => Promise<void>>;

/** The order a start acquires in; release walks it backwards. */
export const RESOURCE_ORDER: readonly Resource[] = [
  "bundle",
  "rootfs",
  "network",
  "mounts",
  "shm",
  "logger",
  "runtime",
];

/**
 * Records kinds as held before they are acquired and persists the list
 * (through `journal`) so a crash between here and the acquisition is undone
 * at the next boot. A kind already listed is not added twice.
 */
export async function hold(
  r: ContainerRecord,
  kinds: readonly Resource[],
  journal: (r: ContainerRecord) => Promise<void>,
): Promise<void> {
  const list = (r.resources ??= []);
  for (const k of kinds) if (!list.includes(k)) list.push(k);
  await journal(r);
}

/**
 * Undoes what r holds, newest first, and empties r.resources (the caller
 * saves the record). The process must be gone before its filesystem goes:
 * `runtime` comes first in the chain runtime → shm → mounts → rootfs; the
 * network does not depend on that chain and is torn down beside it (each
 * step is a spawn or a syscall); the bundle goes last. Failures are logged, never thrown:
 * the container is gone either way. Idempotent.
 */
export async function release(
  r: ContainerRecord,
  releasers: Releasers,
  log: { warn(msg: string, fields?: Record<string, unknown>): void },
): Promise<void> {
  const held = new Set(r.resources ?? []);
  if (!held.size) return;
  const undo = async (kind: Resource): Promise<void> => {
    if (!held.has(kind)) return;
    try {
      await releasers[kind](r);
    } catch (err) {
      log.warn(`cannot release the container's ${kind}`, {
        id: r.id,
        err: errorMessage(err),
      });
    }
  };
  await Promise.all([
    undo("network"),
    (async () => {
      await undo("runtime");
      // The monitor is gone: conmon's log is complete, the driver gets the rest.
      await undo("logger");
      await undo("shm");
      await undo("mounts");
      await undo("rootfs");
    })(),
  ]);
  await undo("bundle");
  r.resources = [];
}

/**
 * What a record written before the resource list existed may hold: every
 * kind its start could have acquired (each release is idempotent, so
 * listing one that is not held costs a no-op). Records from the landed
 * layout thus go through the same release as new ones.
 */
export function migrateResources(r: ContainerRecord): void {
  if (r.resources) return;
  r.resources = RESOURCE_ORDER.filter(
    (k) => k !== "shm" || r.hostConfig.IpcMode === "shareable",
  );
}
