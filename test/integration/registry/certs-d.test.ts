/**
 * Registry TLS as dockerd handles it, through the real Docker CLI against
 * wharfd and registries in a test network namespace (off 127.0.0.0/8, so
 * not insecure by default): certs.d's ca.crt and client.cert/client.key are
 * read per request (no restart), and a plain-HTTP registry needs an
 * `insecure-registries` entry (host:port or CIDR, reloaded by SIGHUP).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestDaemon, dockerBin, skipReason } from "../harness.ts";
import { registrySkipReason } from "./harness.ts";
import { startNetnsRegistry, type NetnsRegistry } from "./netns-registry.ts";
import { registrySkip } from "./registry.ts";

function skip(): string | undefined {
  if (!existsSync(dockerBin)) return `the Docker CLI ${dockerBin} is missing`;
  if (spawnSync("openssl", ["version"]).status !== 0)
    return "needs openssl (apt-get install openssl)";
  return skipReason() ?? registrySkipReason();
}

/** A wharfd with busybox tagged as `<reg.host>/ops/bb:1`, stopped after the test. */
async function daemonFor(
  t: { after: (fn: () => Promise<void> | void) => void },
  reg: NetnsRegistry,
): Promise<{ d: TestDaemon; image: string; id: string }> {
  const d = new TestDaemon({
    prefix: "/tmp/wit-certsd-",
    wrap: ["env", `WHARF_CERTS_D=${reg.certsDir}`],
  });
  t.after(() => d.stop());
  await d.start();
  await d.importBusybox();
  const image = `${reg.host}/ops/bb:1`;
  await d.ok(["tag", "busybox:latest", image]);
  const id = (await d.ok(["image", "inspect", "-f", "{{.Id}}", image])).trim();
  return { d, image, id };
}

/** Removes the image, pulls it back and checks it is the same one. */
async function roundTrip(
  d: TestDaemon,
  image: string,
  id: string,
): Promise<void> {
  await d.ok(["rmi", image]);
  await d.ok(["pull", image]);
  const got = await d.ok(["image", "inspect", "-f", "{{.Id}}", image]);
  assert.equal(got.trim(), id);
}

void test("docker pull from a TLS registry with a self-signed CA fails with x509's unknown authority until ca.crt is in certs.d/<host:port>/, and works then without restarting wharfd", async (t) => {
  const why = skip();
  if (why) return t.skip(why);
  const reg = await startNetnsRegistry();
  t.after(() => reg.stop());
  const { d, image, id } = await daemonFor(t, reg);

  // compat: dockerd's words (Go's crypto/x509) after the failed /v2/ ping.
  const untrusted = `Get "https://${reg.host}/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority`;
  const push = await d.docker(["push", image]);
  assert.notEqual(push.code, 0);
  assert.ok(push.stderr.includes(untrusted), push.stderr);
  const pull = await d.docker(["pull", `${reg.host}/ops/bb:1`]);
  assert.notEqual(pull.code, 0);
  assert.ok(pull.stderr.includes(untrusted), pull.stderr);

  await reg.trust();
  await d.ok(["push", image]);
  await roundTrip(d, image, id);

  // certs.d is read per request both ways: without the CA it fails again.
  reg.distrust();
  await d.ok(["rmi", image]);
  const again = await d.docker(["pull", image]);
  assert.notEqual(again.code, 0);
  assert.ok(again.stderr.includes(untrusted), again.stderr);
  const left = await d.docker(["image", "inspect", image]);
  assert.notEqual(left.code, 0, "a failed pull must leave no image");
});

void test("a registry demanding client certificates refuses wharfd until client.cert and client.key are in certs.d/<host:port>/", async (t) => {
  const why = skip() ?? registrySkip();
  if (why) return t.skip(why);
  const reg = await startNetnsRegistry({ clientCerts: true });
  t.after(() => reg.stop());
  const { d, image, id } = await daemonFor(t, reg);
  await reg.trust();

  const refused = await d.docker(["push", image]);
  assert.notEqual(refused.code, 0);
  // compat: Go reports the server's TLS alert as "remote error: tls: …".
  assert.match(
    refused.stderr,
    new RegExp(
      `Get "https://${reg.host.replace(/\./g, "\\.")}/v2/": remote error: tls: (certificate required|bad certificate)`,
    ),
  );

  await reg.trustClient();
  await d.ok(["push", image]);
  await roundTrip(d, image, id);
});

void test("a plain-HTTP registry off loopback fails with Docker's 'server gave HTTP response to HTTPS client' until insecure-registries names it (host:port, then a CIDR), reloaded by SIGHUP", async (t) => {
  const why = skip();
  if (why) return t.skip(why);
  const reg = await startNetnsRegistry({ tls: false });
  t.after(() => reg.stop());
  const { d, image, id } = await daemonFor(t, reg);

  const plain = `Get "https://${reg.host}/v2/": http: server gave HTTP response to HTTPS client`;
  const push = await d.docker(["push", image]);
  assert.notEqual(push.code, 0);
  assert.ok(push.stderr.includes(plain), push.stderr);

  const reload = async (insecure: string): Promise<void> => {
    writeFileSync(
      join(d.dir, "daemon.json"),
      JSON.stringify({
        "registry-hub-fallback": false,
        "insecure-registries": [insecure],
      }),
    );
    process.kill(d.pid!, "SIGHUP");
    const key = insecure.includes("/")
      ? "InsecureRegistryCIDRs"
      : "IndexConfigs";
    for (let i = 0; i < 100; i++) {
      const info = await d.ok([
        "info",
        "-f",
        `{{json .RegistryConfig.${key}}}`,
      ]);
      if (info.includes(`"${insecure}"`)) return;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    assert.fail(
      `SIGHUP did not apply insecure-registries ${insecure}:\n${d.log()}`,
    );
  };

  await reload(reg.host);
  await d.ok(["push", image]);
  await roundTrip(d, image, id);

  await reload(reg.subnet);
  await roundTrip(d, image, id);
});
