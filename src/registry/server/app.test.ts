import { test } from "node:test";
import assert from "node:assert/strict";
import { sha256Digest } from "../../oci/digest.ts";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilesystemDriver } from "./storage/filesystem.ts";
import {
  OCI_MANIFEST_HEADERS,
  ociManifestJson,
  testRegistry,
} from "./test-server.ts";

type Reg = Awaited<ReturnType<typeof testRegistry>>;

async function withRegistry(fn: (r: Reg) => Promise<void>): Promise<void> {
  const r = await testRegistry();
  try {
    await fn(r);
  } finally {
    await r.close();
  }
}

async function errorCode(res: Response): Promise<string | undefined> {
  const body = (await res.json()) as { errors?: Array<{ code: string }> };
  return body.errors?.[0]?.code;
}

async function pushBlob(r: Reg, name: string, data: string): Promise<string> {
  const digest = sha256Digest(data);
  const res = await fetch(
    `${r.url}/v2/${name}/blobs/uploads/?digest=${digest}`,
    {
      method: "POST",
      body: data,
    },
  );
  assert.equal(res.status, 201);
  return digest;
}

function manifest(
  config: string,
  layers: string[],
  extra: object = {},
): string {
  return ociManifestJson(
    { digest: config, size: 2 },
    layers.map((digest) => ({ digest, size: 1 })),
    extra,
  );
}

const ociManifest = OCI_MANIFEST_HEADERS;

void test("a monolithic upload whose bytes do not match the digest gets 400 DIGEST_INVALID and leaves no blob", () =>
  withRegistry(async (r) => {
    const res = await fetch(
      `${r.url}/v2/a/blobs/uploads/?digest=${sha256Digest("other")}`,
      {
        method: "POST",
        body: "data",
      },
    );
    assert.equal(res.status, 400);
    assert.equal(await errorCode(res), "DIGEST_INVALID");
    const head = await fetch(`${r.url}/v2/a/blobs/${sha256Digest("other")}`, {
      method: "HEAD",
    });
    assert.equal(head.status, 404);
    assert.deepEqual(
      await r.driver.list("/docker/registry/v2/blobs/sha256"),
      [],
    );
    assert.deepEqual(
      await r.driver.list("/docker/registry/v2/repositories/a/_uploads"),
      [],
    );
  }));

void test("chunked upload: PATCH with Content-Range, 416 out of order, status 204 with Range, PUT finishes", () =>
  withRegistry(async (r) => {
    const start = await fetch(`${r.url}/v2/a/blobs/uploads/`, {
      method: "POST",
    });
    assert.equal(start.status, 202);
    const loc = start.headers.get("location") ?? "";
    assert.match(loc, /^\/v2\/a\/blobs\/uploads\/[0-9a-f-]{36}$/);
    const p1 = await fetch(`${r.url}${loc}`, {
      method: "PATCH",
      body: "hello ",
      headers: {
        "content-range": "0-5",
        "content-type": "application/octet-stream",
      },
    });
    assert.equal(p1.status, 202);
    assert.equal(p1.headers.get("range"), "0-5");
    const bad = await fetch(`${r.url}${loc}`, {
      method: "PATCH",
      body: "xx",
      headers: { "content-range": "10-11" },
    });
    assert.equal(bad.status, 416);
    assert.equal(await errorCode(bad), "BLOB_UPLOAD_INVALID");
    const status = await fetch(`${r.url}${loc}`);
    assert.equal(status.status, 204);
    assert.equal(status.headers.get("range"), "0-5");
    const done = await fetch(
      `${r.url}${loc}?digest=${sha256Digest("hello world")}`,
      {
        method: "PUT",
        body: "world",
        headers: { "content-range": "6-10" },
      },
    );
    assert.equal(done.status, 201);
    const get = await fetch(
      `${r.url}/v2/a/blobs/${sha256Digest("hello world")}`,
      {
        headers: { range: "bytes=6-" },
      },
    );
    assert.equal(get.status, 206);
    assert.equal(await get.text(), "world");
    assert.equal(get.headers.get("content-range"), "bytes 6-10/11");
  }));

void test("a PATCH to an unknown upload gets 404 BLOB_UPLOAD_UNKNOWN", () =>
  withRegistry(async (r) => {
    const res = await fetch(
      `${r.url}/v2/a/blobs/uploads/8f1f0d4c-7a3e-4c54-9c35-4e8b0f7f3a11`,
      {
        method: "PATCH",
        body: "x",
      },
    );
    assert.equal(res.status, 404);
    assert.equal(await errorCode(res), "BLOB_UPLOAD_UNKNOWN");
  }));

void test("a truncated upload (fewer bytes than Content-Range says) is refused and can be resumed", () =>
  withRegistry(async (r) => {
    const start = await fetch(`${r.url}/v2/a/blobs/uploads/`, {
      method: "POST",
    });
    const loc = start.headers.get("location") ?? "";
    const bad = await fetch(`${r.url}${loc}`, {
      method: "PATCH",
      body: "abc",
      headers: { "content-range": "0-9" },
    });
    assert.equal(bad.status, 416);
    const ok = await fetch(`${r.url}${loc}?digest=${sha256Digest("abc")}`, {
      method: "PUT",
      body: "abc",
    });
    assert.equal(ok.status, 201);
  }));

void test("two concurrent uploads of the same blob both succeed", () =>
  withRegistry(async (r) => {
    const [a, b] = await Promise.all([
      pushBlob(r, "x", "same"),
      pushBlob(r, "y", "same"),
    ]);
    assert.equal(a, b);
    for (const n of ["x", "y"])
      assert.equal((await fetch(`${r.url}/v2/${n}/blobs/${a}`)).status, 200);
  }));

void test("repository names with uppercase or .. get 400 NAME_INVALID", () =>
  withRegistry(async (r) => {
    for (const name of ["Upper/case", "a/../b", "a/..b"]) {
      const res = await fetch(`${r.url}/v2/${name}/tags/list`);
      assert.equal(res.status, name === "a/../b" ? 404 : 400, name);
      if (res.status === 400)
        assert.equal(await errorCode(res), "NAME_INVALID");
    }
  }));

void test("a manifest naming missing blobs gets 400 MANIFEST_BLOB_UNKNOWN; an oversized one 413", () =>
  withRegistry(async (r) => {
    const cfg = await pushBlob(r, "m", "{}");
    const res = await fetch(`${r.url}/v2/m/manifests/v1`, {
      method: "PUT",
      headers: ociManifest,
      body: manifest(cfg, [sha256Digest("missing")]),
    });
    assert.equal(res.status, 400);
    assert.equal(await errorCode(res), "MANIFEST_BLOB_UNKNOWN");
    const big = await fetch(`${r.url}/v2/m/manifests/v1`, {
      method: "PUT",
      headers: ociManifest,
      body: manifest(cfg, [], { annotations: { pad: "x".repeat(5 << 20) } }),
    });
    assert.equal(big.status, 413);
    assert.equal(await errorCode(big), "MANIFEST_INVALID");
  }));

void test("manifests by tag and digest, tags paging with Link, referrers with artifactType filter, deletes", () =>
  withRegistry(async (r) => {
    const cfg = await pushBlob(r, "p/q", "{}");
    const layer = await pushBlob(r, "p/q", "L");
    const body = manifest(cfg, [layer]);
    for (const tag of ["a", "b", "c"]) {
      const put = await fetch(`${r.url}/v2/p/q/manifests/${tag}`, {
        method: "PUT",
        headers: ociManifest,
        body,
      });
      assert.equal(put.status, 201);
    }
    const digest = sha256Digest(body);
    const get = await fetch(`${r.url}/v2/p/q/manifests/${digest}`);
    assert.equal(get.headers.get("content-type"), ociManifest["content-type"]);
    assert.equal(get.headers.get("docker-content-digest"), digest);
    const page = await fetch(`${r.url}/v2/p/q/tags/list?n=2`);
    assert.deepEqual(await page.json(), { name: "p/q", tags: ["a", "b"] });
    assert.equal(
      page.headers.get("link"),
      '</v2/p/q/tags/list?n=2&last=b>; rel="next"',
    );
    const rest = await fetch(`${r.url}/v2/p/q/tags/list?n=2&last=b`);
    assert.deepEqual(await rest.json(), { name: "p/q", tags: ["c"] });
    assert.equal(rest.headers.get("link"), null);

    const sig = manifest(cfg, [layer], {
      artifactType: "application/example.sig",
      subject: {
        mediaType: ociManifest["content-type"],
        digest,
        size: body.length,
      },
    });
    const put = await fetch(`${r.url}/v2/p/q/manifests/${sha256Digest(sig)}`, {
      method: "PUT",
      headers: ociManifest,
      body: sig,
    });
    assert.equal(put.headers.get("oci-subject"), digest);
    const refs = await fetch(
      `${r.url}/v2/p/q/referrers/${digest}?artifactType=application/example.sig`,
    );
    assert.equal(refs.headers.get("oci-filters-applied"), "artifactType");
    const index = (await refs.json()) as {
      manifests: Array<{ digest: string; artifactType: string }>;
    };
    assert.deepEqual(
      index.manifests.map((m) => [m.digest, m.artifactType]),
      [[sha256Digest(sig), "application/example.sig"]],
    );
    const none = await fetch(
      `${r.url}/v2/p/q/referrers/${digest}?artifactType=other`,
    );
    assert.deepEqual(
      ((await none.json()) as { manifests: unknown[] }).manifests,
      [],
    );

    assert.equal(
      (await fetch(`${r.url}/v2/p/q/manifests/a`, { method: "DELETE" })).status,
      202,
    );
    assert.equal((await fetch(`${r.url}/v2/p/q/manifests/a`)).status, 404);
    assert.equal(
      (await fetch(`${r.url}/v2/p/q/manifests/${digest}`, { method: "DELETE" }))
        .status,
      202,
    );
    const tags = await fetch(`${r.url}/v2/p/q/tags/list`);
    assert.deepEqual(await tags.json(), { name: "p/q", tags: [] });
  }));

void test("cross-repository mount: 201 when the source has the blob, a 202 upload when it does not", () =>
  withRegistry(async (r) => {
    const d = await pushBlob(r, "src", "blob");
    const ok = await fetch(
      `${r.url}/v2/dst/blobs/uploads/?mount=${d}&from=src`,
      { method: "POST" },
    );
    assert.equal(ok.status, 201);
    assert.equal(ok.headers.get("location"), `/v2/dst/blobs/${d}`);
    const miss = await fetch(
      `${r.url}/v2/dst2/blobs/uploads/?mount=${sha256Digest("nope")}&from=src`,
      { method: "POST" },
    );
    assert.equal(miss.status, 202);
    assert.match(
      miss.headers.get("location") ?? "",
      /^\/v2\/dst2\/blobs\/uploads\//,
    );
  }));

void test("_catalog pages with n and last; /health and /metrics answer outside /v2", () =>
  withRegistry(async (r) => {
    for (const n of ["c", "a", "b/x"]) await pushBlob(r, n, "z");
    const cfg = sha256Digest("z");
    for (const n of ["c", "a", "b/x"]) {
      const put = await fetch(`${r.url}/v2/${n}/manifests/t`, {
        method: "PUT",
        headers: ociManifest,
        body: manifest(cfg, []),
      });
      assert.equal(put.status, 201);
    }
    const page = await fetch(`${r.url}/v2/_catalog?n=2`);
    assert.deepEqual(await page.json(), { repositories: ["a", "b/x"] });
    assert.equal(
      page.headers.get("link"),
      '</v2/_catalog?n=2&last=b%2Fx>; rel="next"',
    );
    assert.equal((await fetch(`${r.url}/health`)).status, 200);
    const metrics = await (await fetch(`${r.url}/metrics`)).text();
    assert.match(
      metrics,
      /registry_http_requests_total\{route="manifest",method="PUT",status="201"\} 3/,
    );
    assert.match(metrics, /registry_uploads_in_progress 0/);
  }));

void test("a client that hangs up mid-download leaves the server serving (regression: unhandled write rejection)", async () => {
  const root = await mkdtemp(join(tmpdir(), "wharf-registry-app-"));
  const r = await testRegistry({ driver: new FilesystemDriver(root) });
  try {
    const big = "x".repeat(8 << 20);
    const digest = await pushBlob(r, "big", big);
    const ac = new AbortController();
    const res = await fetch(`${r.url}/v2/big/blobs/${digest}`, {
      signal: ac.signal,
    });
    const reader = res.body?.getReader();
    await reader?.read();
    ac.abort();
    await new Promise((ok) => setTimeout(ok, 100));
    const again = await fetch(`${r.url}/v2/big/blobs/${digest}`);
    assert.equal((await again.text()).length, big.length);
  } finally {
    await r.close();
    await rm(root, { recursive: true, force: true });
  }
});

void test("read-only mode answers writes with 405 UNSUPPORTED and still serves reads; deletes can be switched off", async () => {
  const r = await testRegistry({ config: { readOnly: true } });
  try {
    const post = await fetch(`${r.url}/v2/ro/blobs/uploads/`, {
      method: "POST",
    });
    assert.equal(post.status, 405);
    assert.equal(await errorCode(post), "UNSUPPORTED");
    assert.equal(
      (await fetch(`${r.url}/v2/ro/blobs/${sha256Digest("x")}`)).status,
      404,
    );
  } finally {
    await r.close();
  }
  const n = await testRegistry({ config: { deleteEnabled: false } });
  try {
    const del = await fetch(`${n.url}/v2/x/manifests/latest`, {
      method: "DELETE",
    });
    assert.equal(del.status, 405);
    assert.equal(await errorCode(del), "UNSUPPORTED");
  } finally {
    await n.close();
  }
});
