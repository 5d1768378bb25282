/**
 * The daemon's settings while it runs: daemon.json's container defaults
 * applied to each create, what /info shows, and SIGHUP's reload of the
 * keys dockerd reloads (labels, debug/log-level, max-concurrent-*,
 * default-runtime, runtimes, registry-mirrors, insecure-registries). Other
 * keys keep their start-up values until a restart, as in dockerd.
 */
import type { ContainerCreateBody } from "../api/containers.ts";
import { clampRlimits } from "../runtime/index.ts";
import type { Logger } from "../util/log.ts";
import type { DaemonConfig } from "./config.ts";
import type { RuntimeConfig, UlimitConfig } from "./config-keys.ts";

/** Holds the live configuration; `config` is replaced by reload(). */
export class DaemonSettings {
  #config: DaemonConfig;
  readonly #builtin: Record<string, string>;
  readonly #ulimits: UlimitConfig[];
  readonly #userns: boolean;

  /** `builtin`: paths of the built-in runtimes (crun, runc). */
  constructor(
    config: DaemonConfig,
    o: { builtin: Record<string, string>; log: Logger; userns?: boolean },
  ) {
    this.#config = config;
    this.#userns = o.userns === true;
    this.#builtin = o.builtin;
    this.#ulimits = clampDefaultUlimits(
      Object.values(config.extra.defaultUlimits),
      o.log,
    );
  }

  /** The configuration in effect. */
  get config(): DaemonConfig {
    return this.#config;
  }

  /** Every registered runtime: the built-in ones, then daemon.json's. */
  runtimes(): Record<string, RuntimeConfig> {
    const out: Record<string, RuntimeConfig> = {};
    for (const [name, path] of Object.entries(this.#builtin))
      out[name] = { path };
    return { ...out, ...this.#config.extra.runtimes };
  }

  /** /info's view of the settings. */
  system(): {
    labels: string[];
    debug: boolean;
    defaultRuntime: string;
    runtimes: Record<string, RuntimeConfig>;
    registryMirrors: string[];
    insecureRegistries: string[];
    logDriver: string;
    securityOptions: string[];
  } {
    const c = this.#config;
    const profile = c.extra.seccompProfile || "builtin";
    return {
      labels: c.extra.labels,
      debug: c.logLevel === "debug",
      defaultRuntime: c.runtime,
      runtimes: this.runtimes(),
      registryMirrors: c.extra.registryMirrors,
      insecureRegistries: c.extra.insecureRegistries,
      logDriver: c.extra.logDriver,
      // compat: moby's order (daemon/info.go): seccomp, userns, no-new-privileges, cgroupns.
      securityOptions: [
        `name=seccomp,profile=${profile}`,
        ...(this.#userns ? ["name=userns"] : []),
        ...(c.extra.noNewPrivileges ? ["name=no-new-privileges"] : []),
        "name=cgroupns",
      ],
    };
  }

  /**
   * Lays the daemon's defaults onto a create body (a new object): runtime,
   * log driver, shm size, cgroup parent, default ulimits the container does
   * not set itself, no-new-privileges unless the container decides.
   */
  applyCreateDefaults(body: ContainerCreateBody): ContainerCreateBody {
    const e = this.#config.extra;
    const hc = { ...(body.HostConfig ?? {}) };
    if (!hc.Runtime) hc.Runtime = this.#config.runtime;
    const lc = (hc.LogConfig ?? {}) as {
      Type?: string;
      Config?: Record<string, string> | null;
    };
    if (!lc.Type)
      hc.LogConfig = {
        Type: e.logDriver,
        Config: { ...e.logOpts, ...lc.Config },
      };
    if (!hc.ShmSize && e.defaultShmSize) hc.ShmSize = e.defaultShmSize;
    if (!hc.CgroupParent && e.cgroupParent) hc.CgroupParent = e.cgroupParent;
    if (this.#ulimits.length) {
      const own = hc.Ulimits ?? [];
      hc.Ulimits = [
        ...own,
        ...this.#ulimits.filter((u) => !own.some((o) => o.Name === u.Name)),
      ];
    }
    const opts = Array.isArray(hc.SecurityOpt)
      ? (hc.SecurityOpt as string[])
      : [];
    if (
      e.noNewPrivileges &&
      !opts.some((o) => o.startsWith("no-new-privileges"))
    )
      hc.SecurityOpt = [...opts, "no-new-privileges=true"];
    return { ...body, HostConfig: hc };
  }

  /**
   * Takes the reloadable keys from `next` and returns what changed, as
   * "key: old -> new" lines (empty when nothing did).
   */
  reload(next: DaemonConfig): string[] {
    const cur = this.#config;
    const changes: string[] = [];
    const diff = (key: string, a: unknown, b: unknown): void => {
      if (JSON.stringify(a) !== JSON.stringify(b))
        changes.push(`${key}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
    };
    diff("labels", cur.extra.labels, next.extra.labels);
    diff("log-level", cur.logLevel, next.logLevel);
    diff(
      "max-concurrent-downloads",
      cur.extra.maxConcurrentDownloads,
      next.extra.maxConcurrentDownloads,
    );
    diff(
      "max-concurrent-uploads",
      cur.extra.maxConcurrentUploads,
      next.extra.maxConcurrentUploads,
    );
    diff("default-runtime", cur.runtime, next.runtime);
    diff("runtimes", cur.extra.runtimes, next.extra.runtimes);
    diff(
      "registry-mirrors",
      cur.extra.registryMirrors,
      next.extra.registryMirrors,
    );
    diff(
      "insecure-registries",
      cur.extra.insecureRegistries,
      next.extra.insecureRegistries,
    );
    this.#config = {
      ...cur,
      logLevel: next.logLevel,
      runtime: next.runtime,
      extra: {
        ...cur.extra,
        labels: next.extra.labels,
        maxConcurrentDownloads: next.extra.maxConcurrentDownloads,
        maxConcurrentUploads: next.extra.maxConcurrentUploads,
        runtimes: next.extra.runtimes,
        registryMirrors: next.extra.registryMirrors,
        insecureRegistries: next.extra.insecureRegistries,
      },
    };
    return changes;
  }
}

/**
 * Clamps default ulimits to this daemon's own hard limits, with a warning
 * per lowered limit: without CAP_SYS_RESOURCE the runtime cannot raise them
 * and every container would fail to start.
 */
export function clampDefaultUlimits(
  ulimits: UlimitConfig[],
  log: Logger,
  hard?: Map<string, number>,
): UlimitConfig[] {
  const rl = ulimits.map((u) => ({
    type: `RLIMIT_${u.Name.toUpperCase()}`,
    soft: u.Soft,
    hard: u.Hard,
  }));
  const clamped = hard ? clampRlimits(rl, hard) : clampRlimits(rl);
  return ulimits.map((u, i) => {
    const c = clamped[i] ?? { soft: u.Soft, hard: u.Hard };
    if (c.hard !== u.Hard || c.soft !== u.Soft)
      log.warn(
        `default-ulimits: ${u.Name} lowered to soft ${c.soft}, hard ${c.hard}: the daemon's own hard limit is lower and it cannot raise it`,
      );
    return { Name: u.Name, Soft: c.soft, Hard: c.hard };
  });
}
