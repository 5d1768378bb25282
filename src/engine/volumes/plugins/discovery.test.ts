import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { NotFoundError } from "../../../util/errors.ts";
import { PluginDiscovery, parseAddress } from "./discovery.ts";

test("find() locates .sock, .spec and .json plugins and never leaves its dirs", async () => {
  const root = mkdtempSync("/tmp/wharf-plugdisc-");
  const server = createServer();
  try {
    const dir = join(root, "plugins");
    mkdirSync(join(dir, "sub"), { recursive: true });
    await new Promise<void>((ok) =>
      server.listen(join(dir, "sub/sub.sock"), ok),
    );
    writeFileSync(join(dir, "s.spec"), "unix:///run/s.sock\n");
    writeFileSync(
      join(dir, "j.json"),
      JSON.stringify({ Name: "j", Addr: "tcp://127.0.0.1:8080" }),
    );
    writeFileSync(join(root, "evil.spec"), "unix:///tmp/evil.sock\n");
    const d = new PluginDiscovery([dir]);
    assert.deepEqual(await d.find("sub"), {
      kind: "unix",
      path: join(dir, "sub/sub.sock"),
    });
    assert.deepEqual(await d.find("s"), { kind: "unix", path: "/run/s.sock" });
    assert.deepEqual(await d.find("j"), {
      kind: "tcp",
      host: "127.0.0.1",
      port: 8080,
    });
    assert.equal(await d.find("none"), undefined);
    await assert.rejects(d.find("../evil"), NotFoundError);
  } finally {
    server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test("parseAddress() accepts unix and tcp URLs only", () => {
  assert.deepEqual(parseAddress("unix:///a.sock", "f"), {
    kind: "unix",
    path: "/a.sock",
  });
  assert.throws(() => parseAddress("ftp://x", "f"), /unsupported address/);
});
