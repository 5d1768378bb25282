import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { skipReason, TestDaemon } from "../harness.ts";
import { tcpHost, tlsDaemonArgs } from "./fixture.ts";

/** Makes a CA, a server cert for 127.0.0.1 and a client cert with openssl. */
function makeCerts(dir: string): void {
  const ssl = (...args: string[]): void =>
    void execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  ssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca-key.pem",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=wharf-test-ca",
  );
  writeFileSync(
    join(dir, "server.ext"),
    "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
  );
  writeFileSync(join(dir, "client.ext"), "extendedKeyUsage=clientAuth\n");
  for (const who of ["server", "client"]) {
    ssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${who}-key.pem`,
      "-out",
      `${who}.csr`,
      "-subj",
      `/CN=${who}`,
    );
    ssl(
      "x509",
      "-req",
      "-in",
      `${who}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca-key.pem",
      "-CAcreateserial",
      "-out",
      `${who}-cert.pem`,
      "-days",
      "2",
      "-extfile",
      `${who}.ext`,
    );
  }
}

describe("wharfd on TCP with mutual TLS", { skip: skipReason() }, () => {
  const d = new TestDaemon();
  let host = "";
  let certs = "";
  before(async () => {
    certs = join(d.dir, "certs");
    mkdirSync(certs);
    makeCerts(certs);
    host = await tcpHost();
    await d.start(tlsDaemonArgs(d.socket, host, certs));
  });
  after(() => d.stop());

  test("the Docker CLI with a client certificate gets through", async () => {
    const clientDir = join(d.dir, "client");
    mkdirSync(clientDir);
    for (const [from, to] of [
      ["ca.pem", "ca.pem"],
      ["client-cert.pem", "cert.pem"],
      ["client-key.pem", "key.pem"],
    ] as const)
      writeFileSync(
        join(clientDir, to),
        execFileSync("cat", [join(certs, from)]),
      );
    const out = execFileSync(
      "/usr/local/bin/docker",
      [
        "--tlsverify",
        "-H",
        host,
        "version",
        "--format",
        "{{.Server.APIVersion}}",
      ],
      {
        env: {
          ...d.env,
          DOCKER_HOST: host,
          DOCKER_CERT_PATH: clientDir,
          DOCKER_TLS_VERIFY: "1",
        },
        encoding: "utf8",
      },
    );
    assert.equal(out.trim(), "1.50");
  });

  test("a client without a certificate is refused in the handshake", () => {
    let failed = false;
    try {
      execFileSync(
        "curl",
        [
          "-s",
          "--fail",
          "--cacert",
          join(certs, "ca.pem"),
          `https://127.0.0.1:${host.split(":")[2]}/_ping`,
        ],
        { stdio: "ignore" },
      );
    } catch {
      failed = true;
    }
    assert.ok(failed, "curl without a client certificate must fail");
  });
});
