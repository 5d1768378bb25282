/**
 * Times as the Docker CLI prints them in tables and inspect-like views
 * ("5 seconds ago", Go's time.Time String). Sizes and human durations are
 * Docker conventions shared with the daemon: see conventions/human.ts.
 */
import { humanDuration } from "../../conventions/human.ts";

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
