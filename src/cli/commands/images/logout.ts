/** `wharf logout [SERVER]`. */
import type { Command } from "../../command.ts";
import { CredentialStore, hostnameOf, INDEX_SERVER } from "./credentials.ts";

/** Removes stored credentials for a registry (file entry and credential helper), as the Docker CLI. */
export const logout: Command = {
  usage: "[SERVER]",
  short: "Log out from a registry",
  flags: [],
  args: { max: 1 },
  action: async (ctx) => {
    const given = ctx.args[0];
    const hub =
      !given || /^(https?:\/\/)?(index\.)?docker\.io(\/.*)?$/.test(given);
    const host = hub ? INDEX_SERVER : hostnameOf(given);
    ctx.io.stdout.write(`Removing login credentials for ${host}\n`);
    const store = new CredentialStore(ctx.env);
    // compat: the Docker CLI erases the address as given and its host-name forms.
    const keys = hub
      ? [INDEX_SERVER]
      : [...new Set([given, host, `http://${host}`, `https://${host}`])];
    for (const k of keys) store.erase(k);
  },
};
