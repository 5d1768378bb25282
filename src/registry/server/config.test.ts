import { test } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "./config.ts";

void test("parseConfig reads distribution's keys and wharf's access and limits", () => {
  const c = parseConfig(`
version: 0.1
http:
  addr: 0.0.0.0:5000
  tls: { certificate: /c.pem, key: /k.pem }
storage:
  filesystem: { rootdirectory: /srv/reg }
  delete: { enabled: true }
  maintenance: { readonly: { enabled: true } }
auth:
  htpasswd: { realm: r, path: /etc/htpasswd }
access:
  - prefix: public/
    pull: [anonymous]
    push: [alice]
limits:
  manifestsize: 1024
  repositories:
    - { prefix: big/, manifestsize: 8192 }
`);
  assert.equal(c.addr, "0.0.0.0:5000");
  assert.deepEqual(c.tls, {
    selfSigned: false,
    certificate: "/c.pem",
    key: "/k.pem",
  });
  assert.equal(c.root, "/srv/reg");
  assert.equal(c.deleteEnabled, true);
  assert.equal(c.readOnly, true);
  assert.deepEqual(c.htpasswd, { realm: "r", path: "/etc/htpasswd" });
  assert.deepEqual(c.access, [
    { prefix: "public/", pull: ["anonymous"], push: ["alice"] },
  ]);
  assert.equal(c.manifestLimit, 1024);
  assert.deepEqual(c.repositoryLimits, [
    { prefix: "big/", manifestsize: 8192 },
  ]);
});

void test("parseConfig defaults: deletes disabled as in distribution, 4 MiB manifests; bad types name the key", () => {
  const c = parseConfig("");
  assert.equal(c.deleteEnabled, false);
  assert.equal(c.manifestLimit, 4 << 20);
  assert.throws(
    () => parseConfig("storage: { delete: { enabled: yes please } }"),
    /storage.delete.enabled must be true or false/,
  );
  assert.throws(
    () => parseConfig("http: { tls: { certificate: /c } }"),
    /needs both certificate and key/,
  );
  assert.throws(
    () => parseConfig("access: [{ pull: [x] }]"),
    /access\[0\].prefix is required/,
  );
});
