/**
 * The syslog driver: each line to a syslog server as moby's driver (over
 * srslog) sends it: `syslog-address` udp://host[:514], tcp://host[:514],
 * tcp+tls://…, unix:///path (stream), unixgram:///path (datagram), or
 * empty for the local /dev/log; `syslog-facility` (default daemon);
 * severity info for stdout, err for stderr; `tag` (default {{.ID}});
 * `syslog-format` (syslog-format.ts). Keeps nothing: no reading back.
 */
import { statSync } from "node:fs";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { LogDriver, LogEntry, LogSink } from "./driver.ts";
import { ATTR_OPTS, checkKnown, logTag } from "./options.ts";
import { syslogFacility, syslogFormat } from "./syslog-format.ts";
import { dialSyslog } from "./syslog-transport.ts";

const OPTS = [
  ...ATTR_OPTS,
  "syslog-address",
  "syslog-facility",
  "syslog-tls-ca-cert",
  "syslog-tls-cert",
  "syslog-tls-key",
  "syslog-tls-skip-verify",
  "syslog-format",
];

/** moby's parseAddress: [proto, address]; "" for the local syslog. Throws Error with its texts. */
export function parseSyslogAddress(address: string): [string, string] {
  if (address === "") return ["", ""];
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(address);
  if (!m) throw new Error(`parse "${address}": invalid URI for request`);
  const scheme = m[1]!.toLowerCase();
  if (scheme === "unix" || scheme === "unixgram") {
    try {
      statSync(m[3]!);
    } catch {
      throw new Error(`stat ${m[3]!}: no such file or directory`);
    }
    return [scheme, m[3]!];
  }
  if (!["udp", "tcp", "tcp+tls"].includes(scheme))
    throw new Error(`unsupported scheme: '${scheme}'`);
  const host = m[2]!;
  const hasPort = /^\[.*\]:\d+$/.test(host) || /^[^:[\]]*:\d+$/.test(host);
  return [
    scheme,
    hasPort ? host : `${host.includes(":") ? `[${host}]` : host}:514`,
  ];
}

/** The syslog driver. */
export const syslog: LogDriver = {
  name: "syslog",
  validate(config) {
    checkKnown(
      config,
      OPTS,
      (k) => `unknown log opt '${k}' for syslog log driver`,
    );
    parseSyslogAddress(config["syslog-address"] ?? "");
    syslogFacility(config["syslog-facility"] ?? "");
    syslogFormat(config["syslog-format"] ?? "", "");
  },
  async open(info): Promise<LogSink> {
    const c = info.config;
    const tag = logTag(info, "{{.ID}}");
    const [proto, address] = parseSyslogAddress(c["syslog-address"] ?? "");
    const facility = syslogFacility(c["syslog-facility"] ?? "");
    const { format, frame } = syslogFormat(c["syslog-format"] ?? "", proto);
    const tls =
      proto === "tcp+tls"
        ? {
            ...(c["syslog-tls-ca-cert"]
              ? { ca: readFileSync(c["syslog-tls-ca-cert"]) }
              : {}),
            ...(c["syslog-tls-cert"]
              ? { cert: readFileSync(c["syslog-tls-cert"]) }
              : {}),
            ...(c["syslog-tls-key"]
              ? { key: readFileSync(c["syslog-tls-key"]) }
              : {}),
            rejectUnauthorized: c["syslog-tls-skip-verify"] !== "true",
          }
        : undefined;
    const conn = await dialSyslog(proto, address, tls);
    const host = hostname();
    const encode = (e: LogEntry): Buffer => {
      // compat: srslog ends each message with a newline.
      const text = e.line.toString("utf8");
      const pri = facility | (e.stream === "stderr" ? 3 : 6);
      return Buffer.from(frame(format(pri, host, tag, `${text}\n`)));
    };
    return {
      log: (entries) =>
        // compat: moby skips empty lines.
        conn.send(entries.filter((e) => e.line.length > 0).map(encode)),
      close: () => conn.close(),
    };
  },
};
