import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type {
  ImageDeleteItem,
  ImageHistoryItem,
  ImageInspect,
  ImagePruneResponse,
  ImageSummary,
} from "../../api/images.ts";
import type { Digest } from "../../oci/digest.ts";
import { unshiftOwner, type IdMappings } from "../../oci/id-mapping.ts";
import {
  familiarName,
  familiarString,
  fullName,
  isValidTag,
  withDefaultTag,
  type Reference,
} from "../../oci/reference.ts";
import { LocalContentStore } from "../../storage/content/local-content-store.ts";
import type { LayerStore } from "../../storage/layers/layer-store.ts";
import { OverlayLayerStore } from "../../storage/layers/overlay.ts";
import {
  InvalidArgumentError,
  NotFoundError,
  UnauthorizedError,
} from "../../util/errors.ts";
import { KeyedLock } from "../../util/lock.ts";
import type { Logger } from "../../util/log.ts";
import type { EventBus } from "../events/index.ts";
import {
  commitImage,
  commitSnapshot,
  commitTarget,
  type CommitOptions,
} from "./commit.ts";
import type { ImageProvider, ResolvedImage, RootfsPaths } from "./contract.ts";
import { importImage, type ImportOptions } from "./import.ts";
import { imageChainIds, imageSize, sweepLayers } from "./layers.ts";
import { sweepBlobs } from "./sweep.ts";
import { listImages, pruneImages, type ListOptions } from "./list.ts";
import { loadImages } from "./load.ts";
import { removeImage, type UsageCheck } from "./remove.ts";
import { parseRef, resolveImage } from "./resolve.ts";
import { saveImages } from "./save.ts";
import { BlobSources } from "./blob-sources.ts";
import { pullImage } from "./pull.ts";
import { pushImage } from "./push.ts";
import { searchImages } from "./search.ts";
import { checkImagePlatform, platformMatches } from "./platform-match.ts";
import type { ImageConfig, Platform } from "../../oci/image.ts";
import {
  inspectDistribution,
  type DistributionInspect,
} from "./distribution.ts";
import type { SearchResult } from "../../registry/client/search.ts";
import { Progress, type ProgressSink } from "./progress.ts";
import type { RegistryOptions } from "./registry-config.ts";
import { RegistryClient } from "../../registry/client/registry-client.ts";
import {
  RegistryAuthError,
  type Credentials,
} from "../../registry/client/auth.ts";
import { parsePlatform } from "../../registry/client/platform.ts";
import { ImageStore } from "./store.ts";
import { historyView, inspectView, summaryView } from "./view.ts";

/**
 * The images service: names, configs and layers of images, and the
 * container root filesystems built on them (ImageProvider).
 *
 * ```
 * <root>/content/   blobs: image configs, layer tars by diffId (LocalContentStore)
 * <root>/overlay/   layers and container snapshots (OverlayLayerStore)
 * <root>/image/     records and the name index (ImageStore)
 * <root>/tmp/       load scratch space, emptied by init()
 * ```
 * Mutations run under one lock, so concurrent rmi/load/tag see a
 * consistent store. Errors are util/errors.ts classes with Docker's texts.
 */
export class ImageService implements ImageProvider {
  readonly store: ImageStore;
  readonly layers: LayerStore;
  readonly content: LocalContentStore;
  #events: EventBus;
  #log: Logger;
  #tmp: string;
  #lock = new KeyedLock();
  #usage: UsageCheck = () => undefined;
  /** The registry client (pull, push, login). */
  readonly registry: RegistryClient;
  readonly sources: BlobSources;
  #registryOptions: RegistryOptions;

  /** `layers` defaults to overlay under <root>/overlay; pass a CopyLayerStore where overlayfs is missing. */
  constructor(options: {
    root: string;
    events: EventBus;
    log: Logger;
    layers?: LayerStore;
    registry?: RegistryOptions;
    /** Which container uses an image (rmi refuses it); none when absent. */
    usage?: UsageCheck;
  }) {
    this.#registryOptions = options.registry ?? {
      settings: { mirrors: [], insecure: [], certsDirs: [] },
      maxDownloads: 3,
      maxUploads: 5,
      timeoutMs: 60_000,
    };
    this.registry = new RegistryClient({
      settings: this.#registryOptions.settings,
      timeoutMs: this.#registryOptions.timeoutMs,
    });
    this.sources = new BlobSources({ imageDir: join(options.root, "image") });
    this.content = new LocalContentStore({
      root: join(options.root, "content"),
    });
    this.store = new ImageStore({
      dir: join(options.root, "image"),
      content: this.content,
    });
    this.layers =
      options.layers ??
      new OverlayLayerStore({ root: join(options.root, "overlay") });
    this.#events = options.events;
    this.#log = options.log;
    if (options.usage) this.#usage = options.usage;
    this.#tmp = join(options.root, "tmp");
  }

  /**
   * SIGHUP: takes the keys dockerd reloads (registry-mirrors,
   * insecure-registries, max-concurrent-*) from `next`. The settings object
   * is the one the registry client holds, so the next pull or push uses them.
   */
  reloadRegistry(next: RegistryOptions): void {
    const cur = this.#registryOptions;
    cur.settings.mirrors = next.settings.mirrors;
    cur.settings.insecure = next.settings.insecure;
    cur.maxDownloads = next.maxDownloads;
    cur.maxUploads = next.maxUploads;
  }

  /** Creates directories, sweeps half-made temp files, rebuilds the indexes. */
  async init(): Promise<void> {
    await this.content.init();
    const swept = await this.content.cleanIngest();
    await this.layers.init();
    await this.store.init();
    await this.sources.init();
    // A crash mid-pull/load/import/commit leaves extract-* snapshots and unused layers.
    const sweptLayers = await sweepLayers(this.#deps());
    // ... and blobs written before the record that would have named them.
    const sweptBlobs = await sweepBlobs(this.#deps());
    await rm(this.#tmp, { recursive: true, force: true });
    await mkdir(this.#tmp, { recursive: true, mode: 0o700 });
    this.#log.debug("images ready", {
      images: this.store.size,
      sweptIngests: swept,
      sweptLayers,
      sweptBlobs,
    });
  }

  #deps() {
    return {
      store: this.store,
      layers: this.layers,
      events: this.#events,
      usage: this.#usage,
      tmpDir: this.#tmp,
    };
  }

  #locked<T>(fn: () => Promise<T>): Promise<T> {
    return this.#lock.run("images", fn);
  }

  /** Number of images (for /info). */
  count(): number {
    return this.store.size;
  }

  async resolve(ref: string): Promise<ResolvedImage> {
    const { id } = resolveImage(this.store, ref);
    const chain = imageChainIds(this.#deps(), id);
    return {
      id,
      repoTags: this.store
        .refsOf(id)
        .filter((r) => r.digest === undefined)
        .map(familiarString),
      config: this.store.config(id).config ?? {},
      topChainId: chain[chain.length - 1],
      platform: platformOf(this.store.config(id)),
    };
  }

  async prepareRootfs(key: string, imageId: string): Promise<RootfsPaths> {
    if (!(await this.layers.stat(key))) {
      if (!this.store.record(imageId))
        throw new NotFoundError(`No such image: ${imageId}`);
      const chain = imageChainIds(this.#deps(), imageId);
      const top = chain[chain.length - 1];
      await this.layers.prepare(key, top === undefined ? {} : { parent: top });
    }
    return this.layers.paths(key);
  }

  async mountRootfs(
    key: string,
    options: { idmap?: IdMappings; volatile?: boolean } = {},
  ): Promise<string> {
    return this.layers.mount(key, options);
  }

  async unmountRootfs(key: string): Promise<void> {
    if (await this.layers.stat(key)) await this.layers.unmount(key);
  }

  async removeRootfs(key: string): Promise<void> {
    await this.layers.remove(key);
  }

  async rootfsUsage(key: string): Promise<number> {
    return (await this.layers.usage(key)).size;
  }

  async rootfsPaths(key: string): Promise<RootfsPaths | undefined> {
    return (await this.layers.stat(key)) ? this.layers.paths(key) : undefined;
  }

  async rootfsDiff(
    key: string,
    options: { skip: (path: string) => boolean; idmap?: IdMappings },
  ): Promise<Readable> {
    const { idmap, skip } = options;
    return this.layers.diff(key, {
      skip,
      ...(idmap ? { owner: (u, g) => unshiftOwner(idmap, u, g) } : {}),
    });
  }

  async commit(tar: Readable, options: CommitOptions): Promise<Digest> {
    const target = commitTarget(options);
    return this.#locked(async () => {
      const id = await commitImage(this.#deps(), tar, options);
      if (target) await this.#tag(target, id);
      return id;
    });
  }

  /**
   * Makes an image from the changes of rootfs key (made by prepareRootfs
   * over options.parentImageId) by turning the rootfs itself into the
   * layer, with no copy (commit.ts commitSnapshot); unmounts it first.
   * Afterwards key is gone or left for removeRootfs. Returns the image id.
   */
  async commitRootfs(key: string, options: CommitOptions): Promise<Digest> {
    await this.unmountRootfs(key);
    return commitSnapshot(this.#deps(), key, options, (fn) => this.#locked(fn));
  }

  /** GET /images/json. Throws InvalidArgumentError for unknown filters. */
  async list(options: ListOptions): Promise<ImageSummary[]> {
    return listImages(this.#deps(), options);
  }

  /** GET /images/{name}/json. Throws NotFoundError, InvalidArgumentError. */
  async inspect(
    name: string,
    options: { version: string },
  ): Promise<ImageInspect> {
    const { id } = resolveImage(this.store, name);
    const chain = imageChainIds(this.#deps(), id);
    const top = chain[chain.length - 1];
    const paths = top === undefined ? undefined : await this.layers.paths(top);
    const size = await imageSize(this.#deps(), id);
    return inspectView(this.store, id, {
      size,
      version: options.version,
      driver: this.layers.driver,
      paths,
    });
  }

  /** GET /images/{name}/history, newest first. */
  async history(
    name: string,
    options: { platform?: Platform } = {},
  ): Promise<ImageHistoryItem[]> {
    const { id } = resolveImage(this.store, name);
    checkImagePlatform(name, this.store.config(id), options.platform);
    const sizes = [];
    for (const c of imageChainIds(this.#deps(), id))
      sizes.push((await this.store.layers.get(c.slice(7)))?.size ?? 0);
    return historyView(this.store, id, sizes);
  }

  /**
   * POST /images/{name}/tag. The new reference is checked before the source
   * is looked up, as dockerd 28 does (RepoTagReference), so a bad reference
   * is 400 even for an unknown source and nothing changes. Throws
   * InvalidArgumentError, NotFoundError.
   */
  async tag(
    name: string,
    options: { repo: string; tag?: string },
  ): Promise<void> {
    let ref = parseRef(options.repo);
    // compat: dockerd 28's text (20.10 said "refusing to create a tag with a digest reference").
    if (ref.digest !== undefined)
      throw new InvalidArgumentError("cannot import digest reference");
    if (options.tag && !isValidTag(options.tag))
      throw new InvalidArgumentError(`invalid tag format`);
    if (options.tag) ref = { ...ref, tag: options.tag };
    const tagged = withDefaultTag(ref);
    if (familiarName(tagged) === "sha256")
      throw new InvalidArgumentError(
        "refusing to create an ambiguous tag using digest algorithm as name",
      );
    await this.#locked(async () => {
      const { id } = resolveImage(this.store, name);
      await this.#tag(tagged, id);
    });
  }

  /** Points ref at id, records LastTagTime, publishes "tag"; returns the previous target. */
  async #tag(ref: Reference, id: Digest): Promise<Digest | undefined> {
    const old = await this.store.setRef(ref, id);
    await this.store.update({
      ...this.store.record(id)!,
      lastTagTime: new Date().toISOString(),
    });
    this.#events.publish({
      type: "image",
      action: "tag",
      id,
      attributes: { name: familiarString(ref) },
    });
    return old;
  }

  /** DELETE /images/{name}. Throws NotFoundError, ConflictError. */
  async remove(
    name: string,
    options: { force: boolean; noprune: boolean; platforms?: Platform[] },
  ): Promise<ImageDeleteItem[]> {
    const platforms = options.platforms ?? [];
    // compat: a single-platform store removes an image only for its own platform.
    if (platforms.length > 1)
      throw new InvalidArgumentError("multiple platforms are not supported");
    if (platforms[0]) {
      const { id } = resolveImage(this.store, name);
      checkImagePlatform(name, this.store.config(id), platforms[0]);
    }
    return this.#locked(() =>
      removeImage(this.#deps(), name, {
        force: options.force,
        prune: !options.noprune,
      }),
    );
  }

  /** POST /images/prune: dangling images, or all unused with dangling=false. */
  async prune(filters: Record<string, string[]>): Promise<ImagePruneResponse> {
    return this.#locked(() => pruneImages(this.#deps(), filters));
  }

  /** POST /images/create?fromSrc=…: imports a rootfs tarball; returns the image id. */
  async import(
    body: Readable | undefined,
    options: ImportOptions,
  ): Promise<Digest> {
    return this.#locked(() =>
      importImage(
        {
          ...this.#deps(),
          tag: (r, id) => this.#tag(r, id).then(() => undefined),
        },
        body,
        options,
      ),
    );
  }

  /**
   * POST /images/create?fromImage=: pulls `name` (with `tag`, a tag or a
   * digest; no tag at all pulls every tag). Progress goes to `progress`.
   * Throws InvalidArgumentError for a bad reference or platform,
   * NotFoundError for an unknown manifest, UnauthorizedError when refused.
   */
  async pull(
    name: string,
    options: {
      tag?: string;
      platform?: string;
      credentials: Credentials;
      progress: ProgressSink;
      signal?: AbortSignal;
    },
  ): Promise<void> {
    let ref = parseRef(name);
    const tag = options.tag;
    if (tag) {
      if (tag.includes(":"))
        ref = { domain: ref.domain, path: ref.path, digest: tag };
      else if (!isValidTag(tag))
        throw new InvalidArgumentError(`invalid tag format`);
      else ref = { domain: ref.domain, path: ref.path, tag };
    }
    let platform;
    try {
      platform = parsePlatform(options.platform ?? "");
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
    const progress = new Progress(options.progress);
    const deps = {
      ...this.#deps(),
      registry: this.registry,
      sources: this.sources,
      maxDownloads: this.#registryOptions.maxDownloads,
      tag: (r: Reference, id: Digest) => this.#tag(r, id),
    };
    const one = {
      credentials: options.credentials,
      progress,
      ...(platform ? { platform } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    await this.#locked(async () => {
      if (ref.tag !== undefined || ref.digest !== undefined)
        return void (await registryErrors(pullImage(deps, ref, one)));
      // compat: no tag pulls all tags (docker pull --all-tags).
      const repo = await registryErrors(
        this.registry.repository(ref.domain, ref.path, {
          credentials: options.credentials,
        }),
      );
      const tags = await registryErrors(repo.tags(options.signal));
      for (const t of tags)
        await registryErrors(pullImage(deps, { ...ref, tag: t }, one));
      progress.status(
        `Status: Downloaded newer image for ${familiarName(ref)}`,
      );
    });
  }

  /**
   * POST /images/{name}/push: pushes `tag`, or every local tag of the
   * repository when neither name nor options carry one. Throws
   * NotFoundError, InvalidArgumentError, UnauthorizedError.
   */
  async push(
    name: string,
    options: {
      tag?: string;
      credentials: Credentials;
      progress: ProgressSink;
      signal?: AbortSignal;
    },
  ): Promise<void> {
    const ref = parseRef(name);
    if (options.tag && !isValidTag(options.tag))
      throw new InvalidArgumentError(`invalid tag format`);
    const named = { domain: ref.domain, path: ref.path };
    const tags = options.tag
      ? [options.tag]
      : ref.tag !== undefined
        ? [ref.tag]
        : this.store
            .ids()
            .flatMap((id) => this.store.refsOf(id))
            .filter(
              (r) =>
                r.domain === ref.domain &&
                r.path === ref.path &&
                r.tag !== undefined,
            )
            .map((r) => r.tag!);
    const progress = new Progress(options.progress);
    // compat: moby names the repository first, then fails in-stream.
    progress.status(`The push refers to repository [${fullName(ref)}]`);
    if (tags.length === 0)
      throw new NotFoundError(
        `An image does not exist locally with the tag: ${familiarName(ref)}`,
      );
    const deps = {
      ...this.#deps(),
      registry: this.registry,
      sources: this.sources,
      maxUploads: this.#registryOptions.maxUploads,
    };
    await this.#locked(async () => {
      for (const tag of tags)
        await registryErrors(
          pushImage(
            deps,
            { ...named, tag },
            {
              credentials: options.credentials,
              progress,
              ...(options.signal ? { signal: options.signal } : {}),
            },
          ),
        );
    });
  }

  /** POST /auth: checks credentials against the registry. Throws UnauthorizedError when refused. */
  async login(server: string, credentials: Credentials): Promise<void> {
    await registryErrors(
      this.registry.login(loginDomain(server), credentials),
      "unauthorized",
    );
  }

  /** GET /images/search (search.ts). Throws InvalidArgumentError with moby's texts, UnauthorizedError. */
  search(options: Parameters<typeof searchImages>[1]): Promise<SearchResult[]> {
    return registryErrors(searchImages(this.registry, options), "unauthorized");
  }

  /** GET /distribution/{name}/json (distribution.ts). Throws InvalidArgumentError, NotFoundError, UnauthorizedError. */
  distribution(
    name: string,
    options: { credentials: Credentials; signal?: AbortSignal },
  ): Promise<DistributionInspect> {
    return registryErrors(
      inspectDistribution(this.registry, parseRef(name), options),
      "unauthorized",
    );
  }

  /** GET /images/get and /images/{name}/get: a tar stream. Throws NotFoundError before streaming. */
  save(names: string[], options: { platform?: Platform } = {}): Readable {
    if (names.length === 0) throw new InvalidArgumentError("no images to save");
    if (options.platform)
      for (const name of names) {
        let id: Digest | undefined;
        try {
          id = resolveImage(this.store, name).id;
        } catch {
          // A repository name without "latest": saveImages resolves or refuses it.
        }
        if (id)
          checkImagePlatform(name, this.store.config(id), options.platform);
      }
    return saveImages(this.#deps(), names);
  }

  /** POST /images/load: returns the lines to stream back. */
  async load(
    body: Readable,
    options: { platforms?: Platform[] } = {},
  ): Promise<string[]> {
    const platforms = options.platforms ?? [];
    // compat: moby's tarexport skips images of other platforms when any are given.
    const keep =
      platforms.length === 0
        ? undefined
        : (c: ImageConfig) => platforms.some((p) => platformMatches(c, p));
    return this.#locked(() =>
      loadImages(
        {
          ...this.#deps(),
          tag: (r, id) => this.#tag(r, id),
          ...(keep ? { keep } : {}),
        },
        body,
      ),
    );
  }

  /** Images for GET /system/df, with SharedSize and Containers computed. */
  async diskUsage(options: {
    version: string;
    containersOf: (imageId: string) => number;
  }): Promise<{ layersSize: number; images: ImageSummary[] }> {
    const chainUse = new Map<Digest, number>();
    for (const id of this.store.ids())
      for (const c of imageChainIds(this.#deps(), id))
        chainUse.set(c, (chainUse.get(c) ?? 0) + 1);
    let layersSize = 0;
    const sizes = new Map<Digest, number>();
    for (const c of chainUse.keys()) {
      const size = (await this.store.layers.get(c.slice(7)))?.size ?? 0;
      sizes.set(c, size);
      layersSize += size;
    }
    const images = this.store.ids().map((id) => {
      const chain = imageChainIds(this.#deps(), id);
      const size = chain.reduce((n, c) => n + (sizes.get(c) ?? 0), 0);
      const shared = chain
        .filter((c) => (chainUse.get(c) ?? 0) > 1)
        .reduce((n, c) => n + (sizes.get(c) ?? 0), 0);
      return summaryView(this.store, id, {
        size,
        version: options.version,
        sharedSize: shared,
        containers: options.containersOf(id),
      });
    });
    return { layersSize, images };
  }
}

/** An image config's platform as Docker formats it ("linux/amd64", "linux/arm/v7"). */
function platformOf(c: {
  os: string;
  architecture: string;
  variant?: string;
}): string {
  return [c.os, c.architecture, c.variant].filter(Boolean).join("/");
}

/**
 * Maps the registry client's auth failures: 401 for a login (`status`),
 * else a plain error. compat: a 401 on pull makes the Docker CLI prompt for
 * credentials on stdin; dockerd answers registry auth failures of pull and
 * push with 500 or in-stream.
 */
async function registryErrors<T>(
  p: Promise<T>,
  status?: "unauthorized",
): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof RegistryAuthError && status === "unauthorized")
      throw new UnauthorizedError(err.message);
    if (err instanceof RegistryAuthError) throw new Error(err.message);
    throw err;
  }
}

/**
 * The registry host of a login's server address: empty and Docker Hub's
 * index URLs mean docker.io; URLs lose scheme and path (moby's
 * ConvertToHostname).
 */
export function loginDomain(server: string): string {
  let s = server.trim();
  if (s === "" || /^(https?:\/\/)?(index\.)?docker\.io(\/.*)?$/.test(s))
    return "docker.io";
  s = s.replace(/^https?:\/\//, "");
  return s.split("/")[0]!;
}
