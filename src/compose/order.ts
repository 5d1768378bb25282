/**
 * Runs an operation over services in dependency order, in parallel where
 * services are independent: each starts once the services it depends on
 * (or, reversed, the services depending on it) have finished. On a failure
 * no new operation starts; the first error is thrown once the running ones end.
 */

/** Runs fn for every name; deps(name) names what must finish first. */
export async function inDependencyOrder(
  names: string[],
  deps: (name: string) => string[],
  fn: (name: string) => Promise<void>,
  options: { reverse?: boolean } = {},
): Promise<void> {
  const set = new Set(names);
  const before = new Map<string, string[]>();
  for (const n of names) before.set(n, []);
  for (const n of names)
    for (const d of deps(n).filter((x) => set.has(x))) {
      if (options.reverse) before.get(d)?.push(n);
      else before.get(n)?.push(d);
    }
  const done = new Map<string, Promise<void>>();
  let failed = false;
  const run = (n: string): Promise<void> => {
    let p = done.get(n);
    if (p) return p;
    p = (async () => {
      await Promise.all((before.get(n) ?? []).map(run));
      if (failed) throw new Skipped();
      try {
        await fn(n);
      } catch (err) {
        failed = true;
        throw err;
      }
    })();
    done.set(n, p);
    return p;
  };
  const results = await Promise.allSettled(names.map(run));
  const err = results.find(
    (r): r is PromiseRejectedResult =>
      r.status === "rejected" && !(r.reason instanceof Skipped),
  );
  if (err) throw err.reason;
}

class Skipped extends Error {}
