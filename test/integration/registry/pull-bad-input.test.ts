/**
 * Pull of bad input from a crafted registry: a corrupt layer, a truncated
 * blob, a manifest naming a missing blob, an oversized manifest, a registry
 * that hangs (before headers and mid-body), an invalid name. Each fails
 * with a clear message through the real Docker CLI, leaves nothing
 * half-pulled (no layer dirs, no tag, no content blobs, no ingests), and the
 * same pull succeeds once the registry answers honestly again.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { skipReason, TestDaemon } from "../harness.ts";
import { FakeRegistry, errorBody, type Hook } from "./fake-registry.ts";
import { dataLeftovers } from "./leftovers.ts";
import { layerTar, makeImage } from "./registry.ts";

const skip = skipReason();

/** Answers GETs of one path with `fn` (others get the honest answer). */
function on(
  path: string,
  fn: (res: Parameters<Hook>[1], honest: Buffer) => void,
): Hook {
  return (req, res, honest) => {
    if (!req.url?.endsWith(path) || req.method !== "GET" || !honest)
      return false;
    fn(res, honest.bytes);
    return true;
  };
}

test(
  "bad registry input fails clearly, leaves nothing half-pulled, and a retry succeeds once fixed",
  { skip },
  async () => {
    const reg = new FakeRegistry();
    const d = new TestDaemon();
    // compat-free knob: the registry idle timeout, seconds (default 60).
    process.env.WHARF_REGISTRY_TIMEOUT = "1";
    try {
      await reg.start();
      await d.start();
      // One big incompressible layer (so cuts land mid-stream) and one small.
      const img = makeImage([
        layerTar("big.bin", randomBytes(2 * 1024 * 1024)),
        layerTar("small.txt", Buffer.from("small\n")),
      ]);
      reg.serve("team/app", "1", img);
      const [, big] = [...img.blobs.keys()];
      const name = `${reg.host}/team/app:1`;
      const half = (b: Buffer): Buffer => b.subarray(0, b.length >> 1);
      const cases: Array<{ what: string; hook: Hook; error: RegExp }> = [
        {
          what: "a layer whose bytes do not match its digest",
          hook: on(`/blobs/${big}`, (res, b) => {
            const bad = Buffer.from(b);
            bad[bad.length >> 1]! ^= 0xff;
            res.writeHead(200, { "content-length": bad.length }).end(bad);
          }),
          error: new RegExp(
            `filesystem layer verification failed for digest ${big}`,
          ),
        },
        {
          what: "a truncated blob",
          hook: on(`/blobs/${big}`, (res, b) => {
            res.writeHead(200, { "content-length": b.length });
            res.write(half(b), () => res.socket?.destroy());
          }),
          error: /unexpected EOF/,
        },
        {
          what: "a manifest naming a missing blob",
          hook: on(`/blobs/${big}`, (res) => {
            res
              .writeHead(404, { "content-type": "application/json" })
              .end(errorBody("BLOB_UNKNOWN", "blob unknown to registry"));
          }),
          error: /blob unknown: blob unknown to registry/,
        },
        {
          what: "an oversized manifest",
          hook: on("/manifests/1", (res) => {
            const doc = Buffer.from(
              JSON.stringify({
                schemaVersion: 2,
                padding: "x".repeat(5 * 1024 * 1024),
              }),
            );
            res
              .writeHead(200, {
                "content-type":
                  "application/vnd.docker.distribution.manifest.v2+json",
              })
              .end(doc);
          }),
          error: /manifest too large: over the limit of 4194304 bytes/,
        },
        {
          what: "a registry that hangs before answering",
          hook: on(`/blobs/${big}`, () => undefined),
          error: /Client\.Timeout exceeded while awaiting headers/,
        },
        {
          what: "a registry that hangs mid-body",
          hook: on(`/blobs/${big}`, (res, b) => {
            res.writeHead(200, { "content-length": b.length });
            res.write(half(b));
          }),
          error: /Client\.Timeout exceeded while reading body/,
        },
      ];
      assert.deepEqual(await dataLeftovers(d), []);
      for (const c of cases) {
        reg.hook = c.hook;
        const r = await d.docker(["pull", name]);
        assert.notEqual(r.code, 0, `${c.what}: pull succeeded`);
        assert.match(r.stderr, c.error, c.what);
        assert.deepEqual(await dataLeftovers(d), [], `${c.what}: leftovers`);
        assert.equal(await d.ok(["images", "-qa"]), "", c.what);
        reg.hook = undefined;
        await d.ok(["pull", name]);
        assert.equal(
          (await d.ok(["image", "inspect", "-f", "{{.Id}}", name])).trim(),
          img.id,
          c.what,
        );
        await d.ok(["rmi", name]);
        assert.deepEqual(await dataLeftovers(d), [], `${c.what}: after rmi`);
      }
      // An invalid name: the CLI checks it itself, so ask the API directly.
      const before = reg.requests.length;
      const bad = await d.curl([
        `/images/create?fromImage=${reg.host}/Team/App&tag=1`,
        "-X",
        "POST",
        "-w",
        "\n%{http_code}",
      ]);
      assert.match(
        bad.stdout,
        /invalid reference format: repository name \(Team\/App\) must be lowercase"\}\n+400$/,
      );
      assert.equal(reg.requests.length, before, "no request for a bad name");
      assert.deepEqual(await dataLeftovers(d), []);
    } finally {
      delete process.env.WHARF_REGISTRY_TIMEOUT;
      await d.stop();
      await reg.stop();
    }
  },
);
