import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import type { Challenge } from "../protocol/challenge.ts";
import { challengesOf, type Authorizer, type Credentials } from "./auth.ts";
import { HUB_DISABLED, HubDisabledError, type Endpoint } from "./hosts.ts";
import {
  isFallbackError,
  responseError,
  type HttpClient,
  type HttpRequest,
} from "./http.ts";

/** What a RepositoryClient needs from its owner (RegistryClient). */
export type RepositoryDeps = { http: HttpClient; auth: Authorizer };

/**
 * One repository on one endpoint, after the `/v2/` ping that tells which
 * auth scheme the registry wants (moby's distribution transport). Every
 * request carries the Authorization header for `scopes`; a 401 on a cached
 * token refreshes it once when the body can be sent again.
 */
export class RepositoryClient {
  readonly endpoint: Endpoint;
  /** Repository path inside the registry ("library/busybox"). */
  readonly path: string;
  #deps: RepositoryDeps;
  #challenges: Challenge[];
  #credentials: Credentials;
  #scopes: string[];

  constructor(
    deps: RepositoryDeps,
    options: {
      endpoint: Endpoint;
      path: string;
      challenges: Challenge[];
      credentials: Credentials;
      scopes: string[];
    },
  ) {
    this.#deps = deps;
    this.endpoint = options.endpoint;
    this.path = options.path;
    this.#challenges = options.challenges;
    this.#credentials = options.credentials;
    this.#scopes = options.scopes;
  }

  /**
   * Pings `/v2/` on each endpoint in turn and returns a client for the first
   * that answers (connection failures fall through to the next; the last
   * failure is thrown, naming every endpoint that failed).
   */
  static async open(
    deps: RepositoryDeps,
    endpoints: Endpoint[],
    options: {
      path: string;
      credentials: Credentials;
      scopes: string[];
      signal?: AbortSignal;
    },
  ): Promise<RepositoryClient> {
    const failures: string[] = [];
    let last: unknown;
    for (const endpoint of endpoints) {
      try {
        const res = await deps.http.send(endpoint, {
          method: "GET",
          url: "/v2/",
          ...(options.signal ? { signal: options.signal } : {}),
        });
        res.resume();
        if (res.statusCode !== 200 && res.statusCode !== 401)
          throw new Error(
            `${endpoint.base}/v2/ answered ${res.statusCode ?? 0}: not a registry`,
          );
        return new RepositoryClient(deps, {
          endpoint,
          path: options.path,
          challenges: challengesOf(res.headers["www-authenticate"]),
          credentials: options.credentials,
          scopes: options.scopes,
        });
      } catch (err) {
        if (!isFallbackError(err)) throw err;
        last = err;
        failures.push(
          endpoint.mirror
            ? `mirror ${endpoint.base}: ${(err as Error).message}`
            : (err as Error).message,
        );
      }
    }
    // Only mirrors were tried: Docker Hub is switched off (hosts.ts).
    if (endpoints.length > 0 && endpoints.every((e) => e.mirror))
      throw new HubDisabledError(
        `${HUB_DISABLED} and no mirror answered: ${failures.join("; ")}`,
      );
    if (failures.length > 1) throw new Error(failures.join("; "));
    throw last;
  }

  /** Sends a request with auth; follows redirects (blob storage) without it. */
  async send(req: HttpRequest): Promise<IncomingMessage> {
    const replayable = req.body === undefined || Buffer.isBuffer(req.body);
    let res = await this.#sendOnce(req, false);
    if (res.statusCode === 401 && replayable && this.#challenges.length > 0) {
      res.resume();
      res = await this.#sendOnce(req, true);
    }
    for (let hops = 0; isRedirect(res.statusCode) && hops < 5; hops++) {
      const location = res.headers.location;
      res.resume();
      if (!location || !(req.method === "GET" || req.method === "HEAD")) break;
      const next = new URL(
        location,
        new URL(req.url, this.endpoint.base + "/"),
      );
      res = await this.#deps.http.send(this.endpoint, {
        method: req.method,
        url: next.href,
        ...(req.signal ? { signal: req.signal } : {}),
      });
    }
    return res;
  }

  async #sendOnce(
    req: HttpRequest,
    refresh: boolean,
  ): Promise<IncomingMessage> {
    const auth = await this.#deps.auth.header(this.endpoint, this.#challenges, {
      credentials: this.#credentials,
      scopes: this.#scopes,
      refresh,
      ...(req.signal ? { signal: req.signal } : {}),
    });
    const headers = { ...(req.headers ?? {}) };
    if (auth) headers.authorization = auth;
    return this.#deps.http.send(this.endpoint, { ...req, headers });
  }

  /** Sends and throws the registry's error (RegistryResponseError) unless the status is one of `ok`. */
  async expect(req: HttpRequest, ok: number[]): Promise<IncomingMessage> {
    const res = await this.send(req);
    if (ok.includes(res.statusCode ?? 0)) return res;
    throw await responseError(res);
  }

  /** `/v2/<name>/<rest>`. */
  url(rest: string): string {
    return `/v2/${this.path}/${rest}`;
  }

  /** Opens a blob for reading (`GET /v2/<name>/blobs/<digest>`); throws RegistryResponseError. */
  async blob(digest: string, signal?: AbortSignal): Promise<IncomingMessage> {
    return this.expect(
      {
        method: "GET",
        url: this.url(`blobs/${digest}`),
        ...(signal ? { signal } : {}),
      },
      [200],
    );
  }

  /** True when the repository has the blob (HEAD). */
  async hasBlob(digest: string, signal?: AbortSignal): Promise<boolean> {
    const res = await this.send({
      method: "HEAD",
      url: this.url(`blobs/${digest}`),
      ...(signal ? { signal } : {}),
    });
    res.resume();
    if (res.statusCode === 200) return true;
    if (res.statusCode === 404) return false;
    throw await responseError(res);
  }

  /**
   * Uploads a blob: cross-repository mount from `from` when given (201 means
   * mounted: returns "mounted"), else POST + one streamed PATCH + PUT with the
   * digest (distribution spec "Pushing a blob in chunks", one chunk).
   * `digest` may be a function called once the body has been sent (a blob
   * compressed while it uploads); then there is no mount.
   */
  async uploadBlob(
    digest: string | (() => Promise<string>),
    body: () => Readable,
    options: { from?: string; signal?: AbortSignal },
  ): Promise<"mounted" | "uploaded"> {
    const sig = options.signal ? { signal: options.signal } : {};
    const start =
      options.from && typeof digest === "string"
        ? `blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(options.from)}`
        : "blobs/uploads/";
    const res = await this.expect(
      {
        method: "POST",
        url: this.url(start),
        headers: { "content-length": "0" },
        ...sig,
      },
      [201, 202],
    );
    res.resume();
    if (res.statusCode === 201) return "mounted";
    const location = this.#location(res);
    const patched = await this.expect(
      {
        method: "PATCH",
        url: location,
        headers: { "content-type": "application/octet-stream" },
        body: body(),
        ...sig,
      },
      [202],
    );
    patched.resume();
    const put = new URL(this.#location(patched), this.endpoint.base);
    put.searchParams.set(
      "digest",
      typeof digest === "string" ? digest : await digest(),
    );
    const done = await this.expect(
      {
        method: "PUT",
        url: put.href,
        headers: { "content-length": "0" },
        ...sig,
      },
      [201],
    );
    done.resume();
    return "uploaded";
  }

  #location(res: IncomingMessage): string {
    const location = res.headers.location;
    if (!location) throw new Error("registry sent no upload Location");
    return new URL(location, this.endpoint.base).href;
  }

  /** The repository's tags (`GET /v2/<name>/tags/list`, following Link pages). */
  async tags(signal?: AbortSignal): Promise<string[]> {
    const out: string[] = [];
    let next: string | undefined = this.url("tags/list");
    while (next) {
      const res = await this.expect(
        { method: "GET", url: next, ...(signal ? { signal } : {}) },
        [200],
      );
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      const doc = JSON.parse(Buffer.concat(chunks).toString()) as {
        tags?: string[] | null;
      };
      out.push(...(doc.tags ?? []));
      const link = /<([^>]+)>;\s*rel="next"/.exec(
        String(res.headers.link ?? ""),
      );
      next = link?.[1];
    }
    return out;
  }
}

function isRedirect(status: number | undefined): boolean {
  return (
    status === 301 ||
    status === 302 ||
    status === 303 ||
    status === 307 ||
    status === 308
  );
}
