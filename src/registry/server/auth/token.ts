import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes, randomUUID } from "node:crypto";
import { RegistryError } from "../../protocol/errors.ts";
import type { Action, AccessRules } from "./access.ts";
import {
  parseAuthorization,
  type Authenticator,
  type Identity,
  type Scope,
} from "./authenticator.ts";
import type { BasicAuthenticator } from "./basic.ts";
import {
  signHs256,
  verifyToken,
  type TokenClaims,
  type VerifyKeys,
} from "./jwt.ts";

/** Path of the built-in token endpoint. */
export const TOKEN_PATH = "/auth/token";
/** Lifetime of issued tokens, in seconds (distribution's token server default). */
const TOKEN_TTL = 300;

/** Token auth settings (config auth.token). */
export type TokenOptions = {
  /** Absolute URL of an external realm; undefined: the built-in endpoint. */
  realm?: string;
  service: string;
  issuer: string;
  keys: VerifyKeys;
};

/**
 * Bearer-token authentication per Docker's token auth spec: 401s carry
 * `Bearer realm=…,service=…,scope=…`; requests carry JWTs whose `access`
 * claim lists repository actions. With no external realm, this registry
 * is its own token server at /auth/token: it checks Basic credentials
 * against htpasswd and grants what the access rules allow, signing HS256.
 */
export class TokenAuthenticator implements Authenticator {
  readonly #opts: TokenOptions;
  readonly #basic: BasicAuthenticator | undefined;
  readonly #rules: AccessRules;
  readonly #secret: Buffer;

  /** basic: users for the built-in endpoint; rules: what it grants them. */
  constructor(
    options: TokenOptions,
    basic: BasicAuthenticator | undefined,
    rules: AccessRules,
  ) {
    this.#secret = options.keys.secret ?? randomBytes(32);
    this.#opts = {
      ...options,
      keys: { ...options.keys, secret: this.#secret },
    };
    this.#basic = basic;
    this.#rules = rules;
  }

  /** True when this registry serves the token endpoint itself. */
  get builtin(): boolean {
    return this.#opts.realm === undefined;
  }

  async authenticate(req: IncomingMessage): Promise<Identity | undefined> {
    const auth = parseAuthorization(req.headers.authorization);
    if (!auth) return undefined;
    if (auth.scheme !== "bearer")
      throw new RegistryError("UNAUTHORIZED", {
        message: "bearer token required",
      });
    let claims: TokenClaims;
    try {
      claims = verifyToken(auth.value, this.#opts.keys, {
        issuer: this.#opts.issuer,
        audience: this.#opts.service,
      });
    } catch (err) {
      throw new RegistryError("UNAUTHORIZED", {
        message: (err as Error).message,
      });
    }
    const grants = (name: string, action: Action | "catalog"): boolean =>
      claims.access.some((a) =>
        action === "catalog"
          ? a.type === "registry" && a.name === "catalog"
          : a.type === "repository" &&
            a.name === name &&
            (a.actions.includes(action) || a.actions.includes("*")),
      );
    return { user: claims.sub === "" ? undefined : claims.sub, grants };
  }

  challenge(
    scopes: Scope[],
    req: IncomingMessage,
    error?: "insufficient_scope",
  ): string {
    const realm =
      this.#opts.realm ??
      `${scheme(req)}://${req.headers.host ?? "localhost"}${TOKEN_PATH}`;
    let v = `Bearer realm="${realm}",service="${this.#opts.service}"`;
    const scope = scopes.map(scopeString).join(" ");
    if (scope !== "") v += `,scope="${scope}"`;
    if (error) v += `,error="${error}"`;
    return v;
  }

  /**
   * GET /auth/token?service=&scope=…: 200 `{token, access_token, expires_in,
   * issued_at}`; wrong Basic credentials → 401. Scopes the user may not have
   * are left out of the token, not refused (Docker's token spec).
   */
  async getToken(
    req: IncomingMessage,
    res: ServerResponse,
    query: URLSearchParams,
  ): Promise<void> {
    const user = this.#basic
      ? await this.#basic.user(req.headers.authorization)
      : undefined;
    const access: TokenClaims["access"] = [];
    for (const raw of query.getAll("scope").flatMap((s) => s.split(" "))) {
      const m = /^([a-z0-9]+)(?:\([^)]*\))?:(.+):([a-z*,]+)$/.exec(raw);
      if (!m) continue;
      const [, type = "", name = "", acts = ""] = m;
      if (
        type === "registry" &&
        name === "catalog" &&
        (user !== undefined || !this.#basic)
      )
        access.push({ type, name, actions: ["*"] });
      if (type !== "repository") continue;
      const wanted = acts
        .split(",")
        .flatMap((a) => (a === "*" ? ["pull", "push", "delete"] : [a]));
      const actions = this.#rules.granted(user, name, wanted.filter(isAction));
      if (actions.length > 0) access.push({ type, name, actions });
    }
    const now = Math.floor(Date.now() / 1000);
    const token = signHs256(
      {
        iss: this.#opts.issuer,
        sub: user ?? "",
        aud: this.#opts.service,
        exp: now + TOKEN_TTL,
        nbf: now - 1,
        iat: now,
        jti: randomUUID(),
        access,
      },
      this.#secret,
    );
    const body = JSON.stringify({
      token,
      access_token: token,
      expires_in: TOKEN_TTL,
      issued_at: new Date(now * 1000).toISOString(),
    });
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(body)),
    });
    res.end(body);
  }
}

function isAction(a: string): a is Action {
  return a === "pull" || a === "push" || a === "delete";
}

function scopeString(s: Scope): string {
  return "catalog" in s
    ? "registry:catalog:*"
    : `repository:${s.name}:${s.actions.join(",")}`;
}

function scheme(req: IncomingMessage): string {
  return (req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
}
