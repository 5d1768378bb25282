/**
 * /etc/subuid and /etc/subgid (man 5 subuid): `name:start:count` per line,
 * where name is a user name or a numeric uid. Parsed leniently, as moby's
 * user.ParseSubIDFilter does (blank lines skipped, fields split on ":");
 * unlike moby, lines whose start or count is not a number, or whose count
 * is not positive, are skipped rather than read as 0 (a zero-sized range
 * would make the runtime refuse every container). Pure.
 */

/** One subordinate range. */
export type SubId = { name: string; start: number; count: number };

/** Length dockerd gives a range it creates (usergroup.defaultRangeLen). */
export const DEFAULT_RANGE_LEN = 65536;

/** Lowest start dockerd picks for a range it creates (usergroup.defaultRangeStart). */
export const DEFAULT_RANGE_START = 100000;

/** Parses the text of a subuid/subgid file, in file order. */
export function parseSubIds(text: string): SubId[] {
  const out: SubId[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const [name = "", start = "", count = ""] = line.split(":");
    if (!/^\d+$/.test(start) || !/^\d+$/.test(count)) continue;
    const s = Number(start);
    const c = Number(count);
    if (c <= 0 || !Number.isSafeInteger(s + c)) continue;
    out.push({ name, start: s, count: c });
  }
  return out;
}

/**
 * Every range that belongs to the user, in file order: lines naming the
 * user or its uid (moby's lookupSubRangesFile filter).
 */
export function rangesOf(
  subids: SubId[],
  user: { name: string; uid: number },
): SubId[] {
  const uid = String(user.uid);
  return subids.filter((s) => s.name === user.name || s.name === uid);
}

/**
 * The start of a new range of `len` ids: just after the highest range in
 * the file, and never below 100000, so it overlaps no existing range
 * whatever their order.
 */
export function nextRangeStart(
  subids: SubId[],
  len = DEFAULT_RANGE_LEN,
): number {
  let start = DEFAULT_RANGE_START;
  for (const s of subids) start = Math.max(start, s.start + s.count);
  if (start + len - 1 > 0xfffffffe)
    throw new Error("no room for a subordinate id range below 2^32-1");
  return start;
}

/** The line a new range adds to the file: `name:start:count`. */
export function subIdLine(name: string, start: number, count: number): string {
  return `${name}:${start}:${count}\n`;
}

/**
 * The user's ranges laid end to end from container id 0 (moby's
 * lookupSubRangesFile): the first range holds container root.
 */
export function mappingsFromRanges(
  ranges: SubId[],
): { containerID: number; hostID: number; size: number }[] {
  let containerID = 0;
  return ranges.map((r) => {
    const m = { containerID, hostID: r.start, size: r.count };
    containerID += r.count;
    return m;
  });
}
