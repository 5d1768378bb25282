import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { test } from "node:test";
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

test(
  "OverlayLayerStore: a volatile mount carries overlayfs's volatile option, a plain one does not",
  { skip: process.getuid?.() !== 0 && "overlayfs mounts need root" },
  async () => {
    const root = await mkdtemp(join(tmpdir(), "wharf-overlay-"));
    const store = new OverlayLayerStore({ root });
    /** True when the mount at target is volatile ("volatile", or "fsync=volatile" since 6.6). */
    const isVolatile = async (target: string): Promise<boolean> => {
      const info = await readFile("/proc/self/mountinfo", "utf8");
      const line = info.split("\n").find((l) => l.split(" ")[4] === target);
      const options = (line?.split(" ").at(-1) ?? "").split(",");
      return options.some((o) => o === "volatile" || o === "fsync=volatile");
    };
    try {
      await store.init();
      await store.prepare("ctr", {});
      const target = await store.mount("ctr", { volatile: true });
      assert.ok(await isVolatile(target));
      await store.unmount("ctr");
      await store.mount("ctr");
      assert.ok(!(await isVolatile(target)));
      await store.unmount("ctr");
    } finally {
      await store.unmount("ctr").catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    }
  },
);
