import { createRequire } from "node:module";

/**
 * A loader for a CommonJS package that is required on first call, not at
 * start. For native add-ons (koffi, node-unix-socket) that only some
 * operations need: each maps megabytes into wharfd as soon as it is loaded,
 * which an idle daemon should not pay. Works in the CJS bundle (its own
 * `require`, resolving beside dist/) and in ESM (tests through tsx).
 */
export function lazyRequire<T>(id: string): () => T {
  let mod: T | undefined;
  return () => {
    if (mod === undefined) {
      const req =
        typeof require === "function"
          ? require
          : createRequire(import.meta.url);
      mod = req(id) as T;
    }
    return mod;
  };
}
