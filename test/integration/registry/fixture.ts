/**
 * The set-up the registry tests share: a docker-registry on a free loopback
 * port (optionally behind htpasswd auth) and a wharfd on its own temp roots,
 * both started for one test and stopped after it, even when it failed.
 */
import type { TestContext } from "node:test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { TestDaemon } from "../harness.ts";
import { TestRegistry } from "./registry.ts";

/** Why a test that needs Apache's htpasswd cannot run here, or undefined. */
export function htpasswdSkip(): string | undefined {
  return execFileSync("sh", ["-c", "command -v htpasswd || true"]).length === 0
    ? "needs htpasswd (apt-get install apache2-utils)"
    : undefined;
}

/** A started registry and daemon for one test. */
export type RegistryFixture = { reg: TestRegistry; d: TestDaemon };

/**
 * Starts a docker-registry and then a wharfd for the test `t`; both stop
 * (and their temp dirs go) in t.after(), even when the test or the start
 * failed. `htpasswd` puts the registry behind basic auth with that one user
 * (bcrypt, realm test-realm); `extra` is appended to its YAML config;
 * `busybox` imports busybox:latest into the daemon.
 */
export async function registryFixture(
  t: TestContext,
  options: {
    htpasswd?: { user: string; password: string };
    extra?: string;
    busybox?: boolean;
  } = {},
): Promise<RegistryFixture> {
  let extra = options.extra ?? "";
  if (options.htpasswd) {
    const files = mkdtempSync("/tmp/wharf-reg-auth-");
    t.after(() => rmSync(files, { recursive: true, force: true }));
    const path = join(files, "htpasswd");
    const { user, password } = options.htpasswd;
    execFileSync("htpasswd", ["-Bbc", path, user, password]);
    extra = `auth:\n  htpasswd:\n    realm: test-realm\n    path: ${path}\n${extra}`;
  }
  const reg = new TestRegistry({ extra });
  const d = new TestDaemon();
  t.after(async () => {
    try {
      await d.stop();
    } finally {
      await reg.stop();
    }
  });
  await reg.start();
  await d.start();
  if (options.busybox) await d.importBusybox();
  return { reg, d };
}

/**
 * registryFixture() with busybox imported and tagged `<registry>/<repoTag>`
 * (e.g. private/bb:1); also returns that name, ready to push.
 */
export async function registryWithBusybox(
  t: TestContext,
  repoTag: string,
  options: { htpasswd?: { user: string; password: string }; extra?: string },
): Promise<RegistryFixture & { name: string }> {
  const { reg, d } = await registryFixture(t, { ...options, busybox: true });
  const name = `${reg.host}/${repoTag}`;
  await d.ok(["tag", "busybox", name]);
  return { reg, d, name };
}
