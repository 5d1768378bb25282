import { test } from "node:test";
import assert from "node:assert/strict";
import { capabilities, DEFAULT_CAPS } from "./caps.ts";
import { mergeConfig } from "./create.ts";
import { resolveUserFrom } from "./user.ts";
import { resolvConf } from "./host-files.ts";
import { humanDuration } from "../../conventions/human.ts";
import { parseSignal } from "./signals.ts";
import { parseDetachKeys } from "./attach.ts";
import { parsePs } from "./top.ts";
import { capsFromMask } from "./host-caps.ts";
import { K8sLogJoiner } from "../../runtime/index.ts";
import { parseHardLimits, clampRlimits } from "../../runtime/rlimits.ts";

test("capabilities() applies CapAdd and CapDrop to Docker's default set", () => {
  assert.deepEqual(capabilities(false, [], []), DEFAULT_CAPS);
  const c = capabilities(false, ["NET_ADMIN"], ["chown"]);
  assert.ok(c.includes("CAP_NET_ADMIN"));
  assert.ok(!c.includes("CAP_CHOWN"));
  assert.deepEqual(capabilities(false, ["KILL"], ["ALL"]), ["CAP_KILL"]);
  assert.throws(() => capabilities(false, ["BOGUS"], []), /unknown capability/);
});

test("mergeConfig() follows Docker's Entrypoint/Cmd override rule and merges Env by key", () => {
  const img = { Entrypoint: ["/ep"], Cmd: ["a"], Env: ["A=1", "B=2"] };
  assert.deepEqual(mergeConfig({ Image: "x" }, img, "i".repeat(64)).Cmd, ["a"]);
  const over = mergeConfig(
    { Image: "x", Entrypoint: ["sh"], Env: ["B=3"] },
    img,
    "i".repeat(64),
  );
  assert.deepEqual([over.Entrypoint, over.Cmd], [["sh"], null]);
  assert.deepEqual(over.Env, ["A=1", "B=3"]);
  assert.equal(over.Hostname, "iiiiiiiiiiii");
  assert.equal(
    mergeConfig({ Image: "x", Entrypoint: [""] }, img, "i").Entrypoint,
    null,
  );
});

test("resolveUserFrom() maps names through passwd and group and refuses unknown names", () => {
  const passwd = "root:x:0:0::/root:/bin/sh\nweb:x:33:33::/:/bin/false\n";
  const group = "root:x:0:\nwww:x:33:\nextra:x:50:web\n";
  assert.deepEqual(resolveUserFrom("web", passwd, group), {
    uid: 33,
    gid: 33,
    additionalGids: [33, 50],
  });
  assert.deepEqual(resolveUserFrom("1000:50", passwd, group), {
    uid: 1000,
    gid: 50,
    additionalGids: [50],
  });
  assert.throws(
    () => resolveUserFrom("nobody", passwd, group),
    /unable to find user nobody: no matching entries in passwd file/,
  );
});

test("resolvConf() drops loopback nameservers without a public fallback", () => {
  assert.equal(
    resolvConf("nameserver 127.0.0.53\nsearch a.b\n", {
      dns: [],
      search: [],
      options: [],
      keepLoopback: false,
    }),
    "search a.b\n",
  );
  assert.equal(
    resolvConf("nameserver 10.0.0.1\n", {
      dns: ["1.1.1.1"],
      search: [],
      options: ["ndots:2"],
      keepLoopback: false,
    }),
    "nameserver 1.1.1.1\noptions ndots:2\n",
  );
});

test("humanDuration() words durations as Docker's ps does", () => {
  assert.equal(humanDuration(500), "Less than a second");
  assert.equal(humanDuration(3000), "3 seconds");
  assert.equal(humanDuration(61_000), "About a minute");
  assert.equal(humanDuration(3 * 3600_000), "3 hours");
});

test("parseSignal() accepts names with and without SIG and numbers", () => {
  assert.equal(parseSignal("SIGKILL"), 9);
  assert.equal(parseSignal("term"), 15);
  assert.equal(parseSignal("10"), 10);
  assert.throws(() => parseSignal("NOPE"), /Invalid signal: NOPE/);
});

test("parseDetachKeys() turns ctrl-p,ctrl-q into 0x10 0x11", () => {
  assert.deepEqual([...parseDetachKeys("ctrl-p,ctrl-q")], [16, 17]);
  assert.deepEqual([...parseDetachKeys("a,ctrl-@")], [97, 0]);
  assert.deepEqual([...parseDetachKeys("DEL,ctrl-\\,ctrl-_")], [127, 28, 31]);
  // moby/term: names exactly as written, one byte otherwise.
  for (const bad of ["ctrl-P", " ctrl-p", "ctrl-p,,", "ctrl-x1", "é"])
    assert.throws(() => parseDetachKeys(bad), /Unknown character/);
});

test("parsePs() keeps the container's pids and whole command lines", () => {
  const out = "UID PID PPID CMD\nroot 10 1 sleep 30\nroot 11 1 other thing\n";
  assert.deepEqual(parsePs(out, new Set([10])), {
    Titles: ["UID", "PID", "PPID", "CMD"],
    Processes: [["root", "10", "1", "sleep 30"]],
  });
});

test("K8sLogJoiner joins partial lines per stream", () => {
  const j = new K8sLogJoiner();
  assert.equal(
    j.push("2024-01-01T00:00:00.000000001+00:00 stdout P ab"),
    undefined,
  );
  assert.equal(
    j.push("2024-01-01T00:00:00.000000002+00:00 stderr F err")?.data.toString(),
    "err\n",
  );
  const m = j.push("2024-01-01T00:00:00.000000003+00:00 stdout F cd");
  assert.equal(m?.data.toString(), "abcd\n");
  assert.equal(m?.timeNano, 1704067200000000001n);
});

test("K8sLogJoiner keeps bytes that are not UTF-8", () => {
  const j = new K8sLogJoiner();
  const line = Buffer.concat([
    Buffer.from("2024-01-01T00:00:00.000000001+00:00 stdout F "),
    Buffer.from([0xff, 0xfe, 0x41]),
  ]);
  assert.deepEqual(j.push(line)?.data, Buffer.from([0xff, 0xfe, 0x41, 0x0a]));
  assert.equal(j.push("garbage"), undefined);
});

test("clampRlimits() caps limits at the daemon's hard limits", () => {
  const hard = parseHardLimits(
    "Limit  Soft Limit  Hard Limit  Units\nMax open files            1024                 20000                files\n",
  );
  assert.deepEqual(
    clampRlimits(
      [{ type: "RLIMIT_NOFILE", soft: 1048576, hard: 1048576 }],
      hard,
    ),
    [{ type: "RLIMIT_NOFILE", soft: 20000, hard: 20000 }],
  );
});

test("capsFromMask() names the bits of a CapBnd mask", () => {
  const caps = capsFromMask("000001fffeffffff");
  assert.equal(caps.has("CAP_SYS_RESOURCE"), false);
  assert.equal(caps.has("CAP_SYS_ADMIN"), true);
  assert.equal(caps.has("CAP_CHECKPOINT_RESTORE"), true);
  assert.equal(caps.size, 40);
});
