/**
 * Copies conmon's k8s-file log (its own log, an implementation detail)
 * into a driver's sink, as moby's logger.Copier copies the shim's pipes:
 * partial chunks of a stream are joined into whole lines, and lines longer
 * than 16 KiB go out as 16 KiB partial entries (moby's bufSize), so the
 * driver sees Docker's messages whatever size conmon read them in.
 *
 * How far it got is kept in `<conmon log>.pos` after each batch the sink
 * took, so a restarted wharfd resumes there (a crash between a write and
 * its position record repeats that one batch). `finish()` runs once the
 * monitor is gone: it reads to the end, flushes partial lines, closes the
 * sink and empties conmon's log for the next run.
 */
import { watch, type FSWatcher } from "node:fs";
import { open, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { parseK8sLine } from "../../runtime/index.ts";
import { isErrno } from "../../util/errors.ts";
import type { LogEntry, LogSink } from "./driver.ts";

/** moby's copier buffer: longer lines are split into partial messages. */
export const MAX_LINE = 16 * 1024;
const CHUNK = 1 << 20;

/** Tails one conmon log into one sink. */
export class LogCopier {
  #path: string;
  #sink: LogSink;
  #onError: (err: unknown) => void;
  #pos = 0;
  #rest: Buffer = Buffer.alloc(0);
  #pending = new Map<string, { time: string; parts: Buffer[]; len: number }>();
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(path: string, sink: LogSink, onError: (err: unknown) => void) {
    this.#path = path;
    this.#sink = sink;
    this.#onError = onError;
  }

  /** Loads the saved position and starts following conmon's log. */
  async start(): Promise<void> {
    this.#pos = await readPos(`${this.#path}.pos`);
    try {
      this.#watcher = watch(this.#path, () => this.#kick());
      this.#watcher.on("error", () => undefined);
    } catch (err) {
      if (!isErrno(err, "ENOENT")) throw err;
    }
    // A watch can miss the file's creation or a replaced inode: poll too.
    this.#timer = setInterval(() => this.#kick(), 250);
    this.#timer.unref();
    this.#kick();
  }

  #kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#drain().catch(this.#onError);
      } while (this.#again && !this.#stopped);
    })().finally(() => (this.#running = undefined));
  }

  /** Reads conmon's log from the position to its end and hands the entries to the sink. */
  async #drain(): Promise<void> {
    let fh;
    try {
      fh = await open(this.#path, "r");
    } catch (err) {
      if (isErrno(err, "ENOENT")) return;
      throw err;
    }
    try {
      for (;;) {
        const buf = Buffer.allocUnsafe(CHUNK);
        const { bytesRead } = await fh.read(
          buf,
          0,
          CHUNK,
          this.#pos + this.#rest.length,
        );
        if (!bytesRead) return;
        const data = this.#rest.length
          ? Buffer.concat([this.#rest, buf.subarray(0, bytesRead)])
          : buf.subarray(0, bytesRead);
        const end = data.lastIndexOf(0x0a) + 1;
        this.#rest = Buffer.from(data.subarray(end));
        const entries = this.#entries(data.subarray(0, end));
        if (entries.length) await this.#sink.log(entries);
        this.#pos += end;
        if (end) await writeFile(`${this.#path}.pos`, String(this.#pos));
        if (bytesRead < CHUNK) return;
      }
    } finally {
      await fh.close();
    }
  }

  // Hot path (every line of output): bytes compared in place, one time
  // conversion per distinct conmon timestamp, no copies for whole lines.
  #entries(lines: Buffer): LogEntry[] {
    const out: LogEntry[] = [];
    let start = 0;
    for (
      let nl = lines.indexOf(0x0a);
      nl >= 0;
      nl = lines.indexOf(0x0a, start)
    ) {
      const lineStart = start;
      start = nl + 1;
      const sp1 = lines.indexOf(0x20, lineStart);
      if (sp1 <= lineStart || sp1 + 9 > nl) {
        this.#slowLine(out, lines.subarray(lineStart, nl));
        continue;
      }
      // "<time> stdout F <text>": the stream's 4th byte tells stdout (o) from stderr (e).
      const kind = lines[sp1 + 4];
      const tag = lines[sp1 + 8];
      if (
        lines[sp1 + 7] !== 0x20 ||
        (kind !== 0x6f && kind !== 0x65) ||
        (tag !== 0x46 && tag !== 0x50)
      ) {
        this.#slowLine(out, lines.subarray(lineStart, nl));
        continue;
      }
      const stream = kind === 0x6f ? "stdout" : "stderr";
      const from = Math.min(sp1 + 10, nl);
      const time = this.#time(lines, lineStart, sp1);
      if (tag === 0x46 && nl - from <= MAX_LINE && !this.#pending.has(stream))
        out.push(new SliceEntry(stream, time, lines, from, nl));
      else
        this.#push(out, stream, time, lines.subarray(from, nl), tag === 0x50);
    }
    return out;
  }

  #lastRaw = Buffer.alloc(0);
  #lastTime = "";

  #time(buf: Buffer, start: number, end: number): string {
    const raw = buf.subarray(start, end);
    if (!raw.equals(this.#lastRaw)) {
      this.#lastRaw = Buffer.from(raw);
      this.#lastTime = goTime(raw.toString("latin1"));
    }
    return this.#lastTime;
  }

  #slowLine(out: LogEntry[], line: Buffer): void {
    const e = parseK8sLine(line);
    if (e) this.#push(out, e.stream, goTime(e.time), e.data, e.partial);
  }

  #push(
    out: LogEntry[],
    stream: LogEntry["stream"],
    time: string,
    data: Buffer,
    partial: boolean,
  ): void {
    const p = this.#pending.get(stream);
    if (!p && !partial && data.length <= MAX_LINE) {
      out.push({ stream, time, line: data, partial: false });
      return;
    }
    const parts = p ? [...p.parts, data] : [data];
    const len = (p?.len ?? 0) + data.length;
    if (partial && len < MAX_LINE) {
      this.#pending.set(stream, { time: p?.time ?? time, parts, len });
      return;
    }
    this.#pending.delete(stream);
    splitLine(out, {
      stream,
      time: p?.time ?? time,
      line: Buffer.concat(parts, len),
      partial,
    });
  }

  /**
   * Stops following, reads what the (gone) monitor wrote last, flushes
   * partial lines, closes the sink and empties conmon's log. Idempotent.
   */
  async finish(): Promise<void> {
    await this.#stopFollowing();
    await this.#drain().catch(this.#onError);
    const tail: LogEntry[] = [];
    for (const [stream, p] of this.#pending)
      splitLine(tail, {
        stream: stream as LogEntry["stream"],
        time: p.time,
        line: Buffer.concat(p.parts),
        partial: true,
      });
    this.#pending.clear();
    if (tail.length) await this.#sink.log(tail).catch(this.#onError);
    await this.#sink.close().catch(this.#onError);
    await truncate(this.#path).catch(() => undefined);
    await rm(`${this.#path}.pos`, { force: true });
  }

  /** Stops following without draining (daemon shutdown: the next start resumes). */
  async detach(): Promise<void> {
    await this.#stopFollowing();
    await this.#sink.close().catch(this.#onError);
  }

  /** Stops watching and polling, then waits for the read under way. */
  async #stopFollowing(): Promise<void> {
    this.#stopped = true;
    this.#watcher?.close();
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
  }
}

/** Pushes an entry as moby's copier would: 16 KiB partial chunks, then the rest. */
function splitLine(out: LogEntry[], e: LogEntry): void {
  const { line } = e;
  let o = 0;
  while (line.length - o > MAX_LINE) {
    out.push({
      stream: e.stream,
      time: e.time,
      line: line.subarray(o, o + MAX_LINE),
      partial: true,
    });
    o += MAX_LINE;
  }
  out.push(o ? { ...e, line: line.subarray(o) } : e);
}

async function readPos(path: string): Promise<number> {
  try {
    const n = Number((await readFile(path, "utf8")).trim());
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}

/**
 * conmon's RFC 3339 time as Go's RFC3339Nano in UTC (what moby writes):
 * "…T11:40:18.123450000+00:00" → "…T11:40:18.12345Z".
 */
export function goTime(t: string): string {
  let base = t;
  if (t.endsWith("+00:00")) base = t.slice(0, -6);
  else if (t.endsWith("Z")) base = t.slice(0, -1);
  else {
    const m = /^(.*T\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d:\d\d)$/.exec(t);
    if (!m) return t;
    const iso = new Date(Date.parse(`${m[1]!}${m[3]!}`)).toISOString();
    base = `${iso.slice(0, 19)}${m[2] ?? ""}`;
  }
  const dot = base.indexOf(".", 17);
  if (dot < 0) return `${base}Z`;
  const frac = base.slice(dot + 1).replace(/0+$/, "");
  return `${base.slice(0, dot)}${frac ? `.${frac}` : ""}Z`;
}

/**
 * A whole line still inside the chunk conmon's log was read into: no
 * Buffer is made unless asked for, and encoders read `text` straight from
 * the chunk (the hot path at a million lines).
 */
class SliceEntry implements LogEntry {
  stream: LogEntry["stream"];
  time: string;
  partial = false;
  attrs?: Record<string, string>;
  #chunk: Buffer;
  #from: number;
  #to: number;

  constructor(
    stream: LogEntry["stream"],
    time: string,
    chunk: Buffer,
    from: number,
    to: number,
  ) {
    this.stream = stream;
    this.time = time;
    this.#chunk = chunk;
    this.#from = from;
    this.#to = to;
  }

  get line(): Buffer {
    return this.#chunk.subarray(this.#from, this.#to);
  }

  get text(): string {
    return this.#chunk.toString("utf8", this.#from, this.#to);
  }
}
