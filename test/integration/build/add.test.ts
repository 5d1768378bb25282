import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { skipReason } from "../harness.ts";
import { buildFixture } from "./fixture.ts";

/** A tar of {name: content} made by GNU tar, compressed with flag ("" = plain). */
function tarOf(
  dir: string,
  files: Record<string, string>,
  flag: string,
): Buffer {
  const src = mkdtempSync(join(dir, "src-"));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(src, name, ".."), { recursive: true });
    writeFileSync(join(src, name), content);
  }
  const r = spawnSync(
    "tar",
    [
      "-c",
      ...(flag ? [flag] : []),
      "--owner=1234",
      "--group=99",
      "-C",
      src,
      ".",
    ],
    { maxBuffer: 1 << 24 },
  );
  assert.equal(r.status, 0, String(r.stderr));
  return r.stdout;
}

describe(
  "ADD: local archives unpacked, URLs downloaded (real Docker CLI, classic builder)",
  { skip: skipReason() },
  () => {
    const { d, root, serve } = buildFixture({
      prefix: "/tmp/wharf-build-add-",
      classic: true,
    });
    let base = "";
    const served = new Map<string, Buffer>([
      ["/files/hello.txt", Buffer.from("hello from the web\n")],
      ["/files/pack.tar.gz", gzipSync(Buffer.from("not really a tar"))],
    ]);
    before(async () => {
      base = await serve((req, res) => {
        const body = served.get(req.url ?? "");
        if (!body) {
          res.writeHead(404).end("no such file");
          return;
        }
        res.writeHead(200, {
          "Last-Modified": "Tue, 01 Jan 2019 10:00:00 GMT",
          "Content-Length": body.length,
        });
        res.end(body);
      });
    });

    for (const [kind, flag] of [
      ["tar", ""],
      ["tar.gz", "-z"],
      ["tar.bz2", "-j"],
      ["tar.xz", "-J"],
      ["tar.zst", "--zstd"],
    ] as const)
      test(`ADD of a local .${kind} unpacks it with its owners; COPY keeps the file`, async () => {
        const dir = mkdtempSync(join(root, "ctx-"));
        writeFileSync(
          join(dir, `app.${kind}`),
          tarOf(root, { "a.txt": "A\n", "sub/b.txt": "B\n" }, flag),
        );
        writeFileSync(
          join(dir, "Dockerfile"),
          `FROM busybox\nADD app.${kind} /opt/app/\nCOPY app.${kind} /copied/\n` +
            `CMD ["sh", "-c", "cat /opt/app/a.txt /opt/app/sub/b.txt; stat -c '%u:%g' /opt/app/a.txt; ls /copied"]\n`,
        );
        const tag = `add-${kind.replace(/\./g, "-")}:1`;
        await d.ok(["build", "-q", "-t", tag, dir]);
        const out = await d.ok(["run", "--rm", "--network", "none", tag]);
        assert.equal(out, `A\nB\n1234:99\napp.${kind}\n`);
      });

    test("ADD of a gzip that is not a tar copies the file as it is", async () => {
      const dir = mkdtempSync(join(root, "ctx-"));
      writeFileSync(join(dir, "data.gz"), gzipSync(Buffer.from("x")));
      writeFileSync(
        join(dir, "Dockerfile"),
        `FROM busybox\nADD data.gz /d/\nCMD ["ls", "/d"]\n`,
      );
      await d.ok(["build", "-q", "-t", "add-gz:1", dir]);
      assert.equal(
        await d.ok(["run", "--rm", "--network", "none", "add-gz:1"]),
        "data.gz\n",
      );
    });

    test("ADD <url> downloads the file (0600, Last-Modified) and never unpacks it; --checksum is checked", async () => {
      const dir = mkdtempSync(join(root, "ctx-"));
      const sum = createHash("sha256")
        .update(served.get("/files/hello.txt")!)
        .digest("hex");
      writeFileSync(
        join(dir, "Dockerfile"),
        `FROM busybox\nADD ${base}/files/hello.txt /web/\n` +
          `ADD --checksum=sha256:${sum} ${base}/files/hello.txt /web/again.txt\n` +
          `ADD ${base}/files/pack.tar.gz /web/\n` +
          `CMD ["sh", "-c", "cat /web/hello.txt; stat -c '%a %Y' /web/hello.txt; ls /web"]\n`,
      );
      await d.ok(["build", "-q", "-t", "add-url:1", dir]);
      const out = await d.ok(["run", "--rm", "--network", "none", "add-url:1"]);
      assert.equal(
        out,
        "hello from the web\n600 1546336800\nagain.txt\nhello.txt\npack.tar.gz\n",
      );
      // The same bytes again: every step is a cache hit.
      const again = await d.ok(["build", "-t", "add-url:1", dir]);
      assert.equal((again.match(/Using cache/g) ?? []).length, 4, again);
    });

    test("COPY --parents keeps the sources' paths; --exclude answers not implemented", async () => {
      const dir = mkdtempSync(join(root, "ctx-"));
      mkdirSync(join(dir, "src/app/lib"), { recursive: true });
      writeFileSync(join(dir, "src/app/main.txt"), "m\n");
      writeFileSync(join(dir, "src/app/lib/l.txt"), "l\n");
      writeFileSync(
        join(dir, "Dockerfile"),
        `FROM busybox\nCOPY --parents src/./app/*.txt src/app/lib /out/\nCMD ["find", "/out", "-type", "f"]\n`,
      );
      await d.ok(["build", "-q", "-t", "copy-parents:1", dir]);
      const found = (
        await d.ok(["run", "--rm", "--network", "none", "copy-parents:1"])
      )
        .trim()
        .split("\n")
        .sort();
      assert.deepEqual(found, ["/out/app/main.txt", "/out/src/app/lib/l.txt"]);
      writeFileSync(
        join(dir, "Dockerfile"),
        `FROM busybox\nCOPY --exclude=*.md src /out/\n`,
      );
      const r = await d.docker(["build", "-t", "copy-exclude:1", dir]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /not implemented: COPY --exclude/);
    });

    test("bad URL sources fail with Docker's messages and leave no image", async () => {
      const cases: [string, RegExp][] = [
        [
          `ADD ${base}/files/missing /x`,
          /failed to GET .*\/files\/missing with status 404/,
        ],
        [`COPY ${base}/files/hello.txt /x`, /source can't be a URL for COPY/],
        [
          `ADD --checksum=sha256:${"0".repeat(64)} ${base}/files/hello.txt /x`,
          /digest mismatch sha256:[0-9a-f]{64}: sha256:0{64}/,
        ],
      ];
      for (const [line, message] of cases) {
        const dir = mkdtempSync(join(root, "ctx-"));
        writeFileSync(join(dir, "Dockerfile"), `FROM busybox\n${line}\n`);
        const r = await d.docker(["build", "-t", "add-bad:1", dir]);
        assert.notEqual(r.code, 0, line);
        assert.match(r.stdout + r.stderr, message, line);
      }
      const images = await d.docker(["image", "inspect", "add-bad:1"]);
      assert.notEqual(images.code, 0);
    });
  },
);
