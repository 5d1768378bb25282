import { test } from "node:test";
import assert from "node:assert/strict";
import { NotFoundError } from "../../../util/errors.ts";
import type { StorageDriver } from "./driver.ts";

/**
 * The StorageDriver conformance suite: every implementation's test calls
 * this with a factory that returns a fresh, empty driver and a cleanup.
 */
export function driverTestSuite(
  kind: string,
  factory: () => Promise<{
    driver: StorageDriver;
    cleanup: () => Promise<void>;
  }>,
): void {
  const withDriver =
    (fn: (d: StorageDriver) => Promise<void>) => async (): Promise<void> => {
      const { driver, cleanup } = await factory();
      try {
        await fn(driver);
      } finally {
        await cleanup();
      }
    };

  void test(
    `${kind}: putContent then getContent returns the bytes`,
    withDriver(async (d) => {
      await d.putContent("/a/b/c", "hello");
      assert.equal((await d.getContent("/a/b/c")).toString(), "hello");
      await d.putContent("/a/b/c", "again");
      assert.equal((await d.getContent("/a/b/c")).toString(), "again");
    }),
  );

  void test(
    `${kind}: reading a missing path throws NotFoundError`,
    withDriver(async (d) => {
      await assert.rejects(d.getContent("/nope"), NotFoundError);
      await assert.rejects(d.reader("/nope"), NotFoundError);
      await assert.rejects(d.move("/nope", "/x"), NotFoundError);
      assert.equal(await d.stat("/nope"), undefined);
    }),
  );

  void test(
    `${kind}: stat reports files and implied directories`,
    withDriver(async (d) => {
      await d.putContent("/dir/sub/file", "12345");
      assert.deepEqual(
        { ...(await d.stat("/dir/sub/file")), modTime: 0 },
        { size: 5, isDir: false, modTime: 0 },
      );
      assert.equal((await d.stat("/dir"))?.isDir, true);
    }),
  );

  void test(
    `${kind}: list returns sorted direct children only`,
    withDriver(async (d) => {
      await d.putContent("/r/b/x", "1");
      await d.putContent("/r/a", "2");
      await d.putContent("/r/c/d/e", "3");
      assert.deepEqual(await d.list("/r"), ["a", "b", "c"]);
      assert.deepEqual(await d.list("/missing"), []);
    }),
  );

  void test(
    `${kind}: reader honours inclusive byte ranges`,
    withDriver(async (d) => {
      await d.putContent("/f", "0123456789");
      const read = async (range?: { start?: number; end?: number }) => {
        const chunks: Buffer[] = [];
        for await (const c of await d.reader("/f", range))
          chunks.push(c as Buffer);
        return Buffer.concat(chunks).toString();
      };
      assert.equal(await read(), "0123456789");
      assert.equal(await read({ start: 2, end: 4 }), "234");
      assert.equal(await read({ start: 7 }), "789");
    }),
  );

  void test(
    `${kind}: open reads positioned ranges and 0 at the end`,
    withDriver(async (d) => {
      await d.putContent("/f", "0123456789");
      const f = await d.open("/f");
      const buf = Buffer.alloc(4);
      assert.equal(await f.read(buf, 4, 3), 4);
      assert.equal(buf.toString(), "3456");
      assert.equal(await f.read(buf, 4, 8), 2);
      assert.equal(buf.subarray(0, 2).toString(), "89");
      assert.equal(await f.read(buf, 4, 10), 0);
      await f.close();
      await f.close();
      await assert.rejects(d.open("/nope"), NotFoundError);
    }),
  );

  void test(
    `${kind}: writer appends across reopenings and reports its size`,
    withDriver(async (d) => {
      const w1 = await d.writer("/up/data");
      await w1.write(Buffer.from("abc"));
      await w1.commit();
      await w1.close();
      const w2 = await d.writer("/up/data");
      assert.equal(w2.size, 3);
      await w2.write(Buffer.from("de"));
      assert.equal(w2.size, 5);
      await w2.close();
      await assert.rejects(w2.write(Buffer.from("x")));
      assert.equal((await d.getContent("/up/data")).toString(), "abcde");
    }),
  );

  void test(
    `${kind}: move replaces the destination and removes the source`,
    withDriver(async (d) => {
      await d.putContent("/src", "new");
      await d.putContent("/dst/data", "old");
      await d.move("/src", "/dst/data");
      assert.equal((await d.getContent("/dst/data")).toString(), "new");
      assert.equal(await d.stat("/src"), undefined);
    }),
  );

  void test(
    `${kind}: remove deletes trees and ignores missing paths`,
    withDriver(async (d) => {
      await d.putContent("/t/a/1", "1");
      await d.putContent("/t/b", "2");
      await d.putContent("/tt", "3");
      await d.remove("/t");
      await d.remove("/t");
      assert.equal(await d.stat("/t/a/1"), undefined);
      assert.equal((await d.getContent("/tt")).toString(), "3");
    }),
  );
}
