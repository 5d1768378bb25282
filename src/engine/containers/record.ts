import { humanDuration } from "../../conventions/human.ts";
import type {
  ContainerConfig,
  ContainerState,
  HealthState,
  HostConfig,
  MountPoint,
} from "../../api/containers.ts";
import {
  ConflictError,
  InvalidArgumentError,
  NotModifiedError,
} from "../../util/errors.ts";
import { shortId } from "../../util/ids.ts";
import type { IdMappings } from "../../oci/id-mapping.ts";

/** A container's lifecycle status, as Docker names it. */
export type Status = ContainerState["Status"];

/** Something a start acquires and release() undoes (see resources.ts). */
export type Resource =
  "bundle" | "rootfs" | "network" | "mounts" | "shm" | "runtime";

/** What wharf persists per container (schema 1). Mutated only under the per-id lock. */
export type ContainerRecord = {
  schema: 1;
  id: string;
  /** With Docker's leading slash: "/web". */
  name: string;
  /** RFC 3339 with nanoseconds. */
  created: string;
  /** "sha256:<hex>" of the image config. */
  imageId: string;
  /** Entrypoint + Cmd split as Docker's Path/Args. */
  path: string;
  args: string[];
  config: ContainerConfig;
  hostConfig: HostConfig;
  state: {
    status: Status;
    pid: number;
    exitCode: number;
    error: string;
    oomKilled: boolean;
    startedAt: string;
    finishedAt: string;
  };
  restartCount: number;
  /** True once stop/kill by the user ended it (restart policies skip those). */
  stoppedByUser: boolean;
  /** Resolved mounts, in Docker's inspect shape (Type bind|volume|tmpfs, Name, Source, Destination, Driver, Mode, RW, Propagation). */
  mounts?: MountPoint[];
  /** State.Health, present once a container with a health check started. */
  health?: HealthState;
  /**
   * What the current (or last, interrupted) run holds, in acquisition
   * order; empty once released. Absent in records written before it
   * existed (migrateResources in resources.ts derives it).
   */
  resources?: Resource[];
  /**
   * The user-namespace mapping the container runs with (the daemon's
   * userns-remap at create, unless UsernsMode is host); absent = the
   * host's namespace. Fixed for the container's life: its writable layer
   * is owned through it.
   */
  idMappings?: IdMappings;
};

/** Docker's zero time, used for StartedAt/FinishedAt before they happen. */
export const ZERO_TIME = "0001-01-01T00:00:00Z";

/** Docker's container-name rule (moby daemon/names), leading slash optional. */
const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Throws InvalidArgumentError with Docker's text unless name is a valid container name. */
export function checkContainerName(name: string): void {
  if (!NAME_RE.test(name))
    throw new InvalidArgumentError(
      `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
    );
}

/** A fresh state block for a created container. */
export function createdState(): ContainerRecord["state"] {
  return {
    status: "created",
    pid: 0,
    exitCode: 0,
    error: "",
    oomKilled: false,
    startedAt: ZERO_TIME,
    finishedAt: ZERO_TIME,
  };
}

/** True while a process runs (paused counts: it still exists). */
export function isRunning(r: ContainerRecord): boolean {
  return r.state.status === "running" || r.state.status === "paused";
}

/** Throws NotModifiedError when already running (start answers 304). */
export function checkStart(r: ContainerRecord): void {
  if (r.state.status === "paused")
    throw new ConflictError(
      "cannot start a paused container, try unpause instead",
    );
  if (isRunning(r)) throw new NotModifiedError("container already started");
  if (r.state.status === "removing" || r.state.status === "dead")
    throw new ConflictError(
      `container is marked for removal and cannot be started`,
    );
}

/** Throws NotModifiedError when not running (stop answers 304). */
export function checkStop(r: ContainerRecord): void {
  if (!isRunning(r)) throw new NotModifiedError("container already stopped");
}

/** Throws Docker's 409 "is not running" for kill, exec, top, resize. */
export function checkRunning(r: ContainerRecord): void {
  if (!isRunning(r))
    throw new ConflictError(`Container ${r.id} is not running`);
}

/** pause: must be running and not paused. */
export function checkPause(r: ContainerRecord): void {
  checkRunning(r);
  if (r.state.status === "paused")
    throw new ConflictError(`Container ${r.id} is already paused`);
}

/** unpause: must be paused. */
export function checkUnpause(r: ContainerRecord): void {
  if (r.state.status !== "paused")
    throw new ConflictError(`Container ${r.id} is not paused`);
}

/** exec needs a running, unpaused container. */
export function checkExec(r: ContainerRecord): void {
  checkRunning(r);
  if (r.state.status === "paused")
    throw new ConflictError(
      `Container ${r.id} is paused, unpause the container before exec`,
    );
}

/** remove without force refuses a running or paused container (Docker's wording). */
export function checkRemove(r: ContainerRecord, force: boolean): void {
  if (force) return;
  if (r.state.status === "paused")
    throw new ConflictError(
      `cannot remove container "${r.name}": container is paused and must be unpaused first`,
    );
  if (isRunning(r) || r.state.status === "restarting")
    throw new ConflictError(
      `cannot remove container "${r.name}": container is ${r.state.status}: stop the container before removing or force remove`,
    );
}

/**
 * Docker's human status for `ps`: "Up 3 seconds", "Up 2 minutes (Paused)",
 * "Exited (0) 2 seconds ago", "Created".
 */
export function statusText(r: ContainerRecord, now = Date.now()): string {
  const s = r.state;
  switch (s.status) {
    case "running":
      // compat: moby's State.String adds "(health: starting)" or "(healthy)".
      return `Up ${humanDuration(now - Date.parse(s.startedAt))}${r.health ? ` (${r.health.Status === "starting" ? "health: starting" : r.health.Status})` : ""}`;
    case "paused":
      return `Up ${humanDuration(now - Date.parse(s.startedAt))} (Paused)`;
    case "restarting":
      return `Restarting (${s.exitCode}) ${humanDuration(now - Date.parse(s.finishedAt))} ago`;
    case "removing":
      return "Removal In Progress";
    case "dead":
      return "Dead";
    case "exited":
      if (s.finishedAt === ZERO_TIME) return "Created";
      return `Exited (${s.exitCode}) ${humanDuration(now - Date.parse(s.finishedAt))} ago`;
    default:
      return "Created";
  }
}

/** Event attributes Docker attaches to container events: labels, image, name. */
export function eventAttributes(
  r: ContainerRecord,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...r.config.Labels,
    image: r.config.Image,
    name: r.name.slice(1),
    ...extra,
  };
}

/** A short label for logs. */
export function describe(r: ContainerRecord): string {
  return `${shortId(r.id)} (${r.name})`;
}
