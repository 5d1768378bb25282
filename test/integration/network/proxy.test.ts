/**
 * The userland proxy (daemon option userland-proxy, on by default as in
 * Docker) through the Docker CLI: wharfd listens on published host ports
 * (the host's own traffic, 127.0.0.1 included, is DNATed by nftables),
 * a port a host process holds fails the start with Docker's error and
 * leaves nothing behind, listeners follow stop, kill -9 and restart.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { execFile } from "../../../src/util/exec.ts";
import { skipReason } from "../harness.ts";
import {
  bindable,
  curlReady,
  freePort,
  hostAddress,
  httpd,
  NetDaemon,
  ncGet,
  routeLocalnet,
} from "./net-daemon.ts";

describe(
  "userland proxy on published ports through the Docker CLI",
  { skip: skipReason() },
  () => {
    const d = new NetDaemon();
    let port = 0;
    let holder: Server | undefined;
    before(async () => {
      await d.start();
      await d.importBusybox();
      port = await freePort();
    });
    after(async () => {
      holder?.close();
      await d.cleanup();
    });

    test("-p HOST:80 answers on 127.0.0.1, the host's address and from another container; the proxy holds the port", async () => {
      await d.ok([
        "run",
        "-d",
        "--name",
        "web",
        "-p",
        `${port}:80`,
        "busybox",
        ...httpd("proxied"),
      ]);
      assert.match(
        await curlReady(`http://127.0.0.1:${port}/index.html`),
        /proxied/,
      );
      const host = await hostAddress();
      assert.match(
        await curlReady(`http://${host}:${port}/index.html`),
        /proxied/,
      );
      const hair = await d.ok([
        "run",
        "--rm",
        "busybox",
        "sh",
        "-c",
        ncGet(host, port),
      ]);
      assert.match(hair, /proxied/);
      assert.equal(await bindable(port), false, "wharfd listens on the port");
      // Loopback is DNATed in the kernel; the proxy holds the port and serves containers.
      assert.equal(routeLocalnet(d.bridge), "1");
      const out = await execFile("nft", [
        "list",
        "chain",
        "inet",
        d.table,
        "output",
      ]);
      assert.match(out.stdout, /^\s*fib daddr type local jump ports$/m);
      assert.equal((await d.dnatRules()).length, 1, "host traffic is DNATed");
    });

    test("stop closes the listener and removes the rules; start opens it again", async () => {
      await d.ok(["stop", "-t", "0", "web"]);
      assert.equal(await bindable(port), true);
      assert.deepEqual(await d.dnatRules(), []);
      await d.ok(["start", "web"]);
      assert.equal(await bindable(port), false);
      assert.match(
        await curlReady(`http://127.0.0.1:${port}/index.html`),
        /proxied/,
      );
    });

    test("a port a host process listens on fails the start with Docker's error and leaves nothing behind", async () => {
      const busy = await freePort();
      holder = createServer();
      holder.listen(busy, "0.0.0.0");
      await once(holder, "listening");
      const before = {
        rules: await d.dnatRules(),
        netns: await d.netns(),
        veths: await d.ports([d.bridge]),
      };
      const r = await d.docker([
        "run",
        "-d",
        "--name",
        "clash",
        "-p",
        `${busy}:80`,
        "busybox",
        "sleep",
        "30",
      ]);
      assert.notEqual(r.code, 0);
      assert.match(
        r.stderr,
        new RegExp(
          `driver failed programming external connectivity on endpoint clash \\([0-9a-f]{64}\\): Error starting userland proxy: listen tcp4 0\\.0\\.0\\.0:${busy}: bind: address already in use`,
        ),
      );
      assert.deepEqual(await d.dnatRules(), before.rules);
      assert.deepEqual(await d.netns(), before.netns);
      // No new veth: one of `before` may still be dying from the last test.
      const name = (l: string): string => l.split(":")[1]?.trim() ?? l;
      const after = await d.portsSettled([d.bridge], before.veths);
      const had = new Set(before.veths.map(name));
      assert.deepEqual(
        after.map(name).filter((v) => !had.has(v)),
        [],
      );
      const state = await d.ok(["inspect", "-f", "{{.State.Status}}", "clash"]);
      assert.equal(state.trim(), "created");
      await d.ok(["rm", "clash"]);
      holder.close();
      holder = undefined;
    });

    test("-p HOST:9000/udp: each datagram to 127.0.0.1 reaches the container's port and the answer comes back", async () => {
      const udp = await freePort();
      await d.ok([
        "run",
        "-d",
        "--name",
        "udp",
        "-p",
        `${udp}:9000/udp`,
        "busybox",
        "sleep",
        "60",
      ]);
      // busybox here has no UDP server: one runs in the container's namespace.
      const id = (await d.ok(["inspect", "-f", "{{.Id}}", "udp"])).trim();
      const server = execFile("ip", [
        "netns",
        "exec",
        `${d.table}-${id.slice(0, 12)}`,
        "python3",
        "-c",
        `import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(("0.0.0.0",9000))\ns.settimeout(20)\nm,a=s.recvfrom(100)\ns.sendto(b"pong:"+m,a)`,
      ]);
      const sock = createSocket("udp4");
      try {
        let got = "";
        // Resent until the server listens (a datagram before that is lost).
        for (let i = 0; i < 50 && !got; i++) {
          sock.send("ping", udp, "127.0.0.1");
          got = await Promise.race([
            once(sock, "message").then(([m]) => String(m)),
            new Promise<string>((ok) => setTimeout(() => ok(""), 200)),
          ]);
        }
        assert.equal(got, "pong:ping");
      } finally {
        sock.close();
        await d.ok(["rm", "-f", "udp"]);
        await server;
      }
    });

    test("kill -9 of wharfd drops the listener until the restart reopens it; after rm nothing remains", async () => {
      await d.halt("SIGKILL");
      assert.equal(await bindable(port), true, "the listener died with wharfd");
      await d.start();
      assert.equal(await bindable(port), false, "restart reopened it");
      assert.match(
        await curlReady(`http://127.0.0.1:${port}/index.html`),
        /proxied/,
      );
      await d.ok(["rm", "-f", "web"]);
      assert.equal(await bindable(port), true);
      assert.deepEqual(await d.dnatRules(), []);
      assert.deepEqual(await d.netns(), []);
      assert.deepEqual(await d.portsSettled([d.bridge]), []);
    });
  },
);
