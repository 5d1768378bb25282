import { existsSync } from "node:fs";
import type { EventBus } from "../events/index.ts";
import type { ImageProvider } from "../images/index.ts";
import type { OciRuntime } from "../../runtime/index.ts";
import { SeccompFilters } from "../../security/index.ts";
import { ConflictError } from "../../util/errors.ts";
import { KeyedLock } from "../../util/lock.ts";
import type { Logger } from "../../util/log.ts";
import { Attachments } from "./attachments.ts";
import { NoNetworking, type ContainerNetworking, type Core } from "./core.ts";
import { ExecStore } from "./exec-store.ts";
import { HealthMonitor } from "./health-probe.ts";
import { NoMounts, VolumeMounts, type VolumeProvider } from "./mounts.ts";
import { isRunning } from "./record.ts";
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
  initBinary?: string;
  /** The daemon's runtime name (default "crun"); other HostConfig.Runtime values are refused. */
  runtimeName?: string;
  /** Every runtime HostConfig.Runtime may name (default: runtimeName only); read at each create. */
  runtimeNames?: () => string[];
  /** The seccomp filter cache (daemon.json seccomp-profile sets its default profile). */
  seccomp?: SeccompFilters;
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
  const store = new ContainerStore(options.root);
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
    runtimeName: options.runtimeName ?? "crun",
    runtimeNames:
      options.runtimeNames ?? (() => [options.runtimeName ?? "crun"]),
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
