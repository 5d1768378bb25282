// Bundles the entry points with esbuild into dist/*.cjs. Native packages stay external.
import { build } from "esbuild";

const entries = {
  wharfd: "src/bin/daemon.ts",
  wharf: "src/bin/cli.ts",
  "wharf-registry": "src/bin/registry.ts",
  // The layer apply worker thread (storage/archive/apply-file.ts), beside wharfd.
  "apply-worker": "src/storage/archive/apply-worker.ts",
};
// wharfd's bundle drops comments and whitespace: V8 keeps a script's whole
// source resident, and one non-Latin-1 character in a comment doubles it
// (two bytes per character). Its source map still points into src/.
const memoryLean = new Set(["wharfd", "apply-worker"]);
await Promise.all(
  Object.entries(entries).map(([name, entry]) =>
    build({
      entryPoints: [entry],
      outfile: `dist/${name}.cjs`,
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      sourcemap: "linked",
      external: ["koffi", "node-unix-socket"],
      logLevel: "warning",
      minifyWhitespace: memoryLean.has(name),
      // util/lazy-require.ts reads import.meta.url only outside the CJS bundle.
      logOverride: { "empty-import-meta": "silent" },
    }),
  ),
);
