import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar, { type Header } from "tar-stream";
import { ConflictError, NotFoundError } from "../../util/errors.ts";
import type { LayerStore } from "./layer-store.ts";

/** A store under test plus how to throw it away. */
export type LayerStoreFixture = {
  store: LayerStore;
  cleanup: () => Promise<void>;
};

type Entry = Partial<Header> & { name: string; body?: string };

async function layerTar(entries: Entry[]): Promise<Readable> {
  const pack = tar.pack();
  for (const { body, ...h } of entries)
    pack.entry({ mode: 0o644, ...h }, body ?? "");
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  return Readable.from([Buffer.concat(chunks)]);
}

async function tarNames(stream: Readable): Promise<string[]> {
  const ex = tar.extract();
  const pumping = pipeline(stream, ex);
  const names: string[] = [];
  for await (const e of ex) {
    names.push(e.header.name);
    for await (const _ of e) void _;
  }
  await pumping;
  return names;
}

/** Commits a one-file layer named `name` over parent. */
async function layer(
  store: LayerStore,
  name: string,
  parent: string | undefined,
  entries: Entry[],
): Promise<void> {
  const key = `extract-${name.replace("sha256:", "")}`;
  await store.prepare(key, parent === undefined ? {} : { parent });
  await store.apply(key, await layerTar(entries));
  await store.commit(name, key);
}

/**
 * The LayerStore conformance suite (STYLE.md §7): every implementation's
 * test calls this with a factory for a fresh, initialised store.
 */
export function layerStoreSuite(
  label: string,
  factory: () => Promise<LayerStoreFixture>,
  options: { skip?: string | false } = {},
): void {
  const run = (
    name: string,
    fn: (store: LayerStore) => Promise<void>,
  ): void => {
    void test(
      `${label}: ${name}`,
      { skip: options.skip ?? false },
      async () => {
        const { store, cleanup } = await factory();
        try {
          await fn(store);
        } finally {
          for (const s of await store.list())
            await store.unmount(s.name).catch(() => undefined);
          await cleanup();
        }
      },
    );
  };

  run(
    "commit() turns an active snapshot into a committed one and frees the key",
    async (s) => {
      await layer(s, "base", undefined, [{ name: "etc/hostname", body: "x" }]);
      assert.equal((await s.stat("base"))?.kind, "committed");
      assert.equal(await s.stat("extract-base"), undefined);
      assert.deepEqual(
        (await s.list()).map((i) => i.name),
        ["base"],
      );
      assert.ok((await s.usage("base")).size >= 1);
    },
  );

  run(
    "a child snapshot shows its parents' files through mount()",
    async (s) => {
      await layer(s, "l1", undefined, [{ name: "a", body: "1" }]);
      await layer(s, "l2", "l1", [{ name: "b", body: "2" }]);
      await s.prepare("ctr", { parent: "l2" });
      const root = await s.mount("ctr");
      assert.equal(await s.mount("ctr"), root, "mount() is idempotent");
      assert.deepEqual((await readdir(root)).sort(), ["a", "b"]);
      await writeFile(`${root}/c`, "3");
      await rm(`${root}/a`);
      assert.deepEqual(await tarNames(await s.diff("ctr")), [".wh.a", "c"]);
      await s.unmount("ctr");
      await s.unmount("ctr");
      assert.equal(await s.isMounted("ctr"), false);
      assert.equal(
        await readFile(`${(await s.paths("ctr")).upperDir}/c`, "utf8"),
        "3",
      );
    },
  );

  run("a layer's whiteout hides a parent's file", async (s) => {
    await layer(s, "l1", undefined, [
      { name: "d/a", body: "1" },
      { name: "d/b", body: "1" },
    ]);
    await layer(s, "l2", "l1", [{ name: "d/.wh.a" }]);
    await s.view("v", { parent: "l2" });
    assert.deepEqual(await readdir(`${await s.mount("v")}/d`), ["b"]);
  });

  run("a snapshot with no parent mounts as an empty tree", async (s) => {
    await s.prepare("empty", {});
    assert.deepEqual(await readdir(await s.mount("empty")), []);
  });

  run(
    "existing keys and names are refused with ConflictError, unknown parents with NotFoundError",
    async (s) => {
      await layer(s, "l1", undefined, []);
      await s.prepare("k", { parent: "l1" });
      await assert.rejects(s.prepare("k", {}), ConflictError);
      await s.prepare("k2", {});
      await assert.rejects(s.commit("l1", "k2"), ConflictError);
      await assert.rejects(s.prepare("k3", { parent: "nope" }), NotFoundError);
      await assert.rejects(s.mounts("nope"), NotFoundError);
    },
  );

  run(
    "remove() refuses a committed snapshot with children and is a no-op when unknown",
    async (s) => {
      await layer(s, "l1", undefined, [{ name: "f", body: "x" }]);
      await s.prepare("ctr", { parent: "l1" });
      await s.mount("ctr");
      await assert.rejects(s.remove("l1"), ConflictError);
      await s.remove("ctr");
      await s.remove("l1");
      await s.remove("l1");
      assert.deepEqual(await s.list(), []);
    },
  );

  run(
    "a volatile mount (run --rm) shows the same tree and the layer mounts again after it",
    async (s) => {
      await layer(s, "l1", undefined, [{ name: "a", body: "1" }]);
      await s.prepare("ctr", { parent: "l1" });
      const root = await s.mount("ctr", { volatile: true });
      await writeFile(`${root}/b`, "2");
      assert.deepEqual((await readdir(root)).sort(), ["a", "b"]);
      await s.unmount("ctr");
      const again = await s.mount("ctr");
      assert.deepEqual((await readdir(again)).sort(), ["a", "b"]);
      await s.unmount("ctr");
      await s.mount("ctr", { volatile: true });
      await s.remove("ctr");
      assert.equal(await s.stat("ctr"), undefined);
    },
  );

  run("a stack of 60 layers still mounts", async (s) => {
    let parent: string | undefined;
    for (let i = 0; i < 60; i++) {
      const name = `sha256:${String(i).padStart(64, "0")}`;
      await layer(s, name, parent, [{ name: `f${i}`, body: "x" }]);
      parent = name;
    }
    await s.prepare("deep", { parent: parent! });
    assert.equal((await readdir(await s.mount("deep"))).length, 60);
  });
}
