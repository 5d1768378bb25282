import type { Duplex } from "node:stream";
import type { ExecCreateBody, ExecInspect } from "../../api/containers.ts";
import type { ContainerDeps } from "./deps.ts";
import {
  createExec,
  execView,
  startExec,
  type ExecDeps,
  type ExecStartOptions,
} from "./exec.ts";

/** docker exec (create) on a container named by ref. Throws ConflictError unless running. */
export async function execCreate(
  d: Pick<ContainerDeps, "store" | "execs" | "events">,
  ref: string,
  body: ExecCreateBody,
): Promise<{ Id: string }> {
  return { Id: createExec(d, d.store.resolve(ref), body) };
}

/** Starts an exec by its id; see exec.ts startExec. */
export async function execStart(
  d: ExecDeps & Pick<ContainerDeps, "store">,
  execId: string,
  options: Omit<ExecStartOptions, "open">,
  open: (multiplexed: boolean) => Duplex,
): Promise<void> {
  const e = d.execs.get(execId);
  const r = d.store.resolve(e.containerId);
  await startExec(d, e, r, { ...options, open });
}

/** Docker's exec inspect JSON. Throws NotFoundError("No such exec instance: id"). */
export async function execInspect(
  d: Pick<ContainerDeps, "store" | "execs">,
  execId: string,
): Promise<ExecInspect> {
  const e = d.execs.get(execId);
  return execView(e, d.store.get(e.containerId));
}
