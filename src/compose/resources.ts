/**
 * The project's networks and volumes: created on `up` with compose's names and
 * labels, checked when external, removed on `down` (networks always,
 * volumes with -v), including ones an earlier run labelled for the project.
 */
import { ClientError, type EngineClient } from "../client/index.ts";
import type { NetworkCreateBody } from "../api/networks.ts";
import { ComposeError } from "./errors.ts";
import { COMPOSE_VERSION, LABEL, projectFilter } from "./labels.ts";
import type { Project } from "./model.ts";
import type { Progress } from "./progress.ts";

/** What apply steps share. */
export type ApplyContext = {
  client: EngineClient;
  project: Project;
  progress: Progress;
};

const notFound = (err: unknown): boolean =>
  err instanceof ClientError && err.status === 404;

/** Creates (or checks) one network by its key. Throws ComposeError for a missing external network. */
export async function ensureNetwork(
  ctx: ApplyContext,
  key: string,
): Promise<void> {
  const { client, project, progress } = ctx;
  const net = project.networks[key];
  if (!net) throw new ComposeError(`network ${key} is not defined`);
  const found = (
    await client.networks.list({ filters: { name: [net.name] } })
  ).find((n) => n.Name === net.name);
  if (found) return;
  if (net.external)
    throw new ComposeError(
      `network ${net.name} declared as external, but could not be found`,
    );
  const body: NetworkCreateBody = {
    Name: net.name,
    Driver: net.driver ?? "bridge",
    Labels: {
      ...(net.labels ?? {}),
      [LABEL.network]: key,
      [LABEL.project]: project.name,
      [LABEL.version]: COMPOSE_VERSION,
    },
    ...(net.driver_opts ? { Options: net.driver_opts } : {}),
    ...(net.internal ? { Internal: true } : {}),
    ...(net.attachable ? { Attachable: true } : {}),
    ...(net.enable_ipv6 ? { EnableIPv6: true } : {}),
  };
  if (net.ipam)
    body.IPAM = {
      Driver: net.ipam.driver ?? "default",
      Config: (net.ipam.config ?? []).map((c) => ({
        ...(c.subnet ? { Subnet: c.subnet } : {}),
        ...(c.ip_range ? { IPRange: c.ip_range } : {}),
        ...(c.gateway ? { Gateway: c.gateway } : {}),
        ...(c.aux_addresses ? { AuxiliaryAddresses: c.aux_addresses } : {}),
      })),
      ...(net.ipam.options ? { Options: net.ipam.options } : {}),
    };
  await progress.step("Network", net.name, ["Creating", "Created"], () =>
    client.networks.create(body),
  );
}

/** Creates (or checks) one named volume by its key. Throws ComposeError for a missing external volume. */
export async function ensureVolume(
  ctx: ApplyContext,
  key: string,
): Promise<void> {
  const { client, project, progress } = ctx;
  const vol = project.volumes[key];
  if (!vol) throw new ComposeError(`volume ${key} is not defined`);
  try {
    await client.volumes.inspect(vol.name);
    return;
  } catch (err) {
    if (!notFound(err)) throw err;
  }
  if (vol.external)
    throw new ComposeError(`external volume "${vol.name}" not found`);
  await progress.step("Volume", vol.name, ["Creating", "Created"], () =>
    client.volumes.create({
      Name: vol.name,
      Driver: vol.driver ?? "local",
      DriverOpts: vol.driver_opts ?? {},
      Labels: {
        ...(vol.labels ?? {}),
        [LABEL.volume]: key,
        [LABEL.project]: project.name,
        [LABEL.version]: COMPOSE_VERSION,
      },
    }),
  );
}

/** Removes the project's networks (declared non-external ones and any labelled for the project). */
export async function removeNetworks(ctx: ApplyContext): Promise<void> {
  const { client, project, progress } = ctx;
  const names = new Set(
    Object.values(project.networks)
      .filter((n) => !n.external)
      .map((n) => n.name),
  );
  for (const n of await client.networks.list({
    filters: projectFilter(project.name),
  }))
    names.add(n.Name);
  const existing = new Set((await client.networks.list()).map((n) => n.Name));
  await Promise.all(
    [...names]
      .filter((n) => existing.has(n))
      .map((name) =>
        progress.step("Network", name, ["Removing", "Removed"], () =>
          client.networks.remove(name),
        ),
      ),
  );
}

/** Removes the project's volumes (declared non-external ones and any labelled for the project). */
export async function removeVolumes(ctx: ApplyContext): Promise<void> {
  const { client, project, progress } = ctx;
  const names = new Set(
    Object.values(project.volumes)
      .filter((v) => !v.external)
      .map((v) => v.name),
  );
  const labelled = await client.volumes.list({
    filters: projectFilter(project.name),
  });
  for (const v of labelled.Volumes ?? []) names.add(v.Name);
  const existing = new Set(
    ((await client.volumes.list()).Volumes ?? []).map((v) => v.Name),
  );
  await Promise.all(
    [...names]
      .filter((n) => existing.has(n))
      .map((name) =>
        progress.step("Volume", name, ["Removing", "Removed"], () =>
          client.volumes.remove(name),
        ),
      ),
  );
}
