import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { execFile } from "../util/exec.ts";
import { UnavailableError, isErrno } from "../util/errors.ts";

/**
 * The cgroup v1 hybrid remedy (DESIGN.md, "cgroups are v1 (hybrid …)").
 *
 * On a hybrid host the cgroup2 mount at <root>/unified can own a controller
 * (hugetlb on a fresh machine), and crun 1.8.1 then refuses every container
 * with "cgroups in hybrid mode not supported". Mounting each controller the
 * cgroup2 tree owns as its own v1 hierarchy moves it out of cgroup2 (the
 * kernel allows this while no cgroup2 group uses it).
 *
 * Idempotent: a host that is pure v1, pure v2 or already fixed is left
 * alone. Returns the controllers it mounted. Throws UnavailableError with
 * the reason when a controller cannot be moved.
 */
export async function ensureCgroupV1Controllers(
  options: { root?: string; mountBinary?: string } = {},
): Promise<string[]> {
  const root = options.root ?? "/sys/fs/cgroup";
  // Pure cgroup v2: crun handles it natively.
  if (await exists(join(root, "cgroup.controllers"))) return [];
  const owned = await controllersOf(join(root, "unified"));
  const mounted: string[] = [];
  for (const name of owned) {
    const target = join(root, name);
    await mkdir(target, { recursive: true });
    const r = await execFile(options.mountBinary ?? "mount", [
      "-t",
      "cgroup",
      "-o",
      name,
      "cgroup",
      target,
    ]);
    if (r.code !== 0)
      throw new UnavailableError(
        `cgroup controller ${name} is owned by the cgroup2 mount at ${join(root, "unified")} and cannot be mounted as a v1 hierarchy at ${target}: ${r.stderr.trim()}; crun refuses hybrid cgroups: free the controller (mount -t cgroup -o ${name} cgroup ${target}) or use --default-runtime runc`,
      );
    mounted.push(name);
  }
  const left = await controllersOf(join(root, "unified"));
  if (left.length)
    throw new UnavailableError(
      `cgroup controllers still owned by cgroup2 after remounting: ${left.join(", ")}`,
    );
  return mounted;
}

/** Controllers listed in a cgroup2 mount's cgroup.controllers; [] if none. */
async function controllersOf(dir: string): Promise<string[]> {
  try {
    const text = await readFile(join(dir, "cgroup.controllers"), "utf8");
    return text.split(/\s+/).filter(Boolean);
  } catch (err) {
    if (isErrno(err, "ENOENT")) return [];
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await readFile(path);
    return true;
  } catch {
    return false;
  }
}
