import { posix } from "node:path";
import type { ContainerConfig } from "../../../oci/image.ts";
import { InvalidArgumentError } from "../../../util/errors.ts";
import { expandWord, expandWords, type Vars } from "./expand.ts";
import type { CommandForm, Instruction } from "./instructions.ts";

/** The shell of shell-form commands when the image sets no SHELL. */
export const DEFAULT_SHELL = ["/bin/sh", "-c"];

/** The PATH a build stage gets when its base image sets none. */
export const DEFAULT_PATH_ENV =
  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * Appends the default PATH to a stage's starting config when its Env has no
 * PATH (scratch, an imported image), in place.
 */
export function addDefaultPath(c: ContainerConfig): void {
  // compat: moby's dispatchState.setDefaultPath, run as each stage begins.
  if (!(c.Env ?? []).some((e) => e.split("=")[0] === "PATH"))
    c.Env = [...(c.Env ?? []), DEFAULT_PATH_ENV];
}

/** What applying a config instruction needs besides the config. */
export type ApplyContext = {
  /** Variables for expansion: the config's Env plus the stage's ARGs. */
  vars: Vars;
  escape: string;
  /** True once CMD was set in this stage: ENTRYPOINT then keeps Cmd. */
  cmdSet: boolean;
};

/** The instructions that only change the image config. */
export const CONFIG_INSTRUCTIONS = new Set([
  "CMD",
  "ENTRYPOINT",
  "ENV",
  "LABEL",
  "EXPOSE",
  "VOLUME",
  "USER",
  "WORKDIR",
  "STOPSIGNAL",
  "ONBUILD",
  "HEALTHCHECK",
  "SHELL",
]);

/**
 * Applies one config instruction to c in place with Docker's semantics
 * (moby's dispatchers): ENV replaces a variable, WORKDIR is relative to the
 * previous one, shell forms run through the config's Shell, ENTRYPOINT
 * clears an inherited Cmd unless CMD was set in the same stage. Throws
 * InvalidArgumentError for a bad port, signal, duration or empty volume.
 */
export function applyConfig(
  c: ContainerConfig,
  ins: Instruction,
  ctx: ApplyContext,
): void {
  const x = (w: string): string => expandWord(w, ctx.vars, ctx.escape);
  switch (ins.kind) {
    case "CMD":
      c.Cmd = command(c, ins.command);
      return;
    case "ENTRYPOINT":
      c.Entrypoint = command(c, ins.command);
      // compat: `ENTRYPOINT []` clears it (buildkit's parseEntrypoint: empty as nil).
      if (c.Entrypoint.length === 0) c.Entrypoint = null;
      // compat: moby's dispatchEntrypoint drops the parent's CMD.
      if (!ctx.cmdSet) c.Cmd = null;
      return;
    case "ENV":
      for (const [k, v] of ins.pairs) {
        const name = x(k);
        const entry = `${name}=${x(v)}`;
        // compat: a variable already set keeps its place (moby's dispatchEnv).
        const env = [...(c.Env ?? [])];
        const at = env.findIndex((e) => e.split("=")[0] === name);
        if (at < 0) env.push(entry);
        else env[at] = entry;
        c.Env = env;
      }
      return;
    case "LABEL":
      for (const [k, v] of ins.pairs) (c.Labels ??= {})[x(k)] = x(v);
      return;
    case "EXPOSE":
      for (const p of expandWords(ins.text, ctx.vars, ctx.escape))
        for (const port of portSpecs(p)) (c.ExposedPorts ??= {})[port] = {};
      return;
    case "VOLUME": {
      const paths = ins.json
        ? ins.paths.map(x)
        : expandWords(ins.paths[0]!, ctx.vars, ctx.escape);
      for (const v of paths) {
        if (v.trim() === "")
          throw new InvalidArgumentError(
            "VOLUME specified can not be an empty string",
          );
        (c.Volumes ??= {})[v] = {};
      }
      return;
    }
    case "USER":
      c.User = x(ins.text);
      return;
    case "WORKDIR":
      c.WorkingDir = workingDir(c.WorkingDir, x(ins.text));
      return;
    case "STOPSIGNAL":
      c.StopSignal = checkSignal(x(ins.text));
      return;
    case "ONBUILD":
      (c.OnBuild ??= []).push(ins.expression);
      return;
    case "SHELL":
      c.Shell = ins.args;
      return;
    case "HEALTHCHECK":
      c.Healthcheck = inheritHealthcheck(
        ins.none ? { Test: ["NONE"] } : healthcheck(ins),
        c.Healthcheck,
      );
      return;
    default:
      throw new InvalidArgumentError(`${ins.kind} does not change the config`);
  }
}

/**
 * WORKDIR's new directory: a relative path joins the current one and is
 * cleaned; an absolute path is kept as written (moby's normalizeWorkdir).
 */
function workingDir(current: string | undefined, requested: string): string {
  return posix.isAbsolute(requested)
    ? requested
    : posix.join("/", current ?? "", requested).replace(/(.)\/+$/, "$1");
}

type Health = NonNullable<ContainerConfig["Healthcheck"]>;

/**
 * compat: the legacy builder commits each step from a container whose config
 * was merged with the parent image's (moby's daemon merge), so a new
 * HEALTHCHECK, NONE included, keeps the durations and retries it leaves unset.
 */
function inheritHealthcheck(
  next: Health,
  prev: Health | null | undefined,
): Health {
  if (!prev) return next;
  const out: Health = { ...next };
  for (const k of [
    "Interval",
    "Timeout",
    "StartPeriod",
    "StartInterval",
    "Retries",
  ] as const)
    if (!out[k] && prev[k]) out[k] = prev[k];
  return out;
}

function command(c: ContainerConfig, form: CommandForm): string[] {
  return form.json ? form.args : [...(c.Shell ?? DEFAULT_SHELL), form.text];
}

/** "80", "80/udp", "8000-8002/tcp" → "80/tcp", … (nat.ParsePortSpecs). */
export function portSpecs(spec: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/([A-Za-z]+))?$/.exec(spec);
  if (!m) throw new InvalidArgumentError(`invalid containerPort: ${spec}`);
  const proto = (m[3] ?? "tcp").toLowerCase();
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (hi < lo || hi > 65535)
    throw new InvalidArgumentError(
      `invalid range specified for container port: ${spec}`,
    );
  const out = [];
  for (let p = lo; p <= hi; p++) out.push(`${p}/${proto}`);
  return out;
}

function checkSignal(s: string): string {
  if (/^\d+$/.test(s) || /^(SIG)?[A-Z][A-Z0-9+-]*$/i.test(s)) return s;
  throw new InvalidArgumentError(`Invalid signal: ${s}`);
}

function healthcheck(
  ins: Extract<Instruction, { kind: "HEALTHCHECK"; none: false }>,
): NonNullable<ContainerConfig["Healthcheck"]> {
  const h: NonNullable<ContainerConfig["Healthcheck"]> = { Test: ins.test };
  const f = ins.flags;
  const d = (name: string): number | undefined => {
    if (f[name] === undefined) return undefined;
    const ns = parseDuration(f[name]);
    if (ns !== 0 && ns < 1_000_000)
      throw new InvalidArgumentError(
        `Interval "${name}" cannot be less than 1ms`,
      );
    return ns;
  };
  const interval = d("interval");
  const timeout = d("timeout");
  const start = d("start-period");
  const startInterval = d("start-interval");
  if (interval !== undefined) h.Interval = interval;
  if (timeout !== undefined) h.Timeout = timeout;
  if (start !== undefined) h.StartPeriod = start;
  if (startInterval !== undefined) h.StartInterval = startInterval;
  if (f.retries !== undefined) {
    const r = Number(f.retries);
    if (!Number.isInteger(r) || r < 0)
      throw new InvalidArgumentError(
        `--retries cannot be negative (${f.retries})`,
      );
    h.Retries = r;
  }
  return h;
}

const UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's time.ParseDuration ("1m30s", "500ms", "0") in nanoseconds. */
export function parseDuration(s: string): number {
  if (s === "0") return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  for (const m of s.matchAll(re)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    pos = m.index + m[0].length;
  }
  if (pos !== s.length || s === "")
    throw new InvalidArgumentError(`time: invalid duration "${s}"`);
  return Math.round(total);
}
