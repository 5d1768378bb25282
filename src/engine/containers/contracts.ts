/**
 * The narrow views of containers other engine kinds get at construction
 * (daemon/wire.ts builds the ContainerStore first and hands these out),
 * instead of setters called after the fact, and the one resolver of
 * `container:<ref>` modes into the donor's namespace paths.
 */
import type { UsageCheck } from "../images/index.ts";
import type { ContainerLookup } from "../networks/index.ts";
import {
  ConflictError,
  InvalidArgumentError,
  NotFoundError,
} from "../../util/errors.ts";
import { isRunning, type ContainerRecord } from "./record.ts";
import type { ContainerStore } from "./store.ts";

/**
 * Networks' view: the record itself (it fits NetContainer: id, name,
 * config, hostConfig, state), found by name, id or prefix. Rejects with
 * NotFoundError("No such container: ref").
 */
export function containerLookup(store: ContainerStore): ContainerLookup {
  return async (ref) => store.resolve(ref);
}

/** Images' view for rmi: a container using imageId, running ones first. */
export function imageUsage(store: ContainerStore): UsageCheck {
  return (imageId) => {
    const users = store.all().filter((r) => r.imageId === imageId);
    const r = users.find(isRunning) ?? users[0];
    return r ? { id: r.id, running: isRunning(r) } : undefined;
  };
}

/** A namespace a container can join. */
export type NamespaceKind = "net" | "pid" | "ipc";

/**
 * Resolves `container:<ref>` to the donor record and its /proc/<pid>/ns/<kind>
 * path, with moby's errors: InvalidArgumentError for a missing donor (400,
 * as moby), ConflictError for one restarting or not running (`net` words
 * it as moby's "cannot join network of a non running container").
 */
export function donorNamespace(
  store: ContainerStore,
  mode: string,
  kind: NamespaceKind,
): { donor: ContainerRecord; path: string } {
  const ref = mode.slice("container:".length);
  let d: ContainerRecord;
  try {
    d = store.resolve(ref);
  } catch (err) {
    // compat: moby answers a missing donor with 400, not 404.
    if (err instanceof NotFoundError && kind !== "net")
      throw new InvalidArgumentError(err.message);
    throw err;
  }
  if (kind !== "net" && d.state.status === "restarting")
    throw new ConflictError(
      `Container ${d.id} is restarting, wait until the container is running`,
    );
  if (!isRunning(d))
    throw new ConflictError(
      kind === "net"
        ? `cannot join network of a non running container: ${d.id}`
        : `container ${d.id} is not running`,
    );
  return { donor: d, path: `/proc/${d.state.pid}/ns/${kind}` };
}
