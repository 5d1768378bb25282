/** `wharf context create NAME [--description] [--docker host=…,ca=…,cert=…,key=…,skip-tls-verify=…] [--from]`. */
import { readFileSync } from "node:fs";
import { parseHost } from "../../../client/index.ts";
import { errorMessage } from "../../../util/errors.ts";
import { StatusError, type Command } from "../../command.ts";
import {
  configDir,
  ContextStore,
  DEFAULT_CONTEXT,
  type ContextTls,
  type DockerEndpoint,
} from "../../contexts/store.ts";

/** Parses `--docker` as the Docker CLI does: comma-separated key=value pairs. */
export function parseDockerSpec(spec: string): {
  endpoint: DockerEndpoint;
  files: { ca?: string; cert?: string; key?: string };
} {
  const endpoint: DockerEndpoint = { Host: "", SkipTLSVerify: false };
  const files: { ca?: string; cert?: string; key?: string } = {};
  for (const part of spec.split(",").filter(Boolean)) {
    const eq = part.indexOf("=");
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? "" : part.slice(eq + 1);
    if (key === "host") endpoint.Host = value;
    else if (key === "ca" || key === "cert" || key === "key")
      files[key] = value;
    else if (key === "skip-tls-verify") {
      if (!/^(1|0|t|f|true|false|TRUE|FALSE|True|False)$/.test(value))
        throw new StatusError(
          `unable to create docker endpoint config: strconv.ParseBool: parsing "${value}": invalid syntax`,
          1,
        );
      endpoint.SkipTLSVerify = /^(1|t|true)$/i.test(value);
    } else
      // compat: docker context create's wording for an unknown key.
      throw new StatusError(
        `unable to create docker endpoint config: unrecognized config key: ${key}`,
        1,
      );
  }
  return { endpoint, files };
}

/** Creates a context in the shared store; prints its name (stdout) and a confirmation (stderr). */
export const create: Command = {
  usage: "[OPTIONS] CONTEXT",
  short: "Create a context",
  flags: [
    {
      name: "description",
      type: "string",
      description: "Description of the context",
    },
    {
      name: "docker",
      type: "string",
      description: "set the docker endpoint",
      valueName: "stringToString",
    },
    {
      name: "from",
      type: "string",
      description: "create context from a named context",
    },
  ],
  args: { min: 1, max: 1 },
  action: (ctx) => {
    const name = ctx.args[0] ?? "";
    const store = new ContextStore(configDir(ctx.env));
    const spec = ctx.flags.string("docker");
    let endpoint: DockerEndpoint;
    let tls: ContextTls = {};
    if (spec !== undefined) {
      const parsed = parseDockerSpec(spec);
      endpoint = parsed.endpoint;
      try {
        if (endpoint.Host) parseHost(endpoint.Host);
        for (const [k, path] of Object.entries(parsed.files))
          tls = { ...tls, [k]: readFileSync(path) };
      } catch (err) {
        throw new StatusError(
          `unable to create docker endpoint config: ${errorMessage(err)}`,
          1,
        );
      }
    } else {
      // Without --docker (or with --from): the endpoint of the given or current context.
      const from = ctx.flags.string("from");
      if (from && from !== DEFAULT_CONTEXT) {
        const meta = store.get(from);
        endpoint = meta.Endpoints.docker ?? { Host: "", SkipTLSVerify: false };
        tls = store.tls(from);
      } else {
        const e = ctx.endpoint();
        endpoint = { Host: e.host, SkipTLSVerify: e.tls?.verify === false };
        if (e.tls) {
          const { ca, cert, key } = e.tls;
          tls = {
            ...(ca ? { ca } : {}),
            ...(cert ? { cert } : {}),
            ...(key ? { key } : {}),
          };
        }
      }
    }
    const description = ctx.flags.string("description");
    try {
      store.create(
        {
          Name: name,
          Metadata: description ? { Description: description } : {},
          Endpoints: { docker: endpoint },
        },
        tls,
      );
    } catch (err) {
      throw new StatusError(errorMessage(err), 1);
    }
    ctx.io.stdout.write(`${name}\n`);
    ctx.io.stderr.write(`Successfully created context "${name}"\n`);
    return Promise.resolve();
  },
};
