import { spawn, type ChildProcess } from "node:child_process";
import type { Writable } from "node:stream";

/**
 * A shell started ahead of time that becomes the next command.
 *
 * `spawn()` is synchronous in Node: libuv forks the daemon and waits until
 * the child has called exec, so every spawn stalls the event loop for the
 * fork of a 50 MB process plus the child's scheduling delay (2 ms on an idle
 * machine, 10–25 ms on a loaded one). On a path where a client waits (exec)
 * that stall is paid again per request. WarmSpawner keeps one `sh` waiting
 * on a control pipe (fd 3) with its stdio pipes already made; `take()` sends
 * it the command line and it `exec`s it, so the caller gets a ChildProcess
 * whose pid, pipes, exit code and signal are the command's own. A
 * replacement is started right after, while the command runs.
 *
 * The control protocol, one line each: `1` (keep the stdin pipe) or `0`
 * (stdin becomes /dev/null), then the arguments, then an empty line. An
 * argument that is empty or holds a newline cannot be sent: take() returns
 * undefined and the caller spawns the usual way. Nothing is started before
 * the first take(), so an idle daemon holds no shell; `close()` ends the
 * waiting one (it also ends on its own when the daemon's end of the control
 * pipe closes).
 */
export class WarmSpawner {
  #ready: ChildProcess | undefined;
  #closed = false;

  /** The command as a spawned ChildProcess, or undefined when it cannot be sent. */
  take(argv: string[], options: { stdin: boolean }): ChildProcess | undefined {
    if (this.#closed) return undefined;
    if (argv.some((a) => a === "" || a.includes("\n"))) return undefined;
    const child = this.#ready;
    this.#ready = undefined;
    setImmediate(() => this.warm());
    if (!child || child.exitCode !== null || child.signalCode !== null)
      return undefined;
    hold(child, true);
    const control = child.stdio[3] as Writable;
    control.end(`${options.stdin ? 1 : 0}\n${argv.join("\n")}\n\n`);
    if (!options.stdin) child.stdin?.destroy();
    return child;
  }

  /** Ends the waiting shell; take() then always returns undefined. */
  close(): void {
    this.#closed = true;
    this.#ready?.kill("SIGKILL");
    this.#ready = undefined;
  }

  /** Starts the waiting shell now if there is none (take() does it after each use). */
  warm(): void {
    if (this.#closed || this.#ready) return;
    const child = spawn("/bin/sh", ["-c", TRAMPOLINE], {
      // Its own session: a terminal's signals to the daemon's group stay there.
      detached: true,
      stdio: ["pipe", "pipe", "pipe", "pipe"],
    });
    for (const s of child.stdio) s?.on("error", () => undefined);
    child.on("error", () => undefined);
    // A shell that dies while waiting is dropped; the next take() spawns anew.
    child.on("exit", () => {
      if (this.#ready === child) this.#ready = undefined;
    });
    // Waiting, it must not keep the daemon (or a test) alive.
    hold(child, false);
    this.#ready = child;
  }
}

/** Refs or unrefs a child and its stdio sockets. */
function hold(child: ChildProcess, on: boolean): void {
  if (on) child.ref();
  else child.unref();
  for (const s of child.stdio) {
    const socket = s as { ref?: () => void; unref?: () => void } | null;
    if (on) socket?.ref?.();
    else socket?.unref?.();
  }
}

/** The waiting shell: reads the command from fd 3, then becomes it. */
const TRAMPOLINE = [
  "IFS= read -r i <&3 || exit 125",
  "set --",
  'while IFS= read -r a <&3 && [ -n "$a" ]; do set -- "$@" "$a"; done',
  "exec 3<&-",
  '[ "$i" = 1 ] || exec </dev/null',
  'exec "$@"',
].join("\n");
