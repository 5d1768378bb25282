import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import http from "node:http";
import { once } from "node:events";
import { join } from "node:path";
import tar from "tar-stream";
import { mountsUnder, skipReason, type TestDaemon } from "../harness.ts";
import { buildFixture } from "./fixture.ts";

const GiB = 1 << 30;

/**
 * A build context tar of `total` bytes made as it is read, never on disk:
 * a Dockerfile whose COPY needs the big files, then files of zeros.
 */
function lazyContext(total: number, fileSize = 256 << 20): tar.Pack {
  const pack = tar.pack();
  const zeros = Buffer.alloc(1 << 20);
  void (async () => {
    pack.entry(
      { name: "Dockerfile" },
      "FROM busybox\nCOPY . /ctx/\nRUN ls /ctx\n",
    );
    for (let i = 0; i * fileSize < total; i++) {
      const body = pack.entry({ name: `big/${i}`, size: fileSize });
      for (let n = 0; n < fileSize; n += zeros.length)
        if (!body.write(zeros)) await once(body, "drain");
      body.end(Buffer.alloc(0));
    }
    pack.finalize();
  })().catch(() => undefined); // destroyed by the abort
  return pack;
}

/** The ids of the build cache records (GET /system/df). */
async function cacheIds(d: TestDaemon): Promise<string[]> {
  const df = JSON.parse(
    (await d.curl(["/system/df?type=build-cache"])).stdout,
  ) as { BuildCache: { ID: string }[] | null };
  return (df.BuildCache ?? []).map((r) => r.ID).sort();
}

/** Every path under dir (files and directories), relative. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}

describe(
  "the build context: bind mounts and links from the index, an aborted upload leaves nothing",
  { skip: skipReason() },
  () => {
    const { d, root } = buildFixture({
      prefix: "/tmp/wharf-build-context-it-",
      classic: true,
    });
    const tmp = join(d.dir, "data/builder/tmp");

    test("RUN --mount=type=bind sees the context (read-only, or a read-write copy whose writes are dropped); COPY follows a symlinked directory inside it; a rebuild is cached", async () => {
      const dir = join(root, "binds");
      mkdirSync(join(dir, "sub"), { recursive: true });
      writeFileSync(join(dir, "sub/a.txt"), "original\n");
      symlinkSync("sub", join(dir, "link"));
      writeFileSync(
        join(dir, "Dockerfile"),
        [
          "FROM busybox",
          "RUN --mount=type=bind,target=/ctx cat /ctx/sub/a.txt > /seen-ro && ! touch /ctx/x 2>/dev/null",
          "RUN --mount=type=bind,source=link,target=/s,rw echo changed > /s/a.txt && cat /s/a.txt > /seen-rw",
          "COPY link/a.txt /copied",
          'CMD ["cat", "/seen-ro", "/seen-rw", "/copied"]',
          "",
        ].join("\n"),
      );
      await d.ok(["build", "-q", "-t", "binds:1", dir]);
      assert.deepEqual(
        (await d.ok(["run", "--rm", "binds:1"])).trim().split("\n"),
        ["original", "changed", "original"],
      );
      const again = await d.ok(["build", "-t", "binds:1", dir]);
      assert.equal(again.match(/Using cache/g)?.length, 4, again);
    });

    test("POST /build with a 2 GiB context, the socket destroyed after 1 GiB: no temp file, container, cache record or mount stays, and wharfd answers", async () => {
      const images = (await d.ok(["images", "-aq", "--no-trunc"])).trim();
      const mounts = mountsUnder(d.dir);
      const cached = await cacheIds(d);
      assert.deepEqual(tree(tmp), []);
      const req = http.request({
        socketPath: d.socket,
        method: "POST",
        path: "/v1.41/build?t=aborted:1&networkmode=none",
        headers: {
          "Content-Type": "application/x-tar",
          "Content-Length": String(2 * GiB + 2048),
        },
      });
      req.on("error", () => undefined); // the destroy below
      let sent = 0;
      let spooled = 0;
      for await (const chunk of lazyContext(2 * GiB)) {
        if (!req.write(chunk)) await once(req, "drain");
        sent += (chunk as Buffer).length;
        if (sent < GiB) continue;
        // Halfway: the daemon holds part of the context in its temp dir.
        for (const p of tree(tmp))
          if (statSync(join(tmp, p)).isFile())
            spooled += statSync(join(tmp, p)).size;
        req.destroy();
        break;
      }
      assert.ok(spooled > 0, "the daemon had received part of the context");
      // The daemon notices the closed socket and cleans up: wait for it.
      const deadline = Date.now() + 60_000;
      while (tree(tmp).length && Date.now() < deadline)
        await new Promise((ok) => setTimeout(ok, 100));
      assert.deepEqual(tree(tmp), [], "builder/tmp is empty again");
      assert.equal((await d.ok(["ps", "-aq"])).trim(), "", "no container");
      assert.equal(
        (await d.ok(["images", "-aq", "--no-trunc"])).trim(),
        images,
        "no image made",
      );
      assert.deepEqual(await cacheIds(d), cached, "no build cache record");
      assert.deepEqual(mountsUnder(d.dir), mounts, "no mount left");
      assert.equal((await d.curl(["/_ping"])).stdout, "OK");
      assert.doesNotMatch(d.log(), /uncaught|unhandled/i);
    });
  },
);
