import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFile } from "../../../src/util/exec.ts";
import { skipReason, suiteDaemon } from "../harness.ts";

describe(
  "bad input gets Docker's status and message and leaves nothing behind",
  { skip: skipReason() },
  () => {
    const d = suiteDaemon();

    const status = async (
      args: string[],
    ): Promise<{ code: string; body: string }> => {
      const r = await d.curl([
        ...args.slice(0, 1),
        "-w",
        "\n%{http_code}",
        ...args.slice(1),
      ]);
      const lines = r.stdout.trimEnd().split("\n");
      return { code: lines.pop()!, body: lines.join("\n") };
    };

    test("malformed JSON on create is a 400", async () => {
      const r = await status([
        "/containers/create",
        "-X",
        "POST",
        "-H",
        "Content-Type: application/json",
        "-d",
        "{nope",
      ]);
      assert.equal(r.code, "400");
      assert.match(
        JSON.parse(r.body).message,
        /invalid JSON|invalid character/i,
      );
    });

    test("unknown container and image are 404 with Docker's wording", async () => {
      assert.deepEqual(await status(["/containers/nope/json"]), {
        code: "404",
        body: '{"message":"No such container: nope"}\n',
      });
      const img = await status(["/images/nope:1/json"]);
      assert.equal(img.code, "404");
      assert.match(img.body, /No such image: nope:1/);
      const r = await d.docker(["run", "--rm", "nope:1", "true"]);
      assert.equal(r.code, 125);
      assert.match(
        r.stderr,
        /No such image: nope:1|Unable to find image 'nope:1' locally/,
      );
    });

    test("a name conflict is a 409 and the first container is kept", async () => {
      await d.ok(["create", "--name", "dup", "busybox", "true"]);
      const r = await d.docker(["create", "--name", "dup", "busybox", "true"]);
      assert.equal(r.code, 1); // only docker run uses 125 for daemon errors
      assert.match(
        r.stderr,
        /Conflict\. The container name "\/dup" is already in use by container/,
      );
      assert.equal(
        (await d.ok(["ps", "-aq", "--filter", "name=dup"])).trim().split("\n")
          .length,
        1,
      );
      await d.ok(["rm", "dup"]);
    });

    test("invalid references are refused", async () => {
      const r = await d.docker(["tag", "busybox", "Bad/UPPER:tag"]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /invalid reference format|must be lowercase/);
      const api = await status([
        "/images/busybox/tag?repo=a%20b",
        "-X",
        "POST",
      ]);
      assert.equal(api.code, "400");
    });

    test("a tar with ../ paths is refused by import and by load, and leaves no image", async () => {
      const dir = mkdtempSync("/tmp/wharf-evil-");
      try {
        writeFileSync(join(dir, "x"), "pwned");
        const evil = join(dir, "evil.tar");
        const mk = await execFile("tar", [
          "-C",
          dir,
          "-cf",
          evil,
          "--transform",
          "s,^x$,../../../tmp/wharf-escaped-x,",
          "-P",
          "x",
        ]);
        assert.equal(mk.code, 0, mk.stderr);
        const before1 = await d.ok(["images", "-aq"]);
        const imp = await d.docker(["import", evil, "evil:1"]);
        assert.notEqual(imp.code, 0);
        const load = await d.docker(["load", "-i", evil]);
        assert.notEqual(load.code, 0);
        assert.equal(await d.ok(["images", "-aq"]), before1);
        const gone = await execFile("test", ["-e", "/tmp/wharf-escaped-x"]);
        assert.notEqual(gone.code, 0, "nothing was written outside the root");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
