/**
 * The log driver contract. A container's output reaches a driver this way:
 *
 *   container stdout/stderr ─▶ conmon ─▶ <container dir>/ctr.log (k8s-file,
 *   conmon's own log: an implementation detail) ─▶ LogCopier (wharfd tails
 *   it, joins partial lines as Docker's copier does) ─▶ LogSink.log()
 *
 * A driver (one file each, listed in drivers.ts) validates its options at
 * create (`validate`, dockerd's texts), opens a sink at start (`open`,
 * errors become "failed to initialize logging driver: …") and, when it
 * keeps what it wrote (json-file, local), reads it back for `docker logs`
 * (`files`). Drivers that keep nothing (syslog, journald, none) have no
 * `files`: logs answer Docker's "configured logging driver does not
 * support reading".
 *
 * Worked example (json-file, max-size=10k, max-file=3): the copier hands
 * entries to the sink; the sink appends `{"log":…,"stream":…,"time":…}`
 * lines to <id>-json.log, and before an entry that finds the file at or
 * past 10000 bytes it renames .1 → .2, the file → .1 and starts a new one,
 * so at most 3 files exist. A follower subscribed through `snapshot`
 * reads the files as they were at that instant and then gets every later
 * entry from the sink in memory: none twice, none lost across rotations.
 */

/** One log message: a line (without its newline) or a partial chunk. */
export type LogEntry = {
  stream: "stdout" | "stderr";
  /** RFC 3339 in UTC with up to 9 fraction digits, trailing zeros trimmed (Go's RFC3339Nano). */
  time: string;
  /** The bytes, without the newline. */
  line: Buffer;
  /** True when the line goes on in the next entry (no newline at its end). */
  partial: boolean;
  /** The line decoded as UTF-8, when the producer has it cheaper than `line` (the copier). */
  readonly text?: string;
  /** Extra attributes written with the entry (labels/env/tag log-opts), shown by `logs --details`. */
  attrs?: Record<string, string>;
};

/** What a driver knows about the container it logs for (moby's logger.Info). */
export type LogInfo = {
  id: string;
  /** With or without the leading slash. */
  name: string;
  imageId: string;
  imageName: string;
  entrypoint: string;
  args: string[];
  env: string[];
  labels: Record<string, string>;
  /** The container's data directory, where file drivers keep their files. */
  dir: string;
  /** The log options (LogConfig.Config). */
  config: Record<string, string>;
  /** The daemon's name for {{.DaemonName}}. */
  daemonName: string;
};

/** Where a driver writes: entries in order, then close. */
export interface LogSink {
  /** Writes entries in order. Rejects on an I/O error (the copier logs it). */
  log(entries: LogEntry[]): Promise<void>;
  /** Flushes and releases the sink; idempotent. */
  close(): Promise<void>;
  /**
   * For readable drivers: the files as they are now plus every entry
   * written after this call, delivered to `listener` (and `end` when the
   * sink closes). Synchronous, so nothing falls between the two.
   */
  snapshot?(listener: SnapshotListener): LogSnapshot;
}

/** Receives entries written after a snapshot, then the end of the sink. */
export type SnapshotListener = {
  entries(e: LogEntry[]): void;
  end(): void;
};

/** Open files of a readable driver at one instant, oldest first. */
export type LogSnapshot = {
  files: SnapshotFile[];
  /** Stops delivering to the listener and closes the files' descriptors. */
  release(): void;
};

/** One file of a snapshot: an open descriptor and how much of it to read. */
export type SnapshotFile = { fd: number; gzip: boolean; limit: number };

/** One log driver: option checks, its sink, and its reader if it keeps logs. */
export type LogDriver = {
  name: string;
  /** Throws InvalidArgumentError with dockerd's text for options this driver refuses at create. */
  validate(config: Record<string, string>): void;
  /** Opens the sink at start. Throws Error with the driver's own text. */
  open(info: LogInfo): Promise<LogSink>;
  /** For drivers that keep logs: the files and how to decode them (read back by `logs`). */
  files?: {
    /** The live file path (inspect's LogPath for json-file). */
    path(info: LogInfo): string;
    /** Parses the whole records in data; `used` is how many bytes they took. */
    decode(data: Buffer): { entries: LogEntry[]; used: number };
    /** Rotation settings of info's options, for reading without a live sink. */
    maxFiles(info: LogInfo): number;
  };
  /** Whether inspect shows the file path as LogPath (json-file only, as dockerd). */
  showsLogPath?: boolean;
};
