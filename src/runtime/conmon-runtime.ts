import {
  existsSync,
  mkdirSync,
  watch,
  readdirSync,
  type FSWatcher,
} from "node:fs";
import { mkdir, readFile, rm, stat, writeFile, open } from "node:fs/promises";
import { constants } from "node:fs";
import { join } from "node:path";
import { execFile } from "../util/exec.ts";
import { isErrno } from "../util/errors.ts";
import { writeFileAtomic } from "../util/fs.ts";
import { connectAttach } from "./attach-socket.ts";
import { deleteStopped, startCreated } from "./crun-state.ts";
import { DIRECT_EXEC_FDS, directExec } from "./direct-exec.ts";
import { isCrun, specForRuntime } from "./seccomp-delivery.ts";
import { SealedBinary } from "./sealed-binary.ts";
import { spawnConmon, type ConmonProcess } from "./conmon.ts";
import type {
  AttachConnection,
  AttachOptions,
  CreateOptions,
  ExecHandle,
  ExecOptions,
  ExitStatus,
  OciRuntime,
  RuntimeState,
} from "./oci-runtime.ts";
import type { OciResources } from "./oci-spec.ts";

/**
 * OciRuntime over conmon plus crun (or runc), following DESIGN.md's measured
 * usage. Files it owns:
 * ```
 * <stateDir>/
 *   crun/            --root of the runtime binary (never the shared /run/crun)
 *   exits/<id>       exit code written by conmon (--exit-dir), decimal
 *   update-<id>.json resources for `update --resources`, removed at once
 * <bundle>/          owned by the caller; conmon adds:
 *   config.json  attach (socket)  ctl winsz (FIFOs)  pidfile  conmon.pid
 *   exit (persist copy of the code)  oom (present when OOM-killed)
 * ```
 */
export class ConmonRuntime implements OciRuntime {
  readonly name: string;
  #binary: string;
  #conmon: string;
  #root: string;
  #exitDir: string;
  #globalArgs: string[];
  /** crun runs attached execs itself (direct-exec.ts), from a sealed copy; runc goes through conmon. */
  #directExec: SealedBinary | undefined;
  /** crun without runtime arguments: start and delete may be done in-process (crun-state.ts). */
  #crunState: boolean;
  /** crun loads precompiled seccomp filters (seccomp-delivery.ts). */
  #crun: boolean;

  /**
   * `stateDir` is a directory under the daemon's exec root (e.g.
   * /run/wharf/runtime); `binary` the runtime's path (/usr/bin/crun);
   * `name` the registered name (default the binary's), which also names
   * its --root; `runtimeArgs` go before every runtime command (daemon.json
   * runtimes' runtimeArgs).
   */
  constructor(options: {
    stateDir: string;
    binary: string;
    conmon?: string;
    name?: string;
    runtimeArgs?: string[];
  }) {
    this.#binary = options.binary;
    this.#globalArgs = options.runtimeArgs ?? [];
    this.name =
      options.name ?? options.binary.split("/").pop() ?? options.binary;
    this.#conmon = options.conmon ?? "/usr/bin/conmon";
    this.#crun = isCrun(options.binary);
    this.#directExec = this.#crun
      ? new SealedBinary(options.binary)
      : undefined;
    this.#crunState =
      this.#directExec !== undefined && this.#globalArgs.length === 0;
    this.#root = join(options.stateDir, this.name);
    this.#exitDir = join(options.stateDir, "exits");
    mkdirSync(this.#root, { recursive: true, mode: 0o700 });
    mkdirSync(this.#exitDir, { recursive: true, mode: 0o700 });
  }

  async create(id: string, o: CreateOptions): Promise<{ pid: number }> {
    // Not atomic and not fsynced: the bundle is scratch space for this start
    // only (a crash before crun reads it just fails the start).
    await writeFile(
      join(o.bundle, "config.json"),
      JSON.stringify(
        specForRuntime(withoutNoQuota(o.spec), o.seccompFilter, this.#crun),
      ),
    );
    const args = this.#commonArgs(id, id, o.bundle, o.name ?? id);
    args.push("-l", `k8s-file:${o.logPath}`, "--exit-dir", this.#exitDir);
    if (o.terminal) args.push("-t");
    if (o.stdin) args.push("-i");
    if (o.stdin && !o.stdinOnce) args.push("--leave-stdin-open");
    const conmon = spawnConmon(this.#conmon, args, {
      cwd: o.bundle,
      attachPipe: false,
    });
    try {
      conmon.proceed();
      return { pid: checkPid(await conmon.nextSync()) };
    } finally {
      conmon.release();
    }
  }

  async start(id: string): Promise<void> {
    if (this.#crunState && (await startCreated(join(this.#root, id)))) return;
    await this.#run(["start", id]);
  }

  async kill(
    id: string,
    signal: number,
    options: { all?: boolean } = {},
  ): Promise<void> {
    const all = options.all ? ["--all"] : [];
    await this.#run(["kill", ...all, id, String(signal)]);
  }

  async pause(id: string): Promise<void> {
    await this.#run(["pause", id]);
  }

  async resume(id: string): Promise<void> {
    await this.#run(["resume", id]);
  }

  async remove(id: string, options: { force?: boolean } = {}): Promise<void> {
    // crun keeps one directory per container under its root: without it
    // there is nothing to delete, and the spawn (≈ 7 ms) is saved.
    if (!existsSync(join(this.#root, id))) return;
    if (this.#crunState && (await deleteStopped(join(this.#root, id)))) return;
    const force = options.force ? ["--force"] : [];
    const r = await execFile(this.#binary, [
      ...this.#globalArgs,
      "--root",
      this.#root,
      "delete",
      ...force,
      id,
    ]);
    if (r.code !== 0 && !notExist(r.stderr)) throw runtimeError(r.stderr);
  }

  async state(id: string): Promise<RuntimeState | undefined> {
    const r = await execFile(this.#binary, [
      ...this.#globalArgs,
      "--root",
      this.#root,
      "state",
      id,
    ]);
    if (r.code !== 0) {
      if (notExist(r.stderr)) return undefined;
      throw runtimeError(r.stderr);
    }
    const s = JSON.parse(r.stdout) as { status: string; pid?: number };
    const status = (
      ["created", "running", "paused", "stopped"].includes(s.status)
        ? s.status
        : "stopped"
    ) as RuntimeState["status"];
    return { status, pid: s.pid ?? 0 };
  }

  async exitStatus(
    id: string,
    options: { bundle?: string } = {},
  ): Promise<ExitStatus | undefined> {
    const oom = options.bundle ? join(options.bundle, "oom") : undefined;
    return readExitFile(join(this.#exitDir, id), oom);
  }

  async clearExitStatus(id: string): Promise<void> {
    await rm(join(this.#exitDir, id), { force: true });
  }

  watchExits(listener: (id: string) => void): () => void {
    const seen = (name: string | null): void => {
      // g_file_set_contents writes "<id>.XXXXXX" then renames it to "<id>".
      if (name && !name.includes(".")) listener(name);
    };
    const watcher: FSWatcher = watch(this.#exitDir, (_event, name) =>
      seen(name),
    );
    watcher.unref();
    // Rescan after the watch is in place so no exit falls between the two.
    for (const name of readdirSync(this.#exitDir)) seen(name);
    return () => watcher.close();
  }

  async monitorAlive(
    _id: string,
    options: { bundle: string },
  ): Promise<boolean> {
    return pidFileAlive(join(options.bundle, "conmon.pid"));
  }

  attach(id: string, o: AttachOptions): Promise<AttachConnection> {
    return connectAttach(join(o.bundle, "attach"), o.onOutput, o.onClose);
  }

  async resize(
    _id: string,
    o: { bundle: string; rows: number; cols: number },
  ): Promise<void> {
    // O_NONBLOCK: opening a FIFO for writing without a reader fails (ENXIO)
    // instead of hanging when the monitor is gone.
    const fh = await open(
      join(o.bundle, "ctl"),
      constants.O_WRONLY | constants.O_NONBLOCK,
    );
    try {
      await fh.write(`1 ${o.rows} ${o.cols}\n`);
    } finally {
      await fh.close();
    }
  }

  async exec(id: string, o: ExecOptions): Promise<ExecHandle> {
    if (o.attach && !o.terminal && this.#directExec)
      return this.#execDirect(id, o, this.#directExec);
    await mkdir(o.bundle, { recursive: true, mode: 0o700 });
    const specFile = join(o.bundle, "process.json");
    await writeFile(specFile, JSON.stringify(o.process));
    const args = this.#commonArgs(id, `${id.slice(0, 12)}-exec`, o.bundle, id);
    args.push("-l", `k8s-file:${join(o.bundle, "exec.log")}`);
    args.push("--exec", "--exec-process-spec", specFile);
    if (o.terminal) args.push("-t");
    if (o.stdin) args.push("-i");
    if (o.attach) args.push("--exec-attach");
    const conmon = spawnConmon(this.#conmon, args, {
      cwd: o.bundle,
      attachPipe: o.attach,
    });
    let connection: AttachConnection | undefined;
    try {
      conmon.proceed();
      if (o.attach) {
        await conmon.nextAttach();
        connection = await connectAttach(
          join(o.bundle, "attach"),
          o.onOutput ?? (() => undefined),
          o.onClose ?? (() => undefined),
        );
        conmon.proceed();
      }
      const pid = checkPid(await conmon.nextSync());
      const exited = this.#execExit(conmon, o.bundle);
      return { pid, connection, exited };
    } catch (err) {
      conmon.release();
      connection?.close();
      throw err;
    }
  }

  /**
   * An attached exec without a terminal, run by crun itself as our child
   * (direct-exec.ts): no monitor is needed since nothing outlives the
   * client's stream, and no bundle: the spec, the pid and crun's JSON log
   * go through pipes.
   */
  #execDirect(id: string, o: ExecOptions, sealed: SealedBinary) {
    const path = sealed.path();
    return directExec({
      argv: [
        this.#binary,
        ...this.#globalArgs,
        "--root",
        this.#root,
        `--log=file:${DIRECT_EXEC_FDS.log}`,
        "--log-format=json",
        "exec",
        "--pid-file",
        DIRECT_EXEC_FDS.pidFile,
        "--process",
        DIRECT_EXEC_FDS.spec,
        id,
      ],
      ...(path ? { path } : {}),
      spec: JSON.stringify(o.process),
      stdin: o.stdin,
      onOutput: o.onOutput ?? (() => undefined),
      onClose: o.onClose ?? (() => undefined),
    });
  }

  async pids(id: string): Promise<number[]> {
    const r = await this.#run(["ps", "--format", "json", id]);
    const parsed = JSON.parse(r || "[]") as unknown;
    return Array.isArray(parsed) ? parsed.map(Number) : [];
  }

  async #execExit(conmon: ConmonProcess, bundle: string): Promise<number> {
    try {
      const m = await conmon.nextSync();
      return m.data;
    } catch {
      // conmon closed the pipe without a message: fall back to the exit file.
      const s = await readExitFile(join(bundle, "exit"), join(bundle, "oom"));
      return s?.exitCode ?? -1;
    } finally {
      conmon.release();
    }
  }

  #commonArgs(cid: string, uuid: string, bundle: string, name: string) {
    return [
      "--api-version",
      "1",
      "-c",
      cid,
      "-u",
      uuid,
      "-n",
      name,
      "-r",
      this.#binary,
      ...this.#globalArgs.flatMap((a) => ["--runtime-arg", a]),
      "--runtime-arg",
      "--root",
      "--runtime-arg",
      this.#root,
      "-b",
      bundle,
      "-p",
      join(bundle, "pidfile"),
      "-P",
      join(bundle, "conmon.pid"),
      "--socket-dir-path",
      bundle,
      "--full-attach",
      // -0 is --persist-dir: conmon also writes <bundle>/exit and <bundle>/oom.
      "-0",
      bundle,
    ];
  }

  async update(id: string, resources: OciResources): Promise<void> {
    const quota = resources.cpu?.quota;
    if (quota !== undefined && quota < 0) {
      await this.#liftCpuQuota(id);
      const cpu = { ...resources.cpu };
      delete cpu.quota;
      resources = { ...resources, cpu };
    }
    const file = join(this.#exitDir, "..", `update-${id}.json`);
    await writeFileAtomic(file, JSON.stringify(resources));
    try {
      await this.#run(["update", "--resources", file, id]);
    } finally {
      await rm(file, { force: true });
    }
  }

  /**
   * crun 1.8.1 writes a quota of -1 (CFS's "no quota") as an unsigned
   * number, which the kernel refuses (ERANGE): write it to the container's
   * cgroup itself (v1 cpu.cfs_quota_us, or v2 cpu.max keeping the period).
   */
  async #liftCpuQuota(id: string): Promise<void> {
    const { pid } = JSON.parse(await this.#run(["state", id])) as {
      pid: number;
    };
    const lines = (await readFile(`/proc/${pid}/cgroup`, "utf8")).split("\n");
    const v1 = lines.find((l) => l.split(":")[1]?.split(",").includes("cpu"));
    if (v1) {
      const [, ctrl, path] = v1.split(":");
      await writeFile(
        join("/sys/fs/cgroup", ctrl!, path!, "cpu.cfs_quota_us"),
        "-1",
      );
      return;
    }
    const v2 = lines.find((l) => l.startsWith("0::"));
    if (!v2) return;
    const file = join("/sys/fs/cgroup", v2.slice(3), "cpu.max");
    const period = (await readFile(file, "utf8")).trim().split(" ")[1];
    await writeFile(file, `max ${period ?? 100000}`);
  }

  async #run(args: string[]): Promise<string> {
    const r = await execFile(this.#binary, [
      ...this.#globalArgs,
      "--root",
      this.#root,
      ...args,
    ]);
    if (r.code !== 0) throw runtimeError(r.stderr || r.stdout);
    return r.stdout;
  }
}

/** Reads an exit file (decimal code, mtime = finish time); oomPath marks an OOM kill. */
export async function readExitFile(
  path: string,
  oomPath?: string,
): Promise<ExitStatus | undefined> {
  try {
    const [text, st] = await Promise.all([readFile(path, "utf8"), stat(path)]);
    const code = Number(text.trim());
    if (text.trim() === "" || !Number.isInteger(code)) return undefined;
    const oom =
      oomPath !== undefined &&
      (await stat(oomPath).then(
        () => true,
        () => false,
      ));
    return { exitCode: code, finishedAt: st.mtime, oomKilled: oom };
  } catch (err) {
    if (isErrno(err, "ENOENT")) return undefined;
    throw err;
  }
}

async function pidFileAlive(path: string): Promise<boolean> {
  try {
    const pid = Number((await readFile(path, "utf8")).trim());
    if (!(pid > 0)) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function checkPid(m: { data: number; message?: string }): number {
  if (m.data > 0) return m.data;
  throw runtimeError(m.message ?? `runtime failed (${m.data})`);
}

function notExist(stderr: string): boolean {
  return /does not exist|not exist|no such file/i.test(stderr);
}

function runtimeError(text: string): Error {
  return new Error(text.trim().replace(/\s+/g, " ") || "runtime failed");
}

/**
 * The spec without a negative CPU quota: a new cgroup has no quota already,
 * and crun 1.8.1 cannot write -1 (see #liftCpuQuota).
 */
function withoutNoQuota(spec: CreateOptions["spec"]): CreateOptions["spec"] {
  const cpu = spec.linux?.resources?.cpu;
  if (cpu?.quota === undefined || cpu.quota >= 0) return spec;
  const copy = structuredClone(spec);
  delete copy.linux.resources!.cpu!.quota;
  return copy;
}
