import { spawn } from "node:child_process";
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
 * The Debian programs that decode what Node's zlib cannot (Debian packages
 * bzip2, xz-utils, zstd; moby likewise runs `xz -d -c -q` for xz).
 */
const DECODERS: Record<"bzip2" | "xz" | "zstd", string[]> = {
  bzip2: ["bzip2", "-d", "-c", "-q"],
  xz: ["xz", "-d", "-c", "-q"],
  zstd: ["zstd", "-d", "-c", "-q"],
};

/**
 * Returns the stream uncompressed, as moby's DecompressStream: gzip is
 * inflated in process, bzip2, xz and zstd through their Debian programs,
 * plain tar passes through. Reads only the first bytes before deciding.
 * A decoder's failure (corrupt data, program missing) errors the returned
 * stream with its message.
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
    // 1 MiB pieces: fewer, larger file writes and stream hops downstream.
    const gunzip = createGunzip({ chunkSize: 1 << 20 });
    replay.on("error", (err) => gunzip.destroy(err));
    return replay.pipe(gunzip);
  }
  return decodeWith(kind, replay);
}

function decodeWith(kind: keyof typeof DECODERS, input: Readable): Readable {
  const [bin = "", ...args] = DECODERS[kind];
  const out = new PassThrough();
  const child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"] });
  const stderr: Buffer[] = [];
  child.stderr.on("data", (b: Buffer) => stderr.push(b));
  const fail = (err: Error): void => {
    input.unpipe(child.stdin);
    input.destroy();
    if (child.exitCode === null) child.kill("SIGKILL");
    out.destroy(err);
  };
  child.on("error", (err: NodeJS.ErrnoException) =>
    fail(
      err.code === "ENOENT"
        ? new InvalidArgumentError(
            `unsupported compression format: ${kind} (${bin} is not installed)`,
          )
        : err,
    ),
  );
  // A closed stdin (the decoder quit early) is reported through its exit.
  child.stdin.on("error", () => undefined);
  input.on("error", (err) => fail(err));
  input.pipe(child.stdin);
  child.stdout.pipe(out, { end: false });
  let exited: number | null | undefined;
  let drained = false;
  const finish = (): void => {
    if (exited === undefined || !drained) return;
    if (exited === 0) out.end();
    else
      out.destroy(
        new InvalidArgumentError(
          `${kind}: ${Buffer.concat(stderr).toString().trim() || `exit status ${exited}`}`,
        ),
      );
  };
  child.stdout.on("end", () => {
    drained = true;
    finish();
  });
  child.on("close", (code) => {
    exited = code;
    finish();
  });
  // The consumer stopped reading (an error downstream): end the decoder.
  out.on("close", () => {
    if (child.exitCode === null && child.signalCode === null)
      child.kill("SIGKILL");
  });
  return out;
}

/** Reads at least n bytes (fewer at end of stream) and returns them, leaving the stream paused. */
async function peek(source: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  return new Promise<Buffer>((resolve, reject) => {
    // A source destroyed before we listen sends no more events (a pull's
    // download that failed while its layer's snapshot was being made).
    if (source.destroyed) {
      reject(source.errored ?? new Error("premature close"));
      return;
    }
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
