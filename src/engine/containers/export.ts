import type { Readable } from "node:stream";
import { FsScope } from "../../storage/archive/fs-scope.ts";
import { tarTree } from "../../storage/archive/tar-tree.ts";
import { openScope, type ArchiveDeps } from "./archive.ts";
import { publish } from "./deps.ts";
import { unshiftOptions } from "./userns.ts";

/**
 * GET /containers/{id}/export: the container's root filesystem as one tar
 * (entries "bin/", "bin/sh", …, no top entry), as `docker export` writes
 * it. Volumes and binds are not included (Docker exports the rootfs only).
 * A stopped container's rootfs is mounted until the stream ends. Reads go
 * through fds confined to the rootfs (storage/archive/tar-tree.ts).
 */
export async function exportContainer(
  core: ArchiveDeps,
  ref: string,
): Promise<Readable> {
  const r = core.store.resolve(ref);
  const { scope, release } = await openScope(core, r);
  let tar: Readable;
  let rootOnly: FsScope | undefined;
  try {
    // The scope with mounts keeps the rootfs mounted; walk one without them.
    rootOnly = new FsScope(scope.locate("/").root.host, []);
    tar = tarTree(rootOnly, { path: "/", name: "" }, unshiftOptions(r));
  } catch (err) {
    rootOnly?.close();
    await release();
    throw err;
  }
  const done = (): void => {
    rootOnly.close();
    void release().catch(() => undefined);
  };
  tar.once("close", done);
  tar.once("error", done);
  publish(core, r, "export");
  return tar;
}
