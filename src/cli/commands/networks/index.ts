/** The `network` command group's table entries and aliases, spread into commands/index.ts and aliases.ts. */
import type { Command } from "../../command.ts";

type CommandEntry = { short: string; load: () => Promise<Command> };

/** Canonical path → entry for every `network` command. */
export const NETWORK_COMMANDS: Record<string, CommandEntry> = {
  "network connect": {
    short: "Connect a container to a network",
    load: async () => (await import("./connect.ts")).connect,
  },
  "network create": {
    short: "Create a network",
    load: async () => (await import("./create.ts")).create,
  },
  "network disconnect": {
    short: "Disconnect a container from a network",
    load: async () => (await import("./connect.ts")).disconnect,
  },
  "network inspect": {
    short: "Display detailed information on one or more networks",
    load: async () => (await import("./connect.ts")).inspect,
  },
  "network ls": {
    short: "List networks",
    load: async () => (await import("./ls.ts")).ls,
  },
  "network prune": {
    short: "Remove all unused networks",
    load: async () => (await import("./rm.ts")).prune,
  },
  "network rm": {
    short: "Remove one or more networks",
    load: async () => (await import("./rm.ts")).rm,
  },
};

/** Docker's alternative names of network commands. */
export const NETWORK_ALIASES: Record<string, string> = {
  "network list": "network ls",
  "network remove": "network rm",
};
