/**
 * A service (one replica) as the body of POST /containers/create, the way
 * compose v2 builds it: Config from the service, HostConfig with mounts,
 * ports, restart policy and resources, and the first network in
 * NetworkingConfig (the others are connected before start, see apply).
 */
import type {
  ContainerCreateBody,
  HostConfig,
  MountSpec,
} from "../api/containers.ts";
import type { EndpointSettingsBody } from "../api/networks.ts";
import { parseGoDurationNs } from "../conventions/duration.ts";
import { ramInBytes } from "../conventions/size.ts";
import { ComposeError } from "./errors.ts";
import { hostExtras, links, restartPolicy } from "./host-extras.ts";
import type { Project, Service, ServiceNetwork } from "./model.ts";

/** Nanoseconds of a compose duration ("1m30s"; a bare number is seconds). Throws ComposeError when malformed. */
export function durationNs(value: string | number, key: string): number {
  const ns =
    typeof value === "number"
      ? value * 1e9
      : /^\d+$/.test(value)
        ? Number(value) * 1e9
        : parseGoDurationNs(value);
  if (ns === undefined)
    throw new ComposeError(`${key}: invalid duration "${String(value)}"`);
  return Math.round(ns);
}

/** Bytes of a compose size ("512m", "1g", 1024): go-units RAMInBytes (1024-based). Throws ComposeError when malformed. */
export function bytes(value: string | number, key: string): number {
  if (typeof value === "number") return value;
  try {
    return ramInBytes(value.trim());
  } catch {
    throw new ComposeError(`${key}: invalid size "${value}"`);
  }
}

/** The networks a service joins, ordered as compose attaches them (priority, then name). */
export function serviceNetworks(
  service: Service,
): [string, ServiceNetwork | null][] {
  return Object.entries(service.networks ?? {}).sort(
    ([a, x], [b, y]) =>
      (y?.priority ?? 0) - (x?.priority ?? 0) || a.localeCompare(b),
  );
}

/** The endpoint settings of a service container on one network (aliases: the service name first). */
export function endpoint(
  service: Service,
  net: ServiceNetwork | null,
  aliases = true,
): EndpointSettingsBody {
  const e: EndpointSettingsBody = aliases
    ? { Aliases: [service.name, ...(net?.aliases ?? [])] }
    : {};
  if (net?.ipv4_address || net?.ipv6_address)
    e.IPAMConfig = {
      ...(net.ipv4_address ? { IPv4Address: net.ipv4_address } : {}),
      ...(net.ipv6_address ? { IPv6Address: net.ipv6_address } : {}),
    };
  if (net?.mac_address) e.MacAddress = net.mac_address;
  return e;
}

/** Where a secret or config goes in the container (`/run/secrets/<name>`, `/<name>`, or its target). */
export function secretTarget(
  kind: "secrets" | "configs",
  ref: string | { source: string; target?: string },
): string {
  const src = typeof ref === "string" ? ref : ref.source;
  if (typeof ref === "string" || !ref.target)
    return kind === "secrets" ? `/run/secrets/${src}` : `/${src}`;
  if (ref.target.startsWith("/")) return ref.target;
  return kind === "secrets" ? `/run/secrets/${ref.target}` : `/${ref.target}`;
}

function mounts(project: Project, service: Service): MountSpec[] {
  const out: MountSpec[] = (service.volumes ?? []).map((v) => {
    const m: MountSpec = { Type: v.type, Target: v.target };
    if (v.read_only) m.ReadOnly = true;
    if (v.type === "volume") {
      if (v.source) m.Source = project.volumes[v.source]?.name ?? v.source;
      if (v.volume?.nocopy || v.volume?.subpath)
        m.VolumeOptions = {
          ...(v.volume.nocopy ? { NoCopy: true } : {}),
          ...(v.volume.subpath ? { Subpath: v.volume.subpath } : {}),
        };
    } else if (v.type === "bind") {
      m.Source = v.source ?? "";
      m.BindOptions = {
        CreateMountpoint: v.bind?.create_host_path !== false,
        ...(v.bind?.propagation ? { Propagation: v.bind.propagation } : {}),
      };
    } else if (v.type === "tmpfs" && v.tmpfs)
      m.TmpfsOptions = {
        ...(v.tmpfs.size !== undefined
          ? { SizeBytes: bytes(v.tmpfs.size, "tmpfs.size") }
          : {}),
        ...(v.tmpfs.mode !== undefined ? { Mode: v.tmpfs.mode } : {}),
      };
    return m;
  });
  // secrets and configs backed by files are bind-mounted read-only
  for (const kind of ["secrets", "configs"] as const)
    for (const ref of (service[kind] ?? []) as (
      string | { source: string; target?: string }
    )[]) {
      const src = typeof ref === "string" ? ref : ref.source;
      const def = project[kind][src];
      // environment:/content: ones are copied in after create (see secrets.ts)
      if (def && !def.file && (def.environment || def.content !== undefined))
        continue;
      if (!def?.file)
        throw new ComposeError(
          `service "${service.name}": ${kind.slice(0, -1)} "${src}": external ${kind} are not supported (swarm only)`,
        );
      const target = secretTarget(kind, ref);
      out.push({
        Type: "bind",
        Source: def.file,
        Target: target,
        ReadOnly: true,
      });
    }
  return out;
}

/** The create body of one replica; `primary` is the network (its Docker name) it is created on. */
export function createBody(
  project: Project,
  service: Service,
  options: { image: string; labels: Record<string, string>; name: string },
): ContainerCreateBody {
  const s = service;
  const env = Object.entries(s.environment)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}=${v ?? ""}`);
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of s.ports ?? []) {
    const key = `${p.target}/${p.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({
      HostIp: p.host_ip ?? "",
      HostPort: p.published ?? "",
    });
  }
  for (const e of s.expose ?? [])
    exposed[e.includes("/") ? e : `${e}/tcp`] = {};
  const limits = s.deploy?.resources?.limits;
  const host: Partial<HostConfig> = {
    Mounts: mounts(project, s),
    PortBindings: bindings,
    RestartPolicy: restartPolicy(s),
    Privileged: s.privileged === true,
    ReadonlyRootfs: s.read_only === true,
    Init: typeof s.init === "boolean" ? s.init : null,
    CapAdd: (s.cap_add as string[] | undefined) ?? null,
    CapDrop: (s.cap_drop as string[] | undefined) ?? null,
    Dns: (s.dns as string[] | undefined) ?? null,
    DnsSearch: (s.dns_search as string[] | undefined) ?? null,
    DnsOptions: (s.dns_opt as string[] | undefined) ?? null,
    ExtraHosts: s.extra_hosts
      ? Object.entries(s.extra_hosts).map(([h, ip]) => `${h}:${ip}`)
      : null,
    Ulimits: s.ulimits
      ? Object.entries(s.ulimits).map(([Name, u]) => ({
          Name,
          Soft: u.soft,
          Hard: u.hard,
        }))
      : null,
    ...(s.sysctls ? { Sysctls: s.sysctls } : {}),
    ...(s.tmpfs
      ? {
          Tmpfs: Object.fromEntries(
            s.tmpfs.map((t) => {
              const i = t.indexOf(":");
              return i < 0 ? [t, ""] : [t.slice(0, i), t.slice(i + 1)];
            }),
          ),
        }
      : {}),
    ...(s.logging?.driver || s.logging?.options
      ? {
          LogConfig: {
            Type: s.logging.driver ?? "",
            Config: s.logging.options ?? {},
          },
        }
      : {}),
    ...(limits?.memory !== undefined || s.mem_limit !== undefined
      ? { Memory: bytes((limits?.memory ?? s.mem_limit) as string, "memory") }
      : {}),
    ...(limits?.cpus !== undefined || s.cpus !== undefined
      ? { NanoCpus: Math.round(Number(limits?.cpus ?? s.cpus) * 1e9) }
      : {}),
    ...(limits?.pids !== undefined || s.pids_limit !== undefined
      ? { PidsLimit: Number(limits?.pids ?? s.pids_limit) }
      : {}),
    ...(s.shm_size !== undefined
      ? { ShmSize: bytes(s.shm_size as string, "shm_size") }
      : {}),
    ...(s.security_opt ? { SecurityOpt: s.security_opt } : {}),
    ...(s.pid ? { PidMode: s.pid as string } : {}),
    ...(s.ipc ? { IpcMode: s.ipc as string } : {}),
    ...(s.group_add
      ? { GroupAdd: (s.group_add as unknown[]).map(String) }
      : {}),
    ...hostExtras(project, s, bytes),
  };
  const nets = serviceNetworks(s);
  const first = nets[0];
  let networking: ContainerCreateBody["NetworkingConfig"];
  if (s.network_mode) host.NetworkMode = networkMode(project, s.network_mode);
  else if (first) {
    const netName = project.networks[first[0]]?.name ?? first[0];
    host.NetworkMode = netName;
    // compat: as Compose v2, links go into the primary network's endpoint
    // too; on a user-defined network that is where the daemon keeps them.
    const l = links(project, s);
    networking = {
      EndpointsConfig: {
        [netName]: {
          ...endpoint(s, first[1]),
          ...(l.length ? { Links: l } : {}),
        },
      },
    };
  }
  const h = s.healthcheck;
  const body: ContainerCreateBody = {
    Image: options.image,
    Env: env,
    Labels: options.labels,
    ...(s.command !== undefined ? { Cmd: s.command } : {}),
    ...(s.entrypoint !== undefined ? { Entrypoint: s.entrypoint } : {}),
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    ...(s.hostname ? { Hostname: s.hostname as string } : {}),
    ...(s.domainname ? { Domainname: s.domainname as string } : {}),
    ...(s.user !== undefined
      ? {
          User:
            typeof s.user === "number" ? String(s.user) : (s.user as string),
        }
      : {}),
    ...(s.working_dir ? { WorkingDir: s.working_dir as string } : {}),
    ...(s.tty ? { Tty: true } : {}),
    ...(s.stdin_open ? { OpenStdin: true } : {}),
    ...(s.stop_signal ? { StopSignal: s.stop_signal as string } : {}),
    ...(s.stop_grace_period
      ? {
          StopTimeout: Math.round(
            durationNs(s.stop_grace_period as string, "stop_grace_period") /
              1e9,
          ),
        }
      : {}),
    ...(h ? { Healthcheck: healthConfig(h) } : {}),
    HostConfig: host,
    ...(networking ? { NetworkingConfig: networking } : {}),
  };
  return body;
}

function networkMode(project: Project, mode: string): string {
  // "service:db" → the first container of that service
  const m = /^service:(.+)$/.exec(mode);
  return m ? `container:${project.name}-${m[1]}-1` : mode;
}

function healthConfig(
  h: NonNullable<Service["healthcheck"]>,
): NonNullable<ContainerCreateBody["Healthcheck"]> {
  if (h.disable) return { Test: ["NONE"] };
  const d = (v: string | undefined, k: string) =>
    v === undefined ? undefined : durationNs(v, `healthcheck.${k}`);
  const out: Record<string, unknown> = {};
  if (h.test) out.Test = h.test;
  const map = {
    interval: "Interval",
    timeout: "Timeout",
    start_period: "StartPeriod",
    start_interval: "StartInterval",
  } as const;
  for (const [k, api] of Object.entries(map)) {
    const v = d(h[k as keyof typeof map], k);
    if (v !== undefined) out[api] = v;
  }
  if (h.retries !== undefined) out.Retries = h.retries;
  return out;
}
