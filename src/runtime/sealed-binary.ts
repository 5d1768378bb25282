import { closeSync, readFileSync, statSync, writeSync } from "node:fs";
import { libcFunctions, syscallFailed } from "../util/libc.ts";

/**
 * A sealed in-memory copy of a runtime binary, to exec instead of the file.
 *
 * crun (like runc) must not run from a file a container could write through
 * /proc/<pid>/exe while the runtime joins it (CVE-2019-5736). Unless its
 * own executable is already a sealed memfd, `crun exec` protects itself on
 * every call: a temp file, a read-only bind mount of itself, an umount, and
 * a second exec, which loads its ten libraries again. A memfd carrying
 * exactly the seals crun checks for (seal, shrink, grow, write) passes
 * that check, so crun runs at once; nothing can change the copy, which is
 * the protection crun builds for itself. The copy is made once and made
 * again when the file on disk changes (an upgrade).
 */
export class SealedBinary {
  #path: string;
  #fd = -1;
  #stamp = "";

  /** `path` is the runtime's file (/usr/bin/crun). */
  constructor(path: string) {
    this.#path = path;
  }

  /**
   * A path that execs the sealed copy (/proc/self/fd/N: the descriptor is
   * close-on-exec, which the kernel allows for an ELF binary), or undefined
   * when it cannot be made (no memfd, a relative path): then the caller
   * runs the file itself.
   */
  path(): string | undefined {
    let stamp;
    try {
      const st = statSync(this.#path);
      stamp = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      return undefined;
    }
    if (stamp !== this.#stamp) {
      this.close();
      try {
        this.#fd = sealedCopy(this.#path);
        this.#stamp = stamp;
      } catch {
        return undefined;
      }
    }
    return `/proc/self/fd/${this.#fd}`;
  }

  /** Closes the copy (the next path() makes a new one). */
  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
    this.#stamp = "";
  }
}

/** memfd_create + copy + F_ADD_SEALS; returns the descriptor. */
function sealedCopy(file: string): number {
  const c = calls();
  const fd = c.memfdCreate(MEMFD_NAME, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) syscallFailed("memfd_create", file);
  try {
    const data = readFileSync(file);
    for (let done = 0; done < data.length;)
      done += writeSync(fd, data, done, data.length - done);
    if (c.fcntl(fd, F_ADD_SEALS, "int", SEALS) !== 0)
      syscallFailed("fcntl F_ADD_SEALS", file);
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

const calls = libcFunctions<{
  memfdCreate: (name: string, flags: number) => number;
  fcntl: (fd: number, cmd: number, ...args: unknown[]) => number;
}>({
  memfdCreate: "int memfd_create(const char *name, unsigned int flags)",
  fcntl: "int fcntl(int fd, int cmd, ...)",
});

/** The name runc and crun give their own copies (shown in /proc/<pid>/exe). */
const MEMFD_NAME = "crun_cloned:/proc/self/exe";
const MFD_CLOEXEC = 1;
const MFD_ALLOW_SEALING = 2;
const F_ADD_SEALS = 1033;
/** F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE: what crun checks. */
const SEALS = 0x1 | 0x2 | 0x4 | 0x8;
