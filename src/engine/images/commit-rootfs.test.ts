import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import tar from "tar-stream";
import { CopyLayerStore } from "../../storage/layers/copy.ts";
import { Logger } from "../../util/log.ts";
import { EventBus } from "../events/index.ts";
import { ImageService } from "./service.ts";

async function baseTar(): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name: "etc/", type: "directory", mode: 0o755 });
  pack.entry({ name: "etc/base", mode: 0o644 }, "base\n");
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

async function withImages(
  fn: (svc: ImageService, base: string) => Promise<void>,
): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "wharf-commit-rootfs-"));
  const svc = new ImageService({
    root,
    events: new EventBus(),
    log: new Logger("error"),
    layers: new CopyLayerStore({ root: join(root, "vfs") }),
  });
  await svc.init();
  try {
    const base = await svc.import(Readable.from([await baseTar()]), {
      fromSrc: "-",
    });
    await fn(svc, base);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const options = (parent: string, createdBy: string) => ({
  parentImageId: parent,
  config: { Cmd: ["sh"] },
  containerId: "",
  createdBy,
});

test("commitRootfs() turns a prepared rootfs into the image's next layer, with the diff tar kept under its diffId", () =>
  withImages(async (svc, base) => {
    const paths = await svc.prepareRootfs("build-a", base);
    await writeFile(join(paths.upperDir, "hello"), "hello world\n");
    const id = await svc.commitRootfs(
      "build-a",
      options(base, "COPY file:x in / "),
    );
    const parent = svc.store.config(base);
    const image = svc.store.config(id);
    assert.equal(image.parent, base);
    assert.equal(image.rootfs.diff_ids.length, 2);
    assert.deepEqual(image.rootfs.diff_ids[0], parent.rootfs.diff_ids[0]);
    const diffId = image.rootfs.diff_ids[1]!;
    const kept = await svc.store.content.read(diffId);
    assert.equal(
      `sha256:${createHash("sha256").update(kept).digest("hex")}`,
      diffId,
    );
    assert.equal(image.history?.at(-1)?.created_by, "COPY file:x in / ");
    assert.equal(image.history?.at(-1)?.empty_layer, undefined);
    // The rootfs itself became the layer: gone under its key, its files in a child's rootfs.
    assert.equal(await svc.rootfsPaths("build-a"), undefined);
    const child = await svc.prepareRootfs("ctr", id);
    const merged = await svc.mountRootfs("ctr");
    assert.equal(
      await readFile(join(merged, "hello"), "utf8"),
      "hello world\n",
    );
    assert.equal(await readFile(join(merged, "etc/base"), "utf8"), "base\n");
    void child;
    const inspect = await svc.inspect(id, { version: "1.50" });
    assert.equal(
      inspect.Size - (await svc.inspect(base, { version: "1.50" })).Size,
      12,
    );
  }));

test("commitRootfs() of an unchanged rootfs makes an empty_layer image and leaves the rootfs to remove", () =>
  withImages(async (svc, base) => {
    await svc.prepareRootfs("build-b", base);
    const id = await svc.commitRootfs("build-b", options(base, "WORKDIR /"));
    const image = svc.store.config(id);
    assert.deepEqual(
      image.rootfs.diff_ids,
      svc.store.config(base).rootfs.diff_ids,
    );
    assert.equal(image.history?.at(-1)?.empty_layer, true);
    assert.notEqual(await svc.rootfsPaths("build-b"), undefined);
    await svc.removeRootfs("build-b");
  }));

test("commitRootfs() of the same change twice shares one layer; the second rootfs is left to remove", () =>
  withImages(async (svc, base) => {
    const ids: string[] = [];
    for (const key of ["build-c", "build-d"]) {
      const paths = await svc.prepareRootfs(key, base);
      await writeFile(join(paths.upperDir, "same"), "x");
      // The same change means the same mtimes too: two writes a second
      // apart would otherwise give two tars (headers hold whole seconds).
      for (const p of [join(paths.upperDir, "same"), paths.upperDir])
        await utimes(p, 1_000_000_000, 1_000_000_000);
      ids.push(await svc.commitRootfs(key, options(base, `RUN ${key}`)));
    }
    const [a, b] = ids.map((i) => svc.store.config(i).rootfs.diff_ids);
    assert.deepEqual(a, b);
    assert.equal(await svc.rootfsPaths("build-c"), undefined);
    assert.notEqual(await svc.rootfsPaths("build-d"), undefined);
    await svc.removeRootfs("build-d");
  }));
