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
import { eventAttributes, type ContainerRecord } from "./record.ts";
import type { Releasers } from "./resources.ts";
import type { ContainerStore } from "./store.ts";
import { donorNamespace } from "./contracts.ts";
import type { ExecStore } from "./exec-store.ts";

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

/** Everything the verb modules share; built once by ContainerService. */
export type Core = {
  store: ContainerStore;
  images: ImageProvider;
  runtime: OciRuntime;
  events: EventBus;
  log: Logger;
  lock: KeyedLock;
  execs: ExecStore;
  networking: ContainerNetworking;
  mounts: ContainerMounts;
  dataRoot: string;
  execRoot: string;
  /** Compiled seccomp filters, cached per (profile, capabilities). */
  seccomp: SeccompFilters;
  /** Host path of the init binary for --init, undefined when none is installed. */
  initBinary: string | undefined;
  /** The OCI runtime's name ("crun" or "runc"): the only HostConfig.Runtime accepted. */
  runtimeName: string;
  /** Every runtime name HostConfig.Runtime may give (the daemon's registered runtimes). */
  runtimeNames: () => string[];
  /** How each resource a run holds is undone (resources.ts). */
  releasers: Releasers;
  /** The daemon's userns-remap mapping; undefined = containers share the host's user namespace. */
  userns: IdMappings | undefined;
  /** Resolves waiters of id after an exit (next-exit / not-running). */
  notifyExit(id: string, code: number): void;
  /** Resolves waiters of id after removal. */
  notifyRemoved(id: string, code: number): void;
  /**
   * Health probes (health-probe.ts): `started` after a start and `stopped`
   * at an exit, both with the lock held and before the record is saved.
   */
  probes: {
    started(r: ContainerRecord): void;
    stopped(r: ContainerRecord): void;
  };
};

/** The OCI bundle directory of a container. */
export function bundleOf(core: Pick<Core, "execRoot">, id: string): string {
  return join(core.execRoot, "containers", id);
}

/** The bundle directory of an exec. */
export function execBundleOf(
  core: Pick<Core, "execRoot">,
  execId: string,
): string {
  return join(core.execRoot, "execs", execId);
}

/** The k8s-file log of a container. */
export function logPathOf(core: Pick<Core, "store">, id: string): string {
  return join(core.store.dirOf(id), "ctr.log");
}

/** Publishes a container event with Docker's attributes. */
export function publish(
  core: Pick<Core, "events">,
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

/**
 * The networking used without a network service (unit tests): host and
 * none are honoured, container:<ref> joins that container's netns, and
 * bridge runs as none with a warning.
 */
export class NoNetworking implements ContainerNetworking {
  #store: ContainerStore;

  constructor(store: ContainerStore) {
    this.#store = store;
  }

  async create(r: ContainerRecord): Promise<string[]> {
    const mode = r.hostConfig.NetworkMode;
    if (mode === "none" || mode === "host" || mode.startsWith("container:"))
      return [];
    return [
      "bridge networking is not available: container runs without network (as --network none)",
    ];
  }

  async prepare(r: ContainerRecord): Promise<PreparedNetwork> {
    const mode = r.hostConfig.NetworkMode;
    if (mode === "host") return { netns: "host" };
    if (mode.startsWith("container:"))
      return { netns: donorNamespace(this.#store, mode, "net").path };
    return { netns: undefined };
  }

  async release(): Promise<void> {}

  async remove(): Promise<void> {}

  view(): undefined {
    return undefined;
  }
}
