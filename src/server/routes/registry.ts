import type { RequestContext } from "../http.ts";
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
