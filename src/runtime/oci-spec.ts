/**
 * The subset of the OCI runtime spec (runtime-spec config.md, config-linux.md)
 * that wharf writes into a bundle's config.json. Field names are the spec's.
 */

/** One process: a container's init or an exec (config.md#process). */
export type OciProcess = {
  terminal?: boolean;
  consoleSize?: { height: number; width: number };
  user: { uid: number; gid: number; additionalGids?: number[]; umask?: number };
  args: string[];
  env: string[];
  cwd: string;
  capabilities?: {
    bounding: string[];
    effective: string[];
    permitted: string[];
    inheritable?: string[];
    ambient?: string[];
  };
  rlimits?: OciRlimit[];
  noNewPrivileges?: boolean;
  apparmorProfile?: string;
  oomScoreAdj?: number;
  selinuxLabel?: string;
};

/** A POSIX rlimit (config.md#posix-process). */
export type OciRlimit = { type: string; soft: number; hard: number };

/** A mount in the container (config.md#mounts). */
export type OciMount = {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
};

/** A namespace to create or join (config-linux.md#namespaces). */
export type OciNamespace = { type: string; path?: string };

/** cgroup limits (config-linux.md#control-groups). */
export type OciResources = {
  memory?: {
    limit?: number;
    reservation?: number;
    swap?: number;
    kernelTCP?: number;
    swappiness?: number;
    disableOOMKiller?: boolean;
  };
  cpu?: {
    shares?: number;
    quota?: number;
    period?: number;
    realtimeRuntime?: number;
    realtimePeriod?: number;
    cpus?: string;
    mems?: string;
  };
  pids?: { limit: number };
  blockIO?: {
    weight?: number;
    weightDevice?: { major: number; minor: number; weight: number }[];
    throttleReadBpsDevice?: OciThrottleDevice[];
    throttleWriteBpsDevice?: OciThrottleDevice[];
    throttleReadIOPSDevice?: OciThrottleDevice[];
    throttleWriteIOPSDevice?: OciThrottleDevice[];
  };
  devices?: {
    allow: boolean;
    type?: string;
    major?: number;
    minor?: number;
    access?: string;
  }[];
};

/** A block device's rate limit (config-linux.md#block-io). */
export type OciThrottleDevice = { major: number; minor: number; rate: number };

/** A device node crun creates in the container (config-linux.md#devices). */
export type OciDevice = {
  path: string;
  type: string;
  major: number;
  minor: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
};

/** A whole config.json. */
export type OciSpec = {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly?: boolean };
  hostname?: string;
  /** The UTS namespace's NIS domain name (runtime-spec 1.1). */
  domainname?: string;
  mounts: OciMount[];
  annotations?: Record<string, string>;
  linux: {
    namespaces: OciNamespace[];
    resources?: OciResources;
    cgroupsPath?: string;
    maskedPaths?: string[];
    readonlyPaths?: string[];
    sysctl?: Record<string, string>;
    devices?: OciDevice[];
    seccomp?: OciSeccomp;
    /** With a "user" namespace: container id ranges → host id ranges. */
    uidMappings?: OciIdMapping[];
    gidMappings?: OciIdMapping[];
  };
};

/**
 * linux.seccomp: the fields wharf reads (runtime-spec config-linux.md);
 * the rules stay opaque here (the engine resolves them, the runtime
 * binary compiles them).
 */
export type OciSeccomp = {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  /** SECCOMP_FILTER_FLAG_* names; crun adds SPEC_ALLOW when absent, not when []. */
  flags?: string[];
  syscalls?: unknown[];
};

/** One range of a user namespace's uid or gid mapping. */
export type OciIdMapping = {
  containerID: number;
  hostID: number;
  size: number;
};
