/**
 * Per-prefix access rules (config key `access`): the first rule whose
 * prefix the repository name starts with decides who may pull, push and
 * delete there. Principals are user names, `*` (any authenticated user) or
 * `anonymous` (everyone, with or without credentials).
 *
 * Without a matching rule: when the registry has authentication, any
 * authenticated user may do everything (distribution's htpasswd
 * semantics); without authentication, everyone may.
 */

/** What a request needs on a repository. */
export type Action = "pull" | "push" | "delete";

/** One rule of the config. */
export type AccessRule = {
  prefix: string;
  pull?: string[];
  push?: string[];
  delete?: string[];
};

/** Decides whether a user (undefined: anonymous) may act on a repository. */
export class AccessRules {
  readonly #rules: AccessRule[];
  readonly #authEnabled: boolean;
  /** rules: in config order; authEnabled: whether any authentication is configured. */
  constructor(rules: AccessRule[], authEnabled: boolean) {
    this.#rules = rules;
    this.#authEnabled = authEnabled;
  }

  /** True when `user` may do `action` on repository `name`. */
  allows(user: string | undefined, name: string, action: Action): boolean {
    const rule = this.#rules.find((r) => name.startsWith(r.prefix));
    if (!rule) return !this.#authEnabled || user !== undefined;
    const who = rule[action] ?? [];
    if (who.includes("anonymous")) return true;
    if (user === undefined) return false;
    return who.includes("*") || who.includes(user);
  }

  /** The subset of `actions` that `user` may do on `name`. */
  granted(user: string | undefined, name: string, actions: Action[]): Action[] {
    return actions.filter((a) => this.allows(user, name, a));
  }
}
