import { test } from "node:test";
import assert from "node:assert/strict";
import { sha256Digest } from "../../../oci/digest.ts";
import { testRegistry } from "../test-server.ts";
import { AccessRules } from "./access.ts";
import { BasicAuthenticator } from "./basic.ts";
import { Htpasswd, htpasswdLine } from "./htpasswd.ts";
import { signHs256 } from "./jwt.ts";
import { TokenAuthenticator } from "./token.ts";

const basic = (user: string, pw: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString("base64")}`,
});

void test("token auth: Bearer challenge, built-in /auth/token grants what the rules allow, DENIED without push rights, anonymous public pulls, forged tokens refused", async () => {
  const htpasswd = Htpasswd.parse(
    `${await htpasswdLine("alice", "a", 4)}\n${await htpasswdLine("bob", "b", 4)}\n`,
  );
  const rules = new AccessRules(
    [{ prefix: "public/", pull: ["anonymous"], push: ["alice"] }],
    true,
  );
  const token = new TokenAuthenticator(
    { service: "test-registry", issuer: "test-issuer", keys: {} },
    new BasicAuthenticator(htpasswd, "test"),
    rules,
  );
  const r = await testRegistry({
    app: { authenticator: token, tokenServer: token, rules },
  });
  try {
    const base = await fetch(`${r.url}/v2/`);
    assert.equal(base.status, 401);
    assert.equal(
      base.headers.get("www-authenticate"),
      `Bearer realm="${r.url}/auth/token",service="test-registry"`,
    );
    const getToken = async (
      scope: string,
      h: Record<string, string> = {},
    ): Promise<string> => {
      const res = await fetch(
        `${r.url}/auth/token?service=test-registry&scope=${encodeURIComponent(scope)}`,
        { headers: h },
      );
      assert.equal(res.status, 200);
      return ((await res.json()) as { token: string }).token;
    };
    const bearer = (t: string): Record<string, string> => ({
      authorization: `Bearer ${t}`,
    });
    assert.equal(
      (
        await fetch(`${r.url}/auth/token?scope=x`, {
          headers: basic("alice", "bad"),
        })
      ).status,
      401,
    );

    const data = "blob";
    const digest = sha256Digest(data);
    const url = `${r.url}/v2/public/app/blobs/uploads/?digest=${digest}`;
    const anon = await fetch(url, { method: "POST", body: data });
    assert.equal(anon.status, 401);
    assert.match(
      anon.headers.get("www-authenticate") ?? "",
      /scope="repository:public\/app:pull,push"/,
    );

    const bobToken = await getToken(
      "repository:public/app:pull,push",
      basic("bob", "b"),
    );
    const denied = await fetch(url, {
      method: "POST",
      body: data,
      headers: bearer(bobToken),
    });
    assert.equal(denied.status, 403);
    const aliceToken = await getToken(
      "repository:public/app:pull,push",
      basic("alice", "a"),
    );
    assert.equal(
      (
        await fetch(url, {
          method: "POST",
          body: data,
          headers: bearer(aliceToken),
        })
      ).status,
      201,
    );
    assert.equal(
      (await fetch(`${r.url}/v2/`, { headers: bearer(aliceToken) })).status,
      200,
    );

    const anonToken = await getToken("repository:public/app:pull");
    assert.equal(
      (
        await fetch(`${r.url}/v2/public/app/blobs/${digest}`, {
          headers: bearer(anonToken),
        })
      ).status,
      200,
    );
    // A pull token does not reach another repository: 401 insufficient_scope.
    const other = await fetch(`${r.url}/v2/public/other/blobs/${digest}`, {
      headers: bearer(aliceToken),
    });
    assert.equal(other.status, 401);
    assert.match(
      other.headers.get("www-authenticate") ?? "",
      /error="insufficient_scope"/,
    );

    const now = Math.floor(Date.now() / 1000);
    const forged = signHs256(
      {
        iss: "test-issuer",
        sub: "alice",
        aud: "test-registry",
        exp: now + 60,
        nbf: now,
        iat: now,
        jti: "x",
        access: [{ type: "repository", name: "public/app", actions: ["pull"] }],
      },
      Buffer.from("not the secret"),
    );
    assert.equal(
      (
        await fetch(`${r.url}/v2/public/app/blobs/${digest}`, {
          headers: bearer(forged),
        })
      ).status,
      401,
    );
  } finally {
    await r.close();
  }
});
