import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { skipReason } from "../harness.ts";
import { buildFixture } from "./fixture.ts";

describe(
  "build cache through the real Docker CLI: system df, builder prune, system prune",
  { skip: skipReason() },
  () => {
    const { d, root } = buildFixture({
      prefix: "/tmp/wharf-buildprune-it-",
      classic: true,
    });
    /** Builds a two-RUN Dockerfile (the second writes `bytes` bytes); returns its context. */
    const build = async (name: string, bytes: number): Promise<void> => {
      const dir = mkdtempSync(join(root, `${name}-`));
      writeFileSync(
        join(dir, "Dockerfile"),
        `FROM busybox\nRUN echo ${name} > /name\nRUN head -c ${bytes} /dev/zero > /blob\n`,
      );
      await d.ok(["build", "-q", "--network", "none", dir]);
    };
    type Row = { ID: string; Parents: string[] | null; Size: number };
    const cache = async (): Promise<Row[]> => {
      const r = await d.curl(["/system/df?type=build-cache"]);
      return (
        (JSON.parse(r.stdout) as { BuildCache: Row[] | null }).BuildCache ?? []
      );
    };
    const cacheIds = async (): Promise<string[]> =>
      (await cache()).map((r) => r.ID);

    test("system df lists each cached step with its layer size; builder prune --filter and --keep-storage narrow what goes", async () => {
      await build("one", 300_000);
      const df = await d.ok(["system", "df"]);
      assert.match(df, /^Build Cache\s+2\s+0\s+\S*[1-9]\S*B/m);
      assert.equal((await cacheIds()).length, 2);
      const bad = await d.docker([
        "builder",
        "prune",
        "-f",
        "--filter",
        "bogus=1",
      ]);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /Invalid filter 'bogus'/);
      const conflict = await d.docker([
        "builder",
        "prune",
        "-f",
        "--filter",
        "until=1h",
        "--filter",
        "unused-for=2h",
      ]);
      assert.match(
        conflict.stderr,
        /conflicting filters: "until" and "unused-for"/,
      );
      // until=24h: everything was made just now, so nothing is old enough.
      const young = await d.ok([
        "builder",
        "prune",
        "-f",
        "--filter",
        "until=24h",
      ]);
      assert.match(young, /Total reclaimed space: 0B/);
      assert.equal((await cacheIds()).length, 2);
      const budget = await d.ok([
        "builder",
        "prune",
        "-f",
        "--keep-storage",
        "400000",
      ]);
      assert.match(budget, /Total reclaimed space: 0B/, budget);
      // The blob step (the child) by its id: only it goes.
      const rows = await cache();
      const child = rows.find(
        (r) => r.Parents && rows.some((p) => p.ID === r.Parents![0]),
      )!;
      assert.ok(child.Size >= 300_000, JSON.stringify(rows));
      const one = await d.ok([
        "builder",
        "prune",
        "-f",
        "--filter",
        `id=${child.ID}`,
      ]);
      assert.match(one, new RegExp(child.ID));
      assert.deepEqual(
        await cacheIds(),
        rows.filter((r) => r !== child).map((r) => r.ID),
      );
      // A 1-byte budget: what is left goes.
      await d.ok(["builder", "prune", "-f", "--keep-storage", "1"]);
      assert.deepEqual(await cacheIds(), []);
    });

    test("system prune -f and builder prune -a -f empty the build cache", async () => {
      await build("two", 1000);
      assert.ok((await cacheIds()).length >= 2);
      const sys = await d.ok(["system", "prune", "-f"]);
      assert.match(sys, /Deleted build cache objects:/);
      assert.deepEqual(await cacheIds(), []);
      await build("three", 1000);
      await d.ok(["builder", "prune", "-a", "-f"]);
      assert.deepEqual(await cacheIds(), []);
      assert.match(await d.ok(["system", "df"]), /^Build Cache\s+0\s+0\s+0B/m);
    });
  },
);
