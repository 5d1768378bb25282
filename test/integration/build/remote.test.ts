import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { skipReason } from "../harness.ts";
import { buildFixture } from "./fixture.ts";

describe(
  "POST /build?remote=: a tar URL on loopback, a Git repository by path",
  { skip: skipReason() },
  () => {
    const { d, root, serve } = buildFixture({
      prefix: "/tmp/wharf-buildremote-it-",
    });
    let base = "";
    /** POST /build with query; returns the JSON lines' streams and errors, and the status. */
    const build = async (
      query: string,
    ): Promise<{ status: string; text: string }> => {
      const r = await d.curl([
        `/build?${query}`,
        "-g",
        "-X",
        "POST",
        "-w",
        "\n%{http_code}",
      ]);
      const lines = r.stdout.trim().split("\n");
      const status = lines.pop()!;
      const text = lines
        .filter((l) => l.trim() !== "")
        .map((l) => {
          const m = JSON.parse(l) as {
            stream?: string;
            error?: string;
            message?: string;
          };
          return m.stream ?? m.error ?? m.message ?? "";
        })
        .join("");
      return { status, text };
    };
    const git = (cwd: string, ...args: string[]): void =>
      void execFileSync(
        "git",
        ["-c", "user.name=t", "-c", "user.email=t@t", ...args],
        {
          cwd,
          stdio: "ignore",
        },
      );
    before(async () => {
      const ctx = join(root, "ctx");
      mkdirSync(ctx);
      writeFileSync(
        join(ctx, "Dockerfile"),
        "FROM busybox\nCOPY hello /hello\n",
      );
      writeFileSync(join(ctx, "hello"), "from a tar URL\n");
      execFileSync("tar", ["-C", ctx, "-czf", join(root, "ctx.tar.gz"), "."]);
      base = await serve((req, res) => {
        if (req.url === "/ctx.tar.gz") {
          res.writeHead(200, { "Content-Type": "application/gzip" });
          res.end(readFileSync(join(root, "ctx.tar.gz")));
        } else if (req.url === "/Dockerfile") {
          res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
          res.end("FROM busybox\nLABEL from=plain\n");
        } else {
          res.writeHead(404);
          res.end("no");
        }
      });
    });

    test("a context tar (gzip) from a loopback URL builds; a text/plain URL is the Dockerfile; a 404 fails", async () => {
      const r = await build(
        `remote=${encodeURIComponent(`${base}/ctx.tar.gz`)}&t=remote:tar&networkmode=none`,
      );
      assert.equal(r.status, "200");
      assert.match(r.text, /Successfully tagged remote:tar/, r.text);
      assert.equal(
        await d.ok(["run", "--rm", "remote:tar", "cat", "/hello"]),
        "from a tar URL\n",
      );
      const plain = await build(
        `remote=${encodeURIComponent(`${base}/Dockerfile`)}&t=remote:plain`,
      );
      assert.match(plain.text, /Successfully tagged remote:plain/, plain.text);
      assert.equal(
        (
          await d.ok([
            "inspect",
            "--format",
            '{{index .Config.Labels "from"}}',
            "remote:plain",
          ])
        ).trim(),
        "plain",
      );
      const missing = await build(
        `remote=${encodeURIComponent(`${base}/nope.tar`)}`,
      );
      assert.equal(missing.status, "400");
      assert.match(missing.text, /error downloading remote context .*404/);
    });

    test("a Git repository: <path>#<ref>:<subdir> builds that ref's subdir; an escaping subdir and a non-URL are refused", async () => {
      const repo = join(root, "repo");
      mkdirSync(join(repo, "app"), { recursive: true });
      git(root, "init", "-q", "-b", "main", repo);
      writeFileSync(
        join(repo, "app", "Dockerfile"),
        "FROM busybox\nCOPY v /v\n",
      );
      writeFileSync(join(repo, "app", "v"), "main\n");
      git(repo, "add", ".");
      git(repo, "commit", "-q", "-m", "main");
      git(repo, "checkout", "-q", "-b", "feature");
      writeFileSync(join(repo, "app", "v"), "feature\n");
      git(repo, "commit", "-q", "-am", "feature");
      git(repo, "checkout", "-q", "main");
      const r = await build(
        `remote=${encodeURIComponent(`${repo}#feature:app`)}&t=remote:git`,
      );
      assert.match(r.text, /Successfully tagged remote:git/, r.text);
      assert.equal(
        await d.ok(["run", "--rm", "remote:git", "cat", "/v"]),
        "feature\n",
      );
      const escape = await build(
        `remote=${encodeURIComponent(`${repo}#main:../..`)}`,
      );
      assert.equal(escape.status, "400");
      const unknown = await build("remote=not-a-url");
      assert.equal(unknown.status, "400");
      assert.match(
        unknown.text,
        /remoteURL \(not-a-url\) could not be recognized as URL/,
      );
      const ref = await build(
        `remote=${encodeURIComponent(`${repo}#no-such-ref`)}`,
      );
      assert.equal(ref.status, "400");
      assert.match(ref.text, /error fetching the git repository/);
      // Nothing of the clones is left in the builder's tmp dir.
      assert.deepEqual(
        execFileSync("ls", [join(d.dir, "data/builder/tmp")]).toString(),
        "",
      );
    });

    test("squash answers 501 with what is not built", async () => {
      const r = await build("squash=1");
      assert.equal(r.status, "501");
      assert.match(r.text, /not implemented: docker build --squash/);
    });
  },
);
