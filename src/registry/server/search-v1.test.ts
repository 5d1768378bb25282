import { test } from "node:test";
import assert from "node:assert/strict";
import { sha256Digest } from "../../oci/digest.ts";
import { testRegistry } from "./test-server.ts";

/** Pushes a config-only image manifest so `name` is in the catalog. */
async function pushRepo(url: string, name: string): Promise<void> {
  const config = `{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}`;
  const digest = sha256Digest(config);
  const blob = await fetch(
    `${url}/v2/${name}/blobs/uploads/?digest=${digest}`,
    {
      method: "POST",
      body: config,
    },
  );
  assert.equal(blob.status, 201);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {
      mediaType: "application/vnd.oci.image.config.v1+json",
      digest,
      size: config.length,
    },
    layers: [],
  });
  const put = await fetch(`${url}/v2/${name}/manifests/1`, {
    method: "PUT",
    headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" },
    body: manifest,
  });
  assert.equal(put.status, 201);
}

test("GET /v1/search matches catalog names case-insensitively with Docker's result fields, paged by n", async () => {
  const r = await testRegistry();
  try {
    for (const n of ["team/busybox", "team/alpine", "other/busy"])
      await pushRepo(r.url, n);
    const ping = await fetch(`${r.url}/v1/_ping`);
    assert.equal(ping.status, 200);
    assert.equal(ping.headers.get("x-docker-registry-standalone"), "true");
    const res = await fetch(`${r.url}/v1/search?q=BUSY&n=1`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      num_results: 2,
      num_pages: 2,
      page: 1,
      page_size: 1,
      query: "BUSY",
      results: [
        {
          name: "other/busy",
          description: "",
          star_count: 0,
          is_official: false,
          is_automated: false,
        },
      ],
    });
    const all = (await (await fetch(`${r.url}/v1/search?q=`)).json()) as {
      results: { name: string }[];
    };
    assert.deepEqual(
      all.results.map((x) => x.name),
      ["other/busy", "team/alpine", "team/busybox"],
    );
    assert.equal((await fetch(`${r.url}/v1/search?q=a&n=0`)).status, 400);
    assert.equal((await fetch(`${r.url}/v1/search?q=a&n=101`)).status, 400);
    assert.equal((await fetch(`${r.url}/v1/other`)).status, 404);
  } finally {
    await r.close();
  }
});
