import type { OciProcess, OciResources, OciSpec } from "./oci-spec.ts";

/**
 * # OciRuntime: running containers through an OCI runtime and a monitor
 *
 * ## Vocabulary
 * - **id**: the runtime's name for a container (wharf passes the 64-hex
 *   container id). The runtime knows nothing else about the container.
 * - **bundle**: a directory holding `config.json` (the OCI `spec`) plus the
 *   monitor's files: `attach` (SEQPACKET socket), `ctl` (FIFO for resize),
 *   `pidfile`, `conmon.pid`, and the log file the caller names. The caller
 *   owns the directory (creates and removes it); the runtime writes
 *   `config.json` into it on create.
 * - **monitor**: one conmon process per container (and per exec). It holds
 *   the container's stdio, writes its output to the log, serves attach
 *   clients, and writes the exit code when the process ends. It is
 *   double-forked, so it outlives the daemon: containers keep running and
 *   stay attachable across daemon restarts (Docker's live-restore).
 * - **exit status**: what the monitor wrote when the init process ended: the
 *   code (128+signal for a killed process, as shells and Docker report it),
 *   the time, and whether the kernel OOM-killed it.
 *
 * ## Lifecycle
 * ```
 *   create ──► (created) ──start──► (running) ◄──pause/resume──► (paused)
 *                                       │ process ends (or kill)
 *                                       ▼
 *               exit file written ──► (stopped) ──remove──► (unknown)
 * ```
 * `create` returns once the runtime has made the namespaces and the init
 * process waits in the runtime's `create` state: output is not produced
 * before `start`, so attach before `start` to miss nothing (the monitor does
 * not replay output). `start` makes it run. When the process ends the monitor
 * writes the exit file and `watchExits` listeners hear the id; the caller
 * reads `exitStatus` and calls `remove` to free the runtime's state (a new
 * `create` with the same id needs that). `remove` of an unknown id is a no-op.
 *
 * ## The runtime is dumb
 * No method checks whether a transition makes sense (pausing a stopped
 * container, starting twice): the engine's record holds the state machine
 * (Podman's split between libpod and conmon/crun). Errors from the runtime
 * binary surface as plain Errors with its message; the engine maps them.
 *
 * ## Worked example (`docker run --rm busybox echo hi`)
 * ```ts
 * const stop = runtime.watchExits((id) => void onExit(id));
 * const { pid } = await runtime.create(id, { bundle, spec, terminal: false,
 *   stdin: false, stdinOnce: false, logPath: `${bundle}/ctr.log` });
 * const conn = await runtime.attach(id, { bundle,
 *   onOutput: (stream, data) => client.write(frame(stream, data)),
 *   onClose: () => client.end() });
 * await runtime.start(id);
 * // …the process prints "hi" (stream 1) and exits; the monitor writes the
 * // exit file; onExit(id) runs:
 * const status = await runtime.exitStatus(id); // { exitCode: 0, … }
 * await runtime.remove(id, { force: false });
 * ```
 */
export interface OciRuntime {
  /** The runtime binary's short name ("crun", "runc", "fake"). */
  readonly name: string;

  /**
   * Writes `spec` to `<bundle>/config.json`, starts the monitor and has it
   * run the runtime's `create`. Resolves with the init pid once the process
   * exists (not yet running user code). Rejects with the runtime's message
   * when creation fails; nothing is left running then.
   */
  create(id: string, options: CreateOptions): Promise<{ pid: number }>;

  /** Lets a created container run its process. */
  start(id: string): Promise<void>;

  /**
   * Sends a signal (number) to the init process, or to every process of the
   * container with `all`. Rejects when the container is not running.
   */
  kill(id: string, signal: number, options?: { all?: boolean }): Promise<void>;

  /** Freezes every process of the container (cgroup freezer). */
  pause(id: string): Promise<void>;

  /** Thaws a paused container. */
  resume(id: string): Promise<void>;

  /**
   * Frees the runtime's state for id; with `force` kills a live container
   * first. Idempotent: an unknown id is not an error.
   */
  remove(id: string, options?: { force?: boolean }): Promise<void>;

  /** The runtime's view of id, or undefined when it does not know it. */
  state(id: string): Promise<RuntimeState | undefined>;

  /**
   * The exit status written by the monitor, or undefined if none yet. Pass
   * the bundle to learn whether the process was OOM-killed.
   */
  exitStatus(
    id: string,
    options?: { bundle?: string },
  ): Promise<ExitStatus | undefined>;

  /** Deletes a stale exit status (before the same id is created again). */
  clearExitStatus(id: string): Promise<void>;

  /**
   * Calls `listener(id)` whenever a monitor writes an exit status, and once
   * at subscription for every exit status already present (a rescan, so
   * exits during a daemon restart are not missed). Returns the unsubscribe.
   */
  watchExits(listener: (id: string) => void): () => void;

  /** True while the container's monitor process is alive. */
  monitorAlive(id: string, options: { bundle: string }): Promise<boolean>;

  /**
   * Connects to the monitor's attach socket. Output arrives through
   * `onOutput` (stream 1 stdout, 2 stderr; a tty sends everything as 1);
   * `onClose` runs once when the monitor closes the connection (the process
   * ended). Rejects when there is no socket (the container is not running).
   */
  attach(id: string, options: AttachOptions): Promise<AttachConnection>;

  /** Sets the terminal size through the monitor's ctl FIFO (works before start). */
  resize(
    id: string,
    options: { bundle: string; rows: number; cols: number },
  ): Promise<void>;

  /**
   * Runs an extra process in a running container through its own monitor.
   * `bundle` is a fresh directory for this exec's monitor files. With
   * `attach`, output flows to `onOutput` from the first byte. Resolves once
   * the process exists; `exited` resolves with its exit code.
   */
  exec(id: string, options: ExecOptions): Promise<ExecHandle>;

  /** Pids of every process in the container (host pid namespace). */
  pids(id: string): Promise<number[]>;

  /**
   * Changes the cgroup limits of a created, running or paused container
   * (the runtime's `update --resources`). Only the fields present change.
   * Rejects with the runtime's message (e.g. a limit the kernel refuses).
   */
  update(id: string, resources: OciResources): Promise<void>;
}

/** Input of OciRuntime.create. */
export type CreateOptions = {
  bundle: string;
  spec: OciSpec;
  /** Allocate a pseudo-terminal (spec.process.terminal must agree). */
  terminal: boolean;
  /** Keep stdin open for attach clients. */
  stdin: boolean;
  /** Close the process's stdin when the first attach client detaches. */
  stdinOnce: boolean;
  /** Where the monitor writes k8s-file log lines. */
  logPath: string;
  /** A name for the monitor's logs (the container name). */
  name?: string;
  /** The registered runtime to run it with (HostConfig.Runtime); default the daemon's. */
  runtime?: string;
  /**
   * spec.linux.seccomp compiled to a BPF program (base64 of struct
   * sock_filter[]). A runtime that loads precompiled programs (crun) uses
   * it and skips compiling the profile; the others ignore it
   * (seccomp-delivery.ts).
   */
  seccompFilter?: string;
};

/** Input of OciRuntime.attach. */
export type AttachOptions = {
  bundle: string;
  onOutput: (stream: 1 | 2, data: Buffer) => void;
  onClose: () => void;
};

/** A live attach connection to a monitor. */
export interface AttachConnection {
  /** Sends bytes to the process's stdin (ignored when it has none). */
  write(data: Buffer): void;
  /** Half-closes: the monitor closes the process's stdin if stdinOnce. */
  endStdin(): void;
  /** Drops the connection; the process keeps running. */
  close(): void;
}

/** Input of OciRuntime.exec. */
export type ExecOptions = {
  bundle: string;
  process: OciProcess;
  terminal: boolean;
  stdin: boolean;
  /** Connect to the exec's output before it runs (`docker exec` without -d). */
  attach: boolean;
  onOutput?: (stream: 1 | 2, data: Buffer) => void;
  onClose?: () => void;
};

/** A started exec. */
export type ExecHandle = {
  pid: number;
  connection: AttachConnection | undefined;
  /** Resolves with the exit code (128+signal when killed). */
  exited: Promise<number>;
};

/** What the runtime binary reports about a container. */
export type RuntimeState = {
  status: "created" | "running" | "paused" | "stopped";
  pid: number;
};

/** What the monitor recorded when the init process ended. */
export type ExitStatus = {
  exitCode: number;
  finishedAt: Date;
  oomKilled: boolean;
};
