import { test } from "node:test";
import assert from "node:assert/strict";
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CredentialStore,
  hostnameOf,
  INDEX_SERVER,
  serverForImage,
} from "./credentials.ts";

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "wharf-creds-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("serverForImage() and hostnameOf() key registries as the Docker CLI does", () => {
  assert.equal(serverForImage("busybox"), INDEX_SERVER);
  assert.equal(serverForImage("team/app"), INDEX_SERVER);
  assert.equal(serverForImage("docker.io/library/bb"), INDEX_SERVER);
  assert.equal(serverForImage("127.0.0.1:5000/team/bb"), "127.0.0.1:5000");
  assert.equal(serverForImage("localhost/bb"), "localhost");
  assert.equal(hostnameOf("https://r.example:5000/v2/"), "r.example:5000");
});

test("store() writes base64 user:password under auths, keeping other keys, mode 0600; get() finds it by host name; erase() removes it", () =>
  withDir((dir) => {
    writeFileSync(
      join(dir, "config.json"),
      '{"currentContext":"x","auths":{"other":{"auth":"YTpi"}}}',
    );
    const store = new CredentialStore({ DOCKER_CONFIG: dir });
    store.store("r:5000", { username: "alice", password: "p:w" });
    const file = JSON.parse(readFileSync(store.file, "utf8")) as {
      currentContext: string;
      auths: Record<string, { auth: string }>;
    };
    assert.equal(file.currentContext, "x");
    assert.equal(
      Buffer.from(file.auths["r:5000"]!.auth, "base64").toString(),
      "alice:p:w",
    );
    assert.equal(statSync(store.file).mode & 0o777, 0o600);
    assert.ok(readFileSync(store.file, "utf8").includes('\n\t"auths"'));
    assert.deepEqual(store.get("https://r:5000/v1/"), {
      serveraddress: "https://r:5000/v1/",
      username: "alice",
      password: "p:w",
    });
    assert.equal(store.get("nope:1"), undefined);
    store.erase("r:5000");
    assert.equal(store.get("r:5000"), undefined);
    assert.ok(
      "other" in
        (JSON.parse(readFileSync(store.file, "utf8")) as { auths: object })
          .auths,
    );
  }));

test("credHelpers and credsStore name the helper; without a config file nothing is read or written", () =>
  withDir((dir) => {
    const store = new CredentialStore({ DOCKER_CONFIG: dir });
    assert.equal(store.get("r:5000"), undefined);
    store.erase("r:5000");
    assert.throws(() => statSync(store.file));
    writeFileSync(
      store.file,
      JSON.stringify({ credsStore: "all", credHelpers: { "r:5000": "one" } }),
    );
    assert.equal(store.helperFor("r:5000"), "one");
    assert.equal(store.helperFor("https://r:5000"), "one");
    assert.equal(store.helperFor("q:1"), "all");
    assert.equal(store.isPlainFile("q:1"), false);
  }));
