/**
 * A TestDaemon with its own default bridge device, nftables table and
 * netns prefix (so tests never touch the machine's wharfd or each other),
 * plus helpers to list what it left on the host and to remove it all.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { join } from "node:path";
import { execFile } from "../../../src/util/exec.ts";
import { overlaps, parsePrefix } from "../../../src/network/cidr.ts";
import { TestDaemon } from "../harness.ts";

/** A private daemon whose networking names all carry a random tag. */
export class NetDaemon extends TestDaemon {
  readonly tag = randomBytes(3).toString("hex");
  /** Default bridge device. */
  readonly bridge = `wtb${this.tag}`;
  /** nftables table and netns name prefix. */
  readonly table = `wtt${this.tag}`;

  /** More daemon.json keys (e.g. dns), set before start. */
  config: Record<string, unknown> = {};

  /** Starts wharfd with the private bridge/table written into daemon.json. */
  override async start(extraArgs: string[] = []): Promise<void> {
    writeFileSync(
      join(this.dir, "daemon.json"),
      JSON.stringify({
        bridge: this.bridge,
        "nft-table": this.table,
        ...this.config,
      }),
    );
    await super.start(extraArgs);
  }

  /** Network namespaces of this daemon still present. */
  async netns(): Promise<string[]> {
    const r = await execFile("ip", ["netns", "list"]);
    return r.stdout
      .split("\n")
      .map((l) => l.split(" ")[0] ?? "")
      .filter((n) => n.startsWith(`${this.table}-`));
  }

  /** Host interfaces attached to the given bridges (veths of containers). */
  async ports(bridges: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const b of bridges) {
      const r = await execFile("ip", ["-o", "link", "show", "master", b]);
      out.push(...r.stdout.split("\n").filter(Boolean));
    }
    return out;
  }

  /**
   * ports() once it equals `want`, or its last value after 5 s: wharf leaves
   * a stopped container's veth to die with its namespace, which the kernel
   * does asynchronously.
   */
  async portsSettled(
    bridges: string[],
    want: string[] = [],
  ): Promise<string[]> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const now = await this.ports(bridges);
      const same = JSON.stringify(now) === JSON.stringify(want);
      if (same || Date.now() > deadline) return now;
      await new Promise((ok) => setTimeout(ok, 50));
    }
  }

  /** The DNAT rules in this daemon's table. */
  async dnatRules(): Promise<string[]> {
    const r = await execFile("nft", [
      "list",
      "chain",
      "inet",
      this.table,
      "ports",
    ]);
    return r.stdout.split("\n").filter((l) => l.includes("dnat"));
  }

  /** True when a link of that name exists. */
  async linkExists(name: string): Promise<boolean> {
    return (await execFile("ip", ["link", "show", "dev", name])).code === 0;
  }

  /** Stops the daemon and removes its bridge, table and namespaces even on failure. */
  async cleanup(): Promise<void> {
    try {
      await this.stop();
    } finally {
      for (const n of await this.netns())
        await execFile("ip", ["netns", "delete", n]);
      await execFile("ip", ["link", "delete", this.bridge]);
      await execFile("nft", ["delete", "table", "inet", this.table]);
    }
  }
}

/** The first /24 from `start` on that overlaps no host route. */
export async function freeSubnet(start = "172.25.0.0/24"): Promise<string> {
  const r = await execFile("ip", ["-j", "-4", "route", "show", "table", "all"]);
  const routes = (JSON.parse(r.stdout) as { dst: string }[])
    .filter((x) => x.dst !== "default")
    .map((x) => parsePrefix(x.dst.includes("/") ? x.dst : `${x.dst}/32`));
  const [a, b, c] = start.split(".").map(Number) as [number, number, number];
  for (let i = 0; i < 200; i++) {
    const s = `${a}.${b + Math.floor((c + i) / 256)}.${(c + i) % 256}.0/24`;
    if (!routes.some((p) => overlaps(p, parsePrefix(s)))) return s;
  }
  throw new Error("no free /24 for a test network");
}

/** The host's first global IPv4 address (not loopback). */
export async function hostAddress(): Promise<string> {
  const r = await execFile("ip", [
    "-j",
    "-4",
    "addr",
    "show",
    "scope",
    "global",
  ]);
  const rows = JSON.parse(r.stdout) as {
    ifname: string;
    addr_info: { local: string }[];
  }[];
  const hit = rows.find(
    (x) =>
      !x.ifname.startsWith("wt") &&
      !x.ifname.startsWith("br-") &&
      x.addr_info[0],
  );
  if (!hit) throw new Error("host has no global IPv4 address");
  return hit.addr_info[0]!.local;
}

/** An HTTP GET from inside a container with busybox nc (busybox-static's wget crashes). */
export function ncGet(
  host: string,
  port: number,
  path = "/index.html",
): string {
  return `printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${host} ${port}`;
}

/** A command line starting busybox httpd serving `text` at /index.html on port 80. */
export function httpd(text: string): string[] {
  return [
    "sh",
    "-c",
    `mkdir -p /www && echo ${text} > /www/index.html && exec httpd -f -p 80 -h /www`,
  ];
}

/** A TCP port nothing on the host listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "0.0.0.0", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The body curl gets from url ("" when it fails), 5 s at most. */
export async function curl(url: string): Promise<string> {
  const r = await execFile("curl", ["-s", "-m", "5", url]);
  return r.stdout;
}

/** True when a host process could listen on 0.0.0.0:port now (nothing holds it). */
export function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen({ port, host: "0.0.0.0", exclusive: true }, () =>
      s.close(() => resolve(true)),
    );
  });
}

/** The route_localnet sysctl of an interface ("0" or "1"). */
export function routeLocalnet(ifname: string): string {
  return readFileSync(
    `/proc/sys/net/ipv4/conf/${ifname}/route_localnet`,
    "utf8",
  ).trim();
}

/** curl until the server answers (a container's server may not listen yet right after start). */
export async function curlReady(url: string, tries = 50): Promise<string> {
  let body = "";
  for (let i = 0; i < tries && !body; i++) {
    body = await curl(url);
    if (!body) await new Promise((ok) => setTimeout(ok, 100));
  }
  return body;
}
