/**
 * `platform` on history, save, load and rmi through the real Docker CLI:
 * wharf keeps one platform per image, so a request for the image's own
 * platform works and any other is refused with dockerd 28's text (load
 * skips images of other platforms, as moby's tarexport).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { arch } from "node:os";
import { join, resolve } from "node:path";
import { execFile } from "../../../src/util/exec.ts";
import { skipReason, TestDaemon } from "../harness.ts";

const skip = skipReason();
const wharfBin = resolve(import.meta.dirname, "../../../dist/wharf.cjs");
const host = `linux/${arch() === "x64" ? "amd64" : arch()}`;
const other = host === "linux/arm64" ? "linux/amd64" : "linux/arm64";
const refused = (name: string) =>
  `Error response from daemon: image with reference ${name} was found but does not match the specified platform: wanted ${other}, actual: ${host}\n`;

test(
  "history, save, load and rmi --platform: the image's own platform works, another is refused (load: skipped)",
  { skip },
  async () => {
    const d = new TestDaemon();
    try {
      await d.start();
      await d.importBusybox();
      assert.match(
        await d.ok(["history", "--platform", host, "busybox"]),
        /^IMAGE/,
      );
      const h = await d.docker(["history", "--platform", other, "busybox"]);
      assert.equal(h.code, 1);
      assert.equal(h.stderr, refused("busybox"));

      const tar = join(d.dir, "bb.tar");
      const bad = join(d.dir, "bad.tar");
      const s = await d.docker([
        "save",
        "--platform",
        other,
        "-o",
        bad,
        "busybox",
      ]);
      assert.equal(s.code, 1);
      assert.equal(s.stderr, refused("busybox"));
      await d.ok(["save", "--platform", host, "-o", tar, "busybox"]);
      assert.ok(statSync(tar).size > 0);

      const r = await d.docker(["rmi", "--platform", other, "busybox"]);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, refused("busybox"));
      assert.match(
        await d.ok(["rmi", "--platform", host, "busybox"]),
        /Untagged: busybox:latest/,
      );

      const skipped = await d.ok(["load", "--platform", other, "-i", tar]);
      assert.equal(skipped, "");
      assert.equal(await d.ok(["images", "-q", "busybox"]), "");
      assert.equal(
        await d.ok(["load", "--platform", host, "-i", tar]),
        "Loaded image: busybox:latest\n",
      );
      // The wharf CLI sends the same platform JSON.
      const wharf = (args: string[]) =>
        execFile(process.execPath, [wharfBin, ...args], { env: d.env });
      const wh = await wharf(["history", "--platform", other, "busybox"]);
      assert.equal(wh.code, 1);
      assert.equal(wh.stderr, refused("busybox"));
      const wr = await wharf(["rmi", "--platform", other, "busybox"]);
      assert.equal(wr.code, 1);
      assert.equal(wr.stderr, refused("busybox"));
      const ws = await wharf([
        "save",
        "--platform",
        host,
        "-o",
        join(d.dir, "w.tar"),
        "busybox",
      ]);
      assert.equal(ws.code, 0, ws.stderr);
      const wl = await wharf([
        "load",
        "--platform",
        other,
        "-i",
        join(d.dir, "w.tar"),
      ]);
      assert.deepEqual([wl.code, wl.stdout], [0, ""]);
      const bogus = await d.curl([
        "/v1.50/images/busybox/history?platform=linux%2Farm64",
        "-w",
        "\n%{http_code}",
      ]);
      assert.match(
        bogus.stdout,
        /"failed to parse platform: invalid character 'l' looking for beginning of value"\}\n+400$/,
      );
    } finally {
      await d.stop();
    }
  },
);
