/**
 * loadProject: from command-line options and the environment to a normalized
 * Project. Order, as compose v2: find files → project directory → .env /
 * --env-file (the process environment wins over them) → read, interpolate,
 * validate, extend, include and merge the files → project name (-p,
 * COMPOSE_PROJECT_NAME, `name:`, the directory's name) → profiles → normalize
 * services and resources → check references and dependency cycles.
 */
import { existsSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { ComposeError } from "../errors.ts";
import type { FileObjectConfig, Project, Service } from "../model.ts";
import {
  checkProjectName,
  findFiles,
  normalizeProjectName,
} from "./discover.ts";
import { readEnvFile } from "./env-file.ts";
import { readFiles } from "./files.ts";
import { normalizeService } from "./normalize.ts";
import { checkReferences } from "./references.ts";
import { resolvePath } from "./service-volumes.ts";
import { type Dict, isDict } from "./dict.ts";

/** What the global compose flags and the environment say. */
export type LoadOptions = {
  files?: string[];
  projectName?: string;
  projectDirectory?: string;
  profiles?: string[];
  envFiles?: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  warn?: (message: string) => void;
  /** False for `config --no-interpolate`. */
  interpolate?: boolean;
  /** Services named on the command line: enabled whatever their profiles say (with what they depend on). */
  enable?: string[];
};

/** Loads and normalizes a project. Throws ComposeError naming file, line and key of the first problem. */
export function loadProject(options: LoadOptions): Project {
  const { cwd } = options;
  const dotenvDir = options.projectDirectory
    ? resolve(cwd, options.projectDirectory)
    : undefined;
  // COMPOSE_FILE may itself come from the project directory's .env
  const early = dotenvDir ? dotenv(dotenvDir, options) : {};
  const files = findFiles({
    files: options.files ?? [],
    cwd,
    env: { ...early, ...options.env },
  });
  const workingDir =
    dotenvDir ??
    (files[0] === "-" || files[0] === undefined ? cwd : dirname(files[0]));
  const vars: Record<string, string> = { ...dotenv(workingDir, options) };
  for (const [k, v] of Object.entries(options.env))
    if (v !== undefined) vars[k] = v;
  const lookup = (name: string): string | undefined => vars[name];
  const raw = readFiles(files, workingDir, {
    lookup,
    ...(options.interpolate === false ? { interpolate: false } : {}),
    ...(options.warn ? { warn: options.warn } : {}),
  });
  const data = raw.data;
  const explicit = options.projectName ?? vars.COMPOSE_PROJECT_NAME;
  const name = explicit
    ? checkProjectName(explicit)
    : typeof data.name === "string" && data.name
      ? checkProjectName(data.name)
      : normalizeProjectName(basename(workingDir));
  if (!name) throw new ComposeError("project name must not be empty");
  const profiles = options.profiles?.length
    ? options.profiles
    : (vars.COMPOSE_PROFILES ?? "").split(",").filter(Boolean);
  const services: Record<string, Service> = {};
  const disabled: Record<string, Service> = {};
  for (const [svcName, def] of Object.entries(
    isDict(data.services) ? data.services : {},
  )) {
    const origin = raw.origins.get(svcName);
    const svc = normalizeService(svcName, isDict(def) ? def : {}, {
      file: origin?.file.file ?? files[0] ?? "",
      workingDir: origin?.dir ?? workingDir,
      lookup,
      ...(origin ? { lineOf: origin.file.lineOf } : {}),
    });
    const own = svc.profiles ?? [];
    const on =
      own.length === 0 ||
      own.some((p) => profiles.includes(p) || profiles.includes("*"));
    (on ? services : disabled)[svcName] = svc;
  }
  enableNamed(services, disabled, options.enable ?? []);
  const project: Project = {
    name,
    workingDir,
    configFiles: files,
    services,
    disabledServices: disabled,
    networks: resources(data.networks, name),
    volumes: resources(data.volumes, name),
    secrets: fileObjects(data.secrets, name, workingDir),
    configs: fileObjects(data.configs, name, workingDir),
    environment: vars,
    raw: data,
  };
  const usesDefault = Object.values(services).some(
    (s) => s.networks && "default" in s.networks,
  );
  if (usesDefault && !project.networks.default)
    project.networks.default = { name: `${name}_default` };
  checkReferences(project, raw.origins, files[0] ?? "");
  return project;
}

/** compat: Compose v2 enables a service named on the command line, and what it depends on, whatever its profiles. */
function enableNamed(
  services: Record<string, Service>,
  disabled: Record<string, Service>,
  names: string[],
): void {
  const queue = [...names];
  for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
    const s = disabled[n];
    if (!s) continue;
    services[n] = s;
    delete disabled[n];
    queue.push(...Object.keys(s.depends_on ?? {}));
  }
}

function dotenv(dir: string, options: LoadOptions): Record<string, string> {
  const lookup = (n: string): string | undefined => options.env[n];
  const explicit = options.envFiles?.length
    ? options.envFiles
    : options.env.COMPOSE_ENV_FILES?.split(",");
  if (explicit?.length) {
    const out: Record<string, string> = {};
    for (const f of explicit)
      Object.assign(
        out,
        readEnvFile(resolve(options.cwd, f), {
          lookup: (n) => out[n] ?? lookup(n),
        }),
      );
    return out;
  }
  const file = resolve(dir, ".env");
  return existsSync(file) ? readEnvFile(file, { lookup }) : {};
}

/** Top-level networks/volumes: the name Docker objects get (`<project>_<key>`, or `name:`, or the key when external). */
function resources(
  section: unknown,
  project: string,
): Record<string, Dict & { name: string }> {
  const out: Record<string, Dict & { name: string }> = {};
  for (const [key, def] of Object.entries(isDict(section) ? section : {})) {
    const d = isDict(def) ? { ...def } : {};
    if (isDict(d.external)) {
      // compose file v3's `external: {name: x}`
      d.name ??= d.external.name;
      d.external = true;
    }
    const nameOf =
      typeof d.name === "string"
        ? d.name
        : d.external === true
          ? key
          : `${project}_${key}`;
    if (d.labels !== undefined && Array.isArray(d.labels))
      d.labels = Object.fromEntries(
        d.labels.map((l: unknown) => {
          const s = String(l);
          const i = s.indexOf("=");
          return i < 0 ? [s, ""] : [s.slice(0, i), s.slice(i + 1)];
        }),
      );
    out[key] = { ...d, name: nameOf };
  }
  return out;
}

function fileObjects(
  section: unknown,
  project: string,
  dir: string,
): Record<string, FileObjectConfig> {
  const out: Record<string, FileObjectConfig> = {};
  for (const [key, def] of Object.entries(isDict(section) ? section : {})) {
    const d = (isDict(def) ? { ...def } : {}) as FileObjectConfig & Dict;
    if (typeof d.file === "string") d.file = resolvePath(dir, d.file);
    out[key] = {
      ...d,
      name:
        typeof d.name === "string"
          ? d.name
          : d.external
            ? key
            : `${project}_${key}`,
    };
  }
  return out;
}
