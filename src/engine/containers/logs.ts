import { open, watch } from "node:fs/promises";
import { K8sLogJoiner, type LogMessage } from "../../runtime/index.ts";
import {
  InvalidArgumentError,
  NotImplementedError,
  isErrno,
} from "../../util/errors.ts";
import { frame } from "./attach.ts";
import { logPathOf, type Core } from "./core.ts";
import { isRunning, type ContainerRecord } from "./record.ts";

/** Options of GET /containers/{id}/logs. */
export type LogsRequest = {
  follow: boolean;
  stdout: boolean;
  stderr: boolean;
  /** Nanoseconds since the epoch; 0 = from the start. */
  since: bigint;
  /** Nanoseconds since the epoch; 0 = no end. */
  until: bigint;
  /** Number of last lines, or "all". */
  tail: number | "all";
  timestamps: boolean;
  /** `docker logs --details`: each line after its attributes and a space. */
  details?: boolean;
};

/** Whether the container logs nothing (`--log-driver none`): conmon then writes to /dev/null. */
export function logsDisabled(r: ContainerRecord): boolean {
  const lc = r.hostConfig.LogConfig as { Type?: string } | undefined;
  return lc?.Type === "none";
}

/**
 * Throws Docker's 501 for a container whose driver keeps no log to read
 * back (logs, and attach with logs=1).
 */
export function checkReadableLogs(r: ContainerRecord): void {
  if (logsDisabled(r))
    throw new NotImplementedError(
      "configured logging driver does not support reading",
    );
}

/**
 * Streams a container's log (conmon's k8s-file) as Docker's logs API does:
 * stdout/stderr framed with the 8-byte header unless tty, optional
 * timestamps, since/until/tail. With follow, keeps reading until
 * `stillRunning()` is false or `signal` aborts.
 */
export async function streamLogs(
  path: string,
  req: LogsRequest,
  out: { write(chunk: Buffer): void },
  o: { tty: boolean; stillRunning: () => boolean; signal: AbortSignal },
): Promise<void> {
  const joiner = new K8sLogJoiner();
  const emit = (m: LogMessage): void => {
    if (m.stream === "stdout" ? !req.stdout : !req.stderr) return;
    if (req.since && m.timeNano < req.since) return;
    if (req.until && m.timeNano > req.until) return;
    let data = m.data;
    // compat: moby writes the attributes (from log-opts labels/env, which
    // wharf refuses at create: always none here) and a space.
    if (req.details) data = Buffer.concat([Buffer.from(" "), data]);
    if (req.timestamps)
      data = Buffer.concat([
        Buffer.from(`${m.time.replace(/\+00:00$/, "Z")} `),
        data,
      ]);
    out.write(o.tty ? data : frame(m.stream === "stdout" ? 1 : 2, data));
  };
  let { offset, rest } = await readFrom(path, 0, EMPTY);
  const first: LogMessage[] = [];
  for (const line of rest.lines) {
    const m = joiner.push(line);
    if (m) first.push(m);
  }
  rest = { lines: [], partial: rest.partial };
  if (!req.follow || !o.stillRunning()) first.push(...joiner.flush());
  const tail =
    req.tail === "all" ? first : req.tail === 0 ? [] : first.slice(-req.tail);
  for (const m of tail) emit(m);
  if (!req.follow || !o.stillRunning() || (req.until && req.until < nowNano()))
    return;
  const watcher = watch(path, { signal: o.signal });
  try {
    let partial = rest.partial;
    const drain = async (): Promise<void> => {
      const r = await readFrom(path, offset, partial);
      offset = r.offset;
      partial = r.rest.partial;
      for (const line of r.rest.lines) {
        const m = joiner.push(line);
        if (m) emit(m);
      }
    };
    while (!o.signal.aborted && o.stillRunning()) {
      await Promise.race([
        nextEvent(watcher),
        new Promise((r) => setTimeout(r, 250)),
      ]);
      await drain();
    }
    // The process ended: read what conmon drained last, then stop.
    await drain();
    for (const m of joiner.flush()) emit(m);
  } catch (err) {
    if (!(err instanceof Error && err.name === "AbortError")) throw err;
  }
}

function nowNano(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

function nextEvent(
  w: AsyncIterator<unknown> | AsyncIterable<unknown>,
): Promise<unknown> {
  const it = Symbol.asyncIterator in w ? w[Symbol.asyncIterator]() : w;
  return it.next().catch(() => undefined);
}

const EMPTY = Buffer.alloc(0);

/** Reads from offset to the end: whole lines as bytes, and the unfinished tail. */
async function readFrom(
  path: string,
  offset: number,
  partial: Buffer,
): Promise<{ offset: number; rest: { lines: Buffer[]; partial: Buffer } }> {
  let fh;
  try {
    fh = await open(path, "r");
  } catch (err) {
    if (isErrno(err, "ENOENT")) return { offset, rest: { lines: [], partial } };
    throw err;
  }
  try {
    const { size } = await fh.stat();
    if (size <= offset) return { offset, rest: { lines: [], partial } };
    const buf = Buffer.alloc(size - offset);
    await fh.read(buf, 0, buf.length, offset);
    const data = partial.length ? Buffer.concat([partial, buf]) : buf;
    const lines: Buffer[] = [];
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
      lines.push(data.subarray(start, nl));
      start = nl + 1;
    }
    return { offset: size, rest: { lines, partial: data.subarray(start) } };
  } finally {
    await fh.close();
  }
}

/**
 * docker logs of a resolved record: its tty flag (the route picks the
 * content type) and a function that streams to `out` until done. Throws
 * InvalidArgumentError when neither stream is chosen.
 */
export function containerLogs(
  core: Core,
  r: ContainerRecord,
  req: LogsRequest,
): {
  tty: boolean;
  write: (
    out: { write(chunk: Buffer): void },
    signal: AbortSignal,
  ) => Promise<void>;
} {
  if (!req.stdout && !req.stderr)
    throw new InvalidArgumentError(
      "Bad parameters: you must choose at least one stream",
    );
  checkReadableLogs(r);
  const path = logPathOf(core, r.id);
  return {
    tty: r.config.Tty,
    write: (out, signal) =>
      streamLogs(path, req, out, {
        tty: r.config.Tty,
        stillRunning: () => isRunning(r) && core.store.get(r.id) !== undefined,
        signal,
      }),
  };
}
