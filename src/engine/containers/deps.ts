import { join } from "node:path";
import type { ContainerCreateBody } from "../../api/containers.ts";
import type { EventBus } from "../events/index.ts";
import type { PreparedNetwork } from "../networks/index.ts";
import type { ImageProvider } from "../images/index.ts";
import type { SeccompFilters } from "../../security/index.ts";
import type { OciMount, OciRuntime } from "../../runtime/index.ts";
import type { KeyedLock } from "../../util/lock.ts";
import type { IdMappings } from "../../oci/id-mapping.ts";
import type { Logger } from "../../util/log.ts";
import type { LogService, LogTarget } from "../logging/index.ts";
import { eventAttributes, type ContainerRecord } from "./record.ts";
import type { Releasers } from "./resources.ts";
import type { ContainerStore } from "./store.ts";
import type { ExecStore } from "./exec-store.ts";
import type { AttachSession } from "./attach.ts";
import type { Waiters } from "./waiters.ts";

/** What networking hands a starting container (networks' Sandboxes.prepare). */
export type { PreparedNetwork };

/**
 * The hook through which networking joins a container to its network(s);
 * engine/networks' Sandboxes implements it. `create` validates and records
 * the create body's networking (throws before anything is made); `prepare`
 * runs before the runtime creates the container; `release` after it has
 * stopped (idempotent); `remove` when the container is removed.
 */
export interface ContainerNetworking {
  /** Returns the warnings for the create response. */
  create(r: ContainerRecord, body: ContainerCreateBody): Promise<string[]>;
  prepare(r: ContainerRecord): Promise<PreparedNetwork>;
  release(r: ContainerRecord): Promise<void>;
  remove(r: ContainerRecord): Promise<void>;
  /** NetworkSettings and ps Ports, or undefined for the built-in view. */
  view(
    r: ContainerRecord,
  ): { settings: Record<string, unknown>; ports: unknown[] } | undefined;
}

/**
 * The hook through which binds, volumes and tmpfs reach a container
 * (mounts.ts implements it over the volumes engine). `resolve` runs at
 * create and fills r.mounts; `prepare` at start, with the rootfs mounted,
 * returns the OCI mounts; `release` after the container stopped
 * (idempotent); `remove` at rm, with -v removing anonymous volumes.
 */
export interface ContainerMounts {
  /** Rebuilds references and mount state from the records at daemon start. */
  restore(
    records: ContainerRecord[],
    running: (r: ContainerRecord) => boolean,
  ): Promise<void>;
  /** Throws InvalidArgumentError/NotFoundError with Docker's text; leaves nothing on failure. */
  resolve(r: ContainerRecord): Promise<void>;
  prepare(r: ContainerRecord, rootfs: string): Promise<OciMount[]>;
  release(r: ContainerRecord): Promise<void>;
  remove(
    r: ContainerRecord,
    options: { removeVolumes: boolean },
  ): Promise<void>;
}

/**
 * Records: the container records, their per-id locks, the event bus and
 * the daemon's log. Nearly every verb uses these.
 */
export type RecordDeps = {
  store: ContainerStore;
  lock: KeyedLock;
  events: EventBus;
  log: Logger;
};

/** Processes: the OCI runtime and what an OCI spec is built with. */
export type RuntimeDeps = {
  runtime: OciRuntime;
  execRoot: string;
  /** The OCI runtime's name ("crun" or "runc"): the only HostConfig.Runtime accepted. */
  runtimeName: string;
  /** Every runtime name HostConfig.Runtime may give (the daemon's registered runtimes). */
  runtimeNames: () => string[];
  /** Host path of the init binary for --init, undefined when none is installed. */
  initBinary: string | undefined;
  /** Compiled seccomp filters, cached per (profile, capabilities). */
  seccomp: SeccompFilters;
  /** The daemon's userns-remap mapping; undefined = containers share the host's user namespace. */
  userns: IdMappings | undefined;
};

/** Filesystems: root filesystems (the image provider), binds/volumes/tmpfs, the data root. */
export type StorageDeps = {
  images: ImageProvider;
  mounts: ContainerMounts;
  dataRoot: string;
};

/** Networking: joining a container to its networks. */
export type NetworkDeps = { networking: ContainerNetworking };

/**
 * Health probes (health-probe.ts): `started` after a start and `stopped`
 * at an exit or pause, both with the lock held and before the record is
 * saved; `resume` after unpause or a daemon restart.
 */
export interface Probes {
  started(r: ContainerRecord): void;
  stopped(r: ContainerRecord): void;
  resume(r: ContainerRecord): void;
  /** Drops every probe timer (daemon shutdown). */
  close(): void;
}

/**
 * The restart policy's pending restarts (restart-policy.ts's
 * RestartSupervisor). Every method but close expects the lock held.
 */
export interface Restarts {
  /** After an exit was recorded: true when a restart is now pending (and saved). */
  afterExit(r: ContainerRecord): Promise<boolean>;
  /** At boot: applies the policy to a container that died while the daemon was down. */
  afterRestore(r: ContainerRecord, wasRunning: boolean): Promise<void>;
  /** Cancels a pending restart; true when there was one. */
  cancel(r: ContainerRecord): Promise<boolean>;
  /** Forgets the back-off of id (a start by the user). */
  reset(id: string): void;
  close(): void;
}

/** Attach sessions parked on created containers (attachments.ts's Attachments). */
export interface ParkedAttachments {
  /** Parks a session until r starts. */
  park(r: ContainerRecord, session: AttachSession): void;
  /** Joins the sessions parked on r to its (just started) console. */
  connectPending(r: ContainerRecord): Promise<void>;
  /** Joins one session to r's running console. */
  connect(r: ContainerRecord, session: AttachSession): Promise<void>;
  /** Ends the sessions parked on id (the container is being removed). */
  endAll(id: string): void;
}

/**
 * What a run carries beside its process: how each held resource is undone,
 * the log copiers, execs, exit/removal waiters, health probes, the restart
 * policy and attach sessions parked on created containers.
 */
export type RunDeps = {
  /** How each resource a run holds is undone (resources.ts). */
  releasers: Releasers;
  /** Log drivers: a copier from conmon's log to the driver per running container. */
  logging: LogService;
  execs: ExecStore;
  waiters: Waiters;
  probes: Probes;
  restarts: Restarts;
  attachments: ParkedAttachments;
  /** What init hands restore (orphaned record dirs) and how close stops the exit watcher. */
  boot: { orphans: string[]; stopWatch: (() => void) | undefined };
};

/**
 * Everything the containers engine is built from, by concern; only the
 * composition (build-deps.ts, service.ts) holds it whole. Each verb names the
 * few members it uses with Pick.
 */
export type ContainerDeps = RecordDeps &
  RuntimeDeps &
  StorageDeps &
  NetworkDeps &
  RunDeps;

/** The OCI bundle directory of a container. */
export function bundleOf(
  core: Pick<ContainerDeps, "execRoot">,
  id: string,
): string {
  return join(core.execRoot, "containers", id);
}

/** The bundle directory of an exec. */
export function execBundleOf(
  core: Pick<ContainerDeps, "execRoot">,
  execId: string,
): string {
  return join(core.execRoot, "execs", execId);
}

/** conmon's own k8s-file log of a container (what the log driver is fed from). */
export function logPathOf(
  core: Pick<ContainerDeps, "store">,
  id: string,
): string {
  return join(core.store.dirOf(id), "ctr.log");
}

/** What the log driver knows of a container (moby's logger.Info) and its driver name. */
export function logTargetOf(
  core: Pick<ContainerDeps, "store">,
  r: ContainerRecord,
): LogTarget {
  const lc = (r.hostConfig.LogConfig ?? {}) as {
    Type?: string;
    Config?: Record<string, string> | null;
  };
  return {
    type: lc.Type || "json-file",
    config: { ...(lc.Config ?? {}) },
    id: r.id,
    name: r.name,
    imageId: r.imageId,
    imageName: r.config.Image,
    entrypoint: r.path,
    args: r.args,
    env: r.config.Env ?? [],
    labels: r.config.Labels,
    dir: core.store.dirOf(r.id),
    daemonName: "docker",
  };
}

/** Starts (after a daemon restart: resumes) r's copier from conmon's log to its log driver. */
export function startLogCopier(
  core: Pick<ContainerDeps, "logging" | "store">,
  r: ContainerRecord,
): Promise<void> {
  return core.logging.start(logTargetOf(core, r), logPathOf(core, r.id));
}

/** Ends r's log copier once the rest of conmon's log reached the driver. */
export function finishLogCopier(
  core: Pick<ContainerDeps, "logging" | "store">,
  r: ContainerRecord,
): Promise<void> {
  return core.logging.finish(logTargetOf(core, r), logPathOf(core, r.id));
}

/** Publishes a container event with Docker's attributes. */
export function publish(
  core: Pick<ContainerDeps, "events">,
  r: ContainerRecord,
  action: string,
  extra: Record<string, string> = {},
): void {
  core.events.publish({
    type: "container",
    action,
    id: r.id,
    attributes: eventAttributes(r, extra),
  });
}

/** Now as RFC 3339 with nanoseconds, as Docker formats times. */
export function nowRfc3339(date = new Date()): string {
  const ns = String(process.hrtime.bigint() % 1_000_000n).padStart(6, "0");
  return date.toISOString().replace(/\.(\d{3})Z$/, `.$1${ns}Z`);
}
