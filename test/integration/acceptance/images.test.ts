import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "../../../src/util/exec.ts";
import { busyboxTar, dockerBin, skipReason, TestDaemon } from "../harness.ts";

describe("images through the real Docker CLI", { skip: skipReason() }, () => {
  const d = new TestDaemon();
  before(() => d.start());
  after(() => d.stop());

  test("import makes an image from a rootfs tar with the given CMD", async () => {
    const id = (
      await d.ok([
        "import",
        "--change",
        'CMD ["sh"]',
        "--message",
        "from busybox-static",
        busyboxTar(),
        "busybox:latest",
      ])
    ).trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(
      (
        await d.ok([
          "image",
          "inspect",
          "--format",
          "{{json .Config.Cmd}} {{.Comment}}",
          "busybox",
        ])
      ).trim(),
      '["sh"] from busybox-static',
    );
    assert.match(
      await d.ok(["images"]),
      /^busybox\s+latest\s+[0-9a-f]{12}\s+.+\s+\d+(\.\d+)?MB$/m,
    );
  });

  test("import from stdin with -", async () => {
    await d.ok(["import", "-", "bb-stdin:1"], {
      input: await import("node:fs").then((fs) =>
        fs.readFileSync(busyboxTar()),
      ),
    });
    assert.equal(
      (await d.ok(["run", "--rm", "bb-stdin:1", "echo", "ok"])).trim(),
      "ok",
    );
  });

  test("save busybox | docker load round-trips into another daemon", async () => {
    const other = new TestDaemon();
    try {
      await other.start();
      const r = await execFile(
        "sh",
        [
          "-c",
          `DOCKER_HOST=${d.env.DOCKER_HOST} ${dockerBin} save busybox | DOCKER_HOST=${other.env.DOCKER_HOST} ${dockerBin} load`,
        ],
        { env: d.env },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Loaded image: busybox:latest/);
      const a = await d.ok([
        "image",
        "inspect",
        "--format",
        "{{.Id}}",
        "busybox",
      ]);
      const b = await other.ok([
        "image",
        "inspect",
        "--format",
        "{{.Id}}",
        "busybox",
      ]);
      assert.equal(a, b);
      assert.equal(
        (await other.ok(["run", "--rm", "busybox", "echo", "loaded"])).trim(),
        "loaded",
      );
    } finally {
      await other.stop();
    }
  });

  test("tag, history and rmi: untag first, delete with the last tag", async () => {
    await d.ok(["tag", "busybox", "mybox:v1"]);
    assert.match(
      await d.ok(["images", "--format", "{{.Repository}}:{{.Tag}}"]),
      /mybox:v1/,
    );
    const hist = await d.ok(["history", "mybox:v1"]);
    assert.match(
      hist.split("\n")[0]!,
      /IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT/,
    );
    assert.match(await d.ok(["rmi", "mybox:v1"]), /Untagged: mybox:v1/);
    assert.equal(
      (
        await d.ok([
          "image",
          "inspect",
          "--format",
          "{{len .RepoTags}}",
          "busybox",
        ])
      ).trim(),
      "1",
    );
  });

  test("rmi refuses an image a container uses unless forced", async () => {
    await d.ok(["tag", "busybox", "inuse:1"]);
    await d.ok(["create", "--name", "user1", "inuse:1", "true"]);
    await d.ok(["rmi", "busybox"]);
    const r = await d.docker(["rmi", "inuse:1"]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /conflict: unable to (remove repository reference|delete)/,
    );
    await d.ok(["rm", "user1"]);
    await d.ok(["tag", "inuse:1", "busybox:latest"]);
    await d.ok(["rmi", "inuse:1"]);
  });
});
