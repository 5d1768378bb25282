import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { EventBus } from "../../../src/engine/events/index.ts";
import { ImageService } from "../../../src/engine/images/index.ts";
import type { ImagesBackend } from "../../../src/server/routes/images.ts";
import { MNT_DETACH, umount } from "../../../src/storage/syscalls.ts";
import { Logger } from "../../../src/util/log.ts";

const skip =
  process.getuid?.() !== 0
    ? "needs root for overlayfs mounts"
    : !existsSync("/bin/busybox")
      ? "needs /bin/busybox (busybox-static)"
      : false;

async function mountsUnder(root: string): Promise<string[]> {
  const info = await readFile("/proc/self/mountinfo", "utf8");
  return info
    .split("\n")
    .map((l) => l.split(" ")[4] ?? "")
    .filter((p) => p.startsWith(root + "/"));
}

/** A busybox rootfs tar: /bin/busybox plus its applet symlinks. */
async function busyboxTar(dir: string): Promise<Buffer> {
  const rootfs = join(dir, "rootfs");
  await mkdir(join(rootfs, "bin"), { recursive: true });
  await copyFile("/bin/busybox", join(rootfs, "bin/busybox"));
  execFileSync(join(rootfs, "bin/busybox"), [
    "--install",
    "-s",
    join(rootfs, "bin"),
  ]);
  return execFileSync("tar", ["-C", rootfs, "-cf", "-", "."], {
    maxBuffer: 64 << 20,
  });
}

async function collect(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

test(
  "an imported busybox mounts as an overlay rootfs and survives save and load",
  { skip },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), "wharf-it-images-"));
    const log = new Logger("error");
    try {
      const a = new ImageService({
        root: join(dir, "a"),
        events: new EventBus(),
        log,
      });
      await a.init();
      const backend: ImagesBackend = a; // the daemon hands the service to imageRoutes as is
      assert.ok(backend);
      const tarball = await busyboxTar(dir);
      const id = await a.import(Readable.from([tarball]), {
        fromSrc: "-",
        repo: "busybox",
        changes: ['CMD ["sh"]'],
      });
      const key = "c".repeat(64);
      const paths = await a.prepareRootfs(key, id);
      assert.deepEqual(
        await a.prepareRootfs(key, id),
        paths,
        "prepareRootfs is idempotent",
      );
      const merged = await a.mountRootfs(key);
      assert.equal(merged, paths.mergedDir);
      assert.ok(existsSync(join(merged, "bin/busybox")));
      assert.ok(existsSync(join(merged, "bin/sh")));
      const inspect = await a.inspect("busybox", { version: "1.50" });
      assert.equal(inspect.GraphDriver.Name, "overlay2");
      assert.match(inspect.GraphDriver.Data?.UpperDir ?? "", /\/diff$/);

      const archive = await collect(a.save(["busybox:latest"]));
      const b = new ImageService({
        root: join(dir, "b"),
        events: new EventBus(),
        log,
      });
      await b.init();
      assert.deepEqual(await b.load(Readable.from([archive])), [
        "Loaded image: busybox:latest\n",
      ]);
      assert.equal((await b.resolve("busybox")).id, id);
      await b.prepareRootfs(key, id);
      assert.ok(existsSync(join(await b.mountRootfs(key), "bin/busybox")));

      for (const svc of [a, b]) {
        await svc.unmountRootfs(key);
        await svc.removeRootfs(key);
      }
      assert.deepEqual(await mountsUnder(dir), []);
      assert.equal(
        (await b.remove("busybox", { force: false, noprune: false })).length,
        3,
      );
    } finally {
      for (const m of (await mountsUnder(dir)).reverse()) umount(m, MNT_DETACH);
      await rm(dir, { recursive: true, force: true });
    }
  },
);
