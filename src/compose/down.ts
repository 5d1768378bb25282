/**
 * `down`: stop and remove the project's containers (found by labels, in
 * reverse dependency order, independent ones in parallel), then its networks,
 * with -v its volumes, with --rmi its images.
 */
import { ClientError } from "../client/index.ts";
import { runHooks } from "./hooks.ts";
import { defaultImage } from "./labels.ts";
import { inDependencyOrder } from "./order.ts";
import {
  removeNetworks,
  removeVolumes,
  type ApplyContext,
} from "./resources.ts";
import { nameOf, projectContainers, serviceOf } from "./state.ts";

/** Options of down. */
export type DownOptions = {
  volumes?: boolean;
  removeOrphans?: boolean;
  rmi?: "all" | "local";
  timeout?: number;
};

/** Brings the project down. Throws ClientError on the first failure after the others finish. */
export async function down(
  ctx: ApplyContext,
  options: DownOptions = {},
): Promise<void> {
  const { client, project, progress } = ctx;
  const all = { ...project.services, ...project.disabledServices };
  const containers = await projectContainers(client, project.name, {
    oneoff: "any",
  });
  const known = new Set(Object.keys(all));
  const orphans = containers.filter((c) => !known.has(serviceOf(c)));
  // with no compose file at hand every labelled container belongs to the project
  const removeAll = options.removeOrphans || known.size === 0;
  if (orphans.length && !removeAll)
    progress.line(
      `WARN[0000] Found orphan containers ([${orphans.map(nameOf).join(" ")}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`,
    );
  const targets = containers.filter(
    (c) => removeAll || known.has(serviceOf(c)),
  );
  const services = [...new Set(targets.map(serviceOf))];
  await inDependencyOrder(
    services,
    (s) => Object.keys(all[s]?.depends_on ?? {}),
    async (s) => {
      await Promise.all(
        targets
          .filter((c) => serviceOf(c) === s)
          .map(async (c) => {
            const name = nameOf(c);
            if (
              c.State === "running" ||
              c.State === "paused" ||
              c.State === "restarting"
            ) {
              if (c.State === "running")
                await runHooks(client, all[s], "pre_stop", c.Id);
              await progress.step(
                "Container",
                name,
                ["Stopping", "Stopped"],
                () =>
                  client.containers.stop(
                    c.Id,
                    options.timeout === undefined
                      ? {}
                      : { timeout: options.timeout },
                  ),
              );
            }
            await progress.step(
              "Container",
              name,
              ["Removing", "Removed"],
              () =>
                client.containers.remove(c.Id, {
                  force: true,
                  volumes: options.volumes === true,
                }),
            );
          }),
      );
    },
    { reverse: true },
  );
  await removeNetworks(ctx);
  if (options.volumes) await removeVolumes(ctx);
  if (options.rmi) {
    const images = new Set(
      Object.values(all)
        .filter((s) => options.rmi === "all" || !s.image)
        .map((s) => defaultImage(project.name, s)),
    );
    for (const ref of images)
      try {
        await progress.step("Image", ref, ["Removing", "Removed"], () =>
          client.images.remove(ref),
        );
      } catch (err) {
        if (!(err instanceof ClientError && err.status === 404)) throw err;
      }
  }
}
