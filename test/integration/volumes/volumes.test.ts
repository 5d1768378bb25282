import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { execFile } from "../../../src/util/exec.ts";
import { mountsUnder, skipReason, TestDaemon, wharfOnly } from "../harness.ts";
import { importDataImage, TestPlugin } from "./fixtures.ts";

describe(
  "volumes and mounts through the Docker CLI",
  { skip: skipReason() },
  () => {
    const d = new TestDaemon();
    const plugins = join(d.dir, "plugins");
    const host = join(d.dir, "host");
    const volumesDir = join(d.dir, "data/volumes");
    const tp = new TestPlugin(join(plugins, "tp.sock"), d.dir);
    const broken = new TestPlugin(join(plugins, "broken.sock"), d.dir);
    before(async () => {
      mkdirSync(plugins);
      mkdirSync(host);
      writeFileSync(
        join(d.dir, "daemon.json"),
        JSON.stringify({ "plugin-dirs": plugins }),
      );
      await d.start();
      await d.importBusybox();
      await importDataImage(d, "withdata:1");
      await tp.start();
      await broken.start("VolumeDriver.Create");
    });
    after(async () => {
      await d.stop();
      await tp.stop();
      await broken.stop();
    });
    const run = (args: string[]): Promise<string> =>
      d.ok(["run", "--rm", "--network", "none", ...args]);

    test("a bind mount shares files both ways, deletes included; :ro refuses writes", async () => {
      writeFileSync(join(host, "from-host"), "h\n");
      assert.equal(
        await run([
          "-v",
          `${host}:/b`,
          "busybox",
          "sh",
          "-c",
          "cat /b/from-host; echo c > /b/from-ctr; rm /b/from-host",
        ]),
        "h\n",
      );
      assert.equal(readFileSync(join(host, "from-ctr"), "utf8"), "c\n");
      assert.equal(existsSync(join(host, "from-host")), false);
      await d.ok([
        "run",
        "-d",
        "--name",
        "binder",
        "--network",
        "none",
        "-v",
        `${host}:/b`,
        "busybox",
        "sleep",
        "60",
      ]);
      rmSync(join(host, "from-ctr"));
      assert.equal((await d.docker(["exec", "binder", "ls", "/b"])).stdout, "");
      await d.ok(["rm", "-f", "binder"]);
      const ro = await d.docker([
        "run",
        "--rm",
        "--network",
        "none",
        "-v",
        `${host}:/b:ro`,
        "busybox",
        "touch",
        "/b/x",
      ]);
      assert.notEqual(ro.code, 0);
      assert.match(ro.stderr, /Read-only file system/);
      assert.equal(existsSync(join(host, "x")), false);
    });

    test("-v creates a missing host path; --mount refuses it and relative paths with Docker's text", async () => {
      const missing = join(d.dir, "made-by-v");
      await run(["-v", `${missing}:/m`, "busybox", "true"]);
      assert.ok(statSync(missing).isDirectory());
      const m = await d.docker([
        "run",
        "--rm",
        "--mount",
        `type=bind,src=${d.dir}/nope,dst=/x`,
        "busybox",
        "true",
      ]);
      assert.match(
        m.stderr,
        new RegExp(
          `invalid mount config for type "bind": bind source path does not exist: ${d.dir}/nope`,
        ),
      );
      assert.equal(existsSync(join(d.dir, "nope")), false);
      const rel = await d.docker([
        "run",
        "--rm",
        "-v",
        "rel/dir:/x",
        "busybox",
        "true",
      ]);
      assert.match(
        rel.stderr,
        /"rel\/dir" includes invalid characters for a local volume name/,
      );
      const prop = await d.docker([
        "create",
        "--mount",
        `type=bind,src=${host},dst=/p,bind-propagation=rslave`,
        "busybox",
      ]);
      assert.equal(prop.code, 0, prop.stderr);
      const mounts = JSON.parse(
        await d.ok(["inspect", "-f", "{{json .Mounts}}", prop.stdout.trim()]),
      );
      assert.deepEqual(mounts, [
        {
          Type: "bind",
          Source: host,
          Destination: "/p",
          Mode: "",
          RW: true,
          Propagation: "rslave",
        },
      ]);
      await d.ok(["rm", prop.stdout.trim()]);
    });

    test("a named volume outlives its container; a fresh volume starts with the image's files", async () => {
      await run([
        "-v",
        "keep:/data",
        "withdata:1",
        "sh",
        "-c",
        "echo mine > /data/mine",
      ]);
      assert.equal(
        await run([
          "-v",
          "keep:/data",
          "busybox",
          "cat",
          "/data/mine",
          "/data/hello",
        ]),
        "mine\nfrom the image\n",
      );
      const listing = await run([
        "-v",
        "fresh:/data",
        "withdata:1",
        "stat",
        "-c",
        "%n %a %u",
        "/data",
        "/data/hello",
        "/data/sub",
      ]);
      assert.equal(
        listing,
        "/data 750 0\n/data/hello 640 1000\n/data/sub 700 1000\n",
      );
      const nocopy = await run([
        "-v",
        "empty:/data:nocopy",
        "withdata:1",
        "ls",
        "/data",
      ]);
      assert.equal(nocopy, "");
      const inspect = JSON.parse(await d.ok(["volume", "inspect", "keep"]))[0];
      assert.equal(inspect.Mountpoint, join(volumesDir, "keep/_data"));
      assert.equal(inspect.Driver, "local");
      assert.equal(inspect.Scope, "local");
      await d.ok(["volume", "rm", "keep", "fresh", "empty"]);
    });

    test("anonymous volumes go with --rm and rm -v, and stay with plain rm", async () => {
      const before = readdirSync(volumesDir).length;
      await run(["withdata:1", "ls", "/data"]);
      assert.equal(readdirSync(volumesDir).length, before);
      const id = (await d.ok(["create", "-v", "/extra", "withdata:1"])).trim();
      const mountsOf = async (ref: string): Promise<string[]> =>
        (
          JSON.parse(
            await d.ok(["inspect", "-f", "{{json .Mounts}}", ref]),
          ) as { Name: string }[]
        ).map((m) => m.Name);
      const names = await mountsOf(id);
      assert.equal(names.length, 2);
      for (const n of names) assert.match(n, /^[0-9a-f]{64}$/);
      await d.ok(["rm", "-v", id]);
      for (const n of names)
        assert.equal(existsSync(join(volumesDir, n)), false);
      const kept = (await d.ok(["create", "withdata:1"])).trim();
      const [keptName = ""] = await mountsOf(kept);
      await d.ok(["rm", kept]);
      assert.ok(existsSync(join(volumesDir, keptName, "_data")));
      await d.ok(["volume", "rm", keptName]);
    });

    test("--volumes-from shares another container's volumes, :ro read-only", async () => {
      await d.ok(["create", "--name", "src", "-v", "shared:/s", "busybox"]);
      await run([
        "--volumes-from",
        "src",
        "busybox",
        "sh",
        "-c",
        "echo via > /s/f",
      ]);
      assert.equal(
        await run(["--volumes-from", "src:ro", "busybox", "cat", "/s/f"]),
        "via\n",
      );
      const ro = await d.docker([
        "run",
        "--rm",
        "--volumes-from",
        "src:ro",
        "busybox",
        "touch",
        "/s/g",
      ]);
      assert.match(ro.stderr, /Read-only file system/);
      await d.ok(["rm", "src"]);
      await d.ok(["volume", "rm", "shared"]);
    });

    test("tmpfs mounts have the requested size and mode and vanish with the container", async () => {
      const out = await run([
        "--tmpfs",
        "/t:size=64k,mode=1777",
        "--mount",
        "type=tmpfs,dst=/u,tmpfs-size=131072,tmpfs-mode=0700",
        "busybox",
        "sh",
        "-c",
        "df -k /t /u | tail -2 | awk '{print $2}'; stat -c %a /t /u",
      ]);
      assert.equal(out, "64\n128\n1777\n700\n");
    });

    test("volume create with local options mounts while used and unmounts after; rm in use is refused", async () => {
      await d.ok([
        "volume",
        "create",
        "-o",
        "type=tmpfs",
        "-o",
        "device=tmpfs",
        "-o",
        "o=size=1m",
        "tv",
      ]);
      const data = join(volumesDir, "tv/_data");
      await d.ok([
        "run",
        "-d",
        "--name",
        "user",
        "--network",
        "none",
        "-v",
        "tv:/tv",
        "busybox",
        "sleep",
        "60",
      ]);
      assert.ok(mountsUnder(d.dir).includes(data));
      assert.match(
        await d.ok(["exec", "user", "df", "-k", "/tv"]),
        /tmpfs\s+1024/,
      );
      const id = (await d.ok(["inspect", "-f", "{{.Id}}", "user"])).trim();
      const busy = await d.docker(["volume", "rm", "tv"]);
      assert.equal(
        busy.stderr.trim(),
        `Error response from daemon: remove tv: volume is in use - [${id}]`,
      );
      const busyF = await d.docker(["volume", "rm", "-f", "tv"]);
      assert.notEqual(busyF.code, 0);
      await d.ok(["stop", "-t", "0", "user"]);
      assert.equal(mountsUnder(d.dir).includes(data), false);
      assert.equal(
        await d.ok(["volume", "ls", "-q", "--filter", "dangling=false"]),
        "tv\n",
      );
      await d.ok(["rm", "user"]);
      assert.match(
        await d.ok([
          "volume",
          "ls",
          "-q",
          "--filter",
          "dangling=true",
          "--filter",
          "name=t",
        ]),
        /^tv$/m,
      );
      const bind = join(d.dir, "bound");
      mkdirSync(bind);
      await d.ok([
        "volume",
        "create",
        "--label",
        "k=v",
        "-o",
        "type=none",
        "-o",
        "o=bind",
        "-o",
        `device=${bind}`,
        "bv",
      ]);
      await run(["-v", "bv:/x", "busybox", "sh", "-c", "echo b > /x/f"]);
      assert.equal(readFileSync(join(bind, "f"), "utf8"), "b\n");
      assert.equal(
        await d.ok(["volume", "ls", "-q", "--filter", "label=k=v"]),
        "bv\n",
      );
      assert.equal(
        await d.ok([
          "volume",
          "ls",
          "--format",
          "{{.Driver}} {{.Name}}",
          "--filter",
          "name=^bv$",
        ]),
        "local bv\n",
      );
      await d.ok(["volume", "rm", "tv", "bv"]);
      assert.equal(
        readFileSync(join(bind, "f"), "utf8"),
        "b\n",
        "removing a bind volume keeps the host dir",
      );
    });

    test(
      "volume prune removes only unused anonymous volumes unless --all",
      {
        skip: wharfOnly(
          "dockerd 20.10 speaks API 1.41, before prune kept named volumes",
        ),
      },
      async () => {
        await d.ok(["volume", "create", "named1"]);
        const anon = (await d.ok(["create", "withdata:1"])).trim();
        await d.ok(["rm", anon]);
        const pruned = await d.ok(["volume", "prune", "-f"]);
        assert.match(pruned, /[0-9a-f]{64}/);
        assert.doesNotMatch(pruned, /named1/);
        const all = await d.ok(["volume", "prune", "-f", "--all"]);
        assert.match(all, /named1/);
        assert.equal(await d.ok(["volume", "ls", "-q"]), "");
      },
    );

    test(
      "a plugin volume: discovered, created, mounted, shared by two containers, unmounted, removed",
      {
        skip: wharfOnly("the plugin directory is wharfd's plugin-dirs setting"),
      },
      async () => {
        await d.ok(["volume", "create", "-d", "tp", "-o", "speed=fast", "pv"]);
        await d.ok([
          "run",
          "-d",
          "--name",
          "p1",
          "--network",
          "none",
          "-v",
          "pv:/p",
          "busybox",
          "sh",
          "-c",
          "echo one > /p/x; sleep 60",
        ]);
        await d.ok([
          "run",
          "-d",
          "--name",
          "p2",
          "--network",
          "none",
          "-v",
          "pv:/p",
          "busybox",
          "sleep",
          "60",
        ]);
        let seen = "";
        for (let i = 0; i < 50 && seen !== "one\n"; i++)
          seen = (await d.docker(["exec", "p2", "cat", "/p/x"])).stdout;
        assert.equal(seen, "one\n");
        assert.equal(readFileSync(join(tp.base, "pv/x"), "utf8"), "one\n");
        const mounts = JSON.parse(
          await d.ok(["inspect", "-f", "{{json .Mounts}}", "p1"]),
        );
        assert.equal(mounts[0].Source, join(tp.base, "pv"));
        assert.equal(mounts[0].Driver, "tp");
        await d.ok(["rm", "-f", "p1", "p2"]);
        await d.ok(["volume", "rm", "pv"]);
        assert.equal(existsSync(join(tp.base, "pv")), false);
        const verbs = tp.calls().map((c) => c.verb);
        assert.ok(verbs.includes("Plugin.Activate"));
        assert.equal(verbs.filter((v) => v === "VolumeDriver.Mount").length, 2);
        assert.equal(
          verbs.filter((v) => v === "VolumeDriver.Unmount").length,
          2,
        );
        assert.deepEqual(
          tp.calls().find((c) => c.verb === "VolumeDriver.Create")?.body,
          { Name: "pv", Opts: { speed: "fast" } },
        );
        assert.ok(verbs.includes("VolumeDriver.Remove"));
      },
    );

    test(
      "a failing plugin gives a clear error and leaves no record",
      {
        skip: wharfOnly("the plugin directory is wharfd's plugin-dirs setting"),
      },
      async () => {
        const r = await d.docker(["volume", "create", "-d", "broken", "bad"]);
        assert.notEqual(r.code, 0);
        assert.match(
          r.stderr,
          /create bad: VolumeDriver.Create: test plugin refuses VolumeDriver.Create/,
        );
        const c = await d.docker([
          "run",
          "--rm",
          "--volume-driver",
          "broken",
          "-v",
          "bad2:/x",
          "busybox",
          "true",
        ]);
        assert.match(c.stderr, /VolumeDriver.Create: test plugin refuses/);
        assert.equal(
          await d.ok(["volume", "ls", "-q", "--filter", "name=bad"]),
          "",
        );
        assert.equal(existsSync(join(volumesDir, "bad")), false);
        assert.equal((await d.docker(["volume", "inspect", "bad"])).code, 1);
        assert.equal(await d.ok(["ps", "-aq"]), "");
      },
    );

    test("hostile volume, driver and plugin names are refused before they touch the filesystem", async () => {
      // A spec one level above the plugin dir: Docker's discovery would follow ../ to it.
      writeFileSync(join(d.dir, "evil.spec"), `unix://${tp.socket}\n`);
      for (const drv of ["../evil", "a/b", "..", "tp/../tp"]) {
        const r = await d.docker(["volume", "create", "-d", drv, "hv"]);
        assert.match(
          r.stderr,
          /error looking up volume plugin .*: plugin ".*" not found/,
          drv,
        );
      }
      for (const name of ["../x", "a/b", "..", ".hidden"]) {
        const r = await d.docker(["volume", "create", name]);
        assert.match(
          r.stderr,
          /includes invalid characters for a local volume name/,
          name,
        );
      }
      assert.equal(existsSync(join(d.dir, "data/x")), false);
      assert.equal(await d.ok(["volume", "ls", "-q"]), "");
    });

    test(
      "kill -9 of wharfd keeps volumes and their references",
      {
        skip: wharfOnly(
          "dockerd killed with -9 cannot restart beside its orphaned containerd",
        ),
      },
      async () => {
        await d.ok([
          "run",
          "-d",
          "--name",
          "k1",
          "--network",
          "none",
          "-v",
          "kv:/k",
          "busybox",
          "sleep",
          "60",
        ]);
        await d.ok(["create", "--name", "k2", "-v", "kv2:/k", "busybox"]);
        await d.halt("SIGKILL");
        await d.start();
        assert.match(
          (await d.docker(["volume", "rm", "kv"])).stderr,
          /volume is in use/,
        );
        assert.match(
          (await d.docker(["volume", "rm", "kv2"])).stderr,
          /volume is in use/,
        );
        const df = await d.ok([
          "system",
          "df",
          "-v",
          "--format",
          "{{range .Volumes}}{{.Name}}={{.Links}} {{end}}",
        ]);
        assert.match(df, /kv=1/);
        await d.ok(["rm", "-f", "k1", "k2"]);
        await d.ok(["volume", "rm", "kv", "kv2"]);
      },
    );

    test(
      "the wharf CLI creates, lists, inspects and removes volumes and passes mount flags",
      { skip: wharfOnly("the wharf CLI") },
      async () => {
        const wharf = (args: string[]) =>
          execFile(
            process.execPath,
            [resolve(import.meta.dirname, "../../../dist/wharf.cjs"), ...args],
            { env: d.env },
          );
        assert.equal(
          (await wharf(["volume", "create", "--label", "a=b", "wv"])).stdout,
          "wv\n",
        );
        assert.equal(
          (await wharf(["volume", "ls", "-q", "--filter", "label=a"])).stdout,
          "wv\n",
        );
        assert.equal(
          (
            await wharf([
              "volume",
              "inspect",
              "-f",
              "{{.Driver}} {{.Labels}}",
              "wv",
            ])
          ).stdout,
          "local map[a:b]\n",
        );
        const out = await wharf([
          "run",
          "--rm",
          "--network",
          "none",
          "-v",
          "wv:/w",
          "--tmpfs",
          "/t:size=64k",
          "--mount",
          `type=bind,src=${host},dst=/h,ro`,
          "busybox",
          "sh",
          "-c",
          "echo w > /w/f; df -k /t | tail -1 | awk '{print $2}'; touch /h/x 2>&1 || true",
        ]);
        assert.match(out.stdout, /^64\n.*Read-only file system/s);
        assert.equal((await wharf(["volume", "rm", "wv"])).stdout, "wv\n");
        assert.match(
          (await wharf(["volume", "rm", "wv"])).stderr,
          /no such volume/,
        );
      },
    );

    test("volume events and nothing left behind", async () => {
      const since = String(Math.floor(Date.now() / 1000) - 1);
      await run(["-v", "ev:/e", "busybox", "true"]);
      await d.ok(["volume", "rm", "ev"]);
      const until = String(Math.floor(Date.now() / 1000) + 1);
      const ev = await d.ok([
        "events",
        "--since",
        since,
        "--until",
        until,
        "--filter",
        "type=volume",
        "--filter",
        "volume=ev",
        "--format",
        "{{.Action}}",
      ]);
      assert.deepEqual(ev.trim().split("\n"), [
        "create",
        "mount",
        "unmount",
        "destroy",
      ]);
      assert.equal(await d.ok(["ps", "-aq"]), "");
      assert.deepEqual(readdirSync(volumesDir), []);
      assert.deepEqual(mountsUnder(join(d.dir, "data")), []);
    });
  },
);
