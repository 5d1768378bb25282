/** `wharf port CONTAINER [PRIVATE_PORT[/PROTO]]`. */
import { StatusError, type Command } from "../../command.ts";

type Bindings = Record<string, { HostIp: string; HostPort: string }[] | null>;

/** Lists a container's published ports as Docker's `port` does. */
export const port: Command = {
  usage: "CONTAINER [PRIVATE_PORT[/PROTO]]",
  short: "List port mappings or a specific mapping for the container",
  flags: [],
  args: { min: 1, max: 2 },
  action: async (ctx) => {
    const [name = "", want] = ctx.args;
    const c = await ctx.client().containers.inspect(name);
    const ports = (c.NetworkSettings.Ports ?? {}) as Bindings;
    const lines: string[] = [];
    if (want !== undefined) {
      const key = want.includes("/") ? want : `${want}/tcp`;
      for (const b of ports[key] ?? []) lines.push(`${b.HostIp}:${b.HostPort}`);
      if (!lines.length)
        throw new StatusError(
          `Error: No public port '${key}' published for ${name}`,
          1,
        );
    } else {
      const keys = Object.keys(ports).sort(
        (a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b),
      );
      for (const k of keys)
        for (const b of ports[k] ?? [])
          lines.push(`${k} -> ${b.HostIp}:${b.HostPort}`);
    }
    ctx.io.stdout.write(lines.map((l) => `${l}\n`).join(""));
  },
};
