/** `compose port SERVICE PRIVATE_PORT`: the public address of a published port. */
import { ComposeError } from "../../../compose/errors.ts";
import { numberOf, projectContainers } from "../../../compose/state.ts";
import type { ComposeCommand } from "./context.ts";
import { projectOrName } from "./down.ts";

/** `compose port`. */
export const port: ComposeCommand = {
  usage: "[OPTIONS] SERVICE PRIVATE_PORT",
  short: "Print the public port for a port binding",
  flags: [
    {
      name: "protocol",
      type: "string",
      description: "tcp or udp",
      default: "tcp",
    },
    {
      name: "index",
      type: "int",
      description: "Index of the container if service has multiple replicas",
      default: 1,
    },
  ],
  args: { min: 2, max: 2 },
  action: async (ctx) => {
    const [service = "", privatePort = ""] = ctx.args;
    const index = ctx.flags.int("index") ?? 1;
    const c = (
      await projectContainers(ctx.client(), projectOrName(ctx).name, {
        services: [service],
      })
    ).find((x) => numberOf(x) === index);
    if (!c)
      throw new ComposeError(
        `service "${service}" is not running container #${index}`,
      );
    const proto = ctx.flags.string("protocol") ?? "tcp";
    const ports = c.Ports as {
      IP?: string;
      PrivatePort: number;
      PublicPort?: number;
      Type: string;
    }[];
    const p = ports.find(
      (x) =>
        String(x.PrivatePort) === privatePort &&
        x.Type === proto &&
        x.PublicPort,
    );
    if (!p)
      throw new ComposeError(
        `no port ${privatePort}/${proto} for container ${service}`,
      );
    ctx.io.stdout.write(`${p.IP ?? "0.0.0.0"}:${p.PublicPort}\n`);
  },
};
