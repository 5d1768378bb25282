import { readdir } from "node:fs/promises";
import type { EndpointSettingsBody } from "../../api/networks.ts";
import { deleteNetns, NETNS_DIR } from "../../network/ip.ts";
import { errorMessage, InvalidArgumentError } from "../../util/errors.ts";
import {
  isDefaultBridge,
  isUserDefined,
  type NetContainer,
  type NetCore,
} from "./core.ts";
import { linkEnv, parseLink } from "./links.ts";
import type { SandboxRecord } from "./record.ts";
import { createSandbox, sandboxDown, sandboxUp } from "./sandbox.ts";
import { containerSettings, dnsNames } from "./view.ts";

/** What a container's start needs from networking (see ContainerNetworking in engine/containers). */
export type PreparedNetwork = {
  /** Namespace path to join, "host" for the host's, undefined for a fresh one. */
  netns: string | undefined;
  /** /etc/hosts lines after localhost: the container's own address and its links. */
  hosts?: string[];
  /** Nameservers replacing the host's (the gateway on user-defined networks). */
  nameservers?: string[];
  /** Extra process environment (--link variables). */
  env?: string[];
  /** The address --add-host's "host-gateway" stands for. */
  hostGateway?: string;
  /**
   * Settles once the interfaces are made (the addresses above are taken
   * already): the container's process must not run before. Rejects, after
   * the sandbox was torn down, when they could not be made. Absent when
   * there is nothing left to wait for.
   */
  ready?: Promise<void>;
};

/**
 * The containers engine's networking hook: create validates and records a
 * container's endpoints, prepare brings its namespace, interfaces and
 * ports up before the runtime runs it, release tears them down after it
 * stopped (idempotent), remove forgets it. view answers NetworkSettings.
 */
export class Sandboxes {
  #core: NetCore;

  constructor(core: NetCore) {
    this.#core = core;
  }

  /** Validates the create body's networking and records it. Returns create warnings. */
  async create(
    c: NetContainer,
    body: { NetworkingConfig?: unknown; MacAddress?: unknown },
  ): Promise<string[]> {
    const nc = body.NetworkingConfig as
      | { EndpointsConfig?: Record<string, EndpointSettingsBody | null> }
      | undefined;
    const mac = typeof body.MacAddress === "string" ? body.MacAddress : "";
    await createSandbox(this.#core, c, nc ?? undefined, mac);
    return [];
  }

  /** Brings the container's network up. Throws with Docker's texts (port allocated, link target stopped). */
  async prepare(c: NetContainer): Promise<PreparedNetwork> {
    const core = this.#core;
    const mode = c.hostConfig.NetworkMode;
    if (mode === "host") return { netns: "host" };
    if (mode === "none") return { netns: undefined };
    if (mode.startsWith("container:")) {
      const { donor: other, path } = await core.donors(mode);
      // The donor's named netns outlives a restart of its process.
      const own = core.sandboxes.get(other.id)?.active?.netnsPath;
      if (own) return { netns: own };
      return {
        netns: other.hostConfig.NetworkMode === "host" ? "host" : path,
      };
    }
    const links = await this.#links(c);
    // The lock is held until the interfaces are made; the addresses are
    // handed back before, so the start overlaps the `ip` spawns with its
    // own work (host files, spec, the runtime's create).
    let addressed!: (a: Awaited<ReturnType<typeof sandboxUp>>) => void;
    const early = new Promise<Awaited<ReturnType<typeof sandboxUp>>>(
      (resolve) => (addressed = resolve),
    );
    const up = core.lock.run(c.id, () => sandboxUp(core, c, addressed));
    const active = await Promise.race([early, up]);
    const ready = up.then(() => undefined);
    // Handled here so a start that fails before awaiting it leaves no
    // unhandled rejection (its release waits for the lock anyway).
    ready.catch(() => undefined);
    const sb = core.sandboxes.get(c.id)!;
    const hosts: string[] = [];
    const first = active.endpoints.find((e) => e.ipv4);
    if (first) {
      const names = c.config.Domainname
        ? [`${c.config.Hostname}.${c.config.Domainname}`, c.config.Hostname]
        : [c.config.Hostname];
      const aliases =
        sb.endpoints.find((e) => e.networkId === first.networkId)?.aliases ??
        [];
      hosts.push(
        `${first.ipv4.split("/")[0]}\t${[...new Set([...names, ...aliases])].join(" ")}`,
      );
    }
    hosts.push(...links.hosts);
    const userNet = active.endpoints.find((e) => {
      const n = core.networks.get(e.networkId);
      return n && isUserDefined(n) && n.driver === "bridge" && e.gateway;
    });
    const bridge = [...core.networks.values()].find(isDefaultBridge);
    const out: PreparedNetwork = {
      netns: active.netnsPath,
      hosts,
      env: links.env,
      ready,
    };
    if (userNet) out.nameservers = [userNet.gateway];
    else if (core.opts.dns.length) out.nameservers = core.opts.dns;
    const gw = bridge?.ipam.config[0]?.Gateway;
    if (gw) out.hostGateway = gw;
    return out;
  }

  /** Tears the container's network down; idempotent. */
  async release(c: { id: string }): Promise<void> {
    await this.#core.lock.run(c.id, () => sandboxDown(this.#core, c.id));
  }

  /** Forgets a removed container (after tearing down anything left). */
  async remove(c: { id: string }): Promise<void> {
    const core = this.#core;
    await core.lock.run(c.id, async () => {
      await sandboxDown(core, c.id);
      core.sandboxes.delete(c.id);
      await core.sandboxStore.remove(c.id);
    });
  }

  /** NetworkSettings and ps Ports of a container. */
  view(c: NetContainer): {
    settings: Record<string, unknown>;
    ports: unknown[];
  } {
    return containerSettings(this.#core, c);
  }

  /** At start: takes back what a running sandbox holds (addresses, ports, rules). */
  hold(sb: SandboxRecord): void {
    const core = this.#core;
    for (const ep of sb.active?.endpoints ?? [])
      for (const p of core.pools.get(ep.networkId) ?? [])
        for (const a of [ep.ipv4, ep.ipv6])
          if (a && p.has(a.split("/")[0]!))
            try {
              p.reserve(a.split("/")[0]!);
            } catch (err) {
              core.log.warn("restore: address held twice", {
                address: a,
                err: errorMessage(err),
              });
            }
    const ports = sb.active?.ports ?? [];
    const ip = sb.active?.endpoints.find((e) => e.ipv4)?.ipv4.split("/")[0];
    for (const p of ports) core.ports.hold(sb.containerId, p);
    if (ip && ports.length)
      void core.firewall.setPorts(
        sb.containerId,
        ports.map((p) => ({ ...p, containerIp: ip })),
      );
  }

  /**
   * After the containers engine restored: running containers get their
   * userland proxy listeners back, sandboxes of stopped containers are torn
   * down, those of vanished ones forgotten, and namespaces of this daemon
   * that no sandbox owns (a crash between netns add and save) deleted.
   */
  async reconcile(running: (id: string) => boolean | undefined): Promise<void> {
    const core = this.#core;
    for (const sb of [...core.sandboxes.values()]) {
      const state = running(sb.containerId);
      if (state === true) {
        await this.#relisten(sb);
        continue;
      }
      await core.lock
        .run(sb.containerId, async () => {
          await sandboxDown(core, sb.containerId);
          if (state === undefined) {
            core.sandboxes.delete(sb.containerId);
            await core.sandboxStore.remove(sb.containerId);
          }
        })
        .catch((err: unknown) =>
          core.log.warn("restore: cannot free sandbox", {
            id: sb.containerId,
            err: errorMessage(err),
          }),
        );
    }
    const owned = new Set(
      [...core.sandboxes.values()]
        .map((sb) => sb.active?.netnsPath)
        .filter(Boolean),
    );
    for (const name of await readdir(NETNS_DIR).catch(() => []))
      if (
        name.startsWith(`${core.opts.nftTable}-`) &&
        !owned.has(`${NETNS_DIR}/${name}`)
      )
        await deleteNetns(name).catch(() => undefined);
  }

  /** Opens a running sandbox's proxy listeners again; a failure is logged (the container keeps running). */
  async #relisten(sb: SandboxRecord): Promise<void> {
    const core = this.#core;
    const ports = sb.active?.ports ?? [];
    const ep = sb.active?.endpoints.find(
      (e) => e.ipv4 && !core.networks.get(e.networkId)?.internal,
    );
    if (!core.proxy || !ep || !ports.length) return;
    const ip = ep.ipv4.split("/")[0]!;
    await core.lock
      .run(sb.containerId, () =>
        core.proxy!.start(
          sb.containerId,
          ports.map((p) => ({ ...p, containerIp: ip })),
          `${sb.name} (${ep.endpointId})`,
        ),
      )
      .catch((err: unknown) =>
        core.log.warn("restore: cannot reopen published ports", {
          id: sb.containerId,
          err: errorMessage(err),
        }),
      );
  }

  /** The DNS hook; see NetworkService.resolve. */
  resolve(name: string, clientIp: string): string[] | undefined {
    const core = this.#core;
    const all = [...core.sandboxes.values()].filter((sb) => sb.active);
    // compat: as Docker, the asker sees names on all of its networks, not
    // only on the one whose gateway it asked.
    const asker = all.find((sb) =>
      sb.active!.endpoints.some(
        (e) =>
          e.ipv4.split("/")[0] === clientIp ||
          e.ipv6.split("/")[0] === clientIp,
      ),
    );
    const nets = new Set(
      (asker?.active?.endpoints ?? [])
        .map((e) => e.networkId)
        .filter((id) => {
          const n = core.networks.get(id);
          return n !== undefined && isUserDefined(n);
        }),
    );
    const want = name.toLowerCase().replace(/\.$/, "");
    const out: string[] = [];
    // A link on a user-defined network is a name only its holder resolves.
    for (const ep of asker?.endpoints ?? []) {
      if (!nets.has(ep.networkId)) continue;
      for (const spec of ep.links) {
        const { name: child, alias } = parseLink(spec);
        if (alias.toLowerCase() !== want) continue;
        const target = all
          .find((sb) => sb.name === child)
          ?.active!.endpoints.find((e) => e.networkId === ep.networkId);
        if (target?.ipv4) out.push(target.ipv4.split("/")[0]!);
      }
    }
    if (out.length) return out;
    for (const sb of all)
      for (const ep of sb.active!.endpoints) {
        if (!nets.has(ep.networkId) || !ep.ipv4) continue;
        const aliases =
          sb.endpoints.find((e) => e.networkId === ep.networkId)?.aliases ?? [];
        if (dnsNames(sb, aliases).some((n) => n.toLowerCase() === want))
          out.push(ep.ipv4.split("/")[0]!);
      }
    return out.length ? out : undefined;
  }

  /** Link env and hosts lines; every target must run (Docker's wording). */
  async #links(c: NetContainer): Promise<{ env: string[]; hosts: string[] }> {
    const specs = Array.isArray(c.hostConfig.Links)
      ? (c.hostConfig.Links as string[])
      : [];
    const env: string[] = [];
    const hosts: string[] = [];
    for (const spec of specs) {
      const { name, alias } = parseLink(spec);
      const other = await this.#core.lookup(name).catch(() => {
        throw new InvalidArgumentError(`could not get container for ${name}`);
      });
      const ep = this.#core.sandboxes
        .get(other.id)
        ?.active?.endpoints.find((e) => e.ipv4);
      if (other.state.status !== "running" || !ep)
        throw new InvalidArgumentError(
          `Cannot link to a non running container: ${other.name} AS ${c.name}/${alias}`,
        );
      const ip = ep.ipv4.split("/")[0]!;
      env.push(
        ...linkEnv({
          alias,
          parentName: c.name,
          ip,
          exposed: Object.keys(other.config.ExposedPorts ?? {}),
          env: other.config.Env ?? [],
        }),
      );
      hosts.push(
        `${ip}\t${[...new Set([alias, other.config.Hostname, other.name.replace(/^\//, "")])].join(" ")}`,
      );
    }
    return { env, hosts };
  }
}
