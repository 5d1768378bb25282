import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import tar, { type Header } from "tar-stream";
import { CopyLayerStore } from "../../storage/layers/copy.ts";
import {
  ConflictError,
  InvalidArgumentError,
  NotFoundError,
} from "../../util/errors.ts";
import { Logger } from "../../util/log.ts";
import { EventBus } from "../events/index.ts";
import { ImageService } from "./service.ts";
import type { UsageCheck } from "./remove.ts";

type Entry = Partial<Header> & { name: string; body?: string };

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const { body, ...h } of entries)
    pack.entry({ mode: 0o755, mtime: new Date(1e12), ...h }, body ?? "");
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

async function collect(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function withService(
  fn: (svc: ImageService, events: EventBus, root: string) => Promise<void>,
  usage?: UsageCheck,
): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "wharf-images-"));
  const events = new EventBus();
  const svc = new ImageService({
    root,
    events,
    log: new Logger("error"),
    layers: new CopyLayerStore({ root: join(root, "vfs") }),
    ...(usage ? { usage } : {}),
  });
  await svc.init();
  try {
    await fn(svc, events, root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const rootfs = (): Promise<Buffer> =>
  tarOf([
    { name: "bin/", type: "directory" },
    { name: "bin/sh", body: "#!" },
  ]);

async function importBusybox(
  svc: ImageService,
  changes: string[] = [],
): Promise<string> {
  return svc.import(Readable.from([await rootfs()]), {
    fromSrc: "-",
    repo: "busybox",
    changes,
  });
}

test("import() creates a tagged one-layer image that list() and inspect() show as Docker does", () =>
  withService(async (svc, events) => {
    const id = await importBusybox(svc, ['CMD ["sh"]', "ENV A=1", "LABEL x=y"]);
    const [row] = await svc.list({
      all: false,
      filters: {},
      sharedSize: false,
      version: "1.50",
    });
    assert.equal(row?.Id, id);
    assert.deepEqual(row?.RepoTags, ["busybox:latest"]);
    assert.equal(row?.Size, 2);
    const info = await svc.inspect("busybox", { version: "1.50" });
    assert.deepEqual(info.Config.Cmd, ["sh"]);
    assert.deepEqual(info.Config.Env, ["A=1"]);
    assert.equal(info.Comment, "Imported from -");
    assert.equal(info.RootFS.Layers.length, 1);
    assert.equal(info.GraphDriver.Name, "vfs");
    assert.deepEqual(
      events.history().map((e) => e.Action),
      ["import", "tag"],
    );
    assert.equal((await svc.history("busybox"))[0]?.Id, id);
  }));

test("resolve() finds images by name, id and prefix and says No such image with the default tag", () =>
  withService(async (svc) => {
    const id = await importBusybox(svc);
    assert.equal(
      (await svc.resolve("docker.io/library/busybox:latest")).id,
      id,
    );
    assert.equal((await svc.resolve(id.slice(7, 19))).id, id);
    assert.equal((await svc.resolve(id)).id, id);
    await assert.rejects(
      svc.resolve("nope"),
      (e: unknown) =>
        e instanceof NotFoundError &&
        e.message === "No such image: nope:latest",
    );
    await assert.rejects(svc.resolve("Busybox"), InvalidArgumentError);
  }));

test("remove() by name untags, and deletes with the last name", () =>
  withService(async (svc) => {
    const id = await importBusybox(svc);
    await svc.tag("busybox", { repo: "other", tag: "1" });
    assert.deepEqual(
      await svc.remove("other:1", { force: false, noprune: false }),
      [{ Untagged: "other:1" }],
    );
    const items = await svc.remove("busybox", { force: false, noprune: false });
    assert.deepEqual(items.slice(0, 2), [
      { Untagged: "busybox:latest" },
      { Deleted: id },
    ]);
    assert.equal(items.length, 3, "the layer goes too");
    assert.equal(svc.count(), 0);
  }));

test("remove() refuses images used by containers with Docker's messages", () => {
  const ctr = "c".repeat(64);
  let running = false;
  return withService(
    async (svc) => {
      const id = await importBusybox(svc);
      await assert.rejects(
        svc.remove("busybox", { force: false, noprune: false }),
        (e: unknown) =>
          e instanceof ConflictError &&
          e.message ===
            `conflict: unable to remove repository reference "busybox" (must force) - container cccccccccccc is using its referenced image ${id.slice(7, 19)}`,
      );
      running = true;
      await assert.rejects(
        svc.remove(id, { force: true, noprune: false }),
        (e: unknown) =>
          e instanceof ConflictError &&
          e.message ===
            `conflict: unable to delete ${id.slice(7, 19)} (cannot be forced) - image is being used by running container cccccccccccc`,
      );
    },
    () => ({ id: ctr, running }),
  );
});

test("save() then load() into another store round-trips names, config and files", () =>
  withService(async (svc) => {
    const id = await importBusybox(svc);
    const archive = await collect(svc.save(["busybox"]));
    await withService(async (other, events) => {
      const lines = await other.load(Readable.from([archive]));
      assert.deepEqual(lines, ["Loaded image: busybox:latest\n"]);
      assert.equal((await other.resolve("busybox")).id, id);
      assert.ok(events.history().some((e) => e.Action === "load"));
      const paths = await other.prepareRootfs("ctr", id);
      assert.deepEqual(await readdir(join(paths.mergedDir, "bin")), ["sh"]);
    });
  }));

test("load() refuses ../ members and leaves nothing behind", () =>
  withService(async (svc, _events, root) => {
    const bad = await tarOf([{ name: "../evil", body: "x" }]);
    await assert.rejects(svc.load(Readable.from([bad])), InvalidArgumentError);
    assert.equal(svc.count(), 0);
    assert.deepEqual(await readdir(join(root, "tmp")), []);
    assert.deepEqual(await readdir(join(root, "vfs")), []);
  }));

test("load() refuses a layer whose diffId does not match and rolls back", () =>
  withService(async (svc, _e, root) => {
    await importBusybox(svc);
    const layer = (await svc.inspect("busybox", { version: "1.50" })).RootFS
      .Layers[0]!;
    const archive = await collect(svc.save(["busybox"]));
    await svc.remove("busybox", { force: false, noprune: false });
    // Swap the layer blob for another valid tar: its diffId no longer matches the config.
    const other = await tarOf([{ name: "other", body: "x" }]);
    const ex = tar.extract();
    const pack = tar.pack();
    const done = (async () => {
      for await (const e of ex) {
        const body = await collect(e as unknown as Readable);
        const swap = e.header.name === `blobs/sha256/${layer.slice(7)}`;
        pack.entry(
          { ...e.header, size: swap ? other.length : body.length },
          swap ? other : body,
        );
      }
      pack.finalize();
    })();
    Readable.from([archive]).pipe(ex);
    const tampered = collect(Readable.from(pack));
    await done;
    await assert.rejects(
      svc.load(Readable.from([await tampered])),
      /invalid diffID for layer/,
    );
    assert.equal(svc.count(), 0);
    assert.deepEqual(await readdir(join(root, "vfs")), []);
  }));

test("prune() removes dangling images and, with dangling=false, unused tagged ones", () =>
  withService(async (svc) => {
    await importBusybox(svc);
    await svc.import(Readable.from([await tarOf([{ name: "x", body: "1" }])]), {
      fromSrc: "-",
    });
    const dangling = await svc.prune({});
    assert.equal(
      dangling.ImagesDeleted?.filter((i) => "Deleted" in i).length,
      2,
    );
    assert.equal(svc.count(), 1);
    const all = await svc.prune({ dangling: ["false"] });
    assert.deepEqual(all.ImagesDeleted?.[0], { Untagged: "busybox:latest" });
    assert.equal(svc.count(), 0);
    assert.deepEqual(await svc.prune({}), {
      ImagesDeleted: null,
      SpaceReclaimed: 0,
    });
    await assert.rejects(svc.prune({ nope: ["1"] }), /invalid filter 'nope'/);
  }));

test("list() filters by dangling, reference and label", () =>
  withService(async (svc) => {
    await importBusybox(svc, ["LABEL a=b"]);
    await svc.import(Readable.from([await tarOf([{ name: "x", body: "1" }])]), {
      fromSrc: "-",
      repo: "localhost:5000/app",
      tag: "v1",
    });
    const opts = { all: false, sharedSize: false, version: "1.50" };
    const tags = async (filters: Record<string, string[]>): Promise<string[]> =>
      (await svc.list({ ...opts, filters })).flatMap((r) => r.RepoTags);
    assert.deepEqual(await tags({ reference: ["busy*"] }), ["busybox:latest"]);
    assert.deepEqual(await tags({ reference: ["localhost:5000/*:v1"] }), [
      "localhost:5000/app:v1",
    ]);
    assert.deepEqual(await tags({ label: ["a=b"] }), ["busybox:latest"]);
    assert.deepEqual(await tags({ dangling: ["true"] }), []);
    await assert.rejects(
      svc.list({ ...opts, filters: { dangling: ["x"] } }),
      /Invalid filter 'dangling=x'/,
    );
  }));

test("a bare repositories.json from the old layout loads and is rewritten with a schema version", () =>
  withService(async (svc, _events, root) => {
    const id = await importBusybox(svc);
    const file = join(root, "image", "repositories.json");
    const enveloped = JSON.parse(await readFile(file, "utf8")) as {
      schemaVersion: number;
      record: unknown;
    };
    assert.equal(enveloped.schemaVersion, 1);
    // The layout before RecordStore: the bare index.
    await writeFile(file, JSON.stringify(enveloped.record));
    const again = new ImageService({
      root,
      events: new EventBus(),
      log: new Logger("error"),
      layers: new CopyLayerStore({ root: join(root, "vfs") }),
    });
    await again.init();
    assert.equal((await again.inspect("busybox", { version: "1.50" })).Id, id);
    assert.deepEqual(JSON.parse(await readFile(file, "utf8")), enveloped);
  }));
