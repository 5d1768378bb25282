/**
 * The audit log (issue #13): state-changing calls recorded with the
 * caller's uid over the UNIX socket (SO_PEERCRED), the client certificate's
 * subject over TLS, and the uid of a process of another user.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { execFile } from "../../../src/util/exec.ts";
import { dockerBin, skipReason, TestDaemon, wharfOnly } from "../harness.ts";
import { tcpHost, tlsDaemonArgs } from "./fixture.ts";

const wharfCli = resolve(import.meta.dirname, "../../../dist/wharf.cjs");

type Line = {
  time: string;
  transport: string;
  peer: { uid?: number; gid?: number; pid?: number; subject?: string } | null;
  method: string;
  path: string;
  object: string;
  status: number;
};

describe(
  "audit log",
  { skip: skipReason() ?? wharfOnly("wharfd's audit-log") },
  () => {
    const d = new TestDaemon();
    let file = "";
    let host = "";
    let certs = "";
    const lines = (): Line[] =>
      existsSync(file)
        ? readFileSync(file, "utf8")
            .trim()
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Line)
        : [];
    before(async () => {
      file = join(d.dir, "audit/audit.log");
      certs = join(d.dir, "certs");
      const r = await execFile(process.execPath, [
        wharfCli,
        "tls",
        "--out",
        certs,
        "--ip",
        "127.0.0.1",
        "--client-name",
        "auditor",
      ]);
      assert.equal(r.code, 0, r.stderr);
      host = await tcpHost();
      writeFileSync(
        join(d.dir, "daemon.json"),
        JSON.stringify({ "audit-log": file }),
      );
      await d.start(tlsDaemonArgs(d.socket, host, certs));
      await d.importBusybox();
    });
    after(() => d.stop());

    test("docker run over the socket is recorded with the caller's uid; reads are not", async () => {
      await d.ok(["run", "--rm", "--name", "audited", "busybox", "true"]);
      await d.ok(["ps", "-a"]);
      const all = lines();
      assert.ok(all.every((l) => l.method !== "GET" && l.method !== "HEAD"));
      const create = all.find(
        (l) => l.path.endsWith("/containers/create") && l.object === "audited",
      );
      assert.ok(create, JSON.stringify(all));
      assert.equal(create.status, 201);
      assert.equal(create.transport, "unix");
      assert.equal(create.peer?.uid, process.getuid?.());
      assert.ok((create.peer?.pid ?? 0) > 0);
      const start = all.find((l) =>
        /\/containers\/[0-9a-f]{64}\/start$/.test(l.path),
      );
      assert.equal(start?.status, 204);
    });

    test("a call over TLS is recorded with the client certificate's subject", async () => {
      const r = await execFile(
        dockerBin,
        [
          "--tlsverify",
          "-H",
          host,
          "create",
          "--name",
          "via-tls",
          "busybox",
          "true",
        ],
        {
          env: {
            ...process.env,
            DOCKER_CERT_PATH: certs,
            DOCKER_HOST: "",
            DOCKER_CONFIG: join(d.dir, "docker-config"),
          },
        },
      );
      assert.equal(r.code, 0, r.stderr);
      const line = lines().find((l) => l.object === "via-tls");
      assert.equal(line?.transport, "tcp");
      assert.equal(line?.peer?.subject, "CN=auditor");
    });

    test("a call from another user's process is recorded with that uid", async () => {
      // The test makes the socket reachable for uid 65534: the dirs above it and the socket itself.
      for (
        let p = dirname(d.socket);
        p !== "/" && p.startsWith("/tmp/");
        p = dirname(p)
      )
        chmodSync(p, 0o755);
      chmodSync(d.socket, 0o666);
      const r = await execFile("setpriv", [
        "--reuid",
        "65534",
        "--regid",
        "65534",
        "--clear-groups",
        "curl",
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "--unix-socket",
        d.socket,
        "-X",
        "POST",
        "http://wharf/v1.50/containers/nobody-was-here/stop",
      ]);
      assert.equal(r.stdout, "404", r.stderr);
      const line = lines().find((l) => l.object === "nobody-was-here");
      assert.deepEqual(
        {
          uid: line?.peer?.uid,
          gid: line?.peer?.gid,
          status: line?.status,
          method: line?.method,
        },
        { uid: 65534, gid: 65534, status: 404, method: "POST" },
      );
    });
  },
);
