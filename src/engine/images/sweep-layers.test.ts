import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import tar from "tar-stream";
import { CopyLayerStore } from "../../storage/layers/copy.ts";
import { Logger } from "../../util/log.ts";
import { EventBus } from "../events/index.ts";
import { sweepLayers } from "./layers.ts";
import { ImageService } from "./service.ts";

async function oneFileTar(): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name: "f", mode: 0o644 }, "f\n");
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

test("sweepLayers() removes committed snapshots no layer record names (a crash between commit and record), tops first, and keeps recorded layers", async () => {
  const root = await mkdtemp(join(tmpdir(), "wharf-sweep-layers-"));
  try {
    const layers = new CopyLayerStore({ root: join(root, "vfs") });
    const svc = new ImageService({
      root,
      events: new EventBus(),
      log: new Logger("error"),
      layers,
    });
    await svc.init();
    await svc.import(Readable.from([await oneFileTar()]), { fromSrc: "-" });
    const kept = (await layers.list()).map((s) => s.name).sort();
    const orphan = `sha256:${"a".repeat(64)}`;
    const above = `sha256:${"b".repeat(64)}`;
    await layers.prepare("k1", {});
    await layers.commit(orphan, "k1");
    await layers.prepare("k2", { parent: orphan });
    await layers.commit(above, "k2");
    const swept = await sweepLayers({ store: svc.store, layers });
    assert.equal(swept, 2);
    assert.deepEqual((await layers.list()).map((s) => s.name).sort(), kept);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
