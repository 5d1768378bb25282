/**
 * Token auth (distribution's docs/spec/auth/token.md): docker-registry 2.8
 * with `auth.token` trusts a self-signed certificate (rootcertbundle); a
 * small token server in the test signs RS256 JWTs with its key (x5c
 * header). Through the real Docker CLI: push refused before login, a wrong
 * password refused with Docker's words, push and pull through the
 * WWW-Authenticate challenge after login with the scope
 * `repository:<name>:pull,push`, refused again after logout.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { randomUUID, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { skipReason } from "../harness.ts";
import { registryWithBusybox } from "./fixture.ts";
import { registrySkip, TestRegistry } from "./registry.ts";

const skip =
  skipReason() ??
  registrySkip() ??
  (spawnSync("openssl", ["version"]).status === 0
    ? undefined
    : "needs openssl (apt-get install openssl)");

const b64url = (b: Buffer | string): string =>
  Buffer.from(b).toString("base64url");

/** A token server granting alice:s3cret everything asked for; anonymous gets nothing. */
function tokenServer(key: string, certDer: Buffer, scopes: string[]): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const auth = req.headers.authorization;
    let user = "";
    if (auth?.startsWith("Basic ")) {
      const [u, p] = Buffer.from(auth.slice(6), "base64").toString().split(":");
      if (u !== "alice" || p !== "s3cret") {
        res
          .writeHead(401, { "content-type": "application/json" })
          .end('{"details":"incorrect username or password"}');
        return;
      }
      user = u;
    }
    const wanted = url.searchParams.getAll("scope");
    scopes.push(...wanted);
    const access = user
      ? wanted.map((s) => {
          const [type, name, actions] = s.split(":");
          return { type, name, actions: (actions ?? "").split(",") };
        })
      : [];
    const now = Math.floor(Date.now() / 1000);
    const head = b64url(
      JSON.stringify({
        alg: "RS256",
        typ: "JWT",
        x5c: [certDer.toString("base64")],
      }),
    );
    const claims = b64url(
      JSON.stringify({
        iss: "wharf-test-issuer",
        sub: user,
        aud: url.searchParams.get("service"),
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomUUID(),
        access,
      }),
    );
    const sig = sign("sha256", Buffer.from(`${head}.${claims}`), key);
    const token = `${head}.${claims}.${b64url(sig)}`;
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
  });
}

test(
  "token-auth registry: push and pull through the challenge after login, wrong password and anonymous refused",
  { skip },
  async (t) => {
    const holder = new TestRegistry();
    t.after(() => holder.stop());
    const keyFile = join(holder.dir, "token.key");
    const certFile = join(holder.dir, "token.crt");
    execFileSync("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "1",
      "-subj",
      "/CN=wharf-test-token",
    ]);
    const certDer = Buffer.from(
      readFileSync(certFile, "utf8").replace(/-----[^-]+-----|\s/g, ""),
      "base64",
    );
    const scopes: string[] = [];
    const tokens = tokenServer(readFileSync(keyFile, "utf8"), certDer, scopes);
    await new Promise<void>((ok) => tokens.listen(0, "127.0.0.1", ok));
    t.after(() => new Promise((ok) => tokens.close(ok)));
    const realm = `http://127.0.0.1:${(tokens.address() as { port: number }).port}/token`;
    const { reg, d, name } = await registryWithBusybox(t, "private/bb:1", {
      extra: `auth:\n  token:\n    realm: ${realm}\n    service: wharf-test-registry\n    issuer: wharf-test-issuer\n    rootcertbundle: ${certFile}\n`,
    });
    const id = (await d.ok(["image", "inspect", "-f", "{{.Id}}", name])).trim();

    const anonymous = await d.docker(["push", name]);
    assert.notEqual(anonymous.code, 0);
    assert.match(anonymous.stderr, /unauthorized: authentication required/);

    const wrong = await d.docker(
      ["login", "-u", "alice", "--password-stdin", reg.host],
      { input: "nope\n" },
    );
    assert.notEqual(wrong.code, 0);
    assert.match(
      wrong.stderr,
      new RegExp(
        `Get "https?://${reg.host.replace(/\./g, "\\.")}/v2/": unauthorized: incorrect username or password`,
      ),
    );
    assert.match(
      await d.ok(["login", "-u", "alice", "--password-stdin", reg.host], {
        input: "s3cret\n",
      }),
      /Login Succeeded/,
    );
    scopes.length = 0;
    assert.match(await d.ok(["push", name]), /Pushed/);
    assert.ok(
      scopes.includes("repository:private/bb:pull,push"),
      `push asked for ${JSON.stringify(scopes)}`,
    );
    await d.ok(["rmi", name]);
    await d.ok(["rmi", "busybox"]);
    scopes.length = 0;
    assert.match(await d.ok(["pull", name]), /Downloaded newer image/);
    assert.ok(
      scopes.includes("repository:private/bb:pull"),
      JSON.stringify(scopes),
    );
    assert.equal(
      (await d.ok(["image", "inspect", "-f", "{{.Id}}", name])).trim(),
      id,
    );
    await d.ok(["logout", reg.host]);
    await d.ok(["rmi", name]);
    const after = await d.docker(["pull", name]);
    assert.notEqual(after.code, 0);
    assert.match(after.stderr, /unauthorized: authentication required/);
  },
);
