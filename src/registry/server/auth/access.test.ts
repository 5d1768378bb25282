import { test } from "node:test";
import assert from "node:assert/strict";
import { sha256Digest } from "../../../oci/digest.ts";
import { testRegistry } from "../test-server.ts";
import { AccessRules } from "./access.ts";
import { BasicAuthenticator } from "./basic.ts";
import { Htpasswd, htpasswdLine } from "./htpasswd.ts";

const basic = (user: string, pw: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString("base64")}`,
});

void test("AccessRules: first matching prefix decides; anonymous and * principals; default by auth", () => {
  const rules = new AccessRules(
    [
      { prefix: "public/", pull: ["anonymous"], push: ["alice"] },
      { prefix: "team/", pull: ["*"], push: ["bob"] },
    ],
    true,
  );
  assert.equal(rules.allows(undefined, "public/x", "pull"), true);
  assert.equal(rules.allows(undefined, "public/x", "push"), false);
  assert.equal(rules.allows("bob", "public/x", "push"), false);
  assert.equal(rules.allows("alice", "public/x", "push"), true);
  assert.equal(rules.allows("carol", "team/x", "pull"), true);
  assert.equal(rules.allows(undefined, "team/x", "pull"), false);
  assert.equal(rules.allows("carol", "other", "delete"), true);
  assert.equal(rules.allows(undefined, "other", "pull"), false);
  assert.equal(new AccessRules([], false).allows(undefined, "x", "push"), true);
});

void test("htpasswd: lines from htpasswdLine verify; $2y$ hashes are accepted; non-bcrypt lines are refused", async () => {
  const line = await htpasswdLine("alice", "pw", 4);
  const h = Htpasswd.parse(`${line.replace("$2b$", "$2y$")}\n`);
  assert.equal(await h.verify("alice", "pw"), true);
  assert.equal(await h.verify("alice", "nope"), false);
  assert.equal(await h.verify("bob", "pw"), false);
  assert.throws(
    () => Htpasswd.parse("alice:{SHA}abc\n"),
    /not a user:bcrypt-hash entry/,
  );
});

void test("a user without push rights gets 403 DENIED and can still pull; anonymous pulls a public prefix; /v2/ asks for credentials", async () => {
  const htpasswd = Htpasswd.parse(
    `${await htpasswdLine("alice", "a", 4)}\n${await htpasswdLine("bob", "b", 4)}\n`,
  );
  const authenticator = new BasicAuthenticator(htpasswd, "test");
  const rules = new AccessRules(
    [{ prefix: "public/", pull: ["anonymous"], push: ["alice"] }],
    true,
  );
  const r = await testRegistry({ app: { authenticator, rules } });
  try {
    const data = "layer";
    const digest = sha256Digest(data);
    const push = (h: Record<string, string>) =>
      fetch(`${r.url}/v2/public/app/blobs/uploads/?digest=${digest}`, {
        method: "POST",
        body: data,
        headers: h,
      });
    const denied = await push(basic("bob", "b"));
    assert.equal(denied.status, 403);
    assert.equal(
      ((await denied.json()) as { errors: Array<{ code: string }> }).errors[0]
        ?.code,
      "DENIED",
    );
    const anonPush = await push({});
    assert.equal(anonPush.status, 401);
    assert.equal(
      anonPush.headers.get("www-authenticate"),
      'Basic realm="test"',
    );
    const wrong = await push(basic("alice", "wrong"));
    assert.equal(wrong.status, 401);
    assert.equal((await push(basic("alice", "a"))).status, 201);
    assert.equal(
      (
        await fetch(`${r.url}/v2/public/app/blobs/${digest}`, {
          headers: basic("bob", "b"),
        })
      ).status,
      200,
    );
    assert.equal(
      (await fetch(`${r.url}/v2/public/app/blobs/${digest}`)).status,
      200,
    );
    const base = await fetch(`${r.url}/v2/`);
    assert.equal(base.status, 401);
    assert.equal(
      (await fetch(`${r.url}/v2/`, { headers: basic("bob", "b") })).status,
      200,
    );
    assert.equal((await fetch(`${r.url}/v2/private/x/tags/list`)).status, 401);
  } finally {
    await r.close();
  }
});
