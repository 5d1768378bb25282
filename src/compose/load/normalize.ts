/**
 * One service's raw (merged, interpolated, validated) mapping turned into the
 * normalized model: every short syntax in its long form, env_file read into
 * environment, relative paths resolved, defaults filled as compose does.
 */
import { ComposeError } from "../errors.ts";
import type { Healthcheck, Service } from "../model.ts";
import { readEnvFile } from "./env-file.ts";
import type { Lookup } from "./interpolate.ts";
import { listToMap } from "./merge.ts";
import { parsePort } from "./ports.ts";
import { longVolume, parseVolume, resolvePath } from "./service-volumes.ts";
import { shellWords } from "./shell-words.ts";
import { type Dict, isDict } from "./dict.ts";

const str = (v: unknown): string => (typeof v === "string" ? v : String(v));

function stringMap(v: unknown, key: string): Record<string, string | null> {
  const m = listToMap(key, v ?? {});
  const out: Record<string, string | null> = {};
  if (isDict(m))
    for (const [k, x] of Object.entries(m))
      out[k] = x === null || x === undefined ? null : str(x);
  return out;
}

function words(v: unknown, what: string): string[] | null {
  if (v === null) return null;
  if (Array.isArray(v)) return v.map(str);
  try {
    return shellWords(str(v));
  } catch (err) {
    throw new ComposeError(`${what}: ${(err as Error).message}`);
  }
}

/** What normalizeService needs besides the raw mapping. */
export type NormalizeContext = {
  file: string;
  workingDir: string;
  lookup: Lookup;
  lineOf?: (path: (string | number)[]) => number | undefined;
};

/** Normalizes one service. Throws ComposeError naming file and key on a bad value or a missing env_file. */
export function normalizeService(
  name: string,
  raw: Dict,
  ctx: NormalizeContext,
): Service {
  const at = (key: string, ...rest: (string | number)[]) => {
    const path = ["services", name, key, ...rest];
    return { file: ctx.file, line: ctx.lineOf?.(path), path };
  };
  const s: Service = { ...raw, name, environment: {} };
  delete s.env_file;
  delete s.extends;
  // env_file first, environment wins (spec: "environment" has precedence)
  const envFiles =
    raw.env_file === undefined
      ? []
      : Array.isArray(raw.env_file)
        ? raw.env_file
        : [raw.env_file];
  envFiles.forEach((f: unknown, i) => {
    const path = isDict(f) ? str(f.path) : str(f);
    const required = isDict(f) ? f.required !== false : true;
    const abs = resolvePath(ctx.workingDir, path);
    try {
      Object.assign(s.environment, readEnvFile(abs, { lookup: ctx.lookup }));
    } catch (err) {
      if (!required && (err as Error).message.includes("not found")) return;
      throw new ComposeError(
        `env file ${abs} not found`,
        at("env_file", ...(Array.isArray(raw.env_file) ? [i] : [])),
      );
    }
  });
  Object.assign(s.environment, stringMap(raw.environment, "environment"));
  for (const [k, v] of Object.entries(s.environment))
    if (v === null) {
      // a bare name takes the value from the environment, else stays unset
      const found = ctx.lookup(k);
      s.environment[k] = found ?? null;
    }
  if (raw.command !== undefined) s.command = words(raw.command, "command");
  if (raw.entrypoint !== undefined)
    s.entrypoint = words(raw.entrypoint, "entrypoint");
  if (raw.labels !== undefined)
    s.labels = stringMap(raw.labels, "labels") as Record<string, string>;
  if (raw.sysctls !== undefined)
    s.sysctls = stringMap(raw.sysctls, "sysctls") as Record<string, string>;
  if (raw.extra_hosts !== undefined)
    s.extra_hosts = stringMap(raw.extra_hosts, "extra_hosts") as Record<
      string,
      string
    >;
  if (raw.ports !== undefined)
    s.ports = (raw.ports as unknown[]).flatMap((p, i) => {
      if (isDict(p))
        return [
          {
            protocol: "tcp",
            mode: "ingress",
            ...p,
            ...(p.published !== undefined
              ? { published: str(p.published) }
              : {}),
          } as never,
        ];
      try {
        return parsePort(p as string);
      } catch (err) {
        throw new ComposeError((err as Error).message, at("ports", i));
      }
    });
  if (raw.expose !== undefined) s.expose = (raw.expose as unknown[]).map(str);
  if (raw.volumes !== undefined)
    s.volumes = (raw.volumes as unknown[]).map((v, i) => {
      try {
        return isDict(v)
          ? longVolume(v, ctx.workingDir)
          : parseVolume(str(v), ctx.workingDir);
      } catch (err) {
        throw new ComposeError((err as Error).message, at("volumes", i));
      }
    });
  for (const k of [
    "tmpfs",
    "dns",
    "dns_search",
    "cap_add",
    "cap_drop",
  ] as const)
    if (typeof raw[k] === "string") s[k] = [raw[k]];
  if (raw.build !== undefined) {
    const b: Dict = isDict(raw.build)
      ? { ...raw.build }
      : { context: str(raw.build) };
    b.context = resolvePath(ctx.workingDir, str(b.context ?? "."));
    if (b.args !== undefined) b.args = stringMap(b.args, "args");
    if (b.labels !== undefined) b.labels = stringMap(b.labels, "labels");
    s.build = b as Service["build"] & object;
  }
  if (raw.healthcheck !== undefined)
    s.healthcheck = healthcheck(raw.healthcheck as Dict);
  if (raw.ulimits !== undefined) {
    s.ulimits = {};
    for (const [k, v] of Object.entries(raw.ulimits as Dict))
      s.ulimits[k] = isDict(v)
        ? { soft: Number(v.soft), hard: Number(v.hard) }
        : { soft: Number(v), hard: Number(v) };
  }
  if (raw.network_mode === undefined) {
    const nets = listToMap(
      "networks",
      raw.networks ?? { default: null },
    ) as Dict;
    s.networks = nets as Service["networks"] & object;
  }
  if (raw.depends_on !== undefined) {
    const deps = listToMap("depends_on", raw.depends_on) as Dict;
    s.depends_on = {};
    for (const [dep, v] of Object.entries(deps))
      s.depends_on[dep] = {
        condition: "service_started",
        required: true,
        ...(isDict(v) ? v : {}),
      };
  }
  implicitDependencies(s);
  if (raw.annotations !== undefined)
    s.annotations = stringMap(raw.annotations, "annotations");
  return s;
}

/** compat: as compose-go, links, volumes_from and network_mode naming a service are dependencies (service_started). */
function implicitDependencies(s: Service): void {
  const names = [
    ...((s.links as string[] | undefined) ?? []).map(
      (l) => l.split(":")[0] ?? l,
    ),
    ...((s.volumes_from as string[] | undefined) ?? [])
      .filter((v) => !v.startsWith("container:"))
      .map((v) => v.split(":")[0] ?? v),
    ...(s.network_mode?.startsWith("service:")
      ? [s.network_mode.slice("service:".length)]
      : []),
  ];
  for (const n of names)
    if (!s.depends_on?.[n])
      (s.depends_on ??= {})[n] = {
        condition: "service_started",
        required: true,
      };
}

function healthcheck(raw: Dict): Healthcheck {
  const h = { ...raw } as Healthcheck;
  const test = raw.test;
  if (typeof test === "string") h.test = ["CMD-SHELL", test];
  return h;
}
