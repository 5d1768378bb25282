import { errorMessage } from "../util/errors.ts";
import { mallocTrim } from "../util/libc.ts";
import type { Logger } from "../util/log.ts";

/** What IdleReclaim calls; the defaults are V8's and glibc's (see idleReclaim). */
export type ReclaimParts = {
  /** One garbage collection of the kind; undefined when node runs without --expose-gc. */
  gc: ((kind: "major" | "minor") => void) | undefined;
  /** glibc's malloc_trim(0); throws when libc cannot be reached. */
  trim: () => boolean;
  /** The process's resident set size in bytes. */
  rss: () => number;
  /** How long the API must be quiet before memory is given back. */
  quietMs: number;
  /** A reclaim is skipped unless RSS grew by at least this much since the last one. */
  minGrowth: number;
  log: Logger;
};

/**
 * The collections of one reclaim. The second major one frees what the first
 * one's finalizers released (the memory of finished streams' Buffers); the
 * scavenge between them lets V8 shrink the young generation to one page,
 * which it does only once its allocation rate over the last 5 s is low.
 */
const PASSES = ["major", "minor", "major"] as const;

/**
 * Gives memory back to the kernel once wharfd falls quiet. V8 collects
 * only when it allocates, and glibc keeps freed pages in its arenas, so a
 * daemon that just started or served a burst of requests (an image import,
 * a few runs) would keep that peak resident while it idles. After `quietMs`
 * without an API request this runs full collections (which also free the
 * Buffers of finished streams) and malloc_trim(0). A request re-arms the
 * timer as it arrives and as it ends; a quiet period after little
 * allocation (RSS grew less than `minGrowth`) costs nothing. One reclaim
 * takes a few tens of milliseconds.
 */
export class IdleReclaim {
  #parts: ReclaimParts;
  #timer: NodeJS.Timeout;
  /** RSS right after the last reclaim; 0 before the first. */
  #after = 0;
  #trimBroken = false;

  constructor(parts: ReclaimParts) {
    this.#parts = parts;
    this.#timer = setTimeout(() => this.reclaim(), parts.quietMs);
    this.#timer.unref();
  }

  /** An API request arrived: the reclaim waits for the next quiet period. */
  activity(): void {
    this.#timer.refresh();
  }

  /** Stops the timer (daemon shutdown). */
  close(): void {
    clearTimeout(this.#timer);
  }

  /**
   * Collects and trims now, unless RSS has grown less than `minGrowth`
   * since the last time. Returns whether it ran.
   */
  reclaim(): boolean {
    const { gc, rss, minGrowth, log } = this.#parts;
    const before = rss();
    if (this.#after > 0 && before - this.#after < minGrowth) return false;
    // Trimming first loads the binding, so what loading allocates is collected too.
    this.#trim();
    if (gc) for (const kind of PASSES) gc(kind);
    this.#trim();
    this.#after = rss();
    log.debug("idle reclaim: gave memory back", {
      rssBeforeMiB: mib(before),
      rssAfterMiB: mib(this.#after),
      gc: gc !== undefined,
    });
    return true;
  }

  #trim(): void {
    if (this.#trimBroken) return;
    try {
      this.#parts.trim();
    } catch (err) {
      this.#trimBroken = true;
      this.#parts.log.debug("idle reclaim: malloc_trim unavailable", {
        error: errorMessage(err),
      });
    }
  }
}

/**
 * wharfd's IdleReclaim: V8's exposed gc() (bin/wharfd passes --expose-gc;
 * without it only malloc_trim runs), glibc's malloc_trim through koffi,
 * 6 s of quiet (V8 judges its allocation rate over 5 s), 1 MiB of growth.
 */
export function idleReclaim(log: Logger): IdleReclaim {
  const exposed = (globalThis as { gc?: (minor?: boolean) => void }).gc;
  return new IdleReclaim({
    gc:
      typeof exposed === "function"
        ? (kind) => (kind === "minor" ? exposed(true) : exposed())
        : undefined,
    trim: mallocTrim,
    rss: () => process.memoryUsage.rss(),
    quietMs: 6000,
    minGrowth: 1 << 20,
    log,
  });
}

function mib(bytes: number): number {
  return Math.round((bytes / 1048576) * 10) / 10;
}
