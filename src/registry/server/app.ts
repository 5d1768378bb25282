import type { IncomingMessage, ServerResponse } from "node:http";
import { API_VERSION, Headers, matchRoute } from "../protocol/paths.ts";
import { RegistryError } from "../protocol/errors.ts";
import { errorMessage } from "../../util/errors.ts";
import { AccessRules, type Action } from "./auth/access.ts";
import type { Authenticator, Identity, Scope } from "./auth/authenticator.ts";
import { TOKEN_PATH, type TokenAuthenticator } from "./auth/token.ts";
import { writeError, writeJson, type Context } from "./context.ts";
import { Metrics } from "./metrics.ts";
import { routeTable } from "./routes.ts";
import { serveSearchV1 } from "./search-v1.ts";
import type { Services } from "./services.ts";

/** How the app authenticates and authorizes, and where it logs. */
export type AppOptions = {
  authenticator?: Authenticator;
  /** Serves GET /auth/token (the built-in token endpoint), when set. */
  tokenServer?: TokenAuthenticator;
  rules?: AccessRules;
  /** Receives one access-log line per request; undefined disables the log. */
  accessLog?: (line: string) => void;
  /** Receives internal errors (500s). */
  errorLog?: (message: string) => void;
};

/**
 * The registry's HTTP request handler: routes /v2/ requests to the spec's
 * handlers after authentication and access rules, serves /health and
 * /metrics, writes distribution's error bodies, logs and counts requests.
 */
export class RegistryApp {
  readonly #svc: Services;
  readonly #opts: AppOptions;
  readonly #rules: AccessRules;
  readonly metrics = new Metrics();

  /** svc: the stores and policy; options: auth and logging. */
  constructor(svc: Services, options: AppOptions = {}) {
    this.#svc = svc;
    this.#opts = options;
    this.#rules =
      options.rules ?? new AccessRules([], options.authenticator !== undefined);
  }

  /** Handles one request; never throws. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const started = process.hrtime.bigint();
    const socket = req.socket;
    const readAt = socket.bytesRead;
    const writtenAt = socket.bytesWritten;
    const state: { route: string; user: string | undefined } = {
      route: "unknown",
      user: undefined,
    };
    res.on("close", () => {
      const bytesOut = socket.bytesWritten - writtenAt;
      this.metrics.observe({
        route: state.route,
        method: req.method ?? "",
        status: res.statusCode,
        bytesIn: socket.bytesRead - readAt,
        bytesOut,
      });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      this.#opts.accessLog?.(
        `${new Date().toISOString()} ${socket.remoteAddress ?? "-"} ${state.user ?? "-"} ${req.method} ${req.url} ${res.statusCode} ${bytesOut} ${ms.toFixed(1)}ms`,
      );
    });
    res.setHeader(Headers.apiVersion, API_VERSION);
    this.#dispatch(req, res, state).catch((err: unknown) => {
      // A client that went away mid-response is not an internal error.
      if (!(err instanceof RegistryError) && !req.socket.destroyed)
        this.#opts.errorLog?.(`${req.method} ${req.url}: ${errorMessage(err)}`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const e =
        err instanceof RegistryError
          ? err
          : new RegistryError("UNKNOWN", { message: errorMessage(err) });
      const headers: Record<string, string> = {};
      if (e.status === 401 && this.#opts.authenticator)
        headers["www-authenticate"] = this.#opts.authenticator.challenge(
          scopesOf(req),
          req,
          e.detail === INSUFFICIENT_SCOPE ? "insufficient_scope" : undefined,
        );
      writeError(res, e, headers);
    });
  }

  async #dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    state: { route: string; user: string | undefined },
  ): Promise<void> {
    const url = new URL(req.url ?? "/", "http://registry");
    const method = req.method ?? "GET";
    if (url.pathname === "/health") {
      state.route = "health";
      await this.#svc.driver.stat("/");
      writeJson(res, 200, { status: "ok" });
      return;
    }
    if (url.pathname === "/metrics") {
      state.route = "metrics";
      const text = this.metrics.render(this.#svc.uploads.active);
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(text);
      return;
    }
    if (url.pathname === TOKEN_PATH && this.#opts.tokenServer) {
      state.route = "token";
      await this.#opts.tokenServer.getToken(req, res, url.searchParams);
      return;
    }
    if (
      url.pathname.startsWith("/v1/") &&
      (await serveSearchV1(res, url, this.#svc, () =>
        this.#authorize(req, [{ catalog: true }]),
      ))
    )
      return;
    const match = matchRoute(url.pathname);
    if (match === undefined) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("404 page not found\n");
      return;
    }
    if ("invalidName" in match)
      throw new RegistryError("NAME_INVALID", {
        detail: { name: match.invalidName },
      });
    state.route = match.route;
    const name = match.name ?? "";
    const handler = routeTable[match.route][method];
    const scopes = requiredScopes(
      match.route,
      name,
      handler?.action,
      url.searchParams,
    );
    const user = await this.#authorize(req, scopes);
    state.user = user;
    if (match.route === "base") {
      writeJson(res, 200, {});
      return;
    }
    if (!handler)
      throw new RegistryError("UNSUPPORTED", {
        message: `method ${method} not allowed`,
      });
    if (
      this.#svc.policy.readOnly &&
      (handler.action === "push" || handler.action === "delete")
    )
      throw new RegistryError("UNSUPPORTED", {
        message: "the registry is in read-only mode",
      });
    const ctx: Context = {
      req,
      res,
      match,
      name,
      query: url.searchParams,
      user,
    };
    await handler.handle(ctx, this.#svc);
  }

  /**
   * Authenticates and checks access: a token's own grants when it has
   * them, else the access rules. Throws UNAUTHORIZED (401: no or
   * insufficient credentials) or DENIED (403: the user may not).
   */
  async #authorize(
    req: IncomingMessage,
    scopes: Scope[],
  ): Promise<string | undefined> {
    const auth = this.#opts.authenticator;
    const id: Identity | undefined = auth
      ? await auth.authenticate(req, scopes)
      : undefined;
    const user = id?.user;
    if (auth && id === undefined && scopes.length === 0)
      throw new RegistryError("UNAUTHORIZED"); // /v2/ tells clients to log in
    for (const s of scopes) {
      const ruleOk =
        "catalog" in s
          ? !auth || user !== undefined
          : s.actions.every((a) => this.#rules.allows(user, s.name, a));
      if (id?.grants) {
        const tokenOk =
          "catalog" in s
            ? id.grants("", "catalog")
            : s.actions.every((a) => id.grants?.(s.name, a) ?? false);
        if (tokenOk) continue;
        if (!ruleOk && user !== undefined) throw new RegistryError("DENIED");
        throw new RegistryError("UNAUTHORIZED", { detail: INSUFFICIENT_SCOPE });
      }
      if (ruleOk) continue;
      if (id === undefined) throw new RegistryError("UNAUTHORIZED");
      throw new RegistryError("DENIED");
    }
    return user;
  }
}

/** Detail of a 401 whose token lacks the scope (the challenge says insufficient_scope). */
const INSUFFICIENT_SCOPE = { reason: "insufficient_scope" };

/** The scopes a request needs (also used to build the 401 challenge). */
function requiredScopes(
  route: string,
  name: string,
  action: Action | "catalog" | undefined,
  query: URLSearchParams,
): Scope[] {
  if (action === undefined) return [];
  if (action === "catalog") return [{ catalog: true }];
  // A push needs pull too (clients HEAD blobs before uploading; distribution asks pull,push).
  const scopes: Scope[] = [
    { name, actions: action === "push" ? ["pull", "push"] : [action] },
  ];
  const from = query.get("from");
  if (route === "uploadStart" && from !== null && query.get("mount") !== null)
    scopes.push({ name: from, actions: ["pull"] });
  return scopes;
}

function scopesOf(req: IncomingMessage): Scope[] {
  const url = new URL(req.url ?? "/", "http://registry");
  const m = matchRoute(url.pathname);
  if (!m || "invalidName" in m) return [];
  const h = routeTable[m.route][req.method ?? "GET"];
  return requiredScopes(m.route, m.name ?? "", h?.action, url.searchParams);
}
