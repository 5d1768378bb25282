import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import * as errors from "../../util/errors.ts";
import { applyTar, type ApplyResult, type WhiteoutMode } from "./apply.ts";
import { FollowedFile } from "./followed-file.ts";
import type { GrowingFile } from "./growing-file.ts";

/** Messages to the apply worker (apply-worker.ts); `id` names one apply. */
export type ToWorker =
  | {
      op: "start";
      id: number;
      file: string | number;
      root: string;
      whiteouts: WhiteoutMode;
      bytes: number;
      complete: boolean;
    }
  | { op: "grow"; id: number; bytes: number; complete: boolean }
  | { op: "abort"; id: number; message: string };

/** An error as it crosses the thread boundary. */
export type SentError = {
  name: string;
  message: string;
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
};

/** Messages from the apply worker. */
export type FromWorker =
  | { op: "done"; id: number; result: ApplyResult }
  | { op: "fail"; id: number; error: SentError };

/**
 * Applies the worker runs at once; later ones wait their turn (their
 * files keep growing on disk meanwhile, so downloads do not wait). One
 * at a time keeps the worker's buffers those of one stream.
 */
const APPLIES = 1;

/**
 * An idle worker ends after this long, so an idle daemon does not keep
 * its heap (about 15 MiB). Not sooner: a new worker starts with cold code,
 * and its first pull measured 0.1–0.2 s more CPU per 200 MB than the next
 * ones, so pulls a few seconds apart (an image after another, a push then
 * a pull) share one warm worker.
 */
const IDLE_MS = 60_000;

/**
 * Applies the layer tar (plain or gzip) in `file` (a path, or an fd open
 * for reading that the caller closes afterwards) onto root,
 * as {@link applyTar}, on a worker thread: gunzip, the diffId hash, the
 * tar reader and the file writes leave the main thread, which keeps the
 * downloads, so a pull runs on two cores. The worker reads the file
 * itself (from the page cache), so no bytes cross threads and memory
 * stays at a few MiB whatever the pace of either side. With `growing`,
 * the file is still being written: the apply follows it and fails when
 * it fails. Settles only once nothing writes under root any more. Runs
 * on the calling thread where the worker's script is missing.
 */
export async function applyTarFile(
  file: string | number,
  root: string,
  options: { whiteouts: WhiteoutMode; growing?: GrowingFile },
): Promise<ApplyResult> {
  const thread = ApplyThread.get();
  if (thread) return thread.apply(file, root, options);
  const g = options.growing;
  const followed = new FollowedFile(
    file,
    g?.bytes ?? Infinity,
    g?.complete ?? true,
  );
  const tell = (): void => {
    if (g!.error) followed.destroy(g!.error);
    else followed.grow(g!.bytes, g!.complete);
  };
  const stop = g?.watch(tell);
  if (g?.error) tell();
  try {
    return await applyTar(followed, root, { whiteouts: options.whiteouts });
  } finally {
    stop?.();
  }
}

/** Where the worker's script lies: beside the bundle, or beside this source file (tests). */
function workerScript(): string {
  if (typeof __filename === "string" && __filename.endsWith(".cjs"))
    return join(dirname(__filename), "apply-worker.cjs");
  return join(dirname(fileURLToPath(import.meta.url)), "apply-worker.ts");
}

class ApplyThread {
  static #running: ApplyThread | undefined;
  static #script: string | null | undefined;

  /** The worker, started when needed; undefined without its script. */
  static get(): ApplyThread | undefined {
    if (ApplyThread.#script === undefined) {
      const path = workerScript();
      ApplyThread.#script = existsSync(path) ? path : null;
    }
    if (ApplyThread.#script === null) return undefined;
    ApplyThread.#running ??= new ApplyThread(ApplyThread.#script);
    return ApplyThread.#running;
  }

  #worker: Worker;
  #jobs = new Map<number, (m: FromWorker) => void>();
  #next = 0;
  #idle: NodeJS.Timeout | undefined;
  #active = 0;
  #waiting: Array<() => void> = [];

  constructor(script: string) {
    // A small young generation: the worker's garbage (read pieces, tar
    // bodies) is collected often instead of piling up in resident memory.
    const limits = { resourceLimits: { maxYoungGenerationSizeMb: 8 } };
    this.#worker = script.endsWith(".ts")
      ? // Tests run the sources through tsx, whose loader a worker must register itself.
        new Worker(
          `import("tsx/esm/api").then((t) => { t.register(); return import(${JSON.stringify(pathToFileURL(script).href)}); });`,
          { eval: true, ...limits },
        )
      : new Worker(script, limits);
    this.#worker.on("message", (m: FromWorker) => this.#jobs.get(m.id)?.(m));
    const lost = (err: Error): void => {
      if (ApplyThread.#running === this) ApplyThread.#running = undefined;
      for (const [id, settle] of this.#jobs)
        settle({ op: "fail", id, error: sent(err) });
    };
    this.#worker.on("error", lost);
    this.#worker.on("exit", (code) =>
      lost(new Error(`layer apply worker exited (status ${code})`)),
    );
    this.#worker.unref();
  }

  async apply(
    file: string | number,
    root: string,
    options: { whiteouts: WhiteoutMode; growing?: GrowingFile },
  ): Promise<ApplyResult> {
    await this.#slot();
    try {
      return await this.#run(file, root, options);
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }

  /** Waits until fewer than APPLIES applies run, then takes a place. */
  async #slot(): Promise<void> {
    if (this.#active >= APPLIES)
      await new Promise<void>((r) => this.#waiting.push(r));
    this.#active++;
  }

  async #run(
    file: string | number,
    root: string,
    options: { whiteouts: WhiteoutMode; growing?: GrowingFile },
  ): Promise<ApplyResult> {
    const id = ++this.#next;
    clearTimeout(this.#idle);
    if (this.#jobs.size === 0) this.#worker.ref();
    const g = options.growing;
    const outcome = new Promise<FromWorker>((resolve) =>
      this.#jobs.set(id, resolve),
    );
    this.#post({
      op: "start",
      id,
      file,
      root,
      whiteouts: options.whiteouts,
      bytes: g?.bytes ?? Infinity,
      complete: g?.complete ?? true,
    });
    let told = g?.bytes ?? 0;
    const tell = (): void => {
      if (g!.error)
        return this.#post({ op: "abort", id, message: g!.error.message });
      if (g!.bytes === told && !g!.complete) return;
      told = g!.bytes;
      this.#post({ op: "grow", id, bytes: g!.bytes, complete: g!.complete });
    };
    const stop = g?.watch(tell);
    if (g?.error) tell();
    const m = await outcome;
    stop?.();
    this.#jobs.delete(id);
    if (this.#jobs.size === 0) {
      this.#worker.unref();
      this.#idle = setTimeout(() => this.#stop(), IDLE_MS).unref();
    }
    if (m.op === "done") return m.result;
    throw g?.error ?? received(m.error);
  }

  #post(m: ToWorker): void {
    this.#worker.postMessage(m);
  }

  #stop(): void {
    if (this.#jobs.size > 0) return;
    if (ApplyThread.#running === this) ApplyThread.#running = undefined;
    void this.#worker.terminate();
  }
}

/** An error in a form postMessage keeps (class name, errno fields). */
export function sent(err: unknown): SentError {
  const e = err as NodeJS.ErrnoException;
  const out: SentError = {
    name: e instanceof Error ? e.name : "Error",
    message: errors.errorMessage(err),
  };
  if (typeof e?.code === "string") out.code = e.code;
  if (typeof e?.errno === "number") out.errno = e.errno;
  if (typeof e?.syscall === "string") out.syscall = e.syscall;
  if (typeof e?.path === "string") out.path = e.path;
  return out;
}

const CLASSES: Record<string, new (message: string) => Error> = {
  NotFoundError: errors.NotFoundError,
  InvalidArgumentError: errors.InvalidArgumentError,
  ConflictError: errors.ConflictError,
  ForbiddenError: errors.ForbiddenError,
  UnavailableError: errors.UnavailableError,
  NotImplementedError: errors.NotImplementedError,
};

/** The error the worker sent, as the taxonomy class it was thrown as. */
function received(e: SentError): Error {
  const Class = CLASSES[e.name];
  if (Class) return new Class(e.message);
  return Object.assign(new Error(e.message), {
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.errno !== undefined ? { errno: e.errno } : {}),
    ...(e.syscall !== undefined ? { syscall: e.syscall } : {}),
    ...(e.path !== undefined ? { path: e.path } : {}),
  });
}
