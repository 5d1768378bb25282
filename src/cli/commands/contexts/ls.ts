/** `wharf context ls [-q] [--format]`: the default context plus the stored ones. */
import type { Command } from "../../command.ts";
import {
  configDir,
  ContextStore,
  DEFAULT_CONTEXT,
} from "../../contexts/store.ts";
import { contextName } from "../../contexts/endpoint.ts";
import { resolveHost } from "../../../client/index.ts";
import { formatList } from "../../format/formatter.ts";
import { LIST_FORMAT_FLAG, quietFlag } from "../each.ts";

const HEADERS = {
  Name: "NAME",
  Description: "DESCRIPTION",
  DockerEndpoint: "DOCKER ENDPOINT",
  Error: "ERROR",
};

/** Lists contexts as the Docker CLI's table (current one marked `*`), names, or --format. */
export const ls: Command = {
  usage: "[OPTIONS]",
  short: "List contexts",
  flags: [LIST_FORMAT_FLAG, quietFlag("Only show context names")],
  args: { max: 0 },
  action: (ctx) => {
    const store = new ContextStore(configDir(ctx.env));
    const current = contextName(ctx.connection, ctx.env, store);
    const rows = [
      {
        Name: DEFAULT_CONTEXT,
        Description: "Current DOCKER_HOST based configuration",
        DockerEndpoint: resolveHost(ctx.connection.hosts.at(-1), ctx.env),
      },
      ...store.list().map((m) => ({
        Name: m.Name,
        Description: m.Metadata.Description ?? "",
        DockerEndpoint: m.Endpoints.docker?.Host ?? "",
      })),
    ].map((r) => ({ ...r, Current: r.Name === current, Error: "" }));
    const quiet = ctx.flags.bool("quiet");
    const format = ctx.flags.string("format");
    const table = !format && !quiet;
    ctx.io.stdout.write(
      formatList(
        {
          format: quiet && !format ? "{{.Name}}" : format,
          defaultFormat:
            "table {{.Name}}\t{{.Description}}\t{{.DockerEndpoint}}\t{{.Error}}",
          headers: HEADERS,
        },
        // compat: the table marks the current context by appending " *" to its name.
        table
          ? rows.map((r) => (r.Current ? { ...r, Name: `${r.Name} *` } : r))
          : rows,
      ),
    );
    return Promise.resolve();
  },
};
