/**
 * Runs the declarative cases of cases.ts through `bin/wharf` (or, with
 * TARGET=docker, through the real Docker CLI) against the daemon at
 * WHARF_TEST_HOST, e.g. unix:///tmp/x/wharf.sock. When it is unset and the
 * integration harness can run (root, crun, dist/), a private wharfd is
 * started for the cases; otherwise they skip with the reason.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { CASES, type CliCase } from "./cases.ts";
import {
  skipReason as harnessSkip,
  TestDaemon,
} from "../integration/harness.ts";

const repo = resolve(import.meta.dirname, "../..");
const docker = process.env.TARGET === "docker";
let host = process.env.WHARF_TEST_HOST;
let daemon: TestDaemon | undefined;
if (!host && !docker && harnessSkip() === undefined) {
  daemon = new TestDaemon();
  await daemon.start();
  host = `unix://${daemon.socket}`;
}
const program = docker ? "docker" : "wharf";
const bin = docker
  ? (process.env.DOCKER_CLI ?? "/usr/local/bin/docker")
  : join(repo, "bin/wharf");
const unique = `wharfcli-${process.pid}`;
const configDir = mkdtempSync("/tmp/wharf-cli-config-");
process.once("exit", () => rmSync(configDir, { recursive: true, force: true }));

function skipReason(): string | undefined {
  if (!host)
    return `set WHARF_TEST_HOST=unix:///path/to/daemon.sock to run the CLI cases (no private wharfd: ${harnessSkip() ?? "TARGET=docker"})`;
  if (
    !docker &&
    spawnSync("test", ["-f", join(repo, "dist/wharf.cjs")]).status !== 0
  )
    return "dist/wharf.cjs missing: run npm run build first";
  return undefined;
}

const fill = (s: string): string =>
  s.replaceAll("{n}", unique).replaceAll("{cli}", program);

function cli(
  args: string[],
  stdin?: string,
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(bin, args.map(fill), {
    input: stdin ?? "",
    encoding: "utf8",
    timeout: 60_000,
    env: {
      ...process.env,
      WHARF_HOST: host,
      DOCKER_HOST: host,
      DOCKER_CONFIG: configDir,
    },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function expectText(
  actual: string,
  expected: string | RegExp | undefined,
  what: string,
): void {
  if (expected === undefined) return;
  if (typeof expected === "string") assert.equal(actual, fill(expected), what);
  else
    assert.match(
      actual,
      new RegExp(fill(expected.source), expected.flags),
      what,
    );
}

function ensureBusybox(): void {
  if (cli(["image", "inspect", "busybox:latest"]).code === 0) return;
  const dir = mkdtempSync("/tmp/wharf-cli-bb-");
  try {
    const tar = join(dir, "busybox.tar");
    const made = spawnSync(join(repo, "scripts/busybox-rootfs.sh"), [tar]);
    assert.equal(made.status, 0, "busybox-rootfs.sh failed");
    const r = cli(["import", "--change", 'CMD ["sh"]', tar, "busybox:latest"]);
    assert.equal(r.code, 0, r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runCase(c: CliCase): void {
  try {
    for (const step of c.setup ?? []) {
      const r = cli(step);
      assert.equal(r.code, 0, `setup ${step.join(" ")}: ${r.stderr}`);
    }
    const r = cli(c.command, c.stdin);
    assert.equal(
      r.code,
      c.exit,
      `exit code of ${c.command.join(" ")} (stderr: ${r.stderr})`,
    );
    expectText(r.stdout, c.stdout, "stdout");
    expectText(r.stderr, c.stderr, "stderr");
  } finally {
    for (const step of c.cleanup ?? []) cli(step);
  }
}

const reason = skipReason();
test(
  `the CLI cases pass against ${program}`,
  { skip: reason ?? false },
  async (t) => {
    try {
      ensureBusybox();
      for (const c of CASES) await t.test(c.name, () => runCase(c));
    } finally {
      await daemon?.stop();
    }
  },
);
