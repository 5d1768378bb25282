/**
 * Sizes and durations written for people the way Docker's go-units does:
 * decimal sizes with Go's %g ("4.26MB", "0B"), binary sizes ("1.5KiB") and
 * approximate durations ("About a minute", "2 hours"). The CLI's tables and
 * the daemon's `Status` column ("Up 3 minutes") both use these.
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

function scaled(
  bytes: number,
  base: number,
  units: string[],
): [number, string] {
  let size = bytes;
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return [size, units[i] ?? "B"];
}

/**
 * Bytes in base-1000 units with the given significant digits, as go-units
 * HumanSizeWithPrecision (Docker: 3 for tables, 4, HumanSize's default, for df).
 */
export function humanSize(bytes: number, precision = 4): string {
  const [size, unit] = scaled(bytes, 1000, DECIMAL_UNITS);
  return `${goG(size, precision)}${unit}`;
}

/** Bytes in base-1024 units with 4 significant digits, as go-units BytesSize ("1.5KiB"). */
export function bytesSize(bytes: number): string {
  const [size, unit] = scaled(bytes, 1024, BINARY_UNITS);
  return `${goG(size, 4)}${unit}`;
}

/**
 * A duration in milliseconds as go-units HumanDuration words. compat: seconds
 * and minutes are truncated, hours rounded half up, and years computed from
 * whole hours, exactly as go-units does ("About an hour" up to 1h29m).
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}
