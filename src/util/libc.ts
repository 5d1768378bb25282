import { constants } from "node:os";
import type Koffi from "koffi";
import type { LibraryHandle } from "koffi";
import { lazyRequire } from "./lazy-require.ts";

/**
 * libc through koffi (FFI), for the few Linux syscalls Node lacks, shared
 * by storage/syscalls.ts and network/netns.ts. koffi is loaded on the first
 * call (see lazy-require.ts). Every wrapper throws a Node-style Error whose
 * `code` is the errno name (ENOENT, EPERM, …), so callers can use isErrno().
 */

/** koffi itself, loaded on first use. */
export const koffi = lazyRequire<typeof Koffi>("koffi");

let lib: LibraryHandle | undefined;

/** libc.so.6, opened once; callers declare the functions they need with `.func()`. */
export function libc(): LibraryHandle {
  lib ??= koffi().load("libc.so.6");
  return lib;
}

/**
 * Declares libc functions on first use: `decls` maps each name to its C
 * prototype (koffi's syntax); the returned getter binds them all once.
 */
export function libcFunctions<T>(decls: { [K in keyof T]: string }): () => T {
  let bound: T | undefined;
  return () => {
    if (bound) return bound;
    const lib = libc();
    const fns: Partial<T> = {};
    for (const name of Object.keys(decls) as (keyof T)[])
      fns[name] = lib.func(decls[name]) as T[keyof T];
    bound = fns as T;
    return bound;
  };
}

const errnoNames = new Map<number, string>(
  Object.entries(constants.errno).map(([name, n]) => [n, name]),
);

/** The errno name (ENOENT, …) of the last failed call on this thread. */
export function lastErrno(): string {
  const n = koffi().errno();
  return errnoNames.get(n) ?? `E${n}`;
}

/** Throws "<call> <path>: <ERRNO>" with `code` and `errno` set. */
export function syscallFailed(call: string, path: string): never {
  const errno = koffi().errno();
  const code = errnoNames.get(errno) ?? `E${errno}`;
  throw Object.assign(new Error(`${call} ${path}: ${code}`), { code, errno });
}

type MountCalls = {
  mount: (
    src: string,
    target: string,
    type: string | null,
    flags: number,
    data: string | null,
  ) => number;
  umount2: (target: string, flags: number) => number;
};
let calls: MountCalls | undefined;

function mountCalls(): MountCalls {
  calls ??= {
    mount: libc().func(
      "int mount(const char *src, const char *target, const char *type, unsigned long flags, const char *data)",
    ) as MountCalls["mount"],
    umount2: libc().func(
      "int umount2(const char *target, int flags)",
    ) as MountCalls["umount2"],
  };
  return calls;
}

/** mount(2). Throws with code EPERM, EBUSY, EINVAL, … */
export function mount(options: {
  source: string;
  target: string;
  type?: string;
  flags?: number;
  data?: string;
}): void {
  const rc = mountCalls().mount(
    options.source,
    options.target,
    options.type ?? null,
    options.flags ?? 0,
    options.data ?? null,
  );
  if (rc !== 0) syscallFailed("mount", options.target);
}

/** umount2(2). Throws with code EINVAL when target is not a mount point. */
export function umount(target: string, flags = 0): void {
  if (mountCalls().umount2(target, flags) !== 0)
    syscallFailed("umount", target);
}

/**
 * umount2(2) on a libuv worker thread (koffi's async call), for unmounts
 * that wait for an RCU grace period in the kernel (a namespace's bind
 * mount: ≈ 1–10 ms) and would stall the event loop. errno is per thread,
 * so a failure is repeated on the calling thread for its code.
 */
export async function umountAsync(target: string, flags = 0): Promise<void> {
  const call = mountCalls().umount2 as unknown as {
    async: (
      target: string,
      flags: number,
      done: (err: Error | null, rc: number) => void,
    ) => void;
  };
  const rc = await new Promise<number>((resolve, reject) =>
    call.async(target, flags, (err, n) => (err ? reject(err) : resolve(n))),
  );
  if (rc !== 0) umount(target, flags);
}

let trimCall: ((pad: number) => number) | undefined;

/**
 * malloc_trim(3) with no padding: glibc hands the free pages of every malloc
 * arena back to the kernel (free() keeps them otherwise). True when some
 * memory was released.
 */
export function mallocTrim(): boolean {
  trimCall ??= libc().func("int malloc_trim(size_t pad)") as (
    pad: number,
  ) => number;
  return trimCall(0) === 1;
}
