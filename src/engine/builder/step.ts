import { Readable } from "node:stream";
import type { ContainerConfig } from "../../oci/image.ts";
import { BuildCache } from "./cache.ts";
import type { BuildJob, StageState } from "./types.ts";

/** The args Docker lets a build use undeclared and keeps out of history (moby's BuiltinAllowedBuildArgs). */
export const PROXY_ARGS = new Set([
  "HTTP_PROXY",
  "http_proxy",
  "HTTPS_PROXY",
  "https_proxy",
  "FTP_PROXY",
  "ftp_proxy",
  "NO_PROXY",
  "no_proxy",
  "ALL_PROXY",
  "all_proxy",
]);

/**
 * The proxy args the build was given: every stage may use them undeclared,
 * in RUN and in other instructions' variables alike (moby's
 * BuildArgs.FilterAllowed), and history never shows them.
 */
export function givenProxyArgs(job: BuildJob): [string, string][] {
  return [...PROXY_ARGS].flatMap((k) => {
    const v = job.options.buildArgs[k];
    return typeof v === "string" ? [[k, v] as [string, string]] : [];
  });
}

/** The first 12 hex digits of an image id, as the legacy builder prints them. */
export function short(id: string): string {
  return id.replace(/^sha256:/, "").slice(0, 12);
}

/** Variables for expansion: the stage's ARGs, overridden by its ENV (Docker's precedence). */
export function stageVars(s: StageState): Map<string, string> {
  const vars = new Map<string, string>();
  for (const [k, v] of s.args) if (v !== undefined) vars.set(k, v);
  for (const e of s.config.Env ?? []) {
    const eq = e.indexOf("=");
    vars.set(eq < 0 ? e : e.slice(0, eq), eq < 0 ? "" : e.slice(eq + 1));
  }
  return vars;
}

/** ARG values a RUN sees, as the `|N K=V` prefix of its CreatedBy (proxy args left out). */
export function argsPrefix(s: StageState): string[] {
  return [...s.args]
    .filter(([k, v]) => v !== undefined && !PROXY_ARGS.has(k))
    .map(([k, v]) => `${k}=${v!}`);
}

/** An empty layer tar: 1024 zero bytes. */
export function emptyTar(): Readable {
  return Readable.from([Buffer.alloc(1024)]);
}

/**
 * Finishes one step with the cache rules: unless the cache is disabled, an
 * earlier image for the same parent, CreatedBy, config and checksum is
 * reused (" ---> Using cache"); otherwise make() builds it and the result
 * is recorded. Once a step misses, later steps miss too: their parent is
 * new. The lookup and the making hold the key's
 * lock (deps.steps): a concurrent build of the same step waits for it
 * and then reuses its image. Prints " ---> <id>".
 */
export async function cachedStep(
  job: BuildJob,
  s: StageState,
  step: {
    createdBy: string;
    config: ContainerConfig;
    checksum?: string;
    make: () => Promise<string>;
  },
): Promise<void> {
  const key = BuildCache.key({
    parent: s.imageId,
    createdBy: step.createdBy,
    config: step.config,
    ...(step.checksum ? { checksum: step.checksum } : {}),
  });
  // compat: the legacy builder stops looking up after a miss. A step made
  // from a parent this build just made can only hit what a concurrent build
  // made from that same parent, so the lookup stays: that is the reuse.
  const id = !job.options.noCache
    ? await job.deps.steps.run(key, async () => {
        const hit = await findCached(job, s, key, step);
        if (hit) job.emit({ stream: " ---> Using cache\n" });
        return hit ?? (await makeStep(job, key, step.make));
      })
    : await makeStep(job, key, step.make);
  s.imageId = id;
  s.config = step.config;
  job.emit({ stream: ` ---> ${short(id)}\n` });
}

async function makeStep(
  job: BuildJob,
  key: string,
  make: () => Promise<string>,
): Promise<string> {
  const id = await make();
  await job.deps.cache.set(key, id);
  return id;
}

async function findCached(
  job: BuildJob,
  s: StageState,
  key: string,
  step: { createdBy: string; config: ContainerConfig },
): Promise<string | undefined> {
  const { images, cache } = job.deps;
  const id = cache.get(key);
  if (id && images.store.record(id)) return id;
  // cachefrom: an image (or one of its parents) made from the same parent
  // by the same instruction with the same config (the legacy builder's rule).
  for (const ref of job.options.cacheFrom) {
    let cur: string | undefined = await images
      .resolve(ref)
      .then((r) => r.id)
      .catch(() => undefined);
    while (cur) {
      const rec = images.store.record(cur);
      if (!rec) break;
      const cfg = images.store.config(cur);
      const last = cfg.history?.[cfg.history.length - 1];
      if (
        rec.parent === s.imageId &&
        last?.created_by === step.createdBy &&
        JSON.stringify(cfg.config ?? {}) === JSON.stringify(step.config)
      )
        return cur;
      cur = rec.parent;
    }
  }
  return undefined;
}

/** Commits a config-only step: an image with the same layers and one empty_layer history entry. */
export async function commitConfig(
  job: BuildJob,
  s: StageState,
  createdBy: string,
  config: ContainerConfig,
): Promise<void> {
  await cachedStep(job, s, {
    createdBy,
    config,
    make: () =>
      job.deps.images.commit(emptyTar(), {
        parentImageId: s.imageId,
        config,
        containerId: "",
        createdBy,
        ...(s.author ? { author: s.author } : {}),
      }),
  });
}
