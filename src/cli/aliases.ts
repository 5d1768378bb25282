/**
 * Docker's short forms of commands: `run` is `container run`, `ps` is
 * `container ls`, `images` is `image ls`, `rmi` is `image rm`, and so on.
 */
import { NETWORK_ALIASES } from "./commands/networks/index.ts";

const CONTAINER_SHORTCUTS = [
  "attach",
  "commit",
  "cp",
  "create",
  "diff",
  "exec",
  "export",
  "kill",
  "logs",
  "pause",
  "port",
  "rename",
  "restart",
  "rm",
  "run",
  "start",
  "stats",
  "stop",
  "top",
  "unpause",
  "update",
  "wait",
];
const IMAGE_SHORTCUTS = [
  "history",
  "import",
  "load",
  "pull",
  "push",
  "save",
  "tag",
];

/** Alias → canonical command path. */
export const ALIASES: Record<string, string> = {
  ...Object.fromEntries(CONTAINER_SHORTCUTS.map((v) => [v, `container ${v}`])),
  ...Object.fromEntries(IMAGE_SHORTCUTS.map((v) => [v, `image ${v}`])),
  ps: "container ls",
  "container ps": "container ls",
  "container list": "container ls",
  "container remove": "container rm",
  images: "image ls",
  "image list": "image ls",
  rmi: "image rm",
  "image remove": "image rm",
  "volume list": "volume ls",
  "volume remove": "volume rm",
  "context list": "context ls",
  "context remove": "context rm",
  build: "builder build",
  "image build": "builder build",
  events: "system events",
  info: "system info",
  ...NETWORK_ALIASES,
};

/** Every name that reaches a canonical path (including itself), for help texts. */
export function aliasesOf(canonical: string): string[] {
  return [
    canonical,
    ...Object.keys(ALIASES).filter((a) => ALIASES[a] === canonical),
  ];
}
