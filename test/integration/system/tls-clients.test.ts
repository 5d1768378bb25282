/**
 * Clients over TLS, contexts and ssh:// (issue #13): certificates from `wharf
 * tls`, wharfd with --tlsverify, the Docker CLI and the wharf CLI with and
 * without a proper client certificate, `wharf context use` switching between
 * two daemons in the store the Docker CLI shares, and ssh:// through a fake
 * ssh on PATH that runs the remote command locally.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { execFile, type ExecResult } from "../../../src/util/exec.ts";
import { dockerBin, skipReason, TestDaemon, wharfOnly } from "../harness.ts";
import { tcpHost, tlsDaemonArgs } from "./fixture.ts";

const wharfCli = resolve(import.meta.dirname, "../../../dist/wharf.cjs");

/** The environment of a client with no daemon address of its own. */
function bareEnv(
  config: string,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DOCKER_CONFIG: config,
    ...extra,
  };
  for (const k of [
    "DOCKER_HOST",
    "WHARF_HOST",
    "DOCKER_TLS_VERIFY",
    "DOCKER_CERT_PATH",
    "DOCKER_CONTEXT",
  ])
    if (!(k in extra)) delete env[k];
  return env;
}

function wharf(args: string[], env: NodeJS.ProcessEnv): Promise<ExecResult> {
  return execFile(process.execPath, [wharfCli, ...args], { env });
}

describe(
  "TLS clients, contexts and ssh://",
  { skip: skipReason() ?? wharfOnly("wharf's CLI and wharfd's TLS") },
  () => {
    const a = new TestDaemon();
    const b = new TestDaemon();
    let certs = "";
    let other = "";
    let host = "";
    let config = "";
    let ids: { a: string; b: string } = { a: "", b: "" };
    before(async () => {
      certs = join(a.dir, "certs");
      other = join(a.dir, "other");
      config = join(a.dir, "client-config");
      mkdirSync(config);
      for (const dir of [certs, other]) {
        const r = await wharf(
          [
            "tls",
            "--out",
            dir,
            "--ip",
            "127.0.0.1",
            "--name",
            "localhost",
            "--days",
            "2",
          ],
          bareEnv(config),
        );
        assert.equal(r.code, 0, r.stderr);
      }
      host = await tcpHost();
      await a.start(tlsDaemonArgs(a.socket, host, certs));
      await b.start();
      ids = {
        a: (await a.ok(["info", "--format", "{{.ID}}"])).trim(),
        b: (await b.ok(["info", "--format", "{{.ID}}"])).trim(),
      };
      assert.notEqual(ids.a, ids.b);
    });
    after(async () => {
      await a.stop();
      await b.stop();
    });

    test("wharf tls writes a CA, a server pair and a client pair", () => {
      for (const f of [
        "ca.pem",
        "ca-key.pem",
        "server-cert.pem",
        "server-key.pem",
        "cert.pem",
        "key.pem",
      ])
        assert.ok(existsSync(join(certs, f)), f);
    });

    test("the Docker CLI with --tlsverify and the generated client certificate works", async () => {
      const r = await execFile(
        dockerBin,
        ["--tlsverify", "-H", host, "info", "--format", "{{.ID}}"],
        {
          env: bareEnv(config, { DOCKER_CERT_PATH: certs }),
        },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), ids.a);
    });

    test("wharf with --tlsverify --tlscacert --tlscert --tlskey -H tcp:// works", async () => {
      const r = await wharf(
        [
          "--tlsverify",
          "--tlscacert",
          join(certs, "ca.pem"),
          "--tlscert",
          join(certs, "cert.pem"),
          "--tlskey",
          join(certs, "key.pem"),
          "-H",
          host,
          "info",
          "--format",
          "{{.ID}}",
        ],
        bareEnv(config),
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), ids.a);
    });

    test("wharf with DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH works", async () => {
      const r = await wharf(
        ["run", "--rm", "busybox", "true"],
        bareEnv(config, {
          DOCKER_HOST: host,
          DOCKER_TLS_VERIFY: "1",
          DOCKER_CERT_PATH: certs,
        }),
      );
      // No image on daemon a: the daemon's own answer proves the TLS call went through.
      assert.match(r.stderr, /No such image|Unable to find image/);
    });

    test("a client without a certificate or with another CA's is refused", async () => {
      const none = await wharf(
        [
          "--tlsverify",
          "--tlscacert",
          join(certs, "ca.pem"),
          "-H",
          host,
          "info",
        ],
        bareEnv(config),
      );
      assert.notEqual(none.code, 0);
      assert.match(none.stderr, /error during connect/);
      const foreign = await wharf(
        [
          "--tlsverify",
          "--tlscacert",
          join(certs, "ca.pem"),
          "--tlscert",
          join(other, "cert.pem"),
          "--tlskey",
          join(other, "key.pem"),
          "-H",
          host,
          "info",
        ],
        bareEnv(config),
      );
      assert.notEqual(foreign.code, 0);
      assert.match(foreign.stderr, /error during connect/);
      const docker = await execFile(
        dockerBin,
        ["--tlsverify", "-H", host, "info"],
        {
          env: bareEnv(config, { DOCKER_CERT_PATH: other }),
        },
      );
      assert.notEqual(
        docker.code,
        0,
        "a server cert from another CA must fail verification",
      );
    });

    test("wharf context use switches between two daemons; the Docker CLI shares the store", async () => {
      const env = bareEnv(config);
      const mk = await wharf(
        [
          "context",
          "create",
          "tls-a",
          "--description",
          "daemon a over TLS",
          "--docker",
          `host=${host},ca=${join(certs, "ca.pem")},cert=${join(certs, "cert.pem")},key=${join(certs, "key.pem")}`,
        ],
        env,
      );
      assert.equal(mk.code, 0, mk.stderr);
      assert.equal(mk.stdout, "tls-a\n");
      assert.equal(
        (
          await wharf(
            [
              "context",
              "create",
              "unix-b",
              "--docker",
              `host=unix://${b.socket}`,
            ],
            env,
          )
        ).code,
        0,
      );
      const id = async (): Promise<string> => {
        const r = await wharf(["info", "--format", "{{.ID}}"], env);
        assert.equal(r.code, 0, r.stderr);
        return r.stdout.trim();
      };
      assert.equal((await wharf(["context", "use", "tls-a"], env)).code, 0);
      assert.equal(await id(), ids.a);
      assert.equal((await wharf(["context", "use", "unix-b"], env)).code, 0);
      assert.equal(await id(), ids.b);
      const ls = await wharf(
        ["context", "ls", "--format", "{{.Name}} {{.Current}}"],
        env,
      );
      assert.equal(ls.stdout, "default false\ntls-a false\nunix-b true\n");
      // The Docker CLI reads the same files: its current context is ours, and tls-a works for it.
      const dls = await execFile(dockerBin, ["context", "ls", "-q"], { env });
      assert.equal(dls.stdout, "default\ntls-a\nunix-b\n");
      const dinfo = await execFile(
        dockerBin,
        ["--context", "tls-a", "info", "--format", "{{.ID}}"],
        { env },
      );
      assert.equal(dinfo.stdout.trim(), ids.a, dinfo.stderr);
      const rm = await wharf(["context", "rm", "unix-b"], env);
      assert.equal(rm.code, 1);
      assert.match(
        rm.stderr,
        /context "unix-b" is in use, set -f flag to force remove/,
      );
      assert.equal(
        (await wharf(["context", "rm", "-f", "unix-b"], env)).code,
        0,
      );
      const gone = await execFile(dockerBin, ["context", "inspect", "unix-b"], {
        env,
      });
      assert.notEqual(gone.code, 0);
    });

    test("ssh://user@host runs `wharf system dial-stdio` on the far side", async () => {
      const bin = join(a.dir, "fake-bin");
      mkdirSync(bin);
      // The fake ssh skips its options up to "--" and the host, then runs the command here.
      writeFileSync(
        join(bin, "ssh"),
        `#!/bin/sh\nwhile [ "$1" != "--" ]; do shift; done\nshift 2\nexec "$@"\n`,
      );
      writeFileSync(
        join(bin, "wharf"),
        `#!/bin/sh\nWHARF_HOST=unix://${b.socket} exec ${process.execPath} ${wharfCli} "$@"\n`,
      );
      chmodSync(join(bin, "ssh"), 0o755);
      chmodSync(join(bin, "wharf"), 0o755);
      const env = bareEnv(config, { PATH: `${bin}:${process.env.PATH ?? ""}` });
      delete env.DOCKER_HOST;
      const r = await wharf(
        ["-H", "ssh://someone@remote.invalid", "info", "--format", "{{.ID}}"],
        env,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), ids.b);
    });
  },
);
