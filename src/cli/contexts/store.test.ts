import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { ContextStore } from "./store.ts";
import { contextName, resolveEndpoint } from "./endpoint.ts";
import { parseDockerSpec } from "../commands/contexts/create.ts";
import { parseHost } from "../../client/index.ts";

test("a context is stored under the sha256 of its name, as the Docker CLI does", () => {
  const dir = mkdtempSync(join(tmpdir(), "ctx-"));
  try {
    const store = new ContextStore(dir);
    store.create(
      {
        Name: "foo",
        Metadata: { Description: "d" },
        Endpoints: {
          docker: { Host: "tcp://127.0.0.1:2376", SkipTLSVerify: false },
        },
      },
      { ca: Buffer.from("CA") },
    );
    const meta = readFileSync(
      join(
        dir,
        "contexts/meta/2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae/meta.json",
      ),
      "utf8",
    );
    assert.equal(
      meta,
      '{"Name":"foo","Metadata":{"Description":"d"},"Endpoints":{"docker":{"Host":"tcp://127.0.0.1:2376","SkipTLSVerify":false}}}',
    );
    assert.deepEqual(store.tlsFiles("foo"), ["ca.pem"]);
    assert.throws(
      () => store.create({ Name: "foo", Metadata: {}, Endpoints: {} }, {}),
      /context "foo" already exists/,
    );
    assert.throws(
      () => store.create({ Name: "default", Metadata: {}, Endpoints: {} }, {}),
      /reserved context name/,
    );
    store.setCurrent("foo");
    const env = { DOCKER_CONFIG: dir };
    assert.equal(contextName({ hosts: [], tls: false }, env, store), "foo");
    assert.equal(
      contextName(
        { hosts: [], tls: false },
        { ...env, DOCKER_HOST: "unix:///x" },
        store,
      ),
      "default",
    );
    assert.equal(
      contextName(
        { hosts: [], tls: false },
        { ...env, DOCKER_CONTEXT: "bar" },
        store,
      ),
      "bar",
    );
    const e = resolveEndpoint({ hosts: [], tls: false }, env);
    assert.equal(e.host, "tcp://127.0.0.1:2376");
    assert.equal(e.tls?.verify, true);
    assert.equal(e.tls?.ca?.toString(), "CA");
    assert.throws(
      () =>
        contextName(
          { hosts: ["unix:///a"], context: "foo", tls: false },
          env,
          store,
        ),
      /conflicting options/,
    );
    store.setCurrent("default");
    assert.equal(store.current(), "");
    store.remove("foo");
    assert.deepEqual(store.list(), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--docker specs parse as the Docker CLI's and refuse unknown keys", () => {
  assert.deepEqual(
    parseDockerSpec("host=tcp://h:1,skip-tls-verify=true,ca=/c"),
    {
      endpoint: { Host: "tcp://h:1", SkipTLSVerify: true },
      files: { ca: "/c" },
    },
  );
  assert.throws(
    () => parseDockerSpec("hots=x"),
    /unrecognized config key: hots/,
  );
});

test("ssh:// hosts parse user, host and port; passwords and paths are refused", () => {
  assert.deepEqual(parseHost("ssh://me@box:2222"), {
    kind: "ssh",
    host: "box",
    user: "me",
    port: 2222,
    url: "ssh://me@box:2222",
  });
  assert.throws(
    () => parseHost("ssh://me:pw@box"),
    /plain-text password is not supported/,
  );
  assert.throws(() => parseHost("ssh://box/path"), /extra path/);
  assert.equal((parseHost("tcp://h", true) as { port: number }).port, 2376);
});
