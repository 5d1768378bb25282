/** `wharf info [--format]`. */
import type { SystemInfo } from "../../../client/index.ts";
import type { Command } from "../../command.ts";
import { formatEach } from "../../format/formatter.ts";
import { bytesSize } from "../../../conventions/human.ts";

function serverLines(i: SystemInfo): string[] {
  const lines = [
    "Server:",
    ` Containers: ${i.Containers}`,
    `  Running: ${i.ContainersRunning}`,
    `  Paused: ${i.ContainersPaused}`,
    `  Stopped: ${i.ContainersStopped}`,
    ` Images: ${i.Images}`,
    ` Server Version: ${i.ServerVersion}`,
    ` Storage Driver: ${i.Driver}`,
    ...(i.DriverStatus ?? []).map(([k, v]) => `  ${k}: ${v}`),
    ` Logging Driver: ${i.LoggingDriver ?? ""}`,
    ` Cgroup Driver: ${i.CgroupDriver ?? ""}`,
    ` Cgroup Version: ${i.CgroupVersion ?? ""}`,
    " Plugins:",
    `  Volume: ${(i.Plugins?.Volume ?? []).join(" ")}`,
    `  Network: ${(i.Plugins?.Network ?? []).join(" ")}`,
    `  Log: ${(i.Plugins?.Log ?? []).join(" ")}`,
    ` Runtimes: ${Object.keys(i.Runtimes ?? {})
      .sort()
      .join(" ")}`,
    ` Default Runtime: ${i.DefaultRuntime ?? ""}`,
    ` Kernel Version: ${i.KernelVersion}`,
    ` Operating System: ${i.OperatingSystem}`,
    ` OSType: ${i.OSType}`,
    ` Architecture: ${i.Architecture}`,
    ` CPUs: ${i.NCPU}`,
    ` Total Memory: ${bytesSize(i.MemTotal)}`,
    ` Name: ${i.Name}`,
    ` ID: ${i.ID}`,
    ` Docker Root Dir: ${i.DockerRootDir}`,
    ` Debug Mode: ${i.Debug === true}`,
    ` Experimental: ${i.Experimental === true}`,
    ` Live Restore Enabled: ${i.LiveRestoreEnabled === true}`,
  ];
  if (i.Labels?.length)
    lines.push(" Labels:", ...i.Labels.map((l) => `  ${l}`));
  return lines;
}

/** Prints Docker's `info` layout for the client and the server. */
export const info: Command = {
  usage: "[OPTIONS]",
  short: "Display system-wide information",
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
    const i = await ctx.client().system.info();
    const format = ctx.flags.string("format");
    if (format) {
      ctx.io.stdout.write(formatEach(format, [i]));
      return;
    }
    const lines = [
      "Client:",
      " Version:    0.1.0",
      " Context:    default",
      " Debug Mode: false",
      "",
      ...serverLines(i),
    ];
    ctx.io.stdout.write(lines.join("\n") + "\n");
    for (const w of i.Warnings ?? []) ctx.io.stderr.write(`${w}\n`);
  },
};
