/**
 * Raw HTTP over a daemon's UNIX socket for the streaming endpoints (attach,
 * exec start), where the Docker CLI hides the wire: a JSON call and a
 * hijacked request whose reply head and raw bytes the tests read.
 */
import { connect } from "node:net";

/** One JSON request; resolves with the status and the parsed body (or text). */
export async function call(
  socket: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetchOverSocket(socket, method, path, body);
  const text = res.body.toString();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (empty, or a plain-text error)
  }
  return { status: res.status, body: parsed };
}

function fetchOverSocket(
  socket: string,
  method: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const s = connect(socket);
    const b = body === undefined ? "" : JSON.stringify(body);
    s.write(
      `${method} ${path} HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(b)}\r\nConnection: close\r\n\r\n${b}`,
    );
    const chunks: Buffer[] = [];
    s.on("data", (c: Buffer) => chunks.push(c));
    s.on("error", reject);
    s.on("end", () => {
      const all = Buffer.concat(chunks);
      const i = all.indexOf("\r\n\r\n");
      const head = all.subarray(0, i).toString();
      let rest: Buffer = all.subarray(i + 4);
      if (/transfer-encoding: chunked/i.test(head)) rest = unchunk(rest);
      resolve({ status: Number(head.split(" ")[1]), body: rest });
    });
  });
}

function unchunk(b: Buffer): Buffer {
  const out: Buffer[] = [];
  let off = 0;
  for (;;) {
    const eol = b.indexOf("\r\n", off);
    if (eol < 0) break;
    const n = parseInt(b.subarray(off, eol).toString(), 16);
    if (!n) break;
    out.push(b.subarray(eol + 2, eol + 2 + n));
    off = eol + 4 + n;
  }
  return Buffer.concat(out);
}

/** What a hijacked request returned: the reply head and every byte after it. */
export type Hijacked = {
  head: string;
  data: Buffer;
  /** "end" when the daemon closed the stream, "timeout" when the test did. */
  how: "end" | "timeout";
};

/**
 * A hijacked POST (Connection: Upgrade). `input` is written at once after
 * the reply head (after `delayMs`), `endInput` half-closes after it, and
 * `onHead` runs when the head arrived (e.g. to start the container).
 * Resolves when the daemon closes or after `timeoutMs`.
 */
export function hijack(
  socket: string,
  path: string,
  body: unknown,
  o: {
    input?: Buffer | string;
    delayMs?: number;
    endInput?: boolean;
    timeoutMs?: number;
    onHead?: () => Promise<void>;
  } = {},
): Promise<Hijacked> {
  return new Promise((resolve) => {
    const s = connect(socket);
    const b = body === undefined ? "" : JSON.stringify(body);
    s.write(
      `POST ${path} HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(b)}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n${b}`,
    );
    const chunks: Buffer[] = [];
    let headSeen = false;
    let done = false;
    const finish = (how: Hijacked["how"]): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      const all = Buffer.concat(chunks);
      const i = all.indexOf("\r\n\r\n");
      resolve({
        head: all.subarray(0, Math.max(i, 0)).toString(),
        data: i < 0 ? Buffer.alloc(0) : all.subarray(i + 4),
        how,
      });
    };
    const timer = setTimeout(() => finish("timeout"), o.timeoutMs ?? 10_000);
    s.on("data", (c: Buffer) => {
      chunks.push(c);
      if (headSeen || !Buffer.concat(chunks).includes("\r\n\r\n")) return;
      headSeen = true;
      void (async () => {
        await o.onHead?.();
        if (o.input === undefined) return;
        await new Promise((ok) => setTimeout(ok, o.delayMs ?? 0));
        s.write(o.input);
        if (o.endInput) s.end();
      })();
    });
    s.on("end", () => finish("end"));
    s.on("error", () => finish("end"));
  });
}

/** Splits a stdcopy stream into [stream, text] frames; throws on a bad header. */
export function frames(data: Buffer): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let off = 0;
  while (off < data.length) {
    const kind = data[off]!;
    if (kind > 2 || data.readUInt16BE(off + 1) !== 0 || data[off + 3] !== 0)
      throw new Error(
        `not a stdcopy header at ${off}: ${data.toString("hex")}`,
      );
    const n = data.readUInt32BE(off + 4);
    out.push([kind, data.subarray(off + 8, off + 8 + n).toString()]);
    off += 8 + n;
  }
  return out;
}

/** The text of one stream, frames joined. */
export function streamText(data: Buffer, stream: number): string {
  return frames(data)
    .filter(([k]) => k === stream)
    .map(([, t]) => t)
    .join("");
}
