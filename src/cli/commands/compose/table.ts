/** The compose subcommands by name, loaded lazily. */
import type { ComposeCommand } from "./context.ts";

type Entry = { short: string; load: () => Promise<ComposeCommand> };

/** Every compose subcommand. */
export const SUBCOMMANDS: Record<string, Entry> = {
  attach: {
    short:
      "Attach local standard input, output, and error streams to a service's running container",
    load: async () => (await import("./containers.ts")).attach,
  },
  build: {
    short: "Build or rebuild services",
    load: async () => (await import("./build.ts")).build,
  },
  commit: {
    short: "Create a new image from a service container's changes",
    load: async () => (await import("./containers.ts")).commit,
  },
  config: {
    short: "Parse, resolve and render compose file in canonical format",
    load: async () => (await import("./config.ts")).config,
  },
  cp: {
    short:
      "Copy files/folders between a service container and the local filesystem",
    load: async () => (await import("./cp.ts")).cp,
  },
  create: {
    short: "Creates containers for a service",
    load: async () => (await import("./up.ts")).create,
  },
  down: {
    short: "Stop and remove containers, networks",
    load: async () => (await import("./down.ts")).down,
  },
  events: {
    short: "Receive real time events from containers",
    load: async () => (await import("./events.ts")).events,
  },
  export: {
    short: "Export a service container's filesystem as a tar archive",
    load: async () => (await import("./containers.ts")).exportService,
  },
  exec: {
    short: "Execute a command in a running container",
    load: async () => (await import("./exec.ts")).exec,
  },
  images: {
    short: "List images used by the created containers",
    load: async () => (await import("./images.ts")).images,
  },
  kill: {
    short: "Force stop service containers",
    load: async () => (await import("./lifecycle.ts")).kill,
  },
  logs: {
    short: "View output from containers",
    load: async () => (await import("./logs.ts")).logs,
  },
  ls: {
    short: "List running compose projects",
    load: async () => (await import("./ls.ts")).ls,
  },
  pause: {
    short: "Pause services",
    load: async () => (await import("./lifecycle.ts")).pause,
  },
  port: {
    short: "Print the public port for a port binding",
    load: async () => (await import("./port.ts")).port,
  },
  ps: {
    short: "List containers",
    load: async () => (await import("./ps.ts")).ps,
  },
  pull: {
    short: "Pull service images",
    load: async () => (await import("./build.ts")).pull,
  },
  push: {
    short: "Push service images",
    load: async () => (await import("./push.ts")).push,
  },
  restart: {
    short: "Restart service containers",
    load: async () => (await import("./lifecycle.ts")).restart,
  },
  rm: {
    short: "Removes stopped service containers",
    load: async () => (await import("./lifecycle.ts")).rm,
  },
  run: {
    short: "Run a one-off command on a service",
    load: async () => (await import("./run.ts")).run,
  },
  scale: {
    short: "Scale services ",
    load: async () => (await import("./up.ts")).scale,
  },
  start: {
    short: "Start services",
    load: async () => (await import("./lifecycle.ts")).start,
  },
  stats: {
    short: "Display a live stream of container(s) resource usage statistics",
    load: async () => (await import("./containers.ts")).stats,
  },
  stop: {
    short: "Stop services",
    load: async () => (await import("./lifecycle.ts")).stop,
  },
  top: {
    short: "Display the running processes",
    load: async () => (await import("./top.ts")).top,
  },
  unpause: {
    short: "Unpause services",
    load: async () => (await import("./lifecycle.ts")).unpause,
  },
  up: {
    short: "Create and start containers",
    load: async () => (await import("./up.ts")).up,
  },
  version: {
    short: "Show the Docker Compose version information",
    load: async () => (await import("./version.ts")).version,
  },
  wait: {
    short: "Block until containers of all (or specified) services stop.",
    load: async () => (await import("./wait.ts")).wait,
  },
  watch: {
    short:
      "Watch build context for service and rebuild/refresh containers when files are updated",
    load: async () => (await import("./watch.ts")).watch,
  },
};
