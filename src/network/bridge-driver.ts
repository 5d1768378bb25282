import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { InvalidArgumentError } from "../util/errors.ts";
import { execFile, type ExecFn } from "../util/exec.ts";
import type { Endpoint, NetworkDriver, NetworkSpec } from "./driver.ts";
import { randomMac } from "./cidr.ts";
import type { Firewall } from "./firewall.ts";
import { ip, ipBatch, linkExists } from "./ip.ts";

/** Option keys of the bridge driver, as Docker names them. */
export const BRIDGE_NAME = "com.docker.network.bridge.name";
export const BRIDGE_ICC = "com.docker.network.bridge.enable_icc";
export const BRIDGE_MASQ = "com.docker.network.bridge.enable_ip_masquerade";
const MTU = "com.docker.network.driver.mtu";

/** The Linux bridge device of a network: its option, else "br-" + 12 id chars (Docker's). */
export function bridgeName(n: NetworkSpec): string {
  return n.options[BRIDGE_NAME] || `br-${n.id.slice(0, 12)}`;
}

/**
 * The bridge driver: a Linux bridge per network holding the gateway
 * address, a veth pair per endpoint (host end on the bridge, the other end
 * renamed ethN in the container's namespace) and the network's rules in
 * wharf's nftables table. Host-side veth names are "veth" + 7 random hex
 * digits (Docker's form); deleting the namespace deletes the pair.
 */
export class BridgeDriver implements NetworkDriver {
  readonly name = "bridge";
  #firewall: Firewall;
  #routeLocalnet: boolean;
  #exec: ExecFn;

  /**
   * routeLocalnet: set route_localnet on bridges (default true: published
   * ports DNAT 127.0.0.1). exec: runs the `ip` commands of a container's
   * join and leave (default execFile; the daemon passes
   * runtime/posix-spawn.ts's execDirect, which does not fork the daemon).
   */
  constructor(options: {
    firewall: Firewall;
    routeLocalnet?: boolean;
    exec?: ExecFn;
  }) {
    this.#firewall = options.firewall;
    this.#routeLocalnet = options.routeLocalnet ?? true;
    this.#exec = options.exec ?? execFile;
  }

  async createNetwork(n: NetworkSpec): Promise<void> {
    const br = bridgeName(n);
    if (br.length > 15)
      throw new InvalidArgumentError(
        `bridge name ${br} is longer than 15 characters`,
      );
    const lines: string[] = [];
    if (!(await linkExists(br))) {
      const mtu = n.options[MTU] ? ["mtu", String(Number(n.options[MTU]))] : [];
      // A bridge with a kernel-chosen MAC takes the lowest MAC of its ports,
      // so a joining container would change it under the others' ARP
      // caches and their frames to the gateway would be dropped until the
      // entries expire. A MAC set once stays (addr_assign_type 3).
      await ip([
        "link",
        "add",
        "name",
        br,
        ...mtu,
        "address",
        randomMac(),
        "type",
        "bridge",
      ]);
    } else {
      // A bridge made before (or by hand): pin the MAC it has now, unless
      // it is the all-zero one a bridge is left with when its last port
      // goes (the containers could not reach the gateway through that).
      const mac = await readMac(br);
      if (mac === ZERO_MAC) lines.push(`link set ${br} address ${randomMac()}`);
      else if (!(await hasSetMac(br)))
        lines.push(`link set ${br} address ${mac}`);
    }
    for (const s of n.subnets) {
      const len = s.subnet.split("/")[1]!;
      if (s.subnet.includes(":"))
        await writeFile(
          `/proc/sys/net/ipv6/conf/${br}/disable_ipv6`,
          "0",
        ).catch(() => undefined);
      lines.push(`addr replace ${s.gateway}/${len} dev ${br}`);
    }
    lines.push(`link set ${br} up`);
    await ipBatch(lines);
    // Lets DNAT from 127.0.0.1 be routed out of the bridge (published ports
    // on localhost, forwarded in the kernel whether or not the userland proxy
    // holds the port); the firewall's guard chain drops 127/8 from bridges.
    await writeFile(
      `/proc/sys/net/ipv4/conf/${br}/route_localnet`,
      this.#routeLocalnet ? "1" : "0",
    ).catch(() => undefined);
    await this.#firewall.setBridge({
      bridge: br,
      subnets: n.subnets
        .filter((s) => !s.subnet.includes(":"))
        .map((s) => s.subnet),
      internal: n.internal,
      icc: n.options[BRIDGE_ICC] !== "false",
      masquerade: n.options[BRIDGE_MASQ] !== "false",
    });
  }

  async deleteNetwork(n: NetworkSpec): Promise<void> {
    const br = bridgeName(n);
    await this.#firewall.removeBridge(br);
    if (await linkExists(br))
      await ip(["link", "delete", br, "type", "bridge"]);
  }

  async join(n: NetworkSpec, e: Endpoint): Promise<void> {
    const br = bridgeName(n);
    const host = `veth${randomBytes(4).toString("hex").slice(0, 7)}`;
    await ipBatch(
      [
        `link add ${host} type veth peer name ${e.ifname} address ${e.mac} netns ${e.netnsPath}`,
        `link set ${host} master ${br}`,
        // Hairpin lets a container reach itself through a published port.
        `link set ${host} type bridge_slave hairpin on`,
        // icc=false: isolated ports cannot reach each other, only the host,
        // without depending on br_netfilter handing bridged traffic to nft.
        ...(n.options[BRIDGE_ICC] === "false"
          ? [`link set ${host} type bridge_slave isolated on`]
          : []),
        `link set ${host} up`,
      ],
      { exec: this.#exec },
    );
    const lines = e.addresses.map(
      (a) => `addr add ${a} dev ${e.ifname}${a.includes(":") ? " nodad" : ""}`,
    );
    lines.push(`link set ${e.ifname} up`, "link set lo up");
    if (e.gateway)
      lines.push(`route replace default via ${e.gateway} dev ${e.ifname}`);
    const v6gw = n.subnets.find((s) => s.subnet.includes(":"))?.gateway;
    if (e.gateway && v6gw && e.addresses.some((a) => a.includes(":")))
      lines.push(`route replace default via ${v6gw} dev ${e.ifname}`);
    try {
      await ipBatch(lines, { netnsPath: e.netnsPath, exec: this.#exec });
    } catch (err) {
      await ip(["link", "delete", host], { exec: this.#exec }).catch(
        () => undefined,
      );
      throw err;
    }
  }

  async leave(_n: NetworkSpec, e: Endpoint): Promise<void> {
    await ipBatch([`link delete ${e.ifname}`], {
      netnsPath: e.netnsPath,
      force: true,
      exec: this.#exec,
    });
  }
}

const ZERO_MAC = "00:00:00:00:00:00";

/** True when the device's MAC was set explicitly (sysfs addr_assign_type 3, NET_ADDR_SET). */
async function hasSetMac(dev: string): Promise<boolean> {
  const t = await readFile(`/sys/class/net/${dev}/addr_assign_type`, "utf8");
  return t.trim() === "3";
}

/** The device's current MAC address. */
async function readMac(dev: string): Promise<string> {
  return (await readFile(`/sys/class/net/${dev}/address`, "utf8")).trim();
}
