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
import { extractContext } from "./context.ts";
import type { BuildContainers } from "./contract.ts";
import { sweepRootfs } from "./rootfs.ts";
import { emptyTar } from "./step.ts";
import type { BuildMessage, BuildOptions, BuildJob } from "./types.ts";

/**
 * The builder service: POST /build on the classic API, its cache, prune.
 *
 * ```
 * <root>/builder/cache.json      the step cache index (cache.ts)
 * <root>/builder/scratch.json    {"id"}: the empty image FROM scratch uses
 * <root>/builder/cache-mounts/   RUN --mount=type=cache directories, by id
 * <root>/builder/active/         a marker per scratch rootfs in use (rootfs.ts)
 * <root>/builder/tmp/            build contexts being built, emptied at start
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

  /** Loads the cache; removes build containers, scratch layers and contexts a killed daemon left. */
  async init(): Promise<void> {
    await mkdir(join(this.#dir, "tmp"), { recursive: true, mode: 0o700 });
    await this.#cache.init();
    for (const name of await readdir(join(this.#dir, "tmp")))
      await rm(join(this.#dir, "tmp", name), { recursive: true, force: true });
    const left = await this.#containers.leftovers();
    for (const id of left)
      await this.#containers.remove(id).catch(() => undefined);
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
    try {
      await extractContext(body, contextDir, signal);
      const { text, ignore } = await readContextFiles(
        contextDir,
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
        },
        options,
        contextDir,
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
      await rm(contextDir, { recursive: true, force: true });
    }
  }

  /** POST /build/cancel: aborts a build started with that buildid. Throws InvalidArgumentError for an unknown id. */
  cancel(buildId: string): void {
    const c = this.#builds.get(buildId);
    if (!c) throw new InvalidArgumentError(`no such build: ${buildId}`);
    c.abort();
  }

  /** The BuildCache rows of /system/df: one per cached intermediate image. */
  async diskUsage(): Promise<BuildCacheRecord[]> {
    const out: BuildCacheRecord[] = [];
    for (const id of this.#cache.images()) {
      const rec = this.#images.store.record(id);
      if (!rec) continue;
      const cfg = this.#images.store.config(id);
      const last = cfg.history?.[cfg.history.length - 1];
      out.push({
        ID: id.slice(7, 32),
        Parents: rec.parent ? [rec.parent.slice(7, 32)] : null,
        Type: "regular",
        Description: last?.created_by ?? "",
        InUse: false,
        Shared: this.#images.store.refsOf(id).length > 0,
        Size: 0,
        CreatedAt: cfg.created ?? new Date(0).toISOString(),
        LastUsedAt: null,
        UsageCount: 1,
      });
    }
    return out;
  }

  /**
   * POST /build/prune: forgets cached steps and removes their images when
   * nothing else uses them (untagged, no container, no child). Returns
   * the removed ids and bytes reclaimed (0: layers are shared with images).
   */
  async prune(options: {
    all: boolean;
    filters: Record<string, string[]>;
  }): Promise<BuildPruneResponse> {
    const unknown = Object.keys(options.filters).filter(
      (k) =>
        ![
          "until",
          "id",
          "parent",
          "type",
          "description",
          "inuse",
          "shared",
          "private",
        ].includes(k),
    );
    if (unknown.length)
      throw new InvalidArgumentError(`Invalid filter '${unknown[0]!}'`);
    const deleted: string[] = [];
    for (const id of this.#cache.images()) {
      const tagged =
        this.#images.store.record(id) &&
        this.#images.store.refsOf(id).length > 0;
      if (tagged && !options.all) continue;
      if (!tagged)
        await this.#images.remove(id, { force: false, noprune: true }).then(
          () => deleted.push(id.slice(7, 32)),
          () => undefined,
        );
    }
    const images = new Set(this.#images.store.ids());
    await this.#cache.forget((id) => !images.has(id) || options.all);
    return {
      CachesDeleted: deleted.length ? deleted : null,
      SpaceReclaimed: 0,
    };
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
