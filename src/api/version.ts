/** The newest Engine API version wharfd speaks (Docker 28.x). */
export const API_VERSION = "1.50";
/**
 * The oldest Engine API version wharfd accepts. compat: dockerd 20.10's
 * minimum (dockerd 28 refuses below 1.24); the shapes that change below
 * 1.25 are in server/routes/old-versions.ts.
 */
export const MIN_API_VERSION = "1.12";

/** Compares two "1.NN" versions: negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** True when version a is older than b. */
export function versionLessThan(a: string, b: string): boolean {
  return compareVersions(a, b) < 0;
}
