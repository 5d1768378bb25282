/**
 * Syslog message formats and framing as moby's syslog driver configures
 * srslog: "" → `<PRI>Mmm _d hh:mm:ss tag[pid]: msg` (srslog's
 * UnixFormatter), rfc3164 adds the hostname, rfc5424/rfc5424micro
 * `<PRI>1 TIMESTAMP host tag pid tag - msg`; over tcp (and tcp+tls)
 * rfc5424 messages get RFC 5425 octet counting (`LEN msg`). srslog ends
 * every message with a newline. The time is the send time, as srslog's.
 */

/** A formatter: priority, hostname, tag and content to one message. */
export type SyslogFormat = (
  pri: number,
  host: string,
  tag: string,
  content: string,
) => string;

const MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

/** Go's time.Stamp in local time: "Jan _2 15:04:05". */
function stamp(d: Date): string {
  return `${MONTHS[d.getMonth()]!} ${String(d.getDate()).padStart(2, " ")} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Go's RFC 3339 in local time, with `frac` fraction digits (0 or 6). */
function rfc3339(d: Date, frac: number): string {
  const off = -d.getTimezoneOffset();
  const zone =
    off === 0
      ? "Z"
      : `${off > 0 ? "+" : "-"}${pad(Math.trunc(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  const f = frac ? `.${pad(d.getMilliseconds(), 3)}000` : "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${f}${zone}`;
}

const unixFormat: SyslogFormat = (pri, _host, tag, content) =>
  `<${pri}>${stamp(new Date())} ${tag}[${process.pid}]: ${content}`;

const rfc3164: SyslogFormat = (pri, host, tag, content) =>
  `<${pri}>${stamp(new Date())} ${host} ${tag}[${process.pid}]: ${content}`;

const rfc5424 =
  (frac: number): SyslogFormat =>
  (pri, host, tag, content) =>
    `<${pri}>1 ${rfc3339(new Date(), frac)} ${host} ${tag} ${process.pid} ${tag} - ${content}`;

/**
 * The formatter and framer of a syslog-format option for a transport.
 * Throws Error "Invalid syslog format" (moby's text) for others.
 */
export function syslogFormat(
  name: string,
  proto: string,
): { format: SyslogFormat; frame: (msg: string) => string } {
  const plain = (m: string) => m;
  const octets = (m: string) => `${Buffer.byteLength(m)} ${m}`;
  const streamed = proto === "tcp" || proto === "tcp+tls";
  switch (name) {
    case "":
      return { format: unixFormat, frame: plain };
    case "rfc3164":
      return { format: rfc3164, frame: plain };
    case "rfc5424":
      return { format: rfc5424(0), frame: streamed ? octets : plain };
    case "rfc5424micro":
      return { format: rfc5424(6), frame: streamed ? octets : plain };
    default:
      throw new Error("Invalid syslog format");
  }
}

const FACILITIES = [
  "kern",
  "user",
  "mail",
  "daemon",
  "auth",
  "syslog",
  "lpr",
  "news",
  "uucp",
  "cron",
  "authpriv",
  "ftp",
];

/** The facility's priority bits (default daemon). Throws Error "invalid syslog facility". */
export function syslogFacility(name: string): number {
  if (name === "") return 3 << 3;
  const i = FACILITIES.indexOf(name);
  if (i >= 0) return i << 3;
  const local = /^local([0-7])$/.exec(name);
  if (local) return (16 + Number(local[1])) << 3;
  if (/^[+-]?\d+$/.test(name)) {
    const n = Number(name);
    if (n >= 0 && n <= 23) return n << 3;
  }
  throw new Error("invalid syslog facility");
}
