import type { OciRuntime } from "./oci-runtime.ts";
import type * as oci from "./oci-runtime.ts";
import type { OciResources } from "./oci-spec.ts";

/** One recorded call: method name and its arguments. */
export type FakeCall = { method: string; id: string; args: unknown[] };

type FakeContainer = {
  state: oci.RuntimeState;
  options: oci.CreateOptions;
  attached: FakeAttach[];
};

/** An attach connection of the fake: what was written, whether stdin ended. */
export type FakeAttach = {
  written: Buffer[];
  stdinEnded: boolean;
  closed: boolean;
  options: oci.AttachOptions;
};

/**
 * An in-memory OciRuntime for unit tests (youki's test-syscall idea): it
 * records every call in `calls` and simulates the lifecycle. A signal ends
 * the process with 128+signal unless the test set `ignoreSignals`; tests end
 * processes with exit(), emit output with output(), and make a verb fail
 * with `failNext`.
 */
export class FakeRuntime implements OciRuntime {
  readonly name = "fake";
  readonly calls: FakeCall[] = [];
  /** Signals the fake's processes ignore (like a process trapping SIGTERM). */
  ignoreSignals = new Set<number>();
  /** Exit code of the next exec; defaults to 0. */
  nextExecExitCode = 0;
  /** When set, the next call of this method rejects with this message. */
  failNext: { method: string; message: string } | undefined;
  #containers = new Map<string, FakeContainer>();
  #exits = new Map<string, oci.ExitStatus>();
  #listeners = new Set<(id: string) => void>();
  #nextPid = 1000;

  async create(
    id: string,
    options: oci.CreateOptions,
  ): Promise<{ pid: number }> {
    this.#record("create", id, options);
    const pid = this.#nextPid++;
    this.#containers.set(id, {
      state: { status: "created", pid },
      options,
      attached: [],
    });
    return { pid };
  }

  async start(id: string): Promise<void> {
    this.#record("start", id);
    this.#get(id).state.status = "running";
  }

  async kill(
    id: string,
    signal: number,
    options: { all?: boolean } = {},
  ): Promise<void> {
    this.#record("kill", id, signal, options);
    const c = this.#get(id);
    if (c.state.status !== "running" && c.state.status !== "paused")
      throw new Error("container not running");
    if (!this.ignoreSignals.has(signal) || signal === 9)
      this.exit(id, 128 + signal);
  }

  async pause(id: string): Promise<void> {
    this.#record("pause", id);
    this.#get(id).state.status = "paused";
  }

  async resume(id: string): Promise<void> {
    this.#record("resume", id);
    this.#get(id).state.status = "running";
  }

  async remove(id: string, options: { force?: boolean } = {}): Promise<void> {
    this.#record("remove", id, options);
    const c = this.#containers.get(id);
    if (c && c.state.status !== "stopped") {
      if (!options.force) throw new Error("cannot delete a running container");
      this.exit(id, 137);
    }
    this.#containers.delete(id);
  }

  async state(id: string): Promise<oci.RuntimeState | undefined> {
    const c = this.#containers.get(id);
    return c ? { ...c.state } : undefined;
  }

  async exitStatus(id: string): Promise<oci.ExitStatus | undefined> {
    return this.#exits.get(id);
  }

  async clearExitStatus(id: string): Promise<void> {
    this.#record("clearExitStatus", id);
    this.#exits.delete(id);
  }

  watchExits(listener: (id: string) => void): () => void {
    this.#listeners.add(listener);
    for (const id of this.#exits.keys()) listener(id);
    return () => this.#listeners.delete(listener);
  }

  async monitorAlive(id: string): Promise<boolean> {
    const c = this.#containers.get(id);
    return c !== undefined && c.state.status !== "stopped";
  }

  async attach(
    id: string,
    options: oci.AttachOptions,
  ): Promise<oci.AttachConnection> {
    this.#record("attach", id);
    const c = this.#get(id);
    if (c.state.status === "stopped") throw new Error("no attach socket");
    const a: FakeAttach = {
      written: [],
      stdinEnded: false,
      closed: false,
      options,
    };
    c.attached.push(a);
    return {
      write: (data) => void a.written.push(data),
      endStdin: () => void (a.stdinEnded = true),
      close: () => void (a.closed = true),
    };
  }

  async resize(
    id: string,
    options: { bundle: string; rows: number; cols: number },
  ): Promise<void> {
    this.#record("resize", id, options);
  }

  async exec(id: string, options: oci.ExecOptions): Promise<oci.ExecHandle> {
    this.#record("exec", id, options);
    if (this.#get(id).state.status !== "running")
      throw new Error("container not running");
    const code = this.nextExecExitCode;
    return {
      pid: this.#nextPid++,
      connection: undefined,
      exited: new Promise((resolve) => setImmediate(() => resolve(code))),
    };
  }

  async pids(id: string): Promise<number[]> {
    const c = this.#get(id);
    return c.state.status === "stopped" ? [] : [c.state.pid];
  }

  async update(id: string, resources: OciResources): Promise<void> {
    this.#record("update", id, resources);
    this.#get(id);
  }

  /** Ends id's process with code: writes the exit status, notifies watchers. */
  exit(id: string, code: number): void {
    const c = this.#get(id);
    c.state = { status: "stopped", pid: 0 };
    for (const a of c.attached) a.options.onClose();
    this.#exits.set(id, {
      exitCode: code,
      finishedAt: new Date(),
      oomKilled: false,
    });
    for (const l of this.#listeners) l(id);
  }

  /** Sends output to every attach connection of id. */
  output(id: string, stream: 1 | 2, data: string): void {
    for (const a of this.#get(id).attached)
      a.options.onOutput(stream, Buffer.from(data));
  }

  /** Attach connections made to id, oldest first. */
  attachments(id: string): FakeAttach[] {
    return this.#containers.get(id)?.attached ?? [];
  }

  #get(id: string): FakeContainer {
    const c = this.#containers.get(id);
    if (!c) throw new Error(`container "${id}" does not exist`);
    return c;
  }

  #record(method: string, id: string, ...args: unknown[]): void {
    this.calls.push({ method, id, args });
    if (this.failNext?.method === method) {
      const message = this.failNext.message;
      this.failNext = undefined;
      throw new Error(message);
    }
  }
}
