import { execFile } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";

/** What the firewall knows of one wharf bridge. */
export type BridgeRule = {
  bridge: string;
  /** IPv4 subnets in CIDR form. */
  subnets: string[];
  internal: boolean;
  /** false blocks traffic between containers of this bridge (daemon option icc). */
  icc: boolean;
  /** Masquerade traffic leaving through another interface (ip-masq). */
  masquerade: boolean;
};

/** One published port: host (ip, port) → container (ip, port). */
export type PortRule = {
  proto: "tcp" | "udp";
  /** "" or "0.0.0.0" for every host address. */
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
};

/**
 * wharf's nftables rules: ONE table (`inet <name>`) owned by this daemon,
 * rebuilt whole in a single transaction on every change (add + delete +
 * define is atomic, so there is never a moment without rules and never a
 * stale rule). Changes are serialised; `batch` groups several into one
 * transaction. With `enabled: false` (daemon option iptables=false) it
 * installs nothing at all.
 *
 * Output DNATs every local destination, 127/8 included, so the host's own
 * connections to a published port (127.0.0.1:8080) go container-bound in the
 * kernel: bridges have route_localnet and such traffic is masqueraded to the
 * gateway address, which is the source a container also sees through
 * Docker's docker-proxy. With the userland proxy on (daemon option
 * userland-proxy) its listeners still hold the ports, and traffic from wharf
 * bridges is not DNATed, so a container reaching a published port goes
 * through the proxy, as in Docker. A raw-priority rule drops packets for
 * 127/8 arriving from a bridge, which route_localnet would otherwise let a
 * container send to the host's loopback services (CVE-2020-8558).
 *
 * A foreign FORWARD policy DROP (dockerd sets one) drops bridged traffic
 * whatever our table says, so for each wharf bridge an accept pair is
 * inserted in that chain and removed with the bridge (moby does the same
 * through DOCKER-USER).
 */
export class Firewall {
  readonly table: string;
  #enabled: boolean;
  #userlandProxy: boolean;
  #log: Logger;
  #bridges = new Map<string, BridgeRule>();
  #ports = new Map<string, PortRule[]>();
  #accepted = new Set<string>();
  #queue: Promise<void> = Promise.resolve();
  #batching = 0;

  constructor(options: {
    table: string;
    enabled: boolean;
    log: Logger;
    /** Daemon option userland-proxy; default false (traffic from bridges is DNATed too). */
    userlandProxy?: boolean;
  }) {
    this.table = options.table;
    this.#enabled = options.enabled;
    this.#userlandProxy = options.userlandProxy ?? false;
    this.#log = options.log;
  }

  /** Adds or replaces a bridge's rules. */
  setBridge(b: BridgeRule): Promise<void> {
    this.#bridges.set(b.bridge, b);
    return this.#apply();
  }

  /** Removes a bridge's rules (and its accepts in a foreign FORWARD chain). */
  removeBridge(bridge: string): Promise<void> {
    this.#bridges.delete(bridge);
    return this.#apply();
  }

  /** Sets the published ports of an owner (a container id). */
  setPorts(owner: string, rules: PortRule[]): Promise<void> {
    if (rules.length) this.#ports.set(owner, rules);
    else if (!this.#ports.delete(owner)) return Promise.resolve();
    return this.#apply();
  }

  /** Removes an owner's published ports. */
  removePorts(owner: string): Promise<void> {
    return this.setPorts(owner, []);
  }

  /** Runs fn with rule changes held back, then applies them in one transaction. */
  async batch<T>(fn: () => Promise<T>): Promise<T> {
    this.#batching++;
    try {
      return await fn();
    } finally {
      this.#batching--;
      await this.#apply();
    }
  }

  /** Deletes the table and every foreign accept this daemon inserted. */
  async remove(): Promise<void> {
    this.#bridges.clear();
    this.#ports.clear();
    await this.#apply();
  }

  #apply(): Promise<void> {
    if (!this.#enabled || this.#batching) return Promise.resolve();
    const run = this.#queue.then(() => this.#sync());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #sync(): Promise<void> {
    const bridges = [...this.#bridges.values()];
    const ports = [...this.#ports.values()].flat();
    let text = `table inet ${this.table}\ndelete table inet ${this.table}\n`;
    if (bridges.length || ports.length)
      text += renderTable(this.table, bridges, ports, {
        userlandProxy: this.#userlandProxy,
      });
    const r = await execFile("nft", ["-f", "-"], { input: text });
    if (r.code !== 0) throw new Error(`nft: ${r.stderr.trim()}`);
    await this.#syncForeignAccepts(bridges.map((b) => b.bridge));
  }

  async #syncForeignAccepts(bridges: string[]): Promise<void> {
    const want = new Set<string>();
    if (bridges.length && (await forwardPolicyDrops()))
      for (const b of bridges) want.add(b);
    for (const b of [...this.#accepted])
      if (!want.has(b)) {
        for (const dir of ["-i", "-o"])
          await execFile("iptables", ["-D", "FORWARD", dir, b, "-j", "ACCEPT"]);
        this.#accepted.delete(b);
      }
    for (const b of want)
      if (!this.#accepted.has(b)) {
        for (const dir of ["-i", "-o"]) {
          const rule = ["FORWARD", dir, b, "-j", "ACCEPT"];
          if ((await execFile("iptables", ["-C", ...rule])).code !== 0)
            await execFile("iptables", ["-I", ...rule]);
        }
        this.#accepted.add(b);
        this.#log.info("FORWARD policy is DROP: accepted wharf bridge there", {
          bridge: b,
        });
      }
  }
}

/** True when the host's iptables FORWARD chain has policy DROP (e.g. set by dockerd). */
export async function forwardPolicyDrops(): Promise<boolean> {
  const r = await execFile("iptables", ["-S", "FORWARD"]).catch(
    () => undefined,
  );
  return r !== undefined && r.code === 0 && /^-P FORWARD DROP/m.test(r.stdout);
}

const q = (s: string): string => JSON.stringify(s);
const set = (xs: string[]): string =>
  xs.length === 1 ? xs[0]! : `{ ${xs.join(", ")} }`;

/** The body of wharf's table (pure; unit tested). */
export function renderTable(
  table: string,
  bridges: BridgeRule[],
  ports: PortRule[],
  o: { userlandProxy?: boolean } = {},
): string {
  const fwd: string[] = [
    "ct state established,related accept",
    "ct status dnat accept",
  ];
  for (const b of bridges)
    fwd.push(
      `iifname ${q(b.bridge)} oifname ${q(b.bridge)} ${b.icc ? "accept" : "drop"}`,
    );
  if (bridges.length > 1) {
    const names = set(bridges.map((b) => q(b.bridge)));
    fwd.push(`iifname ${names} oifname ${names} drop`);
  }
  for (const b of bridges.filter((x) => x.internal))
    fwd.push(`iifname ${q(b.bridge)} drop`, `oifname ${q(b.bridge)} drop`);
  for (const b of bridges) fwd.push(`oifname ${q(b.bridge)} drop`);
  const post: string[] = [];
  for (const b of bridges) {
    if (!b.subnets.length) continue;
    const nets = set(b.subnets);
    if (b.masquerade && !b.internal)
      post.push(`ip saddr ${nets} oifname != ${q(b.bridge)} masquerade`);
    // Hairpin: a container reaching a published port of its own bridge.
    post.push(
      `oifname ${q(b.bridge)} ip saddr ${nets} ct status dnat masquerade`,
    );
    // From the host's 127.0.0.1 (route_localnet is on for the bridge).
    post.push(`oifname ${q(b.bridge)} ip saddr 127.0.0.0/8 masquerade`);
  }
  const dnat = ports.map((p) => {
    const daddr =
      p.hostIp && p.hostIp !== "0.0.0.0" ? `ip daddr ${p.hostIp} ` : "";
    return `${daddr}meta l4proto ${p.proto} th dport ${p.hostPort} dnat ip to ${p.containerIp}:${p.containerPort}`;
  });
  // compat: with the proxy, moby's DOCKER chain returns for `-i docker0`.
  const fromBridges =
    o.userlandProxy && bridges.length
      ? [`iifname ${set(bridges.map((b) => q(b.bridge)))} return`]
      : [];
  // route_localnet must not open the host's loopback to containers.
  const guard = bridges.length
    ? [
        `iifname ${set(bridges.map((b) => q(b.bridge)))} ip daddr 127.0.0.0/8 drop`,
      ]
    : [];
  const chain = (name: string, head: string, rules: string[]): string =>
    `  chain ${name} {\n${head ? `    ${head}\n` : ""}${rules.map((r) => `    ${r}\n`).join("")}  }\n`;
  return (
    `table inet ${table} {\n` +
    chain(
      "forward",
      "type filter hook forward priority filter; policy accept;",
      fwd,
    ) +
    chain("ports", "", dnat) +
    chain(
      "guard",
      "type filter hook prerouting priority raw; policy accept;",
      guard,
    ) +
    chain(
      "prerouting",
      "type nat hook prerouting priority dstnat; policy accept;",
      [...fromBridges, "fib daddr type local jump ports"],
    ) +
    chain("output", "type nat hook output priority -100; policy accept;", [
      "fib daddr type local jump ports",
    ]) +
    chain(
      "postrouting",
      "type nat hook postrouting priority srcnat; policy accept;",
      post,
    ) +
    "}\n"
  );
}
