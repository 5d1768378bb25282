/**
 * kill -9 of wharfd in the middle of each transfer that adds layers: pull
 * (a loopback registry holds a layer mid-body), load and import (the CLI's
 * stdin is held mid-archive), and commit, load and pull again at the
 * test-only crash points of util/fault.ts (an applied extract-* snapshot, a
 * committed layer with no image, a config blob with no image record). The
 * next daemon on the same roots must show no partial image and no
 * temporaries (extract-*, ingests, scratch dirs, orphan layers or blobs),
 * and the same command must then complete.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  busyboxTar,
  dockerBin,
  skipReason,
  TestDaemon,
  wharfOnly,
} from "../harness.ts";
import { until } from "../lifecycle/util.ts";
import { FakeRegistry } from "../registry/fake-registry.ts";
import { dataLeftovers } from "../registry/leftovers.ts";
import { layerTar, makeImage } from "../registry/registry.ts";

describe(
  "kill -9 mid-transfer leaves no partial image and the next attempt completes",
  { skip: skipReason() ?? wharfOnly("kill -9 and fault points of wharfd") },
  () => {
    const d = new TestDaemon();
    const reg = new FakeRegistry();
    let saved: Buffer;
    before(async () => {
      await reg.start();
      await d.start();
      await d.importBusybox();
      await d.ok(["tag", "busybox", "saved:1"]);
      await d.ok(["save", "-o", join(d.dir, "saved.tar"), "saved:1"]);
      saved = readFileSync(join(d.dir, "saved.tar"));
      await d.ok(["rmi", "saved:1"]);
    });
    after(async () => {
      delete process.env.WHARF_TEST_FAULT;
      if (!alive()) await d.start();
      await d.stop();
      await reg.stop();
    });

    const alive = (): boolean => {
      try {
        const stat = readFileSync(`/proc/${d.pid ?? 0}/stat`, "utf8");
        return !/^\d+ \([^)]*\) Z/.test(stat);
      } catch {
        return false;
      }
    };

    /** Restarts wharfd armed at a fault point (or disarmed). */
    const restart = async (point?: string): Promise<void> => {
      await d.halt("SIGKILL");
      if (point) process.env.WHARF_TEST_FAULT = point;
      try {
        await d.start();
      } finally {
        delete process.env.WHARF_TEST_FAULT;
      }
    };

    /** Runs the CLI with `head` on stdin and holds stdin open; returns a closer. */
    const held = (args: string[], head: Buffer) => {
      const child = spawn(dockerBin, args, {
        env: d.env,
        stdio: ["pipe", "ignore", "ignore"],
      });
      child.stdin.on("error", () => undefined);
      child.stdin.write(head);
      const exited = new Promise((ok) => child.once("exit", ok));
      return async (): Promise<void> => {
        child.stdin.destroy();
        await exited;
      };
    };

    const extracting = (): string[] =>
      readdirSync(join(d.dir, "data/overlay")).filter((n) =>
        n.startsWith("extract-"),
      );
    const filesIn = (rel: string): number => {
      try {
        return readdirSync(join(d.dir, "data", rel)).length;
      } catch {
        return 0;
      }
    };
    const images = async (): Promise<string> =>
      (await d.ok(["images", "-qa", "--no-trunc"])).split("\n").sort().join();

    test("pull: killed while the registry holds a layer mid-body", async () => {
      const img = makeImage([
        layerTar("small.txt", Buffer.from("first\n")),
        layerTar("big.bin", randomBytes(4 * 1024 * 1024)),
      ]);
      reg.serve("crash/pull", "1", img);
      const big = [...img.blobs.keys()][2]!;
      reg.hook = (req, res, honest) => {
        if (!req.url?.endsWith(big) || !honest) return false;
        res.writeHead(200, { "content-length": honest.bytes.length });
        res.write(honest.bytes.subarray(0, honest.bytes.length >> 1));
        return true;
      };
      const before = await dataLeftovers(d);
      const imgs = await images();
      const name = `${reg.host}/crash/pull:1`;
      const pull = d.docker(["pull", name]);
      await until("the layer is half downloaded", async () =>
        reg.requests.some(
          (r) => r.endsWith(big) && filesIn("content/ingest") > 0,
        ),
      );
      await restart();
      await pull;
      assert.deepEqual(await dataLeftovers(d), before);
      assert.equal(await images(), imgs);
      reg.hook = undefined;
      await d.ok(["pull", name]);
      assert.equal(
        (await d.ok(["image", "inspect", "-f", "{{.Id}}", name])).trim(),
        img.id,
      );
      await d.ok(["rmi", name]);
      assert.deepEqual(await dataLeftovers(d), before);
    });

    for (const point of ["layer:applied", "layer:committed", "image:add"])
      test(`pull: a crash at ${point}`, async () => {
        const img = makeImage([layerTar("p.txt", Buffer.from(point))]);
        reg.serve("crash/fault", "1", img);
        const before = await dataLeftovers(d);
        const name = `${reg.host}/crash/fault:1`;
        await restart(point);
        await d.docker(["pull", name]);
        await until("wharfd died at the fault point", async () => !alive());
        await restart();
        assert.deepEqual(await dataLeftovers(d), before);
        await d.ok(["pull", name]);
        await d.ok(["rmi", name]);
        assert.deepEqual(await dataLeftovers(d), before);
      });

    test("load: killed while stdin holds the archive mid-way", async () => {
      const before = await dataLeftovers(d);
      const close = held(["load"], saved.subarray(0, saved.length >> 1));
      await until("the archive is half read", async () => filesIn("tmp") > 0);
      await restart();
      await close();
      assert.deepEqual(await dataLeftovers(d), before);
      assert.match(
        await d.ok(["load"], { input: saved }),
        /Loaded image: saved:1/,
      );
      await d.ok(["rmi", "saved:1"]);
      assert.deepEqual(await dataLeftovers(d), before);
    });

    for (const point of ["layer:applied", "image:add"])
      test(`load: a crash at ${point}`, async () => {
        await d.ok(["rmi", "busybox"]);
        const before = await dataLeftovers(d);
        await restart(point);
        await d.docker(["load"], { input: saved });
        await until("wharfd died at the fault point", async () => !alive());
        assert.ok(
          point !== "layer:applied" || extracting().length > 0,
          "an extract-* snapshot was left to sweep",
        );
        await restart();
        assert.deepEqual(await dataLeftovers(d), before);
        assert.equal(await d.ok(["images", "-qa"]), "");
        await d.ok(["load"], { input: saved });
        await d.ok(["tag", "saved:1", "busybox"]);
        await d.ok(["rmi", "saved:1"]);
      });

    test("import: killed while stdin holds the tar mid-way", async () => {
      const tar = readFileSync(busyboxTar());
      const before = await dataLeftovers(d);
      const imgs = await images();
      const close = held(
        ["import", "-", "imp:1"],
        tar.subarray(0, tar.length >> 1),
      );
      await until(
        "the layer is half applied",
        async () => extracting().length > 0,
      );
      await restart();
      await close();
      assert.deepEqual(await dataLeftovers(d), before);
      assert.equal(await images(), imgs);
      await d.ok(["import", busyboxTar(), "imp:1"]);
      await d.ok(["rmi", "imp:1"]);
    });

    for (const point of ["layer:applied", "layer:committed", "image:add"])
      test(`commit: a crash at ${point}`, async () => {
        await d.ok(["create", "--name", "cm", "busybox", "true"]);
        await d.ok(["cp", busyboxTar(), "cm:/added.tar"]);
        const before = await dataLeftovers(d);
        const imgs = await images();
        await restart(point);
        await d.docker(["commit", "cm", "cm:1"]);
        await until("wharfd died at the fault point", async () => !alive());
        await restart();
        assert.deepEqual(await dataLeftovers(d), before);
        assert.equal(await images(), imgs);
        await d.ok(["commit", "cm", "cm:1"]);
        await d.ok(["rm", "cm"]);
        await d.ok(["rmi", "cm:1"]);
      });
  },
);
