/**
 * Connections to a daemon on another machine over ssh, as the Docker CLI
 * makes them: `ssh -T [-l user] [-p port] -- host wharf system dial-stdio`,
 * whose stdin/stdout carry the HTTP exchange with the remote daemon's socket.
 * The ssh binary is looked up on PATH (tests put a fake one there).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { Duplex } from "node:stream";
import type { HostAddress } from "./host.ts";

/** The ssh argv (without "ssh") that runs `wharf system dial-stdio` on the remote host. */
export function sshArgs(
  address: Extract<HostAddress, { kind: "ssh" }>,
): string[] {
  // compat: the Docker CLI's connhelper/ssh flags, with our program on the far side.
  const args = ["-o", "ConnectTimeout=30", "-T"];
  if (address.user) args.push("-l", address.user);
  if (address.port) args.push("-p", String(address.port));
  args.push("--", address.host, "wharf", "system", "dial-stdio");
  return args;
}

/**
 * A socket-like Duplex over a child's stdin/stdout. Node's http client calls
 * setNoDelay/setKeepAlive/setTimeout/ref/unref on sockets: those are no-ops
 * here. Destroying it ends the child.
 */
export class ChildSocket extends Duplex {
  readonly #child: ChildProcess;
  #stderr = "";

  constructor(child: ChildProcess) {
    super();
    this.#child = child;
    const out = child.stdout;
    out?.on("data", (chunk: Buffer) => {
      if (!this.push(chunk)) out.pause();
    });
    out?.on("end", () => this.push(null));
    child.stderr?.on("data", (c: Buffer) => {
      if (this.#stderr.length < 4096) this.#stderr += c.toString();
    });
    child.on("error", (err) => this.destroy(err));
    child.on("exit", (code) => {
      if (code && !this.destroyed && this.readableLength === 0)
        this.destroy(
          new Error(
            `ssh exited with ${code}: ${this.#stderr.trim() || "no output"}`,
          ),
        );
    });
    child.stdin?.on("error", () => undefined);
  }

  override _read(): void {
    this.#child.stdout?.resume();
  }

  override _write(
    chunk: Buffer,
    _enc: BufferEncoding,
    done: (err?: Error | null) => void,
  ): void {
    const stdin = this.#child.stdin;
    if (!stdin) return done(new Error("ssh: no stdin"));
    stdin.write(chunk, (err) => done(err ?? null));
  }

  override _final(done: (err?: Error | null) => void): void {
    this.#child.stdin?.end();
    done();
  }

  override _destroy(
    err: Error | null,
    done: (err?: Error | null) => void,
  ): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null)
      this.#child.kill();
    done(err);
  }

  /** No-op (http client hook). */
  setNoDelay(): this {
    return this;
  }
  /** No-op (http agent hook). */
  setKeepAlive(): this {
    return this;
  }
  /** No-op (http agent hook). */
  setTimeout(): this {
    return this;
  }
  /** No-op (http agent hook). */
  ref(): this {
    return this;
  }
  /** No-op (http agent hook). */
  unref(): this {
    return this;
  }
}

/** Spawns ssh to the address and returns the connection to the remote daemon. */
export function dialSsh(
  address: Extract<HostAddress, { kind: "ssh" }>,
): ChildSocket {
  const child = spawn("ssh", sshArgs(address), {
    stdio: ["pipe", "pipe", "pipe"],
  });
  return new ChildSocket(child);
}
