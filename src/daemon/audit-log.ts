/**
 * The audit log (daemon.json `audit-log`): one JSON object a line for each
 * API call that changes state, appended synchronously so lines keep the
 * order of the calls, rotated as the json-file log driver rotates:
 *
 *   <audit-log>        the current file
 *   <audit-log>.1 …    older ones, .1 newest; at most maxFiles files in all
 *
 * A line: {"time","method","path","object","status","peer":{"uid","gid","pid"}
 * or {"subject": "CN=…"} over TLS, "transport": "unix"|"tcp"}.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { dirname } from "node:path";
import type { AuditEntry, AuditSink } from "../server/server.ts";

/** Appends audit lines to a file, rotating at maxSize bytes. */
export class AuditLog implements AuditSink {
  readonly #path: string;
  readonly #maxSize: number;
  readonly #maxFiles: number;
  #size: number;

  /** Defaults: rotate at 10 MiB, keep 5 files (json-file's `max-size`/`max-file` meaning). */
  constructor(path: string, o: { maxSize?: number; maxFiles?: number } = {}) {
    this.#path = path;
    this.#maxSize = o.maxSize ?? 10 * 1024 * 1024;
    this.#maxFiles = Math.max(1, o.maxFiles ?? 5);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.#size = existsSync(path) ? statSync(path).size : 0;
  }

  /** Writes one entry; rotates first when it would not fit. Never throws to the caller's request. */
  record(entry: AuditEntry): void {
    const line = JSON.stringify(entry) + "\n";
    const bytes = Buffer.byteLength(line);
    if (this.#size > 0 && this.#size + bytes > this.#maxSize) this.#rotate();
    appendFileSync(this.#path, line, { mode: 0o600 });
    this.#size += bytes;
  }

  #rotate(): void {
    if (this.#maxFiles === 1) {
      rmSync(this.#path, { force: true });
    } else {
      rmSync(`${this.#path}.${this.#maxFiles - 1}`, { force: true });
      for (let i = this.#maxFiles - 2; i >= 1; i--)
        if (existsSync(`${this.#path}.${i}`))
          renameSync(`${this.#path}.${i}`, `${this.#path}.${i + 1}`);
      renameSync(this.#path, `${this.#path}.1`);
    }
    this.#size = 0;
  }
}
