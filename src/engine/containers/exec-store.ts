import type { ExecCreateBody } from "../../api/containers.ts";
import { NotFoundError } from "../../util/errors.ts";
import type { AttachConnection } from "../../runtime/index.ts";

/** One exec instance (kept in memory only, as dockerd does). */
export type ExecRecord = {
  id: string;
  containerId: string;
  body: ExecCreateBody;
  running: boolean;
  /** Set once the process has exited; null before. */
  exitCode: number | null;
  pid: number;
  started: boolean;
  /** The client detached (see exec.ts): the exit is no longer recorded. */
  detached: boolean;
  connection: AttachConnection | undefined;
  /** Resolves once the exec has ended (for waiting without polling). */
  done: Promise<void>;
  finish: () => void;
};

/** The exec instances by id. */
export class ExecStore {
  #byId = new Map<string, ExecRecord>();

  /** Adds a not-yet-started exec. */
  add(id: string, containerId: string, body: ExecCreateBody): ExecRecord {
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const e: ExecRecord = {
      id,
      containerId,
      body,
      running: false,
      exitCode: null,
      pid: 0,
      started: false,
      detached: false,
      connection: undefined,
      done,
      finish,
    };
    this.#byId.set(id, e);
    return e;
  }

  /** The exec; throws NotFoundError with Docker's text. */
  get(id: string): ExecRecord {
    const e = this.#byId.get(id);
    if (!e) throw new NotFoundError(`No such exec instance: ${id}`);
    return e;
  }

  /**
   * Ids of a container's execs that have not ended (inspect's ExecIDs).
   * compat: moby drops an exec from the container's list when it exits.
   */
  idsOf(containerId: string): string[] {
    return [...this.#byId.values()]
      .filter((e) => e.containerId === containerId && e.exitCode === null)
      .map((e) => e.id);
  }

  /** Forgets every exec of a container (at remove). */
  removeAllOf(containerId: string): void {
    for (const [id, e] of this.#byId)
      if (e.containerId === containerId) this.#byId.delete(id);
  }
}
