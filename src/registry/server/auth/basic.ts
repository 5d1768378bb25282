import type { IncomingMessage } from "node:http";
import { RegistryError } from "../../protocol/errors.ts";
import {
  decodeBasic,
  parseAuthorization,
  type Authenticator,
  type Identity,
} from "./authenticator.ts";
import type { Htpasswd } from "./htpasswd.ts";

/** HTTP Basic authentication against an htpasswd file (auth.htpasswd). */
export class BasicAuthenticator implements Authenticator {
  readonly #htpasswd: Htpasswd;
  readonly #realm: string;
  /** Successful verifications, so bcrypt (≈ 50 ms) runs once per credential. */
  readonly #verified = new Map<string, string>();

  constructor(htpasswd: Htpasswd, realm: string) {
    this.#htpasswd = htpasswd;
    this.#realm = realm;
  }

  async authenticate(req: IncomingMessage): Promise<Identity | undefined> {
    const user = await this.user(req.headers.authorization);
    return user === undefined ? undefined : { user };
  }

  /** The user of a Basic Authorization header; undefined without one. Throws UNAUTHORIZED. */
  async user(header: string | undefined): Promise<string | undefined> {
    const auth = parseAuthorization(header);
    if (!auth) return undefined;
    if (auth.scheme !== "basic")
      throw new RegistryError("UNAUTHORIZED", {
        message: "basic authentication required",
      });
    const cached = this.#verified.get(auth.value);
    if (cached !== undefined) return cached;
    const { user, password } = decodeBasic(auth.value);
    if (!(await this.#htpasswd.verify(user, password)))
      throw new RegistryError("UNAUTHORIZED", {
        message: "invalid username or password",
      });
    if (this.#verified.size > 1000) this.#verified.clear();
    this.#verified.set(auth.value, user);
    return user;
  }

  challenge(): string {
    return `Basic realm="${this.#realm}"`;
  }
}
