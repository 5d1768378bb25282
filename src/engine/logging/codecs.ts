/**
 * On-disk formats of the file drivers. Each `decode` takes a buffer and
 * returns the whole records in it and how many bytes they used, so files
 * are read in chunks and a torn last record is left for the next read.
 *
 * json-file (Docker's): one object per line, keys in moby's order:
 *   {"log":"hi\n","stream":"stdout","attrs":{"k":"v"},"time":"2026-…Z"}
 *   (no newline in "log" for a partial line; "attrs" only with labels/env/tag)
 *
 * local (wharf's own compact framing, Docker's idea of reading backwards):
 *   u32be n | u8 stream (1 out, 2 err) | u8 flags (1 partial) |
 *   u16be timeLen | time | u32be attrsLen | attrs JSON | line | u32be n
 *   where n counts the bytes between the two lengths.
 */
import type { LogEntry } from "./driver.ts";

/** Encodes a json-file line; `extra` is `,"attrs":{…}` or "". */
export function encodeJsonLine(e: LogEntry, extra: string): string {
  const s = e.text ?? e.line.toString("utf8");
  const text = e.partial ? s : `${s}\n`;
  return `{"log":${JSON.stringify(text)},"stream":"${e.stream}"${extra},"time":"${e.time}"}\n`;
}

/** Decodes json-file lines (malformed lines are skipped, as moby's decoder resyncs). */
export function decodeJsonLines(data: Buffer): {
  entries: LogEntry[];
  used: number;
} {
  const entries: LogEntry[] = [];
  let start = 0;
  for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
    const e = parseJsonLine(data.toString("utf8", start, nl));
    if (e) entries.push(e);
    start = nl + 1;
  }
  return { entries, used: start };
}

function parseJsonLine(s: string): LogEntry | undefined {
  try {
    const o = JSON.parse(s) as {
      log?: unknown;
      stream?: unknown;
      time?: unknown;
      attrs?: unknown;
    };
    if (typeof o.log !== "string" || typeof o.time !== "string")
      return undefined;
    const partial = !o.log.endsWith("\n");
    const e: LogEntry = {
      stream: o.stream === "stderr" ? "stderr" : "stdout",
      time: o.time,
      line: Buffer.from(partial ? o.log : o.log.slice(0, -1)),
      partial,
    };
    if (o.attrs && typeof o.attrs === "object")
      e.attrs = o.attrs as Record<string, string>;
    return e;
  } catch {
    return undefined;
  }
}

/** Encodes one local-driver record. */
export function encodeFrame(e: LogEntry): Buffer {
  const time = Buffer.from(e.time, "latin1");
  const attrs = e.attrs ? Buffer.from(JSON.stringify(e.attrs)) : EMPTY;
  const n = 1 + 1 + 2 + time.length + 4 + attrs.length + e.line.length;
  const b = Buffer.allocUnsafe(n + 8);
  b.writeUInt32BE(n, 0);
  b[4] = e.stream === "stderr" ? 2 : 1;
  b[5] = e.partial ? 1 : 0;
  b.writeUInt16BE(time.length, 6);
  time.copy(b, 8);
  let o = 8 + time.length;
  b.writeUInt32BE(attrs.length, o);
  attrs.copy(b, o + 4);
  o += 4 + attrs.length;
  e.line.copy(b, o);
  b.writeUInt32BE(n, n + 4);
  return b;
}

/** Decodes local-driver records; stops at a torn or corrupt one. */
export function decodeFrames(data: Buffer): {
  entries: LogEntry[];
  used: number;
} {
  const entries: LogEntry[] = [];
  let o = 0;
  while (o + 4 <= data.length) {
    const n = data.readUInt32BE(o);
    if (n < 8 || o + n + 8 > data.length) break;
    if (data.readUInt32BE(o + 4 + n) !== n) break;
    const p = o + 4;
    const tl = data.readUInt16BE(p + 2);
    const time = data.toString("latin1", p + 4, p + 4 + tl);
    const al = data.readUInt32BE(p + 4 + tl);
    const a0 = p + 8 + tl;
    const e: LogEntry = {
      stream: data[p] === 2 ? "stderr" : "stdout",
      time,
      line: Buffer.from(data.subarray(a0 + al, p + n)),
      partial: data[p + 1] === 1,
    };
    if (al)
      e.attrs = JSON.parse(data.toString("utf8", a0, a0 + al)) as Record<
        string,
        string
      >;
    entries.push(e);
    o += n + 8;
  }
  return { entries, used: o };
}

const EMPTY = Buffer.alloc(0);
