/**
 * Log drivers (issue #13) through the real Docker CLI: json-file and local
 * rotation under 1 MB of output (files on disk, `logs` newest lines in
 * order, `logs -f` started before the rotations sees every line once),
 * syslog to a server in the test, Docker's errors for reading syslog and
 * for unknown drivers/options, the raw API's LogConfig, and daemon.json's
 * log-driver/log-opts defaults.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { dockerBin, skipReason, TestDaemon, wharfOnly } from "../harness.ts";

const LINES = 10_000;
// 10000 lines of 100 bytes: 1 MB, after a second so a follower attaches first.
const PRINT = `sleep 1; awk 'BEGIN{for(i=1;i<=${LINES};i++) printf "line %06d %s\\n", i, "${"x".repeat(87)}"}'`;

/** The line numbers in docker logs output, checked to be consecutive. */
function numbers(out: string): number[] {
  const n = out
    .split("\n")
    .filter(Boolean)
    .map((l) => Number(/^line (\d{6}) x+$/.exec(l)?.[1] ?? NaN));
  for (let i = 1; i < n.length; i++)
    assert.equal(n[i], n[i - 1]! + 1, `line ${n[i - 1]} followed by ${n[i]}`);
  return n;
}

describe("log drivers", { skip: skipReason() }, () => {
  const d = new TestDaemon();
  const containerDir = (id: string): string =>
    join(d.dir, "data", "containers", id);

  before(async () => {
    writeFileSync(
      join(d.dir, "daemon.json"),
      JSON.stringify({ "log-opts": { labels: "team" } }),
    );
    await d.start();
    await d.importBusybox();
  });
  after(() => d.stop());

  /** Runs PRINT with the driver options, follows it, returns id and what the follower saw. */
  async function rotateUnderFollow(
    opts: string[],
  ): Promise<{ id: string; followed: string }> {
    const id = (
      await d.ok([
        "run",
        "-d",
        "--network",
        "none",
        ...opts,
        "busybox",
        "sh",
        "-c",
        PRINT,
      ])
    ).trim();
    const follower = spawn(dockerBin, ["logs", "-f", id], { env: d.env });
    const chunks: Buffer[] = [];
    follower.stdout.on("data", (c: Buffer) => chunks.push(c));
    const code = await new Promise<number | null>((ok) =>
      follower.on("exit", (c) => ok(c)),
    );
    assert.equal(code, 0);
    assert.equal((await d.ok(["wait", id])).trim(), "0");
    return { id, followed: Buffer.concat(chunks).toString() };
  }

  test("json-file max-size=10k,max-file=3 under 1 MB: 3 files, newest lines in order, logs -f sees every line once", async () => {
    const { id, followed } = await rotateUnderFollow([
      "--log-opt",
      "max-size=10k",
      "--log-opt",
      "max-file=3",
    ]);
    try {
      const seen = numbers(followed);
      assert.equal(seen.length, LINES);
      assert.equal(seen[0], 1);
      const files = readdirSync(containerDir(id)).filter((f) =>
        f.startsWith(`${id}-json.log`),
      );
      assert.ok(files.length <= 3 && files.length >= 2, files.join(" "));
      const kept = numbers(await d.ok(["logs", id]));
      assert.equal(kept.at(-1), LINES);
      // Two full rotated files of 10 kB (about 160 bytes a line) and the current one.
      assert.ok(kept.length < 300 && kept.length > 100, String(kept.length));
      assert.deepEqual(numbers(await d.ok(["logs", "--tail", "5", id])), [
        LINES - 4,
        LINES - 3,
        LINES - 2,
        LINES - 1,
        LINES,
      ]);
      const [info] = JSON.parse(await d.ok(["inspect", id])) as {
        LogPath: string;
        HostConfig: { LogConfig: { Type: string; Config: object } };
      }[];
      assert.equal(info!.LogPath, join(containerDir(id), `${id}-json.log`));
      assert.deepEqual(info!.HostConfig.LogConfig, {
        Type: "json-file",
        Config: { labels: "team", "max-file": "3", "max-size": "10k" },
      });
    } finally {
      await d.docker(["rm", "-f", id]);
    }
  });

  test("local max-size=10k,max-file=3 under 1 MB: 3 files (rotated ones gzipped), newest lines in order, logs -f sees every line once", async () => {
    const { id, followed } = await rotateUnderFollow([
      "--log-driver",
      "local",
      "--log-opt",
      "max-size=10k",
      "--log-opt",
      "max-file=3",
    ]);
    try {
      const seen = numbers(followed);
      assert.equal(seen.length, LINES);
      const files = readdirSync(join(containerDir(id), "local-logs"));
      assert.ok(files.length <= 3, files.join(" "));
      assert.ok(files.includes("container.log.1.gz"), files.join(" "));
      const kept = numbers(await d.ok(["logs", id]));
      assert.equal(kept.at(-1), LINES);
      assert.ok(kept.length > 100, String(kept.length));
      const [info] = JSON.parse(await d.ok(["inspect", id])) as {
        LogPath: string;
      }[];
      assert.equal(info!.LogPath, "");
    } finally {
      await d.docker(["rm", "-f", id]);
    }
  });

  test("logs --details shows the labels log-opt; --timestamps and --since/--until filter by time", async () => {
    const id = (
      await d.ok([
        "run",
        "-d",
        "--network",
        "none",
        "--label",
        "team=core",
        "busybox",
        "sh",
        "-c",
        "echo one; sleep 1.2; echo two",
      ])
    ).trim();
    try {
      await d.ok(["wait", id]);
      assert.equal(
        await d.ok(["logs", "--details", id]),
        "team=core one\nteam=core two\n",
      );
      const stamped = (await d.ok(["logs", "-t", id])).trim().split("\n");
      assert.match(stamped[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z one$/);
      const second = stamped[1]!.split(" ")[0]!;
      assert.equal(await d.ok(["logs", "--since", second, id]), "two\n");
      assert.equal(await d.ok(["logs", "--until", second, id]), "one\ntwo\n");
    } finally {
      await d.docker(["rm", "-f", id]);
    }
  });

  test("syslog over udp on loopback receives the lines with the tag; logs gives Docker's error", async () => {
    const server = createSocket("udp4");
    const got: string[] = [];
    server.on("message", (m) => got.push(m.toString()));
    await new Promise<void>((ok) => server.bind(0, "127.0.0.1", ok));
    const port = server.address().port;
    const name = `syslog-${process.pid}`;
    try {
      await d.ok([
        "run",
        "--name",
        name,
        "--network",
        "none",
        "--log-driver",
        "syslog",
        "--log-opt",
        `syslog-address=udp://127.0.0.1:${port}`,
        "--log-opt",
        "tag={{.Name}}/{{.ImageName}}",
        "busybox",
        "sh",
        "-c",
        "echo hello; echo oops >&2",
      ]);
      for (let i = 0; i < 100 && got.length < 2; i++)
        await new Promise((ok) => setTimeout(ok, 50));
      assert.equal(got.length, 2, got.join(""));
      const re = (pri: number, text: string) =>
        new RegExp(
          `^<${pri}>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d ${name}/busybox\\[\\d+\\]: ${text}\\n$`,
        );
      assert.match(
        got.find((m) => m.includes("hello"))!,
        re(30, "hello"),
      );
      assert.match(
        got.find((m) => m.includes("oops"))!,
        re(27, "oops"),
      );
      const logs = await d.docker(["logs", name]);
      assert.notEqual(logs.code, 0);
      assert.match(
        logs.stderr,
        /configured logging driver does not support reading/,
      );
    } finally {
      server.close();
      await d.docker(["rm", "-f", name]);
    }
  });

  test("syslog rfc5424 over a unix stream socket made by the test", async () => {
    const path = join(d.dir, "syslog.sock");
    let data = "";
    const server = createServer((c) =>
      c.on("data", (b) => (data += b.toString())),
    );
    await new Promise<void>((ok) => server.listen(path, ok));
    try {
      const id = (
        await d.ok([
          "run",
          "-d",
          "--network",
          "none",
          "--log-driver",
          "syslog",
          "--log-opt",
          `syslog-address=unix://${path}`,
          "--log-opt",
          "syslog-format=rfc5424",
          "--log-opt",
          "syslog-facility=local3",
          "busybox",
          "echo",
          "via unix",
        ])
      ).trim();
      await d.ok(["wait", id]);
      for (let i = 0; i < 100 && !data.includes("via unix"); i++)
        await new Promise((ok) => setTimeout(ok, 50));
      const tag = id.slice(0, 12);
      assert.match(
        data,
        new RegExp(
          `^<158>1 \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d) \\S+ ${tag} \\d+ ${tag} - via unix\\n$`,
        ),
      );
      await d.ok(["rm", id]);
    } finally {
      server.close();
    }
  });

  test("an unreachable syslog server fails the start with Docker's logging-driver text", async () => {
    const r = await d.docker([
      "run",
      "--network",
      "none",
      "--log-driver",
      "syslog",
      "--log-opt",
      "syslog-address=tcp://127.0.0.1:1",
      "busybox",
      "true",
    ]);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /failed to initialize logging driver: dial tcp 127\.0\.0\.1:1: connect: connection refused/,
    );
    const ids = (await d.ok(["ps", "-aq"])).trim().split("\n").filter(Boolean);
    for (const id of ids) await d.docker(["rm", "-f", id]);
  });

  test("the raw API creates a container with LogConfig json-file max-file=100; unknown driver or option get Docker's 400 and nothing is made", async () => {
    const create = async (logConfig: object) => {
      const r = await d.curl([
        "/v1.50/containers/create",
        "-X",
        "POST",
        "-H",
        "Content-Type: application/json",
        "-w",
        "\\n%{http_code}",
        "-d",
        JSON.stringify({
          Image: "busybox",
          Cmd: ["true"],
          HostConfig: { LogConfig: logConfig, NetworkMode: "none" },
        }),
      ]);
      const lines = r.stdout.trim().split("\n");
      return { code: lines.at(-1), body: lines.slice(0, -1).join("\n") };
    };
    const ok = await create({
      Type: "json-file",
      Config: { "max-file": "100" },
    });
    assert.equal(ok.code, "201", ok.body);
    await d.ok(["rm", (JSON.parse(ok.body) as { Id: string }).Id]);
    const unknown = await create({ Type: "bogus", Config: {} });
    assert.equal(unknown.code, "400");
    assert.match(
      unknown.body,
      /logger: no log driver named 'bogus' is registered/,
    );
    const opt = await create({ Type: "local", Config: { colour: "red" } });
    assert.equal(opt.code, "400");
    assert.match(opt.body, /unknown log opt 'colour' for log driver local/);
    const sys = await create({
      Type: "syslog",
      Config: { "syslog-address": "http://x" },
    });
    assert.equal(sys.code, "400");
    assert.match(sys.body, /unsupported scheme: 'http'/);
    assert.equal((await d.ok(["ps", "-aq"])).trim(), "");
  });

  test(
    "daemon.json log-driver/log-opts: shown in /info and given to containers; bad ones stop the daemon with dockerd's text",
    { skip: wharfOnly("wharfd --validate") },
    async () => {
      const d2 = new TestDaemon();
      try {
        writeFileSync(
          join(d2.dir, "daemon.json"),
          JSON.stringify({
            "log-driver": "local",
            "log-opts": { "max-size": "1m" },
          }),
        );
        await d2.start();
        await d2.importBusybox();
        assert.equal(
          (await d2.ok(["info", "--format", "{{.LoggingDriver}}"])).trim(),
          "local",
        );
        await d2.ok(["create", "--name", "dflt", "busybox", "true"]);
        assert.equal(
          (
            await d2.ok([
              "inspect",
              "--format",
              "{{json .HostConfig.LogConfig}}",
              "dflt",
            ])
          ).trim(),
          '{"Type":"local","Config":{"max-size":"1m"}}',
        );
        await d2.ok([
          "create",
          "--name",
          "own",
          "--log-driver",
          "json-file",
          "busybox",
          "true",
        ]);
        assert.equal(
          (
            await d2.ok([
              "inspect",
              "--format",
              "{{json .HostConfig.LogConfig}}",
              "own",
            ])
          ).trim(),
          '{"Type":"json-file","Config":{}}',
        );
      } finally {
        await d2.stop();
      }
      const wharfd = resolve(import.meta.dirname, "../../../dist/wharfd.cjs");
      const file = join(d.dir, "bad-daemon.json");
      for (const [json, re] of [
        [
          '{"log-opts": {"bogus": "1"}}',
          /failed to set log opts: unknown log opt 'bogus' for json-file log driver/,
        ],
        [
          '{"log-driver": "syslog", "log-opts": {"syslog-format": "x"}}',
          /failed to set log opts: Invalid syslog format/,
        ],
      ] as const) {
        writeFileSync(file, json);
        const r = spawnSync(
          process.execPath,
          [wharfd, "--validate", "--config-file", file],
          { encoding: "utf8" },
        );
        assert.equal(r.status, 1, json);
        assert.match(r.stderr, re);
      }
    },
  );
});
