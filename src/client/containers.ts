/** client.containers: the /containers endpoints. */
import { nonEmptyFilters } from "../conventions/filters.ts";
import type { Duplex, Readable } from "node:stream";
import { containerStats, type StatsOptions } from "./stats.ts";
import { getTimestamp } from "../conventions/timestamp.ts";
import type { Transport } from "./transport.ts";
import type {
  ContainerCreateBody,
  ContainerCreateResponse,
  ContainerInspect,
  ContainerPruneResponse,
  ContainerSummary,
  ContainerTopResponse,
  ContainerUpdateBody,
  ContainerUpdateResponse,
  ContainerWaitResponse,
  ExecCreateBody,
  Filters,
} from "./types.ts";

const enc = encodeURIComponent;

/** Options of attach: which streams, and whether to replay logs first. */
export type AttachOptions = {
  stream?: boolean;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  logs?: boolean;
  detachKeys?: string;
};

/** Options of logs (since/until: Unix seconds or RFC 3339 or Go durations, as the API takes them). */
export type LogsOptions = {
  follow?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  since?: string;
  until?: string;
  timestamps?: boolean;
  tail?: string;
  /** Prefix lines with their log attributes (`docker logs --details`). */
  details?: boolean;
};

/** The /containers endpoints; every id argument also accepts a name or id prefix. */
export class ContainersApi {
  #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** POST /containers/create. Throws ClientError 404 for a missing image, 409 for a name in use. */
  create(
    body: ContainerCreateBody,
    options: { name?: string; platform?: string } = {},
  ): Promise<ContainerCreateResponse> {
    return this.#t.json("POST", "/containers/create", {
      query: { name: options.name, platform: options.platform },
      body,
    });
  }

  /** GET /containers/{id}/stats: an async iterator of stats objects (see stats.ts). */
  stats(id: string, options: StatsOptions = {}) {
    return containerStats(this.#t, id, options);
  }

  /** POST /containers/{id}/start; already running is not an error (304). */
  async start(
    id: string,
    options: { detachKeys?: string } = {},
  ): Promise<void> {
    await this.#empty("POST", `/containers/${enc(id)}/start`, {
      detachKeys: options.detachKeys,
    });
  }

  /** POST /containers/{id}/stop; timeout in seconds. */
  async stop(
    id: string,
    options: { timeout?: number; signal?: string } = {},
  ): Promise<void> {
    await this.#empty("POST", `/containers/${enc(id)}/stop`, {
      t: options.timeout,
      signal: options.signal,
    });
  }

  /** POST /containers/{id}/restart; timeout in seconds. */
  async restart(
    id: string,
    options: { timeout?: number; signal?: string } = {},
  ): Promise<void> {
    await this.#empty("POST", `/containers/${enc(id)}/restart`, {
      t: options.timeout,
      signal: options.signal,
    });
  }

  /** POST /containers/{id}/kill. Throws ClientError 409 when not running. */
  async kill(id: string, options: { signal?: string } = {}): Promise<void> {
    await this.#empty("POST", `/containers/${enc(id)}/kill`, {
      signal: options.signal,
    });
  }

  /** POST /containers/{id}/pause. */
  async pause(id: string): Promise<void> {
    await this.#empty("POST", `/containers/${enc(id)}/pause`);
  }

  /** POST /containers/{id}/unpause. */
  async unpause(id: string): Promise<void> {
    await this.#empty("POST", `/containers/${enc(id)}/unpause`);
  }

  /** DELETE /containers/{id}; `volumes` removes anonymous volumes. */
  async remove(
    id: string,
    options: { force?: boolean; volumes?: boolean; link?: boolean } = {},
  ): Promise<void> {
    await this.#empty("DELETE", `/containers/${enc(id)}`, {
      force: options.force || undefined,
      v: options.volumes || undefined,
      link: options.link || undefined,
    });
  }

  /** POST /containers/{id}/update: restart policy and resource limits; returns the daemon's warnings. */
  update(
    id: string,
    body: ContainerUpdateBody,
  ): Promise<ContainerUpdateResponse> {
    return this.#t.json("POST", `/containers/${enc(id)}/update`, { body });
  }

  /** POST /containers/{id}/rename. Throws ClientError 409 when the name is in use. */
  async rename(id: string, name: string): Promise<void> {
    await this.#empty("POST", `/containers/${enc(id)}/rename`, { name });
  }

  /**
   * POST /containers/{id}/wait. Resolves once the daemon has answered with its
   * headers (the wait is registered); `result` resolves when the condition is met.
   */
  async beginWait(
    id: string,
    options: { condition?: "not-running" | "next-exit" | "removed" } = {},
  ): Promise<{ result: Promise<ContainerWaitResponse> }> {
    const res = await this.#t.request("POST", `/containers/${enc(id)}/wait`, {
      query: { condition: options.condition },
    });
    const result = (async () => {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      return JSON.parse(
        Buffer.concat(chunks).toString("utf8"),
      ) as ContainerWaitResponse;
    })();
    return { result };
  }

  /** POST /containers/{id}/wait and its result. */
  async wait(
    id: string,
    options: { condition?: "not-running" | "next-exit" | "removed" } = {},
  ): Promise<ContainerWaitResponse> {
    return (await this.beginWait(id, options)).result;
  }

  /** GET /containers/{id}/logs: the raw body (stdcopy frames unless the container has a tty). */
  logs(id: string, options: LogsOptions = {}): Promise<Readable> {
    return this.#t.request("GET", `/containers/${enc(id)}/logs`, {
      query: {
        follow: options.follow || undefined,
        stdout: options.stdout ?? true,
        stderr: options.stderr ?? true,
        since: options.since && getTimestamp(options.since),
        until: options.until && getTimestamp(options.until),
        timestamps: options.timestamps || undefined,
        details: options.details || undefined,
        tail: options.tail,
      },
    });
  }

  /** POST /containers/{id}/attach, hijacked: a raw duplex to the container's stdio. */
  attach(id: string, options: AttachOptions = {}): Promise<Duplex> {
    return this.#t.hijack("POST", `/containers/${enc(id)}/attach`, {
      query: {
        stream: options.stream ?? true,
        stdin: options.stdin || undefined,
        stdout: options.stdout ?? true,
        stderr: options.stderr ?? true,
        logs: options.logs || undefined,
        detachKeys: options.detachKeys,
      },
    });
  }

  /** POST /containers/{id}/exec: creates an exec instance and returns its id. */
  exec(id: string, body: ExecCreateBody): Promise<{ Id: string }> {
    return this.#t.json("POST", `/containers/${enc(id)}/exec`, { body });
  }

  /** GET /containers/{id}/top with optional ps arguments. */
  top(
    id: string,
    options: { psArgs?: string } = {},
  ): Promise<ContainerTopResponse> {
    return this.#t.json("GET", `/containers/${enc(id)}/top`, {
      query: { ps_args: options.psArgs },
    });
  }

  /** GET /containers/{id}/json; `size` adds SizeRw and SizeRootFs. */
  inspect(
    id: string,
    options: { size?: boolean } = {},
  ): Promise<ContainerInspect> {
    return this.#t.json("GET", `/containers/${enc(id)}/json`, {
      query: { size: options.size || undefined },
    });
  }

  /** GET /containers/json. */
  list(
    options: {
      all?: boolean;
      limit?: number;
      size?: boolean;
      filters?: Filters;
    } = {},
  ): Promise<ContainerSummary[]> {
    return this.#t.json("GET", "/containers/json", {
      query: {
        all: options.all || undefined,
        limit: options.limit,
        size: options.size || undefined,
        filters: nonEmptyFilters(options.filters),
      },
    });
  }

  /** POST /containers/prune. */
  prune(options: { filters?: Filters } = {}): Promise<ContainerPruneResponse> {
    return this.#t.json("POST", "/containers/prune", {
      query: {
        filters: nonEmptyFilters(options.filters),
      },
    });
  }

  /** POST /containers/{id}/resize: sets the tty size (rows h, columns w). */
  async resize(id: string, size: { h: number; w: number }): Promise<void> {
    await this.#empty("POST", `/containers/${enc(id)}/resize`, size);
  }

  async #empty(
    method: string,
    path: string,
    query: Record<string, string | number | boolean | undefined> = {},
  ): Promise<void> {
    const res = await this.#t.request(method, path, { query });
    res.resume();
  }
}
