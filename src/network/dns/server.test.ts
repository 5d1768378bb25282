import { test, after } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import net from "node:net";
import dnsPacket, { type DecodedPacket, type Packet } from "dns-packet";
import { Logger } from "../../util/log.ts";
import { DnsServer } from "./server.ts";
import type { DnsLookup } from "./resolver.ts";

const HOST = "127.0.0.1";
/** dns-packet decodes the response code too; its types leave it out. */
type Reply = DecodedPacket & { rcode: string };
const log = new Logger("fatal");
const toClose: { close(): unknown }[] = [];
after(async () => {
  for (const c of toClose) await c.close();
});

const names: Record<string, string[]> = {
  web: ["172.25.0.2"],
  db: ["172.25.0.3", "fd00::3"],
  api: ["172.25.0.11", "172.25.0.12", "172.25.0.13"],
  many: Array.from({ length: 100 }, (_, i) => `10.1.${i >> 8}.${i & 255}`),
};
const seen: Parameters<DnsLookup>[0][] = [];
const lookup: DnsLookup = (q) => {
  seen.push(q);
  return names[q.name];
};

function question(name: string, type: "A" | "AAAA" | "MX" | "PTR"): Packet {
  return {
    type: "query",
    id: Math.floor(Math.random() * 65535),
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name, class: "IN" }],
  };
}

/** Sends raw datagrams in order and resolves with the first reply. */
function udpExchange(port: number, ...msgs: Buffer[]): Promise<Reply> {
  return new Promise((ok, fail) => {
    const s = dgram.createSocket("udp4");
    s.on("error", (err) => {
      s.close();
      fail(err);
    });
    s.on("message", (m) => {
      s.close();
      ok(dnsPacket.decode(m) as Reply);
    });
    s.connect(port, HOST, () => msgs.forEach((m) => s.send(m)));
  });
}

const udp = (port: number, p: Packet): Promise<Reply> =>
  udpExchange(port, dnsPacket.encode(p));

function tcp(port: number, p: Packet): Promise<Reply> {
  return new Promise((ok, fail) => {
    const s = net.connect(port, HOST, () => s.write(dnsPacket.streamEncode(p)));
    let buf = Buffer.alloc(0);
    s.on("error", fail);
    s.on("data", (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        s.destroy();
        ok(dnsPacket.decode(buf.subarray(2)) as Reply);
      }
    });
  });
}

/** A fake upstream on loopback (UDP and TCP) that answers everything with 192.0.2.1, "nx.test" with NXDOMAIN. */
async function fakeUpstream(): Promise<number> {
  const reply = (m: Buffer): Buffer => {
    const q = dnsPacket.decode(m);
    const name = q.questions?.[0]?.name ?? "";
    return dnsPacket.encode({
      type: "response",
      id: q.id ?? 0,
      flags: name === "nx.test" ? 3 : 0,
      questions: q.questions ?? [],
      answers:
        name === "nx.test"
          ? []
          : [{ type: "A", name, ttl: 30, class: "IN", data: "192.0.2.1" }],
    });
  };
  const s = dgram.createSocket("udp4");
  s.on("message", (m, r) => s.send(reply(m), r.port, r.address));
  await new Promise<void>((ok) => s.bind(0, HOST, ok));
  const port = s.address().port;
  const t = net.createServer((c) =>
    c.on("data", (d: Buffer) =>
      c.end(dnsPacket.streamEncode(dnsPacket.decode(reply(d.subarray(2))))),
    ),
  );
  await new Promise<void>((ok) => t.listen(port, HOST, ok));
  toClose.push(s, t);
  return port;
}

/** A loopback port with nothing listening (ICMP port unreachable). */
async function deadPort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((ok) => s.bind(0, HOST, ok));
  const port = s.address().port;
  await new Promise<void>((ok) => s.close(ok));
  return port;
}

/** A UDP socket that reads queries and never answers. */
async function silentPort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((ok) => s.bind(0, HOST, ok));
  toClose.push(s);
  return s.address().port;
}

async function server(upstreams: string[] = []): Promise<number> {
  const s = new DnsServer({
    lookup,
    upstreams: () => upstreams,
    log,
    forwardTimeoutMs: 300,
    reverse: ({ address }) =>
      address === "172.25.0.2" ? "web.mynet" : undefined,
  });
  toClose.push(s);
  await s.bind(HOST, 0);
  const port = s.port(HOST);
  assert.ok(port);
  return port;
}

test("own names are answered case-insensitively, with or without the trailing dot, TTL 600", async () => {
  const port = await server();
  for (const name of ["web", "WEB", "web."]) {
    const r = await udp(port, question(name, "A"));
    assert.equal(r.rcode, "NOERROR");
    assert.equal(r.flag_qr, true);
    assert.deepEqual(
      r.answers?.map((a) => [
        a.type,
        "data" in a ? a.data : null,
        "ttl" in a ? a.ttl : 0,
      ]),
      [["A", "172.25.0.2", 600]],
    );
  }
  const last = seen.at(-1);
  assert.deepEqual(last, { name: "web", type: "A", client: HOST, local: HOST });
});

test("AAAA for a known name without IPv6 is an empty NOERROR; with IPv6 it is answered", async () => {
  const port = await server();
  const none = await udp(port, question("web", "AAAA"));
  assert.equal(none.rcode, "NOERROR");
  assert.deepEqual(none.answers, []);
  const v6 = await udp(port, question("db", "AAAA"));
  assert.deepEqual(
    v6.answers?.map((a) => "data" in a && a.data),
    ["fd00::3"],
  );
  const v4 = await udp(port, question("db", "A"));
  assert.deepEqual(
    v4.answers?.map((a) => "data" in a && a.data),
    ["172.25.0.3"],
  );
});

test("several containers behind one alias are rotated between queries", async () => {
  const port = await server();
  const firsts = new Set<unknown>();
  for (let i = 0; i < 3; i++) {
    const r = await udp(port, question("api", "A"));
    const data = r.answers?.map((a) => "data" in a && a.data);
    assert.deepEqual([...(data ?? [])].sort(), names.api);
    firsts.add(data?.[0]);
  }
  assert.equal(firsts.size, 3);
});

test("unknown names and other types are forwarded to the upstream, NXDOMAIN is relayed", async () => {
  const up = await fakeUpstream();
  const port = await server([`${HOST}:${up}`]);
  const r = await udp(port, question("example.test", "A"));
  assert.deepEqual(
    r.answers?.map((a) => "data" in a && a.data),
    ["192.0.2.1"],
  );
  assert.equal((await udp(port, question("nx.test", "A"))).rcode, "NXDOMAIN");
  // compat: only A/AAAA/PTR are answered locally; an MX question for a container name goes upstream.
  const mx = await udp(port, question("web", "MX"));
  assert.deepEqual(
    mx.answers?.map((a) => "data" in a && a.data),
    ["192.0.2.1"],
  );
});

test("SERVFAIL when every upstream is dead or silent; a later live upstream still answers", async () => {
  const dead = await deadPort();
  const silent = await silentPort();
  const port = await server([`${HOST}:${dead}`, `${HOST}:${silent}`]);
  assert.equal(
    (await udp(port, question("example.test", "A"))).rcode,
    "SERVFAIL",
  );
  const none = await server();
  assert.equal(
    (await udp(none, question("example.test", "A"))).rcode,
    "SERVFAIL",
  );
  const up = await fakeUpstream();
  const next = await server([`${HOST}:${dead}`, `${HOST}:${up}`]);
  const r = await udp(next, question("example.test", "A"));
  assert.equal(r.rcode, "NOERROR");
  assert.deepEqual(
    r.answers?.map((a) => "data" in a && a.data),
    ["192.0.2.1"],
  );
});

test("TCP queries are answered, own names and forwarded ones", async () => {
  const up = await fakeUpstream();
  const port = await server([`${HOST}:${up}`]);
  const own = await tcp(port, question("web", "A"));
  assert.deepEqual(
    own.answers?.map((a) => "data" in a && a.data),
    ["172.25.0.2"],
  );
  const fwd = await tcp(port, question("example.test", "A"));
  assert.deepEqual(
    fwd.answers?.map((a) => "data" in a && a.data),
    ["192.0.2.1"],
  );
});

test("a UDP answer larger than 512 bytes is truncated with TC; TCP carries all of it", async () => {
  const port = await server();
  const r = await udp(port, question("many", "A"));
  assert.equal(r.flag_tc, true);
  assert.ok((r.answers?.length ?? 0) < 100);
  const t = await tcp(port, question("many", "A"));
  assert.equal(t.flag_tc, false);
  assert.equal(t.answers?.length, 100);
});

test("malformed packets are dropped and the server keeps answering", async () => {
  const port = await server();
  const good = question("web", "A");
  const r = await udpExchange(
    port,
    Buffer.from("garbage"),
    Buffer.alloc(40, 0xff),
    dnsPacket.encode(good),
  );
  assert.equal(r.id, good.id);
  assert.equal(r.answers?.length, 1);
});

test("PTR for a container address uses the reverse lookup", async () => {
  const port = await server();
  const r = await udp(port, question("2.0.25.172.in-addr.arpa", "PTR"));
  assert.deepEqual(
    r.answers?.map((a) => "data" in a && a.data),
    ["web.mynet"],
  );
});

test("bind is idempotent and unbind stops answering on that address", async () => {
  const s = new DnsServer({ lookup, upstreams: () => [], log });
  toClose.push(s);
  await s.bind(HOST, 0);
  const port = s.port(HOST);
  await s.bind(HOST, 0);
  assert.equal(s.port(HOST), port);
  assert.deepEqual(s.addresses(), [HOST]);
  await s.unbind(HOST);
  await s.unbind(HOST);
  // Nothing listens any more: loopback reports port unreachable to a connected socket.
  await assert.rejects(
    udpExchange(port ?? 0, dnsPacket.encode(question("web", "A"))),
    /ECONNREFUSED/,
  );
  assert.deepEqual(s.addresses(), []);
  assert.equal(s.port(HOST), undefined);
});
