import { InvalidArgumentError } from "../../util/errors.ts";
import { DEFAULT_CAPS } from "../../security/index.ts";
import { CAP_NAMES, hostBoundingSet } from "./host-caps.ts";

export { DEFAULT_CAPS };

/**
 * Every capability of kernel 6.x (for --privileged and CapAdd ALL): the
 * default set first, then the others in kernel order.
 */
export const ALL_CAPS: string[] = [
  ...DEFAULT_CAPS,
  ...CAP_NAMES.filter((c) => !DEFAULT_CAPS.includes(c)),
];

/** Capabilities after Docker's rules: ALL and names with or without CAP_. */
export function capabilities(
  privileged: boolean,
  add: string[],
  drop: string[],
): string[] {
  const host = hostBoundingSet();
  const all = ALL_CAPS.filter((c) => host.has(c));
  if (privileged) return all;
  const norm = (c: string): string => {
    const u = c.toUpperCase();
    return u === "ALL" ? u : u.startsWith("CAP_") ? u : `CAP_${u}`;
  };
  const adds = add.map(norm);
  const drops = drop.map(norm);
  for (const c of [...adds, ...drops])
    if (c !== "ALL" && !ALL_CAPS.includes(c))
      throw new InvalidArgumentError(`unknown capability: "${c}"`);
  for (const c of adds)
    if (c !== "ALL" && !host.has(c))
      throw new InvalidArgumentError(
        `capability ${c} is not in the daemon's bounding set: wharfd cannot grant it`,
      );
  let set = adds.includes("ALL") ? all : [...DEFAULT_CAPS];
  for (const c of adds) if (c !== "ALL" && !set.includes(c)) set.push(c);
  if (drops.includes("ALL")) set = adds.filter((c) => c !== "ALL");
  else set = set.filter((c) => !drops.includes(c));
  return set;
}
