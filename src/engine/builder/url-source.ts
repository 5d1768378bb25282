import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { utimes } from "node:fs/promises";
import { join, posix } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { InvalidArgumentError } from "../../util/errors.ts";

/** True for an ADD source that is a remote URL (http or https). */
export function isUrlSource(src: string): boolean {
  return /^https?:\/\//i.test(src);
}

/**
 * Downloads an ADD URL into dir, as moby's downloadSource: the file is
 * named from Content-Disposition or the URL path's last element, made
 * 0600, and given the Last-Modified time (else the Unix epoch), so the
 * cache checksum depends on the bytes only. With checksum (BuildKit's
 * `ADD --checksum=sha256:…`) the bytes must match. Returns the file name.
 */
export async function downloadUrl(
  url: string,
  dir: string,
  options: { checksum?: string; signal?: AbortSignal } = {},
): Promise<string> {
  const want = options.checksum;
  if (want !== undefined && !/^sha(256|384|512):[0-9a-f]+$/.test(want))
    throw new InvalidArgumentError(`invalid checksum digest format: ${want}`);
  let res: Response;
  try {
    res = await fetch(url, {
      redirect: "follow",
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    throw new InvalidArgumentError(
      `failed to GET ${url}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`,
    );
  }
  if (!res.ok) {
    const body = (await res.text().catch(() => "")).slice(0, 512);
    throw new InvalidArgumentError(
      `failed to GET ${url} with status ${res.status} ${res.statusText}: ${body}`,
    );
  }
  const name = fileNameFor(
    new URL(url),
    res.headers.get("content-disposition"),
  );
  if (name === "")
    throw new InvalidArgumentError(
      `cannot determine filename from url: ${url}`,
    );
  const path = join(dir, name);
  const algo = want?.split(":")[0] ?? "sha256";
  const hash = createHash(algo);
  const tee = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  await pipeline(
    res.body ? Readable.fromWeb(res.body as never) : Readable.from([]),
    tee,
    createWriteStream(path, { mode: 0o600, flags: "wx" }),
  );
  const got = `${algo}:${hash.digest("hex")}`;
  if (want !== undefined && got !== want)
    throw new InvalidArgumentError(`digest mismatch ${got}: ${want}`);
  const lastModified = Date.parse(res.headers.get("last-modified") ?? "");
  const mtime = Number.isNaN(lastModified)
    ? new Date(0)
    : new Date(lastModified);
  await utimes(path, mtime, mtime);
  return name;
}

/** Content-Disposition's filename, else the last element of the URL path. */
export function fileNameFor(url: URL, disposition: string | null): string {
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition ?? "");
  const raw = m?.[1] ?? posix.basename(decodeURIComponent(url.pathname));
  const base = posix.basename(raw.replace(/\\/g, "/"));
  return base === "." || base === ".." || base === "/" ? "" : base;
}
