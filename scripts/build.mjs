// Bundles the entry points with esbuild into dist/*.cjs. Native packages stay external.
import { build } from "esbuild";

const entries = {
  wharfd: "src/bin/daemon.ts",
  wharf: "src/bin/cli.ts",
  "wharf-registry": "src/bin/registry.ts",
};
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
      // util/lazy-require.ts reads import.meta.url only outside the CJS bundle.
      logOverride: { "empty-import-meta": "silent" },
    }),
  ),
);
