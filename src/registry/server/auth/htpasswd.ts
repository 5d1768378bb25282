import { readFile } from "node:fs/promises";
import bcrypt from "bcryptjs";

/**
 * An htpasswd file of bcrypt entries (`user:$2y$…`), as distribution's
 * htpasswd auth reads it. Other hash kinds are rejected when loading:
 * distribution accepts only bcrypt too.
 */
export class Htpasswd {
  readonly #entries: Map<string, string>;
  constructor(entries: Map<string, string>) {
    this.#entries = entries;
  }

  /** Loads a file. Throws when a line is malformed or not bcrypt. */
  static async load(path: string): Promise<Htpasswd> {
    return Htpasswd.parse(await readFile(path, "utf8"));
  }

  /** Parses htpasswd text. Throws on a malformed or non-bcrypt line. */
  static parse(text: string): Htpasswd {
    const entries = new Map<string, string>();
    for (const [i, raw] of text.split("\n").entries()) {
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) continue;
      const colon = line.indexOf(":");
      const hash = line.slice(colon + 1);
      if (colon <= 0 || !/^\$2[aby]\$\d\d\$/.test(hash))
        throw new Error(`htpasswd line ${i + 1}: not a user:bcrypt-hash entry`);
      entries.set(line.slice(0, colon), hash);
    }
    return new Htpasswd(entries);
  }

  /** True when the user exists and the password matches. */
  async verify(user: string, password: string): Promise<boolean> {
    const hash = this.#entries.get(user);
    if (hash === undefined) return false;
    // bcryptjs knows $2a$/$2b$; $2y$ (htpasswd -B) is the same algorithm.
    return bcrypt.compare(password, hash.replace(/^\$2y\$/, "$2b$"));
  }
}

/** One htpasswd line for a user, hashed with bcrypt at the given cost. */
export async function htpasswdLine(
  user: string,
  password: string,
  cost = 10,
): Promise<string> {
  if (user === "" || user.includes(":"))
    throw new Error("user name must be non-empty without ':'");
  return `${user}:${await bcrypt.hash(password, cost)}`;
}
