import { closeSync } from "node:fs";
import { Socket } from "node:net";
import { constants } from "node:os";
import type { ExecResult } from "../util/exec.ts";
import { libcFunctions, syscallFailed } from "../util/libc.ts";

/** What a child's extra descriptor (3, 4, …) is: a pipe it reads or one it writes. */
export type ExtraFd = "to-child" | "from-child";

/** A child started by spawnDirect: its pid, our ends of its pipes, its end. */
export type DirectChild = {
  pid: number;
  /** Its stdin pipe (undefined when stdin is /dev/null). */
  stdin: Socket | undefined;
  stdout: Socket;
  stderr: Socket;
  /** Our ends of the extra descriptors, in the order asked (child fd 3, 4, …). */
  extra: Socket[];
  /** Resolves with the exit code, or 128+signal when killed. */
  exited: Promise<number>;
};

/**
 * Starts a program with posix_spawn(3) (through koffi) instead of Node's
 * spawn(). Node forks the daemon, copying the page tables of a 70 MB
 * process and then taking a copy-on-write fault on every page it touches
 * until the child has called exec; with glibc posix_spawn shares the
 * memory (CLONE_VM|CLONE_VFORK) and the daemon is back as soon as the child
 * has called exec. On a short path where a client waits (`docker exec`) the
 * fork was the largest single cost of the daemon.
 *
 * The child gets its own session (as Node's `detached`), default signal
 * dispositions and an empty signal mask, the daemon's environment, pipes
 * on 0, 1, 2 (stdin /dev/null unless asked) and on 3… as `extra` says; any
 * other descriptor of the daemon is close-on-exec. libuv reaps only the
 * children it started, so a SIGCHLD listener reaps these by pid.
 * `cwd` is the child's working directory (glibc's addchdir, done in the
 * child before exec); `env` adds variables to the daemon's environment.
 * Throws (code set to the errno name) when the program cannot be started.
 */
export function spawnDirect(
  argv: string[],
  o: {
    stdin: boolean;
    extra?: ExtraFd[];
    path?: string;
    cwd?: string;
    env?: Record<string, string>;
  },
): DirectChild {
  const c = calls();
  listen();
  const ours: number[] = [];
  const theirs: number[] = [];
  const fa = Buffer.alloc(256);
  const attr = Buffer.alloc(512);
  c.faInit(fa);
  c.attrInit(attr);
  try {
    /** A pipe whose child end becomes `childFd`; returns our end. */
    const pipe = (childFd: number, childReads: boolean): number => {
      const fds = [0, 0];
      if (c.pipe2(fds, O_CLOEXEC) !== 0) syscallFailed("pipe2", "");
      const [r, w] = fds as [number, number];
      ours.push(childReads ? w : r);
      theirs.push(childReads ? r : w);
      c.faDup2(fa, theirs.at(-1)!, childFd);
      return ours.at(-1)!;
    };
    const stdin = o.stdin ? pipe(0, true) : undefined;
    if (!o.stdin) c.faOpen(fa, 0, "/dev/null", 0 /* O_RDONLY */, 0);
    const stdout = pipe(1, false);
    const stderr = pipe(2, false);
    const extra = (o.extra ?? []).map((kind, i) =>
      pipe(3 + i, kind === "to-child"),
    );
    if (o.cwd !== undefined) {
      const rc = c.faChdir(fa, o.cwd);
      if (rc !== 0) spawnFailed(o.cwd, rc);
    }
    // Every bit set by hand: glibc's sigfillset leaves out its two internal
    // signals (32, 33), which posix_spawn then leaves ignored in the child,
    // and crun passes that on to the container's process.
    const all = Buffer.alloc(128, 0xff);
    const none = Buffer.alloc(128);
    c.attrSetflags(attr, SETSID | SETSIGDEF | SETSIGMASK);
    c.attrSetsigdefault(attr, all);
    c.attrSetsigmask(attr, none);
    const env = Object.entries({ ...process.env, ...o.env }).map(
      ([k, v]) => `${k}=${v}`,
    );
    const pid = [0];
    const rc = c.spawn(
      pid,
      o.path ?? argv[0]!,
      fa,
      attr,
      [...argv, null],
      [...env, null],
    );
    if (rc !== 0) spawnFailed(o.path ?? argv[0]!, rc);
    const exited = new Promise<number>((resolve) =>
      waiting.set(pid[0]!, resolve),
    );
    // Signal listeners do not keep Node running; a running child must.
    keepAlive ??= setInterval(reap, 1000);
    // The child's ends stay only in the child.
    for (const fd of theirs.splice(0)) closeSync(fd);
    return {
      pid: pid[0]!,
      stdin: stdin === undefined ? undefined : socket(stdin, false),
      stdout: socket(stdout, true),
      stderr: socket(stderr, true),
      extra: extra.map((fd, i) => socket(fd, o.extra![i] === "from-child")),
      exited,
    };
  } catch (err) {
    for (const fd of [...ours, ...theirs]) tryClose(fd);
    throw err;
  } finally {
    c.faDestroy(fa);
    c.attrDestroy(attr);
  }
}

/**
 * util/exec.ts's execFile on spawnDirect: runs a program (no shell) with
 * `input` on its stdin and collects its output, without forking the
 * daemon. For the short helpers a container start waits on (the bridge
 * driver's `ip -batch`). Never throws for a non-zero exit; throws only
 * when the program cannot be started.
 */
export async function execDirect(
  file: string,
  args: string[],
  options: { input?: string | Buffer } = {},
): Promise<ExecResult> {
  const child = spawnDirect([file, ...args], { stdin: true });
  // A child that exits without reading its input: EPIPE is not our error.
  child.stdin!.on("error", () => undefined);
  child.stdin!.end(options.input ?? "");
  const [stdout, stderr, code] = await Promise.all([
    collect(child.stdout),
    collect(child.stderr),
    child.exited,
  ]);
  return { code, stdout, stderr };
}

/** Everything a pipe carries, once it has closed. */
function collect(s: Socket): Promise<string> {
  const parts: Buffer[] = [];
  s.on("data", (b: Buffer) => parts.push(b));
  return new Promise((resolve) =>
    s.on("close", () => resolve(Buffer.concat(parts).toString())),
  );
}

/** Children started here and not yet reaped: pid → resolve(exit code). */
const waiting = new Map<number, (code: number) => void>();
let listening = false;
/** Held while children run (also reaps one whose SIGCHLD went astray). */
let keepAlive: NodeJS.Timeout | undefined;

/** Reaps on SIGCHLD; listening before the first spawn, so no exit is missed. */
function listen(): void {
  if (listening) return;
  listening = true;
  process.on("SIGCHLD", reap);
}

/** waitpid(WNOHANG) on each child still running. */
function reap(): void {
  const status = [0];
  for (const [pid, resolve] of waiting) {
    if (calls().waitpid(pid, status, WNOHANG) !== pid) continue;
    waiting.delete(pid);
    const s = status[0]!;
    resolve((s & 0x7f) === 0 ? (s >> 8) & 0xff : 128 + (s & 0x7f));
  }
  if (waiting.size === 0 && keepAlive) {
    clearInterval(keepAlive);
    keepAlive = undefined;
  }
}

function socket(fd: number, readable: boolean): Socket {
  const s = new Socket({ fd, readable, writable: !readable });
  s.on("error", () => undefined);
  return s;
}

function tryClose(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

/** posix_spawn returns its errno: throws "spawn <path> <ERRNO>" as Node's spawn does. */
function spawnFailed(path: string, errno: number): never {
  const code =
    Object.entries(constants.errno).find(([, v]) => v === errno)?.[0] ??
    `E${errno}`;
  throw Object.assign(new Error(`spawn ${path} ${code}`), { code, errno });
}

type Calls = {
  pipe2: (fds: number[], flags: number) => number;
  faInit: (fa: Buffer) => number;
  faDup2: (fa: Buffer, fd: number, to: number) => number;
  faOpen: (
    fa: Buffer,
    fd: number,
    path: string,
    flags: number,
    mode: number,
  ) => number;
  faChdir: (fa: Buffer, path: string) => number;
  faDestroy: (fa: Buffer) => number;
  attrInit: (attr: Buffer) => number;
  attrSetflags: (attr: Buffer, flags: number) => number;
  attrSetsigdefault: (attr: Buffer, set: Buffer) => number;
  attrSetsigmask: (attr: Buffer, set: Buffer) => number;
  attrDestroy: (attr: Buffer) => number;
  spawn: (
    pid: number[],
    path: string,
    fa: Buffer,
    attr: Buffer,
    argv: (string | null)[],
    envp: (string | null)[],
  ) => number;
  waitpid: (pid: number, status: number[], options: number) => number;
};
/** The libc functions, declared on first use. */
const calls = libcFunctions<Calls>({
  pipe2: "int pipe2(_Out_ int *fds, int flags)",
  faInit: "int posix_spawn_file_actions_init(void *fa)",
  faDup2: "int posix_spawn_file_actions_adddup2(void *fa, int fd, int newfd)",
  faOpen:
    "int posix_spawn_file_actions_addopen(void *fa, int fd, const char *path, int flags, uint32_t mode)",
  faChdir:
    "int posix_spawn_file_actions_addchdir_np(void *fa, const char *path)",
  faDestroy: "int posix_spawn_file_actions_destroy(void *fa)",
  attrInit: "int posix_spawnattr_init(void *attr)",
  attrSetflags: "int posix_spawnattr_setflags(void *attr, short flags)",
  attrSetsigdefault:
    "int posix_spawnattr_setsigdefault(void *attr, const void *set)",
  attrSetsigmask: "int posix_spawnattr_setsigmask(void *attr, const void *set)",
  attrDestroy: "int posix_spawnattr_destroy(void *attr)",
  spawn:
    "int posix_spawnp(_Out_ int *pid, const char *path, void *fa, void *attr, const char **argv, const char **envp)",
  waitpid: "int waitpid(int pid, _Out_ int *status, int options)",
});

const O_CLOEXEC = 0o2000000;
const WNOHANG = 1;
/** glibc's posix_spawnattr flags. */
const SETSIGDEF = 0x04;
const SETSIGMASK = 0x08;
const SETSID = 0x80;
