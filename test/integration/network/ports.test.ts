import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { execFile } from "../../../src/util/exec.ts";
import { busyboxTar, skipReason } from "../harness.ts";
import {
  bindable,
  curl,
  freePort,
  hostAddress,
  httpd,
  NetDaemon,
  ncGet,
  routeLocalnet,
} from "./net-daemon.ts";

describe(
  "published ports and outbound NAT through the Docker CLI (userland-proxy false)",
  { skip: skipReason() },
  () => {
    const d = new NetDaemon();
    // nftables alone: DNAT in output too, route_localnet (proxy.test.ts has the proxy).
    d.config = { "userland-proxy": false };
    const ns = `wtsrv${d.tag}`;
    const veth = `wtv${d.tag}`;
    let port = 0;
    before(async () => {
      await d.start();
      await d.importBusybox();
      port = await freePort();
    });
    after(async () => {
      await execFile("ip", ["netns", "delete", ns]);
      await execFile("ip", ["link", "delete", veth]);
      await d.cleanup();
    });

    test("-p HOST:80 is reachable from 127.0.0.1 and the host's own address, and rules follow stop/start", async () => {
      await d.ok([
        "run",
        "-d",
        "--name",
        "web",
        "-p",
        `${port}:80`,
        "busybox",
        ...httpd("published"),
      ]);
      assert.match(
        await curl(`http://127.0.0.1:${port}/index.html`),
        /published/,
      );
      assert.match(
        await curl(`http://${await hostAddress()}:${port}/index.html`),
        /published/,
      );
      assert.equal(
        (await d.ok(["port", "web", "80"])).trim(),
        `0.0.0.0:${port}`,
      );
      assert.equal(await bindable(port), true, "no listener without the proxy");
      assert.equal(routeLocalnet(d.bridge), "1");
      // Hairpin: another container through the host's address.
      const hair = await d.ok([
        "run",
        "--rm",
        "busybox",
        "sh",
        "-c",
        ncGet(await hostAddress(), port),
      ]);
      assert.match(hair, /published/);
      await d.ok(["stop", "-t", "0", "web"]);
      assert.deepEqual(await d.dnatRules(), [], "rules removed on stop");
      await d.ok(["start", "web"]);
      assert.equal((await d.dnatRules()).length, 1);
    });

    test("a second container on the same host port gets Docker's error", async () => {
      const r = await d.docker([
        "run",
        "-d",
        "--name",
        "clash",
        "-p",
        `${port}:80`,
        "busybox",
        "sleep",
        "30",
      ]);
      assert.notEqual(r.code, 0);
      assert.match(
        r.stderr,
        new RegExp(
          `Bind for 0\\.0\\.0\\.0:${port} failed: port is already allocated`,
        ),
      );
      await d.docker(["rm", "-f", "clash"]);
    });

    test("-P publishes EXPOSEd ports on a random host port that docker port reports", async () => {
      await d.ok([
        "import",
        "--change",
        "EXPOSE 80",
        "--change",
        'CMD ["sh"]',
        busyboxTar(),
        "bbexpose:latest",
      ]);
      await d.ok([
        "run",
        "-d",
        "--name",
        "auto",
        "-P",
        "bbexpose",
        ...httpd("random"),
      ]);
      const out = (await d.ok(["port", "auto"])).trim();
      const m = /^80\/tcp -> 0\.0\.0\.0:(\d+)$/.exec(out);
      assert.ok(m, `docker port printed ${out}`);
      assert.match(await curl(`http://127.0.0.1:${m[1]}/index.html`), /random/);
    });

    test("outbound traffic is masqueraded: a server in another namespace sees the host's address", async () => {
      const net = `10.254.${randomBytes(1)[0]! & 0x3f}`;
      const run = async (args: string[]): Promise<void> => {
        const r = await execFile(args[0]!, args.slice(1));
        if (r.code !== 0) throw new Error(`${args.join(" ")}: ${r.stderr}`);
      };
      await run(["ip", "netns", "add", ns]);
      await run([
        "ip",
        "link",
        "add",
        veth,
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        ns,
      ]);
      await run(["ip", "addr", "add", `${net}.1/30`, "dev", veth]);
      await run(["ip", "link", "set", veth, "up"]);
      await run(["ip", "-n", ns, "addr", "add", `${net}.2/30`, "dev", "eth0"]);
      await run(["ip", "-n", ns, "link", "set", "eth0", "up"]);
      const server = execFile("ip", [
        "netns",
        "exec",
        ns,
        "python3",
        "-c",
        `import socket\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind(("${net}.2",9000))\ns.listen()\ns.settimeout(20)\nc,a=s.accept()\nc.sendall(a[0].encode())\nc.close()`,
      ]);
      let seen = "";
      for (let i = 0; i < 20 && !seen; i++) {
        const r = await d.docker([
          "run",
          "--rm",
          "busybox",
          "sh",
          "-c",
          `nc -w 3 ${net}.2 9000 </dev/null`,
        ]);
        seen = r.stdout.trim();
        if (!seen) await new Promise((ok) => setTimeout(ok, 200));
      }
      await server;
      assert.equal(
        seen,
        `${net}.1`,
        "the server sees the host's address, not the container's",
      );
    });

    test("after kill -9 of wharfd and restart the port still works; after rm nothing remains", async () => {
      await d.halt("SIGKILL");
      await d.start();
      assert.match(
        await curl(`http://127.0.0.1:${port}/index.html`),
        /published/,
      );
      assert.equal(
        (await d.ok(["port", "web", "80"])).trim(),
        `0.0.0.0:${port}`,
      );
      await d.ok(["rm", "-f", "web", "auto"]);
      assert.deepEqual(await d.dnatRules(), []);
      assert.deepEqual(await d.netns(), []);
      assert.deepEqual(await d.portsSettled([d.bridge]), []);
    });
  },
);
