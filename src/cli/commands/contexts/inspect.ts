/** `wharf context inspect [CONTEXT…] [-f]`: the stored context as the Docker CLI prints it. */
import { StatusError, type Command } from "../../command.ts";
import {
  configDir,
  ContextStore,
  DEFAULT_CONTEXT,
} from "../../contexts/store.ts";
import { contextName } from "../../contexts/endpoint.ts";
import { resolveHost } from "../../../client/index.ts";
import { formatEach } from "../../format/formatter.ts";
import { errorMessage } from "../../../util/errors.ts";

/** Prints contexts as a JSON array (or --format per context); exits 1 if any is unknown. */
export const inspect: Command = {
  usage: "[OPTIONS] [CONTEXT] [CONTEXT...]",
  short: "Display detailed information on one or more contexts",
  flags: [
    {
      name: "format",
      short: "f",
      type: "string",
      description: "Format output using a custom template",
    },
  ],
  action: (ctx) => {
    const store = new ContextStore(configDir(ctx.env));
    const names = ctx.args.length
      ? ctx.args
      : [contextName(ctx.connection, ctx.env, store)];
    const found: unknown[] = [];
    const errors: string[] = [];
    for (const name of names) {
      if (name === DEFAULT_CONTEXT) {
        found.push({
          Name: DEFAULT_CONTEXT,
          Metadata: {},
          Endpoints: {
            docker: {
              Host: resolveHost(ctx.connection.hosts.at(-1), ctx.env),
              SkipTLSVerify: false,
            },
          },
          TLSMaterial: {},
          Storage: { MetadataPath: "<IN MEMORY>", TLSPath: "<IN MEMORY>" },
        });
        continue;
      }
      try {
        const meta = store.get(name);
        const files = store.tlsFiles(name);
        found.push({
          ...meta,
          TLSMaterial: files.length ? { docker: files } : {},
          Storage: {
            MetadataPath: store.metaPath(name),
            TLSPath: store.tlsPath(name),
          },
        });
      } catch (err) {
        errors.push(errorMessage(err));
      }
    }
    const format = ctx.flags.string("format");
    ctx.io.stdout.write(
      format
        ? formatEach(format, found)
        : `${JSON.stringify(found, null, 4)}\n`,
    );
    if (errors.length) throw new StatusError(errors.join("\n"), 1);
    return Promise.resolve();
  },
};
