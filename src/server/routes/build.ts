import type { Readable } from "node:stream";
import {
  InvalidArgumentError,
  NotImplementedError,
  WharfError,
} from "../../util/errors.ts";
import type { BuildParameters, BuildPruneResponse } from "../../api/build.ts";
import type { RequestContext } from "../http.ts";
import type { Route } from "../router.ts";
import { jsonLine } from "../streams.ts";
import { authConfig, type AuthConfig } from "./registry.ts";
import { refuseParam } from "./unbuilt.ts";

/** The classic /build parameters, with the credentials and cancellation the backend needs. */
export type BuildRequest = BuildParameters & {
  /** X-Registry-Config: credentials by registry key, for FROM pulls. */
  registryAuths: Record<string, AuthConfig>;
  signal: AbortSignal;
};

/** What the build routes need from the engine (BuilderService implements it). */
export interface BuildBackend {
  /**
   * Builds from a context tar, reporting JSON-lines messages through emit.
   * Throws (before any emit) InvalidArgumentError for a bad context or
   * Dockerfile; build failures after that are emitted as error messages.
   */
  build(
    body: Readable,
    request: BuildRequest,
    emit: (m: Record<string, unknown>) => void,
  ): Promise<string | undefined>;
  /** Throws InvalidArgumentError for an unknown build id. */
  cancel(buildId: string): void;
  /**
   * Throws InvalidArgumentError for a bad filter (dockerd's texts), a
   * WharfError (500) for a bad `until` duration.
   */
  prune(options: {
    all: boolean;
    filters: Record<string, string[]>;
    /** Bytes of cache to keep (0: none kept, prune every candidate). */
    keepStorage: number;
  }): Promise<BuildPruneResponse>;
}

/** The route table for /build, /build/prune and /build/cancel. */
export function buildRoutes(backend: BuildBackend): Route[] {
  return [
    {
      method: "POST",
      path: "/build",
      handler: (ctx) => postBuild(ctx, backend),
    }, // 200 JSON lines, 400 bad context/Dockerfile/remote, 501 BuildKit/squash
    {
      method: "POST",
      path: "/build/prune",
      handler: async (ctx) => {
        refuseParam(
          ctx,
          "min-free-space",
          "build cache pruning to a free-space target (min-free-space)",
        );
        ctx.send(
          200,
          await backend.prune({
            all: ctx.bool("all"),
            filters: ctx.filters(),
            keepStorage: keepBytes(ctx),
          }),
        );
      },
    }, // 200, 400 bad filter, 500 bad keep-storage (as dockerd)
    {
      method: "POST",
      path: "/build/cancel",
      handler: async (ctx) => {
        backend.cancel(ctx.q("id") ?? "");
        ctx.empty(200);
      },
    }, // 200, 400 unknown id
  ];
}

async function postBuild(ctx: RequestContext, b: BuildBackend): Promise<void> {
  if (ctx.q("version") === "2")
    throw new NotImplementedError(
      "not implemented: BuildKit (version=2); wharf builds on the classic API: unset DOCKER_BUILDKIT or use DOCKER_BUILDKIT=0",
    );
  refuseParam(
    ctx,
    "squash",
    "docker build --squash (squashing the new layers into one)",
    "bool",
  );
  const platform = ctx.q("platform");
  if (platform && !/^linux(\/(amd64|x86_64))?$/.test(platform))
    throw new NotImplementedError(
      `not implemented: building for platform ${platform}`,
    );
  const controller = new AbortController();
  // A client that goes away (Ctrl-C) cancels the build.
  const conn = ctx.res ?? ctx.req.socket;
  conn.once("close", () => {
    if (!(ctx.res?.writableEnded ?? false)) controller.abort();
  });
  const request: BuildRequest = {
    dockerfile: ctx.q("dockerfile") ?? "Dockerfile",
    tags: ctx.query.getAll("t").filter(Boolean),
    buildArgs: jsonParam(ctx, "buildargs", {}),
    labels: jsonParam(ctx, "labels", {}),
    noCache: ctx.bool("nocache"),
    pull: ctx.bool("pull"),
    quiet: ctx.bool("q"),
    rm: ctx.bool("rm", true),
    forceRm: ctx.bool("forcerm"),
    networkMode: ctx.q("networkmode") || "default",
    extraHosts: (ctx.q("extrahosts") ?? "").split(",").filter(Boolean),
    cacheFrom: jsonParam(ctx, "cachefrom", []),
    registryAuths: registryConfig(ctx),
    resources: {},
    signal: controller.signal,
  };
  const target = ctx.q("target");
  if (target) request.target = target;
  const buildId = ctx.q("buildid");
  if (buildId) request.buildId = buildId;
  // A context URL or Git repository instead of the body (the engine fetches it).
  const remote = ctx.q("remote");
  if (remote) request.remote = remote;
  for (const [k, name] of [
    ["ShmSize", "shmsize"],
    ["Memory", "memory"],
    ["MemorySwap", "memswap"],
    ["CpuShares", "cpushares"],
    ["CpuPeriod", "cpuperiod"],
    ["CpuQuota", "cpuquota"],
  ] as const) {
    const v = ctx.int(name);
    if (v) request.resources[k] = v;
  }
  const cpuset = ctx.q("cpusetcpus");
  if (cpuset) request.resources.CpusetCpus = cpuset;
  const ulimits = jsonParam<unknown>(ctx, "ulimits", []);
  if (!Array.isArray(ulimits))
    throw new InvalidArgumentError(
      "json: cannot unmarshal object into Go value of type []*units.Ulimit",
    );
  if (ulimits.length)
    request.resources.Ulimits = ulimits as NonNullable<
      BuildRequest["resources"]["Ulimits"]
    >;
  let out: NodeJS.WritableStream | undefined;
  await b.build(ctx.body(), request, (m) => {
    out ??= ctx.stream(200, "application/json");
    out.write(jsonLine(m));
  });
  out ??= ctx.stream(200, "application/json");
  out.end();
}

/**
 * The byte budget of /build/prune: keep-storage (API < 1.48) or its
 * successors reserved-space and max-used-space, the smallest set one.
 * compat: a value that is not an integer is dockerd's 500 with Go's text.
 */
function keepBytes(ctx: RequestContext): number {
  let keep = 0;
  for (const name of ["keep-storage", "reserved-space", "max-used-space"]) {
    const raw = ctx.q(name);
    if (!raw) continue;
    if (!/^[+-]?\d+$/.test(raw))
      throw new WharfError(
        `${name} is in bytes and expects an integer, got ${raw}: strconv.Atoi: parsing ${JSON.stringify(raw)}: invalid syntax`,
      );
    const n = Number(raw);
    if (n > 0 && (keep === 0 || n < keep)) keep = n;
  }
  return keep;
}

function jsonParam<T>(ctx: RequestContext, name: string, fallback: T): T {
  const raw = ctx.q(name);
  if (!raw) return fallback;
  try {
    const v: unknown = JSON.parse(raw);
    if (v === null) return fallback;
    if (typeof v !== "object")
      throw new InvalidArgumentError(
        `invalid ${name}: must be a JSON object or array`,
      );
    return v as T;
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw err;
    throw new InvalidArgumentError(
      `invalid ${name}: ${(err as Error).message}`,
    );
  }
}

/**
 * X-Registry-Config: base64url JSON of {registry: AuthConfig}, the logins the
 * Docker CLI holds. compat: as moby, a header that cannot be decoded means
 * no credentials, not an error.
 */
function registryConfig(ctx: RequestContext): Record<string, AuthConfig> {
  const header = ctx.req.headers["x-registry-config"];
  if (typeof header !== "string" || header === "") return {};
  try {
    const raw = JSON.parse(
      Buffer.from(
        header.replace(/-/g, "+").replace(/_/g, "/"),
        "base64",
      ).toString(),
    ) as unknown;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
      return {};
    const out: Record<string, AuthConfig> = {};
    for (const [k, v] of Object.entries(raw))
      if (typeof v === "object" && v !== null && !Array.isArray(v))
        out[k] = authConfig(v as Record<string, unknown>);
    return out;
  } catch {
    return {};
  }
}
