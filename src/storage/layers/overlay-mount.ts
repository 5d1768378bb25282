import type { Mount } from "../../oci/mount.ts";
import { MS_BIND, MS_RDONLY, MS_REC, MS_REMOUNT, mount } from "../syscalls.ts";

/** mount(2) data is one page; Docker's overlay2 limit. */
const PAGE = 4096;

/**
 * Mounts a snapshot's Mount[] at target. When absolute lower paths do not
 * fit in one page, mounts with paths relative to the store root (as
 * overlay2's mountFrom does), changing the cwd only around the synchronous
 * mount(2) call.
 */
export function mountAll(
  mounts: Mount[],
  target: string,
  storeRoot: string,
): void {
  for (const m of mounts) {
    if (m.type === "bind") {
      mount({ source: m.source, target, flags: MS_BIND | MS_REC });
      // A bind mount ignores MS_RDONLY on creation: remount to make it read-only.
      if (m.options.includes("ro"))
        mount({
          source: m.source,
          target,
          flags: MS_BIND | MS_REC | MS_REMOUNT | MS_RDONLY,
        });
      continue;
    }
    let data = m.options.join(",");
    let cwd: string | undefined;
    if (data.length >= PAGE) {
      data = data.split(`${storeRoot}/`).join("");
      cwd = process.cwd();
      process.chdir(storeRoot);
    }
    try {
      mount({ source: m.source, target, type: m.type, data });
    } finally {
      if (cwd !== undefined) process.chdir(cwd);
    }
  }
}
