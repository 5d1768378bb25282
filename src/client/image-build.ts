/**
 * POST /build: the legacy builder's endpoint (what `docker build` without
 * BuildKit and compose's `build:` call). A function over the transport
 * rather than a method so it can land beside other helpers' additions to
 * ImagesApi without conflict.
 */
import type { Readable } from "node:stream";
import type { Transport } from "./transport.ts";

/** Query options of POST /build (Docker's names in camelCase). */
export type BuildOptions = {
  /** Repository[:tag] to name the result (repeatable in the API; one here). */
  tag?: string;
  /** Path of the Dockerfile inside the context ("Dockerfile" by default). */
  dockerfile?: string;
  /** null takes the value from the daemon's side (the CLI's `--build-arg KEY` with KEY unset). */
  buildArgs?: Record<string, string | null>;
  target?: string;
  labels?: Record<string, string>;
  noCache?: boolean;
  pull?: boolean;
  network?: string;
  platform?: string;
  /** More names besides tag (the API's repeated `t`). */
  tags?: string[];
  /** Only the image ID is streamed (`q`). */
  quiet?: boolean;
  /** Keep intermediate containers after a successful build (rm=false). */
  keepContainers?: boolean;
  /** Remove intermediate containers even after a failure. */
  forceRemove?: boolean;
  /** `host:ip` entries for RUN steps' /etc/hosts. */
  extraHosts?: string[];
  cacheFrom?: string[];
  /** RUN containers' resources, as the API names them. */
  shmSize?: number;
  memory?: number;
  memorySwap?: number;
  cpuShares?: number;
  cpusetCpus?: string;
  cpuPeriod?: number;
  cpuQuota?: number;
  ulimits?: { Name: string; Soft: number; Hard: number }[];
  squash?: boolean;
  /** A URL the daemon fetches the context from (no body then). */
  remote?: string;
};

/**
 * Sends the context tar and resolves with the stream of JSON progress
 * messages ({"stream":…}, {"aux":{"ID":…}}, {"error":…}); read it with
 * progressMessages(). Throws ClientError when the daemon refuses the request
 * (501 where no builder exists).
 */
export function buildImage(
  transport: Transport,
  context: Readable,
  options: BuildOptions = {},
): Promise<Readable> {
  const json = (v: Record<string, string | null> | undefined) =>
    v && Object.keys(v).length ? JSON.stringify(v) : undefined;
  return transport.request("POST", "/build", {
    query: {
      t: [
        ...(options.tag !== undefined ? [options.tag] : []),
        ...(options.tags ?? []),
      ],
      dockerfile: options.dockerfile,
      buildargs: json(options.buildArgs),
      target: options.target,
      labels: json(options.labels),
      nocache: options.noCache || undefined,
      pull: options.pull || undefined,
      networkmode: options.network,
      platform: options.platform,
      rm: !options.keepContainers,
      forcerm: options.forceRemove || undefined,
      q: options.quiet || undefined,
      extrahosts: options.extraHosts?.length
        ? options.extraHosts.join(",")
        : undefined,
      cachefrom: options.cacheFrom?.length
        ? JSON.stringify(options.cacheFrom)
        : undefined,
      shmsize: options.shmSize,
      memory: options.memory,
      memswap: options.memorySwap,
      cpushares: options.cpuShares,
      cpusetcpus: options.cpusetCpus,
      cpuperiod: options.cpuPeriod,
      cpuquota: options.cpuQuota,
      ulimits: options.ulimits?.length
        ? JSON.stringify(options.ulimits)
        : undefined,
      squash: options.squash || undefined,
      remote: options.remote,
    },
    body: context,
    headers: { "Content-Type": "application/x-tar" },
  });
}

/** POST /build/prune: what was removed and the space reclaimed. */
export function pruneBuildCache(
  transport: Transport,
  options: {
    all?: boolean;
    filters?: Record<string, string[]>;
    keepStorage?: number;
  } = {},
): Promise<{ CachesDeleted: string[] | null; SpaceReclaimed: number }> {
  return transport.json("POST", "/build/prune", {
    query: {
      all: options.all || undefined,
      filters:
        options.filters && Object.keys(options.filters).length
          ? options.filters
          : undefined,
      "keep-storage": options.keepStorage,
    },
  });
}
