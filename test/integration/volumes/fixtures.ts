/**
 * Helpers of the volume acceptance tests: an image with files under /data
 * (made with `docker import` from a tar built here) and the test plugin
 * from test/fixtures/volume-plugin run as a child process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  chownSync,
  chmodSync,
  existsSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { execFile } from "../../../src/util/exec.ts";
import { busyboxTar, type TestDaemon } from "../harness.ts";

const repo = resolve(import.meta.dirname, "../../..");

/**
 * Imports `name`: busybox plus /data/hello (0640, uid 1000) and /data/sub
 * (0700, uid 1000), with `VOLUME /data`.
 */
export async function importDataImage(
  d: TestDaemon,
  name: string,
): Promise<void> {
  const dir = mkdtempSync("/tmp/wit-img-");
  try {
    const root = join(dir, "root");
    mkdirSync(root);
    const x = await execFile("tar", ["-xf", busyboxTar(), "-C", root]);
    if (x.code !== 0) throw new Error(x.stderr);
    mkdirSync(join(root, "data/sub"), { recursive: true });
    writeFileSync(join(root, "data/hello"), "from the image\n");
    chownSync(join(root, "data/hello"), 1000, 1000);
    chmodSync(join(root, "data/hello"), 0o640);
    chownSync(join(root, "data/sub"), 1000, 1000);
    chmodSync(join(root, "data/sub"), 0o700);
    chmodSync(join(root, "data"), 0o750);
    const tar = join(dir, "img.tar");
    const t = await execFile("tar", ["-cf", tar, "-C", root, "."]);
    if (t.code !== 0) throw new Error(t.stderr);
    await d.ok(["import", "-c", "VOLUME /data", "-c", 'CMD ["sh"]', tar, name]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One running instance of the test plugin. */
export class TestPlugin {
  readonly socket: string;
  readonly log: string;
  readonly base: string;
  #child: ChildProcess | undefined;

  constructor(socket: string, dir: string) {
    this.socket = socket;
    this.base = join(dir, "shared");
    this.log = join(dir, `plugin-${Math.random().toString(16).slice(2)}.log`);
  }

  /** Starts the plugin (`fail` names a verb it refuses) and waits until it listens. */
  async start(fail?: string): Promise<void> {
    const args = [
      "--import",
      "tsx",
      join(repo, "test/fixtures/volume-plugin/plugin.ts"),
      this.socket,
      this.base,
      this.log,
      ...(fail ? ["--fail", fail] : []),
    ];
    const child = spawn(process.execPath, args, {
      cwd: repo,
      stdio: ["ignore", "pipe", "inherit"],
    });
    this.#child = child;
    await new Promise<void>((ok, fail) => {
      child.stdout?.once("data", () => ok());
      child.once("exit", (code) =>
        fail(new Error(`plugin exited with ${code}`)),
      );
    });
  }

  /** The verbs the daemon called, in order. */
  calls(): { verb: string; body: Record<string, string> }[] {
    if (!existsSync(this.log)) return [];
    return readFileSync(this.log, "utf8")
      .split("\n")
      .filter(Boolean)
      .map(
        (l) => JSON.parse(l) as { verb: string; body: Record<string, string> },
      );
  }

  /** Stops the plugin (by its pid) and removes its socket. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((ok) => child.once("exit", ok));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(this.socket, { force: true });
  }
}
