import type { LogsOptions, LogsStream } from "../../api/container-requests.ts";
import type { LogEntry } from "../logging/index.ts";
import {
  InvalidArgumentError,
  NotImplementedError,
} from "../../util/errors.ts";
import { frame } from "./attach.ts";
import { logTargetOf, type ContainerDeps } from "./deps.ts";
import type { ContainerRecord } from "./record.ts";

/** Options of GET /containers/{id}/logs (the route's parsed query). */
export type LogsRequest = LogsOptions;

/** The whole log of both streams, once (no follow, no timestamps). */
export const WHOLE_LOG: LogsRequest = {
  follow: false,
  stdout: true,
  stderr: true,
  since: 0n,
  until: 0n,
  tail: "all",
  timestamps: false,
};

/** Whether the container logs nothing (`--log-driver none`): conmon then writes to /dev/null. */
export function logsDisabled(r: ContainerRecord): boolean {
  const lc = r.hostConfig.LogConfig as { Type?: string } | undefined;
  return lc?.Type === "none";
}

const READABLE = new Set(["", "json-file", "local"]);

/**
 * Throws Docker's 501 for a container whose driver keeps no log to read
 * back (none, syslog, journald), for logs and attach with logs=1.
 */
export function checkReadableLogs(r: ContainerRecord): void {
  const lc = r.hostConfig.LogConfig as { Type?: string } | undefined;
  if (!READABLE.has(lc?.Type ?? ""))
    throw new NotImplementedError(
      "configured logging driver does not support reading",
    );
}

/** moby's RFC3339NanoFixed: always nine fraction digits. */
function fixedTime(t: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(t);
  if (!m) return t;
  return `${m[1]!}.${(m[2] ?? "").padEnd(9, "0")}Z`;
}

/** moby's attrsByteSlice: `k=v` pairs sorted by key, query-escaped, comma-joined. */
function details(attrs: Record<string, string> | undefined): string {
  if (!attrs) return "";
  return Object.keys(attrs)
    .sort()
    .map((k) => `${qe(k)}=${qe(attrs[k]!)}`)
    .join(",");
}

function qe(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, "+")
    .replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
}

/**
 * Streams a container's log as Docker's logs API does, from what its
 * driver wrote (json-file or local): stdout/stderr framed with the 8-byte
 * header unless tty, optional timestamps and details, since/until/tail.
 * With follow, until the container's driver closes or `signal` aborts.
 */
export async function streamLogs(
  core: Pick<ContainerDeps, "logging" | "store">,
  r: ContainerRecord,
  req: LogsRequest,
  out: { write(chunk: Buffer): void },
  signal: AbortSignal,
): Promise<void> {
  const tty = r.config.Tty;
  const emit = (e: LogEntry): void => {
    if (e.stream === "stdout" ? !req.stdout : !req.stderr) return;
    let data = e.partial ? e.line : Buffer.concat([e.line, NEWLINE]);
    if (req.details)
      data = Buffer.concat([Buffer.from(`${details(e.attrs)} `), data]);
    if (req.timestamps)
      data = Buffer.concat([Buffer.from(`${fixedTime(e.time)} `), data]);
    out.write(tty ? data : frame(e.stream === "stdout" ? 1 : 2, data));
  };
  await core.logging.read(logTargetOf(core, r), req, emit, signal);
}

const NEWLINE = Buffer.from("\n");

/**
 * docker logs: the container's tty flag (the route picks the
 * content type) and a function that streams to `out` until done. Throws
 * InvalidArgumentError when neither stream is chosen, NotImplementedError
 * for a driver that keeps nothing.
 */
export async function containerLogs(
  core: Pick<ContainerDeps, "logging" | "store">,
  ref: string,
  req: LogsRequest,
): Promise<LogsStream> {
  const r = core.store.resolve(ref);
  if (!req.stdout && !req.stderr)
    throw new InvalidArgumentError(
      "Bad parameters: you must choose at least one stream",
    );
  checkReadableLogs(r);
  return {
    tty: r.config.Tty,
    write: (out, signal) => streamLogs(core, r, req, out, signal),
  };
}
