/**
 * Reading a list of compose files into one merged raw mapping: parse,
 * interpolate, validate each file against the schema, resolve `extends` and
 * `include` within it, then merge the files in order. Records for every
 * service which file defined it (for messages) and which directory its
 * relative paths are relative to (the project's, or an included project's).
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ComposeError } from "../errors.ts";
import { readEnvFile } from "./env-file.ts";
import { interpolateTree, type Lookup } from "./interpolate.ts";
import { mergeFiles, mergeValue } from "./merge.ts";
import { rebaseService } from "./rebase.ts";
import { applyTags, dropResets } from "./tags.ts";
import { validateFile } from "./validate.ts";
import { parseYaml, readYaml, type YamlFile } from "./yaml-file.ts";
import { type Dict, isDict, scalar } from "./dict.ts";

/** Where a service came from. */
export type Origin = { file: YamlFile; dir: string };

/** The merged raw files. */
export type RawProject = { data: Dict; origins: Map<string, Origin> };

/** Options shared by every file of a project. */
export type ReadOptions = {
  lookup: Lookup;
  warn?: (message: string) => void;
  /** False for `config --no-interpolate`: variables stay as written. */
  interpolate?: boolean;
  /** Include chain, to refuse include cycles. */
  chain?: string[];
};

/** Reads, interpolates and validates one file. */
export function loadFile(
  file: string,
  options: ReadOptions,
): { yaml: YamlFile; data: Dict } {
  const yaml =
    file === "-" ? parseYaml(readFileSync(0, "utf8"), "-") : readYaml(file);
  const data = (
    options.interpolate === false
      ? structuredClone(yaml.data)
      : interpolateTree(yaml.data, {
          lookup: options.lookup,
          file: yaml.file,
          lineOf: yaml.lineOf,
          ...(options.warn ? { warn: options.warn } : {}),
        })
  ) as Dict;
  dropResets(data, yaml.tags);
  validateFile(data, yaml);
  return { yaml, data };
}

/** Resolves `extends` of every service of one file (in place). Throws ComposeError on a cycle or an unknown base. */
function resolveExtends(
  data: Dict,
  yaml: YamlFile,
  dir: string,
  options: ReadOptions,
): void {
  const services = isDict(data.services) ? data.services : {};
  const done = new Set<string>();
  const visit = (name: string, stack: string[]): Dict => {
    const svc = services[name];
    if (!isDict(svc))
      throw new ComposeError(
        `cannot extend service "${name}": service not found`,
        {
          file: yaml.file,
          line: yaml.lineOf(["services", stack.at(-1) ?? name, "extends"]),
          path: ["services", stack.at(-1) ?? name, "extends"],
        },
      );
    if (done.has(name) || svc.extends === undefined) return svc;
    if (stack.includes(name))
      throw new ComposeError(
        `circular reference with extends: ${[...stack, name].join(" -> ")}`,
        {
          file: yaml.file,
          line: yaml.lineOf(["services", name, "extends"]),
          path: ["services", name, "extends"],
        },
      );
    const ext = svc.extends;
    const baseName = isDict(ext) ? String(ext.service) : scalar(ext);
    let base: Dict;
    if (isDict(ext) && ext.file !== undefined) {
      const other = loadFile(resolve(dir, scalar(ext.file)), options);
      resolveExtends(other.data, other.yaml, dirname(other.yaml.file), options);
      const b = (other.data.services as Dict | undefined)?.[baseName];
      if (!isDict(b))
        throw new ComposeError(
          `cannot extend service "${baseName}" in ${scalar(ext.file)}: service not found`,
          {
            file: yaml.file,
            line: yaml.lineOf(["services", name, "extends"]),
            path: ["services", name, "extends"],
          },
        );
      // compat: Compose v2 resolves the base's relative paths against its own file's directory
      base = rebaseService(b, dirname(other.yaml.file));
    } else base = visit(baseName, [...stack, name]);
    const own = { ...svc };
    delete own.extends;
    const merged = mergeValue("", base, own) as Dict;
    applyTags(merged, own, yaml.tags, ["services", name]);
    services[name] = merged;
    done.add(name);
    return merged;
  };
  for (const name of Object.keys(services)) visit(name, []);
}

/** Loads the included projects of one file into `into` (their own services, networks, volumes). */
function loadIncludes(
  data: Dict,
  yaml: YamlFile,
  dir: string,
  options: ReadOptions,
  into: RawProject,
): void {
  const list = Array.isArray(data.include) ? data.include : [];
  list.forEach((entry: unknown, i) => {
    const paths = isDict(entry)
      ? Array.isArray(entry.path)
        ? entry.path
        : [entry.path]
      : [entry];
    const files = paths.map((p) => resolve(dir, String(p)));
    const subDir =
      isDict(entry) && entry.project_directory
        ? resolve(dir, scalar(entry.project_directory))
        : dirname(files[0] ?? dir);
    let lookup = options.lookup;
    if (isDict(entry) && entry.env_file !== undefined) {
      const envs = Array.isArray(entry.env_file)
        ? entry.env_file
        : [entry.env_file];
      const vars: Record<string, string> = {};
      for (const e of envs)
        Object.assign(
          vars,
          readEnvFile(resolve(dir, String(e)), { lookup: options.lookup }),
        );
      lookup = (n) => options.lookup(n) ?? vars[n];
    }
    const chain = options.chain ?? [];
    if (files.some((f) => chain.includes(f)))
      throw new ComposeError("include cycle", {
        file: yaml.file,
        line: yaml.lineOf(["include", i]),
        path: ["include", i],
      });
    const sub = readFiles(files, subDir, {
      ...options,
      lookup,
      chain: [...chain, yaml.file],
    });
    for (const section of [
      "services",
      "networks",
      "volumes",
      "secrets",
      "configs",
    ]) {
      const theirs = sub.data[section];
      if (!isDict(theirs)) continue;
      const ours = (into.data[section] ??= {}) as Dict;
      for (const [name, def] of Object.entries(theirs)) {
        if (name in ours)
          throw new ComposeError(
            `${section}.${name} conflicts with imported resource`,
            {
              file: yaml.file,
              line: yaml.lineOf(["include", i]),
              path: ["include", i],
            },
          );
        ours[name] = def;
        const origin = sub.origins.get(name);
        if (section === "services" && origin) into.origins.set(name, origin);
      }
    }
  });
}

/** Reads and merges files whose relative paths are relative to `dir`. Throws ComposeError naming file, line and key. */
export function readFiles(
  files: string[],
  dir: string,
  options: ReadOptions,
): RawProject {
  const out: RawProject = { data: {}, origins: new Map() };
  for (const file of files) {
    const { yaml, data } = loadFile(file, options);
    resolveExtends(data, yaml, dir, options);
    const included: RawProject = { data: {}, origins: new Map() };
    loadIncludes(data, yaml, dir, options, included);
    delete data.include;
    for (const name of Object.keys(isDict(data.services) ? data.services : {}))
      if (!out.origins.has(name)) out.origins.set(name, { file: yaml, dir });
    for (const [name, origin] of included.origins) {
      if (isDict(data.services) && name in data.services)
        throw new ComposeError(
          `services.${name} conflicts with imported resource`,
          {
            file: yaml.file,
            line: yaml.lineOf(["services", name]),
            path: ["services", name],
          },
        );
      out.origins.set(name, origin);
    }
    out.data = mergeFiles(mergeFiles(out.data, included.data), data);
    applyTags(out.data, data, yaml.tags);
  }
  return out;
}
