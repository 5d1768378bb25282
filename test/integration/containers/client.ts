import { createServer, connect, type Socket } from "node:net";
import { join } from "node:path";
import type { Duplex } from "node:stream";

/**
 * A connected pair of UNIX stream sockets standing in for a hijacked HTTP
 * connection: `server` is what the service writes to (ctx.hijack()), `client`
 * what the Docker CLI would read and write.
 */
const open = new Set<{ close(): void }>();

/** Destroys every pair socketPair() made that is still open (for after hooks). */
export function closePairs(): void {
  for (const p of open) p.close();
  open.clear();
}

export async function socketPair(
  dir: string,
  name: string,
): Promise<{ server: Duplex; client: Socket; close(): void }> {
  const path = join(dir, `${name}.sock`);
  const srv = createServer({ allowHalfOpen: true });
  await new Promise<void>((r) => srv.listen(path, r));
  const accepted = new Promise<Socket>((r) => srv.once("connection", r));
  const client = connect({ path, allowHalfOpen: true });
  const server = await accepted;
  srv.close();
  const pair = {
    server,
    client,
    close: () => {
      client.destroy();
      server.destroy();
      open.delete(pair);
    },
  };
  open.add(pair);
  return pair;
}

/** Collects everything a socket sends until it ends. */
export function collect(s: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  s.on("data", (c: Buffer) => chunks.push(c));
  return new Promise((resolve) =>
    s
      .on("end", () => resolve(Buffer.concat(chunks)))
      .on("close", () => resolve(Buffer.concat(chunks))),
  );
}

/** Splits a multiplexed stream into stdout and stderr text. */
export function demux(buf: Buffer): { stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  for (let off = 0; off + 8 <= buf.length;) {
    const len = buf.readUInt32BE(off + 4);
    const data = buf.subarray(off + 8, off + 8 + len).toString();
    if (buf[off] === 1) stdout += data;
    else if (buf[off] === 2) stderr += data;
    off += 8 + len;
  }
  return { stdout, stderr };
}
