/**
 * depends_on conditions: before a service's containers start, wait until the
 * containers of each dependency are started (service_started), healthy
 * (service_healthy) or exited 0 (service_completed_successfully), with
 * compose v2's messages when they cannot become so.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { ComposeError } from "./errors.ts";
import type { Dependency } from "./model.ts";
import type { ApplyContext } from "./resources.ts";
import { nameOf, projectContainers } from "./state.ts";

const POLL_MS = 250;

/** Waits for one dependency's condition. Throws ComposeError when it fails (unhealthy, no healthcheck, exited non-zero). */
export async function waitCondition(
  ctx: ApplyContext,
  dep: string,
  d: Dependency,
  signal?: AbortSignal,
): Promise<void> {
  if (d.condition === "service_started") return;
  const containers = await projectContainers(ctx.client, ctx.project.name, {
    services: [dep],
  });
  if (containers.length === 0) {
    if (d.required === false) return;
    throw new ComposeError(
      `dependency failed to start: service "${dep}" has no container`,
    );
  }
  await Promise.all(
    containers.map(async (c) => {
      const name = nameOf(c);
      ctx.progress.event("Container", name, "Waiting");
      for (;;) {
        signal?.throwIfAborted();
        const info = await ctx.client.containers.inspect(c.Id);
        const st = info.State;
        if (d.condition === "service_healthy") {
          const health = st.Health?.Status;
          if (!health)
            throw new ComposeError(
              `dependency failed to start: container ${name} has no healthcheck configured`,
            );
          if (health === "healthy") {
            ctx.progress.event("Container", name, "Healthy");
            return;
          }
          if (health === "unhealthy")
            throw new ComposeError(
              `dependency failed to start: container ${name} is unhealthy`,
            );
          if (!st.Running)
            throw new ComposeError(
              `dependency failed to start: container ${name} exited (${st.ExitCode})`,
            );
        } else if (!st.Running && st.Status !== "created") {
          if (st.ExitCode !== 0)
            throw new ComposeError(
              `service "${dep}" didn't complete successfully: exit ${st.ExitCode}`,
            );
          ctx.progress.event("Container", name, "Exited");
          return;
        }
        await sleep(POLL_MS, undefined, signal ? { signal } : {});
      }
    }),
  );
}
