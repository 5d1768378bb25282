import type { Duplex } from "node:stream";
import type {
  AttachOptions,
  LogsOptions,
  LogsStream,
} from "../../api/container-requests.ts";
import type * as api from "../../api/containers.ts";
import type { ContainerStatsResponse } from "../../api/stats.ts";
import { NotImplementedError } from "../../util/errors.ts";
import type { RequestContext } from "../http.ts";

export type { AttachOptions, LogsOptions };

/** What the container routes need; ContainerService implements it. */
export interface ContainersBackend {
  list(o: {
    all: boolean;
    limit?: number;
    size: boolean;
    filters: Record<string, string[]>;
  }): Promise<api.ContainerSummary[]>;
  create(
    body: api.ContainerCreateBody,
    o: { name?: string; platform?: string },
  ): Promise<api.ContainerCreateResponse>;
  inspect(ref: string, o: { size: boolean }): Promise<api.ContainerInspect>;
  top(ref: string, psArgs?: string): Promise<api.ContainerTopResponse>;
  /** Throws NotFoundError before yielding; the iterable ends when the stream is over. */
  stats(
    ref: string,
    o: { stream: boolean; oneShot: boolean; signal: AbortSignal },
  ): Promise<AsyncIterable<ContainerStatsResponse>>;
  logs(ref: string, o: LogsOptions): Promise<LogsStream>;
  resize(ref: string, size: { h: number; w: number }): Promise<void>;
  start(ref: string): Promise<void>;
  stop(ref: string, o: { timeout?: number; signal?: string }): Promise<void>;
  restart(ref: string, o: { timeout?: number; signal?: string }): Promise<void>;
  kill(ref: string, o: { signal?: string }): Promise<void>;
  rename(ref: string, name: string): Promise<void>;
  pause(ref: string): Promise<void>;
  unpause(ref: string): Promise<void>;
  /** Throws before `open` is called when the request is refused. */
  attach(
    ref: string,
    o: AttachOptions,
    open: (multiplexed: boolean) => Duplex,
  ): Promise<void>;
  /** Resolves once the container is found; `done` when the condition holds. */
  wait(
    ref: string,
    condition: "not-running" | "next-exit" | "removed",
  ): Promise<{ done: Promise<api.ContainerWaitResponse> }>;
  remove(ref: string, o: { force: boolean; volumes: boolean }): Promise<void>;
  /** docker rm --link: drops the link named `parent/alias` (404 unknown). */
  removeLink(ref: string): Promise<void>;
  prune(filters: Record<string, string[]>): Promise<api.ContainerPruneResponse>;
  update(
    ref: string,
    body: api.ContainerUpdateBody,
  ): Promise<api.ContainerUpdateResponse>;
}

/** A handler given the request and the backend (see bind). */
export type ContainerHandler = (
  ctx: RequestContext,
  b: ContainersBackend,
) => Promise<void>;

/** Binds a ContainerHandler to a backend, as Route.handler wants it. */
export function bind(
  b: ContainersBackend,
): (fn: ContainerHandler) => (ctx: RequestContext) => Promise<void> {
  return (fn) => (ctx) => fn(ctx, b);
}

/** A handler answering 501 for a route not built. */
export const missing = (what: string) => async (): Promise<void> => {
  throw new NotImplementedError(`not implemented: ${what}`);
};
