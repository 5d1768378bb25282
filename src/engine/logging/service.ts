/**
 * The logging service: one live copier + sink per running container
 * (started before the process runs, finished after its monitor is gone)
 * and the reader behind `docker logs` and attach's logs=1.
 */
import { NotImplementedError, errorMessage } from "../../util/errors.ts";
import { LogCopier } from "./copier.ts";
import type { LogEntry, LogInfo, LogSink, LogSnapshot } from "./driver.ts";
import { driverOf } from "./drivers.ts";
import {
  inWindow,
  readFiles,
  staticSnapshot,
  tailOf,
  type ReadRequest,
} from "./reader.ts";

/** A container's logging set-up: its driver name and info. */
export type LogTarget = LogInfo & { type: string };

type Live = { copier: LogCopier; sink: LogSink };

/** Keeps each running container's copier; reads logs back. */
export class LogService {
  #live = new Map<string, Live>();
  #warn: (msg: string, fields: Record<string, unknown>) => void;

  constructor(o: {
    warn: (msg: string, fields: Record<string, unknown>) => void;
  }) {
    this.#warn = o.warn;
  }

  /**
   * Opens t's driver and starts copying `conmonLog` into it (also to resume
   * after a daemon restart: the copier continues from its saved position).
   * Throws Error "failed to initialize logging driver: …" (moby's text).
   * A no-op for `none` and for a container already copied.
   */
  async start(t: LogTarget, conmonLog: string): Promise<void> {
    if (t.type === "none" || this.#live.has(t.id)) return;
    const d = driverOf(t.type);
    if (!d)
      throw new Error(
        `failed to initialize logging driver: logger: no log driver named '${t.type}' is registered`,
      );
    let sink: LogSink;
    try {
      sink = await d.open(t);
    } catch (err) {
      throw new Error(
        `failed to initialize logging driver: ${errorMessage(err)}`,
      );
    }
    const copier = new LogCopier(conmonLog, sink, (err) =>
      this.#warn("cannot copy container output to its log driver", {
        id: t.id,
        driver: t.type,
        err: errorMessage(err),
      }),
    );
    this.#live.set(t.id, { copier, sink });
    await copier.start();
  }

  /**
   * Once the container's monitor is gone: copies the rest of `conmonLog`,
   * closes the driver and empties conmon's log. Opens the driver first when
   * no copier runs (the daemon restarted meanwhile). Idempotent.
   */
  async finish(t: LogTarget, conmonLog: string): Promise<void> {
    if (t.type === "none") return;
    if (!this.#live.has(t.id))
      await this.start(t, conmonLog).catch((err: unknown) =>
        this.#warn("cannot open the log driver to drain", {
          id: t.id,
          err: errorMessage(err),
        }),
      );
    const live = this.#live.get(t.id);
    this.#live.delete(t.id);
    await live?.copier.finish();
  }

  /** Stops every copier without draining (daemon shutdown). */
  async close(): Promise<void> {
    const all = [...this.#live.values()];
    this.#live.clear();
    await Promise.all(all.map((l) => l.copier.detach()));
  }

  /** Where the json-file driver writes (inspect's LogPath), "" for other drivers (as dockerd). */
  logPath(t: LogTarget): string {
    const d = driverOf(t.type);
    return d?.showsLogPath && d.files ? d.files.path(t) : "";
  }

  /**
   * Streams t's log entries to `emit` (filtered by req); with follow, until
   * the sink closes or `signal` aborts. Throws NotImplementedError with
   * Docker's text for drivers that keep nothing.
   */
  async read(
    t: LogTarget,
    req: ReadRequest,
    emit: (e: LogEntry) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const d = driverOf(t.type);
    if (!d?.files)
      throw new NotImplementedError(
        "configured logging driver does not support reading",
      );
    const queue: LogEntry[] = [];
    let ended = !req.follow;
    let wake: () => void = () => undefined;
    const live = this.#live.get(t.id)?.sink;
    const snap: LogSnapshot =
      req.follow && live?.snapshot
        ? live.snapshot({
            entries: (es) => {
              queue.push(...es);
              wake();
            },
            end: () => {
              ended = true;
              wake();
            },
          })
        : staticSnapshot(d.files.path(t), d.files.maxFiles(t));
    if (req.follow && !live) ended = true;
    const out = (e: LogEntry): void => {
      if (inWindow(e, req)) emit(e);
    };
    try {
      const tail = tailOf(req.tail, out);
      readFiles(snap.files, (b) => d.files!.decode(b), tail.each);
      tail.done();
      const onAbort = (): void => wake();
      signal.addEventListener("abort", onAbort);
      try {
        while (!signal.aborted) {
          for (const e of queue.splice(0)) out(e);
          if (ended) break;
          if (req.until && req.until < BigInt(Date.now()) * 1_000_000n) break;
          await new Promise<void>((res) => {
            wake = res;
            if (req.until) setTimeout(res, 1000).unref();
          });
        }
      } finally {
        signal.removeEventListener("abort", onAbort);
      }
    } finally {
      snap.release();
    }
  }
}
