import { readFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { cpus, totalmem, release, hostname, arch } from "node:os";
import { randomUUID } from "node:crypto";
import { API_VERSION, MIN_API_VERSION } from "../../api/version.ts";
import { readJsonIfExists, writeJsonAtomic } from "../../util/fs.ts";
import { join } from "node:path";
import { registryInfo } from "../images/index.ts";

/** wharf's own version, reported as the Engine version. */
export const WHARF_VERSION = "0.1.0";

/** Counts the system service asks of the other services (wired by the daemon). */
export type SystemSources = {
  containerCounts: () => {
    total: number;
    running: number;
    paused: number;
    stopped: number;
  };
  imageCount: () => number;
  /** Listeners on /events right now. */
  eventListeners: () => number;
  /** Network and volume drivers registered now (plugins included). */
  plugins?: () => { network: string[]; volume: string[] };
  /** The daemon's reloadable settings (daemon.json; SIGHUP changes them). */
  settings?: () => SystemSettings;
};

/** What /info shows of the daemon's configuration, read at each call. */
export type SystemSettings = {
  labels: string[];
  debug: boolean;
  defaultRuntime: string;
  /** Registered runtimes: name → binary path and extra arguments. */
  runtimes: Record<string, { path: string; runtimeArgs?: string[] }>;
  registryMirrors: string[];
  insecureRegistries: string[];
  logDriver: string;
  securityOptions: string[];
};

/** Static facts about the daemon's set-up, fixed at start. */
export type SystemSetup = {
  dataRoot: string;
  execRoot: string;
  runtime: string;
  cgroupVersion: "1" | "2";
  warnings: string[];
};

const goArch: Record<string, string> = {
  x64: "amd64",
  arm64: "arm64",
  arm: "arm",
  ia32: "386",
};

/**
 * Serves /version and /info. Holds the daemon's persistent id (in
 * <data-root>/engine-id.json) and the machine facts read once at start.
 */
export class SystemService {
  #sources: SystemSources;
  #setup: SystemSetup;
  #id = "";
  #osName = "Linux";

  constructor(options: { sources: SystemSources; setup: SystemSetup }) {
    this.#sources = options.sources;
    this.#setup = options.setup;
  }

  /** Loads or creates the engine id and reads /etc/os-release. Idempotent. */
  async init(): Promise<void> {
    const file = join(this.#setup.dataRoot, "engine-id.json");
    const saved = await readJsonIfExists<{ id: string }>(file);
    this.#id = saved?.id ?? randomUUID();
    if (!saved) await writeJsonAtomic(file, { id: this.#id });
    try {
      const osr = await readFile("/etc/os-release", "utf8");
      this.#osName = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osr)?.[1] ?? "Linux";
    } catch {
      // No os-release: keep "Linux", as Docker does.
    }
  }

  /** The body of GET /version (Docker's SystemVersion). */
  version(): Record<string, unknown> {
    const details = {
      ApiVersion: API_VERSION,
      Arch: goArch[arch()] ?? arch(),
      BuildTime: "",
      Experimental: "false",
      GitCommit: "",
      GoVersion: process.version,
      KernelVersion: release(),
      MinAPIVersion: MIN_API_VERSION,
      Os: "linux",
    };
    return {
      Platform: { Name: "wharf Engine" },
      Components: [
        { Name: "Engine", Version: WHARF_VERSION, Details: details },
      ],
      Version: WHARF_VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: "",
      GoVersion: process.version,
      Os: "linux",
      Arch: details.Arch,
      KernelVersion: release(),
      BuildTime: "",
    };
  }

  /** The body of GET /info (Docker's SystemInfo). */
  info(): Record<string, unknown> {
    const c = this.#sources.containerCounts();
    const settings = this.#sources.settings?.();
    const runtimes = settings?.runtimes ?? {
      crun: { path: "crun" },
      runc: { path: "runc" },
    };
    const plugins = this.#sources.plugins?.();
    return {
      ID: this.#id,
      Containers: c.total,
      ContainersRunning: c.running,
      ContainersPaused: c.paused,
      ContainersStopped: c.stopped,
      Images: this.#sources.imageCount(),
      Driver: "overlay2",
      DriverStatus: [
        ["Backing Filesystem", "extfs"],
        ["Supports d_type", "true"],
        ["Using metacopy", "false"],
        ["Native Overlay Diff", "true"],
      ],
      Plugins: {
        Volume: plugins?.volume ?? ["local"],
        Network: plugins?.network ?? ["host", "null"],
        Authorization: null,
        Log: ["k8s-file"],
      },
      MemoryLimit: true,
      SwapLimit: false,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      // compat: what dockerd probes: the cgroup v1 kmem.tcp file and br_netfilter's sysctls.
      KernelMemoryTCP: existsSync(
        "/sys/fs/cgroup/memory/memory.kmem.tcp.limit_in_bytes",
      ),
      IPv4Forwarding: true,
      BridgeNfIptables: sysctlOn("net/bridge/bridge-nf-call-iptables"),
      BridgeNfIp6tables: sysctlOn("net/bridge/bridge-nf-call-ip6tables"),
      Debug: settings?.debug ?? false,
      NFd: 0,
      OomKillDisable: false,
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: settings?.logDriver ?? "k8s-file",
      CgroupDriver: "cgroupfs",
      CgroupVersion: this.#setup.cgroupVersion,
      NEventsListener: this.#sources.eventListeners(),
      KernelVersion: release(),
      OperatingSystem: this.#osName,
      OSVersion: "",
      OSType: "linux",
      Architecture: arch() === "x64" ? "x86_64" : arch(),
      IndexServerAddress: "https://index.docker.io/v1/",
      RegistryConfig: {
        ...registryInfo({
          // compat: dockerd lists mirrors as normalized URLs ending in "/".
          mirrors: (settings?.registryMirrors ?? []).map(
            (m) => new URL(m).origin,
          ),
          insecure: settings?.insecureRegistries ?? [],
          certsDirs: [],
        }),
        InsecureRegistryCIDRs: [
          "127.0.0.0/8",
          "::1/128",
          ...(settings?.insecureRegistries.filter((r) => r.includes("/")) ??
            []),
        ],
      },
      NCPU: cpus().length,
      MemTotal: totalmem(),
      GenericResources: null,
      DockerRootDir: this.#setup.dataRoot,
      HttpProxy: "",
      HttpsProxy: "",
      NoProxy: "",
      Name: hostname(),
      Labels: settings?.labels ?? [],
      ExperimentalBuild: false,
      ServerVersion: WHARF_VERSION,
      Runtimes: runtimes,
      DefaultRuntime: settings?.defaultRuntime ?? this.#setup.runtime,
      Swarm: {
        NodeID: "",
        NodeAddr: "",
        LocalNodeState: "inactive",
        ControlAvailable: false,
        Error: "",
        RemoteManagers: null,
      },
      LiveRestoreEnabled: true,
      Isolation: "",
      InitBinary: "tini",
      ContainerdCommit: { ID: "" },
      RuncCommit: { ID: "" },
      InitCommit: { ID: "" },
      // compat: Docker lists seccomp before cgroupns (daemon/info.go).
      SecurityOptions: settings?.securityOptions ?? [
        "name=seccomp,profile=builtin",
        "name=cgroupns",
      ],
      CDISpecDirs: [],
      Warnings: this.#setup.warnings.length ? this.#setup.warnings : null,
    };
  }
}

/** True when /proc/sys/<path> reads "1". */
function sysctlOn(path: string): boolean {
  try {
    return readFileSync(`/proc/sys/${path}`, "utf8").trim() === "1";
  } catch {
    return false;
  }
}
