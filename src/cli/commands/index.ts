/**
 * The command table: canonical path → one-line description and a lazy loader,
 * so start-up evaluates only the command that runs.
 */
import type { Command } from "../command.ts";
import { NETWORK_COMMANDS } from "./networks/index.ts";

/** One entry of the table. */
export type CommandEntry = { short: string; load: () => Promise<Command> };

/** Management groups ("container", "image", "system") and their descriptions. */
export const GROUPS: Record<string, string> = {
  builder: "Manage builds",
  container: "Manage containers",
  context: "Manage contexts",
  image: "Manage images",
  network: "Manage networks",
  system: "Manage Docker",
  volume: "Manage volumes",
};

/** Every command by canonical path. */
export const COMMANDS: Record<string, CommandEntry> = {
  ...NETWORK_COMMANDS,
  compose: {
    short: "Docker Compose",
    load: async () => (await import("./compose/index.ts")).compose,
  },
  "container attach": {
    short:
      "Attach local standard input, output, and error streams to a running container",
    load: async () => (await import("./containers/attach.ts")).attach,
  },
  "container commit": {
    short: "Create a new image from a container's changes",
    load: async () => (await import("./containers/commit.ts")).commit,
  },
  "container cp": {
    short: "Copy files/folders between a container and the local filesystem",
    load: async () => (await import("./containers/cp.ts")).cp,
  },
  "container diff": {
    short:
      "Inspect changes to files or directories on a container's filesystem",
    load: async () => (await import("./containers/diff.ts")).diff,
  },
  "container export": {
    short: "Export a container's filesystem as a tar archive",
    load: async () => (await import("./containers/export.ts")).exportContainer,
  },
  "container create": {
    short: "Create a new container",
    load: async () => (await import("./containers/create.ts")).create,
  },
  "container exec": {
    short: "Execute a command in a running container",
    load: async () => (await import("./containers/exec.ts")).exec,
  },
  "container inspect": {
    short: "Display detailed information on one or more containers",
    load: async () => (await import("./containers/inspect.ts")).inspect,
  },
  "container kill": {
    short: "Kill one or more running containers",
    load: async () => (await import("./containers/kill.ts")).kill,
  },
  "container logs": {
    short: "Fetch the logs of a container",
    load: async () => (await import("./containers/logs.ts")).logs,
  },
  "container ls": {
    short: "List containers",
    load: async () => (await import("./containers/ls.ts")).ls,
  },
  "container pause": {
    short: "Pause all processes within one or more containers",
    load: async () => (await import("./containers/simple.ts")).pause,
  },
  "container port": {
    short: "List port mappings or a specific mapping for the container",
    load: async () => (await import("./containers/port.ts")).port,
  },
  "container prune": {
    short: "Remove all stopped containers",
    load: async () => (await import("./containers/prune.ts")).prune,
  },
  "container rename": {
    short: "Rename a container",
    load: async () => (await import("./containers/rename.ts")).rename,
  },
  "container restart": {
    short: "Restart one or more containers",
    load: async () => (await import("./containers/stop.ts")).restart,
  },
  "container rm": {
    short: "Remove one or more containers",
    load: async () => (await import("./containers/rm.ts")).rm,
  },
  "container run": {
    short: "Create and run a new container from an image",
    load: async () => (await import("./containers/run.ts")).run,
  },
  "container start": {
    short: "Start one or more stopped containers",
    load: async () => (await import("./containers/start.ts")).start,
  },
  "container stats": {
    short: "Display a live stream of container(s) resource usage statistics",
    load: async () => (await import("./containers/stats.ts")).stats,
  },
  "container stop": {
    short: "Stop one or more running containers",
    load: async () => (await import("./containers/stop.ts")).stop,
  },
  "container top": {
    short: "Display the running processes of a container",
    load: async () => (await import("./containers/top.ts")).top,
  },
  "container unpause": {
    short: "Unpause all processes within one or more containers",
    load: async () => (await import("./containers/simple.ts")).unpause,
  },
  "container update": {
    short: "Update configuration of one or more containers",
    load: async () => (await import("./containers/update.ts")).update,
  },
  "container wait": {
    short:
      "Block until one or more containers stop, then print their exit codes",
    load: async () => (await import("./containers/simple.ts")).wait,
  },
  "builder build": {
    short: "Build an image from a Dockerfile",
    load: async () => (await import("./images/build.ts")).build,
  },
  "builder prune": {
    short: "Remove build cache",
    load: async () => (await import("./builder/prune.ts")).prune,
  },
  "image pull": {
    short: "Download an image from a registry",
    load: async () => (await import("./images/pull.ts")).pull,
  },
  "image push": {
    short: "Upload an image to a registry",
    load: async () => (await import("./images/push.ts")).push,
  },
  login: {
    short: "Authenticate to a registry",
    load: async () => (await import("./images/login.ts")).login,
  },
  logout: {
    short: "Log out from a registry",
    load: async () => (await import("./images/logout.ts")).logout,
  },
  search: {
    short: "Search Docker Hub for images",
    load: async () => (await import("./images/search.ts")).search,
  },
  "image history": {
    short: "Show the history of an image",
    load: async () => (await import("./images/history.ts")).history,
  },
  "image import": {
    short: "Import the contents from a tarball to create a filesystem image",
    load: async () => (await import("./images/import.ts")).importImage,
  },
  "image inspect": {
    short: "Display detailed information on one or more images",
    load: async () => (await import("./images/inspect.ts")).inspect,
  },
  "image load": {
    short: "Load an image from a tar archive or STDIN",
    load: async () => (await import("./images/load.ts")).load,
  },
  "image ls": {
    short: "List images",
    load: async () => (await import("./images/ls.ts")).ls,
  },
  "image prune": {
    short: "Remove unused images",
    load: async () => (await import("./images/prune.ts")).prune,
  },
  "image rm": {
    short: "Remove one or more images",
    load: async () => (await import("./images/rm.ts")).rm,
  },
  "image save": {
    short:
      "Save one or more images to a tar archive (streamed to STDOUT by default)",
    load: async () => (await import("./images/save.ts")).save,
  },
  "image tag": {
    short: "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
    load: async () => (await import("./images/tag.ts")).tag,
  },
  "context create": {
    short: "Create a context",
    load: async () => (await import("./contexts/create.ts")).create,
  },
  "context inspect": {
    short: "Display detailed information on one or more contexts",
    load: async () => (await import("./contexts/inspect.ts")).inspect,
  },
  "context ls": {
    short: "List contexts",
    load: async () => (await import("./contexts/ls.ts")).ls,
  },
  "context rm": {
    short: "Remove one or more contexts",
    load: async () => (await import("./contexts/rm.ts")).rm,
  },
  "context use": {
    short: "Set the current docker context",
    load: async () => (await import("./contexts/use.ts")).use,
  },
  "system dial-stdio": {
    short:
      "Proxy the stdio stream to the daemon connection. Should not be invoked manually.",
    load: async () => (await import("./system/dial-stdio.ts")).dialStdio,
  },
  tls: {
    short: "Generate a CA, a server and a client certificate for TLS",
    load: async () => (await import("./system/tls.ts")).tls,
  },
  "system df": {
    short: "Show docker disk usage",
    load: async () => (await import("./system/df.ts")).df,
  },
  "system events": {
    short: "Get real time events from the server",
    load: async () => (await import("./system/events.ts")).events,
  },
  "system info": {
    short: "Display system-wide information",
    load: async () => (await import("./system/info.ts")).info,
  },
  "volume create": {
    short: "Create a volume",
    load: async () => (await import("./volumes/create.ts")).create,
  },
  "volume inspect": {
    short: "Display detailed information on one or more volumes",
    load: async () => (await import("./volumes/inspect.ts")).inspect,
  },
  "volume ls": {
    short: "List volumes",
    load: async () => (await import("./volumes/ls.ts")).ls,
  },
  "volume prune": {
    short: "Remove unused local volumes",
    load: async () => (await import("./volumes/prune.ts")).prune,
  },
  "volume rm": {
    short: "Remove one or more volumes",
    load: async () => (await import("./volumes/rm.ts")).rm,
  },
  inspect: {
    short: "Return low-level information on Docker objects",
    load: async () => (await import("./system/inspect.ts")).inspect,
  },
  version: {
    short: "Show the Docker version information",
    load: async () => (await import("./system/version.ts")).version,
  },
};
