/**
 * Integration test harness: a real wharfd from dist/wharfd.cjs on a temp data
 * root, exec root and socket, driven by the real Docker CLI. Needs root and
 * crun; `skipReason()` says why a test must skip otherwise. Everything a
 * daemon made (containers, mounts, temp dirs) is removed by `stop()`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { after, before } from "node:test";
import {
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  writeFileSync,
  readFileSync,
  rmSync,
  mkdirSync,
} from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { execFile, type ExecResult } from "../../src/util/exec.ts";

const repo = resolve(import.meta.dirname, "../..");
/** The real Docker CLI the acceptance tests drive. */
export const dockerBin = process.env.DOCKER_CLI ?? "/usr/local/bin/docker";

/** Why integration tests cannot run here, or undefined when they can. */
export function skipReason(): string | undefined {
  if (process.getuid?.() !== 0)
    return "integration tests need root (containers, mounts)";
  if (!existsSync("/usr/bin/crun"))
    return "integration tests need crun (apt-get install crun)";
  if (!existsSync("/usr/bin/conmon"))
    return "integration tests need conmon (apt-get install conmon)";
  if (!existsSync(join(repo, "dist/wharfd.cjs")))
    return "dist/wharfd.cjs missing: run npm run build first";
  return undefined;
}

/**
 * The skip reason for a test of wharf's own behaviour when the suite runs
 * against dockerd (TARGET=docker); undefined otherwise.
 */
export function wharfOnly(why: string): string | undefined {
  return process.env.TARGET === "docker" ? `wharf only: ${why}` : undefined;
}

/** One wharfd under test. */
export class TestDaemon {
  readonly dir: string;
  readonly socket: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logFile: string;
  #child: ChildProcess | undefined;
  #wrap: string[];

  /**
   * `prefix` names the temp dir (a long one tests deep exec roots); `wrap`
   * runs wharfd under a command that execs it, e.g. nsenter for
   * a daemon on a second "host".
   */
  constructor(options: { prefix?: string; wrap?: string[] } = {}) {
    this.#wrap = options.wrap ?? [];
    this.dir = mkdtempSync(options.prefix ?? "/tmp/wit-");
    this.socket = join(this.dir, "run/wharf.sock");
    this.logFile = join(this.dir, "wharfd.log");
    mkdirSync(join(this.dir, "docker-config"));
    this.env = {
      ...process.env,
      DOCKER_HOST: `unix://${this.socket}`,
      WHARF_HOST: `unix://${this.socket}`,
      DOCKER_CONFIG: join(this.dir, "docker-config"),
    };
  }

  /** Starts wharfd and waits until /_ping answers. */
  async start(extraArgs: string[] = []): Promise<void> {
    const args = [
      join(repo, "dist/wharfd.cjs"),
      "--data-root",
      join(this.dir, "data"),
      "--exec-root",
      join(this.dir, "run"),
      "--config-file",
      join(this.dir, "daemon.json"),
      ...extraArgs,
    ];
    // Docker Hub is never contacted from a test: docker.io names get an error
    // instead of a lookup (wharf's registry-hub-fallback switch). A test that
    // writes its own daemon.json should set the key too.
    if (!existsSync(join(this.dir, "daemon.json")))
      writeFileSync(
        join(this.dir, "daemon.json"),
        '{"registry-hub-fallback": false}\n',
      );
    const log = openSync(this.logFile, "a");
    if (process.env.TARGET === "docker") {
      // The oracle: the same cases against Debian's dockerd on private roots, no networking.
      const r = join(this.dir, "run");
      const dockerArgs = [
        "--data-root",
        join(this.dir, "data"),
        "--exec-root",
        r,
        "-H",
        `unix://${this.socket}`,
        "--pidfile",
        join(r, "docker.pid"),
        "--bridge=none",
        "--iptables=false",

        "--ip-masq=false",
      ];
      this.#child = spawn("/usr/sbin/dockerd", dockerArgs, {
        stdio: ["ignore", log, log],
      });
    } else
      this.#child = spawn(
        this.#wrap[0] ?? process.execPath,
        [
          ...(this.#wrap.length
            ? [...this.#wrap.slice(1), process.execPath]
            : []),
          "--enable-source-maps",
          ...args,
        ],
        { stdio: ["ignore", log, log] },
      );
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (this.#child.exitCode !== null)
        throw new Error(
          `wharfd exited with ${this.#child.exitCode}:\n${this.log()}`,
        );
      const r = await this.curl(["/_ping"]);
      if (r.code === 0 && r.stdout === "OK") return;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    throw new Error(`wharfd did not answer within 15 s:\n${this.log()}`);
  }

  /** The daemon's log so far (for failure messages). */
  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, "utf8") : "";
  }

  /** The pid of the running wharfd. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Runs the real Docker CLI against this daemon. */
  docker(
    args: string[],
    options: { input?: string | Buffer } = {},
  ): Promise<ExecResult> {
    return execFile(dockerBin, args, {
      env: this.env,
      ...(options.input !== undefined ? { input: options.input } : {}),
    });
  }

  /** Runs the Docker CLI and throws with its stderr unless it exits 0; returns stdout. */
  async ok(
    args: string[],
    options: { input?: string | Buffer } = {},
  ): Promise<string> {
    const r = await this.docker(args, options);
    if (r.code !== 0)
      throw new Error(`docker ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  }

  /** A raw API call with curl over the socket: [path, ...curl args]. */
  curl(args: string[]): Promise<ExecResult> {
    const [path, ...rest] = args;
    return execFile("curl", [
      "-s",
      "--unix-socket",
      this.socket,
      ...rest,
      `http://wharf${path}`,
    ]);
  }

  /** Imports busybox:latest made from Debian's busybox-static. */
  async importBusybox(): Promise<void> {
    await this.ok([
      "import",
      "--change",
      'CMD ["sh"]',
      busyboxTar(),
      "busybox:latest",
    ]);
  }

  /** Stops wharfd with SIGTERM (or SIGKILL) and waits for it to exit. */
  async halt(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((ok) => child.once("exit", ok));
    child.kill(signal);
    // A daemon that does not stop in 30 s is killed: a test must never leave
    // one behind (dockerd has hung here on shutdown).
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    await exited;
    clearTimeout(timer);
  }

  /** Pids of processes whose command line names this daemon's temp dir (its containerd, shims). */
  #stragglers(): number[] {
    const out: number[] = [];
    for (const pid of readdirSync("/proc"))
      if (/^\d+$/.test(pid) && Number(pid) !== process.pid)
        try {
          const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
          if (cmd.includes(`${this.dir}/`)) out.push(Number(pid));
        } catch {
          // gone meanwhile
        }
    return out;
  }

  /** Removes every container, stops wharfd, unmounts what is left under the temp dir and deletes it. */
  async stop(): Promise<void> {
    try {
      if (this.#child && this.#child.exitCode === null) {
        const ids = (await this.docker(["ps", "-aq"])).stdout
          .split("\n")
          .filter(Boolean);
        if (ids.length) await this.docker(["rm", "-f", ...ids]);
      }
    } finally {
      await this.halt();
      // dockerd's containerd and shims carry our temp dir in their command lines.
      for (const pid of this.#stragglers())
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone meanwhile
        }
      for (const m of mountsUnder(this.dir).reverse())
        spawnSync("umount", ["-l", m]);
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** Mount points under dir, in mount order (from /proc/self/mountinfo). */
export function mountsUnder(dir: string): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[4] ?? "")
    .filter((m) => m.startsWith(dir + "/"));
}

let tarPath: string | undefined;
/** Path of a busybox rootfs tar, made once per test process. */
export function busyboxTar(): string {
  if (tarPath && existsSync(tarPath)) return tarPath;
  const dir = mkdtempSync("/tmp/wharf-bbtar-");
  tarPath = join(dir, "busybox.tar");
  const r = spawnSync(join(repo, "scripts/busybox-rootfs.sh"), [tarPath], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`busybox-rootfs.sh failed: ${r.stderr}`);
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return tarPath;
}

/** A free TCP port on 127.0.0.1 (nothing listens on it when this resolves). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/**
 * A TestDaemon shared by the tests of the enclosing describe block: its
 * before() starts wharfd and imports busybox, its after() stops it and
 * removes all it made. Call it inside the describe callback.
 */
export function suiteDaemon(): TestDaemon {
  const d = new TestDaemon();
  before(async () => {
    await d.start();
    await d.importBusybox();
  });
  after(() => d.stop());
  return d;
}
