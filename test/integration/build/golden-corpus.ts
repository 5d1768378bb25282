/**
 * The Dockerfile corpus in test/fixtures/dockerfiles and its golden files:
 * what the capture script (golden-capture.ts, run by
 * scripts/capture-build-golden.sh against Docker 20.10's legacy builder) and
 * the comparison test (golden.test.ts, against wharfd) share, so both read
 * the same build options and normalise configs the same way.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** Where the fixtures live: one directory per Dockerfile and its context. */
export const corpusDir = resolve(
  import.meta.dirname,
  "../../fixtures/dockerfiles",
);

/** The image config fields a golden file records, in this order. */
export const GOLDEN_FIELDS = [
  "Env",
  "Cmd",
  "Entrypoint",
  "WorkingDir",
  "User",
  "ExposedPorts",
  "Volumes",
  "Labels",
  "Healthcheck",
  "StopSignal",
  "OnBuild",
  "Shell",
] as const;

/** build.json beside a Dockerfile: build args, a target, a path to list. */
export type FixtureOptions = {
  args?: Record<string, string>;
  target?: string;
  /** A directory whose files (type, owner, mode, size) the golden records. */
  list?: string;
};

/** What golden.json holds. */
export type Golden = {
  config: Record<string, unknown>;
  files?: string[];
};

/** The fixture names (directory names), sorted. */
export function fixtureNames(): string[] {
  return readdirSync(corpusDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** A fixture's build.json, or no options. */
export function fixtureOptions(name: string): FixtureOptions {
  const path = join(corpusDir, name, "build.json");
  return existsSync(path)
    ? (JSON.parse(readFileSync(path, "utf8")) as FixtureOptions)
    : {};
}

/** The build flags (--build-arg, --target) a fixture's options mean. */
export function buildFlags(o: FixtureOptions): string[] {
  const flags = Object.entries(o.args ?? {}).flatMap(([k, v]) => [
    "--build-arg",
    `${k}=${v}`,
  ]);
  return o.target ? [...flags, "--target", o.target] : flags;
}

/** The fixture's committed golden file. */
export function readGolden(name: string): Golden {
  return JSON.parse(
    readFileSync(join(corpusDir, name, "golden.json"), "utf8"),
  ) as Golden;
}

/**
 * The golden fields of an image config (`docker image inspect` .Config):
 * absent, null and "" all read null (API 1.50 omits empty fields that 1.41
 * sends as null or ""); object keys sorted; everything else as it is.
 */
export function normaliseConfig(
  config: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of GOLDEN_FIELDS) {
    const v = config[f];
    out[f] = v === undefined || v === "" ? null : sortKeys(v);
  }
  return out;
}

function sortKeys(v: unknown): unknown {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, x]) => [k, sortKeys(x)]),
  );
}

/**
 * `docker run` arguments that list a directory of an image: one line per
 * file with its path, type, owner, mode and size (no times), sorted.
 */
export function listArgs(image: string, dir: string): string[] {
  return [
    "run",
    "--rm",
    "--network",
    "none",
    "--user",
    "0:0",
    "--entrypoint",
    "/bin/sh",
    image,
    "-c",
    `find "$0" -exec stat -c '%n %F %u:%g %a %s' {} + | sort`,
    dir,
  ];
}

/** The listing's lines; directory sizes vary by filesystem, so they read 0. */
export function listLines(stdout: string): string[] {
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => l.replace(/^(.* directory \S+ \S+) \d+$/, "$1 -"));
}
