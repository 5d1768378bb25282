import type { ImageSearchResult } from "../../api/images.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import type { RequestContext } from "../http.ts";
import type { Route } from "../router.ts";
import { jsonLine } from "../streams.ts";

/** Credentials as X-Registry-Auth and POST /auth carry them (Docker's AuthConfig). */
export type AuthConfig = {
  username?: string;
  password?: string;
  identityToken?: string;
  registryToken?: string;
  serverAddress?: string;
};

/**
 * Decodes X-Registry-Auth: base64url (or standard base64) JSON of Docker's
 * AuthConfig. compat: moby ignores a header it cannot decode and goes on
 * without credentials, so this returns {} then.
 */
export function registryAuth(ctx: RequestContext): AuthConfig {
  const header = ctx.req.headers["x-registry-auth"];
  if (typeof header !== "string" || header === "") return {};
  try {
    const text = Buffer.from(
      header.replace(/-/g, "+").replace(/_/g, "/"),
      "base64",
    ).toString();
    return authConfig(JSON.parse(text) as Record<string, unknown>);
  } catch {
    return {};
  }
}

/** Picks the known string fields of an AuthConfig JSON object (either case, as Go's decoder). */
export function authConfig(raw: Record<string, unknown>): AuthConfig {
  const pick = (...names: string[]): string | undefined => {
    for (const [k, v] of Object.entries(raw))
      if (names.includes(k.toLowerCase()) && typeof v === "string" && v !== "")
        return v;
    return undefined;
  };
  const out: AuthConfig = {};
  let username = pick("username");
  let password = pick("password");
  const auth = pick("auth");
  if (auth && username === undefined) {
    const plain = Buffer.from(auth, "base64").toString();
    const i = plain.indexOf(":");
    if (i > 0) [username, password] = [plain.slice(0, i), plain.slice(i + 1)];
  }
  if (username !== undefined) out.username = username;
  if (password !== undefined) out.password = password;
  const identityToken = pick("identitytoken");
  if (identityToken) out.identityToken = identityToken;
  const registryToken = pick("registrytoken");
  if (registryToken) out.registryToken = registryToken;
  const serverAddress = pick("serveraddress");
  if (serverAddress) out.serverAddress = serverAddress;
  return out;
}

/**
 * A JSON progress stream that starts (200 + headers) only with its first
 * message, so a failure before any progress keeps its HTTP status, and a
 * failure after it is sent in-stream as Docker does
 * (`{"errorDetail":{"message":…},"error":…}`). `signal` aborts when the
 * client goes away.
 */
export class ProgressStream {
  #ctx: RequestContext;
  #out: NodeJS.WritableStream | undefined;
  #abort = new AbortController();

  constructor(ctx: RequestContext) {
    this.#ctx = ctx;
    const res = ctx.res;
    res?.on("close", () => {
      if (!res.writableFinished) this.#abort.abort();
    });
  }

  /** Aborted when the client disconnects. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Writes one message, starting the response if needed. */
  write = (message: unknown): void => {
    this.#out ??= this.#ctx.stream(200, "application/json");
    this.#out.write(jsonLine(message));
  };

  /** Ends the stream; with an error, rethrows it when nothing was sent yet. */
  finish(err?: Error): void {
    if (err !== undefined && !this.#out) throw err;
    const out = this.#out ?? this.#ctx.stream(200, "application/json");
    if (err !== undefined) {
      const message = err.message;
      out.write(jsonLine({ errorDetail: { message }, error: message }));
    }
    out.end();
  }
}

/** What the registry routes need from the engine (ImageService implements it). */
export interface RegistryBackend {
  /** Pushes an image's tag (or all tags); progress as pull's. Throws NotFoundError, UnauthorizedError. */
  push(
    name: string,
    options: {
      tag?: string;
      credentials: AuthConfig;
      progress: (message: unknown) => void;
      signal?: AbortSignal;
    },
  ): Promise<void>;
  /** Validates credentials against a registry. Throws UnauthorizedError when refused. */
  login(server: string, credentials: AuthConfig): Promise<void>;
  /** Searches a registry's v1 search. Throws InvalidArgumentError (filters, limit, term). */
  search(options: {
    term: string;
    limit: number;
    filters: Record<string, string[]>;
    credentials: AuthConfig;
  }): Promise<SearchResultView[]>;
  /** The descriptor and platforms a reference resolves to. Throws NotFoundError, InvalidArgumentError. */
  distribution(
    name: string,
    options: { credentials: AuthConfig },
  ): Promise<unknown>;
}

/** One row of GET /images/search (Docker's registry.SearchResult). */
export type SearchResultView = ImageSearchResult;

/** Routes of the registry client: push, login, search and distribution inspect. */
export function registryRoutes(backend: RegistryBackend): Route[] {
  return [
    {
      method: "POST",
      path: "/images/{name*}/push",
      handler: (ctx) => postImagesPush(ctx, backend), // 200 JSON progress, 400 bad name, 404 no tag (in-stream)
    },
    {
      method: "POST",
      path: "/auth",
      handler: (ctx) => postAuth(ctx, backend), // 200, 400 bad body, 401 refused
    },
    {
      method: "GET",
      path: "/images/search",
      handler: (ctx) => getImagesSearch(ctx, backend), // 200, 400 bad filter/limit/term, 500 registry without search
    },
    {
      method: "GET",
      path: "/distribution/{name*}/json",
      handler: (ctx) => getDistributionJson(ctx, backend), // 200, 400 bad reference, 401 refused, 404 unknown manifest
    },
  ];
}

async function postImagesPush(
  ctx: RequestContext,
  b: RegistryBackend,
): Promise<void> {
  const stream = new ProgressStream(ctx);
  const tag = ctx.q("tag");
  try {
    await b.push(ctx.param("name"), {
      credentials: registryAuth(ctx),
      progress: stream.write,
      signal: stream.signal,
      ...(tag ? { tag } : {}),
    });
  } catch (err) {
    return stream.finish(err as Error);
  }
  stream.finish();
}

async function postAuth(
  ctx: RequestContext,
  b: RegistryBackend,
): Promise<void> {
  const body = await ctx.json<unknown>();
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new InvalidArgumentError(
      "invalid JSON: auth config must be an object",
    );
  const config = authConfig(body as Record<string, unknown>);
  await b.login(config.serverAddress ?? "", config);
  // compat: dockerd sends an empty IdentityToken for basic-auth logins.
  ctx.send(200, { IdentityToken: "", Status: "Login Succeeded" });
}

async function getImagesSearch(
  ctx: RequestContext,
  b: RegistryBackend,
): Promise<void> {
  const raw = ctx.q("limit");
  let limit = 0;
  if (raw) {
    // compat: moby's router parses limit with strconv.Atoi.
    if (!/^[+-]?\d+$/.test(raw))
      throw new InvalidArgumentError(
        `invalid limit specified: strconv.Atoi: parsing "${raw}": invalid syntax`,
      );
    limit = Number(raw);
  }
  const results = await b.search({
    term: ctx.q("term") ?? "",
    limit,
    filters: ctx.filters(),
    credentials: registryAuth(ctx),
  });
  ctx.send(200, results);
}

async function getDistributionJson(
  ctx: RequestContext,
  b: RegistryBackend,
): Promise<void> {
  ctx.send(
    200,
    await b.distribution(ctx.param("name"), {
      credentials: registryAuth(ctx),
    }),
  );
}
