/**
 * One filesystem mount, as the OCI runtime spec (config.md#mounts) and
 * containerd's snapshotters describe it: `mount -t <type> -o <options> <source> <target>`.
 */
export type Mount = {
  /** Filesystem type: "overlay", "bind", "tmpfs", … */
  type: string;
  /** Device or directory; "overlay" for overlay mounts. */
  source: string;
  /** Where to mount; absent when the caller chooses (snapshot mounts). */
  target?: string;
  /** mount(8)-style options, e.g. ["lowerdir=…", "upperdir=…", "workdir=…"] or ["rbind", "ro"]. */
  options: string[];
};
