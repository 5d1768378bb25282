import { finished, PassThrough, type Readable } from "node:stream";
import {
  decompress,
  detectCompression,
} from "../../storage/archive/compression.ts";
import type { ContextTarParser } from "./context-tar.ts";

/**
 * Feeds a tar stream (plain, or compressed as decompress() reads it) to
 * parser, chunk by chunk as 'data' events bring them: a plain tar goes
 * straight from the request to the parser, with no stream between them.
 * Resolves when the stream ended and the parser with it; rejects (and
 * destroys the stream) when the parser throws, the stream fails or
 * closes early, or signal aborts.
 */
export async function readTar(
  body: Readable,
  parser: ContextTarParser,
  signal?: AbortSignal,
): Promise<void> {
  const head = await firstBytes(body, 6);
  const kind = detectCompression(Buffer.concat(head));
  const write = (c: Buffer): void => parser.write(c);
  if (kind === "none") await flow(body, write, signal, head);
  else {
    const replay = new PassThrough();
    for (const c of head) replay.write(c);
    body.on("error", (err) => replay.destroy(err));
    await flow(await decompress(body.pipe(replay)), write, signal).catch(
      (err: unknown) => {
        body.destroy();
        throw err;
      },
    );
  }
  parser.end();
}

/** The first chunks of body, at least n bytes of them unless it ends first; body is left paused. */
function firstBytes(body: Readable, n: number): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  let got = 0;
  return new Promise((resolve, reject) => {
    const done = (err?: Error | null): void => {
      body.pause();
      body.off("data", onData);
      body.off("end", done);
      body.off("error", done);
      body.off("close", onClose);
      if (err) reject(err);
      else resolve(chunks);
    };
    const onData = (c: Buffer): void => {
      chunks.push(c);
      got += c.length;
      if (got >= n) done();
    };
    const onClose = (): void => {
      if (!body.readableEnded) done(new Error("premature close"));
    };
    if (body.destroyed)
      return done(body.errored ?? new Error("premature close"));
    body.on("data", onData);
    body.once("end", done);
    body.once("error", done);
    body.once("close", onClose);
    body.resume();
  });
}

/** Calls fn for the chunks of first, then for each of source until it ends (see readTar for failures). */
function flow(
  source: Readable,
  fn: (chunk: Buffer) => void,
  signal?: AbortSignal,
  first: Buffer[] = [],
): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err?: Error): void => {
      if (settled) return;
      settled = true;
      source.off("data", onData);
      signal?.removeEventListener("abort", onAbort);
      if (err === undefined) return resolve();
      // Destroyed without the error: nothing listens for one any more.
      if (!source.destroyed) source.destroy();
      reject(err);
    };
    const onData = (chunk: Buffer): void => {
      try {
        fn(chunk);
      } catch (err) {
        settle(err instanceof Error ? err : new Error(String(err)));
      }
    };
    const onAbort = (): void =>
      settle(
        Object.assign(new Error("The operation was aborted"), {
          name: "AbortError",
          cause: signal?.reason as unknown,
        }),
      );
    finished(source, { writable: false }, (err) => settle(err ?? undefined));
    if (signal?.aborted) return onAbort();
    for (const c of first) {
      onData(c);
      if (settled) return;
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    source.on("data", onData);
    source.resume();
  });
}
