import { test } from "node:test";
import assert from "node:assert/strict";
import { sha256Digest } from "../../oci/digest.ts";
import { markAndSweep } from "./gc.ts";
import {
  OCI_MANIFEST_HEADERS,
  ociManifestJson,
  testRegistry,
} from "./test-server.ts";

const oci = OCI_MANIFEST_HEADERS;

void test("gc keeps tagged images, sweeps orphan blobs and uploads; --delete-untagged drops untagged manifests; dry run changes nothing", async () => {
  const r = await testRegistry();
  try {
    const put = async (data: string): Promise<string> => {
      const d = sha256Digest(data);
      const res = await fetch(`${r.url}/v2/g/blobs/uploads/?digest=${d}`, {
        method: "POST",
        body: data,
      });
      assert.equal(res.status, 201);
      return d;
    };
    const cfg = await put("{}");
    const l1 = await put("one");
    const l2 = await put("two");
    const orphan = await put("orphan");
    await fetch(`${r.url}/v2/g/blobs/uploads/`, { method: "POST" });
    const m = (l: string): string =>
      ociManifestJson({ digest: cfg, size: 2 }, [{ digest: l, size: 3 }]);
    assert.equal(
      (
        await fetch(`${r.url}/v2/g/manifests/v1`, {
          method: "PUT",
          headers: oci,
          body: m(l1),
        })
      ).status,
      201,
    );
    const untagged = m(l2);
    assert.equal(
      (
        await fetch(`${r.url}/v2/g/manifests/${sha256Digest(untagged)}`, {
          method: "PUT",
          headers: oci,
          body: untagged,
        })
      ).status,
      201,
    );

    const dry = await markAndSweep(r.driver, {
      dryRun: true,
      deleteUntagged: true,
    });
    assert.deepEqual(dry.manifests, [`g@${sha256Digest(untagged)}`]);
    assert.deepEqual(
      new Set(dry.blobs),
      new Set([orphan, l2, sha256Digest(untagged)]),
    );
    assert.equal(dry.uploads.length, 1);
    assert.equal(
      (await fetch(`${r.url}/v2/g/blobs/${orphan}`)).status,
      200,
      "a dry run deletes nothing",
    );

    const plain = await markAndSweep(r.driver, {
      dryRun: false,
      deleteUntagged: false,
    });
    assert.deepEqual(plain.blobs, [orphan]);
    assert.equal((await fetch(`${r.url}/v2/g/blobs/${orphan}`)).status, 404);
    assert.equal(
      (await fetch(`${r.url}/v2/g/manifests/${sha256Digest(untagged)}`)).status,
      200,
    );

    await markAndSweep(r.driver, { dryRun: false, deleteUntagged: true });
    assert.equal(
      (await fetch(`${r.url}/v2/g/manifests/${sha256Digest(untagged)}`)).status,
      404,
    );
    assert.equal((await fetch(`${r.url}/v2/g/manifests/v1`)).status, 200);
    assert.equal((await fetch(`${r.url}/v2/g/blobs/${l1}`)).status, 200);
    const after = await markAndSweep(r.driver, {
      dryRun: true,
      deleteUntagged: true,
    });
    assert.deepEqual(after, {
      blobs: [],
      manifests: [],
      uploads: [],
      dangling: [],
    });
  } finally {
    await r.close();
  }
});
