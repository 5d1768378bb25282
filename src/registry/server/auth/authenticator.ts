import type { IncomingMessage } from "node:http";
import { RegistryError } from "../../protocol/errors.ts";
import type { Action } from "./access.ts";

/** What a request asks for: actions on a repository, or the catalog. */
export type Scope = { name: string; actions: Action[] } | { catalog: true };

/**
 * Turns a request's Authorization header into a user. Implementations:
 * BasicAuthenticator (htpasswd) and TokenAuthenticator (bearer JWTs).
 */
export interface Authenticator {
  /**
   * The authenticated user, or undefined when the request carries no
   * credentials. Throws UNAUTHORIZED for wrong credentials.
   */
  authenticate(
    req: IncomingMessage,
    scopes: Scope[],
  ): Promise<string | undefined>;
  /** The WWW-Authenticate value for a 401 on these scopes. */
  challenge(scopes: Scope[]): string;
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
