/**
 * Cross-reference checks after normalization, with compose's wording: every
 * depends_on, network, volume, secret and config a service names must exist,
 * and depends_on must have no cycle.
 */
import { ComposeError } from "../errors.ts";
import type { Project } from "../model.ts";
import type { Origin } from "./files.ts";

/** Throws ComposeError naming the file, line and key of the first dangling reference or cycle. */
export function checkReferences(
  project: Project,
  origins: Map<string, Origin>,
  fallback: string,
): void {
  const at = (svc: string, ...path: (string | number)[]) => {
    const o = origins.get(svc);
    const full = ["services", svc, ...path];
    return {
      file: o?.file.file ?? fallback,
      line: o?.file.lineOf(full),
      path: full,
    };
  };
  const all = { ...project.services, ...project.disabledServices };
  for (const [name, s] of Object.entries(project.services)) {
    for (const [dep, d] of Object.entries(s.depends_on ?? {}))
      if (!project.services[dep] && d.required !== false)
        throw new ComposeError(
          all[dep]
            ? `service "${dep}" is required by "${name}" but is disabled by its profiles`
            : `depends on undefined service "${dep}": invalid compose project`,
          at(name, "depends_on", dep),
        );
    for (const net of Object.keys(s.networks ?? {}))
      if (!project.networks[net] && net !== "default")
        throw new ComposeError(
          `refers to undefined network ${net}: invalid compose project`,
          at(name, "networks", net),
        );
    (s.volumes ?? []).forEach((v, i) => {
      if (v.type === "volume" && v.source && !project.volumes[v.source])
        throw new ComposeError(
          `refers to undefined volume ${v.source}: invalid compose project`,
          at(name, "volumes", i),
        );
    });
    for (const kind of ["secrets", "configs"] as const) {
      const list = (s[kind] ?? []) as unknown[];
      list.forEach((ref, i) => {
        const src =
          typeof ref === "string"
            ? ref
            : String((ref as { source?: unknown }).source);
        if (!project[kind][src])
          throw new ComposeError(
            `refers to undefined ${kind.slice(0, -1)} ${src}: invalid compose project`,
            at(name, kind, i),
          );
      });
    }
  }
  findCycle(project, at);
}

function findCycle(
  project: Project,
  at: (
    svc: string,
    ...p: (string | number)[]
  ) => { file: string; line: number | undefined; path: (string | number)[] },
): void {
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, stack: string[]): void => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const cycle = [...stack.slice(stack.indexOf(name)), name];
      throw new ComposeError(
        `dependency cycle detected: ${cycle.join(" -> ")}`,
        at(stack.at(-1) ?? name, "depends_on"),
      );
    }
    state.set(name, "visiting");
    for (const dep of Object.keys(project.services[name]?.depends_on ?? {}))
      if (project.services[dep]) visit(dep, [...stack, name]);
    state.set(name, "done");
  };
  for (const name of Object.keys(project.services)) visit(name, []);
}
