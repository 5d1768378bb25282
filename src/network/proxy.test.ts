import { test } from "node:test";
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { connect, createServer, type Server } from "node:net";
import { Logger } from "../util/log.ts";
import type { PortRule } from "./firewall.ts";
import { UserlandProxy } from "./proxy.ts";

const log = new Logger("error");
const LO = "127.0.0.1";

/** A TCP server on loopback answering each connection with "echo:" + all it read, once the client half-closes. */
async function echoServer(): Promise<Server> {
  const s = createServer({ allowHalfOpen: true }, (c) => {
    const got: Buffer[] = [];
    c.on("data", (d: Buffer) => got.push(d));
    c.on("end", () => c.end(`echo:${Buffer.concat(got).toString()}`));
  });
  s.listen(0, LO);
  await once(s, "listening");
  return s;
}

async function freePort(): Promise<number> {
  const s = createServer().listen(0, LO);
  await once(s, "listening");
  const { port } = s.address() as { port: number };
  await new Promise((ok) => s.close(ok));
  return port;
}

function portOf(s: Server | Socket): number {
  return (s.address() as { port: number }).port;
}

function rule(
  proto: "tcp" | "udp",
  hostPort: number,
  containerPort: number,
): PortRule {
  return { proto, hostIp: LO, hostPort, containerIp: LO, containerPort };
}

/** Sends text, half-closes, returns all the answer. */
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect({ host: LO, port, allowHalfOpen: true });
    const got: Buffer[] = [];
    c.on("data", (d: Buffer) => got.push(d));
    c.on("error", reject);
    c.on("end", () => {
      c.end();
      resolve(Buffer.concat(got).toString());
    });
    c.end(text);
  });
}

test("TCP: a connection to the host port reaches the container port, half-close included", async () => {
  const backend = await echoServer();
  const proxy = new UserlandProxy({ log });
  const port = await freePort();
  try {
    await proxy.start("c1", [rule("tcp", port, portOf(backend))], "web (ep)");
    assert.equal(await roundTrip(port, "hello"), "echo:hello");
    assert.equal(await roundTrip(port, "again"), "echo:again");
    assert.deepEqual(proxy.listening("c1"), [
      rule("tcp", port, portOf(backend)),
    ]);
  } finally {
    await proxy.close();
    backend.close();
  }
});

test("TCP: stop closes the listener, so the port is free again", async () => {
  const backend = await echoServer();
  const proxy = new UserlandProxy({ log });
  const port = await freePort();
  try {
    await proxy.start("c1", [rule("tcp", port, portOf(backend))], "web (ep)");
    await proxy.stop("c1");
    assert.deepEqual(proxy.listening("c1"), []);
    await assert.rejects(roundTrip(port, "x"), /ECONNREFUSED/);
  } finally {
    await proxy.close();
    backend.close();
  }
});

test("TCP: a port a host process holds fails with Docker's wording and starts nothing", async () => {
  const holder = createServer().listen(0, LO);
  await once(holder, "listening");
  const busy = portOf(holder);
  const free = await freePort();
  const proxy = new UserlandProxy({ log });
  try {
    await assert.rejects(
      proxy.start(
        "c1",
        [rule("tcp", free, 1), rule("tcp", busy, 1)],
        "web (abc)",
      ),
      {
        message: `driver failed programming external connectivity on endpoint web (abc): Error starting userland proxy: listen tcp4 ${LO}:${busy}: bind: address already in use`,
      },
    );
    assert.deepEqual(proxy.listening("c1"), []);
    // The first listener was closed again: the port binds.
    const again = createServer().listen(free, LO);
    await once(again, "listening");
    again.close();
  } finally {
    await proxy.close();
    holder.close();
  }
});

/** A UDP server on loopback answering each datagram with "<sender port>:<text>". */
async function udpEcho(): Promise<Socket> {
  const s = createSocket("udp4");
  s.on("message", (m, from) =>
    s.send(`${from.port}:${m.toString()}`, from.port, from.address),
  );
  s.bind(0, LO);
  await once(s, "listening");
  return s;
}

async function ask(
  client: Socket,
  port: number,
  text: string,
): Promise<string> {
  const reply = once(client, "message");
  client.send(text, port, LO);
  const [msg] = (await reply) as [Buffer];
  return msg.toString();
}

test("UDP: each client gets its own session and its own answers", async () => {
  const backend = await udpEcho();
  const proxy = new UserlandProxy({ log });
  const port = await freePort();
  const a = createSocket("udp4");
  const b = createSocket("udp4");
  try {
    await proxy.start("c1", [rule("udp", port, portOf(backend))], "web (ep)");
    const [ra, rb, ra2] = [
      await ask(a, port, "from-a"),
      await ask(b, port, "from-b"),
      await ask(a, port, "a-again"),
    ];
    const [pa, ta] = ra.split(":");
    const [pb, tb] = rb.split(":");
    assert.equal(ta, "from-a");
    assert.equal(tb, "from-b");
    assert.notEqual(pa, pb, "two clients, two sessions towards the container");
    assert.equal(ra2, `${pa}:a-again`, "the same client keeps its session");
  } finally {
    a.close();
    b.close();
    await proxy.close();
    backend.close();
  }
});

test("UDP: an idle session is dropped and the next datagram opens a new one", async () => {
  const backend = await udpEcho();
  const proxy = new UserlandProxy({ log, udpIdleMs: 20 });
  const port = await freePort();
  const a = createSocket("udp4");
  try {
    await proxy.start("c1", [rule("udp", port, portOf(backend))], "web (ep)");
    const first = (await ask(a, port, "one")).split(":")[0];
    let next = first;
    // Polls until the session expired; the idle time is 20ms.
    for (let i = 0; i < 200 && next === first; i++) {
      await new Promise((ok) => setTimeout(ok, 25));
      next = (await ask(a, port, "two")).split(":")[0];
    }
    assert.notEqual(next, first);
  } finally {
    a.close();
    await proxy.close();
    backend.close();
  }
});

test("UDP: a bound port fails with Docker's wording", async () => {
  const holder = createSocket("udp4");
  holder.bind(0, LO);
  await once(holder, "listening");
  const proxy = new UserlandProxy({ log });
  try {
    await assert.rejects(
      proxy.start("c1", [rule("udp", portOf(holder), 1)], "web (abc)"),
      /Error starting userland proxy: listen udp4 127\.0\.0\.1:\d+: bind: address already in use$/,
    );
  } finally {
    await proxy.close();
    holder.close();
  }
});
