import type { Duplex } from "node:stream";
import { ConflictError, InvalidArgumentError } from "../../util/errors.ts";
import {
  AttachSession,
  parseDetachKeys,
  type AttachRequest,
} from "./attach.ts";
import { bundleOf, publish, type ContainerDeps } from "./deps.ts";
import { checkReadableLogs, streamLogs, WHOLE_LOG } from "./logs.ts";
import { checkRunning, isRunning, type ContainerRecord } from "./record.ts";

/**
 * The attach sessions of created containers, waiting for their start, and
 * the joining of a session to a running container's console.
 */
export class Attachments {
  #core: Pick<ContainerDeps, "runtime" | "execRoot">;
  #pending = new Map<string, Set<AttachSession>>();

  constructor(core: Pick<ContainerDeps, "runtime" | "execRoot">) {
    this.#core = core;
  }

  /** Parks a session until r starts; it leaves the set when it closes. */
  park(r: ContainerRecord, session: AttachSession): void {
    const set = this.#pending.get(r.id) ?? new Set();
    set.add(session);
    this.#pending.set(r.id, set);
    void session.closed.then(() => set.delete(session));
  }

  /** Joins the sessions parked on r to its (just started) console. */
  async connectPending(r: ContainerRecord): Promise<void> {
    const set = this.#pending.get(r.id);
    this.#pending.delete(r.id);
    for (const s of set ?? []) await this.connect(r, s);
  }

  /** Joins one session to r's console through the runtime. */
  async connect(r: ContainerRecord, s: AttachSession): Promise<void> {
    const conn = await this.#core.runtime.attach(r.id, {
      bundle: bundleOf(this.#core, r.id),
      onOutput: (stream, data) => s.output(stream, data),
      onClose: () => s.end(),
    });
    s.connect(conn);
  }

  /** Ends the sessions parked on id (the container is being removed). */
  endAll(id: string): void {
    for (const s of this.#pending.get(id) ?? []) s.end();
    this.#pending.delete(id);
  }
}

/**
 * docker attach. Validates, then calls `open(multiplexed)` to take over
 * the client connection and streams until detach, process end or client
 * close. A created container's clients connect when it starts.
 */
export async function attach(
  core: Pick<
    ContainerDeps,
    "store" | "lock" | "events" | "logging" | "attachments"
  >,
  ref: string,
  req: AttachRequest,
  open: (multiplexed: boolean) => Duplex,
): Promise<void> {
  const r = core.store.resolve(ref);
  const attachments = core.attachments;
  if (r.state.status === "paused")
    throw new ConflictError(
      `container ${r.id} is paused, unpause the container before attach`,
    );
  if (req.logs) checkReadableLogs(r);
  checkDetachKeys(req.detachKeys);
  const session = new AttachSession(open(!r.config.Tty), req, {
    multiplexed: !r.config.Tty,
    stdinOnce: r.config.StdinOnce,
    tty: r.config.Tty,
    onDetach: () => publish(core, r, "detach"),
  });
  publish(core, r, "attach");
  if (req.logs) {
    const ac = new AbortController();
    await streamLogs(
      core,
      r,
      { ...WHOLE_LOG, stdout: req.stdout, stderr: req.stderr },
      session.client,
      ac.signal,
    );
  }
  if (!req.stream) return session.end();
  await core.lock.run(r.id, async () => {
    if (r.state.status === "created") attachments.park(r, session);
    else if (isRunning(r)) await attachments.connect(r, session);
    else session.end();
  });
  await session.closed;
}

/**
 * Refuses detach keys moby/term cannot parse, before the hijack, with
 * dockerd's text. Throws InvalidArgumentError.
 */
function checkDetachKeys(keys: string | undefined): void {
  if (!keys) return;
  try {
    parseDetachKeys(keys);
  } catch {
    throw new InvalidArgumentError(`Invalid detach keys (${keys}) provided`);
  }
}

/** Sets the tty size of a running container. Throws ConflictError unless running. */
export async function resize(
  core: Pick<ContainerDeps, "store" | "runtime" | "execRoot" | "events">,
  ref: string,
  size: { h: number; w: number },
): Promise<void> {
  const r = core.store.resolve(ref);
  checkRunning(r);
  await core.runtime.resize(r.id, {
    bundle: bundleOf(core, r.id),
    rows: size.h,
    cols: size.w,
  });
  publish(core, r, "resize", {
    height: String(size.h),
    width: String(size.w),
  });
}
