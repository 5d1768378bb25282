import { spawn } from "node:child_process";

/** Result of a finished child process. */
export type ExecResult = { code: number; stdout: string; stderr: string };

/** A way to run a program as execFile does (e.g. runtime/posix-spawn.ts's execDirect). */
export type ExecFn = (
  file: string,
  args: string[],
  options?: { input?: string | Buffer },
) => Promise<ExecResult>;

/**
 * Runs a program (no shell) and collects its output. Never throws for a
 * non-zero exit; throws only when the program cannot be started.
 */
export function execFile(
  file: string,
  args: string[],
  options: {
    input?: string | Buffer;
    cwd?: string;
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      }),
    );
    // A child that exits without reading its input makes the write fail with EPIPE: not our error.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}
