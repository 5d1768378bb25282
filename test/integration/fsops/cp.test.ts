import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import tar from "tar-stream";
import { execFile } from "../../../src/util/exec.ts";
import {
  dockerBin,
  mountsUnder,
  skipReason,
  TestDaemon,
  wharfOnly,
} from "../harness.ts";

async function tarOf(
  entries: Array<{
    name: string;
    type?: "file" | "symlink";
    linkname?: string;
    body?: string;
  }>,
): Promise<Buffer> {
  const pack = tar.pack();
  for (const { body, ...h } of entries)
    pack.entry({ mode: 0o644, ...h }, body ?? "");
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

describe(
  "docker cp through the real Docker CLI",
  { skip: skipReason() },
  () => {
    const d = new TestDaemon();
    const tmp = mkdtempSync("/tmp/wharf-cp-");
    const outside = join(tmp, "outside");
    const unique = `wharf-cp-canary-${randomBytes(6).toString("hex")}`;
    const sh = (cmd: string) =>
      execFile("sh", ["-c", cmd], { env: { ...d.env, DOCKER: dockerBin } });
    before(async () => {
      mkdirSync(outside);
      writeFileSync(join(outside, "secret"), "host-secret\n");
      await d.start();
      await d.importBusybox();
      const setup = [
        "mkdir -p /data/sub && echo one > /data/sub/file && echo top > /data/top",
        "ln -s sub/file /data/rel-link",
        "ln -s / /rootlink",
        "ln -s ../../../../../.. /uplink",
        `ln -s ${outside} /hostpath`,
        `echo in-container > /${unique}`,
      ].join(" && ");
      await d.ok(["run", "--name", "stopped", "busybox", "sh", "-c", setup]);
      await d.ok([
        "run",
        "-d",
        "--name",
        "running",
        "busybox",
        "sh",
        "-c",
        `${setup} && sleep 600`,
      ]);
      await d.ok(["exec", "running", "test", "-L", "/hostpath"]);
    });
    after(async () => {
      await d.stop();
      rmSync(tmp, { recursive: true, force: true });
      rmSync(`/${unique}`, { force: true });
      rmSync(`/tmp/${unique}`, { force: true });
    });

    for (const name of ["stopped", "running"]) {
      test(`cp out of a ${name} container: file, dir, dir/., symlink, -L and tar on stdout`, async () => {
        const dst = mkdtempSync(join(tmp, `out-${name}-`));
        await d.ok(["cp", `${name}:/data/top`, dst]);
        assert.equal(readFileSync(join(dst, "top"), "utf8"), "top\n");
        await d.ok(["cp", `${name}:/data`, join(dst, "copy")]);
        assert.equal(readFileSync(join(dst, "copy/sub/file"), "utf8"), "one\n");
        mkdirSync(join(dst, "contents"));
        await d.ok(["cp", `${name}:/data/.`, join(dst, "contents")]);
        assert.deepEqual(readdirSync(join(dst, "contents")).sort(), [
          "rel-link",
          "sub",
          "top",
        ]);
        await d.ok(["cp", `${name}:/data/rel-link`, join(dst, "link")]);
        assert.equal(readlinkSync(join(dst, "link")), "sub/file");
        await d.ok([
          "cp",
          "-L",
          `${name}:/data/rel-link`,
          join(dst, "followed"),
        ]);
        assert.ok(lstatSync(join(dst, "followed")).isFile());
        assert.equal(readFileSync(join(dst, "followed"), "utf8"), "one\n");
        const listing = await sh(`"$DOCKER" cp ${name}:/data/sub - | tar -t`);
        assert.equal(listing.stdout, "sub/\nsub/file\n");
        const missing = await d.docker(["cp", `${name}:/nope`, dst]);
        assert.notEqual(missing.code, 0);
        assert.match(
          missing.stderr,
          new RegExp(`Could not find the file /nope in container ${name}`),
        );
      });

      test(`cp into a ${name} container: file, new dir name, existing dir, tar on stdin`, async () => {
        const src = mkdtempSync(join(tmp, `in-${name}-`));
        writeFileSync(join(src, "f.txt"), "uploaded\n");
        mkdirSync(join(src, "tree/deep"), { recursive: true });
        writeFileSync(join(src, "tree/deep/x"), "x\n");
        symlinkSync("deep/x", join(src, "tree/lnk"));
        await d.ok(["cp", join(src, "f.txt"), `${name}:/data/`]);
        await d.ok(["cp", join(src, "f.txt"), `${name}:/data/renamed.txt`]);
        await d.ok(["cp", join(src, "tree"), `${name}:/newtree`]);
        await d.ok(["cp", join(src, "tree"), `${name}:/data`]);
        const put = await sh(
          `tar -C ${src} -c f.txt | "$DOCKER" cp - ${name}:/tmp`,
        );
        assert.equal(put.code, 0, put.stderr);
        const back = mkdtempSync(join(tmp, `back-${name}-`));
        for (const p of [
          "/data/f.txt",
          "/data/renamed.txt",
          "/newtree",
          "/data/tree",
          "/tmp/f.txt",
        ])
          await d.ok([
            "cp",
            `${name}:${p}`,
            join(back, p.replaceAll("/", "_")),
          ]);
        assert.equal(
          readFileSync(join(back, "_data_renamed.txt"), "utf8"),
          "uploaded\n",
        );
        assert.equal(
          readFileSync(join(back, "_tmp_f.txt"), "utf8"),
          "uploaded\n",
        );
        assert.equal(
          readFileSync(join(back, "_newtree/deep/x"), "utf8"),
          "x\n",
        );
        assert.equal(readlinkSync(join(back, "_data_tree/lnk")), "deep/x");
      });
    }

    test("symlinks to /, to ../../.. and to a host path resolve inside the container, both ways", async () => {
      const dst = mkdtempSync(join(tmp, "hostile-"));
      for (const via of ["rootlink", "uplink"]) {
        await d.ok(["cp", `stopped:/${via}/${unique}`, join(dst, via)]);
        assert.equal(readFileSync(join(dst, via), "utf8"), "in-container\n");
      }
      assert.notEqual(
        (await d.docker(["cp", "stopped:/hostpath/secret", dst])).code,
        0,
      );
      assert.ok(
        !existsSync(join(dst, "secret")),
        "the host's secret was not read",
      );
      writeFileSync(join(dst, unique), "from-host\n");
      for (const target of [
        "running:/rootlink/tmp/",
        "running:/uplink/tmp/",
        "stopped:/rootlink/tmp/",
      ])
        await d.ok(["cp", join(dst, unique), target]);
      await d.docker(["cp", join(dst, unique), "running:/hostpath/"]);
      assert.ok(
        !existsSync(`/tmp/${unique}`),
        "nothing written to the host's /tmp",
      );
      assert.deepEqual(readdirSync(outside), ["secret"]);
      assert.equal(
        (await d.ok(["exec", "running", "cat", `/tmp/${unique}`])).trim(),
        "from-host",
      );
    });

    test("files bound over /etc and file binds are the container's, reached through symlinks to /, absolute and relative, and .. escapes", async () => {
      const host = join(tmp, "bound.txt");
      writeFileSync(host, "bound-file\n");
      await d.ok([
        "run",
        "-d",
        "--name",
        "hn",
        "--hostname",
        "inctr-host",
        "-v",
        `${host}:/bound.txt`,
        "busybox",
        "sh",
        "-c",
        "ln -s / /root-link && mkdir -p /a/b && ln -s ../../etc /a/b/rel && ln -s /etc /a/b/abs && touch /ready && sleep 600",
      ]);
      await d.ok([
        "exec",
        "hn",
        "sh",
        "-c",
        "while [ ! -e /ready ]; do sleep 0.1; done",
      ]);
      const read = async (p: string): Promise<string> => {
        const r = await sh(`"$DOCKER" cp 'hn:${p}' - | tar -xO`);
        assert.equal(r.code, 0, `${p}: ${r.stderr}`);
        return r.stdout;
      };
      for (const p of [
        "/etc/hostname",
        "/root-link/etc/hostname",
        "/a/b/rel/hostname",
        "/a/b/abs/hostname",
        "/a/b/rel/../../../../../etc/hostname",
        "/root-link/../../etc/hostname",
      ])
        assert.equal(await read(p), "inctr-host\n", p);
      assert.equal(
        await read("/root-link/etc/hosts"),
        await d.ok(["exec", "hn", "cat", "/etc/hosts"]),
      );
      assert.equal(await read("/root-link/bound.txt"), "bound-file\n");
      const listing = await sh(`"$DOCKER" cp hn:/root-link/etc - | tar -t`);
      assert.match(listing.stdout, /^etc\/hostname$/m);
      // The archive API itself: HEAD's stat header and GET's tar.
      const head = await d.curl([
        "/containers/hn/archive?path=/a/b/rel/hostname",
        "-I",
      ]);
      const stat = /x-docker-container-path-stat: (\S+)/i.exec(head.stdout);
      assert.ok(stat, head.stdout);
      const st = JSON.parse(Buffer.from(stat[1]!, "base64").toString()) as {
        name: string;
        size: number;
      };
      assert.deepEqual([st.name, st.size], ["hostname", 11]);
      const get = await sh(
        `curl -s --unix-socket ${d.socket} 'http://x/containers/hn/archive?path=/root-link/etc/hostname' | tar -xO`,
      );
      assert.equal(get.stdout, "inctr-host\n");
      await d.ok(["rm", "-f", "hn"]);
    });

    test(
      "an uploaded tar with ../ members is refused; a symlink member stays inside",
      {
        skip: wharfOnly(
          "dockerd 20.10 answers 200 for ../ members; wharf refuses them with 400 (deliberate)",
        ),
      },
      async () => {
        const bad = await tarOf([
          { name: `../../../../../tmp/${unique}`, body: "x" },
        ]);
        const badFile = join(tmp, "bad.tar");
        writeFileSync(badFile, bad);
        const r = await d.curl([
          "/containers/running/archive?path=/tmp",
          "-X",
          "PUT",
          "-o",
          "/dev/null",
          "-w",
          "%{http_code}",
          "--data-binary",
          `@${badFile}`,
        ]);
        assert.equal(r.stdout, "400");
        const sneaky = await tarOf([
          { name: "esc", type: "symlink", linkname: "/" },
          { name: `esc/${unique}-sym`, body: "confined\n" },
          { name: "up", type: "symlink", linkname: "../../../../.." },
          { name: `up/tmp/${unique}-up`, body: "confined\n" },
        ]);
        const sneakyFile = join(tmp, "sneaky.tar");
        writeFileSync(sneakyFile, sneaky);
        const ok = await d.curl([
          "/containers/running/archive?path=/tmp",
          "-X",
          "PUT",
          "-w",
          "%{http_code}",
          "--data-binary",
          `@${sneakyFile}`,
        ]);
        assert.equal(ok.stdout, "200");
        assert.ok(
          !existsSync(`/tmp/${unique}`) &&
            !existsSync(`/${unique}-sym`) &&
            !existsSync(`/tmp/${unique}-up`),
        );
        assert.equal(
          await d.ok([
            "exec",
            "running",
            "cat",
            `/${unique}-sym`,
            `/tmp/${unique}-up`,
          ]),
          "confined\nconfined\n",
        );
      },
    );

    test("a directory swapped for a symlink during copies never leads outside (best effort race)", async () => {
      await d.ok([
        "exec",
        "-d",
        "running",
        "sh",
        "-c",
        `while true; do rm -rf /swap; mkdir -p /swap/d; echo inside > /swap/d/secret; rm -rf /swap; ln -s ${outside} /swap; done`,
      ]);
      const dst = mkdtempSync(join(tmp, "race-"));
      writeFileSync(join(dst, "payload"), "payload\n");
      for (let i = 0; i < 25; i++) {
        await d.docker(["cp", "running:/swap", join(dst, `got${i}`)]);
        await d.docker(["cp", join(dst, "payload"), "running:/swap/d/"]);
      }
      // Regular files only: a copied symlink (/swap itself) points at the host path on the host too.
      const got = await sh(`find ${dst} -type f -exec cat {} +`);
      assert.ok(
        !got.stdout.includes("host-secret"),
        "host file read through a swapped symlink",
      );
      assert.deepEqual(readdirSync(outside), ["secret"]);
    });

    test("cp on a stopped container leaves no mount behind", () => {
      const merged = mountsUnder(d.dir).filter((m) => m.endsWith("/merged"));
      assert.equal(
        merged.length,
        1,
        `only the running container's rootfs:\n${merged.join("\n")}`,
      );
    });
  },
);
