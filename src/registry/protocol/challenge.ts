/**
 * WWW-Authenticate challenges as registries send them (RFC 7235 §4.1 with
 * the auth-param grammar of RFC 7235 §2.1; Docker's token auth spec,
 * distribution docs/spec/auth/token.md). Pure parsing, no IO.
 */

/** One challenge: its scheme (lowercased) and parameters (names lowercased). */
export type Challenge = { scheme: string; params: Record<string, string> };

/**
 * Parses a WWW-Authenticate header value into its challenges, e.g.
 * `Bearer realm="https://auth/token",service="registry",scope="repository:a:pull"`.
 * Unparsable trailing text is ignored (as distribution's client does).
 */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const s = header;
  const skipSpace = (): void => {
    while (i < s.length && (s[i] === " " || s[i] === "\t")) i++;
  };
  const token = (): string => {
    const m = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/.exec(s.slice(i));
    if (!m) return "";
    i += m[0].length;
    return m[0];
  };
  while (i < s.length) {
    skipSpace();
    while (s[i] === ",") {
      i++;
      skipSpace();
    }
    const before = i;
    const scheme = token();
    if (!scheme) break;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    for (;;) {
      skipSpace();
      const save = i;
      const name = token();
      skipSpace();
      if (!name || s[i] !== "=") {
        i = save; // not a parameter: the next challenge's scheme
        break;
      }
      i++;
      skipSpace();
      let value = "";
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === "\\" && i + 1 < s.length) i++;
          value += s[i];
          i++;
        }
        i++;
      } else value = token();
      challenge.params[name.toLowerCase()] = value;
      skipSpace();
      if (s[i] !== ",") break;
      i++;
    }
    if (i === before) break;
  }
  return out;
}

/** The scope string of a repository (token.md "Requesting a Token"). */
export function repositoryScope(
  path: string,
  actions: readonly ("pull" | "push")[],
): string {
  return `repository:${path}:${actions.join(",")}`;
}
