/**
 * The `develop.watch` rules of a service and what a batch of changed host
 * paths means for it: which rule each path falls under (first match, not
 * ignored), the container path it syncs to, and the sync itself: changed
 * files copied in as one tar (PUT /containers/{id}/archive), deleted ones
 * removed with an exec `rm -rf`.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { isAbsolute, join, posix, relative, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pack } from "tar-stream";
import type { EngineClient } from "../client/index.ts";
import { patternMatcher } from "./build-context.ts";
import { runHook, type Hook } from "./hooks.ts";
import type { Service } from "./model.ts";

/** One normalized watch rule. */
export type WatchRule = {
  path: string;
  action: "sync" | "rebuild" | "restart" | "sync+restart" | "sync+exec";
  target?: string;
  ignore: (rel: string) => boolean;
  exec?: Hook;
  initialSync: boolean;
};

// compat: compose v2 always ignores VCS directories and editors' temporary files
const DEFAULT_IGNORES = [
  ".git",
  "**/.git",
  "*~",
  "**/*~",
  "**/.*.swp",
  "**/.*.swx",
  "**/4913",
];

/** The service's watch rules, paths absolute (relative ones against dir). */
export function watchRules(service: Service, dir: string): WatchRule[] {
  const develop = service.develop as { watch?: unknown[] } | undefined;
  return (develop?.watch ?? []).map((raw) => {
    const r = raw as Record<string, unknown>;
    const ignore =
      r.ignore === undefined ? [] : ([] as unknown[]).concat(r.ignore);
    const path = String(r.path);
    return {
      path: isAbsolute(path) ? path : resolve(dir, path),
      action: String(r.action) as WatchRule["action"],
      ...(typeof r.target === "string" ? { target: r.target } : {}),
      ignore: patternMatcher([...DEFAULT_IGNORES, ...ignore.map(String)]),
      ...(r.exec ? { exec: r.exec as Hook } : {}),
      initialSync: r.initial_sync === true,
    };
  });
}

/** The rule a host path falls under (undefined when none, or ignored). */
export function ruleFor(
  rules: WatchRule[],
  file: string,
): WatchRule | undefined {
  for (const r of rules) {
    const rel = relative(r.path, file);
    if (rel.startsWith("..") || isAbsolute(rel)) continue;
    if (rel !== "" && r.ignore(rel.split(sep).join("/"))) return undefined;
    return r;
  }
  return undefined;
}

/** The container path a host path syncs to under a rule. */
export function containerPath(rule: WatchRule, file: string): string {
  const rel = relative(rule.path, file).split(sep).join("/");
  return posix.join(rule.target ?? "/", rel);
}

/** Files under a host path (itself when a file), skipping ignored ones. */
function filesUnder(rule: WatchRule, p: string): string[] {
  const st = lstatSync(p);
  if (!st.isDirectory()) return [p];
  return readdirSync(p).flatMap((n) => {
    const child = join(p, n);
    return ruleFor([rule], child) ? filesUnder(rule, child) : [];
  });
}

/** Copies changed paths into the container and removes deleted ones. Resolves with how many paths it handled. */
export async function syncPaths(
  client: EngineClient,
  container: string,
  rule: WatchRule,
  paths: string[],
): Promise<number> {
  const tar = pack();
  const gone: string[] = [];
  let n = 0;
  for (const p of paths) {
    if (!existsSync(p)) {
      gone.push(containerPath(rule, p));
      continue;
    }
    for (const f of filesUnder(rule, p)) {
      const st = lstatSync(f);
      if (!st.isFile()) continue;
      tar.entry(
        {
          name: containerPath(rule, f).replace(/^\/+/, ""),
          mode: st.mode & 0o7777,
          mtime: st.mtime,
        },
        readFileSync(f),
      );
      n++;
    }
  }
  tar.finalize();
  if (n) await client.archive.putArchive(container, "/", Readable.from(tar));
  if (gone.length)
    await runHook(
      client,
      container,
      { command: ["rm", "-rf", ...gone] },
      "sync",
    );
  return n + gone.length;
}
