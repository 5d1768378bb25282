import { test } from "node:test";
import assert from "node:assert/strict";
import { sha256Digest } from "../../../oci/digest.ts";
import { AccessRules } from "../auth/access.ts";
import { BasicAuthenticator } from "../auth/basic.ts";
import { Htpasswd, htpasswdLine } from "../auth/htpasswd.ts";
import { TokenAuthenticator } from "../auth/token.ts";
import {
  OCI_MANIFEST_HEADERS,
  ociManifestJson,
  testRegistry,
} from "../test-server.ts";

const oci = OCI_MANIFEST_HEADERS;

void test("proxy mode: misses come from the token-authenticated upstream, are cached and still served when it is gone; pushes are refused", async () => {
  const htpasswd = Htpasswd.parse(`${await htpasswdLine("up", "pw", 4)}\n`);
  const rules = new AccessRules([], true);
  const token = new TokenAuthenticator(
    { service: "upstream", issuer: "upstream", keys: {} },
    new BasicAuthenticator(htpasswd, "up"),
    rules,
  );
  const upstream = await testRegistry({
    app: { authenticator: token, tokenServer: token, rules },
  });
  const auth = {
    authorization: `Basic ${Buffer.from("up:pw").toString("base64")}`,
  };
  const tok = async (): Promise<Record<string, string>> => {
    const res = await fetch(
      `${upstream.url}/auth/token?service=upstream&scope=repository:lib/app:pull,push`,
      { headers: auth },
    );
    return {
      authorization: `Bearer ${((await res.json()) as { token: string }).token}`,
    };
  };
  const bearer = await tok();
  const put = async (data: string): Promise<string> => {
    const d = sha256Digest(data);
    const res = await fetch(
      `${upstream.url}/v2/lib/app/blobs/uploads/?digest=${d}`,
      { method: "POST", body: data, headers: bearer },
    );
    assert.equal(res.status, 201);
    return d;
  };
  const cfg = await put("{}");
  const layer = await put("layer bytes");
  const manifest = ociManifestJson({ digest: cfg, size: 2 }, [
    { digest: layer, size: 11 },
  ]);
  const mput = await fetch(`${upstream.url}/v2/lib/app/manifests/v1`, {
    method: "PUT",
    body: manifest,
    headers: { ...bearer, ...oci },
  });
  assert.equal(mput.status, 201);

  const proxy = await testRegistry({
    config: {
      proxy: { remoteurl: upstream.url, username: "up", password: "pw" },
    },
  });
  try {
    const m = await fetch(`${proxy.url}/v2/lib/app/manifests/v1`);
    assert.equal(m.status, 200);
    assert.equal(
      m.headers.get("docker-content-digest"),
      sha256Digest(manifest),
    );
    assert.equal(
      await (await fetch(`${proxy.url}/v2/lib/app/blobs/${layer}`)).text(),
      "layer bytes",
    );
    assert.equal(
      (await fetch(`${proxy.url}/v2/lib/app/blobs/${sha256Digest("absent")}`))
        .status,
      404,
    );
    assert.equal(
      (
        await fetch(`${proxy.url}/v2/lib/app/blobs/uploads/`, {
          method: "POST",
        })
      ).status,
      405,
    );
    await upstream.close();
    assert.equal(
      (await fetch(`${proxy.url}/v2/lib/app/manifests/v1`)).status,
      200,
      "cached tag served without upstream",
    );
    assert.equal(
      await (await fetch(`${proxy.url}/v2/lib/app/blobs/${layer}`)).text(),
      "layer bytes",
    );
  } finally {
    await proxy.close();
    await upstream.close().catch(() => undefined);
  }
});
