import { publish, type ContainerDeps } from "./deps.ts";
import { checkPause, checkUnpause } from "./record.ts";

/** What pause and unpause use. */
export type PauseDeps = Pick<
  ContainerDeps,
  "store" | "lock" | "events" | "runtime" | "probes"
>;

/** docker pause (cgroup freezer). Throws ConflictError unless running. */
export async function pause(d: PauseDeps, ref: string): Promise<void> {
  const r = d.store.resolve(ref);
  await d.lock.run(r.id, async () => {
    checkPause(r);
    await d.runtime.pause(r.id);
    r.state.status = "paused";
    d.probes.stopped(r);
    await d.store.save(r);
    publish(d, r, "pause");
  });
}

/** docker unpause. Throws ConflictError unless paused. */
export async function unpause(d: PauseDeps, ref: string): Promise<void> {
  const r = d.store.resolve(ref);
  await d.lock.run(r.id, async () => {
    checkUnpause(r);
    await d.runtime.resume(r.id);
    r.state.status = "running";
    d.probes.resume(r);
    await d.store.save(r);
    publish(d, r, "unpause");
  });
}
