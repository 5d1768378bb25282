import { test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { main } from "./main.ts";

async function cli(
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: "", err: "" };
  stdout.on("data", (c: Buffer) => (chunks.out += c.toString()));
  stderr.on("data", (c: Buffer) => (chunks.err += c.toString()));
  const code = await main(
    args,
    { stdin: new PassThrough(), stdout, stderr },
    { WHARF_HOST: "unix:///nonexistent/wharf-test.sock" },
  );
  return { code, ...chunks };
}

test("an unknown flag exits 125 with pflag's text and the usage line", async () => {
  const r = await cli(["run", "--foo", "x"]);
  assert.equal(r.code, 125);
  assert.match(
    r.err,
    /^unknown flag: --foo\n\nUsage:  wharf run \[OPTIONS\] IMAGE/,
  );
});

test("too few arguments exits 1 with Docker's wording", async () => {
  const r = await cli(["stop"]);
  assert.equal(r.code, 1);
  assert.match(r.err, /^wharf: 'wharf stop' requires at least 1 argument\n/);
  assert.match((await cli(["rename", "a"])).err, /requires 2 arguments/);
});

test("an unknown command exits 1", async () => {
  const r = await cli(["frob"]);
  assert.equal(r.code, 1);
  assert.match(r.err, /unknown command: wharf frob/);
});

test("--help prints the usage with aliases and options and exits 0", async () => {
  const r = await cli(["ps", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.out, /Usage: {2}wharf ps \[OPTIONS\]/);
  assert.match(r.out, /Aliases:\n {2}wharf container ls, wharf ps/);
  assert.match(r.out, /-a, --all/);
  assert.equal((await cli(["help", "stop"])).code, 0);
  assert.match((await cli([])).out, /Common Commands:/);
});

test("an unreachable daemon is reported with exit 1", async () => {
  const r = await cli(["ps"]);
  assert.equal(r.code, 1);
  assert.match(
    r.err,
    /Cannot connect to the wharf daemon at unix:\/\/\/nonexistent\/wharf-test.sock/,
  );
});

test("a bad template is a template parsing error", async () => {
  const r = await cli(["inspect", "--format", "{{nosuchfunc .}}", "x"]);
  assert.equal(r.code, 1);
  assert.match(
    r.err,
    /template parsing error: template: :1: function "nosuchfunc" not defined/,
  );
});

test("global flags the CLI does not act on are refused; --log-level is validated", async () => {
  for (const args of [
    ["--config", "/tmp/x", "ps"],
    ["-D", "ps"],
  ]) {
    const r = await cli(args);
    assert.equal(r.code, 125, args.join(" "));
    assert.match(r.err, /^--(config|debug) is not supported yet\n/);
  }
  const bad = await cli(["--log-level", "loud", "ps"]);
  assert.equal(bad.code, 125);
  assert.match(bad.err, /Unable to parse logging level: loud/);
  assert.equal((await cli(["--log-level", "error", "--version"])).code, 0);
});
