/**
 * The driver shape macvlan and ipvlan share: each endpoint is a link on a
 * parent interface of the host, created on the host side, moved into the
 * container's namespace, renamed and addressed there. The parent may be an
 * 802.1q sub-interface (`eth1.10`) or, for isolated networks, a dummy link;
 * createNetwork makes those and marks them with an ifalias, and
 * deleteNetwork removes only links carrying its network's mark.
 */
import { execFile, type ExecResult } from "../../util/exec.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import type { Endpoint, NetworkDriver, NetworkSpec } from "../driver.ts";
import type { KernelFeature } from "../kernel.ts";
import {
  dummyBatch,
  ipIn,
  joinBatches,
  ownerAlias,
  parseVlanParent,
  tmpLinkName,
  vlanBatch,
  type IpBatch,
} from "./link-commands.ts";

/** Runs argv[0] with the rest as arguments and input on stdin; never throws for a non-zero exit. */
export type CommandRunner = (
  argv: string[],
  input?: string,
) => Promise<ExecResult>;

/** The real runner, over util/exec. */
export const runCommand: CommandRunner = (argv, input) =>
  execFile(
    argv[0] ?? "ip",
    argv.slice(1),
    input === undefined ? {} : { input },
  );

/** What the drivers need of the kernel probe. */
export type FeatureCheck = {
  require(f: KernelFeature, what: string): Promise<void>;
};

/** How one link type differs from the other. */
export type LinkKind = {
  name: "macvlan" | "ipvlan";
  feature: KernelFeature;
  /** Prefix of host-side temporary link names. */
  tmpPrefix: string;
  /** Validates the network's options (InvalidArgumentError in Docker's words) and returns the link type words. */
  linkType(options: Record<string, string>): string[];
  setMac: boolean;
  /** True when the default route goes out of the device with no next hop (ipvlan l3, l3s). */
  deviceRoute(options: Record<string, string>): boolean;
};

/** Options of a parent-link driver. */
export type ParentLinkOptions = {
  kernel: FeatureCheck;
  run?: CommandRunner;
  /** The namespace whose interfaces serve as parents (tests use a namespace as a "host"); default the daemon's own. */
  hostNetns?: string;
};

/** compat: Docker names the dummy parent of an isolated network dm-<short network id>. */
export function dummyName(networkId: string): string {
  return `dm-${networkId.slice(0, 12)}`;
}

/** A NetworkDriver for links on a parent interface; see the file comment. */
export class ParentLinkDriver implements NetworkDriver {
  readonly name: string;
  #kind: LinkKind;
  #kernel: FeatureCheck;
  #run: CommandRunner;
  #host: string | undefined;

  constructor(kind: LinkKind, options: ParentLinkOptions) {
    this.name = kind.name;
    this.#kind = kind;
    this.#kernel = options.kernel;
    this.#run = options.run ?? runCommand;
    this.#host = options.hostNetns;
  }

  /** Checks options and kernel support before creating anything; then makes a missing vlan or dummy parent. */
  async createNetwork(n: NetworkSpec): Promise<void> {
    this.#kind.linkType(n.options);
    const what = `cannot create ${this.name} network ${n.name}`;
    await this.#kernel.require(this.#kind.feature, what);
    const parent = this.#parent(n);
    if (await this.#link(parent)) return;
    if (parent === dummyName(n.id)) {
      await this.#kernel.require(
        "dummy",
        `${what}: no parent interface, so an isolated dummy parent is needed`,
      );
      return this.#make(parent, dummyBatch(parent, n.id, this.#host));
    }
    const vlan = parseVlanParent(parent);
    if (!vlan)
      throw new InvalidArgumentError(
        `invalid subinterface vlan name ${parent}, example formatting is eth0.10`,
      );
    if (!(vlan.id >= 1 && vlan.id <= 4094))
      throw new InvalidArgumentError(
        `vlan id must be between 1-4094, received: ${vlan.id}`,
      );
    if (!(await this.#link(vlan.link)))
      throw new InvalidArgumentError(
        `failed to find master interface ${vlan.link} on the Docker host`,
      );
    await this.#kernel.require(
      "8021q",
      `${what}: the 802.1q sub-interface ${parent} cannot be created`,
    );
    await this.#make(parent, vlanBatch(parent, n.id, this.#host));
  }

  /** Removes the vlan or dummy parent if this network created it; other parents stay. */
  async deleteNetwork(n: NetworkSpec): Promise<void> {
    const parent = this.#parent(n);
    const link = await this.#link(parent);
    if (link?.ifalias === ownerAlias(n.id))
      await this.#batch({
        argv: ipIn(this.#host),
        lines: [`link del dev ${parent}`],
      });
  }

  /** Creates the endpoint's link on the parent and configures it in the namespace; nothing when it is already there. */
  async join(n: NetworkSpec, e: Endpoint): Promise<void> {
    const ns = ipIn(e.netnsPath);
    if ((await this.#run([...ns, "link", "show", "dev", e.ifname])).code === 0)
      return;
    const parent = this.#parent(n);
    if (!(await this.#link(parent)))
      throw new InvalidArgumentError(
        `the requested parent interface ${parent} was not found on the Docker host`,
      );
    const sub = {
      type: this.#kind.linkType(n.options),
      parent,
      tmpName: tmpLinkName(this.#kind.tmpPrefix, e),
      setMac: this.#kind.setMac,
      deviceRoute: this.#kind.deviceRoute(n.options),
    };
    const [host, inside] = joinBatches(sub, e, this.#host);
    const del = (argv: string[], dev: string): Promise<ExecResult> =>
      this.#run([...argv, "link", "del", "dev", dev]);
    try {
      await this.#batch(host);
    } catch (err) {
      // A crashed earlier join may have left the temporary link: remove it and try once more.
      if (!/File exists/.test(String(err))) throw err;
      await del(ipIn(this.#host), sub.tmpName);
      await this.#batch(host);
    }
    try {
      await this.#batch(inside);
    } catch (err) {
      await del(ns, sub.tmpName);
      await del(ns, e.ifname);
      throw err;
    }
  }

  /** Deletes the endpoint's link; nothing when it or its namespace is gone. */
  async leave(_n: NetworkSpec, e: Endpoint): Promise<void> {
    await this.#run([...ipIn(e.netnsPath), "link", "del", "dev", e.ifname]);
  }

  #parent(n: NetworkSpec): string {
    // compat: --internal ignores -o parent, and no parent at all means an isolated dummy parent (libnetwork).
    const p = n.internal ? "" : (n.options.parent ?? "");
    return p || dummyName(n.id);
  }

  /** The link's `ip -j` record in the host namespace, or undefined when it does not exist. */
  async #link(name: string): Promise<{ ifalias?: string } | undefined> {
    const r = await this.#run([
      ...ipIn(this.#host),
      "-j",
      "link",
      "show",
      "dev",
      name,
    ]);
    if (r.code !== 0) return undefined;
    try {
      return (JSON.parse(r.stdout) as { ifalias?: string }[])[0] ?? {};
    } catch {
      return {};
    }
  }

  /** Runs a creating batch; on failure removes the half-made link, then throws. */
  async #make(name: string, b: IpBatch): Promise<void> {
    try {
      await this.#batch(b);
    } catch (err) {
      await this.#run([...b.argv, "link", "del", "dev", name]);
      throw err;
    }
  }

  async #batch(b: IpBatch): Promise<void> {
    const r = await this.#run(
      [...b.argv, "-batch", "-"],
      b.lines.join("\n") + "\n",
    );
    if (r.code !== 0)
      throw new Error(
        `${this.name}: ${b.argv.join(" ")} -batch failed: ${r.stderr.trim()}`,
      );
  }
}
