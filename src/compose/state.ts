/**
 * What exists of a project on the engine, found by compose's labels (so
 * containers an earlier `docker compose` made are found too).
 */
import type { ContainerSummary, EngineClient } from "../client/index.ts";
import { LABEL, projectFilter } from "./labels.ts";

/** The project's containers (all states when `all`), sorted by service then number. */
export async function projectContainers(
  client: EngineClient,
  project: string,
  options: {
    all?: boolean;
    oneoff?: boolean | "any";
    services?: string[];
  } = {},
): Promise<ContainerSummary[]> {
  const extra =
    options.oneoff === "any"
      ? []
      : [`${LABEL.oneoff}=${options.oneoff ? "True" : "False"}`];
  const list = await client.containers.list({
    all: options.all ?? true,
    filters: projectFilter(project, extra),
  });
  const wanted = options.services?.length
    ? new Set(options.services)
    : undefined;
  return list
    .filter((c) => !wanted || wanted.has(serviceOf(c)))
    .sort(
      (a, b) =>
        serviceOf(a).localeCompare(serviceOf(b)) || numberOf(a) - numberOf(b),
    );
}

/** The service a container belongs to. */
export function serviceOf(c: ContainerSummary): string {
  return c.Labels[LABEL.service] ?? "";
}

/** The replica number of a container (0 when unlabelled). */
export function numberOf(c: ContainerSummary): number {
  return Number(c.Labels[LABEL.number] ?? 0) || 0;
}

/** The container's name without its leading slash. */
export function nameOf(c: ContainerSummary): string {
  return (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, "");
}

/** Every project name that has containers on the engine, with their states (for `ls`). */
export async function allProjects(
  client: EngineClient,
): Promise<Map<string, ContainerSummary[]>> {
  const list = await client.containers.list({
    all: true,
    filters: { label: [LABEL.project] },
  });
  const out = new Map<string, ContainerSummary[]>();
  for (const c of list) {
    const p = c.Labels[LABEL.project] ?? "";
    out.set(p, [...(out.get(p) ?? []), c]);
  }
  return out;
}
