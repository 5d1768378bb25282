/**
 * The normalized compose model: what the loader produces from the files and
 * what plan/apply act on. Keys keep the Compose spec's names (snake_case) so
 * `config` prints them as written; every short syntax is in its long form.
 */

/** A published port in long syntax. */
export type PortConfig = {
  target: number;
  published?: string;
  host_ip?: string;
  protocol: string;
  mode?: string;
  name?: string;
  app_protocol?: string;
};

/** A mount in long syntax: volume (named or anonymous), bind or tmpfs. */
export type ServiceVolume = {
  type: "volume" | "bind" | "tmpfs" | "npipe" | "image" | "cluster";
  source?: string;
  target: string;
  read_only?: boolean;
  bind?: { propagation?: string; create_host_path?: boolean; selinux?: string };
  volume?: { nocopy?: boolean; subpath?: string };
  tmpfs?: { size?: number | string; mode?: number };
};

/** One service's attachment to a network. */
export type ServiceNetwork = {
  aliases?: string[];
  ipv4_address?: string;
  ipv6_address?: string;
  priority?: number;
  mac_address?: string;
};

/** depends_on in long syntax. */
export type Dependency = {
  condition:
    "service_started" | "service_healthy" | "service_completed_successfully";
  restart?: boolean;
  required: boolean;
};

/** The healthcheck in long syntax (durations as written, e.g. "10s"). */
export type Healthcheck = {
  test?: string[];
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
  start_interval?: string;
  disable?: boolean;
};

/** The build section in long syntax, context resolved to an absolute path. */
export type BuildConfig = {
  context: string;
  dockerfile?: string;
  dockerfile_inline?: string;
  args?: Record<string, string | null>;
  target?: string;
  labels?: Record<string, string>;
  network?: string;
  no_cache?: boolean;
  pull?: boolean;
  [key: string]: unknown;
};

/** A normalized service. */
export type Service = {
  name: string;
  image?: string;
  build?: BuildConfig;
  pull_policy?: string;
  command?: string[] | null;
  entrypoint?: string[] | null;
  environment: Record<string, string | null>;
  ports?: PortConfig[];
  expose?: string[];
  volumes?: ServiceVolume[];
  tmpfs?: string[];
  networks?: Record<string, ServiceNetwork | null>;
  network_mode?: string;
  depends_on?: Record<string, Dependency>;
  healthcheck?: Healthcheck;
  restart?: string;
  deploy?: {
    replicas?: number;
    resources?: {
      limits?: {
        cpus?: number | string;
        memory?: string | number;
        pids?: number;
      };
      reservations?: { cpus?: number | string; memory?: string | number };
    };
    [key: string]: unknown;
  };
  scale?: number;
  labels?: Record<string, string>;
  extra_hosts?: Record<string, string>;
  sysctls?: Record<string, string>;
  ulimits?: Record<string, { soft: number; hard: number }>;
  logging?: { driver?: string; options?: Record<string, string> };
  profiles?: string[];
  container_name?: string;
  [key: string]: unknown;
};

/** A top-level network. */
export type NetworkConfig = {
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  ipam?: {
    driver?: string;
    config?: {
      subnet?: string;
      ip_range?: string;
      gateway?: string;
      aux_addresses?: Record<string, string>;
    }[];
    options?: Record<string, string>;
  };
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  enable_ipv6?: boolean;
  labels?: Record<string, string>;
};

/** A top-level volume. */
export type VolumeConfig = {
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: boolean;
  labels?: Record<string, string>;
};

/** A top-level secret or config (file-backed ones are bind-mounted). */
export type FileObjectConfig = {
  name: string;
  file?: string;
  environment?: string;
  content?: string;
  external?: boolean;
};

/** A loaded project. */
export type Project = {
  name: string;
  workingDir: string;
  configFiles: string[];
  services: Record<string, Service>;
  /** Services left out because of profiles (still known to `down`, `ps`). */
  disabledServices: Record<string, Service>;
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  secrets: Record<string, FileObjectConfig>;
  configs: Record<string, FileObjectConfig>;
  /** The variables interpolation saw (.env plus the process environment). */
  environment: Record<string, string>;
  /** The merged files before normalization (`config --no-normalize`). */
  raw?: Record<string, unknown>;
};
