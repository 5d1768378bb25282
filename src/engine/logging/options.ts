/**
 * Option parsing shared by the drivers, with Go's wording (dockerd's
 * drivers parse with go-units and strconv, and their errors reach users).
 */
import { hostname } from "node:os";
import type { LogInfo } from "./driver.ts";

const DECIMAL: Record<string, number> = {
  "": 1,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
  p: 1e15,
};

/**
 * go-units FromHumanSize: decimal units ("10k" = 10000 bytes, "1.5m",
 * "20MB", "3mi"). Throws Error `invalid size: 'x'`.
 */
export function fromHumanSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(s);
  if (!m) throw new Error(`invalid size: '${s}'`);
  return Math.trunc(Number(m[1]) * (DECIMAL[(m[2] ?? "").toLowerCase()] ?? 1));
}

/** Go's strconv.Atoi. Throws Error with its text. */
export function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s))
    throw new Error(
      `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`,
    );
  const n = Number(s);
  if (!Number.isSafeInteger(n))
    throw new Error(
      `strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`,
    );
  return n;
}

/** Go's strconv.ParseBool. Throws Error with its text. */
export function parseBool(s: string): boolean {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  throw new Error(
    `strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`,
  );
}

/**
 * The options every driver accepts besides its own (moby's builtInLogOpts,
 * with the dual-logging cache's `cache-*` keys).
 */
export const COMMON_OPTS = [
  "mode",
  "max-buffer-size",
  "cache-disabled",
  "cache-max-size",
  "cache-max-file",
  "cache-compress",
];

/** The attribute options (labels, env and their regex forms) and tag. */
export const ATTR_OPTS = ["labels", "labels-regex", "env", "env-regex", "tag"];

/** The options of the drivers that write rotated files (json-file, local). */
export const ROTATION_OPTS = [...ATTR_OPTS, "max-file", "max-size", "compress"];

/**
 * moby's ValidateLogOpts checks before the driver's own: `mode` and
 * `max-buffer-size`. Throws Error with dockerd's text.
 */
export function checkCommonOpts(config: Record<string, string>): void {
  const mode = config["mode"] ?? "";
  if (!["", "blocking", "non-blocking"].includes(mode))
    throw new Error(`logger: logging mode not supported: ${mode}`);
  const cache = config["cache-disabled"];
  if (cache) {
    try {
      parseBool(cache);
    } catch {
      throw new Error(`invalid value for option cache-disabled: ${cache}`);
    }
  }
  const max = config["max-buffer-size"];
  if (max !== undefined) {
    if (mode !== "non-blocking")
      throw new Error(
        "logger: max-buffer-size option is only supported with 'mode=non-blocking'",
      );
    try {
      ramInBytes(max);
    } catch (err) {
      throw new Error(
        `error parsing option max-buffer-size: ${(err as Error).message}`,
      );
    }
  }
}

function ramInBytes(s: string): number {
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(s);
  if (!m) throw new Error(`invalid size: '${s}'`);
  const exp = "kmgtp".indexOf((m[2] ?? "").toLowerCase()) + 1;
  return Math.trunc(Number(m[1]) * 1024 ** exp);
}

/**
 * moby's Info.ExtraAttributes: the labels and env variables the options
 * name (or match), keys passed through `keyMod`. Throws Error for a bad regex.
 */
export function extraAttributes(
  info: LogInfo,
  keyMod: (k: string) => string = (k) => k,
): Record<string, string> {
  const out: Record<string, string> = {};
  const c = info.config;
  for (const l of (c["labels"] ?? "").split(",").filter(Boolean))
    if (l in info.labels) out[keyMod(l)] = info.labels[l]!;
  if (c["labels-regex"]) {
    const re = goRegExp(c["labels-regex"]);
    for (const [k, v] of Object.entries(info.labels))
      if (re.test(k)) out[keyMod(k)] = v;
  }
  const env = new Map<string, string>();
  for (const e of info.env) {
    const i = e.indexOf("=");
    if (i > 0) env.set(e.slice(0, i), e.slice(i + 1));
  }
  for (const l of (c["env"] ?? "").split(",").filter(Boolean))
    if (env.has(l)) out[keyMod(l)] = env.get(l)!;
  if (c["env-regex"]) {
    const re = goRegExp(c["env-regex"]);
    for (const [k, v] of env) if (re.test(k)) out[keyMod(k)] = v;
  }
  return out;
}

/**
 * What a file driver (json-file, local) keeps with each entry: the extra
 * attributes, and the expanded tag when the `tag` option is set.
 */
export function fileAttributes(info: LogInfo): Record<string, string> {
  const attrs = extraAttributes(info);
  if (info.config["tag"]) {
    const tag = logTag(info, "");
    if (tag) attrs["tag"] = tag;
  }
  return attrs;
}

function goRegExp(src: string): RegExp {
  try {
    return new RegExp(src);
  } catch {
    throw new Error(`error parsing regexp: invalid expression: \`${src}\``);
  }
}

const TAG_FIELDS: Record<string, (i: LogInfo) => string> = {
  ID: (i) => i.id.slice(0, 12),
  FullID: (i) => i.id,
  Name: (i) => i.name.replace(/^\//, ""),
  Command: (i) => [i.entrypoint, ...i.args].join(" "),
  ImageID: (i) => shortImageId(i.imageId),
  ImageFullID: (i) => i.imageId,
  ImageName: (i) => i.imageName,
  Hostname: () => hostname(),
  DaemonName: (i) => i.daemonName,
};

function shortImageId(id: string): string {
  // compat: moby's stringid.TruncateID drops an algorithm prefix first.
  return id.replace(/^[^:]*:/, "").slice(0, 12);
}

/**
 * The `tag` option as moby's ParseLogTag expands it: a Go template over the
 * container's info ({{.ID}} {{.FullID}} {{.Name}} {{.Command}} {{.ImageID}}
 * {{.ImageFullID}} {{.ImageName}} {{.Hostname}} {{.DaemonName}}), or
 * `fallback` when unset. Throws Error for an unknown field.
 */
export function logTag(info: LogInfo, fallback: string): string {
  const template = info.config["tag"] || fallback;
  return template.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, field: string) => {
    const f = TAG_FIELDS[field];
    if (!f)
      throw new Error(
        `template: log-tag:1: executing "log-tag" at <.${field}>: can't evaluate field ${field} in type *logger.Info`,
      );
    return f(info);
  });
}

/** Throws Error for an option name `known` lacks, with the driver's own wording. */
export function checkKnown(
  config: Record<string, string>,
  known: readonly string[],
  message: (key: string) => string,
): void {
  for (const k of Object.keys(config))
    if (!COMMON_OPTS.includes(k) && !known.includes(k))
      throw new Error(message(k));
}
