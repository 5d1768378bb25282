import { randomBytes } from "node:crypto";
import type { BuildCacheRecord, BuildPruneResponse } from "../../api/build.ts";
import { mkdir, mkdtemp, rm, readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { errorMessage, InvalidArgumentError } from "../../util/errors.ts";
import { readJsonIfExists, writeJsonAtomic } from "../../util/fs.ts";
import { KeyedLock } from "../../util/lock.ts";
import type { Logger } from "../../util/log.ts";
import { parseDockerfile, type ImageService } from "../images/index.ts";
import { planBuild, readContextFiles, runPlan } from "./build.ts";
import { BuildCache } from "./cache.ts";
import { BuildContext } from "./context.ts";
import { MemoryBudget } from "./context-spool.ts";
import type { BuildContainers } from "./contract.ts";
import { sweepRootfs } from "./rootfs.ts";
import { remoteContext, type RemoteContext } from "./remote.ts";
import { cacheRow, overBudget, prunePlan, type CacheEntry } from "./prune.ts";
import { emptyTar } from "./step.ts";
import type { BuildMessage, BuildOptions, BuildJob } from "./types.ts";

/** Bytes of build contexts kept in memory at once, daemon-wide. */
const CONTEXT_MEMORY = 256 << 20;

/**
 * The builder service: POST /build on the classic API, its cache, prune.
 *
 * ```
 * <root>/builder/cache.json      the step cache index (cache.ts)
 * <root>/builder/scratch.json    {"id"}: the empty image FROM scratch uses
 * <root>/builder/kept.json       {"ids"}: build containers kept on purpose (rm=false, no forcerm)
 * <root>/builder/cache-mounts/   RUN --mount=type=cache directories, by id
 * <root>/builder/active/         a marker per scratch rootfs in use (rootfs.ts)
 * <root>/builder/tmp/            build contexts being built, Git clones of
 *                                `remote` contexts; emptied at start
 * ```
 */
export class BuilderService {
  #images: ImageService;
  #containers: BuildContainers;
  #cache: BuildCache;
  #dir: string;
  #log: Logger;
  #builds = new Map<string, AbortController>();
  #scratch: Promise<string> | undefined;
  #steps = new KeyedLock();
  #kept = new Set<string>();
  #keptLock = new KeyedLock();
  /**
   * What the contexts of all builds may hold in memory at once; a context
   * past it goes to its spool file. Most contexts are far smaller: those
   * are never written to disk unless a step needs their files there.
   */
  #contextMemory = new MemoryBudget(CONTEXT_MEMORY);

  constructor(options: {
    root: string;
    images: ImageService;
    containers: BuildContainers;
    log: Logger;
  }) {
    this.#dir = join(options.root, "builder");
    this.#images = options.images;
    this.#containers = options.containers;
    this.#log = options.log;
    this.#cache = new BuildCache({ dir: this.#dir });
  }

  /**
   * Loads the cache; removes build containers (but those rm=false or a
   * failed step without forcerm kept, listed in kept.json), scratch
   * layers and contexts a killed daemon left.
   */
  async init(): Promise<void> {
    await mkdir(join(this.#dir, "tmp"), { recursive: true, mode: 0o700 });
    await this.#cache.init();
    for (const name of await readdir(join(this.#dir, "tmp")))
      await rm(join(this.#dir, "tmp", name), { recursive: true, force: true });
    const kept = new Set(
      (await readJsonIfExists<{ ids?: string[] }>(this.#keptFile))?.ids,
    );
    const labelled = await this.#containers.leftovers();
    const left = labelled.filter((id) => !kept.has(id));
    for (const id of left)
      await this.#containers.remove(id).catch(() => undefined);
    this.#kept = new Set(labelled.filter((id) => kept.has(id)));
    if (this.#kept.size !== kept.size) await this.#saveKept();
    const layers = await sweepRootfs(this.#images, this.#dir);
    if (left.length || layers)
      this.#log.info("removed what an interrupted build left", {
        containers: left.length,
        layers,
      });
  }

  /**
   * POST /build: unpacks the context, builds, tags, and reports through
   * emit (Docker's JSON lines). A build error is reported as an error
   * message (not thrown) once output has started; errors before that
   * (bad context, parse errors) are thrown as InvalidArgumentError. The
   * context and scratch state are removed whatever happens.
   */
  async build(
    body: Readable,
    options: BuildOptions,
    emit: (m: BuildMessage) => void,
  ): Promise<string | undefined> {
    const controller = new AbortController();
    const buildId = options.buildId || randomBytes(16).toString("hex");
    this.#builds.set(buildId, controller);
    const signal = options.signal
      ? AbortSignal.any([options.signal, controller.signal])
      : controller.signal;
    const contextDir = await mkdtemp(join(this.#dir, "tmp", "context-"));
    let remote: RemoteContext | undefined;
    let context: BuildContext | undefined;
    try {
      if (options.remote) {
        body.resume();
        remote = await remoteContext(options.remote, {
          tmpDir: join(this.#dir, "tmp"),
          dockerfile: options.dockerfile || "Dockerfile",
          signal,
        });
      }
      context = await BuildContext.receive(remote?.body ?? body, contextDir, {
        signal,
        memory: this.#contextMemory,
      });
      const { text, ignore } = await readContextFiles(
        context,
        options.dockerfile || "Dockerfile",
      );
      const df = parseDockerfile(text, {
        file: options.dockerfile || "Dockerfile",
      });
      const plan = planBuild(df, {
        ...(options.target ? { target: options.target } : {}),
        labels: options.labels,
      });
      const job: BuildJob = {
        deps: {
          images: this.#images,
          containers: this.#containers,
          cache: this.#cache,
          dir: this.#dir,
          log: this.#log,
          steps: this.#steps,
          keep: (id) => this.#keep(id),
        },
        options,
        context,
        ignore,
        escape: df.escape,
        emit: options.quiet
          ? (m) => void (m.stream === undefined && emit(m))
          : emit,
        metaArgs: new Map(),
        usedArgs: new Set(),
        stageImage: () => undefined,
        signal,
        scratch: () => this.#scratchImage(),
      };
      let id: string;
      try {
        id = await runPlan(job, plan);
      } catch (err) {
        controller.abort();
        const code = (err as { exitCode?: number }).exitCode;
        emit({
          errorDetail: {
            ...(code !== undefined ? { code } : {}),
            message: errorMessage(err),
          },
          error: errorMessage(err),
        });
        return undefined;
      }
      for (const t of options.tags) {
        await this.#images.tag(id, { repo: t });
        job.emit({ stream: `Successfully tagged ${withLatest(t)}\n` });
      }
      // compat: with q=1 the legacy builder's only output is the image id.
      if (options.quiet) emit({ stream: `${id}\n` });
      return id;
    } finally {
      this.#builds.delete(buildId);
      await remote?.cleanup();
      context?.close();
      await rm(contextDir, { recursive: true, force: true });
    }
  }

  /** POST /build/cancel: aborts a build started with that buildid. Throws InvalidArgumentError for an unknown id. */
  cancel(buildId: string): void {
    const c = this.#builds.get(buildId);
    if (!c) throw new InvalidArgumentError(`no such build: ${buildId}`);
    c.abort();
  }

  /** The BuildCache rows of /system/df: one per cached step's image. */
  async diskUsage(): Promise<BuildCacheRecord[]> {
    return (await this.#entries()).map((e) => e.row);
  }

  /**
   * POST /build/prune: forgets the chosen cached steps and removes their
   * images where nothing else uses them (untagged, no container, no
   * child), children before parents. Without `all`, steps whose image
   * is tagged are kept; filters narrow the candidates (prune.ts);
   * keep-storage keeps the newest up to that many bytes. Throws
   * InvalidArgumentError for a bad filter.
   */
  async prune(options: {
    all: boolean;
    filters: Record<string, string[]>;
    keepStorage: number;
  }): Promise<BuildPruneResponse> {
    const plan = prunePlan(options.filters);
    const entries = await this.#entries();
    const now = Date.now();
    const candidates = entries.filter(
      (e) =>
        (options.all || !e.row.Shared) &&
        plan.matches(e.row, e.labels) &&
        (plan.keepMs === undefined ||
          now - Date.parse(e.row.CreatedAt) > plan.keepMs),
    );
    const drop = overBudget(entries, candidates, options.keepStorage).sort(
      (a, b) => b.row.CreatedAt.localeCompare(a.row.CreatedAt),
    );
    const deleted: string[] = [];
    let reclaimed = 0;
    // Every chosen step is forgotten; its image goes only when nothing else
    // holds it (a tagged child, a kept build container): the image store
    // keeps those, as BuildKit's prune leaves images to `docker image rm`.
    const forget = new Set(drop.map((e) => e.imageId));
    // Children before parents: steps made in the same second sort as equals,
    // so repeat the pass while it still removes something.
    let pending = drop.filter((e) => !e.row.Shared);
    while (pending.length) {
      const failed: CacheEntry[] = [];
      for (const e of pending)
        await this.#images
          .remove(e.imageId, { force: false, noprune: true })
          .then(
            () => {
              deleted.push(e.row.ID);
              reclaimed += e.row.Size;
            },
            () => failed.push(e),
          );
      if (failed.length === pending.length) break;
      pending = failed;
    }
    const images = new Set<string>(this.#images.store.ids());
    await this.#cache.forget((id) => !images.has(id) || forget.has(id));
    return {
      CachesDeleted: deleted.length ? deleted : null,
      SpaceReclaimed: reclaimed,
    };
  }

  async #entries(): Promise<CacheEntry[]> {
    const out: CacheEntry[] = [];
    for (const id of this.#cache.images()) {
      const e = await cacheRow(this.#images, id, false);
      if (e) out.push(e);
    }
    return out;
  }

  get #keptFile(): string {
    return join(this.#dir, "kept.json");
  }

  async #keep(id: string): Promise<void> {
    this.#kept.add(id);
    await this.#saveKept();
  }

  #saveKept(): Promise<void> {
    return this.#keptLock.run("kept", () =>
      writeJsonAtomic(this.#keptFile, { ids: [...this.#kept] }),
    );
  }

  /**
   * The image FROM scratch starts from: one empty layer, made once and
   * remembered in scratch.json, so its id (and so every cache key of a
   * scratch stage) stays the same across daemon restarts. Made again only
   * when someone removed it.
   */
  async #scratchImage(): Promise<string> {
    const current = this.#scratch;
    if (current) {
      const id = await current.catch(() => undefined);
      if (id && this.#images.store.record(id)) return id;
      if (this.#scratch !== current) return this.#scratchImage();
    }
    this.#scratch = this.#loadScratch();
    return this.#scratch;
  }

  async #loadScratch(): Promise<string> {
    const file = join(this.#dir, "scratch.json");
    const saved = await readJsonIfExists<{ id?: string }>(file);
    if (saved?.id && this.#images.store.record(saved.id)) return saved.id;
    const id = await this.#images.import(emptyTar(), { fromSrc: "-" });
    await writeJsonAtomic(file, { id });
    return id;
  }
}

function withLatest(t: string): string {
  const slash = t.lastIndexOf("/");
  return t.slice(slash + 1).includes(":") ? t : `${t}:latest`;
}

/** For parse-only checks (tests, wharf build --check): parses and plans without building. */
export function checkDockerfile(text: string, file = "Dockerfile"): void {
  planBuild(parseDockerfile(text, { file }), { labels: {} });
}
