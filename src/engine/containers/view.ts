import type {
  ContainerInspect,
  ContainerSummary,
  HostConfig,
} from "../../api/containers.ts";
import type { RootfsPaths } from "../images/index.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import { checkHealthFilter, healthFilterValue } from "./health.ts";
import { statusText, type ContainerRecord } from "./record.ts";
import { hostConfigView } from "./host-config-view.ts";

/** Host paths inspect reports for a container. */
export type InspectPaths = {
  resolvConfPath: string;
  hostnamePath: string;
  hostsPath: string;
  logPath: string;
};

/** Docker's inspect JSON for a record. */
export function inspectView(
  r: ContainerRecord,
  o: {
    paths: InspectPaths;
    execIds: string[];
    rootfs: RootfsPaths | undefined;
    size?: { rw: number; rootFs: number };
    /** From networking; undefined uses the built-in view. */
    network?: { settings: Record<string, unknown> } | undefined;
  },
): ContainerInspect {
  const s = r.state;
  const view: ContainerInspect = {
    Id: r.id,
    Created: r.created,
    Path: r.path,
    Args: r.args,
    State: {
      Status: s.status,
      // compat: moby counts a restarting container as running.
      Running:
        s.status === "running" ||
        s.status === "paused" ||
        s.status === "restarting",
      Paused: s.status === "paused",
      Restarting: s.status === "restarting",
      OOMKilled: s.oomKilled,
      Dead: s.status === "dead",
      Pid: s.pid,
      ExitCode: s.exitCode,
      Error: s.error,
      StartedAt: s.startedAt,
      FinishedAt: s.finishedAt,
      ...(r.health ? { Health: r.health } : {}),
    },
    Image: r.imageId,
    ResolvConfPath: o.paths.resolvConfPath,
    HostnamePath: o.paths.hostnamePath,
    HostsPath: o.paths.hostsPath,
    LogPath: o.paths.logPath,
    Name: r.name,
    RestartCount: r.restartCount,
    Driver: "overlay2",
    Platform: "linux",
    MountLabel: "",
    ProcessLabel: "",
    AppArmorProfile: "",
    // compat: Docker sends null, not [], when there are no execs.
    ExecIDs: o.execIds.length ? o.execIds : null,
    HostConfig: hostConfigView(r.hostConfig) as unknown as HostConfig,
    GraphDriver: {
      Name: "overlay2",
      Data: o.rootfs
        ? {
            LowerDir: o.rootfs.lowerDir,
            UpperDir: o.rootfs.upperDir,
            WorkDir: o.rootfs.workDir,
            MergedDir: o.rootfs.mergedDir,
          }
        : null,
    },
    Mounts: r.mounts ?? [],
    Config: r.config,
    NetworkSettings: o.network?.settings ?? networkSettings(r),
  };
  if (o.size) {
    view.SizeRw = o.size.rw;
    view.SizeRootFs = o.size.rootFs;
  }
  return view;
}

function networkSettings(r: ContainerRecord): Record<string, unknown> {
  const mode = r.hostConfig.NetworkMode;
  // Bridge is not built yet: such containers run as "none" (see create).
  const name =
    mode === "host"
      ? "host"
      : mode.startsWith("container:")
        ? undefined
        : "none";
  const networks: Record<string, unknown> = {};
  if (name)
    networks[name] = {
      IPAMConfig: null,
      Links: null,
      Aliases: null,
      MacAddress: "",
      DriverOpts: null,
      GwPriority: 0,
      NetworkID: "",
      EndpointID: "",
      Gateway: "",
      IPAddress: "",
      IPPrefixLen: 0,
      IPv6Gateway: "",
      GlobalIPv6Address: "",
      GlobalIPv6PrefixLen: 0,
      DNSNames: null,
    };
  return {
    Bridge: "",
    SandboxID: "",
    SandboxKey: r.state.pid ? `/proc/${r.state.pid}/ns/net` : "",
    HairpinMode: false,
    LinkLocalIPv6Address: "",
    LinkLocalIPv6PrefixLen: 0,
    Ports: {},
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: "",
    Gateway: "",
    GlobalIPv6Address: "",
    GlobalIPv6PrefixLen: 0,
    IPAddress: "",
    IPPrefixLen: 0,
    IPv6Gateway: "",
    MacAddress: "",
    Networks: networks,
  };
}

/** One row of `docker ps` JSON. */
export function summaryView(
  r: ContainerRecord,
  size?: { rw: number; rootFs: number },
  network?: { settings: Record<string, unknown>; ports: unknown[] },
): ContainerSummary {
  const cmd = [r.path, ...r.args.map(quoteArg)].join(" ");
  const row: ContainerSummary = {
    Id: r.id,
    Names: [r.name],
    Image: r.config.Image,
    ImageID: r.imageId,
    Command: cmd,
    Created: Math.floor(Date.parse(r.created) / 1000),
    Ports: network?.ports ?? [],
    Labels: r.config.Labels,
    State: r.state.status,
    Status: statusText(r),
    HostConfig: { NetworkMode: r.hostConfig.NetworkMode },
    NetworkSettings: {
      Networks: ((network?.settings ?? networkSettings(r)).Networks ??
        {}) as Record<string, unknown>,
    },
    Mounts: r.mounts ?? [],
  };
  if (size) {
    row.SizeRw = size.rw;
    row.SizeRootFs = size.rootFs;
  }
  return row;
}

// compat: moby joins Path and Args with spaces, quoting args that contain one.
function quoteArg(a: string): string {
  return a.includes(" ") ? `'${a}'` : a;
}

const FILTERS = new Set([
  "id",
  "name",
  "label",
  "status",
  "ancestor",
  "exited",
  "before",
  "since",
  "network",
  "volume",
  "health",
  "isolation",
  "is-task",
  "expose",
  "publish",
]);

/**
 * Builds the predicate for GET /containers/json filters. `resolve` finds a
 * container for before/since; `imageMatches` answers ancestor. Throws
 * InvalidArgumentError for an unknown filter or status, as Docker does.
 */
export function listFilter(
  filters: Record<string, string[]>,
  o: {
    resolve: (ref: string) => ContainerRecord;
    imageMatches: (r: ContainerRecord, ref: string) => boolean;
    /** Names and ids of the networks r is connected to. */
    networksOf?: (r: ContainerRecord) => string[];
    /** Published host ports of r as "8080/tcp". */
    publishedOf?: (r: ContainerRecord) => string[];
  },
): (r: ContainerRecord) => boolean {
  for (const k of Object.keys(filters))
    if (!FILTERS.has(k))
      throw new InvalidArgumentError(`invalid filter '${k}'`);
  const statuses = [
    "created",
    "restarting",
    "running",
    "removing",
    "paused",
    "exited",
    "dead",
  ];
  for (const s of filters.status ?? [])
    if (!statuses.includes(s))
      throw new InvalidArgumentError(`invalid filter 'status=${s}'`);
  checkHealthFilter(filters.health ?? []);
  for (const v of filters["is-task"] ?? [])
    if (v !== "true" && v !== "false")
      throw new InvalidArgumentError(
        `Invalid filter 'is-task=${v}': expected true or false`,
      );
  const expose = (filters.expose ?? []).map(portFilter);
  const publish = (filters.publish ?? []).map(portFilter);
  const before = filters.before?.[0]
    ? o.resolve(filters.before[0]).created
    : undefined;
  const since = filters.since?.[0]
    ? o.resolve(filters.since[0]).created
    : undefined;
  const any = <T>(list: T[] | undefined, f: (v: T) => boolean): boolean =>
    !list || list.length === 0 || list.some(f);
  return (r) =>
    any(filters.id, (v) => r.id.startsWith(v)) &&
    any(filters.name, (v) =>
      new RegExp(v.replace(/^\//, "")).test(r.name.slice(1)),
    ) &&
    any(filters.status, (v) => r.state.status === v) &&
    any(
      filters.exited,
      (v) => r.state.status === "exited" && String(r.state.exitCode) === v,
    ) &&
    any(filters.ancestor, (v) => o.imageMatches(r, v)) &&
    any(filters.health, (v) => healthFilterValue(r.health) === v) &&
    any(filters.network, (v) =>
      (o.networksOf?.(r) ?? []).some((n) => n === v || n.startsWith(v)),
    ) &&
    any(filters.volume, (v) =>
      (r.mounts ?? []).some(
        (m) => m.Name === v || m.Destination === v || m.Source === v,
      ),
    ) &&
    any(expose, (f) =>
      Object.keys(r.config.ExposedPorts ?? {}).some((k) => f(k)),
    ) &&
    any(publish, (f) => (o.publishedOf?.(r) ?? []).some((k) => f(k))) &&
    // compat: swarm tasks never run here; Linux isolation is always "default".
    any(filters["is-task"], (v) => v === "false") &&
    any(
      filters.isolation,
      (v) => v === "default" || v === (r.hostConfig.Isolation ?? ""),
    ) &&
    (filters.label ?? []).every((l) => labelMatches(r.config.Labels, l)) &&
    (before === undefined || r.created < before) &&
    (since === undefined || r.created > since);
}

/**
 * Docker's expose/publish filter value: "80", "80/udp" or "8000-8080/tcp"
 * (tcp when no protocol), as a predicate over "port/proto" keys. Throws
 * InvalidArgumentError for anything else.
 */
export function portFilter(value: string): (key: string) => boolean {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/.exec(value);
  if (!m)
    throw new InvalidArgumentError(
      `invalid port filter '${value}': use port[/proto] or start-end[/proto]`,
    );
  const lo = Number(m[1]);
  const hi = m[2] ? Number(m[2]) : lo;
  const proto = m[3] ?? "tcp";
  return (key) => {
    const [port = "", p = "tcp"] = key.split("/");
    const n = Number(port);
    return p === proto && n >= lo && n <= hi;
  };
}

/** Docker's label filter: "key", "key=value", "key!=value". */
export function labelMatches(
  labels: Record<string, string>,
  filter: string,
): boolean {
  const ne = filter.indexOf("!=");
  if (ne > 0) return labels[filter.slice(0, ne)] !== filter.slice(ne + 2);
  const eq = filter.indexOf("=");
  if (eq < 0) return filter in labels;
  return labels[filter.slice(0, eq)] === filter.slice(eq + 1);
}
