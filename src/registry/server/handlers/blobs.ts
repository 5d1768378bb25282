import { pipeline } from "node:stream/promises";
import { Headers } from "../../protocol/paths.ts";
import { RegistryError } from "../../protocol/errors.ts";
import { writeEmpty } from "../context.ts";
import type { Context } from "../context.ts";
import type { Services } from "../services.ts";
import { checkDigest } from "../storage/blobs.ts";

/**
 * GET/HEAD /v2/<name>/blobs/<digest> (end-2): 200 with the bytes, 206 for a
 * satisfiable Range, 416 for an unsatisfiable one, 404 BLOB_UNKNOWN.
 */
export async function getBlob(ctx: Context, svc: Services): Promise<void> {
  const digest = ctx.match.digest ?? "";
  checkDigest(digest);
  const size = await svc.blobs.stat(ctx.name, digest);
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
  await pipeline(await svc.blobs.open(digest, { start, end }), ctx.res);
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
