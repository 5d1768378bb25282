import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import type { EventBus } from "../events/index.ts";
import type { ImageProvider } from "../images/index.ts";
import type { OciRuntime } from "../../runtime/index.ts";
import { SeccompFilters } from "../../security/index.ts";
import { KeyedLock } from "../../util/lock.ts";
import type { IdMappings } from "../../oci/id-mapping.ts";
import type { Logger } from "../../util/log.ts";
import { Attachments } from "./attachments.ts";
import {
  bundleOf,
  NoNetworking,
  type ContainerMounts,
  type ContainerNetworking,
  type Core,
} from "./core.ts";
import { releaseSharedNamespaces } from "./shared-ns.ts";
import { ExecStore } from "./exec-store.ts";
import { HealthMonitor } from "./health-probe.ts";
import { NoMounts, VolumeMounts, type VolumeProvider } from "./mounts.ts";
import { RestartSupervisor } from "./restart.ts";
import { startContainer } from "./start.ts";
import { ContainerStore } from "./store.ts";
import { Waiters } from "./waiters.ts";

/** What ContainerService is built from (wire.ts passes it). */
export type ContainerServiceOptions = {
  root: string;
  execRoot: string;
  images: ImageProvider;
  runtime: OciRuntime;
  events: EventBus;
  log: Logger;
  networking?: ContainerNetworking;
  /** The volumes engine; without it binds, volumes and tmpfs answer 501. */
  volumes?: VolumeProvider;
  /** Replaces the volume mounts (tests pass fakes). */
  mounts?: ContainerMounts;
  /**
   * The record store, when wire.ts built it first to hand out narrow
   * views (contracts.ts) to images and networks; else one under root.
   */
  store?: ContainerStore;
  initBinary?: string;
  /** The daemon's runtime name (default "crun"); other HostConfig.Runtime values are refused. */
  runtimeName?: string;
  /** Every runtime HostConfig.Runtime may name (default: runtimeName only); read at each create. */
  runtimeNames?: () => string[];
  /** The seccomp filter cache (daemon.json seccomp-profile sets its default profile). */
  seccomp?: SeccompFilters;
  /** daemon.json userns-remap's mapping: containers get a user namespace with it (userns.ts). */
  userns?: IdMappings;
};

/**
 * What the lifecycle verbs share beyond Core: exit/removal waiters, the
 * restart supervisor, health probes and attach sessions parked on created
 * containers. Built once per ContainerService by buildParts.
 */
export type Parts = {
  core: Core;
  waiters: Waiters;
  restarts: RestartSupervisor;
  health: HealthMonitor;
  attachments: Attachments;
};

/**
 * Builds the Core and its companions. Without networking, host/none/
 * container: modes work (NoNetworking); without volumes, mounts answer 501.
 */
export function buildParts(options: ContainerServiceOptions): Parts {
  const store = options.store ?? new ContainerStore(options.root);
  const waiters = new Waiters();
  const core: Core = {
    store,
    images: options.images,
    runtime: options.runtime,
    events: options.events,
    log: options.log,
    lock: new KeyedLock(),
    execs: new ExecStore(),
    seccomp: options.seccomp ?? new SeccompFilters(),
    networking: options.networking ?? new NoNetworking(store),
    mounts:
      options.mounts ??
      (options.volumes
        ? new VolumeMounts({
            volumes: options.volumes,
            resolveContainer: (ref) => store.resolve(ref),
            log: options.log,
          })
        : new NoMounts()),
    dataRoot: options.root,
    execRoot: options.execRoot,
    initBinary:
      options.initBinary ??
      ["/usr/bin/tini-static", "/usr/bin/tini"].find((p) => existsSync(p)),
    runtimeName: options.runtimeName ?? "crun",
    userns: options.userns,
    runtimeNames:
      options.runtimeNames ?? (() => [options.runtimeName ?? "crun"]),
    releasers: {
      runtime: (r) => core.runtime.remove(r.id, { force: true }),
      shm: async (r) => releaseSharedNamespaces(core, r),
      mounts: (r) => core.mounts.release(r),
      network: (r) => core.networking.release(r),
      rootfs: (r) => core.images.unmountRootfs(r.id),
      bundle: (r) => rm(bundleOf(core, r.id), { recursive: true, force: true }),
    },
    notifyExit: (id, code) => waiters.exited(id, code),
    notifyRemoved: (id, code) => waiters.removed(id, code),
    // The monitor needs the finished core: the probes reach it once built.
    probes: {
      started: (r) => health.started(r),
      stopped: (r) => health.stopped(r),
    },
  };
  const health = new HealthMonitor(core);
  const attachments = new Attachments(core);
  return {
    core,
    waiters,
    attachments,
    health,
    restarts: new RestartSupervisor(core, (r) =>
      startContainer(core, r, (rec) => attachments.connectPending(rec)),
    ),
  };
}
