/**
 * Docker's JSON progress messages (moby pkg/jsonmessage), as pull and push
 * stream them: `{"status","progressDetail","id","progress"}` plus the final
 * `aux` of a push. The Docker CLI draws its bars from progressDetail.
 */

/** One message of the stream. */
export type ProgressMessage = {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  progress?: string;
  aux?: unknown;
};

/** Where progress goes (the route writes each as a JSON line). */
export type ProgressSink = (message: ProgressMessage) => void;

/** Emits per-item progress, throttling byte counts to one update per 100 ms per id. */
export class Progress {
  #sink: ProgressSink;
  #last = new Map<string, number>();

  constructor(sink: ProgressSink) {
    this.#sink = sink;
  }

  /** A plain status line ("Digest: sha256:…"), optionally for an id. */
  status(status: string, id?: string): void {
    this.#sink(id === undefined ? { status } : { status, id });
  }

  /** A per-layer step ("Pulling fs layer", "Pull complete"): empty progressDetail, as moby. */
  step(id: string, status: string): void {
    this.#sink({ status, progressDetail: {}, id });
  }

  /** Bytes done of total for an id ("Downloading", "Extracting", "Pushing"); `force` skips the throttle. */
  bytes(
    id: string,
    status: string,
    current: number,
    total: number,
    force = false,
  ): void {
    const now = Date.now();
    const key = `${id}|${status}`;
    if (!force && now - (this.#last.get(key) ?? 0) < 100) return;
    this.#last.set(key, now);
    this.#sink({
      status,
      progressDetail: { current, total },
      progress: progressBar(current, total),
      id,
    });
  }

  /** The aux message (push's Tag/Digest/Size). */
  aux(aux: unknown): void {
    this.#sink({ progressDetail: {}, aux });
  }
}

/** moby's JSONProgress.String for a 110-column terminal: "[==>   ]  1.2MB/3.4MB". */
export function progressBar(current: number, total: number): string {
  if (total <= 0) return humanSize(current);
  const width = 50;
  const filled = Math.min(width, Math.floor((current / total) * width));
  const bar =
    "=".repeat(Math.max(filled - 1, 0)) +
    (filled > 0 ? (filled >= width ? "=" : ">") : "") +
    " ".repeat(width - filled);
  return `[${bar}] ${humanSize(current).padStart(8)}/${humanSize(total)}`;
}

/** go-units HumanSize: decimal units, 4 significant digits. */
export function humanSize(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(4))}${units[i]!}`;
}
