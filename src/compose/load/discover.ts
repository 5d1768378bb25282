/**
 * Which compose files a project uses: `-f` flags, else COMPOSE_FILE (split on
 * COMPOSE_PATH_SEPARATOR, ":" by default), else the first directory from the
 * working directory upwards holding compose.yaml, compose.yml,
 * docker-compose.yaml or docker-compose.yml, plus its override file.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ComposeError } from "../errors.ts";

/** File names compose looks for, in its order of preference. */
export const DEFAULT_FILES = [
  "compose.yaml",
  "compose.yml",
  "docker-compose.yml",
  "docker-compose.yaml",
];
const OVERRIDES = [
  "compose.override.yaml",
  "compose.override.yml",
  "docker-compose.override.yml",
  "docker-compose.override.yaml",
];

/** The compose files to load, absolute. Throws ComposeError when none is found. */
export function findFiles(options: {
  files: string[];
  cwd: string;
  env: Record<string, string | undefined>;
}): string[] {
  const { files, cwd, env } = options;
  if (files.length) return files.map((f) => (f === "-" ? f : resolve(cwd, f)));
  if (env.COMPOSE_FILE)
    return env.COMPOSE_FILE.split(env.COMPOSE_PATH_SEPARATOR ?? ":")
      .filter(Boolean)
      .map((f) => resolve(cwd, f));
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const main = DEFAULT_FILES.find((f) => existsSync(join(dir, f)));
    if (main) {
      const override = OVERRIDES.find((f) => existsSync(join(dir, f)));
      return [join(dir, main), ...(override ? [join(dir, override)] : [])];
    }
    if (dir === dirname(dir)) break;
  }
  throw new ComposeError("no configuration file provided: not found");
}

/** Compose's normalization of a derived project name (lowercase, [a-z0-9_-] only). */
export function normalizeProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "")
    .replace(/^[_-]+/, "");
}

/** Throws ComposeError when an explicitly given project name is not valid as is. */
export function checkProjectName(name: string): string {
  if (!name) throw new ComposeError("project name must not be empty");
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name))
    throw new ComposeError(
      `invalid project name "${name}": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`,
    );
  return name;
}
