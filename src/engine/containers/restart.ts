import { publish } from "./deps.ts";
import { isRunning } from "./record.ts";
import { start, type StartVerbDeps } from "./start.ts";
import {
  cancelRestart,
  stopContainer,
  type StopDeps,
  type StopOptions,
} from "./stop.ts";

/** What docker restart uses: a stop and a start. */
export type RestartDeps = StopDeps & StartVerbDeps;

/** docker restart: stop (if running) then start; a pending policy restart is cancelled first. */
export async function restart(
  d: RestartDeps,
  ref: string,
  options: StopOptions = {},
): Promise<void> {
  const r = d.store.resolve(ref);
  if (await cancelRestart(d, r)) publish(d, r, "stop");
  if (isRunning(r)) await stopContainer(d, r, options);
  await start(d, r.id);
  publish(d, r, "restart");
}
