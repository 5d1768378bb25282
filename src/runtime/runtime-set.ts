/**
 * Several OCI runtimes behind one OciRuntime: crun and runc (always) plus
 * daemon.json's `runtimes`, each a ConmonRuntime with its own --root under
 * the same state directory and one shared exit directory. A container
 * stays with the runtime it was created with: `create` records the choice
 * (oci.CreateOptions.runtime); after a daemon restart the runtime whose --root
 * holds the id is found on disk.
 *
 *   <stateDir>/<runtime name>/<id>/   each runtime's own state
 *   <stateDir>/exits/<id>             shared by all (one watcher)
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { NotFoundError } from "../util/errors.ts";
import type { OciRuntime } from "./oci-runtime.ts";
import type * as oci from "./oci-runtime.ts";
import type { OciResources } from "./oci-spec.ts";

/** Dispatches each call to the runtime that owns the container. */
export class RuntimeSet implements OciRuntime {
  readonly #runtimes = new Map<string, OciRuntime>();
  readonly #owner = new Map<string, string>();
  readonly #stateDir: string;
  #default: string;

  /** `runtimes` by registered name; `defaultName` must be one of them. */
  constructor(options: {
    stateDir: string;
    runtimes: Map<string, OciRuntime>;
    defaultName: string;
  }) {
    this.#stateDir = options.stateDir;
    for (const [k, v] of options.runtimes) this.#runtimes.set(k, v);
    this.#default = options.defaultName;
  }

  /** The default runtime's name. */
  get name(): string {
    return this.#default;
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.#runtimes.keys()].sort();
  }

  /** Applies a reloaded set (SIGHUP): new and changed runtimes take over; removed ones stay while containers still use them. */
  replace(runtimes: Map<string, OciRuntime>, defaultName: string): void {
    for (const [k, v] of runtimes) this.#runtimes.set(k, v);
    for (const k of [...this.#runtimes.keys()])
      if (!runtimes.has(k) && ![...this.#owner.values()].includes(k))
        this.#runtimes.delete(k);
    this.#default = defaultName;
  }

  #of(id: string): OciRuntime {
    let name = this.#owner.get(id);
    if (!name) {
      name =
        [...this.#runtimes.keys()].find((n) =>
          existsSync(join(this.#stateDir, n, id)),
        ) ?? this.#default;
      this.#owner.set(id, name);
    }
    return this.#runtimes.get(name) ?? this.#first();
  }

  #first(): OciRuntime {
    const r = this.#runtimes.get(this.#default);
    if (!r) throw new NotFoundError(`runtime ${this.#default} not found`);
    return r;
  }

  create(id: string, options: oci.CreateOptions): Promise<{ pid: number }> {
    const name = options.runtime || this.#default;
    const r = this.#runtimes.get(name);
    if (!r)
      return Promise.reject(
        new NotFoundError(`Unknown runtime specified ${name}`),
      );
    this.#owner.set(id, name);
    return r.create(id, options);
  }
  start(id: string): Promise<void> {
    return this.#of(id).start(id);
  }
  kill(id: string, signal: number, o?: { all?: boolean }): Promise<void> {
    return this.#of(id).kill(id, signal, o);
  }
  pause(id: string): Promise<void> {
    return this.#of(id).pause(id);
  }
  resume(id: string): Promise<void> {
    return this.#of(id).resume(id);
  }
  async remove(id: string, o?: { force?: boolean }): Promise<void> {
    await this.#of(id).remove(id, o);
    this.#owner.delete(id);
  }
  state(id: string): Promise<oci.RuntimeState | undefined> {
    return this.#of(id).state(id);
  }
  exitStatus(
    id: string,
    o?: { bundle?: string },
  ): Promise<oci.ExitStatus | undefined> {
    // The exit directory is shared: any runtime reads it.
    return this.#first().exitStatus(id, o);
  }
  clearExitStatus(id: string): Promise<void> {
    return this.#first().clearExitStatus(id);
  }
  watchExits(listener: (id: string) => void): () => void {
    // One watcher on the shared exit directory (a second would report each exit twice).
    return this.#first().watchExits(listener);
  }
  monitorAlive(id: string, o: { bundle: string }): Promise<boolean> {
    return this.#of(id).monitorAlive(id, o);
  }
  attach(id: string, o: oci.AttachOptions): Promise<oci.AttachConnection> {
    return this.#of(id).attach(id, o);
  }
  resize(
    id: string,
    o: { bundle: string; rows: number; cols: number },
  ): Promise<void> {
    return this.#of(id).resize(id, o);
  }
  exec(id: string, o: oci.ExecOptions): Promise<oci.ExecHandle> {
    return this.#of(id).exec(id, o);
  }
  pids(id: string): Promise<number[]> {
    return this.#of(id).pids(id);
  }
  update(id: string, resources: OciResources): Promise<void> {
    return this.#of(id).update(id, resources);
  }
}
