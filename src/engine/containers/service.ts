import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
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
import type { EventBus } from "../events/index.ts";
import type { ImageProvider } from "../images/index.ts";
import type { OciRuntime } from "../../runtime/index.ts";
import {
  ConflictError,
  InvalidArgumentError,
  errorMessage,
} from "../../util/errors.ts";
import { KeyedLock } from "../../util/lock.ts";
import { SeccompFilters } from "../../security/index.ts";
import type { Logger } from "../../util/log.ts";
import { archiveGet, archivePut, archiveStat } from "./archive.ts";
import { AttachSession, type AttachRequest } from "./attach.ts";
import { containerChanges, runtimePathFilter } from "./changes.ts";
import { commitContainer, type CommitRequest } from "./commit.ts";
import { exportContainer } from "./export.ts";
import {
  NoNetworking,
  bundleOf,
  logPathOf,
  publish,
  type ContainerNetworking,
  type Core,
} from "./core.ts";
import { createContainer } from "./create.ts";
import { createExec, execView, startExec } from "./exec.ts";
import { ExecStore } from "./exec-store.ts";
import { hostFilePaths } from "./host-files.ts";
import { NoMounts, VolumeMounts, type VolumeProvider } from "./mounts.ts";
import { parseLogTime, streamLogs, type LogsRequest } from "./logs.ts";
import {
  checkPause,
  checkRemove,
  checkStart,
  checkRunning,
  checkUnpause,
  isRunning,
  type ContainerRecord,
} from "./record.ts";
import { HealthMonitor } from "./health-probe.ts";
import { reconcile } from "./restore.ts";
import { RestartSupervisor } from "./restart.ts";
import { stopContainer, killContainer } from "./stop.ts";
import { recordExit, startContainer } from "./start.ts";
import { ContainerStore } from "./store.ts";
import { top } from "./top.ts";
import { updateContainer } from "./update.ts";
import { inspectView, labelMatches, listFilter, summaryView } from "./view.ts";
import { Waiters } from "./waiters.ts";

/** Conditions of POST /containers/{id}/wait. */
export type WaitCondition = "not-running" | "next-exit" | "removed";

/**
 * The containers engine: Docker's container and exec verbs over an
 * ImageProvider (root filesystems) and an OciRuntime (processes). Records
 * live under <root>/containers, bundles under <execRoot>/containers (see
 * store.ts for the tree). Every state change of a container happens under
 * its per-id lock; exits arrive from the runtime's exit watcher.
 */
export class ContainerService {
  #core: Core;
  #pendingAttach = new Map<string, Set<AttachSession>>();
  #waiters = new Waiters();
  #orphans: string[] = [];
  #stopWatch: (() => void) | undefined;
  #restarts: RestartSupervisor;
  #health: HealthMonitor;

  constructor(options: {
    root: string;
    execRoot: string;
    images: ImageProvider;
    runtime: OciRuntime;
    events: EventBus;
    log: Logger;
    networking?: ContainerNetworking;
    /** The volumes engine; without it binds, volumes and tmpfs answer 501. */
    volumes?: VolumeProvider;
    initBinary?: string;
  }) {
    const store = new ContainerStore(options.root);
    this.#core = {
      store,
      images: options.images,
      runtime: options.runtime,
      events: options.events,
      log: options.log,
      lock: new KeyedLock(),
      execs: new ExecStore(),
      seccomp: new SeccompFilters(),
      networking:
        options.networking ??
        new NoNetworking((ref) => {
          const r = store.resolve(ref);
          if (!isRunning(r))
            throw new ConflictError(
              `cannot join network of a non running container: ${r.id}`,
            );
          return { id: r.id, pid: r.state.pid };
        }),
      mounts: options.volumes
        ? new VolumeMounts({
            volumes: options.volumes,
            resolveContainer: (ref) => store.resolve(ref),
            log: options.log,
          })
        : new NoMounts(),
      dataRoot: options.root,
      execRoot: options.execRoot,
      initBinary:
        options.initBinary ??
        ["/usr/bin/tini-static", "/usr/bin/tini"].find((p) => existsSync(p)),
      notifyExit: (id, code) => this.#waiters.exited(id, code),
      notifyRemoved: (id, code) => this.#waiters.removed(id, code),
      probes: {
        started: (r) => this.#health.started(r),
        stopped: (r) => this.#health.stopped(r),
      },
    };
    this.#health = new HealthMonitor(this.#core);
    this.#restarts = new RestartSupervisor(this.#core, (r) =>
      startContainer(this.#core, r, (rec) => this.#connectPending(rec)),
    );
  }

  /** Loads the records from disk. Call once, before restore(). */
  async init(): Promise<void> {
    ({ orphans: this.#orphans } = await this.#core.store.load());
    await this.#core.mounts.restore(this.#core.store.all(), isRunning);
  }

  /**
   * Reconciles records with conmon/the runtime (see restore.ts), starts
   * watching exits and removes exited AutoRemove containers. Idempotent.
   */
  async restore(): Promise<void> {
    const wasRunning = new Set(
      this.#core.store
        .all()
        .filter(isRunning)
        .map((r) => r.id),
    );
    const remove = await reconcile(this.#core, this.#orphans);
    this.#orphans = [];
    this.#stopWatch ??= this.#core.runtime.watchExits(
      (id) => void this.#onExit(id),
    );
    for (const id of remove)
      await this.remove(id, { force: true, volumes: true }).catch(
        () => undefined,
      );
    for (const r of this.#core.store.all())
      await this.#core.lock
        .run(r.id, async () => {
          if (r.state.status === "running") this.#health.resume(r);
          await this.#restarts.afterRestore(r, wasRunning.has(r.id));
        })
        .catch((err: unknown) =>
          this.#core.log.warn("restore: restart policy failed", {
            id: r.id,
            err: errorMessage(err),
          }),
        );
  }

  /** Stops watching exits and drops restart and probe timers; containers keep running. */
  close(): void {
    this.#stopWatch?.();
    this.#stopWatch = undefined;
    this.#restarts.close();
    this.#health.close();
  }

  /** docker create. Throws NotFoundError (image), ConflictError (name), InvalidArgumentError. */
  create(
    body: ContainerCreateBody,
    options: { name?: string; platform?: string } = {},
  ): Promise<ContainerCreateResponse> {
    return createContainer(this.#core, body, options);
  }

  /** docker start. Throws NotModifiedError when running (304). */
  async start(ref: string): Promise<void> {
    const r = this.#core.store.resolve(ref);
    try {
      await this.#core.lock.run(r.id, () => {
        // compat: a start by the user resets RestartCount and the backoff.
        checkStart(r);
        this.#restarts.reset(r.id);
        r.restartCount = 0;
        return startContainer(this.#core, r, (rec) =>
          this.#connectPending(rec),
        );
      });
    } catch (err) {
      // compat: moby removes an AutoRemove container whose start failed, so
      // `run --rm` (waiting for condition=removed) ends.
      if (r.hostConfig.AutoRemove && !isRunning(r))
        await this.remove(r.id, { force: true, volumes: true }).catch(
          () => undefined,
        );
      throw err;
    }
  }

  /** docker stop: signal, then SIGKILL after the timeout (seconds; -1 waits forever). */
  async stop(
    ref: string,
    options: { timeout?: number; signal?: string } = {},
  ): Promise<void> {
    const r = this.#core.store.resolve(ref);
    if (await this.#cancelRestart(r)) return publish(this.#core, r, "stop");
    await stopContainer(this.#core, r, this.#waiters, options);
  }

  /** docker kill. Throws ConflictError("Container <id> is not running"). */
  async kill(ref: string, options: { signal?: string } = {}): Promise<void> {
    const r = this.#core.store.resolve(ref);
    // compat: killing a restarting container only cancels the restart (no event).
    if (await this.#cancelRestart(r)) return;
    await killContainer(
      this.#core,
      r,
      this.#waiters,
      options.signal ?? "SIGKILL",
    );
  }

  /** docker restart: stop (if running) then start. */
  async restart(
    ref: string,
    options: { timeout?: number; signal?: string } = {},
  ): Promise<void> {
    const r = this.#core.store.resolve(ref);
    if (await this.#cancelRestart(r)) publish(this.#core, r, "stop");
    if (isRunning(r))
      await stopContainer(this.#core, r, this.#waiters, options);
    await this.start(r.id);
    publish(this.#core, r, "restart");
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
    const r = this.#core.store.resolve(ref);
    await this.#core.lock.run(r.id, async () => {
      checkPause(r);
      await this.#core.runtime.pause(r.id);
      r.state.status = "paused";
      this.#health.stopped(r);
      await this.#core.store.save(r);
      publish(this.#core, r, "pause");
    });
  }

  /** docker unpause. Throws ConflictError unless paused. */
  async unpause(ref: string): Promise<void> {
    const r = this.#core.store.resolve(ref);
    await this.#core.lock.run(r.id, async () => {
      checkUnpause(r);
      await this.#core.runtime.resume(r.id);
      r.state.status = "running";
      this.#health.resume(r);
      await this.#core.store.save(r);
      publish(this.#core, r, "unpause");
    });
  }

  /** docker rm. Throws ConflictError for a running container without force. */
  async remove(
    ref: string,
    options: { force?: boolean; volumes?: boolean } = {},
  ): Promise<void> {
    const r = this.#core.store.resolve(ref);
    checkRemove(r, options.force === true);
    await this.#cancelRestart(r);
    if (isRunning(r))
      await killContainer(this.#core, r, this.#waiters, "SIGKILL").catch(
        () => undefined,
      );
    await this.#core.lock.run(r.id, async () => {
      if (!this.#core.store.get(r.id)) return;
      checkRemove(r, false);
      const c = this.#core;
      // The runtime's state, the network and the rootfs are independent:
      // tear them down together (crun delete is a process spawn).
      await Promise.all([
        c.runtime
          .remove(r.id, { force: true })
          .then(() => c.runtime.clearExitStatus(r.id)),
        c.networking.remove(r).catch(() => undefined),
        c.images.removeRootfs(r.id),
      ]);
      await c.mounts.remove(r, { removeVolumes: options.volumes === true });
      await rm(bundleOf(c, r.id), { recursive: true, force: true });
      await c.store.remove(r.id);
      c.execs.removeAllOf(r.id);
      for (const s of this.#pendingAttach.get(r.id) ?? []) s.end();
      this.#pendingAttach.delete(r.id);
      publish(c, r, "destroy");
      c.notifyRemoved(r.id, r.state.exitCode);
    });
  }

  /** docker rename. Throws ConflictError for a taken name. */
  async rename(ref: string, newName: string): Promise<void> {
    const r = this.#core.store.resolve(ref);
    const name = `/${newName.replace(/^\//, "")}`;
    if (!/^\/[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name))
      throw new InvalidArgumentError(
        `Invalid container name (${newName}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
      );
    await this.#core.lock.run(r.id, async () => {
      if (name === r.name)
        throw new InvalidArgumentError(
          "Renaming a container with the same name as its current name",
        );
      const old = r.name;
      this.#core.store.reserveName(name, r.id);
      r.name = name;
      try {
        await this.#core.store.save(r);
      } catch (err) {
        r.name = old;
        this.#core.store.releaseName(name, r.id);
        throw err;
      }
      this.#core.store.releaseName(old, r.id);
      publish(this.#core, r, "rename", { oldName: old });
    });
  }

  /**
   * docker wait. Resolves once the container is known to exist (so the route
   * can flush its headers); `done` resolves when the condition is met.
   */
  async wait(
    ref: string,
    condition: WaitCondition = "not-running",
  ): Promise<{ done: Promise<ContainerWaitResponse> }> {
    const r = this.#core.store.resolve(ref);
    const result = (code: number): ContainerWaitResponse => ({
      StatusCode: code,
      Error: null,
    });
    if (condition === "not-running" && !isRunning(r))
      return { done: Promise.resolve(result(r.state.exitCode)) };
    const done =
      condition === "removed"
        ? this.#waiters.untilRemoved(r.id)
        : this.#waiters.untilExit(r.id);
    return { done: done.then(result) };
  }

  /** docker ps. Throws InvalidArgumentError for bad filters. */
  async list(
    options: {
      all?: boolean;
      limit?: number;
      size?: boolean;
      filters?: Record<string, string[]>;
    } = {},
  ): Promise<ContainerSummary[]> {
    const filters = options.filters ?? {};
    const ancestors = new Set<string>();
    for (const ref of filters.ancestor ?? [])
      ancestors.add(
        await this.#core.images.resolve(ref).then(
          (i) => i.id,
          () => ref,
        ),
      );
    const keep = listFilter(filters, {
      resolve: (ref) => this.#core.store.resolve(ref),
      imageMatches: (r, ref) =>
        r.config.Image === ref || ancestors.has(r.imageId),
    });
    const all =
      options.all === true ||
      (options.limit ?? 0) > 0 ||
      filters.status !== undefined;
    let rows = this.#core.store
      .all()
      .filter(
        (r) =>
          (all || isRunning(r) || r.state.status === "restarting") && keep(r),
      )
      .sort((a, b) => (a.created < b.created ? 1 : -1));
    if ((options.limit ?? 0) > 0) rows = rows.slice(0, options.limit);
    const out: ContainerSummary[] = [];
    for (const r of rows)
      out.push(
        summaryView(
          r,
          options.size ? await this.#size(r) : undefined,
          this.#core.networking.view(r),
        ),
      );
    return out;
  }

  /** docker inspect. Throws NotFoundError("No such container: ref"). */
  async inspect(
    ref: string,
    options: { size?: boolean } = {},
  ): Promise<ContainerInspect> {
    const r = this.#core.store.resolve(ref);
    const files = hostFilePaths(this.#core.store.dirOf(r.id));
    return inspectView(r, {
      paths: { ...files, logPath: logPathOf(this.#core, r.id) },
      execIds: this.#core.execs.idsOf(r.id),
      rootfs: await this.#core.images.rootfsPaths(r.id).catch(() => undefined),
      ...(options.size ? { size: await this.#size(r) } : {}),
      network: this.#core.networking.view(r),
    });
  }

  /**
   * docker logs. Resolves with the container's tty flag (the route picks the
   * content type) and a function that streams to `out` until done.
   */
  async logs(
    ref: string,
    req: LogsRequest,
  ): Promise<{
    tty: boolean;
    write: (
      out: { write(chunk: Buffer): void },
      signal: AbortSignal,
    ) => Promise<void>;
  }> {
    const r = this.#core.store.resolve(ref);
    if (!req.stdout && !req.stderr)
      throw new InvalidArgumentError(
        "Bad parameters: you must choose at least one stream",
      );
    const path = logPathOf(this.#core, r.id);
    return {
      tty: r.config.Tty,
      write: (out, signal) =>
        streamLogs(path, req, out, {
          tty: r.config.Tty,
          stillRunning: () =>
            isRunning(r) && this.#core.store.get(r.id) !== undefined,
          signal,
        }),
    };
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
    const r = this.#core.store.resolve(ref);
    if (r.state.status === "paused")
      throw new ConflictError(
        `container ${r.id} is paused, unpause the container before attach`,
      );
    const session = new AttachSession(open(!r.config.Tty), req, {
      multiplexed: !r.config.Tty,
      stdinOnce: r.config.StdinOnce,
      onDetach: () => publish(this.#core, r, "detach"),
    });
    publish(this.#core, r, "attach");
    if (req.logs) {
      const ac = new AbortController();
      await streamLogs(
        logPathOf(this.#core, r.id),
        {
          follow: false,
          stdout: req.stdout,
          stderr: req.stderr,
          since: 0n,
          until: 0n,
          tail: "all",
          timestamps: false,
        },
        session.client,
        { tty: r.config.Tty, stillRunning: () => false, signal: ac.signal },
      );
    }
    if (!req.stream) return session.end();
    await this.#core.lock.run(r.id, async () => {
      if (r.state.status === "created") {
        const set = this.#pendingAttach.get(r.id) ?? new Set();
        set.add(session);
        this.#pendingAttach.set(r.id, set);
        void session.closed.then(() => set.delete(session));
      } else if (isRunning(r)) await this.#connect(r, session);
      else session.end();
    });
    await session.closed;
  }

  /** since/until of logs in Docker's forms → nanoseconds since the epoch (0n = unset). */
  parseLogTime(value: string | undefined): bigint {
    return parseLogTime(value);
  }

  /** Sets the tty size of a running container. */
  async resize(ref: string, size: { h: number; w: number }): Promise<void> {
    const r = this.#core.store.resolve(ref);
    checkRunning(r);
    await this.#core.runtime.resize(r.id, {
      bundle: bundleOf(this.#core, r.id),
      rows: size.h,
      cols: size.w,
    });
    publish(this.#core, r, "resize", {
      height: String(size.h),
      width: String(size.w),
    });
  }

  /** docker top. Throws ConflictError unless running. */
  async top(ref: string, psArgs?: string): Promise<ContainerTopResponse> {
    const r = this.#core.store.resolve(ref);
    checkRunning(r);
    return top(await this.#core.runtime.pids(r.id), psArgs);
  }

  /** docker container prune: removes stopped containers matching until/label filters. */
  async prune(
    filters: Record<string, string[]> = {},
  ): Promise<ContainerPruneResponse> {
    for (const k of Object.keys(filters))
      if (k !== "until" && k !== "label" && k !== "label!")
        throw new InvalidArgumentError(`invalid filter '${k}'`);
    const until = filters.until?.[0];
    const untilMs = until ? untilToMs(until) : undefined;
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const r of this.#core.store.all()) {
      if (isRunning(r)) continue;
      if (untilMs !== undefined && Date.parse(r.created) >= untilMs) continue;
      if (!(filters.label ?? []).every((l) => labelMatches(r.config.Labels, l)))
        continue;
      if (
        (filters["label!"] ?? []).some((l) => labelMatches(r.config.Labels, l))
      )
        continue;
      const size = await this.#core.images.rootfsUsage(r.id).catch(() => 0);
      try {
        await this.remove(r.id, {});
        deleted.push(r.id);
        reclaimed += size;
      } catch (err) {
        this.#core.log.warn("prune: cannot remove container", {
          id: r.id,
          err: errorMessage(err),
        });
      }
    }
    this.#core.events.publish({
      type: "container",
      action: "prune",
      id: "",
      attributes: { reclaimed: String(reclaimed) },
    });
    // compat: Docker sends null when nothing was deleted.
    return {
      ContainersDeleted: deleted.length ? deleted : null,
      SpaceReclaimed: reclaimed,
    };
  }

  /** docker exec (create). Throws ConflictError unless running. */
  async execCreate(ref: string, body: ExecCreateBody): Promise<{ Id: string }> {
    const r = this.#core.store.resolve(ref);
    return { Id: createExec(this.#core, r, body) };
  }

  /** Starts an exec; see exec.ts. */
  async execStart(
    execId: string,
    options: { detach: boolean; tty: boolean },
    open: (multiplexed: boolean) => Duplex,
  ): Promise<void> {
    const e = this.#core.execs.get(execId);
    const r = this.#core.store.resolve(e.containerId);
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
    const e = this.#core.execs.get(execId);
    if (!e.running) throw new ConflictError(`Exec ${execId} is not running`);
    await this.#core.runtime.resize(e.containerId, {
      bundle: `${this.#core.execRoot}/execs/${execId}`,
      rows: size.h,
      cols: size.w,
    });
  }

  /** HEAD /containers/{id}/archive: Docker's path stat. Throws NotFoundError (container or path). */
  async archiveStat(ref: string, path: string) {
    const r = this.#core.store.resolve(ref);
    return archiveStat(this.#core, r, { path, ref });
  }

  /** GET /containers/{id}/archive: stat + tar (see archive.ts). */
  async archiveGet(ref: string, path: string) {
    const r = this.#core.store.resolve(ref);
    return archiveGet(this.#core, r, { path, ref });
  }

  /** PUT /containers/{id}/archive: extracts a tar into a directory of the container. */
  async archivePut(
    ref: string,
    body: Readable,
    options: {
      path: string;
      noOverwriteDirNonDir: boolean;
      copyUIDGID: boolean;
    },
  ): Promise<void> {
    const r = this.#core.store.resolve(ref);
    await archivePut(this.#core, r, body, { ...options, ref });
  }

  /** GET /containers/{id}/changes: A/C/D from the writable layer. */
  async changes(ref: string) {
    const r = this.#core.store.resolve(ref);
    const paths = await this.#core.images.rootfsPaths(r.id);
    return paths ? containerChanges(paths, runtimePathFilter(r)) : [];
  }

  /** GET /containers/{id}/export: the rootfs as a tar stream. */
  async export(ref: string): Promise<Readable> {
    const r = this.#core.store.resolve(ref);
    return exportContainer(this.#core, r);
  }

  /** POST /commit: returns the new image id (see commit.ts). */
  async commit(ref: string, req: CommitRequest): Promise<string> {
    const r = this.#core.store.resolve(ref);
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

  /** For images.setUsageCheck: a container using imageId (running ones first). */
  usageCheck(imageId: string): { id: string; running: boolean } | undefined {
    const users = this.#core.store.all().filter((r) => r.imageId === imageId);
    const r = users.find(isRunning) ?? users[0];
    return r ? { id: r.id, running: isRunning(r) } : undefined;
  }

  /** Container counts for /info. */
  counts(): {
    total: number;
    running: number;
    paused: number;
    stopped: number;
  } {
    const all = this.#core.store.all();
    const running = all.filter((r) => r.state.status === "running").length;
    const paused = all.filter((r) => r.state.status === "paused").length;
    return {
      total: all.length,
      running,
      paused,
      stopped: all.length - running - paused,
    };
  }

  async #onExit(id: string): Promise<void> {
    let r: ContainerRecord | undefined;
    const changed = await this.#core.lock
      .run(id, async () => {
        r = this.#core.store.get(id);
        if (!r || !(await recordExit(this.#core, r))) return false;
        await this.#restarts.afterExit(r);
        return true;
      })
      .catch((err: unknown) => {
        this.#core.log.error("cannot record container exit", {
          id,
          err: errorMessage(err),
        });
        return false;
      });
    if (!changed || !r) return;
    this.#core.notifyExit(id, r.state.exitCode);
    if (r.hostConfig.AutoRemove)
      await this.remove(id, { force: true, volumes: true }).catch(
        (err: unknown) =>
          this.#core.log.warn("auto-remove failed", {
            id,
            err: errorMessage(err),
          }),
      );
  }

  /** Cancels a pending policy restart under the lock; true when there was one. */
  #cancelRestart(r: ContainerRecord): Promise<boolean> {
    return this.#core.lock.run(r.id, () => this.#restarts.cancel(r));
  }

  async #connectPending(r: ContainerRecord): Promise<void> {
    const set = this.#pendingAttach.get(r.id);
    this.#pendingAttach.delete(r.id);
    for (const s of set ?? []) await this.#connect(r, s);
  }

  async #connect(r: ContainerRecord, s: AttachSession): Promise<void> {
    const conn = await this.#core.runtime.attach(r.id, {
      bundle: bundleOf(this.#core, r.id),
      onOutput: (stream, data) => s.output(stream, data),
      onClose: () => s.end(),
    });
    s.connect(conn);
  }

  async #size(r: ContainerRecord): Promise<{ rw: number; rootFs: number }> {
    const rw = await this.#core.images.rootfsUsage(r.id).catch(() => 0);
    return { rw, rootFs: rw };
  }
}

function untilToMs(v: string): number {
  const rel = /^(\d+)(s|m|h)$/.exec(v);
  if (rel)
    return (
      Date.now() -
      Number(rel[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[rel[2] as "s"]
    );
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const ms = Date.parse(v);
  if (Number.isNaN(ms))
    throw new InvalidArgumentError(`invalid filter 'until=${v}'`);
  return ms;
}
