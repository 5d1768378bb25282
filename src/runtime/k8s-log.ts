/**
 * conmon's k8s-file log format (DESIGN.md): one line per output chunk,
 * `<RFC3339Nano> <stdout|stderr> <F|P> <text>`. F ends a line (the newline
 * itself is not stored); P is a partial line continued by the next entry of
 * the same stream.
 */

/** One log message as Docker's logs API serves it. */
export type LogMessage = {
  stream: "stdout" | "stderr";
  /** RFC 3339 with nanoseconds, as the monitor wrote it. */
  time: string;
  /** Nanoseconds since the epoch (for since/until). */
  timeNano: bigint;
  /** The bytes, with the newline restored for complete lines. */
  data: Buffer;
};

/**
 * Parses one k8s-file line (without its newline); undefined for a malformed
 * one. The text stays bytes: containers may write anything, not only UTF-8.
 */
export function parseK8sLine(line: Buffer | string):
  | {
      time: string;
      stream: "stdout" | "stderr";
      partial: boolean;
      data: Buffer;
    }
  | undefined {
  const buf = typeof line === "string" ? Buffer.from(line) : line;
  const sp1 = buf.indexOf(0x20);
  const sp2 = sp1 < 0 ? -1 : buf.indexOf(0x20, sp1 + 1);
  if (sp1 <= 0 || sp2 < 0) return undefined;
  const stream = buf.toString("latin1", sp1 + 1, sp2);
  const tag = buf[sp2 + 1];
  if (stream !== "stdout" && stream !== "stderr") return undefined;
  if (tag !== 0x46 /* F */ && tag !== 0x50 /* P */) return undefined;
  const after = sp2 + 2;
  if (after < buf.length && buf[after] !== 0x20) return undefined;
  return {
    time: buf.toString("latin1", 0, sp1),
    stream,
    partial: tag === 0x50,
    data: buf.subarray(Math.min(after + 1, buf.length)),
  };
}

/** Nanoseconds since the epoch of an RFC 3339 time with up to 9 fractional digits. */
export function rfc3339ToNano(time: string): bigint {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!m) return BigInt(Date.parse(time) || 0) * 1_000_000n;
  const ms = Date.parse(`${m[1]!}${m[3]!}`);
  const frac = (m[2] ?? "").padEnd(9, "0").slice(0, 9);
  return BigInt(ms) * 1_000_000n + BigInt(frac);
}

/**
 * Joins P entries with what follows on the same stream, so each message is
 * one full line (Docker's logs show lines, not the monitor's chunks).
 * Not thread-safe state: one joiner per reader.
 */
export class K8sLogJoiner {
  #pending = new Map<string, { time: string; parts: Buffer[] }>();

  /** Feeds one raw line (bytes, no newline); returns a finished message or undefined. */
  push(line: Buffer | string): LogMessage | undefined {
    const e = parseK8sLine(line);
    if (!e) return undefined;
    const p = this.#pending.get(e.stream);
    if (e.partial) {
      if (p) p.parts.push(e.data);
      else this.#pending.set(e.stream, { time: e.time, parts: [e.data] });
      return undefined;
    }
    this.#pending.delete(e.stream);
    const time = p?.time ?? e.time;
    const data = Buffer.concat([...(p?.parts ?? []), e.data, NEWLINE]);
    return message(e.stream, time, data);
  }

  /** Returns what is still partial (output that never ended its line). */
  flush(): LogMessage[] {
    const out = [...this.#pending].map(([stream, p]) =>
      message(stream as "stdout" | "stderr", p.time, Buffer.concat(p.parts)),
    );
    this.#pending.clear();
    return out;
  }
}

function message(
  stream: "stdout" | "stderr",
  time: string,
  data: Buffer,
): LogMessage {
  return { stream, time, timeNano: rfc3339ToNano(time), data };
}

const NEWLINE = Buffer.from("\n");
