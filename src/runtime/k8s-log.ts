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

/** Parses one k8s-file line; undefined for a malformed one. */
export function parseK8sLine(line: string):
  | {
      time: string;
      stream: "stdout" | "stderr";
      partial: boolean;
      text: string;
    }
  | undefined {
  const m = /^(\S+) (stdout|stderr) ([FP]) ?(.*)$/s.exec(line);
  if (!m) return undefined;
  return {
    time: m[1]!,
    stream: m[2] as "stdout" | "stderr",
    partial: m[3] === "P",
    text: m[4]!,
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
  #pending = new Map<string, { time: string; parts: string[] }>();

  /** Feeds one raw line; returns a finished message or undefined. */
  push(line: string): LogMessage | undefined {
    const e = parseK8sLine(line);
    if (!e) return undefined;
    const p = this.#pending.get(e.stream);
    if (e.partial) {
      if (p) p.parts.push(e.text);
      else this.#pending.set(e.stream, { time: e.time, parts: [e.text] });
      return undefined;
    }
    this.#pending.delete(e.stream);
    const time = p?.time ?? e.time;
    const text = (p ? p.parts.join("") : "") + e.text + "\n";
    return message(e.stream, time, text);
  }

  /** Returns what is still partial (output that never ended its line). */
  flush(): LogMessage[] {
    const out = [...this.#pending].map(([stream, p]) =>
      message(stream as "stdout" | "stderr", p.time, p.parts.join("")),
    );
    this.#pending.clear();
    return out;
  }
}

function message(
  stream: "stdout" | "stderr",
  time: string,
  text: string,
): LogMessage {
  return {
    stream,
    time,
    timeNano: rfc3339ToNano(time),
    data: Buffer.from(text, "utf8"),
  };
}
