/**
 * The journald driver: each line as one entry in the systemd journal
 * through its native protocol (datagrams on /run/systemd/journal/socket,
 * `KEY=value` lines, binary-safe `KEY\n<u64le len><value>\n` for values
 * with a newline), with moby's fields: MESSAGE, PRIORITY (6 stdout, 3
 * stderr), CONTAINER_ID, CONTAINER_ID_FULL, CONTAINER_NAME, CONTAINER_TAG,
 * IMAGE_NAME, SYSLOG_IDENTIFIER, SYSLOG_TIMESTAMP, CONTAINER_LOG_EPOCH,
 * CONTAINER_LOG_ORDINAL, CONTAINER_PARTIAL_MESSAGE, and the labels/env
 * attributes with moby's key sanitising. Where the socket is absent, start
 * fails with moby's "journald is not enabled on this host". Reading back
 * (journalctl's files) is not done: logs answer Docker's "does not support
 * reading".
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import type { LogDriver, LogSink } from "./driver.ts";
import { ATTR_OPTS, checkKnown, extraAttributes, logTag } from "./options.ts";
import { dialSyslog } from "./syslog-transport.ts";

/** The journal's native socket. */
export const JOURNAL_SOCKET = "/run/systemd/journal/socket";

/** moby's sanitizeKeyMod: upper case, [A-Z0-9_] only, no leading underscore. */
export function journalKey(s: string): string {
  let n = "";
  for (const ch of s) {
    let v = ch;
    if (v >= "a" && v <= "z") v = v.toUpperCase();
    else if (!(v >= "A" && v <= "Z") && !(v >= "0" && v <= "9")) v = "_";
    if (n === "" && v === "_") continue;
    n += v;
  }
  return n;
}

/** One native-protocol datagram of the given fields. */
export function journalDatagram(fields: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (!v.includes("\n")) {
      parts.push(Buffer.from(`${k}=${v}\n`));
      continue;
    }
    const val = Buffer.from(v);
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(val.length));
    parts.push(Buffer.from(`${k}\n`), len, val, Buffer.from("\n"));
  }
  return Buffer.concat(parts);
}

/** The journald driver. */
export const journald: LogDriver = {
  name: "journald",
  validate(config) {
    checkKnown(
      config,
      ATTR_OPTS,
      (k) => `unknown log opt '${k}' for journald log driver`,
    );
  },
  async open(info): Promise<LogSink> {
    if (!existsSync(JOURNAL_SOCKET))
      throw new Error("journald is not enabled on this host");
    const tag = logTag(info, "{{.ID}}");
    const vars: Record<string, string> = {
      CONTAINER_ID: info.id.slice(0, 12),
      CONTAINER_ID_FULL: info.id,
      CONTAINER_NAME: info.name.replace(/^\//, ""),
      CONTAINER_TAG: tag,
      IMAGE_NAME: info.imageName,
      SYSLOG_IDENTIFIER: tag,
      CONTAINER_LOG_EPOCH: randomBytes(32).toString("hex"),
      ...extraAttributes(info, journalKey),
    };
    let ordinal = 0;
    const conn = await dialSyslog("unixgram", JOURNAL_SOCKET, undefined);
    return {
      log: (entries) =>
        conn.send(
          entries.map((e) =>
            journalDatagram({
              MESSAGE: e.line.toString("utf8"),
              PRIORITY: e.stream === "stderr" ? "3" : "6",
              ...vars,
              SYSLOG_TIMESTAMP: e.time,
              ...(e.partial ? { CONTAINER_PARTIAL_MESSAGE: "true" } : {}),
              CONTAINER_LOG_ORDINAL: String(++ordinal),
            }),
          ),
        ),
      close: () => conn.close(),
    };
  },
};
