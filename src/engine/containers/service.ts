import type { Duplex, Readable } from "node:stream";
import type {
  ContainerCreateBody,
  ContainerCreateResponse,
  ContainerInspect,
  ContainerPruneResponse,
  ContainerSummary,
  ContainerTopResponse,
  ContainerUpdateBody,
  ContainerUpdateResponse,
  ContainerWaitResponse,
  ExecCreateBody,
  ExecInspect,
} from "../../api/containers.ts";
import type { ContainerStatsResponse } from "../../api/stats.ts";
import type { IdMappings } from "../../oci/id-mapping.ts";
import {
  archiveGet,
  archivePut,
  archiveStat,
  type ArchivePutOptions,
} from "./archive.ts";
import type { AttachRequest } from "./attach.ts";
import { attachContainer, resizeContainer } from "./attachments.ts";
import { containerChanges, runtimePathFilter } from "./changes.ts";
import { rootfsOptions } from "./userns.ts";
import { commitContainer, type CommitRequest } from "./commit.ts";
import { removeLink, renameLinks, resolveLinkName } from "./links.ts";
import type { Core } from "./core.ts";
import { createContainer } from "./create.ts";
import { exportContainer } from "./export.ts";
import { createExec, execView, resizeExec, startExec } from "./exec.ts";
import { handleExit } from "./exits.ts";
import { restoreAll } from "./restore.ts";
import * as life from "./lifecycle.ts";
import type { RemoveOptions, StopOptions, WaitCondition } from "./lifecycle.ts";
import * as listing from "./listing.ts";
import { containerLogs, type LogsRequest } from "./logs.ts";
import {
  buildParts,
  type ContainerServiceOptions,
  type Parts,
} from "./parts.ts";
import { checkRunning, isRunning } from "./record.ts";
import { containerStats, type StatsOptions } from "./stats-stream.ts";
import { top } from "./top.ts";
import { updateContainer } from "./update.ts";

export type { WaitCondition } from "./lifecycle.ts";

/**
 * The containers engine: Docker's container and exec verbs over an
 * ImageProvider (root filesystems) and an OciRuntime (processes). Records
 * live under <root>/containers, bundles under <execRoot>/containers (see
 * store.ts for the tree). Every state change of a container happens under
 * its per-id lock; exits arrive from the runtime's exit watcher. A facade:
 * the verbs live in lifecycle.ts, listing.ts, attachments.ts, exits.ts and
 * the per-verb modules beside it.
 */
export class ContainerService {
  #core: Core;
  #parts: Parts;
  #orphans: string[] = [];
  #stopWatch: (() => void) | undefined;

  constructor(options: ContainerServiceOptions) {
    this.#parts = buildParts(options);
    this.#core = this.#parts.core;
  }

  /** Loads the records from disk. Call once, before restore(). */
  async init(): Promise<void> {
    const loaded = await this.#core.store.load();
    this.#orphans = loaded.orphans;
    for (const { id, dropped } of loaded.repaired)
      this.#core.log.warn(
        "container record had wrongly typed fields; dropped",
        {
          id,
          dropped,
        },
      );
    await this.#core.mounts.restore(this.#core.store.all(), isRunning);
  }

  /**
   * Reconciles records with conmon/the runtime (see restore.ts), starts
   * watching exits and removes exited AutoRemove containers. Idempotent.
   */
  async restore(): Promise<void> {
    const orphans = this.#orphans;
    this.#orphans = [];
    await restoreAll(this.#parts, orphans, () => {
      this.#stopWatch ??= this.#core.runtime.watchExits(
        (id) => void handleExit(this.#parts, id),
      );
    });
  }

  /** Stops watching exits and drops restart and probe timers; containers keep running. */
  close(): void {
    this.#stopWatch?.();
    this.#stopWatch = undefined;
    this.#parts.restarts.close();
    this.#parts.health.close();
    // Copiers stop without draining: the next daemon resumes from their positions.
    void this.#parts.core.logging.close();
  }

  /** docker create. Throws NotFoundError (image), ConflictError (name), InvalidArgumentError. */
  create(
    body: ContainerCreateBody,
    options: { name?: string; platform?: string } = {},
  ): Promise<ContainerCreateResponse> {
    return createContainer(this.#core, body, options);
  }

  /** The user-namespace mapping a container runs with, or undefined (the host's namespace). Throws NotFoundError. */
  idMappings(ref: string): IdMappings | undefined {
    return this.#resolve(ref).idMappings;
  }

  /** docker start. Throws NotModifiedError when running (304). */
  async start(ref: string): Promise<void> {
    await life.startVerb(this.#parts, this.#resolve(ref));
  }

  /** docker stop: signal, then SIGKILL after the timeout (seconds; -1 waits forever). */
  async stop(ref: string, options: StopOptions = {}): Promise<void> {
    await life.stopVerb(this.#parts, this.#resolve(ref), options);
  }

  /** docker kill. Throws ConflictError("Container <id> is not running"). */
  async kill(ref: string, options: { signal?: string } = {}): Promise<void> {
    await life.killVerb(this.#parts, this.#resolve(ref), options.signal);
  }

  /** docker restart: stop (if running) then start. */
  async restart(ref: string, options: StopOptions = {}): Promise<void> {
    await life.restartVerb(this.#parts, this.#resolve(ref), options);
  }

  /** docker update: restart policy and cgroup limits (see update.ts for the errors). */
  update(
    ref: string,
    body: ContainerUpdateBody,
  ): Promise<ContainerUpdateResponse> {
    return updateContainer(this.#core, this.#core.store.resolve(ref), body);
  }

  /** docker pause (cgroup freezer). Throws ConflictError unless running. */
  async pause(ref: string): Promise<void> {
    await life.pauseVerb(this.#parts, this.#resolve(ref));
  }

  /** docker unpause. Throws ConflictError unless paused. */
  async unpause(ref: string): Promise<void> {
    await life.unpauseVerb(this.#parts, this.#resolve(ref));
  }

  /** docker rm. Throws ConflictError for a running container without force. */
  async remove(ref: string, options: RemoveOptions = {}): Promise<void> {
    // compat: a link's name (`web/db`) names its child, as in moby's registry.
    const r = resolveLinkName(this.#core, ref)?.child ?? this.#resolve(ref);
    await life.removeVerb(this.#parts, r, options);
  }

  /**
   * docker rm --link: drops the link named `parent/alias`. Throws
   * NotFoundError for an unknown name, a plain Error for a container's own.
   */
  async removeLink(ref: string): Promise<void> {
    await removeLink(this.#core, ref);
  }

  /** docker rename. Throws ConflictError for a taken name. */
  async rename(ref: string, newName: string): Promise<void> {
    const r = this.#resolve(ref);
    const old = r.name;
    await life.renameVerb(this.#core, r, newName);
    await renameLinks(this.#core, old, r.name);
  }

  /**
   * docker wait. Resolves once the container is known to exist (so the route
   * can flush its headers); `done` resolves when the condition is met.
   */
  async wait(
    ref: string,
    condition: WaitCondition = "not-running",
  ): Promise<{ done: Promise<ContainerWaitResponse> }> {
    return life.waitVerb(this.#parts, this.#resolve(ref), condition);
  }

  /** docker ps. Throws InvalidArgumentError for bad filters. */
  list(options: listing.ListOptions = {}): Promise<ContainerSummary[]> {
    return listing.listContainers(this.#core, options);
  }

  /** docker inspect. Throws NotFoundError("No such container: ref"). */
  async inspect(
    ref: string,
    options: { size?: boolean } = {},
  ): Promise<ContainerInspect> {
    return listing.inspectContainer(this.#core, this.#resolve(ref), options);
  }

  /**
   * docker logs. Resolves with the container's tty flag (the route picks the
   * content type) and a function that streams to `out` until done.
   */
  async logs(
    ref: string,
    req: LogsRequest,
  ): Promise<ReturnType<typeof containerLogs>> {
    return containerLogs(this.#core, this.#resolve(ref), req);
  }

  /**
   * docker attach. Validates, then calls `open(multiplexed)` to take over
   * the client connection and streams until detach, process end or client
   * close. A created container's clients connect when it starts.
   */
  async attach(
    ref: string,
    req: AttachRequest,
    open: (multiplexed: boolean) => Duplex,
  ): Promise<void> {
    const r = this.#resolve(ref);
    await attachContainer(this.#core, this.#parts.attachments, r, req, open);
  }

  /** Sets the tty size of a running container. */
  async resize(ref: string, size: { h: number; w: number }): Promise<void> {
    await resizeContainer(this.#core, this.#resolve(ref), size);
  }

  /** docker top. Throws ConflictError unless running. */
  async top(ref: string, psArgs?: string): Promise<ContainerTopResponse> {
    const r = this.#resolve(ref);
    checkRunning(r);
    return top(await this.#core.runtime.pids(r.id), psArgs);
  }

  /**
   * docker stats: Docker's stats objects, one per second with stream (the
   * default) until the signal aborts or the container is removed. Throws
   * NotFoundError before the first object; see stats-stream.ts.
   */
  async stats(
    ref: string,
    options: StatsOptions = {},
  ): Promise<AsyncIterable<ContainerStatsResponse>> {
    return containerStats(this.#core, this.#resolve(ref).id, options);
  }

  /** docker container prune: removes stopped containers matching until/label filters. */
  prune(
    filters: Record<string, string[]> = {},
  ): Promise<ContainerPruneResponse> {
    return listing.pruneContainers(this.#core, filters, (id) =>
      this.remove(id, {}),
    );
  }

  /** docker exec (create). Throws ConflictError unless running. */
  async execCreate(ref: string, body: ExecCreateBody): Promise<{ Id: string }> {
    return { Id: createExec(this.#core, this.#resolve(ref), body) };
  }

  /** Starts an exec; see exec.ts. */
  async execStart(
    execId: string,
    options: {
      detach: boolean;
      tty: boolean;
      consoleSize?: [number, number] | undefined;
    },
    open: (multiplexed: boolean) => Duplex,
  ): Promise<void> {
    const e = this.#core.execs.get(execId);
    const r = this.#resolve(e.containerId);
    await startExec(this.#core, e, r, { ...options, open });
  }

  /** Docker's exec inspect JSON. Throws NotFoundError("No such exec instance: id"). */
  async execInspect(execId: string): Promise<ExecInspect> {
    const e = this.#core.execs.get(execId);
    return execView(e, this.#core.store.get(e.containerId));
  }

  /** Resizes an exec's tty. */
  async execResize(
    execId: string,
    size: { h: number; w: number },
  ): Promise<void> {
    await resizeExec(this.#core, execId, size);
  }

  /** HEAD /containers/{id}/archive: Docker's path stat. Throws NotFoundError (container or path). */
  async archiveStat(ref: string, path: string) {
    return archiveStat(this.#core, this.#resolve(ref), { path, ref });
  }

  /** GET /containers/{id}/archive: stat + tar (see archive.ts). */
  async archiveGet(ref: string, path: string) {
    return archiveGet(this.#core, this.#resolve(ref), { path, ref });
  }

  /** PUT /containers/{id}/archive: extracts a tar into a directory of the container. */
  async archivePut(
    ref: string,
    body: Readable,
    options: Omit<ArchivePutOptions, "ref">,
  ): Promise<void> {
    await archivePut(this.#core, this.#resolve(ref), body, { ...options, ref });
  }

  /** GET /containers/{id}/changes: A/C/D from the writable layer. */
  async changes(ref: string) {
    const r = this.#resolve(ref);
    const paths = await this.#core.images.rootfsPaths(r.id);
    return paths ? containerChanges(paths, runtimePathFilter(r)) : [];
  }

  /**
   * The container's writable layer as a tar diff, as commit takes it:
   * runtime mount targets and the container's mounts left out, owners
   * shifted back from its user namespace. The builder commits RUN steps
   * with it. Throws NotFoundError.
   */
  async layerDiff(ref: string): Promise<Readable> {
    const r = this.#resolve(ref);
    return this.#core.images.rootfsDiff(r.id, {
      skip: runtimePathFilter(r),
      ...rootfsOptions(r),
    });
  }

  /** GET /containers/{id}/export: the rootfs as a tar stream. */
  async export(ref: string): Promise<Readable> {
    return exportContainer(this.#core, this.#resolve(ref));
  }

  /** POST /commit: returns the new image id (see commit.ts). */
  async commit(ref: string, req: CommitRequest): Promise<string> {
    const r = this.#resolve(ref);
    const freeze = req.pause && r.state.status === "running";
    return commitContainer(
      this.#core,
      r,
      req,
      freeze
        ? { pause: () => this.pause(r.id), unpause: () => this.unpause(r.id) }
        : undefined,
    );
  }

  /** Container counts for /info. */
  counts(): {
    total: number;
    running: number;
    paused: number;
    stopped: number;
  } {
    return listing.countContainers(this.#core);
  }

  #resolve(ref: string) {
    return this.#core.store.resolve(ref);
  }
}
