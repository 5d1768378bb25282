import type { ContainerConfig } from "../../oci/image.ts";
import { InvalidArgumentError } from "../../util/errors.ts";

/** Instructions `docker import --change` and `docker commit --change` accept (moby's validCommitCommands). */
const allowed = new Set([
  "CMD",
  "ENTRYPOINT",
  "ENV",
  "EXPOSE",
  "LABEL",
  "ONBUILD",
  "STOPSIGNAL",
  "USER",
  "VOLUME",
  "WORKDIR",
]);

/**
 * Applies Dockerfile-style change lines ("CMD [\"sh\"]", "ENV A=1", …) to a
 * copy of config. Throws InvalidArgumentError with Docker's text for an
 * instruction outside the allowed set.
 */
export function applyChanges(
  config: ContainerConfig,
  changes: string[],
): ContainerConfig {
  const out: ContainerConfig = structuredClone(config);
  for (const line of changes) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const m = /^(\S+)\s*(.*)$/s.exec(trimmed)!;
    const instr = m[1]!.toUpperCase();
    const rest = m[2]!.trim();
    // compat: moby's error text for `docker import --change "FOO bar"`.
    if (!allowed.has(instr))
      throw new InvalidArgumentError(`${m[1]!} is not a valid change command`);
    apply(out, instr, rest);
  }
  return out;
}

function apply(c: ContainerConfig, instr: string, rest: string): void {
  switch (instr) {
    case "CMD":
      c.Cmd = commandForm(rest);
      return;
    case "ENTRYPOINT":
      c.Entrypoint = rest === "" ? null : commandForm(rest);
      return;
    case "ENV":
      for (const [k, v] of keyValues(rest, "ENV")) {
        c.Env = (c.Env ?? []).filter((e) => e.split("=")[0] !== k);
        c.Env.push(`${k}=${v}`);
      }
      return;
    case "LABEL":
      for (const [k, v] of keyValues(rest, "LABEL")) (c.Labels ??= {})[k] = v;
      return;
    case "EXPOSE":
      for (const p of rest.split(/\s+/).filter(Boolean))
        (c.ExposedPorts ??= {})[p.includes("/") ? p : `${p}/tcp`] = {};
      return;
    case "VOLUME":
      for (const v of listForm(rest)) (c.Volumes ??= {})[v] = {};
      return;
    case "WORKDIR":
      c.WorkingDir = rest;
      return;
    case "USER":
      c.User = rest;
      return;
    case "STOPSIGNAL":
      c.StopSignal = rest;
      return;
    case "ONBUILD":
      (c.OnBuild ??= []).push(rest);
      return;
  }
}

/** JSON array form, else shell form wrapped in /bin/sh -c (Dockerfile semantics). */
function commandForm(rest: string): string[] {
  const json = parseJsonArray(rest);
  return json ?? ["/bin/sh", "-c", rest];
}

function listForm(rest: string): string[] {
  return parseJsonArray(rest) ?? rest.split(/\s+/).filter(Boolean);
}

function parseJsonArray(s: string): string[] | undefined {
  if (!s.startsWith("[")) return undefined;
  try {
    const v: unknown = JSON.parse(s);
    if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v;
  } catch {
    // not JSON: the shell form
  }
  return undefined;
}

/** "A=1 B=\"x y\"" or the legacy "A 1" form. */
function keyValues(rest: string, instr: string): Array<[string, string]> {
  if (!rest.includes("=")) {
    const m = /^(\S+)\s+(.*)$/s.exec(rest);
    if (!m)
      throw new InvalidArgumentError(`${instr} requires at least one argument`);
    return [[m[1]!, m[2]!]];
  }
  const out: Array<[string, string]> = [];
  const re = /([^\s=]+)=("((?:[^"\\]|\\.)*)"|'([^']*)'|(\S*))/g;
  for (const m of rest.matchAll(re))
    out.push([
      m[1]!,
      m[3] !== undefined ? m[3].replace(/\\(.)/g, "$1") : (m[4] ?? m[5] ?? ""),
    ]);
  return out;
}
