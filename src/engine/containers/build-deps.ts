import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import type { EventBus } from "../events/index.ts";
import type { ImageProvider } from "../images/index.ts";
import type { OciRuntime } from "../../runtime/index.ts";
import { SeccompFilters } from "../../security/index.ts";
import { KeyedLock } from "../../util/lock.ts";
import type { IdMappings } from "../../oci/id-mapping.ts";
import type { Logger } from "../../util/log.ts";
import { LogService } from "../logging/index.ts";
import { Attachments } from "./attachments.ts";
import {
  bundleOf,
  finishLogCopier,
  type ContainerMounts,
  type ContainerDeps,
  type ContainerNetworking,
} from "./deps.ts";
import { NoNetworking } from "./no-networking.ts";
import { releaseSharedNamespaces } from "./shared-ns.ts";
import { ExecStore } from "./exec-store.ts";
import { HealthMonitor } from "./health-probe.ts";
import { NoMounts, VolumeMounts, type VolumeProvider } from "./mounts.ts";
import { RestartSupervisor } from "./restart-policy.ts";
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
  /** The log drivers' service (default: one of its own). */
  logging?: LogService;
  /** daemon.json userns-remap's mapping: containers get a user namespace with it (userns.ts). */
  userns?: IdMappings;
};

/**
 * Builds the containers engine's dependencies, by concern (deps.ts).
 * Without networking, host/none/container: modes work (NoNetworking);
 * without volumes, mounts answer 501.
 */
export function buildDeps(options: ContainerServiceOptions): ContainerDeps {
  const store = options.store ?? new ContainerStore(options.root);
  const records = {
    store,
    lock: new KeyedLock(),
    events: options.events,
    log: options.log,
  };
  const runtime = {
    runtime: options.runtime,
    execRoot: options.execRoot,
    runtimeName: options.runtimeName ?? "crun",
    runtimeNames:
      options.runtimeNames ?? (() => [options.runtimeName ?? "crun"]),
    initBinary:
      options.initBinary ??
      ["/usr/bin/tini-static", "/usr/bin/tini"].find((p) => existsSync(p)),
    seccomp: options.seccomp ?? new SeccompFilters(),
    userns: options.userns,
  };
  const storage = {
    images: options.images,
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
  };
  const logging =
    options.logging ??
    new LogService({ warn: (msg, fields) => options.log.warn(msg, fields) });
  const execs = new ExecStore();
  const attachments = new Attachments({ ...records, ...runtime });
  const d: ContainerDeps = {
    ...records,
    ...runtime,
    ...storage,
    networking: options.networking ?? new NoNetworking(store),
    logging,
    execs,
    attachments,
    waiters: new Waiters(),
    probes: new HealthMonitor({ ...records, ...runtime, ...storage }),
    restarts: new RestartSupervisor(records, (r) =>
      startContainer(d, r, (rec) => attachments.connectPending(rec)),
    ),
    releasers: {
      runtime: (r) => d.runtime.remove(r.id, { force: true }),
      shm: async (r) => releaseSharedNamespaces(d, r),
      logger: (r) => finishLogCopier(d, r),
      mounts: (r) => d.mounts.release(r),
      network: (r) => d.networking.release(r),
      rootfs: (r) => d.images.unmountRootfs(r.id),
      bundle: (r) => rm(bundleOf(d, r.id), { recursive: true, force: true }),
    },
    boot: { orphans: [], stopWatch: undefined },
  };
  return d;
}
