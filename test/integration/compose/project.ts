/**
 * Helpers for compose acceptance tests: a project directory with files,
 * `wharf compose` (the built CLI) run in it against a TestDaemon, a free
 * loopback port, and polling.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { execFile, type ExecResult } from "../../../src/util/exec.ts";
import type { TestDaemon } from "../harness.ts";

const repo = resolve(import.meta.dirname, "../../..");
/** The built wharf CLI. */
export const wharfCli = join(repo, "dist/wharf.cjs");

/** A compose project on disk. */
export class Project {
  readonly dir: string;
  readonly d: TestDaemon;
  constructor(d: TestDaemon, files: Record<string, string>) {
    this.d = d;
    this.dir = mkdtempSync("/tmp/wharf-compose-");
    this.write(files);
  }

  /** Writes (or overwrites) files relative to the project directory. */
  write(files: Record<string, string>): void {
    for (const [name, text] of Object.entries(files)) {
      const path = join(this.dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
  }

  /** Runs `wharf compose ARGS` in the project directory. */
  compose(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ExecResult> {
    return execFile(process.execPath, [wharfCli, "compose", ...args], {
      env: { ...this.d.env, ...env },
      cwd: this.dir,
    });
  }

  /** Runs `wharf compose ARGS` and throws with its output unless it exits 0; returns stdout. */
  async ok(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
    const r = await this.compose(args, env);
    if (r.code !== 0)
      throw new Error(
        `wharf compose ${args.join(" ")} exited ${r.code}:\n${r.stderr}\n${r.stdout}`,
      );
    return r.stdout;
  }

  /** Runs a command (e.g. the Docker CLI or docker-compose) in the project directory. */
  run(
    bin: string,
    args: string[],
    env: NodeJS.ProcessEnv = {},
  ): Promise<ExecResult> {
    return execFile(bin, args, {
      env: { ...this.d.env, ...env },
      cwd: this.dir,
    });
  }

  /** Removes the directory. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls fn until it returns a value other than undefined, or throws after `tries` attempts. */
export async function until<T>(
  fn: () => Promise<T | undefined>,
  what: string,
  tries = 100,
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((ok) => setTimeout(ok, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Fetches http://127.0.0.1:port/path; undefined when not answering 200. */
export async function httpGet(
  port: number,
  path = "/",
): Promise<string | undefined> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`).catch(
    () => undefined,
  );
  if (!r || r.status !== 200) return undefined;
  return r.text();
}
