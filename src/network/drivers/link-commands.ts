/**
 * The `ip` commands the parent-link drivers (macvlan, ipvlan) issue, as pure
 * functions so tests can check them exactly. A batch is an argv prefix run
 * with `-batch -` and its lines on stdin: one process per namespace, as
 * DESIGN.md measured (≈ 3–4 ms each).
 */
import { isIP } from "node:net";
import type { Endpoint } from "../driver.ts";

/** One `ip -batch -` invocation: program and arguments before `-batch -`, and the batch lines. */
export type IpBatch = { argv: string[]; lines: string[] };

/**
 * The argv prefix that runs `ip` in a namespace: the current one when
 * undefined, `ip -n NAME` for a named one under /run/netns (ip's -n takes a
 * name, not a path), else `nsenter --net=PATH ip`.
 */
export function ipIn(netns: string | undefined): string[] {
  if (!netns) return ["ip"];
  const named = /^(?:\/var)?\/run\/netns\/([^/]+)$/.exec(netns);
  if (named?.[1]) return ["ip", "-n", named[1]];
  return ["nsenter", `--net=${netns}`, "ip"];
}

/** The link an 802.1q parent name stands for: "eth1.10" → eth1, VLAN 10; undefined without a dot. */
export function parseVlanParent(
  parent: string,
): { link: string; id: number } | undefined {
  const dot = parent.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const id = Number(parent.slice(dot + 1));
  return { link: parent.slice(0, dot), id: Number.isInteger(id) ? id : NaN };
}

/** The ifalias that marks a link wharf created for a network, so only those are removed. */
export function ownerAlias(networkId: string): string {
  return `wharf-network:${networkId}`;
}

/** Creates the 802.1q sub-interface `parent` (e.g. eth1.10) on its link, marked as the network's, and brings it up. */
export function vlanBatch(
  parent: string,
  networkId: string,
  hostNetns?: string,
): IpBatch {
  const vlan = parseVlanParent(parent);
  if (!vlan) throw new Error(`not a vlan parent: ${parent}`);
  return {
    argv: ipIn(hostNetns),
    lines: [
      `link add link ${vlan.link} name ${parent} type vlan id ${vlan.id}`,
      `link set dev ${parent} alias ${ownerAlias(networkId)}`,
      `link set dev ${parent} up`,
    ],
  };
}

/** Creates a dummy link to serve as the parent of an internal network without one. */
export function dummyBatch(
  name: string,
  networkId: string,
  hostNetns?: string,
): IpBatch {
  return {
    argv: ipIn(hostNetns),
    lines: [
      `link add ${name} type dummy`,
      `link set dev ${name} alias ${ownerAlias(networkId)}`,
      `link set dev ${name} up`,
    ],
  };
}

/** What the endpoint's link looks like. */
export type SubLink = {
  /** The link type and its mode words: ["macvlan", "mode", "bridge"], ["ipvlan", "mode", "l2", "bridge"]. */
  type: string[];
  parent: string;
  /** The host-side name the link has before it moves into the container. */
  tmpName: string;
  /** macvlan gets the endpoint's MAC; ipvlan shares its parent's. */
  setMac: boolean;
  /** ipvlan l3/l3s: the default route goes out of the device, with no next hop. */
  deviceRoute: boolean;
};

/** The host-side batch and the container-side batch of a join. */
export function joinBatches(
  link: SubLink,
  e: Endpoint,
  hostNetns?: string,
): [IpBatch, IpBatch] {
  const dev = e.ifname;
  const inside = [`link set dev ${link.tmpName} name ${dev}`];
  if (link.setMac && e.mac) inside.push(`link set dev ${dev} address ${e.mac}`);
  for (const cidr of e.addresses)
    // No duplicate address detection: IPAM already made the address unique (as Docker does).
    inside.push(
      `addr add ${cidr} dev ${dev}${isIP(cidr.split("/")[0] ?? "") === 6 ? " nodad" : ""}`,
    );
  inside.push(`link set dev ${dev} up`);
  if (link.deviceRoute) inside.push(`route add default dev ${dev}`);
  else if (e.gateway)
    inside.push(`route add default via ${e.gateway} dev ${dev}`);
  return [
    {
      argv: ipIn(hostNetns),
      lines: [
        `link add ${link.tmpName} link ${link.parent} type ${link.type.join(" ")}`,
        `link set dev ${link.tmpName} netns ${e.netnsPath}`,
      ],
    },
    { argv: ipIn(e.netnsPath), lines: inside },
  ];
}

/** The host-side name of an endpoint's link before it moves: prefix + 8 id characters + the ifname's number (≤ 15 bytes). */
export function tmpLinkName(prefix: string, e: Endpoint): string {
  return `${prefix}${e.containerId.slice(0, 8)}${e.ifname.replace(/^\D+/, "")}`.slice(
    0,
    15,
  );
}
