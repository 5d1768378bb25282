import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CopyLayerStore } from "./copy.ts";
import { layerStoreSuite } from "./testsuite.ts";

layerStoreSuite("CopyLayerStore", async () => {
  const root = await mkdtemp(join(tmpdir(), "wharf-vfs-"));
  const store = new CopyLayerStore({ root });
  await store.init();
  return { store, cleanup: () => rm(root, { recursive: true, force: true }) };
});
