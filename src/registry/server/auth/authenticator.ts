import type { IncomingMessage } from "node:http";
import { RegistryError } from "../../protocol/errors.ts";
import type { Action } from "./access.ts";

/** What a request asks for: actions on a repository, or the catalog. */
export type Scope = { name: string; actions: Action[] } | { catalog: true };

/**
 * Who a request is. `user` is undefined for an anonymous token. `grants`,
 * when present, is what the credential itself allows (a bearer token's
 * access claim); without it the access rules decide.
 */
export type Identity = {
  user: string | undefined;
  grants?: (name: string, action: Action | "catalog") => boolean;
};

/**
 * Turns a request's Authorization header into an identity. Implementations:
 * BasicAuthenticator (htpasswd) and TokenAuthenticator (bearer JWTs).
 */
export interface Authenticator {
  /**
   * The identity, or undefined when the request carries no credentials.
   * Throws UNAUTHORIZED for wrong or expired credentials.
   */
  authenticate(
    req: IncomingMessage,
    scopes: Scope[],
  ): Promise<Identity | undefined>;
  /** The WWW-Authenticate value for a 401 on these scopes. */
  challenge(
    scopes: Scope[],
    req: IncomingMessage,
    error?: "insufficient_scope",
  ): string;
}

/** Splits an Authorization header into scheme and credentials. */
export function parseAuthorization(
  header: string | undefined,
): { scheme: string; value: string } | undefined {
  if (header === undefined) return undefined;
  const space = header.indexOf(" ");
  if (space <= 0)
    throw new RegistryError("UNAUTHORIZED", {
      message: "malformed Authorization header",
    });
  return {
    scheme: header.slice(0, space).toLowerCase(),
    value: header.slice(space + 1).trim(),
  };
}

/** Decodes Basic credentials. Throws UNAUTHORIZED when malformed. */
export function decodeBasic(value: string): { user: string; password: string } {
  const text = Buffer.from(value, "base64").toString("utf8");
  const colon = text.indexOf(":");
  if (colon < 0)
    throw new RegistryError("UNAUTHORIZED", {
      message: "malformed basic credentials",
    });
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}
