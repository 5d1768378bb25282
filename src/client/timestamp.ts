/**
 * since/until values as the Docker client library sends them: a Go duration
 * ("10m", "1h30m") becomes now minus it, a date becomes Unix seconds, and Unix
 * seconds pass through, all as "SECONDS.NANOSECONDS".
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const DURATION = /^([+-]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+)$/;

/** Milliseconds of a Go duration string, or undefined when it is not one. */
export function parseGoDuration(value: string): number | undefined {
  const m = DURATION.exec(value);
  if (!m) return undefined;
  let ms = 0;
  for (const part of (m[2] ?? "").matchAll(
    /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g,
  ))
    ms += Number(part[1]) * (UNIT_MS[part[2] ?? "s"] ?? 0);
  return m[1] === "-" ? -ms : ms;
}

function fromMs(ms: number): string {
  const sec = Math.floor(ms / 1000);
  const nanos = Math.round((ms - sec * 1000) * 1e6);
  return `${sec}.${String(nanos).padStart(9, "0")}`;
}

/** Converts a user's --since/--until value for the API (moby's timetypes.GetTimestamp). */
export function toApiTimestamp(value: string, now = Date.now()): string {
  if (value === "" || /^\d+(\.\d+)?$/.test(value)) return value;
  const d = parseGoDuration(value);
  if (d !== undefined) return fromMs(now - d);
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : fromMs(t);
}
