import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { isIP } from "node:net";
import { join } from "node:path";
import { EventBus, matchesEventFilters } from "../engine/events/index.ts";
import {
  ImageService,
  registryOptions,
  type RegistryOptions,
} from "../engine/images/index.ts";
import {
  containerService,
  ContainerStore,
  type ContainerService,
  containerLookup,
  imageUsage,
  networkDonors,
} from "../engine/containers/index.ts";
import { DOCKER_PLUGIN_DIRS, VolumeService } from "../engine/volumes/index.ts";
import { SystemService } from "../engine/system/index.ts";
import { BuilderService } from "../engine/builder/index.ts";
import { buildRoutes } from "../server/routes/build.ts";
import { buildContainers } from "./build-containers.ts";
import { NetworkService, networkOptions } from "../engine/networks/index.ts";
import { BridgeDriver } from "../network/bridge-driver.ts";
import { DnsServer, hostNameservers } from "../network/dns/index.ts";
import { ipvlanDriver } from "../network/drivers/ipvlan.ts";
import { macvlanDriver } from "../network/drivers/macvlan.ts";
import { KernelProbe } from "../network/kernel.ts";
import type { NetworkDriver } from "../network/driver.ts";
import { Firewall } from "../network/firewall.ts";
import { networkRoutes } from "../server/routes/networks.ts";
import {
  ConmonRuntime,
  execDirect,
  RuntimeSet,
  ensureCgroupV1Controllers,
  type OciRuntime,
} from "../runtime/index.ts";
import { SeccompFilters } from "../security/index.ts";
import { Router } from "../server/router.ts";
import { archiveRoutes } from "../server/routes/archive.ts";
import { containerRoutes } from "../server/routes/containers.ts";
import { execRoutes } from "../server/routes/exec.ts";
import { imageRoutes } from "../server/routes/images.ts";
import { systemRoutes } from "../server/routes/system.ts";
import { volumeRoutes } from "../server/routes/volumes.ts";
import { unbuiltRoutes } from "../server/routes/unbuilt.ts";
import { registryRoutes } from "../server/routes/registry.ts";
import { inactiveSwarmRoutes } from "../server/routes/swarm.ts";
import { errorMessage, InvalidArgumentError } from "../util/errors.ts";
import type { Logger } from "../util/log.ts";
import type { DaemonConfig } from "./config.ts";
import { diskUsage } from "./disk-usage.ts";
import { DaemonSettings } from "./settings.ts";
import { setupRemap } from "./userns-root.ts";
import { rootPair } from "../oci/id-mapping.ts";
import { OverlayLayerStore } from "../storage/layers/overlay.ts";

/** Everything the daemon built, for main.ts to start and stop. */
export type Daemon = {
  router: Router;
  events: EventBus;
  /** The live settings; SIGHUP hands a re-read configuration to reload. */
  settings: DaemonSettings;
  /** Applies a re-read configuration's reloadable keys; returns what changed. */
  reload: (next: DaemonConfig) => string[];
  close: () => Promise<void>;
};

/**
 * The composition root: builds stores → services → routes, in order, with
 * constructors only (STYLE.md §9). Nothing else in the tree wires services.
 * Restores containers before it returns, so the API never serves stale state.
 */
export async function wire(config: DaemonConfig, log: Logger): Promise<Daemon> {
  await mkdir(config.dataRoot, { recursive: true, mode: 0o711 });
  await mkdir(config.execRoot, { recursive: true, mode: 0o711 });
  const warnings = await prepareHost(log);
  const remap = await setupRemap(config.extra.usernsRemap, config.dataRoot, {
    log,
  });
  const events = new EventBus();

  const registry = registryFrom(config);
  // Container records first: images and networks get narrow views of them
  // at construction (contracts.ts), the records load in containers.init().
  const records = new ContainerStore(config.dataRoot);
  const images = new ImageService({
    root: config.dataRoot,
    events,
    log,
    registry,
    usage: imageUsage(records),
    ...(process.env.WHARF_USERNS_LAYERS === "copy"
      ? {
          layers: new OverlayLayerStore({
            root: join(config.dataRoot, "overlay"),
            lowerMode: "copy",
          }),
        }
      : {}),
  });
  await images.init();

  const volumes = new VolumeService({
    root: join(config.dataRoot, "volumes"),
    events,
    log,
    pluginDirs: config.pluginDirs
      ? config.pluginDirs.split(":").filter(Boolean)
      : [
          ...DOCKER_PLUGIN_DIRS,
          "/etc/wharf/plugins",
          join(config.execRoot, "plugins"),
        ],
    ...(remap ? { owner: rootPair(remap.mappings) } : {}),
  });
  await volumes.init();
  const netOptions = networkOptions(config.network, {
    execRoot: config.execRoot,
  });
  const firewall = new Firewall({
    table: netOptions.nftTable,
    enabled: netOptions.iptables,
    log,
    userlandProxy: netOptions.userlandProxy,
  });
  // The driver registry; ipvlan and 802.1q parents check the kernel first.
  const kernel = new KernelProbe();
  const drivers = new Map<string, NetworkDriver>([
    ["bridge", new BridgeDriver({ firewall, exec: execDirect })],
    ["macvlan", macvlanDriver({ kernel })],
    ["ipvlan", ipvlanDriver({ kernel })],
  ]);
  const networks = new NetworkService({
    root: config.dataRoot,
    options: netOptions,
    events,
    log,
    firewall,
    drivers,
    containers: containerLookup(records),
    donors: networkDonors(records),
  });
  const dns = embeddedDns(networks, netOptions.dns, log);
  await networks.init();

  const settings = new DaemonSettings(config, {
    builtin: { crun: runtimePath("crun"), runc: runtimePath("runc") },
    log,
    userns: remap !== undefined,
  });
  const stateDir = join(config.execRoot, "runtime");
  const runtime = new RuntimeSet({
    stateDir,
    runtimes: buildRuntimes(settings, stateDir),
    defaultName: config.runtime,
  });
  const containers = containerService({
    root: config.dataRoot,
    execRoot: config.execRoot,
    images,
    runtime,
    runtimeName: config.runtime,
    runtimeNames: () => runtime.names(),
    seccomp: new SeccompFilters({
      defaultProfile: await seccompProfile(config.extra.seccompProfile),
    }),
    events,
    log,
    volumes,
    networking: networks.sandboxes,
    store: records,
    ...(remap ? { userns: remap.mappings } : {}),
  });
  await containers.init();
  await containers.restore();
  const states = new Map(
    (await containers.list({ all: true })).map((c) => [c.Id, c.State]),
  );
  await networks.reconcile((id) =>
    states.has(id)
      ? states.get(id) === "running" || states.get(id) === "paused"
      : undefined,
  );

  const builder = new BuilderService({
    root: config.dataRoot,
    images,
    containers: buildContainers(containers),
    log,
  });
  await builder.init();

  let listeners = 0;
  const system = new SystemService({
    sources: {
      containerCounts: () => containers.counts(),
      imageCount: () => images.count(),
      eventListeners: () => listeners,
      plugins: () => ({
        network: [...new Set(["host", "null", ...drivers.keys()])].sort(),
        volume: ["local"],
      }),
      settings: () => settings.system(),
    },
    setup: {
      dataRoot: config.dataRoot,
      execRoot: config.execRoot,
      runtime: config.runtime,
      cgroupVersion: "1",
      warnings,
    },
  });
  await system.init();

  const router = new Router();
  router.add(
    systemRoutes({
      version: () => system.version(),
      info: () => system.info(),
      df: (options) =>
        diskUsage({ images, containers, volumes, builder }, options),
      eventHistory: () => events.history(),
      subscribe: (l) => {
        listeners++;
        const off = events.subscribe(l);
        return () => {
          listeners--;
          off();
        };
      },
      matchesEventFilters,
    }),
  );
  router.add(imageRoutes(images));
  router.add(registryRoutes(images));
  router.add(containerRoutes(withCreateDefaults(containers, settings)));
  router.add(volumeRoutes(volumes));
  router.add(archiveRoutes(containers));
  router.add(execRoutes(containers));
  router.add(networkRoutes(networks));
  router.add(inactiveSwarmRoutes());
  router.add(buildRoutes(builder));
  router.add(unbuiltRoutes());
  log.debug("daemon wired", {
    dataRoot: config.dataRoot,
    execRoot: config.execRoot,
  });
  return {
    router,
    events,
    settings,
    reload: (next) => {
      const changes = settings.reload(next);
      images.reloadRegistry(registryFrom(settings.config));
      log.setLevel(settings.config.logLevel);
      runtime.replace(
        buildRuntimes(settings, stateDir),
        settings.config.runtime,
      );
      return changes;
    },
    close: async () => {
      containers.close();
      images.registry.close();
      await dns.close();
      await networks.close();
    },
  };
}

/** The registry client's options from daemon.json's keys. */
function registryFrom(config: DaemonConfig): RegistryOptions {
  return registryOptions({
    "registry-mirrors": config.extra.registryMirrors,
    "insecure-registries": config.extra.insecureRegistries,
    "max-concurrent-downloads": config.extra.maxConcurrentDownloads,
    "max-concurrent-uploads": config.extra.maxConcurrentUploads,
    "registry-hub-fallback": config.extra.registryHubFallback,
  });
}

/**
 * The embedded DNS server of user-defined networks: bound to each one's
 * gateway while it exists, answering container names and aliases in the
 * asking container's networks, forwarding the rest to the daemon's `dns`
 * servers or else the host's nameservers.
 */
function embeddedDns(
  networks: NetworkService,
  servers: string[],
  log: Logger,
): DnsServer {
  const dns = new DnsServer({
    lookup: ({ name, type, client }) => {
      const found = networks.resolve(name, client);
      if (!found) return undefined;
      return found.filter((a) => isIP(a) === (type === "A" ? 4 : 6));
    },
    upstreams: () => (servers.length ? servers : hostNameservers()),
    log,
  });
  networks.onGateway(({ name, gateway, up }) => {
    const change = up ? dns.bind(gateway) : dns.unbind(gateway);
    change.catch((err: unknown) =>
      log.warn("embedded DNS: cannot bind the network's gateway", {
        network: name,
        gateway,
        err: errorMessage(err),
      }),
    );
  });
  return dns;
}

/** One ConmonRuntime per registered runtime, each with its own --root under stateDir. */
function buildRuntimes(
  settings: DaemonSettings,
  stateDir: string,
): Map<string, OciRuntime> {
  const out = new Map<string, OciRuntime>();
  for (const [name, rc] of Object.entries(settings.runtimes()))
    out.set(
      name,
      new ConmonRuntime({
        stateDir,
        name,
        binary: rc.path.includes("/") ? rc.path : runtimePath(rc.path),
        ...(rc.runtimeArgs ? { runtimeArgs: rc.runtimeArgs } : {}),
      }),
    );
  return out;
}

/**
 * The ContainerService as the routes' backend, with the daemon's defaults
 * (daemon.json) laid onto each create body first. Every other call goes to
 * the service unchanged.
 */
function withCreateDefaults(
  containers: ContainerService,
  settings: DaemonSettings,
): ContainerService {
  return {
    ...containers,
    create: (body, o) =>
      containers.create(settings.applyCreateDefaults(body), o),
  };
}

/** daemon.json's seccomp-profile: "", "builtin", "unconfined", or a file whose JSON is read now. */
async function seccompProfile(value: string): Promise<string> {
  if (value === "" || value === "builtin" || value === "unconfined")
    return value;
  let text: string;
  try {
    text = await readFile(value, "utf8");
  } catch (err) {
    // compat: dockerd's wording.
    throw new InvalidArgumentError(
      `opening seccomp profile (${value}) failed: ${errorMessage(err)}`,
    );
  }
  try {
    JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(
      `Decoding seccomp profile failed: ${errorMessage(err)}`,
    );
  }
  return text;
}

/** The runtime binary's path: Debian puts crun in /usr/bin and runc in /usr/sbin. */
function runtimePath(name: string): string {
  const dirs = [
    ...(process.env.PATH ?? "").split(":"),
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
  ];
  return (
    dirs.map((d) => join(d, name)).find((p) => existsSync(p)) ??
    `/usr/bin/${name}`
  );
}

/** Host fixes wharfd needs before any container runs; problems become /info warnings. */
async function prepareHost(log: Logger): Promise<string[]> {
  try {
    const mounted = await ensureCgroupV1Controllers();
    if (mounted.length)
      log.info(
        "moved cgroup controllers out of the cgroup2 mount so crun accepts the hybrid host",
        { controllers: mounted },
      );
    return [];
  } catch (err) {
    const message = `WARNING: cgroups: ${errorMessage(err)}`;
    log.warn(message);
    return [message];
  }
}
