import type { ServerResponse } from "node:http";
import { Headers } from "../../protocol/paths.ts";
import { RegistryError } from "../../protocol/errors.ts";
import { writeEmpty } from "../context.ts";
import type { Context } from "../context.ts";
import type { Services } from "../services.ts";
import { checkDigest } from "../storage/blobs.ts";
import type { FileReader } from "../storage/driver.ts";

/** Bytes per read; two buffers of this size per GET in flight. */
const CHUNK = 128 << 10;

/**
 * GET/HEAD /v2/<name>/blobs/<digest> (end-2): 200 with the bytes, 206 for a
 * satisfiable Range, 416 for an unsatisfiable one, 404 BLOB_UNKNOWN.
 */
export async function getBlob(ctx: Context, svc: Services): Promise<void> {
  const digest = ctx.match.digest ?? "";
  checkDigest(digest);
  let size = await svc.blobs.stat(ctx.name, digest);
  if (
    size === undefined &&
    svc.proxy &&
    (await svc.proxy.blob(ctx.name, digest))
  )
    size = await svc.blobs.stat(ctx.name, digest);
  if (size === undefined)
    throw new RegistryError("BLOB_UNKNOWN", { detail: { digest } });
  const headers: Record<string, string> = {
    "content-type": "application/octet-stream",
    [Headers.contentDigest]: digest,
    etag: `"${digest}"`,
    "accept-ranges": "bytes",
    "cache-control": "max-age=31536000",
  };
  const range = parseRange(ctx.req.headers.range, size);
  if (range === "invalid") {
    writeEmpty(ctx.res, 416, {
      ...headers,
      "content-range": `bytes */${size}`,
    });
    return;
  }
  const status = range ? 206 : 200;
  const { start, end } = range ?? { start: 0, end: size - 1 };
  if (range) headers["content-range"] = `bytes ${start}-${end}/${size}`;
  ctx.res.writeHead(status, {
    ...headers,
    "content-length": String(end - start + 1),
  });
  if (ctx.req.method === "HEAD" || size === 0) {
    ctx.res.end();
    return;
  }
  const file = await svc.blobs.open(digest);
  try {
    await sendRange(file, ctx.res, start, end);
  } finally {
    await file.close();
  }
}

/** DELETE /v2/<name>/blobs/<digest> (end-10): 202, 404 BLOB_UNKNOWN, 405 when disabled. */
export async function deleteBlob(ctx: Context, svc: Services): Promise<void> {
  if (!svc.policy.deleteEnabled) throw new RegistryError("UNSUPPORTED");
  const digest = ctx.match.digest ?? "";
  checkDigest(digest);
  await svc.blobs.remove(ctx.name, digest);
  writeEmpty(ctx.res, 202, { [Headers.contentDigest]: digest });
}

/**
 * Parses a single `bytes=` range (RFC 9110 §14.1.2) against a size. Returns
 * undefined without a usable header (serve it all) and "invalid" when unsatisfiable.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | "invalid" | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined;
  const [, a = "", b = ""] = m;
  if (a === "" && b === "") return "invalid";
  if (a === "") {
    const suffix = Number(b);
    if (suffix === 0) return "invalid";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const end = b === "" ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || end < start) return "invalid";
  return { start, end };
}

/**
 * Writes bytes [start, end] of a file to the response with two reused
 * buffers: one is read into while the other is being written, and a buffer
 * is refilled only after its write has flushed. A closed connection ends it.
 */
async function sendRange(
  file: FileReader,
  res: ServerResponse,
  start: number,
  end: number,
): Promise<void> {
  const len = Math.min(CHUNK, end - start + 1);
  const bufs = [Buffer.allocUnsafe(len), Buffer.allocUnsafe(len)];
  const closed = new Promise<never>((_, reject) =>
    res.once("close", () => reject(new Error("client went away"))),
  );
  closed.catch(() => undefined);
  let flushed: Promise<unknown> = Promise.resolve();
  let pos = start;
  for (let i = 0; pos <= end; i ^= 1) {
    const buf = bufs[i] as Buffer;
    const n = await file.read(buf, Math.min(buf.length, end - pos + 1), pos);
    if (n === 0) throw new Error("blob shorter than its recorded size");
    pos += n;
    await Promise.race([flushed, closed]);
    flushed = new Promise<void>((resolve, reject) =>
      res.write(buf.subarray(0, n), (err) => (err ? reject(err) : resolve())),
    );
    // Awaited on the next round; until then a failed write must not count
    // as an unhandled rejection (that would end the process).
    flushed.catch(() => undefined);
  }
  await Promise.race([flushed, closed]);
  res.end();
}
