/** Log levels as dockerd names them. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "fatal";
const order: Record<LogLevel, number> = {
  debug: 0,
  info: 1,
  warn: 2,
  error: 3,
  fatal: 4,
};

/** A minimal leveled logger writing logfmt-ish lines to stderr. */
export class Logger {
  #level: LogLevel;
  constructor(level: LogLevel = "info") {
    this.#level = level;
  }
  /** Changes the threshold. */
  setLevel(level: LogLevel): void {
    this.#level = level;
  }
  /** Logs at level with optional key/values. */
  log(
    level: LogLevel,
    msg: string,
    fields: Record<string, unknown> = {},
  ): void {
    if (order[level] < order[this.#level]) return;
    const kv = Object.entries(fields)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(" ");
    process.stderr.write(
      `time="${new Date().toISOString()}" level=${level} msg=${JSON.stringify(msg)}${kv ? " " + kv : ""}\n`,
    );
  }
  debug(msg: string, fields?: Record<string, unknown>): void {
    this.log("debug", msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.log("info", msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.log("warn", msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.log("error", msg, fields);
  }
}

/** True for a level name dockerd accepts. */
export function isLogLevel(s: string): s is LogLevel {
  return s in order;
}
