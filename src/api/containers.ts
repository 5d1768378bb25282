/**
 * Engine API wire types for /containers and /exec (API v1.50, field names
 * exactly as Docker sends them). Only what wharf reads or writes is typed;
 * unknown request fields pass through untouched.
 */

/** Config of POST /containers/create and of inspect's Config. */
export type ContainerConfig = {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: Record<string, object>;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[] | null;
  Cmd: string[] | null;
  Healthcheck?: HealthConfig;
  ArgsEscaped?: boolean;
  Image: string;
  Volumes: Record<string, object> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  NetworkDisabled?: boolean;
  OnBuild: string[] | null;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
  Shell?: string[];
};

/**
 * One mount as inspect's and ps's Mounts report it (the API's MountPoint):
 * Source is the host path (a volume's _data, a plugin's mountpoint, ""
 * for tmpfs); Mode is the -v mode text ("ro,z", "z", "").
 */
export type MountPoint = {
  Type: "bind" | "volume" | "tmpfs";
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
};

/** One entry of HostConfig.Mounts (the API's Mount; the --mount flag). */
export type MountSpec = {
  Target?: string;
  Source?: string;
  Type?: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: {
    Propagation?: string;
    NonRecursive?: boolean;
    CreateMountpoint?: boolean;
  };
  VolumeOptions?: {
    NoCopy?: boolean;
    Labels?: Record<string, string>;
    DriverConfig?: { Name?: string; Options?: Record<string, string> };
    Subpath?: string;
  };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number; Options?: string[][] };
};

/** A ulimit as HostConfig.Ulimits carries it. */
export type Ulimit = { Name: string; Soft: number; Hard: number };

/** The HostConfig fields wharf acts on; the rest is kept and echoed. */
export type HostConfig = {
  Binds: string[] | null;
  NetworkMode: string;
  RestartPolicy: { Name: string; MaximumRetryCount: number };
  AutoRemove: boolean;
  Privileged: boolean;
  /** [height, width] of the client's terminal at create (API ≥ 1.42). */
  ConsoleSize?: [number, number] | null;
  ReadonlyRootfs: boolean;
  CapAdd: string[] | null;
  CapDrop: string[] | null;
  Init: boolean | null;
  Memory: number;
  CpuShares: number;
  PidsLimit: number | null;
  ShmSize: number;
  /** "", host, or container:<ref>. */
  PidMode?: string;
  /** "", private, shareable, none, host, or container:<ref>. */
  IpcMode?: string;
  Ulimits: Ulimit[] | null;
  Dns: string[] | null;
  DnsSearch: string[] | null;
  DnsOptions: string[] | null;
  ExtraHosts: string[] | null;
  [key: string]: unknown;
};

/** Body of POST /containers/create: Config plus HostConfig and NetworkingConfig. */
export type ContainerCreateBody = Partial<ContainerConfig> & {
  HostConfig?: Partial<HostConfig>;
  NetworkingConfig?: unknown;
};

/** 201 body of POST /containers/create. */
export type ContainerCreateResponse = { Id: string; Warnings: string[] };

/** inspect's State. */
export type ContainerState = {
  Status:
    | "created"
    | "running"
    | "paused"
    | "restarting"
    | "removing"
    | "exited"
    | "dead";
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  /** Present only when the container has a health check. */
  Health?: HealthState;
};

/** One health probe result in State.Health.Log. */
export type HealthLogEntry = {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
};

/** inspect's State.Health. */
export type HealthState = {
  Status: "starting" | "healthy" | "unhealthy";
  FailingStreak: number;
  Log: HealthLogEntry[];
};

/** Config.Healthcheck (durations in nanoseconds; 0 = the default). */
export type HealthConfig = {
  Test?: string[] | null;
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
};

/** Body of POST /containers/{id}/update: resources plus RestartPolicy. */
export type ContainerUpdateBody = {
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  CpuShares?: number;
  CpuQuota?: number;
  CpuPeriod?: number;
  NanoCpus?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  PidsLimit?: number | null;
  BlkioWeight?: number;
  RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
  [key: string]: unknown;
};

/** 200 body of POST /containers/{id}/update. */
export type ContainerUpdateResponse = { Warnings: string[] | null };

/** GET /containers/{id}/json. */
export type ContainerInspect = {
  Id: string;
  Created: string;
  Path: string;
  Args: string[];
  State: ContainerState;
  Image: string;
  ResolvConfPath: string;
  HostnamePath: string;
  HostsPath: string;
  LogPath: string;
  Name: string;
  RestartCount: number;
  Driver: string;
  Platform: string;
  MountLabel: string;
  ProcessLabel: string;
  AppArmorProfile: string;
  ExecIDs: string[] | null;
  HostConfig: HostConfig;
  GraphDriver: { Name: string; Data: Record<string, string> | null };
  SizeRw?: number;
  SizeRootFs?: number;
  Mounts: MountPoint[];
  Config: ContainerConfig;
  NetworkSettings: Record<string, unknown>;
};

/** One row of GET /containers/json. */
export type ContainerSummary = {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  Created: number;
  Ports: unknown[];
  SizeRw?: number;
  SizeRootFs?: number;
  Labels: Record<string, string>;
  State: string;
  Status: string;
  HostConfig: { NetworkMode: string };
  NetworkSettings: { Networks: Record<string, unknown> };
  Mounts: MountPoint[];
};

/** 200 body of POST /containers/{id}/wait. */
export type ContainerWaitResponse = {
  StatusCode: number;
  Error: { Message: string } | null;
};

/** GET /containers/{id}/top. */
export type ContainerTopResponse = { Titles: string[]; Processes: string[][] };

/** POST /containers/prune. */
export type ContainerPruneResponse = {
  ContainersDeleted: string[] | null;
  SpaceReclaimed: number;
};

/** Body of POST /containers/{id}/exec. */
export type ExecCreateBody = {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ConsoleSize?: [number, number] | null;
  DetachKeys?: string;
  Tty?: boolean;
  Env?: string[] | null;
  Cmd?: string[];
  Privileged?: boolean;
  User?: string;
  WorkingDir?: string;
};

/** GET /exec/{id}/json. */
export type ExecInspect = {
  CanRemove: boolean;
  DetachKeys: string;
  ID: string;
  Running: boolean;
  ExitCode: number | null;
  ProcessConfig: {
    privileged: boolean;
    user: string;
    tty: boolean;
    entrypoint: string;
    arguments: string[];
  };
  OpenStdin: boolean;
  OpenStderr: boolean;
  OpenStdout: boolean;
  ContainerID: string;
  Pid: number;
};

/**
 * Docker's ContainerPathStat, sent base64-encoded as JSON in the
 * X-Docker-Container-Path-Stat header of HEAD/GET /containers/{id}/archive.
 * `mode` holds Go's os.FileMode bits; `mtime` is RFC 3339.
 */
export type ContainerPathStat = {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
};

/** One entry of GET /containers/{id}/changes (Kind 0 modified, 1 added, 2 deleted). */
export type FilesystemChange = { Path: string; Kind: 0 | 1 | 2 };
