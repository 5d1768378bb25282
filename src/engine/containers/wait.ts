import type { ContainerWaitResponse } from "../../api/containers.ts";
import type { ContainerDeps } from "./deps.ts";
import { isRunning } from "./record.ts";

/** Conditions of POST /containers/{id}/wait. */
export type WaitCondition = "not-running" | "next-exit" | "removed";

/**
 * docker wait. Resolves once the container is known to exist (so the route
 * can flush its headers); `done` resolves when the condition is met (at
 * once for not-running on a stopped container).
 */
export async function wait(
  d: Pick<ContainerDeps, "store" | "waiters">,
  ref: string,
  condition: WaitCondition = "not-running",
): Promise<{ done: Promise<ContainerWaitResponse> }> {
  const r = d.store.resolve(ref);
  const result = (code: number): ContainerWaitResponse => ({
    StatusCode: code,
    Error: null,
  });
  // compat: moby counts a restarting container as running, so not-running
  // waits for its next exit rather than answering at once.
  if (
    condition === "not-running" &&
    !isRunning(r) &&
    r.state.status !== "restarting"
  )
    return { done: Promise.resolve(result(r.state.exitCode)) };
  const done =
    condition === "removed"
      ? d.waiters.untilRemoved(r.id)
      : d.waiters.untilExit(r.id);
  return { done: done.then(result) };
}
