/**
 * Sizes and durations printed the way Docker's go-units does: decimal sizes
 * with Go's %g ("4.26MB", "1.98MB", "0B") and human durations ("About a
 * minute", "2 hours").
 */

const DECIMAL_UNITS = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
const BINARY_UNITS = [
  "B",
  "KiB",
  "MiB",
  "GiB",
  "TiB",
  "PiB",
  "EiB",
  "ZiB",
  "YiB",
];

/** Formats x like Go's fmt "%.{precision}g" (shortest form, exponent with 2 digits). */
export function goG(x: number, precision: number): string {
  if (x === 0) return "0";
  const s = x.toPrecision(precision);
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
  const strip = (t: string): string =>
    t.includes(".") ? t.replace(/\.?0+$/, "") : t;
  if (m) return `${strip(m[1] ?? "")}e${m[2]}${(m[3] ?? "").padStart(2, "0")}`;
  return strip(s);
}

/** Bytes in base-1000 units with the given significant digits (Docker: 3 for tables, 4 for df). */
export function humanSize(bytes: number, precision = 4): string {
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < DECIMAL_UNITS.length - 1) {
    size /= 1000;
    i++;
  }
  return `${goG(size, precision)}${DECIMAL_UNITS[i]}`;
}

/** Bytes in base-1024 units, like go-units BytesSize ("1.5KiB"). */
export function bytesSize(bytes: number): string {
  let size = bytes;
  let i = 0;
  while (size >= 1024 && i < BINARY_UNITS.length - 1) {
    size /= 1024;
    i++;
  }
  return `${goG(size, 4)}${BINARY_UNITS[i]}`;
}

/** A duration in milliseconds as go-units HumanDuration words. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`;
}

/** "5 seconds ago" for a past instant given in Unix seconds; now in ms. */
export function timeAgo(unixSeconds: number, now = Date.now()): string {
  return `${humanDuration(now - unixSeconds * 1000)} ago`;
}

/** Go's time.Time String() without monotonic clock, in UTC: "2024-01-02 15:04:05 +0000 UTC". */
export function goTime(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const p = (n: number): string => String(n).padStart(2, "0");
  return (
    `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000 UTC`
  );
}
