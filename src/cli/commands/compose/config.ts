/** `compose config`: the normalized project, or parts of it. */
import { stringify } from "yaml";
import { configHash } from "../../../compose/labels.ts";
import type { Project } from "../../../compose/model.ts";
import type { ComposeCommand } from "./context.ts";

/** The project as compose prints it (name, services, networks, volumes, secrets, configs), empty sections left out. */
export function printable(project: Project): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(project.services).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    const copy: Record<string, unknown> = { ...s };
    delete copy.name;
    if (Object.keys(s.environment).length === 0) delete copy.environment;
    services[name] = copy;
  }
  const out: Record<string, unknown> = { name: project.name, services };
  for (const k of ["networks", "volumes", "secrets", "configs"] as const)
    if (Object.keys(project[k]).length) out[k] = project[k];
  return out;
}

/** The merged, un-normalized model (`--no-normalize`): services left out by profiles are dropped. */
export function rawPrintable(project: Project): Record<string, unknown> {
  const raw = { ...(project.raw ?? {}) };
  delete raw.version;
  delete raw.name;
  const services = { ...((raw.services ?? {}) as Record<string, unknown>) };
  for (const n of Object.keys(services))
    if (!project.services[n]) delete services[n];
  return { name: project.name, ...raw, services };
}

/** `compose config`. */
export const config: ComposeCommand = {
  usage: "[OPTIONS] [SERVICE...]",
  short: "Parse, resolve and render compose file in canonical format",
  flags: [
    {
      name: "format",
      type: "string",
      description: "Format the output. Values: [yaml | json]",
      default: "yaml",
    },
    {
      name: "services",
      type: "bool",
      description: "Print the service names, one per line.",
    },
    {
      name: "volumes",
      type: "bool",
      description: "Print the volume names, one per line.",
    },
    {
      name: "profiles",
      type: "bool",
      description: "Print the profile names, one per line.",
    },
    {
      name: "images",
      type: "bool",
      description: "Print the image names, one per line.",
    },
    {
      name: "hash",
      type: "string",
      description: 'Print the service config hash, one per line ("*" for all).',
    },
    {
      name: "quiet",
      short: "q",
      type: "bool",
      description: "Only validate the configuration, don't print anything.",
    },
    {
      name: "output",
      short: "o",
      type: "string",
      description: "Save to file (default to stdout)",
    },
    {
      name: "no-interpolate",
      type: "bool",
      description: "Don't interpolate environment variables.",
    },
    {
      name: "no-normalize",
      type: "bool",
      description: "Don't normalize compose model.",
    },
  ],
  action: async (ctx) => {
    const fl = ctx.flags;
    const project = ctx.project();
    const out = ctx.io.stdout;
    const lines = (xs: string[]): void =>
      void out.write(xs.map((x) => `${x}\n`).join(""));
    if (fl.bool("quiet")) return;
    if (fl.bool("services")) return lines(Object.keys(project.services));
    if (fl.bool("volumes")) return lines(Object.keys(project.volumes));
    if (fl.bool("profiles"))
      return lines(
        [
          ...new Set(
            [
              ...Object.values(project.services),
              ...Object.values(project.disabledServices),
            ].flatMap((s) => s.profiles ?? []),
          ),
        ].sort(),
      );
    if (fl.bool("images"))
      return lines(
        Object.values(project.services).map(
          (s) => s.image ?? `${project.name}-${s.name}`,
        ),
      );
    const hash = fl.string("hash");
    if (hash !== undefined) {
      const names =
        hash === "*" ? Object.keys(project.services) : hash.split(",");
      return lines(
        names
          .filter((n) => project.services[n])
          .map((n) => `${n} ${configHash(project.services[n] as never)}`),
      );
    }
    // --no-normalize: the merged files as written (short syntaxes kept), profiles applied
    const data =
      fl.bool("no-normalize") && project.raw
        ? rawPrintable(project)
        : printable(project);
    const text =
      fl.string("format") === "json"
        ? `${JSON.stringify(data, null, 4)}\n`
        : stringify(data, { lineWidth: 0 });
    const file = fl.string("output");
    if (file) {
      const { writeFileSync } = await import("node:fs");
      writeFileSync(file, text);
    } else out.write(text);
  },
};
