import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { execFile } from "../../../src/util/exec.ts";
import { dockerBin, mountsUnder, skipReason, TestDaemon } from "../harness.ts";

/** Changes a container makes: add, change, delete a file and a dir, recreate a dir (opaque). */
const SCRIPT = [
  "echo new > /added.txt",
  "echo more >> /etc/passwd",
  "rm /etc/group",
  "rm -rf /home",
  "rm -rf /var/www && mkdir /var/www && echo fresh > /var/www/index.html",
  "mkdir -p /opt/app && echo app > /opt/app/run",
].join(" && ");

describe(
  "commit, diff and export through the real Docker CLI",
  { skip: skipReason() },
  () => {
    const d = new TestDaemon();
    const tmp = mkdtempSync("/tmp/wharf-fsops-");
    before(async () => {
      await d.start();
      await d.importBusybox();
      await d.ok(["run", "--name", "changed", "busybox", "sh", "-c", SCRIPT]);
    });
    after(async () => {
      await d.stop();
      rmSync(tmp, { recursive: true, force: true });
    });

    test("diff lists added, changed and deleted paths with Docker's letters", async () => {
      const lines = (await d.ok(["diff", "changed"])).trim().split("\n");
      for (const want of [
        "A /added.txt",
        "C /etc",
        "C /etc/passwd",
        "D /etc/group",
        "D /home",
        "C /var/www",
        "A /var/www/index.html",
        "A /opt",
        "A /opt/app",
        "A /opt/app/run",
      ])
        assert.ok(lines.includes(want), `${want} in:\n${lines.join("\n")}`);
      // Runtime mount targets are Docker's init layer: never listed.
      assert.ok(
        !lines.some((l) => /\/(etc\/host|dev|proc|sys)/.test(l)),
        lines.join("\n"),
      );
      const api = await d.curl(["/containers/changed/changes"]);
      const kinds = JSON.parse(api.stdout) as Array<{
        Path: string;
        Kind: number;
      }>;
      assert.deepEqual(
        kinds.find((c) => c.Path === "/home"),
        { Path: "/home", Kind: 2 },
      );
      assert.deepEqual(
        kinds.find((c) => c.Path === "/added.txt"),
        { Path: "/added.txt", Kind: 1 },
      );
    });

    test("commit -a -m -c gives an image whose containers see exactly the changes", async () => {
      const id = (
        await d.ok([
          "commit",
          "-a",
          "Tester <t@example.com>",
          "-m",
          "fsops commit",
          "-c",
          "ENV COMMITTED=yes",
          "changed",
          "committed:v1",
        ])
      ).trim();
      assert.match(id, /^sha256:[0-9a-f]{64}$/);
      const info = (
        await d.ok([
          "image",
          "inspect",
          "--format",
          "{{.Author}}|{{.Comment}}|{{json .Config.Cmd}}|{{len .RootFS.Layers}}|{{.Parent}}",
          "committed:v1",
        ])
      ).trim();
      const base = (
        await d.ok(["image", "inspect", "--format", "{{.Id}}", "busybox"])
      ).trim();
      assert.equal(
        info,
        `Tester <t@example.com>|fsops commit|["sh","-c","${SCRIPT}"]|2|${base}`,
      );
      const seen = await d.ok([
        "run",
        "--rm",
        "--entrypoint",
        "sh",
        "committed:v1",
        "-c",
        "cat /added.txt /var/www/index.html /opt/app/run; tail -1 /etc/passwd; " +
          "test -e /home || echo nohome; test -e /etc/group || echo nogroup; ls /var/www; echo $COMMITTED",
      ]);
      assert.equal(
        seen,
        [
          "new",
          "fresh",
          "app",
          "more",
          "nohome",
          "nogroup",
          "index.html",
          "yes",
          "",
        ].join("\n"),
      );
      const history = await d.ok([
        "history",
        "--format",
        "{{.Comment}}",
        "committed:v1",
      ]);
      assert.match(history, /^fsops commit\n/);
    });

    test("commit of a running container pauses it and emits pause, commit, unpause", async () => {
      await d.ok([
        "run",
        "-d",
        "--name",
        "live",
        "busybox",
        "sh",
        "-c",
        "echo x > /live && sleep 300",
      ]);
      await d.ok(["exec", "live", "sh", "-c", "test -f /live"]);
      const since = Math.floor(Date.now() / 1000) - 1;
      await d.ok(["commit", "live", "live:snap"]);
      const events = await d.ok([
        "events",
        "--since",
        String(since),
        "--until",
        String(Math.floor(Date.now() / 1000) + 1),
        "--filter",
        "container=live",
        "--filter",
        "event=pause",
        "--filter",
        "event=commit",
        "--filter",
        "event=unpause",
        "--format",
        "{{.Action}}",
      ]);
      assert.deepEqual(events.trim().split("\n"), [
        "pause",
        "commit",
        "unpause",
      ]);
      assert.equal(
        (await d.ok(["inspect", "-f", "{{.State.Status}}", "live"])).trim(),
        "running",
      );
      assert.equal(
        (await d.ok(["run", "--rm", "live:snap", "cat", "/live"])).trim(),
        "x",
      );
    });

    test("export | import round-trips the filesystem (file list and contents)", async () => {
      const a = join(tmp, "a.tar");
      const b = join(tmp, "b.tar");
      await d.ok(["export", "-o", a, "changed"]);
      const imp = await execFile(
        "sh",
        [
          "-c",
          `"${dockerBin}" export changed | "${dockerBin}" import - roundtrip:1`,
        ],
        {
          env: d.env,
        },
      );
      assert.equal(imp.code, 0, imp.stderr);
      await d.ok(["create", "--name", "rt", "roundtrip:1", "true"]);
      await d.ok(["export", "-o", b, "rt"]);
      const list = async (tar: string) =>
        (await execFile("tar", ["-tvf", tar])).stdout
          .split("\n")
          .filter(
            (l) =>
              l && !/ (etc\/hostname|etc\/hosts|etc\/resolv\.conf)$/.test(l),
          )
          .map((l) => l.replace(/\s+\d{4}-\d\d-\d\d \d\d:\d\d/, ""))
          .sort();
      const [la, lb] = [await list(a), await list(b)];
      assert.ok(
        la.some((l) => l.endsWith(" added.txt")),
        "added.txt exported",
      );
      assert.ok(
        !la.some((l) => / home\/?$/.test(l)),
        "deleted /home not exported",
      );
      assert.deepEqual(lb, la);
      const content = await execFile("tar", ["-xOf", b, "var/www/index.html"]);
      assert.equal(content.stdout, "fresh\n");
    });

    test("nothing stays mounted for stopped containers after diff, export and commit", () => {
      // Only the running container "live" has its rootfs mounted.
      const merged = mountsUnder(d.dir).filter((m) => m.endsWith("/merged"));
      assert.equal(merged.length, 1, merged.join("\n"));
    });
  },
);
