/**
 * The HostConfig fields of a service beyond the common ones in
 * create-body.ts: links and external_links, volumes_from, devices,
 * annotations, cgroup_parent, userns_mode, deploy.resources.reservations
 * and deploy.restart_policy, mapped as compose v2 maps them. The daemon
 * decides what it supports (an unsupported userns_mode is its error).
 */
import type { HostConfig } from "../api/containers.ts";
import { ComposeError } from "./errors.ts";
import { containerName } from "./labels.ts";
import type { Project, Service } from "./model.ts";
import { type Dict, isDict } from "./load/dict.ts";

/** The container name of a service's first replica (container_name wins). */
export function firstContainer(project: Project, service: string): string {
  return (
    project.services[service]?.container_name ??
    containerName(project.name, service, 1)
  );
}

/** links `svc[:alias]` → `<container>:<alias>` for each replica; external_links `name[:alias]` as given. */
export function links(project: Project, s: Service): string[] {
  const out: string[] = [];
  for (const l of (s.links as string[] | undefined) ?? []) {
    const [svc = l, alias = svc] = l.split(":");
    const def = project.services[svc];
    const n =
      def?.deploy?.replicas ?? def?.scale ?? (def?.container_name ? 1 : 1);
    for (let i = 1; i <= n; i++)
      out.push(
        `${i === 1 ? firstContainer(project, svc) : containerName(project.name, svc, i)}:${alias}`,
      );
  }
  for (const l of (s.external_links as string[] | undefined) ?? []) {
    const [name = l, alias = name] = l.split(":");
    out.push(`${name}:${alias}`);
  }
  return out;
}

/** volumes_from `svc[:ro|rw]` (its first container) and `container:name[:ro|rw]`. */
export function volumesFrom(project: Project, s: Service): string[] {
  return ((s.volumes_from as string[] | undefined) ?? []).map((v) => {
    const container = v.startsWith("container:");
    const rest = container ? v.slice("container:".length) : v;
    const i = rest.lastIndexOf(":");
    const mode = i > 0 && /^(ro|rw)$/.test(rest.slice(i + 1));
    const name = mode ? rest.slice(0, i) : rest;
    const target = container ? name : firstContainer(project, name);
    return mode ? `${target}:${rest.slice(i + 1)}` : target;
  });
}

/** devices "host[:container[:perms]]" or {source, target, permissions}. */
export function devices(s: Service): {
  PathOnHost: string;
  PathInContainer: string;
  CgroupPermissions: string;
}[] {
  return ((s.devices as unknown[] | undefined) ?? []).map((d) => {
    if (isDict(d))
      return {
        PathOnHost: String(d.source),
        PathInContainer: String(d.target ?? d.source),
        CgroupPermissions:
          typeof d.permissions === "string" ? d.permissions : "rwm",
      };
    const [host = "", inside = host, perms = "rwm"] = String(d).split(":");
    if (!host) throw new ComposeError(`invalid device: ${String(d)}`);
    return {
      PathOnHost: host,
      PathInContainer: inside,
      CgroupPermissions: perms,
    };
  });
}

/** compat: compose v2's restart policy: deploy.restart_policy wins over restart (condition none→no, any→always). */
export function restartPolicy(s: Service): HostConfig["RestartPolicy"] {
  const rp = s.deploy?.restart_policy;
  if (isDict(rp)) {
    const cond = typeof rp.condition === "string" ? rp.condition : "any";
    const name =
      cond === "none"
        ? "no"
        : cond === "any" || cond === "always"
          ? "always"
          : cond;
    return {
      Name: name,
      MaximumRetryCount:
        typeof rp.max_attempts === "number" ? rp.max_attempts : 0,
    };
  }
  const [name = "no", count = "0"] = (s.restart ?? "no").split(":");
  return {
    Name: name === "no" ? "no" : name,
    MaximumRetryCount: Number(count) || 0,
  };
}

/**
 * The extra HostConfig fields; `bytes` parses sizes. compat: CPU reservation
 * is a swarm option, so compose v2 maps only memory and devices of
 * deploy.resources.reservations.
 */
export function hostExtras(
  project: Project,
  s: Service,
  bytes: (v: string | number, key: string) => number,
): Partial<HostConfig> {
  const out: Partial<HostConfig> = {};
  const l = links(project, s);
  if (l.length) out.Links = l;
  const vf = volumesFrom(project, s);
  if (vf.length) out.VolumesFrom = vf;
  const dev = devices(s);
  if (dev.length) out.Devices = dev;
  if (isDict(s.annotations)) out.Annotations = s.annotations;
  if (typeof s.cgroup_parent === "string") out.CgroupParent = s.cgroup_parent;
  if (typeof s.userns_mode === "string") out.UsernsMode = s.userns_mode;
  const res = s.deploy?.resources?.reservations as Dict | undefined;
  const memRes = res?.memory ?? s.mem_reservation;
  if (memRes !== undefined)
    out.MemoryReservation = bytes(memRes as string, "memory reservation");
  const reqs = Array.isArray(res?.devices) ? (res.devices as Dict[]) : [];
  if (reqs.length)
    out.DeviceRequests = reqs.map((d) => ({
      Driver: typeof d.driver === "string" ? d.driver : "",
      Count: d.count === "all" ? -1 : typeof d.count === "number" ? d.count : 0,
      DeviceIDs: Array.isArray(d.device_ids) ? d.device_ids : null,
      Capabilities: Array.isArray(d.capabilities) ? [d.capabilities] : null,
      Options: isDict(d.options) ? d.options : {},
    }));
  return out;
}
