/**
 * A pair of connected in-memory sockets: what one end writes the other reads.
 * `ApiServer.inject` hands one end to Node's HTTP server as a connection and
 * speaks HTTP on the other, so requests pass through the real parser, router
 * and error mapping without a listening socket (fastify's `inject`).
 */
import { Duplex } from "node:stream";

/** One end of a `memorySocketPair`; carries the no-op socket methods node:http calls. */
export class MemorySocket extends Duplex {
  peer: MemorySocket | undefined;
  readonly remoteAddress = "127.0.0.1";
  readonly remotePort = 0;
  readonly localAddress = "127.0.0.1";
  readonly localPort = 0;
  readonly remoteFamily = "IPv4";
  readonly encrypted = false;

  override _read(): void {}

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (err?: Error | null) => void,
  ): void {
    this.peer?.push(chunk);
    done();
  }

  override _final(done: (err?: Error | null) => void): void {
    this.peer?.push(null);
    done();
  }

  override _destroy(
    err: Error | null,
    done: (err?: Error | null) => void,
  ): void {
    const peer = this.peer;
    this.peer = undefined;
    if (peer && !peer.destroyed) {
      peer.push(null);
      peer.destroy();
    }
    done(err);
  }

  /** Node's HTTP server and client call these on real sockets; they mean nothing here. */
  setTimeout(): this {
    return this;
  }
  /** See setTimeout. */
  setNoDelay(): this {
    return this;
  }
  /** See setTimeout. */
  setKeepAlive(): this {
    return this;
  }
  /** See setTimeout. */
  ref(): this {
    return this;
  }
  /** See setTimeout. */
  unref(): this {
    return this;
  }
  /** An address as net.Socket reports it. */
  address(): { address: string; family: string; port: number } {
    return { address: "127.0.0.1", family: "IPv4", port: 0 };
  }
}

/** Two connected MemorySockets: [client end, server end]. */
export function memorySocketPair(): [MemorySocket, MemorySocket] {
  const a = new MemorySocket({ allowHalfOpen: true });
  const b = new MemorySocket({ allowHalfOpen: true });
  a.peer = b;
  b.peer = a;
  return [a, b];
}
