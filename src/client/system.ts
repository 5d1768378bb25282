/** client.system: ping, version, info, events and disk usage. */
import { nonEmptyFilters } from "../conventions/filters.ts";
import type { Transport } from "./transport.ts";
import { jsonLines } from "./json-lines.ts";
import { getTimestamp } from "../conventions/timestamp.ts";
import type {
  DiskUsage,
  EventMessage,
  Filters,
  SystemInfo,
  SystemVersion,
} from "./types.ts";

/** What HEAD /_ping reports. */
export type PingResult = {
  apiVersion: string | undefined;
  osType: string | undefined;
  experimental: boolean;
  builderVersion: string | undefined;
};

/** Options of events: since/until as Unix seconds, RFC 3339 or Go durations. */
export type EventsOptions = {
  since?: string;
  until?: string;
  filters?: Filters;
  signal?: AbortSignal;
};

/** The system endpoints. */
export class SystemApi {
  #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** HEAD /_ping (unversioned). Throws ConnectionError when nothing listens. */
  async ping(): Promise<PingResult> {
    const res = await this.#t.unversioned("HEAD", "/_ping");
    res.resume();
    const h = (k: string): string | undefined => {
      const v = res.headers[k];
      return typeof v === "string" ? v : undefined;
    };
    return {
      apiVersion: h("api-version"),
      osType: h("ostype"),
      experimental: h("docker-experimental") === "true",
      builderVersion: h("builder-version"),
    };
  }

  /** GET /version. */
  version(): Promise<SystemVersion> {
    return this.#t.json("GET", "/version");
  }

  /** GET /info. */
  info(): Promise<SystemInfo> {
    return this.#t.json("GET", "/info");
  }

  /** GET /events: yields events until `until` passes, the daemon closes, or signal aborts. */
  async *events(options: EventsOptions = {}): AsyncGenerator<EventMessage> {
    const filters = nonEmptyFilters(options.filters);
    const res = await this.#t.request("GET", "/events", {
      query: {
        since: options.since && getTimestamp(options.since),
        until: options.until && getTimestamp(options.until),
        filters,
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    try {
      yield* jsonLines<EventMessage>(res);
    } catch (err) {
      if (options.signal?.aborted) return;
      throw err;
    }
  }

  /** GET /system/df; `type` limits it to some kinds (API ≥ 1.42). */
  df(options: { type?: string[] } = {}): Promise<DiskUsage> {
    return this.#t.json("GET", "/system/df", { query: { type: options.type } });
  }
}
