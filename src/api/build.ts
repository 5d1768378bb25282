/**
 * Engine API wire types for /build, /build/prune and /system/df's
 * BuildCache (API v1.50, field names exactly as Docker sends them), and
 * the classic /build query parameters as the server hands them to the
 * builder.
 */

/**
 * The RUN containers' resource settings from /build's query (shmsize,
 * memory, memswap, cpushares, cpusetcpus, cpuperiod, cpuquota, ulimits),
 * in HostConfig's names: they go into every RUN container's HostConfig.
 */
export type BuildResources = {
  ShmSize?: number;
  Memory?: number;
  MemorySwap?: number;
  CpuShares?: number;
  CpusetCpus?: string;
  CpuPeriod?: number;
  CpuQuota?: number;
  Ulimits?: { Name: string; Soft: number; Hard: number }[];
};

/** The classic POST /build query parameters the builder acts on. */
export type BuildParameters = {
  /** Path of the Dockerfile inside the context. */
  dockerfile: string;
  /** `t`, repeated. */
  tags: string[];
  /** --build-arg values; null means "take it from the client's environment" (unset here). */
  buildArgs: Record<string, string | null>;
  labels: Record<string, string>;
  target?: string;
  noCache: boolean;
  pull: boolean;
  quiet: boolean;
  /** Remove the intermediate containers of successful steps (`rm`, default true). */
  rm: boolean;
  /** Remove intermediate containers even after a failed step. */
  forceRm: boolean;
  networkMode: string;
  extraHosts: string[];
  cacheFrom: string[];
  resources: BuildResources;
  /** `buildid`: the id POST /build/cancel names. */
  buildId?: string;
  /** `remote`: a context URL (tar over HTTP) or Git repository, instead of the body. */
  remote?: string;
};

/** 200 body of POST /build/prune. */
export type BuildPruneResponse = {
  CachesDeleted: string[] | null;
  SpaceReclaimed: number;
};

/** One row of /system/df's BuildCache. */
export type BuildCacheRecord = {
  ID: string;
  Parents: string[] | null;
  Type: string;
  Description: string;
  InUse: boolean;
  Shared: boolean;
  Size: number;
  CreatedAt: string;
  LastUsedAt: string | null;
  UsageCount: number;
};
