/**
 * Go's duration syntax (time.ParseDuration), which Docker uses for --since,
 * --until, --stop-timeout style flags and prune `until` filters: a sign, then
 * one or more decimal numbers each with a unit ("1h30m", "1.5s", "-2m", ".5h").
 * "0" alone is the only unit-less value Go accepts.
 */

/** Nanoseconds per Go duration unit; both micro signs are accepted, as Go does. */
const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  "\u00b5s": 1e3,
  "\u03bcs": 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};
const PART = /(\d*)(?:\.(\d*))?([^\d.]+)/y;

/**
 * Nanoseconds of a Go duration string, or undefined when Go would reject it
 * (missing unit, unknown unit, empty number). Precise to the nanosecond up to
 * about 104 days; longer values lose sub-microsecond digits.
 */
export function parseGoDurationNs(value: string): number | undefined {
  let s = value;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    if (s[0] === "-") sign = -1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const m = PART.exec(s);
    if (!m) return undefined;
    const [, whole = "", frac, unit = ""] = m;
    if (whole === "" && !frac) return undefined;
    const mult = UNIT_NS[unit];
    if (mult === undefined) return undefined;
    total += Number(whole || "0") * mult;
    if (frac) total += (Number(frac) / 10 ** frac.length) * mult;
  }
  return sign * total;
}

/** Milliseconds of a Go duration string ("1h30m" → 5400000), or undefined when it is not one. */
export function parseGoDuration(value: string): number | undefined {
  const ns = parseGoDurationNs(value);
  return ns === undefined ? undefined : ns / 1e6;
}
