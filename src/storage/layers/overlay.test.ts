import { mkdtemp, readFile, rm } from "node:fs/promises";
import { MNT_DETACH, umount } from "../syscalls.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OverlayLayerStore } from "./overlay.ts";
import { layerStoreSuite } from "./testsuite.ts";

layerStoreSuite(
  "OverlayLayerStore",
  async () => {
    const root = await mkdtemp(join(tmpdir(), "wharf-overlay-"));
    const store = new OverlayLayerStore({ root });
    await store.init();
    const cleanup = async (): Promise<void> => {
      // Whatever a failed test left mounted under root goes first, deepest first.
      const info = await readFile("/proc/self/mountinfo", "utf8");
      const mounts = info
        .split("\n")
        .map((l) => l.split(" ")[4] ?? "")
        .filter((p) => p.startsWith(root + "/"))
        .sort()
        .reverse();
      for (const m of mounts) umount(m, MNT_DETACH);
      await rm(root, { recursive: true, force: true });
    };
    return { store, cleanup };
  },
  { skip: process.getuid?.() !== 0 && "overlayfs mounts need root" },
);
