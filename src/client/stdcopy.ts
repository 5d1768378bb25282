/**
 * Docker's stdcopy framing for non-tty attach, exec and logs streams: an
 * 8-byte header [stream, 0, 0, 0, uint32 BE length] then the payload. Stream
 * 0 is stdin, 1 stdout, 2 stderr, 3 a system error from the daemon.
 */
import type { Readable } from "node:stream";

/** One decoded frame. */
export type Frame = { stream: number; payload: Buffer };

/** Splits a byte stream into frames, across arbitrary chunk boundaries. */
export class StdcopyDemuxer {
  #pending: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns every frame completed by them. */
  push(chunk: Buffer): Frame[] {
    this.#pending = this.#pending.length
      ? Buffer.concat([this.#pending, chunk])
      : chunk;
    const frames: Frame[] = [];
    while (this.#pending.length >= 8) {
      const size = this.#pending.readUInt32BE(4);
      if (this.#pending.length < 8 + size) break;
      frames.push({
        stream: this.#pending[0] ?? 1,
        payload: this.#pending.subarray(8, 8 + size),
      });
      this.#pending = this.#pending.subarray(8 + size);
    }
    return frames;
  }

  /** Bytes of an incomplete frame still held. */
  get pendingBytes(): number {
    return this.#pending.length;
  }
}

/** Encodes one frame (for tests and fakes). */
export function encodeFrame(stream: number, payload: Buffer | string): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/**
 * Copies a framed stream to stdout and stderr until it ends. Rejects with the
 * daemon's text when a system-error frame (stream 3) arrives.
 */
export async function demuxStream(
  source: Readable,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
): Promise<void> {
  const demuxer = new StdcopyDemuxer();
  for await (const chunk of source) {
    for (const frame of demuxer.push(chunk as Buffer)) {
      if (frame.stream === 3) throw new Error(frame.payload.toString("utf8"));
      const out = frame.stream === 2 ? stderr : stdout;
      if (!out.write(frame.payload))
        await new Promise((ok) => out.once("drain", ok));
    }
  }
}
