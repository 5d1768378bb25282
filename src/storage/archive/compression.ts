import { PassThrough, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { InvalidArgumentError } from "../../util/errors.ts";

/** Compression formats recognised by their magic bytes. */
export type Compression = "none" | "gzip" | "bzip2" | "xz" | "zstd";

/** Names the compression of a stream from its first bytes (moby's DetectCompression). */
export function detectCompression(head: Uint8Array): Compression {
  const starts = (magic: number[]): boolean =>
    magic.every((b, i) => head[i] === b);
  if (starts([0x1f, 0x8b, 0x08])) return "gzip";
  if (starts([0x42, 0x5a, 0x68])) return "bzip2";
  if (starts([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return "xz";
  if (starts([0x28, 0xb5, 0x2f, 0xfd])) return "zstd";
  return "none";
}

/**
 * Returns the stream uncompressed: gzip is inflated, plain tar passes
 * through. bzip2, xz and zstd throw InvalidArgumentError (Node has no
 * decoder for them). Reads only the first bytes before deciding.
 */
export async function decompress(source: Readable): Promise<Readable> {
  const head = await peek(source, 6);
  const kind = detectCompression(head);
  const replay = new PassThrough();
  replay.write(head);
  source.on("error", (err) => replay.destroy(err));
  source.pipe(replay);
  if (kind === "none") return replay;
  if (kind === "gzip") {
    // 256 KiB pieces: fewer, larger file writes downstream.
    const gunzip = createGunzip({ chunkSize: 256 << 10 });
    replay.on("error", (err) => gunzip.destroy(err));
    return replay.pipe(gunzip);
  }
  source.destroy();
  throw new InvalidArgumentError(`unsupported compression format: ${kind}`);
}

/** Reads at least n bytes (fewer at end of stream) and returns them, leaving the stream paused. */
async function peek(source: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  return new Promise<Buffer>((resolve, reject) => {
    const done = (): void => {
      source.off("readable", onReadable);
      source.off("end", done);
      source.off("error", reject);
      resolve(Buffer.concat(chunks));
    };
    const onReadable = (): void => {
      let chunk: Buffer | null;
      while (got < n && (chunk = source.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        got += chunk.length;
      }
      if (got >= n) done();
    };
    source.on("readable", onReadable);
    source.once("end", done);
    source.once("error", reject);
  });
}
