/** `wharf version [--format]`. */
import type { SystemVersion } from "../../../client/index.ts";
import { API_VERSION } from "../../../api/version.ts";
import { describeError } from "../each.ts";
import { StatusError, type Command } from "../../command.ts";
import { formatEach } from "../../format/formatter.ts";

/** Client and server versions in Docker's layout (or --format over {Client, Server}). */
export const version: Command = {
  usage: "[OPTIONS]",
  short: "Show the Docker version information",
  flags: [
    {
      name: "format",
      short: "f",
      type: "string",
      description: "Format output using a custom template",
    },
  ],
  args: { max: 0 },
  action: async (ctx) => {
    const client = ctx.client();
    let server: SystemVersion | undefined;
    let failure: unknown;
    let api = API_VERSION;
    try {
      api = await client.apiVersion();
      server = await client.system.version();
    } catch (err) {
      failure = err;
    }
    const data = {
      Client: {
        Platform: { Name: "" },
        Version: "0.1.0",
        ApiVersion: api,
        DefaultAPIVersion: API_VERSION,
        GitCommit: "",
        GoVersion: process.version,
        Os: process.platform,
        Arch: process.arch === "x64" ? "amd64" : process.arch,
        BuildTime: "",
        Context: ctx.endpoint().context,
      },
      Server: server ?? null,
    };
    const format = ctx.flags.string("format");
    if (format) ctx.io.stdout.write(formatEach(format, [data]));
    else {
      const c = data.Client;
      const lines = [
        "Client:",
        ` Version:           ${c.Version}`,
        ` API version:       ${c.ApiVersion}${api !== API_VERSION ? ` (downgraded from ${API_VERSION})` : ""}`,
        ` Node version:      ${c.GoVersion}`,
        ` OS/Arch:           ${c.Os}/${c.Arch}`,
        ` Context:           ${c.Context}`,
      ];
      if (server) {
        lines.push("", `Server: ${server.Platform?.Name ?? ""}`.trimEnd());
        for (const comp of server.Components ?? []) {
          lines.push(` ${comp.Name}:`, `  Version:          ${comp.Version}`);
          if (comp.Name === "Engine") {
            lines.push(
              `  API version:      ${server.ApiVersion} (minimum version ${server.MinAPIVersion ?? ""})`,
            );
            lines.push(
              `  Go version:       ${server.GoVersion}`,
              `  Git commit:       ${server.GitCommit}`,
            );
            if (server.BuildTime)
              lines.push(`  Built:            ${server.BuildTime}`);
            lines.push(
              `  OS/Arch:          ${server.Os}/${server.Arch}`,
              `  Experimental:     ${server.Experimental === true}`,
            );
          } else
            for (const [k, v] of Object.entries(comp.Details ?? {}))
              lines.push(`  ${`${k}:`.padEnd(18)}${v}`);
        }
      }
      ctx.io.stdout.write(lines.join("\n") + "\n");
    }
    if (failure) throw new StatusError(describeError(failure), 1);
  },
};
