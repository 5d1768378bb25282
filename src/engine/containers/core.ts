import { join } from "node:path";
import type { EventBus } from "../events/index.ts";
import type { ImageProvider } from "../images/index.ts";
import type { OciRuntime } from "../../runtime/index.ts";
import type { KeyedLock } from "../../util/lock.ts";
import type { Logger } from "../../util/log.ts";
import { eventAttributes, type ContainerRecord } from "./record.ts";
import type { ContainerStore } from "./store.ts";
import type { ExecStore } from "./exec-store.ts";

/**
 * The hook through which networking joins a container to its network(s).
 * The default (no networking engineer yet) gives bridge containers a fresh
 * empty netns. `prepare` runs before the runtime creates the container;
 * `release` after it has stopped or at remove (idempotent).
 */
export interface ContainerNetworking {
  /**
   * Returns the netns path the container joins, undefined for a fresh netns,
   * or "host" for none; also warnings for the create response.
   */
  prepare(r: ContainerRecord): Promise<{ netns: string | undefined }>;
  release(r: ContainerRecord): Promise<void>;
  /** Warnings to return from create for this HostConfig.NetworkMode. */
  createWarnings(networkMode: string): string[];
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
  dataRoot: string;
  execRoot: string;
  /** Host path of the init binary for --init, undefined when none is installed. */
  initBinary: string | undefined;
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
export function bundleOf(core: Core, id: string): string {
  return join(core.execRoot, "containers", id);
}

/** The bundle directory of an exec. */
export function execBundleOf(core: Core, execId: string): string {
  return join(core.execRoot, "execs", execId);
}

/** The k8s-file log of a container. */
export function logPathOf(core: Core, id: string): string {
  return join(core.store.dirOf(id), "ctr.log");
}

/** Publishes a container event with Docker's attributes. */
export function publish(
  core: Core,
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
 * The default networking: host and none are honoured, container:<ref> joins
 * that container's netns, and bridge runs as none with a warning.
 */
export class NoNetworking implements ContainerNetworking {
  #pidOf: (ref: string) => { id: string; pid: number };

  constructor(pidOf: (ref: string) => { id: string; pid: number }) {
    this.#pidOf = pidOf;
  }

  async prepare(r: ContainerRecord): Promise<{ netns: string | undefined }> {
    const mode = r.hostConfig.NetworkMode;
    if (mode === "host") return { netns: "host" };
    if (mode.startsWith("container:")) {
      const { pid } = this.#pidOf(mode.slice("container:".length));
      return { netns: `/proc/${pid}/ns/net` };
    }
    return { netns: undefined };
  }

  async release(): Promise<void> {}

  createWarnings(networkMode: string): string[] {
    if (
      networkMode === "none" ||
      networkMode === "host" ||
      networkMode.startsWith("container:")
    )
      return [];
    return [
      "bridge networking is not implemented yet: container runs without network (as --network none)",
    ];
  }
}
