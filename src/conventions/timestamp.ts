/**
 * Docker's since/until values (moby api/types/time): the CLI turns what the
 * user typed into "SECONDS[.NANOSECONDS]" with `getTimestamp`, the daemon reads
 * that back with `parseTimestamps`. What a user may type:
 *   - a Go duration, meaning that long before now: "10m", "1h30m", "1.5h";
 *   - an RFC 3339 date or time, complete or cut short, with or without a zone:
 *     "2006-01-02", "2006-01-02T15", "2006-01-02T15:04", "2006-01-02T15:04:05",
 *     ".999999999" fractions, "Z" or "+07:00"; without a zone it is local time;
 *   - Unix seconds with an optional fraction: "1136073600.000000001".
 */
import { InvalidArgumentError } from "../util/errors.ts";
import { parseGoDurationNs } from "./duration.ts";

const DATE = String.raw`(\d{4})-(\d{2})-(\d{2})`;
const ZONE = String.raw`(Z|[+-]\d{2}:\d{2})`;
/** One pattern per layout moby picks (see `layoutFor`); groups: date, time parts, zone. */
const LAYOUTS = {
  nano: new RegExp(
    String.raw`^${DATE}T(\d{1,2}):(\d{2}):(\d{2})\.(\d+)${ZONE}?$`,
  ),
  seconds: new RegExp(
    String.raw`^${DATE}T(\d{1,2}):(\d{2}):(\d{2})()${ZONE}?$`,
  ),
  minutes: new RegExp(String.raw`^${DATE}T(\d{1,2}):(\d{2})()()${ZONE}?$`),
  hours: new RegExp(String.raw`^${DATE}T(\d{1,2})()()()${ZONE}?$`),
  date: new RegExp(String.raw`^${DATE}()()()()${ZONE}?$`),
};

function count(s: string, ch: string): number {
  return s.split(ch).length - 1;
}

/**
 * Which layout moby's GetTimestamp tries for a value, and whether the value
 * carries its own zone. compat: the choice is made from the characters present
 * (".", "T", colons, "Z", "+", exactly three "-"), not by trying every layout.
 */
function layoutFor(value: string): { re: RegExp; zoned: boolean } {
  const zoned = /[zZ+]/.test(value) || count(value, "-") === 3;
  if (value.includes(".")) return { re: LAYOUTS.nano, zoned };
  if (!value.includes("T")) return { re: LAYOUTS.date, zoned };
  let colons = count(value, ":");
  if (zoned && !/[zZ]/.test(value) && colons > 0) colons--;
  const re =
    colons === 0
      ? LAYOUTS.hours
      : colons === 1
        ? LAYOUTS.minutes
        : LAYOUTS.seconds;
  return { re, zoned };
}

/**
 * Seconds and nanoseconds of an RFC 3339-like value, or undefined when it does
 * not fit the layout moby chooses for it. `offsetMinutes` is the local zone's
 * offset east of UTC, used when the value has no zone.
 */
function parseRfc3339(
  value: string,
  offsetMinutes: number,
): { sec: number; nsec: number } | undefined {
  const { re, zoned } = layoutFor(value);
  const m = re.exec(value);
  if (!m) return undefined;
  const zone = m[8];
  if (zoned !== (zone !== undefined)) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((v) => Number(v || "0")) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > days || h > 23 || mi > 59 || s > 59)
    return undefined;
  let offset = offsetMinutes;
  if (zone !== undefined && zone !== "Z") {
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(4, 6));
    if (zh > 23 || zm > 59) return undefined;
    offset = (zone[0] === "-" ? -1 : 1) * (zh * 60 + zm);
  } else if (zone === "Z") offset = 0;
  const sec = Date.UTC(y, mo - 1, d, h, mi, s) / 1000 - offset * 60;
  const frac = (m[7] ?? "").slice(0, 9).padEnd(9, "0");
  return { sec, nsec: Number(frac) };
}

/**
 * Seconds and nanoseconds of a "SECONDS[.FRACTION]" value (moby's
 * ParseTimestamps): a fraction shorter than 9 digits is scaled up, a longer one
 * truncated. Throws InvalidArgumentError when either part is not an integer.
 */
export function parseTimestamps(value: string): { sec: bigint; nsec: bigint } {
  const dot = value.indexOf(".");
  const secText = dot < 0 ? value : value.slice(0, dot);
  const fracText = dot < 0 ? undefined : value.slice(dot + 1);
  const int = /^[+-]?\d+$/;
  if (!int.test(secText))
    throw new InvalidArgumentError(
      `strconv.ParseInt: parsing ${JSON.stringify(secText)}: invalid syntax`,
    );
  const sec = BigInt(secText);
  if (fracText === undefined) return { sec, nsec: 0n };
  if (!int.test(fracText))
    throw new InvalidArgumentError(
      `strconv.ParseInt: parsing ${JSON.stringify(fracText)}: invalid syntax`,
    );
  const digits = fracText.replace(/^[+-]/, "").length;
  const raw = BigInt(fracText);
  const nsec =
    digits <= 9
      ? raw * 10n ** BigInt(9 - digits)
      : raw / 10n ** BigInt(digits - 9);
  return { sec, nsec };
}

/**
 * What the Docker CLI sends for a user's since/until value (moby's
 * GetTimestamp): a duration becomes whole Unix seconds of `now` minus it, a
 * date "SECONDS.NANOSECONDS" (9 digits), Unix seconds pass through unchanged.
 * `now` is in milliseconds; `offsetMinutes` is the zone used for values
 * without one (the local zone by default). Throws InvalidArgumentError.
 */
export function getTimestamp(
  value: string,
  now = Date.now(),
  offsetMinutes = -new Date(now).getTimezoneOffset(),
): string {
  const d = value === "0" ? undefined : parseGoDurationNs(value);
  if (d !== undefined) return String(Math.floor((now * 1e6 - d) / 1e9));
  const t = parseRfc3339(value, offsetMinutes);
  if (t) return `${t.sec}.${String(t.nsec).padStart(9, "0")}`;
  // compat: a value with "-" that fails as a date is reported as a bad date.
  if (value.includes("-"))
    throw new InvalidArgumentError(
      `parsing time ${JSON.stringify(value)}: cannot parse as RFC 3339`,
    );
  try {
    parseTimestamps(value);
  } catch {
    throw new InvalidArgumentError(
      `failed to parse value as time or duration: ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Nanoseconds since the epoch of any since/until value a client may send or a
 * user may type (a duration before `now`, an RFC 3339 time, Unix seconds), as
 * the daemon reads prune `until` filters (GetTimestamp then ParseTimestamps).
 * `now` is in milliseconds. Throws InvalidArgumentError.
 */
export function timestampNanos(value: string, now = Date.now()): bigint {
  const { sec, nsec } = parseTimestamps(getTimestamp(value, now));
  return sec * 1_000_000_000n + nsec;
}

/** Milliseconds since the epoch of a since/until value (see `timestampNanos`). */
export function timestampMillis(value: string, now = Date.now()): number {
  return Number(timestampNanos(value, now) / 1_000_000n);
}
