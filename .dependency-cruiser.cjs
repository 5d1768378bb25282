/** Dependency rules from ../shared/STYLE.md §2, enforced by `npm run check`. */
const leaf = (from, allowed, reason) => ({
  name: `${from}-deps`,
  comment: reason,
  severity: "error",
  from: { path: `^src/${from}/` },
  to: { path: "^src/", pathNot: [`^src/${from}/`, ...allowed.map((a) => `^src/${a}/`)] },
});
const kinds = ["events", "logging", "images", "volumes", "networks", "containers", "builder", "system"];
/** A kind may import only the kinds to its left (STYLE.md §2); one rule per kind. */
function engineOrder() {
  return kinds.slice(0, -1).map((kind, i) => ({
    name: `engine-order-${kind}`,
    comment: `engine/${kind} may not import kinds to its right: ${kinds.slice(i + 1).join(", ")}`,
    severity: "error",
    from: { path: `^src/engine/${kind}/` },
    to: { path: `^src/engine/(${kinds.slice(i + 1).join("|")})/` },
  }));
}
module.exports = {
  forbidden: [
    { name: "no-circular", comment: "cycles make wiring order undefined", severity: "error", from: {}, to: { circular: true } },
    leaf("api", [], "api holds wire types only and must stay importable from anywhere"),
    leaf("oci", [], "oci is the pure OCI model with no IO"),
    leaf("conventions", ["util"], "Docker's text conventions (times, sizes, filters) are pure so the CLI and the daemon share one parser"),
    leaf("util", [], "util is generic helpers on Node builtins only"),
    leaf("storage", ["oci", "util"], "storage knows blobs and layers, not containers or HTTP"),
    leaf("security", ["conventions", "util"], "security options and seccomp are pure policy: no engine, runtime or HTTP"),
    leaf("runtime", ["oci", "util"], "the runtime adapter is dumb: no engine state (Podman's rule)"),
    leaf("server", ["api", "conventions", "util"], "routes declare Backend interfaces; only daemon/ wires services in"),
    leaf("network", ["util"], "host network plumbing (ip, netns, nftables, drivers) knows no engine state"),
    leaf("engine", ["runtime", "storage", "security", "network", "registry/client", "oci", "api", "conventions", "util"], "engine services sit below the server"),
    leaf("registry/client", ["registry/protocol", "api", "oci", "util"], "the registry client speaks the distribution protocol only: no engine, storage or HTTP server (api: the wire shapes it returns as they are, such as search results)"),
    leaf("client", ["api", "conventions", "util"], "the typed client speaks only the wire API"),
    leaf("compose", ["client", "api", "conventions", "util"], "compose is a client of the Engine API, as Docker Compose is"),
    leaf("cli", ["client", "compose", "api", "conventions", "util"], "the CLI talks to wharfd only through the client"),
    leaf("registry/protocol", ["oci"], "the distribution wire protocol is shared by the registry and the engine's client: pure, no IO beyond types"),
    leaf("registry/server", ["registry/protocol", "oci", "util"], "the registry is a separate program: it shares only the OCI model and the protocol with the engine"),
    leaf("daemon", ["server", "engine", "runtime", "storage", "security", "network", "registry", "api", "oci", "conventions", "util"], "daemon is the only composition root"),
    ...engineOrder(),
    {
      name: "engine-no-deep-imports",
      comment: "another engine kind is reached only through its index.ts",
      severity: "error",
      from: { path: "^src/engine/([^/]+)/" },
      to: { path: "^src/engine/([^/]+)/(?!index\\.ts$)", pathNot: "^src/engine/$1/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "\\.test\\.ts$" },
  },
};
