/**
 * The wharf CLI's login, logout, pull and push against a loopback
 * docker-registry with htpasswd, sharing credentials with the Docker CLI
 * through the same config.json (a temporary DOCKER_CONFIG per daemon), in
 * the file and through a credential helper.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { execFile } from "../../../src/util/exec.ts";
import { skipReason, type TestDaemon } from "../harness.ts";
import {
  htpasswdSkip,
  registryFixture,
  registryWithBusybox,
} from "./fixture.ts";
import { registrySkip } from "./registry.ts";

const wharfBin = resolve(import.meta.dirname, "../../../dist/wharf.cjs");
const skip = skipReason() ?? registrySkip() ?? htpasswdSkip();

function wharf(
  d: TestDaemon,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
) {
  return execFile(process.execPath, [wharfBin, ...args], {
    env: options.env ?? d.env,
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
}

test(
  "wharf login stores what docker pull uses, docker login stores what wharf push/pull use; logout removes it",
  { skip },
  async (t) => {
    const { reg, d, name } = await registryWithBusybox(t, "private/bb:1", {
      htpasswd: { user: "alice", password: "s3cret" },
    });
    const config = join(d.env.DOCKER_CONFIG!, "config.json");

    const refused = await wharf(d, ["push", name]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /no basic auth credentials/);
    const wrong = await wharf(
      d,
      ["login", "-u", "alice", "--password-stdin", reg.host],
      { input: "nope\n" },
    );
    assert.equal(wrong.code, 1);
    assert.match(
      wrong.stderr,
      /^Error response from daemon: .*401 Unauthorized/m,
    );
    assert.equal(existsSync(config), false);

    const ok = await wharf(
      d,
      ["login", "-u", "alice", "--password-stdin", reg.host],
      { input: "s3cret\n" },
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, "Login Succeeded\n");
    assert.match(ok.stderr, /WARNING! Your credentials are stored unencrypted/);
    const saved = JSON.parse(readFileSync(config, "utf8")) as {
      auths: Record<string, { auth: string }>;
    };
    assert.equal(
      Buffer.from(saved.auths[reg.host]!.auth, "base64").toString(),
      "alice:s3cret",
    );

    const pushed = await wharf(d, ["push", name]);
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.match(pushed.stdout, /: Pushed$/m);
    assert.match(pushed.stdout, /^1: digest: sha256:[0-9a-f]{64} size: \d+$/m);
    await d.ok(["rmi", name]);
    // The Docker CLI pulls with the login wharf stored.
    assert.match(await d.ok(["pull", name]), /Downloaded newer image/);

    const out = await wharf(d, ["logout", reg.host]);
    assert.equal(out.stdout, `Removing login credentials for ${reg.host}\n`);
    await d.ok(["rmi", name]);
    const denied = await d.docker(["pull", name]);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /no basic auth credentials/);

    // And the other way: docker login, wharf pull.
    await d.ok(["login", "-u", "alice", "--password-stdin", reg.host], {
      input: "s3cret\n",
    });
    const pulled = await wharf(d, ["pull", "-q", name]);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.equal(pulled.stdout, `${name}\n`);
    await d.ok(["logout", reg.host]);
    const gone = await wharf(d, ["pull", name]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /no basic auth credentials/);
  },
);

test(
  "credsStore: wharf login and logout go through docker-credential-<name>, and the Docker CLI reads the same helper",
  { skip },
  async (t) => {
    const { reg, d } = await registryFixture(t, {
      htpasswd: { user: "alice", password: "s3cret" },
      busybox: true,
    });
    // A file-backed credential helper speaking the docker-credential-helpers protocol.
    const bin = join(d.dir, "helper-bin");
    const vault = join(d.dir, "vault");
    execFileSync("mkdir", ["-p", bin, vault]);
    const helper = join(bin, "docker-credential-wtest");
    writeFileSync(
      helper,
      `#!/bin/sh
set -e
case "$1" in
  store) input=$(cat); key=$(printf '%s' "$input" | sed -n 's/.*"ServerURL":"\\([^"]*\\)".*/\\1/p' | tr '/:' '__'); printf '%s' "$input" > "${vault}/$key" ;;
  get) key=$(cat | tr '/:' '__'); if [ -f "${vault}/$key" ]; then cat "${vault}/$key"; else echo "credentials not found in native keychain"; exit 1; fi ;;
  erase) key=$(cat | tr '/:' '__'); rm -f "${vault}/$key" ;;
esac
`,
    );
    chmodSync(helper, 0o755);
    const config = join(d.env.DOCKER_CONFIG!, "config.json");
    writeFileSync(config, JSON.stringify({ credsStore: "wtest" }));
    const env = { ...d.env, PATH: `${bin}:${process.env.PATH ?? ""}` };
    const run = (args: string[], input?: string) =>
      execFile(d.env.DOCKER_CLI ?? "/usr/local/bin/docker", args, {
        env,
        ...(input !== undefined ? { input } : {}),
      });

    const login = await wharf(
      d,
      ["login", "-u", "alice", "--password-stdin", reg.host],
      { input: "s3cret", env },
    );
    assert.equal(login.code, 0, login.stderr);
    assert.doesNotMatch(login.stderr, /unencrypted/);
    const file = JSON.parse(readFileSync(config, "utf8")) as {
      auths: Record<string, object>;
      credsStore: string;
    };
    assert.deepEqual(file.auths[reg.host], {});
    assert.equal(file.credsStore, "wtest");
    const stored = JSON.parse(
      readFileSync(join(vault, reg.host.replace(":", "_")), "utf8"),
    ) as { Username: string; Secret: string };
    assert.deepEqual([stored.Username, stored.Secret], ["alice", "s3cret"]);

    const name = `${reg.host}/helper/bb:1`;
    await d.ok(["tag", "busybox", name]);
    const pushed = await run(["push", name]);
    assert.equal(pushed.code, 0, pushed.stderr);
    const logout = await wharf(d, ["logout", reg.host], { env });
    assert.equal(logout.code, 0, logout.stderr);
    assert.equal(existsSync(join(vault, reg.host.replace(":", "_"))), false);
    const refused = await wharf(d, ["push", name], { env });
    assert.match(refused.stderr, /no basic auth credentials/);
  },
);

test(
  "on a terminal wharf login prompts for the user name and the password (typed ahead, not echoed by wharf) and logs in",
  {
    skip:
      skip ??
      (execFileSync("sh", ["-c", "command -v script || true"]).length === 0
        ? "needs script(1) from util-linux for a pseudo-terminal"
        : undefined),
  },
  async (t) => {
    const { reg, d } = await registryFixture(t, {
      htpasswd: { user: "alice", password: "s3cret" },
    });
    // script(1) gives wharf a terminal; the input is typed before the prompts.
    const r = await execFile(
      "script",
      [
        "-qec",
        `${process.execPath} ${wharfBin} login ${reg.host}`,
        "/dev/null",
      ],
      { env: d.env, input: "alice\ns3cret\r" },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Username: Password: \r?\n/);
    assert.match(r.stdout, /Login Succeeded/);
    const saved = JSON.parse(
      readFileSync(join(d.env.DOCKER_CONFIG!, "config.json"), "utf8"),
    ) as { auths: Record<string, { auth: string }> };
    assert.equal(
      Buffer.from(saved.auths[reg.host]!.auth, "base64").toString(),
      "alice:s3cret",
    );
  },
);
