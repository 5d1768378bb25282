/**
 * `depends_on: {X: {restart: true}}`: when compose restarts or recreates X
 * (up, restart), the services that declare it are restarted after it, as
 * compose v2 does; restarts by the daemon's restart policy do not count.
 */
import type { Project } from "./model.ts";
import { inDependencyOrder } from "./order.ts";
import type { ApplyContext } from "./resources.ts";
import { nameOf, projectContainers, serviceOf } from "./state.ts";

/** The services (transitively) declaring `restart: true` on one of `changed`, minus `changed` itself. */
export function dependentsToRestart(
  project: Project,
  changed: Set<string>,
): string[] {
  const out = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const [name, s] of Object.entries(project.services)) {
      if (changed.has(name) || out.has(name)) continue;
      const hit = Object.entries(s.depends_on ?? {}).some(
        ([dep, d]) => d.restart === true && (changed.has(dep) || out.has(dep)),
      );
      if (hit) {
        out.add(name);
        grew = true;
      }
    }
  }
  return [...out];
}

/** Restarts the running containers of the dependents of `changed`, in dependency order. */
export async function restartDependents(
  ctx: ApplyContext,
  changed: Set<string>,
  timeout?: number,
): Promise<void> {
  const names = dependentsToRestart(ctx.project, changed);
  if (!names.length) return;
  const list = await projectContainers(ctx.client, ctx.project.name, {
    services: names,
    all: false,
  });
  await inDependencyOrder(
    names,
    (n) => Object.keys(ctx.project.services[n]?.depends_on ?? {}),
    async (n) => {
      await Promise.all(
        list
          .filter((c) => serviceOf(c) === n)
          .map((c) =>
            ctx.progress.step(
              "Container",
              nameOf(c),
              ["Restarting", "Started"],
              () =>
                ctx.client.containers.restart(
                  c.Id,
                  timeout === undefined ? {} : { timeout },
                ),
            ),
          ),
      );
    },
  );
}
